// Who is using the console, from GET /api/me: the open mode (the server runs without keys:
// everything is allowed), a signed-in key (its role decides what the console offers), or
// nobody yet. The server stays the judge of every call; this only hides what would be
// refused.
import { ApiError, get } from './api.js';

const AGENT = ['submit', 'read-tickets', 'see-all-tickets', 'work-tickets', 'dashboard', 'live'];
// 'take-tickets': be a ticket's assignee (only agents' keys can be; the open mode has no key).
const RIGHTS = {
  requester: ['submit', 'read-tickets'],
  agent: [...AGENT, 'take-tickets'],
  admin: [...AGENT, 'departments', 'keys'],
};
const ALL = new Set(RIGHTS.admin);

// {state: 'unknown' | 'signed-out' | 'open' | 'signed-in', key: {id, name, role, email} | null}
let current = { state: 'unknown', key: null };

export function session() {
  return current;
}

export function role() {
  return current.key?.role ?? null;
}

// can('keys'), can('work-tickets'), … (see RIGHTS).
export function can(right) {
  if (current.state === 'open') return ALL.has(right);
  if (current.state !== 'signed-in') return false;
  return (RIGHTS[current.key.role] ?? []).includes(right);
}

// The /api/me answer → the session it describes.
function fromMe(answer) {
  if (answer.auth === 'off' || !answer.key) return { state: 'open', key: null };
  return { state: 'signed-in', key: answer.key };
}

// Asks the server who `key` (by default the stored one) belongs to. Resolves to the session
// (not yet adopted); a key the server refuses resolves to {state: 'signed-out'}; any other
// failure (the server cannot be reached) rejects.
export async function identify(key) {
  try {
    return fromMe(await get('/api/me', { key, reportUnauthorized: false }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return { state: 'signed-out', key: null };
    throw e;
  }
}

export function adopt(next) {
  current = next;
}

export function signOut() {
  current = { state: 'signed-out', key: null };
}
