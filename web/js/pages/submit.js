// Submit a ticket: inline validation with the server's rules, then the department and
// confidence the pipeline chose (live, if routing finishes after the answer). A requester
// files as themselves: name and e-mail come prefilled from their key and may be left empty
// (the server fills them in); naming someone else's e-mail is refused by the server.
import { get, post } from '../api.js';
import { categorizerLabel, h, statusBadge } from '../dom.js';
import * as live from '../live.js';
import { can, role, session } from '../session.js';
import { field, formMessage, showMessage } from './form.js';

// The same limits the server enforces (docs/api.md, "Validation of a new ticket"); the
// server stays the authority, these only spare a round trip.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const RULES = {
  title: (v) => (v.length < 3 ? 'Title must be at least 3 characters.' : v.length > 200 ? 'Title must be at most 200 characters.' : null),
  description: (v) => (v.length < 10 ? 'Description must be at least 10 characters.' : v.length > 10000 ? 'Description must be at most 10,000 characters.' : null),
  user_name: (v) => (v.length < 1 ? 'Your name is required.' : v.length > 100 ? 'Name must be at most 100 characters.' : null),
  user_email: (v) => (!v ? 'Your email is required.' : v.length > 254 || !EMAIL.test(v) ? 'Enter a valid email address, like ann@example.com.' : null),
};

const optional = (rule) => (v) => (v ? rule(v) : null);
const REQUESTER_RULES = { ...RULES, user_name: optional(RULES.user_name), user_email: optional(RULES.user_email) };

// Without the event stream (a requester's role has none), the page asks for the ticket now
// and then until it is routed.
const POLL_MS = 1000;
const POLL_TRIES = 60;

export function render(main) {
  document.title = 'Submit a ticket · Smart Ticket';
  const self = role() === 'requester' ? session().key : null;
  const rules = self ? REQUESTER_RULES : RULES;
  const fields = {
    title: field({ label: 'Title', name: 'title', hint: '3 to 200 characters.', attrs: { maxlength: 200, autocomplete: 'off' } }),
    description: field({ label: 'Description', name: 'description', multiline: true, hint: 'What happened, since when, what you tried. 10 to 10,000 characters.', attrs: { maxlength: 10000 } }),
    user_name: field({ label: 'Your name', name: 'user_name', hint: self ? 'Optional: your key’s name is used when empty.' : undefined, attrs: { maxlength: 100, autocomplete: 'name' } }),
    user_email: field({ label: 'Your email', name: 'user_email', type: 'email', hint: self ? 'Optional: tickets are filed under your key’s e-mail; another address is refused.' : undefined, attrs: { maxlength: 254, autocomplete: 'email' } }),
  };
  if (self) {
    // defaultValue: a reset after submitting brings the prefill back.
    fields.user_name.input.defaultValue = self.name ?? '';
    fields.user_email.input.defaultValue = self.email ?? '';
  }
  const message = formMessage();
  const button = h('button', { type: 'submit', class: 'primary' }, 'Submit ticket');
  const result = h('section', { class: 'result', 'aria-live': 'polite', hidden: true });
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'submit-title' },
    fields.title.wrap, fields.description.wrap,
    h('div', { class: 'row-2' }, fields.user_name.wrap, fields.user_email.wrap),
    message, h('div', { class: 'actions' }, button));

  main.append(
    h('h1', { id: 'submit-title' }, 'Submit a ticket'),
    h('p', { class: 'lead' }, 'Describe the problem; it is categorized and routed to the right department at once.'),
    form, result);

  let stopFollowing = () => {};

  // The server's deadline passed before routing: finish the answer from the live stream, or
  // from the ticket itself if it was routed before the page started listening.
  const followRouting = (answer) => {
    stopFollowing();
    let done = false;
    const routed = (t) => {
      if (done || !t?.department) return;
      done = true;
      stopFollowing();
      showResult({ ...answer, department: t.department, confidence_score: t.confidence_score, categorized_by: t.categorized_by, status: t.status, ticket: t });
    };
    const fetchTicket = () => get(`/api/tickets/${answer.ticket_id}`).then((r) => routed(r.ticket)).catch(() => {});
    const unsubscribe = live.onEvent((e) => {
      if (e.event_type === live.RESYNC) fetchTicket();
      else if (e.ticket?.id === answer.ticket_id) routed(e.ticket);
    });
    let tries = 0;
    const poll = can('live') ? null : setInterval(() => {
      tries += 1;
      if (tries > POLL_TRIES) clearInterval(poll);
      else fetchTicket();
    }, POLL_MS);
    stopFollowing = () => { done = true; unsubscribe(); clearInterval(poll); };
    fetchTicket();
  };

  const validate = (name) => {
    const value = fields[name].input.value.trim();
    const error = rules[name](value);
    fields[name].setError(error);
    return !error;
  };
  for (const name of Object.keys(fields)) {
    // Validate a field when leaving it, and re-check on input once it has shown an error.
    // Not when leaving it for the submit button: a message appearing there would move the
    // button under the pointer between press and release, and the click would be lost.
    // Submitting validates every field anyway.
    fields[name].input.addEventListener('blur', (e) => {
      if (e.relatedTarget?.type === 'submit') return;
      if (fields[name].input.value) validate(name);
    });
    fields[name].input.addEventListener('input', () => {
      if (fields[name].input.hasAttribute('aria-invalid')) validate(name);
    });
  }

  const showResult = (answer) => {
    const t = answer.ticket ?? {};
    const routed = answer.department !== null && answer.department !== undefined;
    result.replaceChildren(
      h('h2', {}, routed ? 'Ticket routed' : 'Ticket received'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Ticket'), h('dd', {}, h('a', { href: `#/tickets/${answer.ticket_id}`, 'data-testid': 'result-link' }, `#${answer.ticket_id} `, t.title ?? '')),
        h('dt', {}, 'Department'), h('dd', { 'data-testid': 'result-department' }, routed ? answer.department : 'Routing in progress…'),
        h('dt', {}, 'Confidence'), h('dd', { 'data-testid': 'result-confidence' }, routed && answer.confidence_score !== null ? `${answer.confidence_score} %` : '—'),
        h('dt', {}, 'Decided by'), h('dd', { 'data-testid': 'result-categorized-by' }, categorizerLabel(answer.categorized_by)),
        h('dt', {}, 'Status'), h('dd', {}, statusBadge(answer.status ?? t.status))),
      h('p', {}, h('button', { type: 'button', onclick: () => { stopFollowing(); result.hidden = true; fields.title.input.focus(); } }, 'Submit another ticket')));
    result.hidden = false;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showMessage(message, '');
    const valid = Object.keys(fields).map(validate);
    if (valid.includes(false)) {
      const first = Object.keys(fields).find((_, i) => !valid[i]);
      fields[first].input.focus();
      return;
    }
    const body = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.input.value.trim()])
      .filter(([k, v]) => v || !self || !k.startsWith('user_')));  // a requester's empty name/e-mail: the key's
    button.disabled = true;
    button.textContent = 'Submitting…';
    try {
      const answer = await post('/api/tickets', body);
      // A 202 (the server was asked not to wait) carries only the id: fill in what was sent.
      answer.ticket ??= { id: answer.ticket_id, title: body.title, status: answer.status ?? 'pending' };
      answer.department ??= null;
      form.reset();
      showResult(answer);
      result.querySelector('h2')?.setAttribute('tabindex', '-1');
      result.querySelector('h2')?.focus();
      if (answer.department === null || answer.department === undefined) followRouting(answer);
    } catch (e) {
      if (e.field && fields[e.field]) {
        fields[e.field].setError(e.message);
        fields[e.field].input.focus();
      } else {
        showMessage(message, e.message);
      }
    } finally {
      button.disabled = false;
      button.textContent = 'Submit ticket';
    }
  });

  return () => stopFollowing();
}
