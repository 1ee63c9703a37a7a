// A modal "are you sure?" for actions that cannot be undone, as a <dialog> (keyboard and
// screen-reader friendly, Escape cancels). Resolves to true only for the confirm button.
import { h } from './dom.js';

export function confirmAction({ title, message, confirmLabel, cancelLabel = 'Cancel' }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = 'confirm-title';
    const messageId = 'confirm-message';
    const cancel = h('button', { type: 'submit', value: 'cancel', class: 'ghost' }, cancelLabel);
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': titleId, 'aria-describedby': messageId },
      h('form', { method: 'dialog' },
        h('h2', { id: titleId }, title),
        h('p', { id: messageId }, message),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', value: 'confirm', class: 'danger' }, confirmLabel),
          cancel)));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();  // the safe choice is the default one
  });
}
