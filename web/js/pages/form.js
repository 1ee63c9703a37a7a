// Form fields with labels, hints and inline error messages wired for assistive tech
// (aria-invalid + aria-describedby pointing at the message).
import { h, uid } from '../dom.js';

// field({label, name, type, hint, attrs, multiline, options}) → {wrap, input, setError}
export function field({ label, name, type = 'text', hint, attrs = {}, multiline = false, options }) {
  const id = uid(`f-${name}`);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  let input;
  if (options) {
    input = h('select', { id, name, ...attrs }, options.map((o) => h('option', { value: o.value }, o.label)));
  } else if (multiline) {
    input = h('textarea', { id, name, rows: 5, ...attrs });
  } else {
    input = h('input', { id, name, type, ...attrs });
  }
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const describedBy = () => [hintId, error.hidden ? null : errorId].filter(Boolean).join(' ');
  if (hintId) input.setAttribute('aria-describedby', describedBy());
  const wrap = h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label), input, hint ? h('p', { id: hintId, class: 'hint' }, hint) : null, error);
  const setError = (message) => {
    error.textContent = message ?? '';
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    const ids = describedBy();
    if (ids) input.setAttribute('aria-describedby', ids);
    else input.removeAttribute('aria-describedby');
  };
  return { wrap, input, setError };
}

// A message area for a whole form (server errors that name no field, successes).
export function formMessage() {
  return h('div', { class: 'form-message', role: 'alert', hidden: true });
}

export function showMessage(el, message, kind = 'error') {
  el.textContent = message ?? '';
  el.dataset.kind = kind;
  el.hidden = !message;
}
