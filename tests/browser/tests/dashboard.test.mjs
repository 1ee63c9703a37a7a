// The dashboard follows the pipeline live: a ticket created through the API shows up
// without a reload.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createTicket, expectNoErrors, launch, openPage, screenshot, settledApi } from '../support.mjs';

describe('dashboard', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('draws every chart from the analytics API', async () => {
    await createTicket({ title: 'Heating broken in room 4', description: 'The radiator in meeting room 4 is cold all day.' });
    const page = await openPage(browser, '/ui/#/dashboard');
    await page.waitForFunction(() => document.querySelectorAll('.chart-slot figure').length === 6);
    for (const title of ['Tickets by department', 'Tickets by status', 'Tickets created per day',
      'Confidence distribution', 'Decided by', 'Time to route']) {
      await page.getByRole('img', { name: new RegExp(`^${title}\\.`) }).waitFor();
    }
    const summary = await settledApi('/api/dashboard/summary', (j) => j.summary);
    const perf = await settledApi('/api/analytics/performance');
    // The charts carry the API's numbers.
    for (const [department, count] of Object.entries(summary.by_department)) {
      await page.waitForFunction(([d, c]) => document.querySelector(`.slot-department g.row[data-label="${d}"]`)?.dataset.value === String(c), [department, count]);
    }
    const confidenceTotal = perf.confidence_distribution.reduce((n, b) => n + b.count, 0);
    const routeTotal = perf.time_to_route_distribution.reduce((n, b) => n + b.count, 0);
    assert.ok(confidenceTotal >= 1 && routeTotal === confidenceTotal, JSON.stringify(perf));
    await page.waitForFunction((n) => document.querySelector('.slot-confidence figure')?.dataset.total === String(n), confidenceTotal);
    await page.waitForFunction((n) => document.querySelector('.slot-routeTime figure')?.dataset.total === String(n), routeTotal);
    await page.waitForFunction((n) => document.querySelector('[data-testid="kpi-total"]')?.textContent === String(n), summary.total_tickets);
    assert.equal(await page.locator('.slot-trend g.column').count(), 30);
    await screenshot(page, 'dashboard-first');
    expectNoErrors(page);
  });

  test('changes live when a ticket is created through the API', async () => {
    const page = await openPage(browser, '/ui/#/dashboard');
    await page.locator('#live-status[data-state="live"]').waitFor();
    await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="kpi-total"]')?.textContent ?? ''));
    const before = Number(await page.getByTestId('kpi-total').textContent());
    const beforeIt = Number(await page.locator('.slot-department g.row[data-label="IT Support"]').getAttribute('data-value').catch(() => '0')) || 0;
    await page.evaluate(() => { window.__sameDocument = true; });

    const created = await createTicket({ title: 'Keyboard keys stuck', description: 'Several keys on my keyboard are stuck since the coffee incident.' });
    assert.equal(created.department, 'IT Support');

    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="kpi-total"]').textContent) === n, before + 1);
    await page.waitForFunction((n) => document.querySelector('.slot-department g.row[data-label="IT Support"]')?.dataset.value === String(n), beforeIt + 1);
    const feedItem = page.locator('ol.feed li[data-event-type="ticket.routed"]', { hasText: `#${created.ticket_id}` });
    await feedItem.waitFor();
    assert.match(await feedItem.textContent(), /Keyboard keys stuck/);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page reloaded');
    expectNoErrors(page);
  });
});
