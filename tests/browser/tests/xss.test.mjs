// Ticket text is data, never markup: a ticket holding <script> and an onerror handler is
// shown as those characters on every page that shows it, and nothing runs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTicket, expectNoErrors, launch, openPage, screenshot, uniqueWord } from '../support.mjs';

const word = uniqueWord('xss');
const TITLE = `<script>window.__pwned = 1</script> ${word}`;
const DESCRIPTION = `<img src=x onerror="window.__pwned = 2"> <b>bold?</b> ${word} & "quotes"`;

async function expectInert(page) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'injected script ran');
  assert.equal(await page.locator('main script, main img, main b').count(), 0, 'ticket text became elements');
}

describe('ticket text is shown as text', () => {
  let browser;
  let id;
  before(async () => {
    browser = await launch();
    id = (await createTicket({ title: TITLE, description: DESCRIPTION })).ticket_id;
  });
  after(async () => { await browser?.close(); });

  test('in the list', async () => {
    const page = await openPage(browser, `/ui/#/tickets?q=${word}`);
    const link = page.locator(`tr[data-ticket-id="${id}"] td.title a`);
    await link.waitFor();
    assert.equal(await link.textContent(), TITLE);
    await expectInert(page);
    expectNoErrors(page);
  });

  test('on the ticket page', async () => {
    const page = await openPage(browser, `/ui/#/tickets/${id}`);
    await page.getByTestId('ticket-description').waitFor();
    assert.equal(await page.getByTestId('ticket-description').textContent(), DESCRIPTION);
    assert.equal(await page.locator('h1').textContent(), `Ticket #${id}: ${TITLE}`);
    await screenshot(page, 'ticket-with-markup');
    await expectInert(page);
    expectNoErrors(page);
  });

  test('in the live feed of the dashboard', async () => {
    const page = await openPage(browser, '/ui/#/dashboard');
    await page.locator('#live-status[data-state="live"]').waitFor();
    const again = (await createTicket({ title: TITLE, description: DESCRIPTION })).ticket_id;
    const item = page.locator('ol.feed li', { hasText: `#${again}` }).first();
    await item.waitFor();
    assert.equal(await item.locator('.feed-title').textContent(), TITLE);
    await expectInert(page);
    expectNoErrors(page);
  });
});
