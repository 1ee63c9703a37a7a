// The API key the console signs in with, kept per browser tab in sessionStorage (not
// localStorage: a key should not outlive the session on a shared machine). api.js sends it
// as a Bearer token; signing out forgets it.
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
}
