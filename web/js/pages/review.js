// The review queue (issue 16 §3): the tickets whose routing decision was unsure, each with
// its "why here", one click to confirm the department, a picker to correct it. Agents and
// admins only; an answered ticket leaves the queue at once.
import { departments, get, post, segment } from '../api.js';
import { h, timeElement, toast } from '../dom.js';
import * as live from '../live.js';
import { formMessage, showMessage } from './form.js';
import { whyHere } from './ticket.js';

const QUEUE_SIZE = 20;

export function render(main) {
  document.title = 'Review · Smart Ticket';
  const message = formMessage();
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', { class: 'review-queue', 'data-testid': 'review-queue' });
  main.append(h('h1', {}, 'Review'),
    h('p', { class: 'hint' }, 'Routing decisions below their department’s review threshold, or disputed by a second opinion. Each ticket is already in its best-guess department: confirm it or move it.'),
    message, count, list);

  let names = [];
  let loadSeq = 0;

  const card = (t) => {
    const picker = h('select', { name: 'department', 'aria-label': `Department for ticket #${t.id}` },
      ...names.map((n) => h('option', { value: n }, n)));
    picker.value = t.department ?? '';
    const confirm = h('button', { type: 'button', class: 'primary', 'data-testid': 'review-confirm' }, `Confirm ${t.department ?? ''}`);
    const correct = h('button', { type: 'button', 'data-testid': 'review-correct' }, 'Move');
    const item = h('li', { class: 'card review-item', dataset: { ticketId: String(t.id) } },
      h('h2', {}, h('a', { href: `#/tickets/${t.id}` }, `#${t.id} ${t.title}`)),
      h('p', { class: 'facts-inline' }, `${t.department ?? 'Unrouted'} · ${t.confidence_score ?? '—'} % · `, timeElement(t.created_at)),
      whyHere(t.explanation),
      h('div', { class: 'actions' }, confirm, h('label', {}, 'or move to ', picker), correct));
    const answer = async (department) => {
      confirm.disabled = true;
      correct.disabled = true;
      try {
        await post(`/api/tickets/${segment(String(t.id))}/review`, { department });
        item.remove();
        toast(department === t.department ? `#${t.id} confirmed in ${department}` : `#${t.id} moved to ${department}`);
        showCount();
      } catch (e) {
        showMessage(message, e.message, 'error');
        confirm.disabled = false;
        correct.disabled = false;
      }
    };
    confirm.addEventListener('click', () => answer(t.department));
    correct.addEventListener('click', () => answer(picker.value));
    return item;
  };

  const showCount = () => {
    const n = list.children.length;
    count.textContent = n ? `${n} ticket${n === 1 ? '' : 's'} waiting for review` : 'Nothing waits for review.';
  };

  const load = async () => {
    const seq = ++loadSeq;
    try {
      const [queue, known] = await Promise.all([
        get(`/api/tickets?needs_review=true&limit=${QUEUE_SIZE}`), departments()]);
      names = known.map((d) => d.name);
      // The list leaves explanations out: each ticket is read for its "why here".
      const tickets = await Promise.all(queue.tickets.map((t) =>
        get(`/api/tickets/${segment(String(t.id))}`).then((r) => r.ticket).catch(() => t)));
      if (seq !== loadSeq) return;
      // A card already shown is kept as it is (a department being picked stays picked).
      const shown = new Map([...list.children].map((li) => [li.dataset.ticketId, li]));
      list.replaceChildren(...tickets.filter((t) => t.needs_review)
        .map((t) => shown.get(String(t.id)) ?? card(t)));
      showCount();
    } catch (e) {
      if (seq === loadSeq) showMessage(message, e.message, 'error');
    }
  };

  load();
  // A new unsure ticket, or another agent's review, changes the queue.
  const unsubscribe = live.onEvent((event) => {
    if (event.event_type === 'ticket.routed' || event.event_type === 'ticket.reviewed' || event.event_type === live.RESYNC) load();
  });
  return unsubscribe;
}
