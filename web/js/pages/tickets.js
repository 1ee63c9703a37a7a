// The ticket list: filters (status, priority, department, assignee, text), cursor paging, live
// refresh. A requester sees "My tickets": the server lists only theirs; no department or
// assignee filter (their role may not read departments) and no event stream, so a Refresh
// button instead. An agent's "My tickets" is this list with assignee=me.
import { departments, get, withQuery } from '../api.js';
import { h, PRIORITIES, priorityBadge, priorityLabel, slaBadge, STATUSES, statusBadge, statusLabel, timeElement, debounce, throttle, categorizerLabel } from '../dom.js';
import * as live from '../live.js';
import { can } from '../session.js';
import { field, formMessage, showMessage } from './form.js';

const PAGE_SIZE = 20;

export function render(main, { query }) {
  const all = can('see-all-tickets');
  const state = {
    status: query.get('status') ?? '',
    priority: query.get('priority') ?? '',
    department: query.get('department') ?? '',
    assignee: all ? (query.get('assignee') ?? '') : '',
    q: query.get('q') ?? '',
    cursor: query.get('cursor') ?? '',
    previous: [],  // cursors of the pages before this one, for "Newer"
  };

  const heading = h('h1', {});
  const showHeading = () => {
    heading.textContent = !all || state.assignee === 'me' ? 'My tickets' : 'Tickets';
    document.title = `${heading.textContent} · Smart Ticket`;
  };
  showHeading();
  const status = field({ label: 'Status', name: 'status', options: [{ value: '', label: 'Any status' }, ...STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))] });
  const priority = field({ label: 'Priority', name: 'priority', options: [{ value: '', label: 'Any priority' }, ...PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) }))] });
  // "Assigned to me" only where the key can be an assignee (an agent's).
  const assignee = field({ label: 'Assignee', name: 'assignee', options: [{ value: '', label: 'Anyone' },
    ...(can('take-tickets') ? [{ value: 'me', label: 'Assigned to me' }] : []), { value: 'none', label: 'Unassigned' }] });
  const department = field({ label: 'Department', name: 'department', options: [{ value: '', label: 'Any department' }] });
  const search = field({ label: 'Search', name: 'q', type: 'search', hint: 'Words in the title or description.', attrs: { autocomplete: 'off' } });
  status.input.value = state.status;
  priority.input.value = state.priority;
  assignee.input.value = state.assignee;
  search.input.value = state.q;

  const message = formMessage();
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const table = h('table', { class: 'tickets' },
    h('caption', { class: 'sr-only' }, all ? 'Tickets, newest first' : 'Your tickets, newest first'),
    h('thead', {}, h('tr', {}, ['#', 'Title', 'Department', 'Status', 'Priority', ...(all ? ['Assignee', 'SLA'] : []), 'Confidence', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);
  const newer = h('button', { type: 'button', onclick: () => go(state.previous.pop() ?? '', false) }, '← Newer');
  const older = h('button', { type: 'button' }, 'Older →');
  const fresh = h('button', { type: 'button', class: 'notice-button', hidden: true, onclick: () => { state.previous = []; go('', false); } }, 'New activity: show the newest tickets');

  const reload = all || can('live') ? null : h('button', { type: 'button', onclick: () => load() }, 'Refresh');
  const filters = h('form', { class: `filters card${all ? '' : ' mine'}`, role: 'search', 'aria-label': 'Filter tickets' },
    status.wrap, priority.wrap, all ? department.wrap : null, all ? assignee.wrap : null, search.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply'),
      h('button', { type: 'reset' }, 'Clear'), reload));

  main.append(heading, filters, message, fresh, count,
    h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, newer, older));

  let nextCursor = null;
  let loadSeq = 0;

  const syncUrl = () => {
    const hash = withQuery('#/tickets', { status: state.status, priority: state.priority, department: state.department, assignee: state.assignee, q: state.q, cursor: state.cursor });
    history.replaceState(null, '', hash);
  };

  const load = async () => {
    const seq = ++loadSeq;
    showMessage(message, '');
    main.setAttribute('aria-busy', 'true');
    try {
      const page = await get(withQuery('/api/tickets', { status: state.status, priority: state.priority, department: state.department, assignee: state.assignee, q: state.q, limit: PAGE_SIZE, cursor: state.cursor }));
      if (seq !== loadSeq) return;  // a newer load is on its way
      nextCursor = page.next_cursor;
      fresh.hidden = true;
      tbody.replaceChildren(...page.tickets.map((t) => row(t, all)));
      if (!page.tickets.length) {
        const none = state.assignee === 'me' && !state.status && !state.priority && !state.department && !state.q
          ? 'Nobody has assigned you a ticket yet.'
          : all || state.status || state.priority || state.q ? 'No tickets match.' : 'You have no tickets yet. Submit one and it shows here.';
        tbody.append(h('tr', {}, h('td', { colspan: all ? 9 : 7, class: 'empty' }, none)));
      }
      const filtered = state.status || state.priority || state.department || state.assignee || state.q;
      count.textContent = `${page.count} ticket${page.count === 1 ? '' : 's'} on this page${filtered ? ' (filtered)' : ''}.`;
      newer.disabled = !state.cursor;
      older.disabled = !nextCursor;
    } catch (e) {
      if (seq === loadSeq) showMessage(message, e.message);
    } finally {
      if (seq === loadSeq) main.removeAttribute('aria-busy');
    }
  };

  function go(cursor, forward) {
    if (forward) state.previous.push(state.cursor);
    state.cursor = cursor;
    syncUrl();
    load();
  }
  older.addEventListener('click', () => { if (nextCursor) go(nextCursor, true); });

  const applyFilters = () => {
    state.status = status.input.value;
    state.priority = priority.input.value;
    state.department = department.input.value;
    state.assignee = assignee.input.value;
    showHeading();
    state.q = search.input.value.trim();
    state.previous = [];
    state.cursor = '';
    syncUrl();
    load();
  };
  filters.addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });
  filters.addEventListener('reset', () => setTimeout(applyFilters));
  for (const f of [status, priority, department, assignee]) f.input.addEventListener('change', applyFilters);
  const searchLater = debounce(applyFilters, 300);
  search.input.addEventListener('input', searchLater);

  if (all) departments().then((list) => {
    department.input.append(...list.map((d) => h('option', { value: d.name }, d.name)));
    // A filter on a department that no longer exists (or is inactive) still shows.
    if (state.department && !list.some((d) => d.name === state.department)) {
      department.input.append(h('option', { value: state.department }, state.department));
    }
    department.input.value = state.department;
  }).catch((e) => showMessage(message, e.message));

  // Live: the first page follows the pipeline; deeper pages offer a way back to the top.
  const refresh = throttle(load, 250);
  const unsubscribe = live.onEvent(() => {
    if (!state.cursor) refresh();
    else fresh.hidden = false;
  });

  load();
  return () => { unsubscribe(); refresh.cancel(); searchLater.cancel(); };
}

function row(t, all) {
  return h('tr', { dataset: { ticketId: String(t.id) } },
    h('td', { 'data-label': '#' }, String(t.id)),
    h('td', { 'data-label': 'Title', class: 'title' }, h('a', { href: `#/tickets/${t.id}` }, t.title)),
    h('td', { 'data-label': 'Department' }, t.department ?? h('span', { class: 'hint' }, 'Routing…')),
    h('td', { 'data-label': 'Status' }, statusBadge(t.status)),
    h('td', { 'data-label': 'Priority' }, priorityBadge(t.priority)),
    all ? h('td', { 'data-label': 'Assignee', 'data-testid': 'assignee' }, t.assignee?.name ?? h('span', { class: 'hint' }, 'Nobody')) : null,
    all ? h('td', { 'data-label': 'SLA', 'data-testid': 'sla' }, slaBadge(t.sla)) : null,
    h('td', { 'data-label': 'Confidence' }, t.confidence_score === null || t.confidence_score === undefined ? '—' : `${t.confidence_score} %`,
      t.categorized_by ? h('span', { class: 'hint' }, ` ${categorizerLabel(t.categorized_by)}`) : null),
    h('td', { 'data-label': 'Created' }, timeElement(t.created_at)));
}
