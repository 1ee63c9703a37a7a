// The one way the console talks to the server: JSON over fetch, the API key (if any) as a
// Bearer token, errors turned into ApiError with the server's sentence and field. A 401
// (no key, or one the server no longer accepts) is reported to the shell, which asks for a
// sign-in; a 403 (the key's role may not do this) becomes a sentence a page can show.
import { apiKey } from './api-key.js';

export class ApiError extends Error {
  constructor(status, message, { code, field } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}
// `sentKey`: the key the refused call carried ('' for none), so a late answer to a call made
// with an older key does not end a newer session.
export function reportUnauthorized(sentKey) {
  onUnauthorized({ sentKey });
}

export function authHeaders(key = apiKey()) {
  return key ? { Authorization: `Bearer ${key}` } : {};
}

const TIMEOUT_MS = 15_000;

// What the page shows for a refusal: the server's own sentence, made plain for a 403 and
// a 429 (which also says when to try again).
function refusalMessage(res, data) {
  const said = data?.error;
  if (res.status === 403 && data?.field == null) {
    return `Your role may not do this${said ? ` (the server said: ${said})` : ''}.`;
  }
  if (res.status === 429) {
    const wait = Number(res.headers.get('Retry-After'));
    const when = Number.isFinite(wait) && wait > 0 ? `in ${wait} s` : 'in a moment';
    return `Too many requests for now: try again ${when}.`;
  }
  return said ?? `The server answered ${res.status} ${res.statusText}`.trim();
}

// `options.key` sends another key than the stored one (the sign-in dialog checks a key
// before keeping it); `options.reportUnauthorized: false` keeps a 401 from reaching the shell.
export async function request(method, path, body, { key = apiKey(), reportUnauthorized: report = true } = {}) {
  const headers = { Accept: 'application/json', ...authHeaders(key) };
  const init = { method, headers, signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    const reason = e?.name === 'TimeoutError' ? 'the server did not answer in time' : 'the server cannot be reached';
    throw new ApiError(0, `Request failed: ${reason}.`);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok || data?.success === false) {
    const error = new ApiError(res.status, refusalMessage(res, data), { code: data?.code, field: data?.field ?? undefined });
    if (res.status === 401 && report) reportUnauthorized(key);
    throw error;
  }
  return data;
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body) => request('POST', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

// "/api/tickets" + {status: 'pending', q: ''} → "/api/tickets?status=pending" (empty values dropped).
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const segment = (s) => encodeURIComponent(s);

// Departments change rarely; pages share one list, refreshed when someone edits them.
let departmentsCache = null;
export function departments({ includeInactive = false, refresh = false } = {}) {
  if (includeInactive) {
    return get('/api/departments?include_inactive=true').then((d) => d.departments);
  }
  if (!departmentsCache || refresh) {
    departmentsCache = get('/api/departments').then((d) => d.departments).catch((e) => {
      departmentsCache = null;
      throw e;
    });
  }
  return departmentsCache;
}
export function forgetDepartments() {
  departmentsCache = null;
}
