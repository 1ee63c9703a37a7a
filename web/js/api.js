// The one way the console talks to the server: JSON over fetch, the API key (if any) as a
// Bearer token, errors turned into ApiError with the server's sentence and field.
import { apiKey } from './settings.js';

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

export function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

const TIMEOUT_MS = 15_000;

export async function request(method, path, body) {
  const headers = { Accept: 'application/json', ...authHeaders() };
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
    if (res.status === 401) onUnauthorized();
    const message = data?.error ?? `The server answered ${res.status} ${res.statusText}`.trim();
    throw new ApiError(res.status, message, { code: data?.code, field: data?.field });
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const put = (path, body) => request('PUT', path, body);

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
