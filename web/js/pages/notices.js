// The pages the shell shows instead of a route: signed out, not for this role, not found,
// and the server out of reach at start.
import { h } from '../dom.js';

export function signedOut(main, { onSignIn }) {
  document.title = 'Sign in · Smart Ticket';
  main.append(
    h('h1', {}, 'Sign in to Smart Ticket'),
    h('p', { class: 'lead' }, 'The console needs an API key. Ask an administrator for one if you have none.'),
    h('p', {}, h('button', { type: 'button', class: 'primary', 'data-testid': 'signed-out-sign-in', onclick: onSignIn }, 'Sign in')));
}

export function notAllowed(main, { role, home }) {
  document.title = 'Not available · Smart Ticket';
  main.append(
    h('h1', {}, 'Not available to your role'),
    h('p', { class: 'form-message', 'data-kind': 'error', role: 'alert' },
      `Your role (${role ?? 'none'}) may not open this page.`),
    h('p', {}, h('a', { href: home }, 'Go to your start page'), '.'));
}

export function notFound(main, { home }) {
  document.title = 'Not found · Smart Ticket';
  main.append(h('h1', {}, 'Page not found'),
    h('p', {}, 'There is no page here. ', h('a', { href: home }, 'Go to your start page'), '.'));
}

export function unreachable(main, { message, onRetry }) {
  document.title = 'Smart Ticket';
  main.append(
    h('h1', {}, 'The server cannot be reached'),
    h('p', { class: 'form-message', 'data-kind': 'error', role: 'alert' }, message),
    h('p', {}, h('button', { type: 'button', onclick: onRetry }, 'Try again')));
}
