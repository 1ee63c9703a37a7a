// Small DOM helpers. Everything that comes from the server is added as text (text nodes or
// textContent), never parsed as HTML: a ticket titled "<script>" shows those characters.

// h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more]) → element.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let nextId = 0;
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

const STATUS_LABELS = { pending: 'Pending', in_progress: 'In progress', waiting_on_customer: 'Waiting on customer', resolved: 'Resolved' };
export const STATUSES = Object.keys(STATUS_LABELS);
export function statusLabel(status) {
  return STATUS_LABELS[status] ?? String(status ?? '—');
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${STATUSES.includes(status) ? status : 'unknown'}` },
    statusLabel(status));
}

// Most urgent first: the order of the filter, the picker and `sort=priority`.
const PRIORITY_LABELS = { urgent: 'Urgent', high: 'High', normal: 'Normal', low: 'Low' };
export const PRIORITIES = Object.keys(PRIORITY_LABELS);
export function priorityLabel(priority) {
  return PRIORITY_LABELS[priority] ?? String(priority ?? '—');
}

export function priorityBadge(priority) {
  return h('span', { class: `badge priority-${PRIORITIES.includes(priority) ? priority : 'unknown'}` },
    priorityLabel(priority));
}

// A ticket's SLA clocks (its `sla`): breached wins, then met (both clocks), at risk (a running
// clock has under a quarter of its target left), on track. A paused clock says so.
const SLA_LABELS = { ok: 'On track', at_risk: 'At risk', breached: 'Breached', met: 'Met' };
export const SLA_STATES = Object.keys(SLA_LABELS);
export function slaLabel(state) {
  return SLA_LABELS[state] ?? String(state ?? '—');
}

export function slaBadge(sla) {
  if (!sla) return h('span', { class: 'hint' }, '—');
  const state = SLA_STATES.includes(sla.state) ? sla.state : 'unknown';
  return h('span', { class: `badge sla-${state}`, 'data-sla-state': state },
    slaLabel(sla.state), sla.paused && state !== 'met' ? ' · paused' : '');
}

const CATEGORIZER_LABELS = { claude: 'Claude', model: 'Learned model', keywords: 'Keywords', manual: 'Manual' };
export const CATEGORIZERS = Object.keys(CATEGORIZER_LABELS);
export function categorizerLabel(by) {
  return CATEGORIZER_LABELS[by] ?? (by ? String(by) : '—');
}

export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function timeElement(iso) {
  return h('time', { datetime: iso ?? undefined, title: iso ?? undefined }, formatTime(iso));
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  const one = (v) => v.toFixed(1).replace(/\.0$/, '');  // 1.5, but 10 rather than 10.0
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${one(ms / 1000)} s`;
  if (ms < 3_600_000) return `${one(ms / 60_000)} min`;
  return `${one(ms / 3_600_000)} h`;
}

// Shows a short message in the polite live region at the bottom of the page.
let toastTimer;
export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.dataset.kind = kind;
  el.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('shown'), 4000);
}

// Calls fn once `ms` after the first of a run of calls, however many follow meanwhile: a
// steady stream of events still refreshes every `ms` (a debounce would wait for quiet).
export function throttle(fn, ms) {
  let timer = null;
  const throttled = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = null;
  };
  return throttled;
}

// Calls fn once, `ms` after the last of a run of calls (trailing debounce).
export function debounce(fn, ms) {
  let timer;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}
