// Decision quality: from the dashboard, the quality page shows each strategy's decisions,
// reviews and corrections, and the reliability table of the reviewed ones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createTicket, expectNoErrors, launch, nav, openPage, screenshot, uniqueWord } from '../support.mjs';

describe('decision quality', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('a reviewed decision shows in its strategy’s figures and reliability table', async () => {
    const word = uniqueWord('quality');
    const ticket = await createTicket({ title: `Printer jams ${word}`, description: 'The printer on floor 2 jams on every page and shows a paper error.' });
    const id = ticket.ticket_id;
    const by = ticket.categorized_by;
    const reviewed = await api('POST', `/api/tickets/${id}/review`, { department: ticket.department });
    assert.equal(reviewed.status, 200, JSON.stringify(reviewed.json));
    // The analytics service records the review shortly after.
    let strategy;
    for (let i = 0; i < 100 && !(strategy?.reviewed > 0); ++i) {
      strategy = (await api('GET', '/api/analytics/quality')).json.strategies.find((s) => s.strategy === by);
      if (!(strategy?.reviewed > 0)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(strategy?.reviewed > 0, JSON.stringify(strategy));

    const page = await openPage(browser, '/ui/');
    await nav(page, 'Dashboard').click();
    await page.getByRole('link', { name: /Decision quality/ }).click();
    await page.getByRole('heading', { name: 'Decision quality', level: 1 }).waitFor();
    const section = page.locator(`section[data-strategy="${by}"]`);
    await section.waitFor();
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Dashboard');
    const rows = await page.locator('table.quality').first().locator('tbody tr').count();
    assert.equal(rows, 3, 'one row per strategy');
    assert.ok(await section.locator('table.reliability tbody tr').count() >= 1);
    await screenshot(page, 'quality');
    expectNoErrors(page);
    await page.close();
  });
});
