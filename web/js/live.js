// Live pipeline events from /api/events/stream (Server-Sent Events). Read with fetch rather
// than EventSource because EventSource cannot send an Authorization header. Reconnects with
// a growing delay, capped; a refused key (401) goes to the shell's sign-in instead, and a
// role without the stream (403) stops trying.
import { apiKey } from './api-key.js';
import { authHeaders, reportUnauthorized } from './api.js';

// A pseudo-event the pages get after a reconnect: "you may have missed events".
export const RESYNC = 'stream.resync';

const listeners = new Set();
const stateListeners = new Set();
let controller = null;
let state = 'connecting';
let retryTimer = null;
let attempt = 0;

// fn(event) for every pipeline event: {event_type, ticket: {...}, data: {...}, ...}.
// Returns the unsubscribe function.
export function onEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// fn(state) with 'connecting' | 'live' | 'offline'; called at once with the current one.
export function onState(fn) {
  stateListeners.add(fn);
  fn(state);
  return () => stateListeners.delete(fn);
}

function setState(next) {
  if (next === state) return;
  state = next;
  for (const fn of stateListeners) fn(state);
}

function dispatch(data) {
  let event;
  try {
    event = JSON.parse(data);
  } catch {
    return;  // not an event we understand
  }
  for (const fn of listeners) {
    try {
      fn(event);
    } catch (e) {
      console.error('live event handler failed', e);
    }
  }
}

// One SSE message is lines up to a blank line; only `data:` lines matter here.
function parseChunks(buffer, onData) {
  let rest = buffer;
  for (;;) {
    const end = rest.search(/\r?\n\r?\n/);
    if (end < 0) return rest;
    const block = rest.slice(0, end);
    rest = rest.slice(end).replace(/^\r?\n\r?\n/, '');
    const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, '')).join('\n');
    if (data) onData(data);
  }
}

class Refused extends Error {
  constructor(status) {
    super(`event stream answered ${status}`);
    this.status = status;
  }
}

async function run(signal, key) {
  const res = await fetch('/api/events/stream', {
    headers: { Accept: 'text/event-stream', ...authHeaders(key) },
    cache: 'no-store',
    signal,
  });
  if (res.status === 401 || res.status === 403) throw new Refused(res.status);
  if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
  const resumed = attempt > 0;
  setState('live');
  attempt = 0;
  // Events published while the stream was down are not replayed: tell the pages to reload
  // what they show.
  if (resumed) dispatch(JSON.stringify({ event_type: RESYNC }));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer = parseChunks(buffer + value, dispatch);
  }
}

export function connect() {
  disconnect();
  const c = new AbortController();
  controller = c;
  setState('connecting');
  let refused = null;
  const key = apiKey();
  run(c.signal, key).catch((e) => { if (e instanceof Refused) refused = e.status; }).finally(() => {
    if (controller !== c) return;  // replaced or stopped on purpose
    setState('offline');
    if (refused) {
      controller = null;
      if (refused === 401) reportUnauthorized(key);
      return;
    }
    attempt += 1;
    const delay = Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));  // 1 s, 2 s, 4 s, 8 s, 10 s…
    retryTimer = setTimeout(connect, delay);
  });
}

export function disconnect() {
  clearTimeout(retryTimer);
  if (controller) {
    const c = controller;
    controller = null;
    c.abort();
  }
}
