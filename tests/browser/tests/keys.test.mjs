// The Keys page (admin): create a key and see its secret once, revoke one after a confirm,
// and the server's refusal to revoke the last admin key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, api, bearer, expectNoErrors, launch, nav, openPage, screenshot, uniqueWord } from '../support.mjs';

const ownId = ADMIN_KEY.split('_')[1];

describe('keys page', () => {
  let browser;
  before(async () => {
    browser = await launch();
    // The 409 below needs the first admin key to be the only one.
    const { json } = await api('GET', '/api/keys');
    for (const k of json.keys) {
      if (k.role === 'admin' && k.id !== ownId) assert.equal((await api('DELETE', `/api/keys/${k.id}`)).status, 200);
    }
  });
  after(async () => { await browser?.close(); });

  test('create a key: its secret is shown once, then revoke it', async () => {
    const name = `Desk agent ${uniqueWord('k')}`;
    const page = await openPage(browser, '/ui/#/keys');
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    const own = page.locator(`tr[data-key-id="${ownId}"]`);
    await own.waitFor();
    assert.match(await own.textContent(), /you/);

    // A requester key needs an e-mail: said inline, nothing sent.
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Role').selectOption('requester');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('A requester key needs an e-mail').waitFor();
    assert.equal(await page.getByLabel('E-mail').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Role').selectOption('agent');
    await page.getByLabel('E-mail').fill('desk@example.com');
    await page.getByRole('button', { name: 'Create key' }).click();
    const panel = page.locator('section.secret');
    await panel.getByText('Copy it now:').waitFor();
    await panel.getByText('this is the only time the key is shown').waitFor();
    const secret = await page.getByLabel('The new key').inputValue();
    assert.match(secret, /^stk_[0-9a-f]{16}_[0-9a-f]{32}$/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'secret-title');
    // The secret works, as an agent's key.
    const me = await api('GET', '/api/me', undefined, bearer(secret));
    assert.equal(me.status, 200);
    assert.equal(me.json.key.role, 'agent');
    assert.equal(me.json.key.name, name);
    const id = me.json.key.id;
    const row = page.locator(`tr[data-key-id="${id}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Agent/);
    assert.match(await row.textContent(), /desk@example\.com/);
    // Not kept anywhere by the page.
    assert.equal(await page.evaluate((s) => JSON.stringify({ ...sessionStorage }).includes(s) || JSON.stringify({ ...localStorage }).includes(s), secret), false);
    await screenshot(page, 'keys-new-secret');

    // Hidden when done, and gone for good once the page is left.
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    assert.equal(await panel.isVisible(), false);
    const shownAnywhere = (s) => page.evaluate((v) => document.documentElement.outerHTML.includes(v)
      || [...document.querySelectorAll('input')].some((i) => i.value.includes(v)), s);
    assert.equal(await shownAnywhere(secret), false);
    await page.getByLabel('Name').fill(`Another ${name}`);
    await page.getByLabel('Role').selectOption('requester');
    await page.getByLabel('E-mail').fill('another@example.com');
    await page.getByRole('button', { name: 'Create key' }).click();
    const another = await page.getByLabel('The new key').inputValue();
    await nav(page, 'Tickets').click();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await nav(page, 'Keys').click();
    await page.locator(`tr[data-key-id="${id}"]`).waitFor();
    assert.equal(await panel.isVisible(), false);
    assert.equal(await page.getByLabel('The new key').count(), 0);
    assert.equal(await shownAnywhere(another), false);

    // Revoke, after a confirm; cancelling changes nothing.
    await page.getByRole('button', { name: `Revoke ${name}`, exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Revoke the key of ${name}?` });
    await confirm.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'the safe choice has focus');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    assert.equal((await api('GET', '/api/me', undefined, bearer(secret))).status, 200);
    await page.getByRole('button', { name: `Revoke ${name}`, exact: true }).click();
    await confirm.waitFor();
    await screenshot(page, 'keys-revoke-confirm');
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await page.locator(`tr[data-key-id="${id}"]`).waitFor({ state: 'detached' });
    assert.equal((await api('GET', '/api/me', undefined, bearer(secret))).status, 401);
    expectNoErrors(page);
  });

  test('the last admin key cannot be revoked: the server says why', async () => {
    const page = await openPage(browser, '/ui/#/keys');
    await page.getByRole('button', { name: /^Revoke / }).first().waitFor();
    const own = page.locator(`tr[data-key-id="${ownId}"]`);
    await own.getByRole('button', { name: /^Revoke/ }).click();
    const confirm = page.getByRole('dialog', { name: /^Revoke the key of / });
    await confirm.getByText('This is the key you are signed in with').waitFor();
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('This is the last admin key; create another admin key first').waitFor();
    assert.equal((await api('GET', '/api/me')).status, 200, 'the key still works');
    await screenshot(page, 'keys-last-admin');
    expectNoErrors(page, [/status of 409/]);
  });

  test('on a phone, the keys list fits the screen', async () => {
    const page = await openPage(browser, '/ui/#/keys', { viewport: { width: 390, height: 844 } });
    await page.locator(`tr[data-key-id="${ownId}"]`).waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    expectNoErrors(page);
  });
});
