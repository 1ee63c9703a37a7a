// The sign-in dialog in index.html: asks for an API key, checks it with GET /api/me before
// keeping it, and says why when the server refuses it. `ask(reason)` opens it (the shell
// calls it at start without a key and after any 401).
import { setApiKey } from './api-key.js';
import { identify } from './session.js';

// A key is printable ASCII (an HTTP header could not carry anything else).
const PLAUSIBLE_KEY = /^[\x21-\x7e]+$/;

export function initSignIn({ onSignedIn }) {
  const dialog = document.getElementById('sign-in');
  const form = document.getElementById('sign-in-form');
  const input = document.getElementById('api-key');
  const reason = document.getElementById('sign-in-reason');
  const error = document.getElementById('api-key-error');
  const hintId = 'api-key-hint';
  const submit = form.querySelector('button[type="submit"]');
  let opener = null;

  const setError = (message) => {
    error.textContent = message ?? '';
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', message ? `${hintId} api-key-error` : hintId);
  };

  const ask = (why = '') => {
    // Several refused calls at once: one dialog, keeping the first reason given.
    if (dialog.open) {
      if (why && reason.hidden) { reason.textContent = why; reason.hidden = false; }
      return;
    }
    reason.textContent = why;
    reason.hidden = !why;
    setError(null);
    input.value = '';
    opener = document.activeElement;
    dialog.showModal();
    input.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) { setError('Enter your API key.'); input.focus(); return; }
    if (!PLAUSIBLE_KEY.test(key)) { setError('An API key has no spaces or accented letters: check what you pasted.'); input.focus(); return; }
    setError(null);
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const next = await identify(key);
      if (next.state === 'signed-out') {
        setError('The server did not accept this key: it is unknown or has been revoked.');
        input.select();
        return;
      }
      setApiKey(next.state === 'signed-in' ? key : '');
      opener = null;  // the shell moves focus to the page it shows next
      dialog.close();
      onSignedIn(next);
    } catch (e) {
      setError(e.message);
      input.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });

  document.getElementById('sign-in-cancel').addEventListener('click', () => dialog.close());
  // Whichever way it closes, the key typed is not kept in the form.
  dialog.addEventListener('close', () => {
    input.value = '';
    setError(null);
    if (opener?.isConnected) opener.focus();
    opener = null;
  });

  return { ask };
}
