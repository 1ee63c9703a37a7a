// The ticket list: filter by status and department, search, page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createTicket, expectNoErrors, launch, openPage, screenshot, uniqueWord } from '../support.mjs';

async function rowIds(page) {
  await page.waitForFunction(() => !document.querySelector('main[aria-busy]'));
  return page.locator('table.tickets tbody tr[data-ticket-id]').evaluateAll(
    (rows) => rows.map((r) => Number(r.dataset.ticketId)));
}

// Waits until the list shows exactly `expected` (newest first).
async function expectRows(page, expected) {
  const wanted = JSON.stringify(expected);
  await page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('table.tickets tbody tr[data-ticket-id]')]
    .map((r) => Number(r.dataset.ticketId))) === w, wanted, { timeout: 10_000 })
    .catch(async () => assert.deepEqual(await rowIds(page), expected));
}

describe('ticket list', () => {
  let browser;
  const word = uniqueWord('zebra');
  const ids = {};
  before(async () => {
    browser = await launch();
    // Three tickets that share a word no other ticket has: two IT, one Facilities.
    ids.laptop = (await createTicket({ title: `Laptop will not boot ${word}`, description: `My laptop shows a black screen ${word}.` })).ticket_id;
    ids.desk = (await createTicket({ title: `Broken desk chair ${word}`, description: `The office chair at my desk is broken ${word}.` })).ticket_id;
    ids.mouse = (await createTicket({ title: `Mouse stopped working ${word}`, description: `The USB mouse on my computer stopped ${word}.` })).ticket_id;
    const { status } = await api('PUT', `/api/tickets/${ids.mouse}/status`, { status: 'resolved' });
    assert.equal(status, 200);
  });
  after(async () => { await browser?.close(); });

  test('search, then narrow by department and status', async () => {
    const page = await openPage(browser, '/ui/#/tickets');
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.getByLabel('Search').fill(word);
    await expectRows(page, [ids.mouse, ids.desk, ids.laptop]);
    assert.match(page.url(), new RegExp(`q=${word}`));

    const departmentOf = {};
    for (const [name, id] of Object.entries(ids)) departmentOf[name] = (await api('GET', `/api/tickets/${id}`)).json.ticket.department;
    assert.notEqual(departmentOf.desk, departmentOf.laptop, JSON.stringify(departmentOf));
    await page.getByLabel('Department').selectOption(departmentOf.desk);
    await expectRows(page, [ids.mouse, ids.desk].filter((id) => departmentOf[id === ids.mouse ? 'mouse' : 'desk'] === departmentOf.desk));

    await page.getByLabel('Department').selectOption('');
    await page.getByLabel('Status').selectOption('resolved');
    await expectRows(page, [ids.mouse]);
    await page.getByLabel('Status').selectOption('pending');
    await expectRows(page, [ids.desk, ids.laptop]);
    await screenshot(page, 'tickets-filtered');

    // The filters live in the address: a reload shows the same list.
    await page.reload();
    await expectRows(page, [ids.desk, ids.laptop]);
    assert.equal(await page.getByLabel('Search').inputValue(), word);
    assert.equal(await page.getByLabel('Status').inputValue(), 'pending');

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForFunction(() => !location.hash.includes('q='));
    assert.equal(await page.getByLabel('Search').inputValue(), '');
    expectNoErrors(page);
  });

  test('pages through more tickets than fit on one page', async () => {
    const many = uniqueWord('paging');
    const created = [];
    for (let i = 0; i < 23; i += 1) {
      created.push((await createTicket({ title: `Paging test ${i} ${many}`, description: `Ticket number ${i} for paging ${many}.`, async: true })).ticket_id);
    }
    const newestFirst = [...created].reverse();
    const page = await openPage(browser, `/ui/#/tickets?q=${many}`);
    await expectRows(page, newestFirst.slice(0, 20));
    assert.equal(await page.getByRole('button', { name: '← Newer' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Older →' }).click();
    await expectRows(page, newestFirst.slice(20));
    assert.equal(await page.getByRole('button', { name: 'Older →' }).isDisabled(), true);
    await page.getByRole('button', { name: '← Newer' }).click();
    await expectRows(page, newestFirst.slice(0, 20));
    expectNoErrors(page);
  });

  test('a new ticket appears on the first page without a reload', async () => {
    const fresh = uniqueWord('live');
    const page = await openPage(browser, `/ui/#/tickets?q=${fresh}`);
    await page.locator('#live-status[data-state="live"]').waitFor();
    await page.getByText('No tickets match.').waitFor();
    await page.evaluate(() => { window.__sameDocument = true; });
    const { ticket_id: id } = await createTicket({ title: `Live list ${fresh}`, description: `Appears by itself ${fresh}.` });
    await expectRows(page, [id]);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page reloaded');
    expectNoErrors(page);
  });
});
