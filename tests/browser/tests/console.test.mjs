// The shell: served safely, keyboard-usable, readable on a phone, signed in with an API key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, BASE_URL, createTicket, expectNoErrors, launch, openPage } from '../support.mjs';

describe('console shell', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('files are served with types, caching and a strict policy', async () => {
    const index = await fetch(new URL('/ui/', BASE_URL));
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    assert.match(index.headers.get('content-security-policy'), /script-src 'self'/);
    const etag = index.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(new URL('/ui/index.html', BASE_URL), { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    const js = await fetch(new URL('/ui/js/app.js', BASE_URL));
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    for (const path of ['/ui/nope.js', '/ui/..%2f..%2fetc%2fpasswd', '/ui/js/../../etc/passwd']) {
      const res = await fetch(new URL(path, BASE_URL));
      assert.equal(res.status, 404, path);
    }
  });

  test('keyboard: skip link, navigation and focus on the new page', async () => {
    const page = await openPage(browser, '/ui/#/dashboard');
    // Signing in moved focus to the page's heading; start again from the top of a fresh load
    // (the key stays for the tab).
    await page.reload();
    await page.locator('main h1').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Submit');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Tickets');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === 'Tickets');
    assert.equal(await page.locator('a[aria-current="page"]').textContent(), 'Tickets');
    expectNoErrors(page);
  });

  test('narrow screen: one column, nothing wider than the viewport', async () => {
    const page = await openPage(browser, '/ui/#/dashboard', { viewport: { width: 390, height: 844 } });
    await page.waitForFunction(() => document.querySelectorAll('.chart-slot figure').length === 6);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await page.goto(new URL('/ui/#/tickets', BASE_URL).href);
    await page.waitForFunction(() => !document.querySelector('main[aria-busy]') && document.querySelector('table.tickets tbody tr'));
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0);
    expectNoErrors(page);
  });

  test('the key is asked for, kept for the tab and sent as a Bearer token', async () => {
    const page = await openPage(browser, '/ui/#/dashboard', { as: null });
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'api-key');
    // Nothing of the console shows before signing in.
    assert.equal(await page.locator('nav li:not([hidden])').count(), 0);
    await dialog.getByLabel('API key').fill(ADMIN_KEY);
    const sent = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) sent.push(r.headers().authorization); });
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForFunction((k) => sessionStorage.getItem('smartticket.apiKey') === k, ADMIN_KEY);
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'the key is not kept beyond the tab');
    await page.locator('#live-status[data-state="live"]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-total"]')?.textContent !== '…');
    assert.ok(sent.length >= 3, `requests seen: ${sent.length}`);
    assert.ok(sent.every((h) => h === `Bearer ${ADMIN_KEY}`), JSON.stringify(sent));
    assert.match(await page.locator('#who').textContent(), / · admin$/);
    // The key never shows in the page.
    assert.equal((await page.content()).includes(ADMIN_KEY), false);
    expectNoErrors(page);
  });

  test('a 401 from the server brings the sign-in back with a message', async () => {
    const page = await openPage(browser, '/ui/#/submit');
    await page.route((url) => url.pathname === '/api/tickets', (route) => route.fulfill({
      status: 401, contentType: 'application/json',
      body: JSON.stringify({ success: false, error: 'The API key is not valid or has been revoked', code: 'unauthorized' }),
    }));
    await page.goto(new URL('/ui/#/tickets', BASE_URL).href);
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'api-key');
    await dialog.getByText('Sign in again').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('smartticket.apiKey')), null, 'the refused key is forgotten');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Behind it, the console shows nothing but the way back in.
    await page.getByRole('heading', { name: 'Sign in to Smart Ticket' }).waitFor();
    assert.equal(await page.locator('nav li:not([hidden])').count(), 0);
    assert.equal(await page.locator('table.tickets').count(), 0);
    expectNoErrors(page, [/status of 401/]);
  });

  test('every form control on every page has a label', async () => {
    const { ticket_id: id } = await createTicket();
    const page = await openPage(browser, '/ui/#/submit');
    for (const route of ['submit', 'tickets', `tickets/${id}`, 'departments', 'keys', 'dashboard']) {
      await page.goto(new URL(`/ui/#/${route}`, BASE_URL).href);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('main[aria-busy]'));
      const unlabelled = await page.locator('input, select, textarea, button').evaluateAll((els) => els
        .filter((e) => e.offsetParent !== null || e.closest('dialog'))
        .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
        .map((e) => e.outerHTML));
      assert.deepEqual(unlabelled, [], `on #/${route}`);
      const images = await page.locator('svg[role="img"]').evaluateAll((els) => els.filter((e) => !e.getAttribute('aria-label')).length);
      assert.equal(images, 0, `unlabelled charts on #/${route}`);
    }
    expectNoErrors(page);
  });
});
