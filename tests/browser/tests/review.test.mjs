// The review queue: a ticket routed below its department's threshold waits on the Review
// page with its "why here"; one click confirms it, the picker moves another, and both leave
// the queue with the flag cleared.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createTicket, expectNoErrors, launch, nav, openPage, screenshot, uniqueWord } from '../support.mjs';

// A ticket created while its department reviews every decision (threshold 101): flagged.
async function flaggedTicket(title, description) {
  const probe = await createTicket({ title: `${title} probe`, description });
  const department = probe.department;
  assert.ok(department, 'the probe was routed');
  const path = `/api/departments/${encodeURIComponent(department)}`;
  assert.equal((await api('PUT', path, { review_below_confidence: 101 })).status, 200);
  try {
    const created = await createTicket({ title, description });
    assert.equal(created.department, department);
    return created;
  } finally {
    assert.equal((await api('PUT', path, { review_below_confidence: null })).status, 200);
  }
}

describe('review queue', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('confirm one ticket, move another, and the queue empties', async () => {
    const word = uniqueWord('review');
    const description = 'The printer on floor 4 jams on every page and shows a paper error.';
    const first = await flaggedTicket(`Printer jams ${word} one`, description);
    const second = await flaggedTicket(`Printer jams ${word} two`, description);
    const from = first.department;
    const to = from === 'Facilities' ? 'HR' : 'Facilities';

    const page = await openPage(browser, '/ui/');
    await nav(page, 'Review').click();
    await page.getByRole('heading', { name: 'Review', exact: true, level: 1 }).waitFor();
    const item = (t) => page.locator(`li.review-item[data-ticket-id="${t.ticket_id}"]`);
    await item(first).waitFor();
    await item(second).waitFor();
    // Each with its "why here".
    assert.match(await item(first).getByTestId('why-here').textContent(), new RegExp(`chose ${from} \\(\\d+ %\\)`));
    await screenshot(page, 'review-queue');

    await item(first).getByTestId('review-confirm').click();
    await item(first).waitFor({ state: 'detached' });
    await item(second).getByLabel(`Department for ticket #${second.ticket_id}`).selectOption(to);
    await item(second).getByTestId('review-correct').click();
    await item(second).waitFor({ state: 'detached' });

    const one = (await api('GET', `/api/tickets/${first.ticket_id}`)).json.ticket;
    assert.equal(one.department, from);
    assert.equal(one.needs_review, false);
    const two = (await api('GET', `/api/tickets/${second.ticket_id}`)).json.ticket;
    assert.equal(two.department, to);
    assert.equal(two.needs_review, false);

    // The trail of the moved one says who reviewed it.
    const trail = await openPage(browser, `/ui/#/tickets/${second.ticket_id}`);
    const reviewed = trail.locator('ol.trail li[data-event-type="ticket.reviewed"]');
    await reviewed.waitFor();
    assert.match(await reviewed.textContent(), new RegExp(`${from} → ${to}`));
    expectNoErrors(page);
    expectNoErrors(trail);
  });
});
