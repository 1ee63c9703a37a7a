// What each role sees: a requester files and follows their own tickets, an agent works every
// ticket and the dashboard, an admin also manages departments and keys. The server is the
// judge (its refusals are tested in the e2e suite); here the console must offer only what
// the role may do, and say so plainly when the server refuses.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, BASE_URL, bearer, createKey, createTicket, expectNoErrors, launch, nav, openPage, screenshot, uniqueWord } from '../support.mjs';

const visibleNav = (page) => page.locator('nav li:not([hidden]) a').allTextContents();
const go = (page, route) => page.goto(new URL(`/ui/#/${route}`, BASE_URL).href);

async function rowIds(page) {
  return page.locator('table.tickets tbody tr[data-ticket-id]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.ticketId)));
}

describe('roles', () => {
  let browser;
  const word = uniqueWord('mine');
  let ann;  // a requester
  let bob;  // another requester
  let agent;
  const bobsTickets = [];
  before(async () => {
    browser = await launch();
    ann = await createKey({ name: 'Ann Requester', role: 'requester', email: `ann.${word}@example.com` });
    bob = await createKey({ name: 'Bob Requester', role: 'requester', email: `bob.${word}@example.com` });
    agent = await createKey({ name: 'Alex Agent', role: 'agent', email: 'alex@example.com' });
    // Bob's ticket and one filed by the admin share Ann's search word: Ann must not see them.
    const bobs = await api('POST', '/api/tickets', { title: `Bob's monitor ${word}`, description: `Bob's monitor flickers all day ${word}.` }, bearer(bob.secret));
    assert.equal(bobs.status, 201, JSON.stringify(bobs.json));
    bobsTickets.push(bobs.json.ticket_id);
    bobsTickets.push((await createTicket({ title: `Someone's laptop ${word}`, description: `A laptop that is not Ann's ${word}.` })).ticket_id);
  });
  after(async () => { await browser?.close(); });

  test('a requester submits as themselves and sees only their own tickets', async () => {
    const page = await openPage(browser, '/ui/', { as: ann.secret });
    // Their start page is the submit form; they have no dashboard and no event stream.
    await page.getByRole('heading', { name: 'Submit a ticket' }).waitFor();
    assert.deepEqual(await visibleNav(page), ['Submit', 'My tickets']);
    assert.equal(await page.locator('#who').textContent(), 'Ann Requester · requester');
    assert.equal(await page.locator('#live-status').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), true);

    // Name and e-mail come from the key and may be left as they are…
    assert.equal(await page.getByLabel('Your name').inputValue(), 'Ann Requester');
    assert.equal(await page.getByLabel('Your email').inputValue(), ann.email);
    await page.getByLabel('Title').fill(`Headset crackles ${word}`);
    await page.getByLabel('Description').fill(`My headset crackles in every call ${word}.`);
    await screenshot(page, 'requester-submit');
    await page.getByRole('button', { name: 'Submit ticket' }).click();
    await page.getByRole('heading', { name: /Ticket (routed|received)/ }).waitFor();
    const first = Number((await page.getByTestId('result-link').getAttribute('href')).match(/(\d+)$/)[1]);
    // …or emptied: the server fills them from the key.
    await page.getByRole('button', { name: 'Submit another ticket' }).click();
    assert.equal(await page.getByLabel('Your email').inputValue(), ann.email, 'the prefill is back after a submit');
    await page.getByLabel('Title').fill(`Badge does not open door ${word}`);
    await page.getByLabel('Description').fill(`My badge stopped opening the side door ${word}.`);
    await page.getByLabel('Your name').fill('');
    await page.getByLabel('Your email').fill('');
    await page.getByRole('button', { name: 'Submit ticket' }).click();
    await page.getByRole('heading', { name: /Ticket (routed|received)/ }).waitFor();
    const second = Number((await page.getByTestId('result-link').getAttribute('href')).match(/(\d+)$/)[1]);
    const stored = (await api('GET', `/api/tickets/${second}`)).json.ticket;
    assert.equal(stored.user_email, ann.email);
    // Their own ticket's page shows no "why here": the explanation is for agents and admins.
    const own = await openPage(browser, `/ui/#/tickets/${second}`, { as: ann.secret });
    await own.getByTestId('ticket-department').waitFor();
    await own.locator('ol.trail li[data-event-type]').first().waitFor();
    assert.equal(await own.getByTestId('why-here').count(), 0);
    await own.context().close();
    assert.equal(stored.user_name, 'Ann Requester');

    // Another person's e-mail is the server's 403, shown on the field.
    await page.getByRole('button', { name: 'Submit another ticket' }).click();
    await page.getByLabel('Title').fill('Someone else’s problem');
    await page.getByLabel('Description').fill('Filed in the name of somebody else.');
    await page.getByLabel('Your email').fill('somebody.else@example.com');
    await page.getByRole('button', { name: 'Submit ticket' }).click();
    await page.getByText('A requester key creates tickets as its owner').waitFor();
    assert.equal(await page.getByLabel('Your email').getAttribute('aria-invalid'), 'true');

    // My tickets: theirs only, even when searching for a word others' tickets share.
    await nav(page, 'My tickets').click();
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    assert.equal(await page.getByLabel('Department').count(), 0, 'a requester has no department filter');
    await page.getByLabel('Search').fill(word);
    await page.waitForFunction((n) => document.querySelectorAll('table.tickets tbody tr[data-ticket-id]').length === n
      && !document.querySelector('main[aria-busy]') && location.hash.includes('q='), 2);
    assert.deepEqual(await rowIds(page), [second, first]);
    await screenshot(page, 'requester-my-tickets');

    // Their ticket: the facts and the trail, no status or reroute controls.
    await page.locator(`tr[data-ticket-id="${first}"] a`).click();
    await page.getByRole('heading', { name: `Ticket #${first}: Headset crackles ${word}` }).waitFor();
    await page.locator('ol.trail li[data-event-type="ticket.created"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Update status' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Reroute' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: '← My tickets' }).count(), 1);
    await screenshot(page, 'requester-ticket');

    // Someone else's ticket does not exist for them; the agents' pages are not theirs.
    await go(page, `tickets/${bobsTickets[0]}`);
    await page.getByText(`There is no ticket #${bobsTickets[0]}.`).waitFor();
    for (const route of ['dashboard', 'departments', 'keys']) {
      await go(page, route);
      await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
      await page.getByText('Your role (requester) may not open this page.').waitFor();
    }
    expectNoErrors(page, [/status of 403/, /status of 404/]);
  });

  test('an agent works tickets and sees the dashboard, not departments or keys', async () => {
    const page = await openPage(browser, '/ui/', { as: agent.secret });
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.deepEqual(await visibleNav(page), ['Submit', 'My tickets', 'Tickets', 'Review', 'Dashboard']);
    assert.equal(await page.locator('#who').textContent(), 'Alex Agent · agent');
    await page.locator('#live-status[data-state="live"]').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.chart-slot figure').length === 6);

    await go(page, `tickets?q=${word}`);
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.getByLabel('Department').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('table.tickets tbody tr[data-ticket-id]').length >= n, 2);
    for (const id of bobsTickets) assert.ok((await rowIds(page)).includes(id), `ticket ${id} listed`);

    await go(page, `tickets/${bobsTickets[0]}`);
    await page.getByRole('button', { name: 'Update status' }).waitFor();
    await page.getByRole('button', { name: 'Reroute' }).waitFor();
    await page.locator('select[name="department"] option[value="General"]').waitFor({ state: 'attached' });

    // A refusal the console did not foresee is a plain sentence, not a crash.
    await page.route((url) => url.pathname === `/api/tickets/${bobsTickets[0]}/status`, (route) => route.fulfill({
      status: 403, contentType: 'application/json',
      body: JSON.stringify({ success: false, error: 'A agent key may not do this', code: 'forbidden' }),
    }));
    await page.getByLabel('Status', { exact: true }).selectOption('resolved');
    await page.getByRole('button', { name: 'Update status' }).click();
    await page.getByText('Your role may not do this').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Update status' }).isEnabled(), true);

    for (const route of ['departments', 'keys']) {
      await go(page, route);
      await page.getByText('Your role (agent) may not open this page.').waitFor();
    }
    expectNoErrors(page, [/status of 403/]);
  });

  test('an admin sees every page', async () => {
    const page = await openPage(browser, '/ui/#/departments');
    await page.locator('tr[data-name="General"]').waitFor();
    assert.deepEqual(await visibleNav(page), ['Submit', 'Tickets', 'Review', 'Dashboard', 'Departments', 'Keys']);
    await nav(page, 'Keys').click();
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    expectNoErrors(page);
  });

  test('on a phone, a requester’s pages fit the screen', async () => {
    const page = await openPage(browser, `/ui/#/tickets?q=${word}`, { as: ann.secret, viewport: { width: 390, height: 844 } });
    await page.waitForFunction(() => document.querySelectorAll('table.tickets tbody tr[data-ticket-id]').length > 0);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await go(page, 'submit');
    await page.getByRole('heading', { name: 'Submit a ticket' }).waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    expectNoErrors(page);
  });
});
