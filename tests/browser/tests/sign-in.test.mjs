// Signing in and out: a key the server refuses keeps the sign-in open with the reason; a key
// revoked while in use brings the sign-in back; signing out forgets the key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, BASE_URL, createKey, expectNoErrors, launch, openPage, screenshot, signIn } from '../support.mjs';

const storedKey = (page) => page.evaluate(() => sessionStorage.getItem('smartticket.apiKey'));

describe('sign-in', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('a bad key shows the sign-in again, with the reason', async () => {
    const page = await openPage(browser, '/ui/#/tickets', { as: null });
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor();
    const input = dialog.getByLabel('API key');

    // Nothing typed, or something no key looks like: said at once, nothing sent.
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.getByText('Enter your API key.').waitFor();
    await input.fill('stk_ not a key');
    await input.press('Enter');
    await dialog.getByText('An API key has no spaces').waitFor();

    // Well formed but unknown: the server's 401, and the dialog stays.
    const unknown = `stk_${'0'.repeat(16)}_${'0'.repeat(32)}`;
    await input.fill(unknown);
    await input.press('Enter');
    await dialog.getByText('The server did not accept this key: it is unknown or has been revoked.').waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal(await dialog.isVisible(), true);
    assert.equal(await storedKey(page), null);
    await screenshot(page, 'sign-in-refused');

    // Cancelled: the page behind offers the sign-in again, by keyboard too.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Sign in to Smart Ticket' }).waitFor();
    assert.equal(await page.locator('table.tickets').count(), 0);
    await page.getByTestId('signed-out-sign-in').focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    assert.equal(await input.inputValue(), '', 'a refused key is not kept in the form');
    expectNoErrors(page);
  });

  test('a key revoked while in use brings the sign-in back', async () => {
    const key = await createKey({ name: 'Soon Revoked', role: 'agent', email: 'soon@example.com' });
    const page = await openPage(browser, '/ui/#/tickets', { as: key.secret });
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    assert.equal(await storedKey(page), key.secret);
    assert.equal((await api('DELETE', `/api/keys/${key.id}`)).status, 200);

    await page.goto(new URL('/ui/#/dashboard', BASE_URL).href);
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor();
    await dialog.getByText('Sign in again').waitFor();
    assert.equal(await storedKey(page), null, 'the refused key is forgotten');
    assert.equal(await page.locator('.chart-slot').count(), 0, 'the dashboard is not shown');
    await screenshot(page, 'sign-in-again');

    // Signing in with a good key shows the page that was asked for.
    await dialog.getByLabel('API key').fill((await createKey({ name: 'Fresh Agent', role: 'agent', email: 'fresh@example.com' })).secret);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.equal(await page.locator('#who').textContent(), 'Fresh Agent · agent');
    expectNoErrors(page, [/status of 401/]);
  });

  test('a revoked key kept in the tab asks for a sign-in when the console opens', async () => {
    const key = await createKey({ name: 'Stale Tab', role: 'requester', email: 'stale@example.com' });
    const page = await openPage(browser, '/ui/#/submit', { as: key.secret });
    await page.getByRole('heading', { name: 'Submit a ticket' }).waitFor();
    assert.equal((await api('DELETE', `/api/keys/${key.id}`)).status, 200);
    await page.reload();
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.getByText('The key kept in this tab is no longer accepted.').waitFor();
    assert.equal(await storedKey(page), null);
    expectNoErrors(page);
  });

  test('signing out forgets the key and hides the console', async () => {
    const page = await openPage(browser, '/ui/#/dashboard');
    await page.locator('#live-status[data-state="live"]').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Smart Ticket' }).waitFor();
    assert.equal(await storedKey(page), null);
    assert.equal(await page.locator('nav li:not([hidden])').count(), 0);
    assert.equal(await page.locator('#who').isVisible(), false);
    assert.equal(await page.locator('#live-status').isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'signed-out-sign-in', 'focus on the way back in');
    // After a reload too: the console asks again.
    await page.reload();
    await signIn(page);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expectNoErrors(page);
  });
});
