// The API key, kept per browser tab in sessionStorage (not localStorage: a key should not
// outlive the session on a shared machine). api.js sends it as a Bearer token; the server
// ignores it until API keys exist.
const KEY = 'smartticket.apiKey';

export function apiKey() {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';  // storage disabled: run without a key
  }
}

export function setApiKey(value) {
  try {
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled: nothing to keep
  }
  window.dispatchEvent(new CustomEvent('apikeychange'));
}

// Wires the settings dialog in index.html. `ask` opens it (the API client calls it on a
// 401, so the console asks for a key once the server starts requiring one).
export function initSettings() {
  const dialog = document.getElementById('settings');
  const form = document.getElementById('settings-form');
  const input = document.getElementById('api-key');
  const opener = document.getElementById('open-settings');
  const open = () => {
    input.value = apiKey();
    if (!dialog.open) dialog.showModal();
    input.focus();
  };
  opener.addEventListener('click', open);
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'save') setApiKey(input.value.trim());
    if (dialog.returnValue === 'clear') setApiKey('');
    input.value = '';
    opener.focus();
  });
  // Don't keep the key in the form once the dialog is closed with Escape.
  dialog.addEventListener('cancel', () => { input.value = ''; });
  return { ask: open };
}
