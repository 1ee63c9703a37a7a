// The dashboard follows the pipeline live: a ticket created through the API shows up
// without a reload.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createTicket, expectNoErrors, launch, openPage, screenshot, settledApi, signIn } from '../support.mjs';

// Defines summaryLoads() in the page: how often it has fetched the summary since it opened
// (resource timing keeps every request, also those made before the test looked).
const COUNT_SUMMARY_LOADS = () => {
  window.summaryLoads = () => performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname === '/api/dashboard/summary').length;
};

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
    await page.evaluate(COUNT_SUMMARY_LOADS);
    await page.locator('#live-status[data-state="live"]').waitFor();
    await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="kpi-total"]')?.textContent ?? ''));
    // After the second load shortly after opening, only the event stream makes it load again.
    await page.waitForFunction(() => summaryLoads() >= 2, undefined, { timeout: 10_000 });
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

  test('catches up after the event stream was down', async () => {
    const context = await browser.newContext();
    // The stream fails until the route is removed; the console keeps retrying.
    const stream = (url) => url.pathname === '/api/events/stream';
    const down = (route) => route.abort('connectionrefused');
    await context.route(stream, down);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(new URL('/ui/#/dashboard', process.env.BASE_URL).href);
    await page.evaluate(COUNT_SUMMARY_LOADS);
    await signIn(page);
    await page.locator('#live-status[data-state="offline"]').waitFor();
    await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="kpi-total"]')?.textContent ?? ''));
    // The page loads once on opening and once more shortly after; only a resync may load
    // it again now (no events reach it, and the periodic refresh is 30 s away).
    await page.waitForFunction(() => summaryLoads() >= 2, undefined, { timeout: 10_000 }).catch(() => {});
    assert.equal(await page.evaluate(() => summaryLoads()), 2);
    const before = Number(await page.getByTestId('kpi-total').textContent());

    const missed = await createTicket({ title: 'Projector bulb is dead', description: 'The projector in room 2 shows nothing; the bulb seems dead.' });
    await settledApi('/api/dashboard/summary', (j) => j.summary.total_tickets);
    await context.unroute(stream, down);
    await page.locator('#live-status[data-state="live"]').waitFor({ timeout: 20_000 });  // the retry delay is at most 10 s
    // The event was published while the stream was down; the resync brings its count in.
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="kpi-total"]').textContent) >= n, before + 1);
    assert.ok(await page.evaluate(() => summaryLoads()) >= 3);
    assert.ok(missed.ticket_id > 0);
    await context.close();
  });
});
