// API keys (admin): the keys in use, a form to create one, and revoking one. A new key's
// secret is shown once, right after it is made, with a "copy it now" note: it lives only in
// this page's DOM until the admin hides it or leaves the page, and is never stored.
import { del, get, post, segment } from '../api.js';
import { confirmAction } from '../confirm.js';
import { h, timeElement, toast } from '../dom.js';
import { session } from '../session.js';
import { field, formMessage, showMessage } from './form.js';

const ROLES = [
  { value: 'requester', label: 'Requester: submits tickets and follows their own' },
  { value: 'agent', label: 'Agent: works every ticket, sees the dashboard' },
  { value: 'admin', label: 'Admin: also departments and keys' },
];
const ROLE_NAMES = { requester: 'Requester', agent: 'Agent', admin: 'Admin' };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function render(main) {
  document.title = 'Keys · Smart Ticket';
  const ownId = session().key?.id ?? null;

  const listMessage = formMessage();
  const tbody = h('tbody');
  const table = h('table', { class: 'keys' },
    h('caption', { class: 'sr-only' }, 'API keys in use'),
    h('thead', {}, h('tr', {}, ['Name', 'Role', 'E-mail', 'Created', 'Action'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);

  const name = field({ label: 'Name', name: 'name', hint: 'Who (or which program) uses the key; 1 to 100 characters.', attrs: { maxlength: 100, autocomplete: 'off' } });
  const keyRole = field({ label: 'Role', name: 'role', options: ROLES });
  const email = field({ label: 'E-mail', name: 'email', type: 'email', hint: 'Required for a requester: it is who they are. Optional otherwise.', attrs: { maxlength: 254, autocomplete: 'off' } });
  const createMessage = formMessage();
  const createButton = h('button', { type: 'submit', class: 'primary' }, 'Create key');
  const createForm = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'create-title' },
    h('h2', { id: 'create-title' }, 'Create a key'), name.wrap,
    h('div', { class: 'row-2' }, keyRole.wrap, email.wrap),
    createMessage, h('div', { class: 'actions' }, createButton));

  // The one place a secret is ever shown.
  const secretPanel = h('section', { class: 'secret card', 'aria-labelledby': 'secret-title', hidden: true });

  main.append(h('h1', {}, 'Keys'),
    h('p', { class: 'lead' }, 'An API key lets a person or a program use Smart Ticket with the rights of its role. A revoked key stops working at once.'),
    secretPanel, listMessage, h('div', { class: 'table-wrap' }, table), createForm);

  let alive = true;
  const load = async () => {
    try {
      const answer = await get('/api/keys');
      if (!alive) return;
      tbody.replaceChildren(...answer.keys.map(row));
      if (!answer.keys.length) tbody.append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No keys.')));
    } catch (e) {
      if (alive) showMessage(listMessage, e.message);
    }
  };

  function row(k) {
    const own = k.id === ownId;
    const revoke = h('button', { type: 'button', class: 'danger' }, 'Revoke', h('span', { class: 'sr-only' }, ` ${k.name}`));
    revoke.addEventListener('click', async () => {
      showMessage(listMessage, '');
      const sure = await confirmAction({
        title: `Revoke the key of ${k.name}?`,
        message: own
          ? 'This is the key you are signed in with: you will be signed out. Anyone using it loses access at once; this cannot be undone.'
          : 'Anyone using it loses access at once; this cannot be undone.',
        confirmLabel: 'Revoke key',
      });
      if (!sure || !alive) return;
      revoke.disabled = true;
      try {
        await del(`/api/keys/${segment(k.id)}`);
        toast(`Revoked the key of ${k.name}`);
        await load();
        main.querySelector('h1')?.focus();
      } catch (e) {
        // 409: the last admin key, with the server's reason.
        showMessage(listMessage, e.message);
        revoke.disabled = false;
        revoke.focus();
      }
    });
    return h('tr', { dataset: { keyId: k.id, role: k.role } },
      h('td', { 'data-label': 'Name' }, h('span', {}, h('strong', {}, k.name), own ? h('span', { class: 'badge you' }, 'you') : null)),
      h('td', { 'data-label': 'Role' }, ROLE_NAMES[k.role] ?? k.role),
      h('td', { 'data-label': 'E-mail' }, k.email || h('span', { class: 'hint' }, '—')),
      h('td', { 'data-label': 'Created' }, timeElement(k.created_at)),
      h('td', { 'data-label': 'Action' }, revoke));
  }

  let secretInput = null;
  const hideSecret = () => {
    if (secretInput) secretInput.value = '';
    secretInput = null;
    secretPanel.replaceChildren();
    secretPanel.hidden = true;
  };

  const showSecret = (key, secret) => {
    hideSecret();
    const inputId = 'new-key-secret';
    secretInput = h('input', { id: inputId, type: 'text', readonly: true, spellcheck: 'false', autocomplete: 'off', class: 'secret-value' });
    secretInput.value = secret;
    const input = secretInput;
    const copy = h('button', { type: 'button', class: 'primary' }, 'Copy');
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        toast('Copied. Paste it somewhere safe now.');
      } catch {
        input.select();
        toast('Copying was refused: the key is selected, press Ctrl+C (or ⌘C).');
      }
    });
    secretPanel.replaceChildren(
      h('h2', { id: 'secret-title', tabindex: '-1' }, `New key for ${key.name} (${ROLE_NAMES[key.role] ?? key.role})`),
      h('p', { class: 'secret-note', role: 'note' },
        h('strong', {}, 'Copy it now: '), 'this is the only time the key is shown. It is not stored anywhere and cannot be shown again; if it is lost, revoke it and create another.'),
      h('div', { class: 'field' }, h('label', { for: inputId }, 'The new key'), input),
      h('div', { class: 'actions' }, copy,
        h('button', { type: 'button', onclick: () => { hideSecret(); name.input.focus(); } }, 'Done, hide it')));
    secretPanel.hidden = false;
    secretPanel.querySelector('h2').focus();
  };

  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    showMessage(createMessage, '');
    const body = { name: name.input.value.trim(), role: keyRole.input.value, email: email.input.value.trim() || null };
    const nameError = body.name ? null : 'A name is required.';
    const emailError = body.email && !EMAIL.test(body.email) ? 'Enter a valid e-mail address, like ann@example.com.'
      : !body.email && body.role === 'requester' ? 'A requester key needs an e-mail: it is who they are.' : null;
    name.setError(nameError);
    email.setError(emailError);
    if (nameError || emailError) { (nameError ? name : email).input.focus(); return; }
    createButton.disabled = true;
    try {
      const answer = await post('/api/keys', body);
      if (!alive) return;
      createForm.reset();
      showSecret(answer.key, answer.secret);
      await load();
    } catch (err) {
      const target = { name, email, role: keyRole }[err.field];
      if (target) { target.setError(err.message); target.input.focus(); }
      else showMessage(createMessage, err.message);
    } finally {
      createButton.disabled = false;
    }
  });

  load();
  return () => { alive = false; hideSecret(); };
}
