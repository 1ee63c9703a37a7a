// An agent's day: take a ticket, set how urgent it is, find it again under "My tickets", and
// see both changes in the trail with their names. The server's rules (who may be an
// assignee, the filters) are tested in the e2e suite; here the console must show and send them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE_URL, createKey, createTicket, expectNoErrors, launch, nav, openPage, screenshot, settledApi, uniqueWord } from '../support.mjs';

const go = (page, route) => page.goto(new URL(`/ui/#/${route}`, BASE_URL).href);
const rowIds = (page) => page.locator('table.tickets tbody tr[data-ticket-id]')
  .evaluateAll((rows) => rows.map((r) => Number(r.dataset.ticketId)));

describe('assignment and priority', () => {
  let browser;
  let agent;
  const word = uniqueWord('assign');
  let mine;
  let other;
  before(async () => {
    browser = await launch();
    agent = await createKey({ name: 'Dana Agent', role: 'agent', email: `dana.${word}@example.com` });
    mine = (await createTicket({ title: `Docking station dead ${word}`, description: `The docking station gives no power ${word}.` })).ticket_id;
    other = (await createTicket({ title: `Keyboard sticky ${word}`, description: `Keys stick on my keyboard ${word}.` })).ticket_id;
    // Routed (the department is set) before the agent works them.
    for (const id of [mine, other]) await settledApi(`/api/tickets/${id}`, (j) => j.ticket?.department ?? null);
  });
  after(async () => { await browser?.close(); });

  test('an agent takes a ticket, raises its priority and finds it under My tickets', async () => {
    const page = await openPage(browser, `/ui/#/tickets/${mine}`, { as: agent.secret });
    await page.getByTestId('ticket-department').waitFor();
    assert.equal(await page.getByTestId('ticket-assignee').textContent(), 'Nobody');

    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByTestId('ticket-assignee').getByText('Dana Agent').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Assign to me' }).isDisabled(), true);

    await page.getByLabel('Priority', { exact: true }).selectOption('urgent');
    await page.getByRole('button', { name: 'Update priority' }).click();
    await page.getByTestId('ticket-priority').getByText('Urgent').waitFor();
    // The trail names both changes.
    await page.locator('ol.trail li[data-event-type="ticket.assigned"]', { hasText: 'Dana Agent' }).waitFor();
    await page.locator('ol.trail li[data-event-type="ticket.priority.updated"]', { hasText: 'Urgent' }).waitFor();
    await screenshot(page, 'agent-takes-ticket');

    // "My tickets": the list with assignee=me lists this one, not the other.
    await nav(page, 'My tickets').click();
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    await page.locator(`table.tickets tbody tr[data-ticket-id="${mine}"]`).waitFor();
    assert.ok(!(await rowIds(page)).includes(other), 'a ticket assigned to nobody is not listed');
    assert.equal(await page.locator(`tr[data-ticket-id="${mine}"] [data-testid="assignee"]`).textContent(), 'Dana Agent');
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'My tickets');
    await screenshot(page, 'agent-my-tickets');

    // The priority filter on the whole list: urgent ones only.
    await go(page, `tickets?q=${word}`);
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('table.tickets tbody tr[data-ticket-id]').length >= n, 2);
    await page.getByLabel('Priority', { exact: true }).selectOption('urgent');
    await page.waitForFunction(() => document.querySelectorAll('table.tickets tbody tr[data-ticket-id]').length === 1);
    assert.deepEqual(await rowIds(page), [mine]);

    // And handing it back.
    await go(page, `tickets/${mine}`);
    await page.getByTestId('ticket-assignee').getByText('Dana Agent').waitFor();
    await page.getByRole('button', { name: 'Unassign' }).click();
    await page.getByTestId('ticket-assignee').getByText('Nobody').waitFor();
    expectNoErrors(page);
  });
});
