// Departments: the list (active and inactive), add one, deactivate or reactivate.
import { departments, forgetDepartments, post, put, segment } from '../api.js';
import { h, timeElement, toast } from '../dom.js';
import { field, formMessage, showMessage } from './form.js';

export function render(main) {
  document.title = 'Departments · Smart Ticket';
  const name = field({ label: 'Name', name: 'name', hint: '1 to 100 characters; must be unique.', attrs: { maxlength: 100, autocomplete: 'off' } });
  const description = field({ label: 'Description', name: 'description', hint: 'Optional, up to 1,000 characters.', attrs: { maxlength: 1000, autocomplete: 'off' } });
  const addMessage = formMessage();
  const addForm = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'add-title' },
    h('h2', { id: 'add-title' }, 'Add a department'), name.wrap, description.wrap, addMessage,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add department')));
  const listMessage = formMessage();
  const tbody = h('tbody');
  const table = h('table', { class: 'departments' },
    h('caption', { class: 'sr-only' }, 'Departments'),
    h('thead', {}, h('tr', {}, ['Name', 'Description', 'State', 'Created', 'Action'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);
  main.append(h('h1', {}, 'Departments'),
    h('p', { class: 'lead' }, 'New tickets are routed to active departments. General is the catch-all and always stays active.'),
    listMessage, h('div', { class: 'table-wrap' }, table), addForm);

  let alive = true;
  const load = async () => {
    try {
      const list = await departments({ includeInactive: true });
      if (!alive) return;
      tbody.replaceChildren(...list.map(row));
    } catch (e) {
      if (alive) showMessage(listMessage, e.message);
    }
  };

  function row(d) {
    const active = d.is_active !== false;
    const toggle = h('button', { type: 'button', class: active ? 'danger' : '' },
      active ? 'Deactivate' : 'Reactivate', h('span', { class: 'sr-only' }, ` ${d.name}`));
    if (d.name === 'General' && active) {
      toggle.disabled = true;
      toggle.title = 'General is the catch-all department and stays active';
    }
    toggle.addEventListener('click', async () => {
      showMessage(listMessage, '');
      toggle.disabled = true;
      try {
        await put(`/api/departments/${segment(d.name)}`, { is_active: !active });
        forgetDepartments();
        toast(`${d.name} is now ${active ? 'inactive' : 'active'}`);
        await load();
        tbody.querySelector(`tr[data-name="${CSS.escape(d.name)}"] button`)?.focus();
      } catch (e) {
        showMessage(listMessage, e.message);
        toggle.disabled = false;
      }
    });
    return h('tr', { dataset: { name: d.name, active: String(active) } },
      h('td', { 'data-label': 'Name' }, h('strong', {}, d.name)),
      h('td', { 'data-label': 'Description' }, d.description || h('span', { class: 'hint' }, '—')),
      h('td', { 'data-label': 'State' }, h('span', { class: `badge ${active ? 'active' : 'inactive'}` }, active ? 'Active' : 'Inactive')),
      h('td', { 'data-label': 'Created' }, timeElement(d.created_at)),
      h('td', { 'data-label': 'Action' }, toggle));
  }

  addForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    showMessage(addMessage, '');
    const value = name.input.value.trim();
    name.setError(value ? null : 'A name is required.');
    if (!value) { name.input.focus(); return; }
    try {
      const answer = await post('/api/departments', { name: value, description: description.input.value.trim() });
      forgetDepartments();
      addForm.reset();
      toast(`Added ${answer.department.name}`);
      await load();
    } catch (err) {
      if (err.field === 'name' || err.status === 409) { name.setError(err.message); name.input.focus(); }
      else if (err.field === 'description') { description.setError(err.message); description.input.focus(); }
      else showMessage(addMessage, err.message);
    }
  });

  load();
  return () => { alive = false; };
}
