// A walk through a populated console, run after the other files: it adds a realistic mix of
// tickets, checks that the dashboard adds them all up, and takes the README's screenshots.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createTicket, expectNoErrors, launch, openPage, screenshot } from '../support.mjs';

const TICKETS = [
  ['Laptop will not start', 'My laptop shows a black screen after the update this morning.'],
  ['Cannot log in to email', 'Outlook keeps asking for my password and rejects it.'],
  ['VPN disconnects', 'The VPN drops every few minutes when working from home.'],
  ['Printer on floor 3 jams', 'The printer near the kitchen jams on every second page.'],
  ['Air conditioning too cold', 'The air conditioning in meeting room B is far too cold.'],
  ['Broken office chair', 'The chair at desk 14 is broken and wobbles.'],
  ['Question about parental leave', 'How many weeks of parental leave am I entitled to?'],
  ['Payslip is missing', 'I did not receive my payslip for this month from HR.'],
  ['Expense report rejected', 'My travel expense report was rejected; the invoice is attached.'],
  ['Invoice not paid', 'A supplier says invoice 4411 is overdue; accounts payable please check.'],
  ['Where is the parking form', 'Who do I ask about a parking permit for visitors?'],
];

describe('tour', () => {
  let browser;
  before(async () => {
    browser = await launch();
    const ids = [];
    for (const [title, description] of TICKETS) ids.push((await createTicket({ title, description })).ticket_id);
    // Some work in progress, some done, one rerouted by hand.
    for (const id of ids.slice(0, 4)) await api('PUT', `/api/tickets/${id}/status`, { status: 'in_progress' });
    for (const id of ids.slice(4, 7)) await api('PUT', `/api/tickets/${id}/status`, { status: 'resolved' });
    await api('PUT', `/api/route/${ids[10]}`, { department: 'Facilities' });
  });
  after(async () => { await browser?.close(); });

  test('the dashboard adds up every ticket', async () => {
    const page = await openPage(browser, '/ui/#/dashboard');
    await page.waitForFunction(() => document.querySelectorAll('.chart-slot figure').length === 6);
    const { json } = await api('GET', '/api/dashboard/summary');
    await page.waitForFunction((n) => document.querySelector('[data-testid="kpi-total"]')?.textContent === String(n), json.summary.total_tickets);
    const statusTotal = Number(await page.locator('.slot-status figure').getAttribute('data-total'));
    assert.equal(statusTotal, json.summary.total_tickets);
    await screenshot(page, 'dashboard');
    expectNoErrors(page);
  });

  test('on a phone', async () => {
    const page = await openPage(browser, '/ui/#/dashboard', { viewport: { width: 390, height: 844 } });
    await page.waitForFunction(() => document.querySelectorAll('.chart-slot figure').length === 6);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(page, 'dashboard-narrow');
    await page.goto(new URL('/ui/#/tickets', process.env.BASE_URL).href);
    await page.waitForFunction(() => document.querySelectorAll('table.tickets tbody tr[data-ticket-id]').length > 0);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(page, 'tickets-narrow', { fullPage: false });
    expectNoErrors(page);
  });
});
