#!/usr/bin/env node
// The server's answers against docs/openapi.json (ctest openapi.conformance):
//   node conformance.mjs --bin=<smartticket>
// starts `smartticket serve` twice on free ports with fresh data dirs (access control on,
// anonymous creates on; the second with a tiny anonymous rate limit, for the 429s), sends each
// of CASES, and checks every answer: the status is the case's and is documented for that
// operation (an explicit status, never `default`), the content type is a documented one, the
// headers the document marks required are there, and a JSON body validates against the
// operation's schema for that status (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it). Every
// operation of the document must have at least one case. Exits 1 on any mismatch.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readAdminKey, startServer, stopServer } from '../browser/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const REQUEST_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 120_000;

function option(name, fallback) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

const bin = resolve(option('bin', process.env.SMARTTICKET_BIN ?? join(here, '../../build/smartticket')));
const doc = JSON.parse(readFileSync(resolve(option('doc', join(here, '../../docs/openapi.json'))), 'utf8'));

// ---------------------------------------------------------------------------------------------
// CASES: one line or more per operation. `op` names the operation as the document does
// ("METHOD /path/{param}"); `path` is the request target (a function of the context built by
// setup() and by earlier cases' `keep`); `as` is who calls (anonymous, requester, agent,
// admin, token: the anonymous ticket's token, bad: an unknown key); `status` is the answer
// expected. `server: 'limited'` sends it to the server whose anonymous limit is 1 a minute.
const ticketBody = (suffix, extra = {}) => ({
  title: `Printer on floor 2 is jammed ${suffix}`,
  description: 'The printer on floor 2 jams on every page since this morning.',
  user_name: 'Otto Other',
  user_email: 'otto@example.com',
  ...extra,
});
const CASES = [
  // Meta, health, console: open to anyone.
  { op: 'GET /', path: '/', as: 'anonymous', status: 200 },
  { op: 'GET /', path: '/', as: 'anonymous', headers: { Accept: 'text/html' }, status: 302 },
  { op: 'GET /api/openapi.json', path: '/api/openapi.json', as: 'anonymous', status: 200, keep: (c, r) => { c.etag = r.headers.get('etag'); } },
  { op: 'GET /api/openapi.json', path: '/api/openapi.json', as: 'anonymous', headers: (c) => ({ 'If-None-Match': c.etag }), status: 304 },
  { op: 'GET /health', path: '/health', as: 'anonymous', status: 200 },
  { op: 'GET /health/live', path: '/health/live', as: 'anonymous', status: 200 },
  { op: 'GET /health/ready', path: '/health/ready', as: 'anonymous', status: 200 },
  { op: 'GET /api/health', path: '/api/health', as: 'anonymous', status: 200 },
  { op: 'GET /ui', path: '/ui/', as: 'anonymous', status: 200 },
  { op: 'GET /ui', path: '/ui', as: 'anonymous', status: 301 },
  { op: 'GET /ui/{file}', path: '/ui/index.html', as: 'anonymous', status: 200, keep: (c, r) => { c.uiEtag = r.headers.get('etag'); } },
  { op: 'GET /ui/{file}', path: '/ui/index.html', as: 'anonymous', headers: (c) => ({ 'If-None-Match': c.uiEtag }), status: 304 },
  { op: 'GET /ui/{file}', path: '/ui/no-such-file.js', as: 'anonymous', status: 404 },
  { op: 'GET /ui/{dir}/{file}', path: '/ui/css/app.css', as: 'anonymous', status: 200 },
  { op: 'GET /ui/{dir}/{subdir}/{file}', path: '/ui/js/pages/ticket.js', as: 'anonymous', status: 200 },
  { op: 'GET /metrics', path: '/metrics', as: 'admin', status: 200 },
  { op: 'GET /metrics', path: '/metrics', as: 'agent', status: 403 },

  // Keys.
  { op: 'GET /api/me', path: '/api/me', as: 'requester', status: 200 },
  { op: 'GET /api/me', path: '/api/me', as: 'anonymous', status: 401 },
  { op: 'GET /api/me', path: '/api/me', as: 'bad', status: 401 },
  { op: 'GET /api/me', path: '/api/me', as: 'token', status: 403 },
  { op: 'GET /api/me', path: '/api/me', as: 'anonymous', server: 'limited', status: 401 },
  { op: 'GET /api/me', path: '/api/me', as: 'anonymous', server: 'limited', status: 429 },
  { op: 'POST /api/keys', path: '/api/keys', as: 'admin', body: { name: 'Conformance agent', role: 'agent' }, status: 201, keep: (c, r) => { c.spareKey = r.body.key.id; } },
  { op: 'POST /api/keys', path: '/api/keys', as: 'admin', body: { name: 'No e-mail', role: 'requester' }, status: 400 },
  { op: 'POST /api/keys', path: '/api/keys', as: 'admin', raw: 'name=x', contentType: 'text/plain', status: 415 },
  { op: 'POST /api/keys', path: '/api/keys', as: 'agent', body: { name: 'x', role: 'agent' }, status: 403 },
  { op: 'GET /api/keys', path: '/api/keys', as: 'admin', status: 200 },
  { op: 'GET /api/keys', path: '/api/keys', as: 'requester', status: 403 },
  { op: 'PUT /api/keys/{id}', path: (c) => `/api/keys/${c.spareKey}`, as: 'admin', body: { departments: ['it support'] }, status: 200 },
  { op: 'PUT /api/keys/{id}', path: (c) => `/api/keys/${c.spareKey}`, as: 'admin', body: { departments: ['No such department'] }, status: 400 },
  { op: 'PUT /api/keys/{id}', path: '/api/keys/0123456789abcdef', as: 'admin', body: { availability: 'away' }, status: 404 },
  { op: 'PUT /api/keys/{id}', path: (c) => `/api/keys/${c.spareKey}`, as: 'agent', body: { availability: 'away' }, status: 403 },
  { op: 'PUT /api/me/availability', path: '/api/me/availability', as: 'agent', body: { availability: 'available' }, status: 200 },
  { op: 'PUT /api/me/availability', path: '/api/me/availability', as: 'agent', body: { availability: 'busy' }, status: 400 },
  { op: 'PUT /api/me/availability', path: '/api/me/availability', as: 'requester', body: { availability: 'away' }, status: 403 },
  { op: 'PUT /api/me/availability', path: '/api/me/availability', as: 'anonymous', body: { availability: 'away' }, status: 401 },
  { op: 'DELETE /api/keys/{id}', path: (c) => `/api/keys/${c.spareKey}`, as: 'admin', status: 200 },
  { op: 'DELETE /api/keys/{id}', path: (c) => `/api/keys/${c.spareKey}`, as: 'admin', status: 404 },
  { op: 'DELETE /api/keys/{id}', path: (c) => `/api/keys/${c.adminKeyId}`, as: 'admin', status: 409 },
  { op: 'GET /api/admin/dead-letters', path: '/api/admin/dead-letters?sample=2', as: 'admin', status: 200 },
  { op: 'GET /api/admin/dead-letters', path: '/api/admin/dead-letters?sample=lots', as: 'admin', status: 400 },
  { op: 'GET /api/admin/dead-letters', path: '/api/admin/dead-letters', as: 'agent', status: 403 },
  { op: 'POST /api/admin/dead-letters/{queue}/replay', path: '/api/admin/dead-letters/routing/replay', as: 'admin', status: 200 },
  { op: 'POST /api/admin/dead-letters/{queue}/replay', path: '/api/admin/dead-letters/gateway/replay', as: 'admin', status: 409 },
  { op: 'POST /api/admin/dead-letters/{queue}/replay', path: '/api/admin/dead-letters/nope/replay', as: 'admin', status: 404 },
  { op: 'DELETE /api/admin/dead-letters/{queue}', path: '/api/admin/dead-letters/gateway', as: 'admin', status: 200 },
  { op: 'DELETE /api/admin/dead-letters/{queue}', path: '/api/admin/dead-letters/nope', as: 'admin', status: 404 },
  { op: 'GET /api/admin/backup', path: '/api/admin/backup', as: 'admin', status: 200 },
  { op: 'GET /api/admin/backup', path: '/api/admin/backup', as: 'agent', status: 403 },
  { op: 'GET /api/admin/analytics/rebuild', path: '/api/admin/analytics/rebuild', as: 'admin', status: 200 },
  { op: 'POST /api/admin/analytics/rebuild', path: '/api/admin/analytics/rebuild', as: 'admin', status: 202 },
  { op: 'POST /api/admin/analytics/rebuild', path: '/api/admin/analytics/rebuild', as: 'agent', status: 403 },
  { op: 'GET /api/admin/analytics/rebuild', path: '/api/admin/analytics/rebuild', as: 'requester', status: 403 },

  // Webhooks (a public address literal: nothing to resolve; an event type the cases never emit).
  { op: 'POST /api/webhooks', path: '/api/webhooks', as: 'admin', body: { url: 'https://93.184.216.34/hook', events: ['ticket.department.updated'], secret: 'whsec_conformance_0123456789' }, status: 201, keep: (c, r) => { c.webhook = r.body.webhook.id; } },
  { op: 'POST /api/webhooks', path: '/api/webhooks', as: 'admin', body: { url: 'http://169.254.169.254/latest/meta-data/', events: ['*'], secret: 'whsec_conformance_0123456789' }, status: 400 },
  { op: 'POST /api/webhooks', path: '/api/webhooks', as: 'agent', body: { url: 'https://93.184.216.34/hook', events: ['*'], secret: 'whsec_conformance_0123456789' }, status: 403 },
  { op: 'GET /api/webhooks', path: '/api/webhooks', as: 'admin', status: 200 },
  { op: 'GET /api/webhooks', path: '/api/webhooks', as: 'anonymous', status: 401 },
  { op: 'GET /api/webhooks/{id}', path: (c) => `/api/webhooks/${c.webhook}`, as: 'admin', status: 200 },
  { op: 'GET /api/webhooks/{id}', path: '/api/webhooks/999999999', as: 'admin', status: 404 },
  { op: 'PUT /api/webhooks/{id}', path: (c) => `/api/webhooks/${c.webhook}`, as: 'admin', body: { events: ['ticket.department.updated', 'ticket.status.updated'] }, status: 200 },
  { op: 'PUT /api/webhooks/{id}', path: (c) => `/api/webhooks/${c.webhook}`, as: 'admin', body: { secret: 'short' }, status: 400 },
  { op: 'GET /api/webhooks/{id}/deliveries', path: (c) => `/api/webhooks/${c.webhook}/deliveries?limit=5`, as: 'admin', status: 200 },
  { op: 'GET /api/webhooks/{id}/deliveries', path: '/api/webhooks/999999999/deliveries', as: 'admin', status: 404 },
  { op: 'POST /api/webhooks/{id}/deliveries/{delivery_id}/replay', path: (c) => `/api/webhooks/${c.webhook}/deliveries/999999999/replay`, as: 'admin', status: 404 },
  { op: 'DELETE /api/webhooks/{id}', path: (c) => `/api/webhooks/${c.webhook}`, as: 'admin', status: 200 },
  { op: 'DELETE /api/webhooks/{id}', path: (c) => `/api/webhooks/${c.webhook}`, as: 'admin', status: 404 },

  // Tickets.
  { op: 'GET /api/statuses', path: '/api/statuses', as: 'requester', status: 200 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'agent', body: ticketBody('a'), status: 201 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'agent', body: ticketBody('b'), headers: { Prefer: 'respond-async' }, status: 202 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'anonymous', body: ticketBody('c'), headers: { Prefer: 'respond-async' }, status: 202 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'agent', body: ticketBody('d'), headers: { 'Idempotency-Key': 'conformance-1' }, status: 201 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'agent', body: ticketBody('d'), headers: { 'Idempotency-Key': 'conformance-1' }, status: 201 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'agent', body: ticketBody('e'), headers: { 'Idempotency-Key': 'conformance-1' }, status: 422 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'agent', body: { title: 'x' }, status: 400 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'agent', raw: '{"title": ', status: 400 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'requester', body: ticketBody('f'), status: 403 },
  { op: 'POST /api/tickets', path: '/api/tickets', as: 'bad', body: ticketBody('g'), status: 401 },
  { op: 'GET /api/tickets', path: '/api/tickets?limit=1', as: 'agent', status: 200, keep: (c, r) => { c.cursor = r.body.next_cursor; } },
  { op: 'GET /api/tickets', path: (c) => `/api/tickets?limit=1&cursor=${c.cursor}`, as: 'agent', status: 200 },
  { op: 'GET /api/tickets', path: '/api/tickets?status=pending&department=HR&q=printer&user_email=otto%40example.com', as: 'admin', status: 200 },
  { op: 'GET /api/tickets', path: '/api/tickets', as: 'requester', status: 200 },
  { op: 'GET /api/tickets', path: '/api/tickets?limit=0', as: 'agent', status: 400 },
  { op: 'GET /api/tickets', path: '/api/tickets?cursor=nonsense', as: 'agent', status: 400 },
  { op: 'GET /api/tickets', path: '/api/tickets?status=lost', as: 'agent', status: 400 },
  { op: 'GET /api/tickets', path: '/api/tickets?language=es', as: 'agent', status: 200 },
  { op: 'GET /api/tickets', path: '/api/tickets?language=spanish', as: 'agent', status: 400 },
  { op: 'GET /api/tickets', path: '/api/tickets?assignee=me', as: 'agent', status: 200 },
  { op: 'GET /api/tickets', path: '/api/tickets?assignee=none&limit=1', as: 'agent', status: 200 },
  { op: 'GET /api/tickets', path: '/api/tickets?assignee=someone', as: 'agent', status: 400 },
  { op: 'GET /api/tickets', path: '/api/tickets?priority=high&priority=urgent&sort=priority&limit=1', as: 'agent', status: 200 },
  { op: 'GET /api/tickets', path: '/api/tickets?priority=critical', as: 'agent', status: 400 },
  { op: 'GET /api/tickets', path: '/api/tickets?needs_review=true&limit=5', as: 'agent', status: 200 },
  { op: 'GET /api/tickets', path: '/api/tickets?needs_review=maybe', as: 'agent', status: 400 },
  { op: 'GET /api/tickets', path: '/api/tickets?sort=oldest', as: 'agent', status: 400 },
  { op: 'GET /api/tickets', path: '/api/tickets', as: 'anonymous', status: 401 },
  { op: 'GET /api/tickets/{id}', path: (c) => `/api/tickets/${c.own}`, as: 'agent', status: 200 },  // with its explanation
  { op: 'GET /api/tickets/{id}', path: (c) => `/api/tickets/${c.own}`, as: 'requester', status: 200 },
  { op: 'GET /api/tickets/{id}', path: (c) => `/api/tickets/${c.other}`, as: 'requester', status: 404 },
  { op: 'GET /api/tickets/{id}', path: (c) => `/api/tickets/${c.anonymousTicket}`, as: 'token', status: 200 },
  { op: 'GET /api/tickets/{id}', path: (c) => `/api/tickets/${c.other}`, as: 'token', status: 404 },
  { op: 'GET /api/tickets/{id}', path: '/api/tickets/abc', as: 'agent', status: 400 },
  { op: 'GET /api/tickets/{id}', path: '/api/tickets/999999999', as: 'agent', status: 404 },
  { op: 'PUT /api/tickets/{id}/status', path: (c) => `/api/tickets/${c.other}/status`, as: 'agent', body: { status: 'in_progress' }, status: 200 },
  { op: 'PUT /api/tickets/{id}/status', path: (c) => `/api/tickets/${c.other}/status`, as: 'agent', body: { status: 'lost' }, status: 400 },
  { op: 'PUT /api/tickets/{id}/status', path: '/api/tickets/999999999/status', as: 'agent', body: { status: 'resolved' }, status: 404 },
  { op: 'PUT /api/tickets/{id}/status', path: (c) => `/api/tickets/${c.own}/status`, as: 'requester', body: { status: 'resolved' }, status: 403 },
  { op: 'PUT /api/tickets/{id}/priority', path: (c) => `/api/tickets/${c.other}/priority`, as: 'agent', body: { priority: 'high' }, status: 200 },
  { op: 'PUT /api/tickets/{id}/priority', path: (c) => `/api/tickets/${c.other}/priority`, as: 'agent', body: { priority: 'critical' }, status: 400 },
  { op: 'PUT /api/tickets/{id}/priority', path: '/api/tickets/999999999/priority', as: 'agent', body: { priority: 'low' }, status: 404 },
  { op: 'PUT /api/tickets/{id}/priority', path: (c) => `/api/tickets/${c.own}/priority`, as: 'requester', body: { priority: 'urgent' }, status: 403 },
  { op: 'POST /api/tickets/{id}/review', path: (c) => `/api/tickets/${c.other}/review`, as: 'agent', body: { department: 'HR' }, status: 200 },
  { op: 'POST /api/tickets/{id}/review', path: (c) => `/api/tickets/${c.other}/review`, as: 'agent', body: { department: 'No Such Department' }, status: 400 },
  { op: 'POST /api/tickets/{id}/review', path: '/api/tickets/999999999/review', as: 'agent', body: { department: 'HR' }, status: 404 },
  { op: 'POST /api/tickets/{id}/review', path: (c) => `/api/tickets/${c.own}/review`, as: 'requester', body: { department: 'HR' }, status: 403 },
  { op: 'PUT /api/tickets/{id}/assignee', path: (c) => `/api/tickets/${c.other}/assignee`, as: 'agent', body: { assignee: null }, status: 200 },
  { op: 'PUT /api/tickets/{id}/assignee', path: (c) => `/api/tickets/${c.other}/assignee`, as: 'agent', body: { assignee: 'someone' }, status: 400 },
  { op: 'PUT /api/tickets/{id}/assignee', path: '/api/tickets/999999999/assignee', as: 'agent', body: { assignee: null }, status: 404 },
  { op: 'PUT /api/tickets/{id}/assignee', path: (c) => `/api/tickets/${c.own}/assignee`, as: 'requester', body: { assignee: null }, status: 403 },
  { op: 'GET /api/tickets/{id}/events', path: (c) => `/api/tickets/${c.other}/events`, as: 'agent', status: 200 },
  { op: 'GET /api/tickets/{id}/events', path: (c) => `/api/tickets/${c.anonymousTicket}/events?limit=1`, as: 'token', status: 200 },
  { op: 'GET /api/tickets/{id}/events', path: (c) => `/api/tickets/${c.other}/events?limit=500`, as: 'agent', status: 400 },
  { op: 'GET /api/tickets/{id}/events', path: '/api/tickets/999999999/events', as: 'agent', status: 404 },
  { op: 'POST /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments`, as: 'agent', body: { body: 'Please try another charger', public: true }, status: 201 },
  { op: 'POST /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments`, as: 'agent', body: { body: 'Internal: probably the disk', public: false }, status: 201 },
  { op: 'POST /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments`, as: 'requester', body: { body: 'Thanks, that worked' }, status: 201 },
  { op: 'POST /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments`, as: 'requester', body: { body: 'Psst', public: false }, status: 403 },
  { op: 'POST /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.other}/comments`, as: 'requester', body: { body: 'Hello' }, status: 404 },
  { op: 'POST /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments`, as: 'agent', body: { body: '   ' }, status: 400 },
  { op: 'POST /api/tickets/{id}/comments', path: '/api/tickets/999999999/comments', as: 'agent', body: { body: 'Hello' }, status: 404 },
  { op: 'POST /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments`, as: 'anonymous', body: { body: 'Hello' }, status: 401 },
  { op: 'GET /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments`, as: 'agent', status: 200 },
  { op: 'GET /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments?limit=1`, as: 'requester', status: 200 },
  { op: 'GET /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.other}/comments`, as: 'requester', status: 404 },
  { op: 'GET /api/tickets/{id}/comments', path: (c) => `/api/tickets/${c.own}/comments?limit=500`, as: 'agent', status: 400 },

  // Departments.
  { op: 'GET /api/departments', path: '/api/departments', as: 'agent', status: 200 },
  { op: 'GET /api/departments', path: '/api/departments?include_inactive=true', as: 'admin', status: 200 },
  { op: 'GET /api/departments', path: '/api/departments', as: 'requester', status: 403 },
  { op: 'POST /api/departments', path: '/api/departments', as: 'admin', body: (c) => ({ name: c.department, description: 'Contracts and claims' }), status: 201 },
  { op: 'POST /api/departments', path: '/api/departments', as: 'admin', body: (c) => ({ name: c.department }), status: 409 },
  { op: 'POST /api/departments', path: '/api/departments', as: 'admin', body: { name: '' }, status: 400 },
  { op: 'POST /api/departments', path: '/api/departments', as: 'agent', body: { name: 'Nope' }, status: 403 },
  { op: 'GET /api/departments/{name}', path: '/api/departments/hr', as: 'agent', status: 200 },
  { op: 'GET /api/departments/{name}', path: '/api/departments/No%20Such', as: 'agent', status: 404 },
  { op: 'PUT /api/departments/{name}', path: (c) => `/api/departments/${encodeURIComponent(c.department)}`, as: 'admin', body: { is_active: false }, status: 200 },
  { op: 'PUT /api/departments/{name}', path: '/api/departments/General', as: 'admin', body: { is_active: false }, status: 400 },
  { op: 'PUT /api/departments/{name}', path: '/api/departments/No%20Such', as: 'admin', body: { description: 'x' }, status: 404 },
  { op: 'PUT /api/departments/{name}', path: (c) => `/api/departments/${encodeURIComponent(c.department)}`, as: 'admin', body: { review_below_confidence: 75 }, status: 200 },
  { op: 'PUT /api/departments/{name}', path: (c) => `/api/departments/${encodeURIComponent(c.department)}`, as: 'admin', body: { review_below_confidence: 102 }, status: 400 },
  { op: 'PUT /api/departments/{name}', path: '/api/departments/HR', as: 'admin', body: { assignment: 'manual' }, status: 200 },
  { op: 'PUT /api/departments/{name}', path: '/api/departments/HR', as: 'admin', body: { assignment: 'fastest' }, status: 400 },
  { op: 'GET /api/departments/{name}/tickets', path: '/api/departments/HR/tickets?status=pending&limit=5', as: 'agent', status: 200 },
  { op: 'GET /api/departments/{name}/tickets', path: '/api/departments/No%20Such/tickets', as: 'agent', status: 400 },
  { op: 'GET /api/sla/policies', path: '/api/sla/policies', as: 'agent', status: 200 },
  { op: 'GET /api/sla/policies', path: '/api/sla/policies', as: 'requester', status: 403 },
  { op: 'PUT /api/sla/policies', path: '/api/sla/policies', as: 'admin', body: { low: { escalation: 'notify' } }, status: 200 },
  { op: 'PUT /api/sla/policies', path: '/api/sla/policies', as: 'admin', body: { low: { first_response_seconds: 0 } }, status: 400 },
  { op: 'PUT /api/sla/policies', path: '/api/sla/policies', as: 'agent', body: { low: { escalation: 'notify' } }, status: 403 },

  // Categorizing and routing.
  { op: 'POST /api/categorize', path: '/api/categorize', as: 'agent', body: { title: 'Printer jam', description: 'The printer on floor 2 is jammed.' }, status: 200 },
  { op: 'POST /api/categorize', path: '/api/categorize', as: 'agent', body: { title: 'Hi' }, status: 400 },
  { op: 'POST /api/categorize', path: '/api/categorize?explain=true', as: 'agent', body: { title: 'Printer jam', description: 'The printer on floor 2 is jammed.' }, status: 200 },
  { op: 'POST /api/categorize', path: '/api/categorize?explain=maybe', as: 'agent', body: { title: 'Printer jam', description: 'The printer on floor 2 is jammed.' }, status: 400 },
  { op: 'POST /api/route', path: '/api/route', as: 'agent', body: (c) => ({ ticket_id: c.other, department: 'HR', confidence_score: 90 }), status: 201 },
  { op: 'POST /api/route', path: '/api/route', as: 'agent', body: { ticket_id: 999999999, department: 'HR', confidence_score: 90 }, status: 404 },
  { op: 'POST /api/route', path: '/api/route', as: 'agent', body: { ticket_id: 1, department: 'HR', confidence_score: 101 }, status: 400 },
  { op: 'PUT /api/route/{ticket_id}', path: (c) => `/api/route/${c.other}`, as: 'agent', body: { department: 'Finance' }, status: 200 },
  { op: 'PUT /api/route/{ticket_id}', path: (c) => `/api/route/${c.other}`, as: 'agent', body: { department: 'No Such' }, status: 400 },
  { op: 'PUT /api/route/{ticket_id}', path: '/api/route/999999999', as: 'agent', body: { department: 'HR' }, status: 404 },
  { op: 'GET /api/routing/statistics', path: '/api/routing/statistics', as: 'agent', status: 200 },
  { op: 'GET /api/routing/history/{ticket_id}', path: (c) => `/api/routing/history/${c.other}`, as: 'agent', status: 200 },
  { op: 'GET /api/routing/history/{ticket_id}', path: (c) => `/api/routing/history/${c.own}?limit=1`, as: 'requester', status: 200 },
  { op: 'GET /api/routing/history/{ticket_id}', path: (c) => `/api/routing/history/${c.other}`, as: 'requester', status: 404 },
  { op: 'GET /api/routing/history/{ticket_id}', path: (c) => `/api/routing/history/${c.other}?cursor=x`, as: 'agent', status: 400 },

  // Analytics and the event stream.
  { op: 'GET /api/dashboard/summary', path: '/api/dashboard/summary', as: 'agent', status: 200 },
  { op: 'GET /api/dashboard/routing', path: '/api/dashboard/routing', as: 'agent', status: 200 },
  { op: 'GET /api/dashboard/sla', path: '/api/dashboard/sla', as: 'agent', status: 200 },
  { op: 'GET /api/analytics/tickets', path: '/api/analytics/tickets?period=week&department=HR', as: 'agent', status: 200 },
  { op: 'GET /api/analytics/tickets', path: '/api/analytics/tickets?period=year', as: 'agent', status: 400 },
  { op: 'GET /api/analytics/performance', path: '/api/analytics/performance', as: 'agent', status: 200 },
  { op: 'GET /api/analytics/trends', path: '/api/analytics/trends?days=7', as: 'agent', status: 200 },
  { op: 'GET /api/analytics/trends', path: '/api/analytics/trends?days=0', as: 'agent', status: 400 },
  { op: 'GET /api/analytics/quality', path: '/api/analytics/quality', as: 'agent', status: 200 },
  { op: 'GET /api/analytics/quality', path: '/api/analytics/quality?since=2026-01-01T00:00:00Z&until=2030-01-01T00:00:00Z&department=HR', as: 'admin', status: 200 },
  { op: 'GET /api/analytics/quality', path: '/api/analytics/quality?since=yesterday', as: 'agent', status: 400 },
  { op: 'GET /api/analytics/quality', path: '/api/analytics/quality', as: 'requester', status: 403 },
  { op: 'GET /api/analytics/department/{name}', path: '/api/analytics/department/HR', as: 'agent', status: 200 },
  { op: 'GET /api/analytics/department/{name}', path: '/api/analytics/department/No%20Such', as: 'agent', status: 404 },
  { op: 'GET /api/analytics/department/{name}', path: '/api/analytics/department/HR', as: 'requester', status: 403 },
  { op: 'GET /api/events/stream', path: '/api/events/stream', as: 'agent', status: 200, stream: true },
  { op: 'GET /api/events/stream', path: '/api/events/stream', as: 'requester', status: 403 },
  { op: 'GET /api/events/stream', path: '/api/events/stream', as: 'anonymous', status: 401 },
];

// ---------------------------------------------------------------------------------------------
// The document, ready for ajv.

// OpenAPI's own keywords beside JSON Schema's; ajv's strict mode rejects any other unknown one.
// Union types (["string", "null"]) are how 3.1 says nullable.
const ajv = new Ajv2020({ strict: true, strictTypes: false, allowUnionTypes: true, allErrors: true });
ajv.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator']);
addFormats(ajv);

// Every "#/components/schemas/X" becomes "components#/$defs/X": the components are one schema.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
        ? `components#/$defs/${v.slice('#/components/schemas/'.length)}` : rewriteRefs(v);
    }
    return out;
  }
  return node;
}
ajv.addSchema({ $id: 'components', $defs: rewriteRefs(doc.components?.schemas ?? {}) });

function deref(node) {
  let n = node;
  for (let i = 0; n && n.$ref && i < 8; ++i) {
    n = n.$ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((at, key) => at?.[key], doc);
  }
  return n;
}

const operations = new Map();  // "METHOD /path" -> operation
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']) {
    if (item[method]) operations.set(`${method.toUpperCase()} ${path}`, item[method]);
  }
}

const validators = new Map();
function validatorFor(op, status, mediaType, schema) {
  const key = `${op} ${status} ${mediaType}`;
  if (!validators.has(key)) validators.set(key, ajv.compile(rewriteRefs(schema)));
  return validators.get(key);
}

// ---------------------------------------------------------------------------------------------
// Calling the servers.

async function call(server, c, { method, path, who, headers = {}, body, raw, contentType, stream }) {
  const h = { ...headers };
  const credential = { admin: c.admin, agent: c.agent, requester: c.requester, token: c.token, bad: c.bad }[who];
  if (credential) h.Authorization = `Bearer ${credential}`;
  let payload;
  if (body !== undefined || raw !== undefined) {
    payload = raw ?? JSON.stringify(body);
    h['Content-Type'] = contentType ?? 'application/json';
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch(server + path, { method, headers: h, body: payload, redirect: 'manual', signal: controller.signal });
    let text;
    if (stream && res.status === 200) {
      // The stream stays open: read its opening, then hang up.
      const reader = res.body.getReader();
      const { value } = await reader.read();
      text = new TextDecoder().decode(value);
      controller.abort();
    } else {
      text = await res.text();
    }
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    return { status: res.status, headers: res.headers, text, body: parsed };
  } finally {
    clearTimeout(timer);
  }
}

// Keys, tickets and a department for the cases to use.
async function setup(server, adminKey) {
  const c = { admin: adminKey, bad: `stk_${'0'.repeat(16)}_${'0'.repeat(32)}`, department: `Legal ${randomBytes(3).toString('hex')}` };
  const post = async (path, body, who = 'admin', headers = {}) => {
    const r = await call(server, c, { method: 'POST', path, who, body, headers });
    if (r.status >= 300) throw new Error(`setup: POST ${path} answered ${r.status}: ${r.text}`);
    return r.body;
  };
  c.agent = (await post('/api/keys', { name: 'Alex Agent', role: 'agent' })).secret;
  c.requester = (await post('/api/keys', { name: 'Rita Requester', role: 'requester', email: 'rita@example.com' })).secret;
  c.adminKeyId = (await call(server, c, { method: 'GET', path: '/api/me', who: 'admin' })).body.key.id;
  c.own = (await post('/api/tickets', ticketBody('own', { user_email: 'rita@example.com', user_name: 'Rita' }), 'requester')).ticket_id;
  c.other = (await post('/api/tickets', ticketBody('other'))).ticket_id;
  const anonymous = await post('/api/tickets', ticketBody('anonymous'), 'anonymous', { Prefer: 'respond-async' });
  c.anonymousTicket = anonymous.ticket_id;
  c.token = anonymous.ticket_token;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Checking one answer against the document.

function check(kase, r) {
  const problems = [];
  const op = operations.get(kase.op);
  if (!op) return [`${kase.op} is not an operation of docs/openapi.json`];
  if (r.status !== kase.status) problems.push(`expected ${kase.status}, got ${r.status}: ${r.text.slice(0, 300)}`);
  if (!r.headers.get('x-request-id')) problems.push('no X-Request-Id');
  const documented = op.responses?.[String(r.status)];
  if (!documented) {
    problems.push(`status ${r.status} is not documented (documented: ${Object.keys(op.responses ?? {}).join(', ')})`);
    return problems;
  }
  const response = deref(documented);
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (deref(header).required && !r.headers.get(name)) problems.push(`no ${name} header`);
  }
  const content = response.content ?? {};
  const mediaTypes = Object.keys(content);
  if (!mediaTypes.length) return problems;
  const actual = (r.headers.get('content-type') ?? '').split(';')[0].trim();
  const mediaType = mediaTypes.find((t) => t === actual);
  if (!mediaType) {
    problems.push(`content type ${actual || '(none)'} is not documented (${mediaTypes.join(', ')})`);
    return problems;
  }
  const schema = content[mediaType].schema;
  if (!schema) return problems;
  let value = r.text;
  if (mediaType === 'application/json') {
    if (r.body === undefined) return [...problems, 'the body is not JSON'];
    value = r.body;
  }
  const validate = validatorFor(kase.op, r.status, mediaType, schema);
  if (!validate(value)) {
    for (const e of validate.errors) problems.push(`body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

const servers = [];  // child processes, stopped at the end (or killed at the deadline)

async function main() {
  const dirs = [mkdtempSync(join(tmpdir(), 'st-openapi-')), mkdtempSync(join(tmpdir(), 'st-openapi-limited-'))];
  const noLimits = ['--rate-limit-admin=0', '--rate-limit-agent=0', '--rate-limit-requester=0', '--rate-limit-anonymous=0'];
  let failures = 0;
  try {
    const started = await Promise.all([
      startServer(bin, dirs[0], ['--auth-anonymous-create=true', ...noLimits]),
      startServer(bin, dirs[1], ['--rate-limit-anonymous=1']),
    ]);
    servers.push(...started.map((s) => s.child));
    const [main, limited] = started.map((s) => s.url);
    const context = await setup(main, await readAdminKey(dirs[0]));

    const covered = new Set();
    for (const kase of CASES) {
      const at = (v) => (typeof v === 'function' ? v(context) : v);
      const path = at(kase.path);
      const [method] = kase.op.split(' ');
      const r = await call(kase.server === 'limited' ? limited : main, context, {
        method, path, who: kase.as, headers: at(kase.headers), body: at(kase.body),
        raw: kase.raw, contentType: kase.contentType, stream: kase.stream,
      });
      const problems = check(kase, r);
      covered.add(kase.op);
      if (problems.length) {
        failures += 1;
        console.log(`not ok ${method} ${path} as ${kase.as} (${kase.op} ${kase.status})`);
        for (const p of problems) console.log(`    ${p}`);
      }
      if (kase.keep && r.status === kase.status) kase.keep(context, r);
    }
    for (const op of operations.keys()) {
      if (!covered.has(op)) {
        failures += 1;
        console.log(`not ok ${op} has no case in tests/openapi/conformance.mjs`);
      }
    }
    console.log(`openapi conformance: ${CASES.length} requests, ${operations.size} operations`);
    console.log(`${CASES.length + operations.size - failures} passed, ${failures} failed`);
  } finally {
    for (const child of servers) await stopServer(child);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  return failures ? 1 : 0;
}

const deadline = setTimeout(() => {
  console.error(`openapi conformance: not done within ${RUN_TIMEOUT_MS} ms`);
  for (const child of servers) child.kill('SIGKILL');
  process.exit(1);
}, RUN_TIMEOUT_MS);
main().then((code) => { clearTimeout(deadline); process.exitCode = code; }, (e) => {
  clearTimeout(deadline);
  console.error(`openapi conformance: ${e.stack ?? e}`);
  process.exitCode = 1;
});
