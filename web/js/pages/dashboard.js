// The live dashboard: headline figures and six charts from the analytics API, refreshed
// when the event stream reports pipeline activity, plus a feed of the latest events.
import { get } from '../api.js';
import { barChart, columnChart, shareChart } from '../charts.js';
import { CATEGORIZERS, categorizerLabel, debounce, formatDuration, h, priorityLabel, STATUSES, statusLabel, throttle, timeElement } from '../dom.js';
import * as live from '../live.js';
import { formMessage, showMessage } from './form.js';

const FEED_SIZE = 8;
const EVENT_WORDS = {
  'ticket.created': 'created',
  'ticket.categorized': 'categorized',
  'ticket.routed': 'routed',
  'ticket.status.updated': 'status changed',
  'ticket.department.updated': 'rerouted',
  'ticket.priority.updated': 'priority changed',
  'ticket.sla.met': 'SLA met',
  'ticket.sla.breached': 'SLA breached',
};

function kpi(label, testid) {
  const value = h('span', { class: 'kpi-value', 'data-testid': testid }, '…');
  return { el: h('div', { class: 'kpi card' }, h('span', { class: 'kpi-label' }, label), value), value };
}

function shortDate(iso) {
  // "2026-11-25" → "25 Nov", in UTC like the API's days.
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

// "92 % (12 of 13)": the share of concluded clocks that were met; "—" before any concluded.
function attainment(clock) {
  const concluded = (clock?.met ?? 0) + (clock?.breached ?? 0);
  if (!concluded || clock.attainment === null || clock.attainment === undefined) return '—';
  return `${Math.round(clock.attainment)} % (${clock.met} of ${concluded})`;
}

// SLA attainment per department and priority (GET /api/dashboard/sla).
function slaTable(sla) {
  const rows = sla?.rows ?? [];
  if (!rows.length) return h('p', { class: 'empty' }, 'No SLA clock has been met or breached yet.');
  return h('table', { class: 'sla-table', 'data-testid': 'sla-attainment' },
    h('thead', {}, h('tr', {}, ['Department', 'Priority', 'First response', 'Resolution'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: { department: r.department ?? '', priority: r.priority } },
      h('td', { 'data-label': 'Department' }, r.department ?? 'Not routed'),
      h('td', { 'data-label': 'Priority' }, priorityLabel(r.priority)),
      h('td', { 'data-label': 'First response', 'data-clock': 'first_response' }, attainment(r.first_response)),
      h('td', { 'data-label': 'Resolution', 'data-clock': 'resolution' }, attainment(r.resolution))))));
}

function routeBandLabel(b) {
  if (b.to_ms === null) return `≥ ${formatDuration(b.from_ms)}`;
  return `< ${formatDuration(b.to_ms)}`;
}

export function render(main) {
  document.title = 'Dashboard · Smart Ticket';
  const message = formMessage();
  const kpis = {
    total: kpi('Tickets', 'kpi-total'),
    recent: kpi('Last 24 hours', 'kpi-recent'),
    confidence: kpi('Average confidence', 'kpi-confidence'),
    resolution: kpi('Resolved', 'kpi-resolution'),
    median: kpi('Median time to route', 'kpi-median'),
  };
  const slots = {};
  for (const name of ['department', 'status', 'trend', 'confidence', 'categorizer', 'routeTime']) {
    slots[name] = h('div', { class: `chart-slot card slot-${name}`, 'data-chart': name });
  }
  const slaSlot = h('div', {}, h('p', { class: 'hint' }, '…'));
  const feed = h('ol', { class: 'feed', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const updated = h('p', { class: 'hint updated' });
  main.append(
    h('h1', {}, 'Dashboard'),
    h('p', { class: 'hint' }, h('a', { href: '#/quality' }, 'Decision quality: how often each strategy is right')),
    message,
    h('div', { class: 'kpis' }, Object.values(kpis).map((k) => k.el)),
    h('div', { class: 'charts' }, Object.values(slots)),
    h('section', { class: 'card', 'aria-labelledby': 'sla-title' },
      h('h2', { id: 'sla-title' }, 'SLA attainment'),
      h('p', { class: 'hint' }, 'Clocks met on time, of those met or breached, by the tickets\' department and priority.'),
      slaSlot),
    h('section', { class: 'card', 'aria-labelledby': 'feed-title' },
      h('h2', { id: 'feed-title' }, 'Latest events'), feed),
    updated);
  feed.append(h('li', { class: 'empty' }, 'Waiting for pipeline events…'));

  let alive = true;
  let loadSeq = 0;
  const load = async () => {
    const seq = ++loadSeq;
    try {
      const [summary, performance, trends, sla] = await Promise.all([
        get('/api/dashboard/summary'), get('/api/analytics/performance'), get('/api/analytics/trends?days=30'),
        get('/api/dashboard/sla')]);
      if (!alive || seq !== loadSeq) return;
      showMessage(message, '');
      draw(summary.summary, performance, trends.daily_ticket_creation);
      slaSlot.replaceChildren(slaTable(sla.sla));
      updated.replaceChildren('Updated ', timeElement(new Date().toISOString()), '.');
    } catch (e) {
      if (alive && seq === loadSeq) showMessage(message, e.message);
    }
  };

  function draw(summary, performance, daily) {
    kpis.total.value.textContent = String(summary.total_tickets);
    kpis.recent.value.textContent = String(summary.recent_tickets_24h);
    kpis.confidence.value.textContent = summary.average_confidence === null ? '—' : `${Math.round(summary.average_confidence)} %`;
    kpis.resolution.value.textContent = `${performance.resolved_tickets} (${Math.round(performance.resolution_rate)} %)`;
    kpis.median.value.textContent = formatDuration(performance.median_time_to_route_ms);

    const byDepartment = Object.entries(summary.by_department).map(([label, value]) => ({ label, value }));
    slots.department.replaceChildren(barChart({ title: 'Tickets by department', data: byDepartment }));
    const statusClass = { pending: 1, in_progress: 0, waiting_on_customer: 3, resolved: 2 };  // amber, blue, grey, green
    slots.status.replaceChildren(barChart({
      title: 'Tickets by status',
      data: STATUSES.map((s) => ({ label: statusLabel(s), value: summary.by_status[s] ?? 0, key: s })),
      colorBy: (d) => statusClass[d.key] ?? 0,
    }));
    const trendTicks = (d, i) => (i % 7 === daily.length % 7 || i === daily.length - 1 ? shortDate(d.label) : '');
    slots.trend.replaceChildren(columnChart({
      title: 'Tickets created per day', description: '(last 30 days, UTC)',
      data: daily.map((d) => ({ label: d.date, value: d.count })), tick: trendTicks, series: 0,
    }));
    const bands = performance.confidence_distribution ?? [];
    slots.confidence.replaceChildren(columnChart({
      title: 'Confidence distribution', description: '(routed tickets, by score)',
      data: bands.map((b) => ({ label: `${b.from}–${b.to}`, value: b.count })),
      tick: (d, i) => (i % 2 === 0 ? String(bands[i].from) : ''), series: 3,
    }));
    slots.categorizer.replaceChildren(shareChart({
      title: 'Decided by', description: '(share of routed tickets)',
      data: CATEGORIZERS.map((c) => ({ label: categorizerLabel(c), value: performance.categorized_by?.[c] ?? 0 })),
    }));
    const routeBands = performance.time_to_route_distribution ?? [];
    slots.routeTime.replaceChildren(columnChart({
      title: 'Time to route', description: `(median ${formatDuration(performance.median_time_to_route_ms)})`,
      data: routeBands.map((b) => ({ label: routeBandLabel(b), value: b.count })), series: 4,
    }));
  }

  function addToFeed(event) {
    const t = event.ticket ?? {};
    feed.querySelector('.empty')?.remove();
    const word = EVENT_WORDS[event.event_type] ?? event.event_type;
    const where = event.data?.department ?? t.department;
    const item = h('li', { dataset: { eventType: event.event_type ?? '' } },
      h('a', { href: `#/tickets/${t.id}` }, `#${t.id}`), ' ',
      h('span', { class: 'feed-title' }, t.title ?? ''), ' ',
      h('span', { class: 'event' }, word),
      where && event.event_type !== 'ticket.created' ? h('span', { class: 'hint' }, ` → ${where}`) : null,
      ' ', timeElement(event.occurred_at));
    feed.prepend(item);
    while (feed.children.length > FEED_SIZE) feed.lastElementChild.remove();
  }

  // The analytics service records each event a moment after the stream carries it, and its
  // answers are cached for a fraction of a second: refresh soon (at most every 300 ms during
  // a burst), then once more when the burst is over.
  const refresh = throttle(load, 300);
  const settle = debounce(load, 1500);
  const unsubscribe = live.onEvent((event) => {
    if (event.event_type !== live.RESYNC) addToFeed(event);
    refresh();
    settle();
  });

  // Until the first event arrives, the feed shows the newest tickets.
  get('/api/tickets?limit=5').then((page) => {
    if (!alive || !feed.querySelector('.empty')) return;
    for (const t of [...page.tickets].reverse()) {
      addToFeed({ event_type: t.department ? 'ticket.routed' : 'ticket.created', ticket: t, occurred_at: t.created_at });
    }
  }).catch(() => {});

  // Events that happened between the first load and the stream's connection are not
  // replayed: look once more shortly after opening, and now and then in case the stream is
  // down.
  load();
  settle();
  const poll = setInterval(load, 30_000);
  return () => { alive = false; unsubscribe(); refresh.cancel(); settle.cancel(); clearInterval(poll); };
}
