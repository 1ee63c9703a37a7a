// A ticket's conversation on its page: the replies and (for agents and admins) the internal
// notes, oldest first, and a box to add one. A requester's list holds only the public replies
// (the gateway leaves the notes out), and their box writes replies only.
import { get, post, withQuery } from '../api.js';
import { h, timeElement, toast } from '../dom.js';
import { field, formMessage, showMessage } from './form.js';

const MAX_PAGES = 20;  // 20 × 200 comments: far more than a ticket's conversation holds

// { section, load }: load() fetches the whole conversation again (every page).
export function conversation(id, { mayWork }) {
  const list = h('ol', { class: 'conversation', 'aria-labelledby': 'conversation-title', 'data-testid': 'conversation' });
  const body = field({ label: mayWork ? 'Reply or note' : 'Reply', name: 'body', multiline: true, attrs: { maxlength: 10000, required: true, rows: 3 } });
  const internal = h('input', { type: 'checkbox', name: 'internal', id: `internal-${id}` });
  const message = formMessage();
  const form = h('form', { class: 'reply-form', 'aria-labelledby': 'conversation-title' },
    body.wrap,
    mayWork ? h('p', { class: 'field' }, internal, ' ', h('label', { for: internal.id }, 'Internal note (agents and admins only)')) : null,
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Send')));
  const section = h('section', { class: 'card' }, h('h2', { id: 'conversation-title' }, 'Conversation'), list, form);

  const show = (comments) => {
    list.replaceChildren(...comments.map((c) => h('li', { class: c.public ? 'reply' : 'note', dataset: { public: String(c.public) } },
      h('p', { class: 'comment-head' },
        h('strong', {}, c.author?.name ?? (c.author?.type === 'system' ? 'System' : 'Anonymous')),
        c.author?.role ? h('span', { class: 'hint' }, ` · ${c.author.role}`) : null,
        c.public ? null : h('span', { class: 'badge' }, 'Internal note'),
        timeElement(c.created_at)),
      h('p', { class: 'comment-body' }, c.body))));
    if (!comments.length) list.append(h('li', { class: 'empty' }, 'No replies yet.'));
  };

  const load = async () => {
    const all = [];
    let cursor = null;
    for (let page = 0; page < MAX_PAGES; ++page) {
      const answer = await get(withQuery(`/api/tickets/${id}/comments`, { limit: 200, cursor }));
      all.push(...answer.comments);
      cursor = answer.next_cursor;
      if (!cursor) break;
    }
    show(all);
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showMessage(message, '');
    body.setError('');
    try {
      await post(`/api/tickets/${id}/comments`, { body: body.input.value, public: !internal.checked });
      body.input.value = '';
      internal.checked = false;
      toast('Sent');
      await load();
    } catch (err) {
      if (err.field === 'body') body.setError(err.message);
      else showMessage(message, err.message);
    }
  });

  return { section, load };
}
