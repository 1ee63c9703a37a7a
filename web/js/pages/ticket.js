// One ticket: its fields, status, priority and assignee changes, manual reroute, the
// conversation and the audit trail, kept current by the live stream. A requester (their own ticket only) sees the fields,
// the public replies (and may reply) and the trail, without the forms their role may not use.
import { departments, get, put, segment } from '../api.js';
import { categorizerLabel, h, PRIORITIES, priorityBadge, priorityLabel, slaBadge, STATUSES, statusBadge, statusLabel, timeElement, toast, debounce, throttle } from '../dom.js';
import * as live from '../live.js';
import { can, session } from '../session.js';
import { conversation } from './conversation.js';
import { field, formMessage, showMessage } from './form.js';

const EVENT_LABELS = {
  'ticket.created': 'Created',
  'ticket.categorized': 'Categorized',
  'ticket.routed': 'Routed',
  'ticket.status.updated': 'Status changed',
  'ticket.department.updated': 'Department changed',
  'ticket.priority.updated': 'Priority changed',
  'ticket.assigned': 'Assigned',
  'ticket.commented': 'Commented',
  'ticket.reviewed': 'Reviewed',
  'ticket.sla.met': 'SLA met',
  'ticket.sla.breached': 'SLA breached',
};

const SLA_CLOCKS = { first_response: 'First response', resolution: 'Resolution' };

// The SLA line of the details: the state, then each clock's due time, or when it was met.
function slaFacts(sla) {
  if (!sla) return [];
  const clock = (label, due, at, testid) => h('span', { class: 'sla-clock', 'data-testid': testid },
    `${label} `, at ? ['met ', timeElement(at)] : due ? ['due ', timeElement(due)] : '—');
  return [h('dt', {}, 'SLA'),
    h('dd', { 'data-testid': 'ticket-sla' }, slaBadge(sla), ' ',
      clock('First response', sla.first_response_due, sla.first_response_at, 'sla-first-response'), ' · ',
      clock('Resolution', sla.resolution_due, sla.resolved_at, 'sla-resolution'))];
}

// "Why here": who decided, with what, the departments weighed and the evidence. Agents and
// admins get the ticket's explanation; a requester's ticket has none, and shows nothing.
export function whyHere(explanation) {
  if (!explanation) return null;
  const [chosen, ...alternatives] = explanation.candidates ?? [];
  const who = explanation.decided_by === 'manual' && explanation.actor?.name
    ? `${categorizerLabel('manual')} (${explanation.actor.name})` : categorizerLabel(explanation.decided_by);
  return h('section', { class: 'why-here', 'data-testid': 'why-here' },
    h('h3', {}, 'Why here'),
    h('p', {}, who, chosen ? ` chose ${chosen.department} (${chosen.confidence} %)` : '',
      explanation.version ? h('span', { class: 'hint' }, ` · ${explanation.version}`) : null),
    alternatives.length ? h('p', { 'data-testid': 'why-here-alternatives' }, 'Also considered: ',
      alternatives.map((c) => `${c.department} (${c.confidence} %)`).join(', ')) : null,
    explanation.evidence?.length ? h('ul', { class: 'evidence' },
      ...explanation.evidence.map((e) => h('li', {}, e))) : null);
}

export function render(main, { params }) {
  const id = Number(params[0]);
  document.title = `Ticket #${id} · Smart Ticket`;
  const heading = h('h1', {}, `Ticket #${id}`);
  const message = formMessage();
  const details = h('section', { class: 'card', 'aria-labelledby': 'details-title' });
  const trail = h('ol', { class: 'trail', 'aria-labelledby': 'trail-title' });

  const status = field({ label: 'Status', name: 'status', options: STATUSES.map((s) => ({ value: s, label: statusLabel(s) })) });
  const statusMessage = formMessage();
  const statusForm = h('form', { class: 'card inline-form', 'aria-labelledby': 'status-title' },
    h('h2', { id: 'status-title' }, 'Change status'), status.wrap, statusMessage,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Update status')));

  const priority = field({ label: 'Priority', name: 'priority', options: PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })) });
  const priorityMessage = formMessage();
  const priorityForm = h('form', { class: 'card inline-form', 'aria-labelledby': 'priority-title' },
    h('h2', { id: 'priority-title' }, 'Change priority'), priority.wrap, priorityMessage,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Update priority')));

  // Who works the ticket: an agent takes it (their own key) or hands it back.
  const assigneeMessage = formMessage();
  const takeButton = h('button', { type: 'button', class: 'primary', hidden: !can('take-tickets') }, 'Assign to me');
  const releaseButton = h('button', { type: 'button' }, 'Unassign');
  const assigneeCard = h('section', { class: 'card inline-form', 'aria-labelledby': 'assignee-title' },
    h('h2', { id: 'assignee-title' }, 'Assignee'), assigneeMessage,
    h('div', { class: 'actions' }, takeButton, releaseButton));

  const department = field({ label: 'Department', name: 'department', options: [] });
  const rerouteMessage = formMessage();
  const rerouteForm = h('form', { class: 'card inline-form', 'aria-labelledby': 'reroute-title' },
    h('h2', { id: 'reroute-title' }, 'Reroute'), department.wrap,
    h('p', { class: 'hint' }, 'A manual reroute is recorded with 100 % confidence, decided by “manual”.'),
    rerouteMessage,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Reroute')));

  const mayWork = can('work-tickets');
  const talk = conversation(id, { mayWork });
  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/tickets' }, can('see-all-tickets') ? '← All tickets' : '← My tickets')),
    heading, message,
    h('div', { class: mayWork ? 'detail-grid' : 'detail-single' },
      details,
      mayWork ? h('div', { class: 'side' }, statusForm, priorityForm, assigneeCard, rerouteForm) : null),
    talk.section,
    h('section', { class: 'card' }, h('h2', { id: 'trail-title' }, 'Audit trail'), trail));

  let ticket = null;
  let alive = true;
  const shown = { status: null, priority: null, department: null };  // what the forms were last set to

  const showTicket = (t) => {
    ticket = t;
    heading.textContent = `Ticket #${t.id}: `;
    heading.append(document.createTextNode(t.title));
    details.replaceChildren(
      h('h2', { id: 'details-title' }, 'Details'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', { 'data-testid': 'ticket-status' }, statusBadge(t.status)),
        h('dt', {}, 'Department'), h('dd', { 'data-testid': 'ticket-department' }, t.department ?? 'Routing…'),
        h('dt', {}, 'Priority'), h('dd', { 'data-testid': 'ticket-priority' }, priorityBadge(t.priority)),
        slaFacts(t.sla),
        mayWork ? h('dt', {}, 'Assignee') : null,
        mayWork ? h('dd', { 'data-testid': 'ticket-assignee' }, t.assignee?.name ?? h('span', { class: 'hint' }, 'Nobody')) : null,
        h('dt', {}, 'Confidence'), h('dd', {}, t.confidence_score === null ? '—' : `${t.confidence_score} %`),
        h('dt', {}, 'Decided by'), h('dd', { 'data-testid': 'ticket-categorized-by' }, categorizerLabel(t.categorized_by)),
        h('dt', {}, 'Requester'), h('dd', {}, t.user_name, ' ', h('span', { class: 'hint' }, `<${t.user_email}>`)),
        h('dt', {}, 'Created'), h('dd', {}, timeElement(t.created_at)),
        h('dt', {}, 'Updated'), h('dd', {}, timeElement(t.updated_at))),
      h('h3', {}, 'Description'),
      h('p', { class: 'description', 'data-testid': 'ticket-description' }, t.description),
      whyHere(t.explanation));
    // Follow the ticket in the two forms unless the user has already picked something else
    // there: a live refresh must not undo a choice about to be submitted.
    if (status.input.value === shown.status || !shown.status) status.input.value = t.status;
    if (priority.input.value === shown.priority || !shown.priority) priority.input.value = t.priority;
    const mine = t.assignee && t.assignee.id === session().key?.id;
    takeButton.disabled = Boolean(mine);
    releaseButton.disabled = !t.assignee;
    if (t.department && (department.input.value === shown.department || !shown.department)) department.input.value = t.department;
    shown.status = t.status;
    shown.priority = t.priority;
    shown.department = t.department;
  };

  const showTrail = (events) => {
    trail.replaceChildren(...events.map((e) => {
      const facts = [];
      if (e.event_type === 'ticket.status.updated') {
        facts.push(e.metadata?.previous_status ? `${statusLabel(e.metadata.previous_status)} → ${statusLabel(e.status)}` : statusLabel(e.status));
      } else if (e.event_type === 'ticket.priority.updated') {
        const from = e.metadata?.previous_priority;
        facts.push(from ? `${priorityLabel(from)} → ${priorityLabel(e.metadata?.priority)}` : priorityLabel(e.metadata?.priority));
      } else if (e.event_type === 'ticket.assigned') {
        facts.push(e.metadata?.assignee_id ? (e.metadata.assignee_name ?? e.metadata.assignee_id) : 'Nobody');
      } else if (e.event_type === 'ticket.commented') {
        facts.push(e.metadata?.public === false ? 'Internal note' : 'Reply');
      } else if (e.event_type === 'ticket.sla.met' || e.event_type === 'ticket.sla.breached') {
        facts.push(SLA_CLOCKS[e.metadata?.clock] ?? e.metadata?.clock ?? '');
        if (e.metadata?.escalation && e.metadata.escalation !== 'none') facts.push(`escalation: ${e.metadata.escalation.replace('_', ' ')}`);
      } else if (e.event_type === 'ticket.reviewed') {
        const from = e.metadata?.previous_department;
        facts.push(e.metadata?.confirmed ? `Confirmed ${e.metadata?.department ?? ''}` : `${from ?? '—'} → ${e.metadata?.department ?? ''}`);
        if (e.actor?.name) facts.push(e.actor.name);
      } else if (e.event_type === 'ticket.routed' || e.event_type === 'ticket.department.updated' || e.event_type === 'ticket.categorized') {
        const from = e.metadata?.previous_department;
        if (e.department) facts.push(from ? `${from} → ${e.department}` : e.department);
        if (e.confidence_score !== null && e.confidence_score !== undefined) facts.push(`${e.confidence_score} %`);
        if (e.metadata?.categorized_by) facts.push(categorizerLabel(e.metadata.categorized_by));
      }
      return h('li', { dataset: { eventType: e.event_type } },
        h('span', { class: 'event' }, EVENT_LABELS[e.event_type] ?? e.event_type),
        facts.length ? h('span', { class: 'facts-inline' }, facts.join(' · ')) : null,
        timeElement(e.created_at));
    }));
    if (!events.length) trail.append(h('li', { class: 'empty' }, 'No events recorded yet.'));
  };

  const load = async () => {
    try {
      const [t, events] = await Promise.all([
        get(`/api/tickets/${id}`), get(`/api/tickets/${id}/events`), talk.load()]);
      if (!alive) return;
      showMessage(message, '');
      showTicket(t.ticket);
      showTrail(events.events);
    } catch (e) {
      if (!alive) return;
      showMessage(message, e.status === 404 ? `There is no ticket #${id}.` : e.message);
      if (e.status === 404) {
        for (const part of [statusForm, priorityForm, assigneeCard, rerouteForm, talk.section]) part.hidden = true;
      }
    }
  };

  if (mayWork) departments().then((list) => {
    department.input.replaceChildren(...list.map((d) => h('option', { value: d.name }, d.name)));
    if (ticket?.department) department.input.value = ticket.department;
    shown.department = department.input.value;
  }).catch((e) => showMessage(rerouteMessage, e.message));

  // One change of the ticket (PUT /api/tickets/{id}/<what>): shown at once, then the trail.
  const change = async (what, body, messageArea, done) => {
    showMessage(messageArea, '');
    try {
      const answer = await put(`/api/tickets/${id}/${what}`, body);
      showTicket(answer.ticket);
      toast(done ?? answer.message);
      load();
    } catch (err) {
      showMessage(messageArea, err.message);
    }
  };
  statusForm.addEventListener('submit', (e) => {
    e.preventDefault();
    change('status', { status: status.input.value }, statusMessage);
  });
  priorityForm.addEventListener('submit', (e) => {
    e.preventDefault();
    change('priority', { priority: priority.input.value }, priorityMessage);
  });
  takeButton.addEventListener('click', () => change('assignee', { assignee: session().key.id }, assigneeMessage, 'Assigned to you'));
  releaseButton.addEventListener('click', () => change('assignee', { assignee: null }, assigneeMessage, 'Unassigned'));

  rerouteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    showMessage(rerouteMessage, '');
    try {
      const answer = await put(`/api/route/${segment(String(id))}`, { department: department.input.value });
      toast(`Rerouted to ${answer.department}`);
      load();
    } catch (err) {
      showMessage(rerouteMessage, err.message);
    }
  });

  // Another agent (or the pipeline) changed this ticket: show it. The trail comes from the
  // analytics service, which records the event a moment after the stream announces it,
  // so look again a little later too.
  const refresh = throttle(load, 200);
  const settle = debounce(load, 1500);
  const unsubscribe = live.onEvent((event) => {
    if (event.ticket?.id === id || event.event_type === live.RESYNC) { refresh(); settle(); }
  });

  load();
  return () => { alive = false; unsubscribe(); refresh.cancel(); settle.cancel(); };
}
