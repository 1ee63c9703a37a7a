// One ticket: change its status, reroute it, and read both in the audit trail; its
// conversation, as an agent writes it and as the requester reads it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, bearer, createKey, createTicket, expectNoErrors, launch, openPage, screenshot, uniqueWord } from '../support.mjs';

async function trailTypes(page) {
  return page.locator('ol.trail li[data-event-type]').evaluateAll((items) => items.map((li) => li.dataset.eventType));
}

describe('ticket detail', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('change the status, then reroute, and see both in the trail', async () => {
    const created = await createTicket({ title: 'Payslip shows the wrong salary', description: 'My November payslip shows last year\'s salary and tax code.' });
    const id = created.ticket_id;
    const from = created.department;
    assert.ok(from, 'the ticket was routed');
    const to = from === 'Facilities' ? 'HR' : 'Facilities';

    const page = await openPage(browser, `/ui/#/tickets/${id}`);
    await page.getByRole('heading', { name: `Ticket #${id}: Payslip shows the wrong salary` }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('ol.trail li[data-event-type]').length >= 3);
    assert.deepEqual(await trailTypes(page), ['ticket.created', 'ticket.categorized', 'ticket.routed']);
    assert.equal(await page.getByTestId('ticket-department').textContent(), from);
    // Why here: who decided, the department chosen, and the evidence.
    const why = page.getByTestId('why-here');
    await why.waitFor();
    assert.match(await why.textContent(), new RegExp(`chose ${from} \\(\\d+ %\\)`));
    assert.ok(await why.locator('ul.evidence li').count() >= 1, 'the evidence is listed');

    // Status: pending → in progress.
    await page.getByLabel('Status', { exact: true }).selectOption('in_progress');
    await page.getByRole('button', { name: 'Update status' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="ticket-status"]')?.textContent === 'In progress');
    await page.locator('ol.trail li[data-event-type="ticket.status.updated"]').waitFor();
    assert.match(await page.locator('ol.trail li[data-event-type="ticket.status.updated"]').textContent(), /Pending → In progress/);
    assert.equal((await api('GET', `/api/tickets/${id}`)).json.ticket.status, 'in_progress');

    // Reroute to another department.
    await page.getByLabel('Department', { exact: true }).selectOption(to);
    await page.getByRole('button', { name: 'Reroute' }).click();
    await page.waitForFunction((d) => document.querySelector('[data-testid="ticket-department"]')?.textContent === d, to)
      .catch(async (e) => { throw new Error(`department shown: ${await page.getByTestId('ticket-department').textContent()}, message: ${await page.locator('form .form-message').allTextContents()}; ${e.message}`); });
    assert.equal(await page.getByTestId('ticket-categorized-by').textContent(), 'Manual');
    // The reroute is its own reason: manual, the new department, nothing else weighed.
    await page.waitForFunction((d) => document.querySelector('[data-testid="why-here"]')?.textContent.includes(`chose ${d} (100 %)`), to);
    assert.match(await why.textContent(), /^Why hereManual/);
    assert.equal(await page.getByTestId('why-here-alternatives').count(), 0);
    const reroute = page.locator('ol.trail li[data-event-type="ticket.department.updated"]');
    await reroute.waitFor();
    assert.match(await reroute.textContent(), new RegExp(`${from} → ${to}`));
    assert.match(await reroute.textContent(), /100 %/);
    const types = await trailTypes(page);
    assert.deepEqual(types.slice(0, 4), ['ticket.created', 'ticket.categorized', 'ticket.routed', 'ticket.status.updated']);
    assert.ok(types.slice(4).includes('ticket.department.updated'), types.join(', '));
    const stored = (await api('GET', `/api/tickets/${id}`)).json.ticket;
    assert.equal(stored.department, to);
    assert.equal(stored.categorized_by, 'manual');
    await screenshot(page, 'ticket-detail');
    expectNoErrors(page);
  });

  test('a reply and an internal note: the requester sees the reply only, and answers', async () => {
    const word = uniqueWord('conv');
    const email = `${word}@example.com`;
    const rita = await createKey({ name: 'Rita Requester', role: 'requester', email });
    const created = await api('POST', '/api/tickets', { title: `Monitor flickers ${word}`, description: 'The monitor on my desk flickers every few seconds.' }, bearer(rita.secret));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = created.json.ticket_id;

    const page = await openPage(browser, `/ui/#/tickets/${id}`);
    const conversation = page.getByTestId('conversation');
    await conversation.getByText('No replies yet.').waitFor();
    await page.getByLabel('Reply or note').fill('Could you try another cable?');
    await page.getByRole('button', { name: 'Send' }).click();
    await conversation.locator('li.reply').first().waitFor();
    await page.getByLabel('Reply or note').fill('Probably the panel; order one');
    await page.getByLabel('Internal note (agents and admins only)').check();
    await page.getByRole('button', { name: 'Send' }).click();
    await conversation.locator('li.note').waitFor();
    assert.match(await conversation.locator('li.note').textContent(), /Internal note.*Probably the panel/s);
    expectNoErrors(page);

    const theirs = await openPage(browser, `/ui/#/tickets/${id}`, { as: rita.secret });
    const shown = theirs.getByTestId('conversation');
    await shown.getByText('Could you try another cable?').waitFor();
    assert.equal(await shown.locator('li').count(), 1);
    assert.equal(await theirs.getByLabel('Internal note (agents and admins only)').count(), 0);
    await theirs.getByLabel('Reply', { exact: true }).fill('Another cable did not help.');
    await theirs.getByRole('button', { name: 'Send' }).click();
    await shown.getByText('Another cable did not help.').waitFor();
    assert.equal(await shown.locator('li').count(), 2);
    const stored = (await api('GET', `/api/tickets/${id}/comments`)).json;
    assert.deepEqual(stored.comments.map((c) => c.public), [true, false, true]);
    expectNoErrors(theirs);
  });

  test('an unknown ticket says so', async () => {
    const page = await openPage(browser, '/ui/#/tickets/999999999');
    await page.getByText('There is no ticket #999999999.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Reroute' }).isVisible(), false);
  });
});
