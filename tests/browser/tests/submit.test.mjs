// Submitting a ticket: inline validation, then the department the pipeline chose.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, expectNoErrors, launch, openPage, screenshot, uniqueWord } from '../support.mjs';

describe('submit a ticket', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('a browser asking for / lands on the console', async () => {
    const page = await openPage(browser, '/');
    await page.waitForFunction(() => document.title === 'Dashboard · Smart Ticket');
    assert.match(page.url(), /\/ui\/#\/dashboard$/);
    expectNoErrors(page);
  });

  test('submit a ticket and see where it was routed', async () => {
    const page = await openPage(browser, '/ui/#/submit');
    const word = uniqueWord('vpn');
    await page.getByLabel('Title').fill(`VPN keeps disconnecting ${word}`);
    await page.getByLabel('Description').fill('Since this morning the VPN drops every few minutes on my laptop.');
    await page.getByLabel('Your name').fill('Ann Lee');
    await page.getByLabel('Your email').fill('ann@example.com');
    await page.getByRole('button', { name: 'Submit ticket' }).click();

    await page.getByRole('heading', { name: 'Ticket routed' }).waitFor();
    const department = await page.getByTestId('result-department').textContent();
    const confidence = await page.getByTestId('result-confidence').textContent();
    assert.equal(department, 'IT Support');
    assert.match(confidence, /^\d{1,3} %$/);
    // Offline, the learned model or the keyword rules decide (never Claude: no key here).
    const decidedBy = await page.getByTestId('result-categorized-by').textContent();
    assert.ok(['Learned model', 'Keywords'].includes(decidedBy), decidedBy);

    // What the console shows is what the server stored.
    const href = await page.getByTestId('result-link').getAttribute('href');
    const id = Number(href.match(/#\/tickets\/(\d+)/)[1]);
    const { json } = await api('GET', `/api/tickets/${id}`);
    assert.equal(json.ticket.department, department);
    assert.equal(`${json.ticket.confidence_score} %`, confidence);
    assert.equal({ model: 'Learned model', keywords: 'Keywords' }[json.ticket.categorized_by], decidedBy);
    assert.match(json.ticket.title, new RegExp(word));
    // The form is ready for the next ticket.
    assert.equal(await page.getByLabel('Title').inputValue(), '');
    await screenshot(page, 'submit-routed');

    await page.getByTestId('result-link').click();
    await page.getByRole('heading', { name: new RegExp(`Ticket #${id}`) }).waitFor();
    expectNoErrors(page);
  });

  test('validation errors are shown inline and nothing is sent', async () => {
    const page = await openPage(browser, '/ui/#/submit');
    const before = (await api('GET', '/api/dashboard/summary')).json.summary.total_tickets;
    let posted = 0;
    page.on('request', (r) => { if (r.method() === 'POST') posted += 1; });

    await page.getByLabel('Title').fill('ab');
    await page.getByLabel('Description').fill('too short');
    await page.getByLabel('Your name').fill('Ann');
    await page.getByLabel('Your email').fill('not-an-email');
    await page.getByRole('button', { name: 'Submit ticket' }).click();

    const title = page.getByLabel('Title');
    assert.equal(await title.getAttribute('aria-invalid'), 'true');
    // The message is tied to its field for screen readers, and focus goes to the first error.
    const described = await title.getAttribute('aria-describedby');
    const messages = await Promise.all(described.split(' ').map((id) => page.locator(`#${id}`).textContent()));
    assert.ok(messages.includes('Title must be at least 3 characters.'), messages.join(' | '));
    assert.equal(await page.evaluate(() => document.activeElement?.name), 'title');
    assert.equal(await page.getByLabel('Description').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Your email').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Your name').getAttribute('aria-invalid'), null);
    await page.getByText('Enter a valid email address, like ann@example.com.').waitFor();
    await screenshot(page, 'submit-validation');

    // Fixing a field clears its message as you type.
    await title.fill('Broken chair');
    assert.equal(await title.getAttribute('aria-invalid'), null);
    assert.equal(posted, 0, 'an invalid form must not be sent');
    const after = (await api('GET', '/api/dashboard/summary')).json.summary.total_tickets;
    assert.equal(after, before);
    expectNoErrors(page);
  });

  test("the server's own validation error lands on its field", async () => {
    // The console's email check is looser than the server's: an empty domain label passes
    // it, so the server's 400 (which names the field) has to be shown inline.
    const page = await openPage(browser, '/ui/#/submit');
    await page.getByLabel('Title').fill('Monitor flickers');
    await page.getByLabel('Description').fill('The external monitor flickers every few seconds.');
    await page.getByLabel('Your name').fill('Ann Lee');
    await page.getByLabel('Your email').fill('ann@example..com');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/tickets') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Submit ticket' }).click();
    assert.equal((await answer).status(), 400);
    const email = page.getByLabel('Your email');
    await page.waitForFunction(() => document.activeElement?.name === 'user_email');
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    const described = (await email.getAttribute('aria-describedby')).split(' ');
    const message = await page.locator(`#${described[described.length - 1]}`).textContent();
    assert.match(message, /email/i);
    // Nothing was lost: the user can fix the address and send again.
    assert.equal(await page.getByLabel('Title').inputValue(), 'Monitor flickers');
    await email.fill('ann@example.com');
    await page.getByRole('button', { name: 'Submit ticket' }).click();
    await page.getByRole('heading', { name: 'Ticket routed' }).waitFor();
    expectNoErrors(page, [/status of 400/]);
  });

  test('when the answer comes before routing, the page completes it live', async () => {
    const page = await openPage(browser, '/ui/#/submit');
    await page.locator('#live-status[data-state="live"]').waitFor();
    // Ask the gateway not to wait for the pipeline (RFC 7240 "respond-async"): the answer
    // carries no department yet, as when routing outlasts the server's deadline.
    await page.route((url) => url.pathname === '/api/tickets', (route) => route.continue({
      headers: { ...route.request().headers(), prefer: 'respond-async' },
    }));
    await page.getByLabel('Title').fill('Laptop battery swollen');
    await page.getByLabel('Description').fill('The laptop battery is swollen and the case bends.');
    await page.getByLabel('Your name').fill('Ann Lee');
    await page.getByLabel('Your email').fill('ann@example.com');
    const response = page.waitForResponse((r) => r.url().endsWith('/api/tickets') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Submit ticket' }).click();
    const answered = await response;
    assert.equal(answered.status(), 202);
    const answer = await answered.json();
    assert.equal(answer.department, undefined);
    await page.getByRole('heading', { name: 'Ticket routed' }).waitFor();
    const stored = (await api('GET', `/api/tickets/${answer.ticket_id}`)).json.ticket;
    assert.equal(await page.getByTestId('result-department').textContent(), stored.department);
    assert.equal(await page.getByTestId('result-confidence').textContent(), `${stored.confidence_score} %`);
    expectNoErrors(page);
  });
});
