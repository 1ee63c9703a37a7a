// Departments: add one, see it offered for rerouting, deactivate it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createTicket, expectNoErrors, launch, openPage, screenshot, uniqueWord } from '../support.mjs';

describe('departments', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('add, use and deactivate a department', async () => {
    const name = `Legal ${uniqueWord('d')}`;
    const page = await openPage(browser, '/ui/#/departments');
    await page.locator('tr[data-name="General"]').waitFor();
    assert.equal(await page.locator('tr[data-name="General"] button').isDisabled(), true, 'General stays active');

    // A name that exists is refused inline.
    await page.getByLabel('Name').fill('General');
    await page.getByRole('button', { name: 'Add department' }).click();
    await page.getByText("A department named 'General' already exists").waitFor();
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Description', { exact: true }).fill('Contracts, NDAs and compliance questions');
    await page.getByRole('button', { name: 'Add department' }).click();
    const row = page.locator(`tr[data-name="${name}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-active'), 'true');
    assert.equal((await api('GET', `/api/departments/${encodeURIComponent(name)}`)).json.department.is_active, true);
    await screenshot(page, 'departments');

    // The new department is offered on a ticket's reroute form.
    const { ticket_id: id } = await createTicket();
    await page.goto(new URL(`/ui/#/tickets/${id}`, process.env.BASE_URL).href);
    await page.locator(`select[name="department"] option[value="${name}"]`).waitFor({ state: 'attached' });

    await page.goto(new URL('/ui/#/departments', process.env.BASE_URL).href);
    await page.getByRole('button', { name: `Deactivate ${name}` }).click();
    await page.waitForFunction((n) => document.querySelector(`tr[data-name="${CSS.escape(n)}"]`)?.dataset.active === 'false', name);
    assert.equal((await api('GET', `/api/departments/${encodeURIComponent(name)}`)).json.department.is_active, false);
    // Focus stays on the row's button (now "Reactivate") for keyboard users.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), `Reactivate ${name}`);

    await page.goto(new URL(`/ui/#/tickets/${id}`, process.env.BASE_URL).href);
    await page.locator('select[name="department"] option[value="General"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator(`select[name="department"] option[value="${name}"]`).count(), 0);
    expectNoErrors(page, [/status of 409/]);
  });
});
