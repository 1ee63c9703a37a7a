// Live pipeline events from /api/events/stream (Server-Sent Events). Read with fetch rather
// than EventSource because EventSource cannot send an Authorization header, which the
// stream will need once API keys exist. Reconnects with a growing delay, capped.
import { authHeaders } from './api.js';

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

async function run(signal) {
  const res = await fetch('/api/events/stream', {
    headers: { Accept: 'text/event-stream', ...authHeaders() },
    cache: 'no-store',
    signal,
  });
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
  run(c.signal).catch(() => {}).finally(() => {
    if (controller !== c) return;  // replaced or stopped on purpose
    setState('offline');
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
