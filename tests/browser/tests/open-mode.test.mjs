// The open mode (`--auth=off`, loopback only): no sign-in, every page as before keys existed.
// This file starts a server of its own in that mode.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer, stopServer } from '../server.mjs';
import { expectNoErrors, launch, nav, recordErrors, screenshot } from '../support.mjs';

describe('open mode', () => {
  let browser;
  let server;
  let dataDir;
  before(async () => {
    const bin = process.env.SMARTTICKET_BIN;
    assert.ok(bin, 'SMARTTICKET_BIN is not set: run the tests through run.mjs');
    dataDir = mkdtempSync(join(tmpdir(), 'smartticket-browser-open-'));
    server = await startServer(bin, dataDir, ['--auth=off']);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    if (server) assert.equal(await stopServer(server.child), 0);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('everything shows, with no sign-in', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const page = recordErrors(await context.newPage());
    await page.goto(new URL('/ui/', server.url).href);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.equal(await page.getByRole('dialog', { name: 'Sign in' }).isVisible(), false);
    assert.deepEqual(await page.locator('nav li:not([hidden]) a').allTextContents(),
      ['Submit', 'Tickets', 'Review', 'Dashboard', 'Departments', 'Keys']);
    assert.equal(await page.locator('#who').textContent(), 'Open access');
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false);
    await page.locator('#live-status[data-state="live"]').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.chart-slot figure').length === 6);

    // A ticket with a name and e-mail of its own, worked on its page.
    await nav(page, 'Submit').click();
    assert.equal(await page.getByLabel('Your name').inputValue(), '');
    await page.getByLabel('Title').fill('Projector remote missing');
    await page.getByLabel('Description').fill('The remote of the projector in room 5 is missing.');
    await page.getByLabel('Your name').fill('Ann Lee');
    await page.getByLabel('Your email').fill('ann@example.com');
    await page.getByRole('button', { name: 'Submit ticket' }).click();
    await page.getByRole('heading', { name: 'Ticket routed' }).waitFor();
    await page.getByTestId('result-link').click();
    await page.getByRole('button', { name: 'Update status' }).waitFor();
    await nav(page, 'Departments').click();
    await page.locator('tr[data-name="General"]').waitFor();
    await screenshot(page, 'open-mode-departments');
    expectNoErrors(page);
    await context.close();
  });
});
