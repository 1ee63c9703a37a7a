// SLA clocks as an agent sees them: a ticket whose first response is overdue shows "Breached"
// with the breach in its trail, a public reply meets the first response of another, and the
// dashboard counts both by department and priority. The clock rules are tested in the unit
// and e2e suites; here the console must show them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, expectNoErrors, launch, nav, openPage, screenshot, settledApi, uniqueWord } from '../support.mjs';

// Polls `path` until `ok(json)` (bounded: the sweeper runs every second).
async function until(path, ok, what) {
  for (let i = 0; i < 60; i += 1) {
    const { json } = await api('GET', path);
    if (ok(json)) return json;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${path}: ${what} did not happen`);
}

describe('SLA clocks', () => {
  let browser;
  let policies;
  const word = uniqueWord('sla');
  before(async () => {
    browser = await launch();
    policies = (await api('GET', '/api/sla/policies')).json.policies;
    // Low-priority tickets must be answered within two seconds, for this test only.
    const set = await api('PUT', '/api/sla/policies', { low: { first_response_seconds: 2, resolution_seconds: 3600 } });
    assert.equal(set.status, 200, JSON.stringify(set.json));
  });
  after(async () => {
    if (policies) await api('PUT', '/api/sla/policies', { low: policies.low });
    await browser?.close();
  });

  const lowTicket = async (title) => {
    const created = await api('POST', '/api/tickets', {
      title: `${title} ${word}`, description: `The VPN connection drops every few minutes ${word}.`,
      user_name: 'Browser Test', user_email: 'browser@example.com',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = created.json.ticket_id;
    // Lowering the priority takes the low policy's two seconds from the ticket's creation.
    const lowered = await api('PUT', `/api/tickets/${id}/priority`, { priority: 'low' });
    assert.equal(lowered.status, 200, JSON.stringify(lowered.json));
    return { id, department: lowered.json.ticket.department };
  };

  test('an overdue ticket shows the breach, a public reply meets another, the dashboard counts them', async () => {
    const late = await lowTicket('VPN drops, nobody answers');
    const answered = await lowTicket('VPN drops, answered');

    // An agent answers the second one at once, in the console.
    const page = await openPage(browser, `/ui/#/tickets/${answered.id}`);
    await page.getByTestId('ticket-sla').waitFor();
    await page.getByLabel('Reply or note').fill('Please try the wired network while we look.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('sla-first-response').getByText('met').waitFor();
    await page.locator('ol.trail li[data-event-type="ticket.sla.met"]', { hasText: 'First response' }).waitFor();

    // Nobody answers the first: the sweeper marks it breached.
    await until(`/api/tickets/${late.id}`, (j) => j.ticket?.sla?.state === 'breached', 'the breach');
    await page.goto(new URL(`#/tickets/${late.id}`, page.url()).href);
    await page.getByTestId('ticket-sla').locator('[data-sla-state="breached"]').waitFor();
    await page.locator('ol.trail li[data-event-type="ticket.sla.breached"]', { hasText: 'First response' }).waitFor();
    await screenshot(page, 'ticket-sla-breached');

    // The list shows it too.
    await page.goto(new URL(`#/tickets?q=${word}`, page.url()).href);
    await page.locator(`tr[data-ticket-id="${late.id}"] [data-testid="sla"] [data-sla-state="breached"]`).waitFor();

    // The dashboard: the department's low-priority row counts one met and one breached first
    // response at least (other tests may add to it).
    const row = await settledApi('/api/dashboard/sla', (j) => j.sla.rows.find((r) => r.department === late.department && r.priority === 'low'));
    assert.ok(row.first_response.met >= 1 && row.first_response.breached >= 1, JSON.stringify(row));
    await nav(page, 'Dashboard').click();
    const cell = page.locator(`[data-testid="sla-attainment"] tr[data-department="${late.department}"][data-priority="low"] td[data-clock="first_response"]`);
    await cell.waitFor();
    assert.match(await cell.textContent(), /% \(\d+ of \d+\)/);
    await screenshot(page, 'dashboard-sla');
    expectNoErrors(page);
  });
});
