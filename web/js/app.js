// The console's shell: who is signed in and what their role may see (session.js), the
// sign-in dialog, hash routes (#/submit, #/tickets, #/tickets?assignee=me (an agent's own),
// #/tickets/7, #/review, #/dashboard, #/quality, #/departments, #/keys) and the live-connection
// indicator.
import { apiKey, setApiKey } from './api-key.js';
import { forgetDepartments, setUnauthorizedHandler } from './api.js';
import { clear, toast } from './dom.js';
import * as live from './live.js';
import { adopt, can, identify, role, session, signOut } from './session.js';
import { initSignIn } from './sign-in.js';
import * as notices from './pages/notices.js';
import * as submitPage from './pages/submit.js';
import * as ticketsPage from './pages/tickets.js';
import * as ticketPage from './pages/ticket.js';
import * as dashboardPage from './pages/dashboard.js';
import * as departmentsPage from './pages/departments.js';
import * as keysPage from './pages/keys.js';
import * as reviewPage from './pages/review.js';
import * as qualityPage from './pages/quality.js';

// `right`: what the session must be allowed (session.js) to open the page.
const routes = [
  { pattern: /^\/submit$/, page: submitPage, nav: 'submit', right: 'submit' },
  { pattern: /^\/tickets$/, page: ticketsPage, nav: 'tickets', right: 'read-tickets' },
  { pattern: /^\/tickets\/(\d+)$/, page: ticketPage, nav: 'tickets', right: 'read-tickets' },
  { pattern: /^\/review$/, page: reviewPage, nav: 'review', right: 'work-tickets' },
  { pattern: /^\/dashboard$/, page: dashboardPage, nav: 'dashboard', right: 'dashboard' },
  { pattern: /^\/quality$/, page: qualityPage, nav: 'dashboard', right: 'dashboard' },
  { pattern: /^\/departments$/, page: departmentsPage, nav: 'departments', right: 'departments' },
  { pattern: /^\/keys$/, page: keysPage, nav: 'keys', right: 'keys' },
];
const homeRoute = () => (can('dashboard') ? '#/dashboard' : '#/submit');
// An agent's own tickets are the ticket list filtered to their key: a nav entry of its own.
const MINE = { nav: 'mine', right: 'take-tickets' };
const navOf = (route, query) =>
  route.nav === 'tickets' && query.get('assignee') === 'me' && can(MINE.right) ? MINE.nav : route.nav;

let cleanup = null;
let firstRender = true;
let signIn = null;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

function render() {
  const { state } = session();
  if (state === 'unknown') return;  // start() renders once it knows
  const { path, query } = parseHash();
  const main = document.getElementById('main');
  if (state !== 'signed-out' && (path === '/' || path === '')) {
    location.replace(homeRoute());
    return;
  }
  const route = routes.find((r) => r.pattern.test(path));
  if (cleanup) {
    try { cleanup(); } catch (e) { console.error(e); }
    cleanup = null;
  }
  clear(main);
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (route && state !== 'signed-out' && a.dataset.nav === navOf(route, query)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (state === 'signed-out') {
    notices.signedOut(main, { onSignIn: () => signIn.ask() });
  } else if (!route) {
    notices.notFound(main, { home: homeRoute() });
  } else if (!can(route.right)) {
    notices.notAllowed(main, { role: role(), home: homeRoute() });
  } else {
    const params = path.match(route.pattern).slice(1);
    cleanup = route.page.render(main, { params, query }) ?? null;
  }
  // Move focus to the new page's heading so keyboard and screen-reader users land on it
  // (not on the first load, where the browser's own focus handling is expected).
  if (!firstRender) {
    const heading = main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
    }
  }
  firstRender = false;
}

// The header follows the session: the pages the role may open, who is signed in, the live
// indicator where the role may follow the event stream.
function showSession() {
  const { state, key } = session();
  document.documentElement.dataset.session = state;
  if (key) document.documentElement.dataset.role = key.role;
  else delete document.documentElement.dataset.role;
  for (const a of document.querySelectorAll('[data-nav]')) {
    const route = a.dataset.nav === MINE.nav ? MINE : routes.find((r) => r.nav === a.dataset.nav);
    a.closest('li').hidden = !can(route.right);
  }
  document.querySelector('[data-nav="tickets"]').textContent = can('see-all-tickets') || state !== 'signed-in' ? 'Tickets' : 'My tickets';
  const who = document.getElementById('who');
  who.hidden = state !== 'signed-in' && state !== 'open';
  if (state === 'signed-in') who.textContent = `${key.name} · ${key.role}`;
  else if (state === 'open') who.textContent = 'Open access';
  who.title = state === 'open' ? 'The server runs without API keys: everyone may do everything.' : (key?.email ?? '');
  document.getElementById('sign-out').hidden = state !== 'signed-in';
  document.getElementById('live-status').hidden = !can('live');
}

function applySession(next) {
  adopt(next);
  forgetDepartments();
  showSession();
  if (can('live')) live.connect();
  else live.disconnect();
  render();
}

function signedOut() {
  setApiKey('');
  signOut();
  applySession(session());
}

function initLiveIndicator() {
  const el = document.getElementById('live-status');
  const text = { connecting: 'Connecting…', live: 'Live', offline: 'Offline, retrying' };
  live.onState((state) => {
    el.dataset.state = state;
    el.textContent = text[state] ?? state;
  });
}

async function begin() {
  const hadKey = Boolean(apiKey());
  let next;
  try {
    next = await identify();
  } catch (e) {
    const main = document.getElementById('main');
    clear(main);
    notices.unreachable(main, { message: e.message, onRetry: begin });
    return;
  }
  if (next.state === 'signed-out') setApiKey('');
  applySession(next);
  if (next.state === 'signed-out') {
    signIn.ask(hadKey ? 'The key kept in this tab is no longer accepted. Sign in again.' : '');
  }
}

function start() {
  signIn = initSignIn({ onSignedIn: applySession });
  // The server refused the key (revoked, or the server now wants one): back to the sign-in.
  // A late refusal of a key no longer in use (signed out, or another since) changes nothing.
  setUnauthorizedHandler(({ sentKey }) => {
    if (sentKey !== apiKey()) return;
    if (session().state !== 'signed-out') signedOut();
    signIn.ask('The server did not accept your key (it may have been revoked). Sign in again.');
  });
  document.getElementById('sign-out').addEventListener('click', () => {
    signedOut();
    toast('Signed out: the key is forgotten in this tab.');
    document.querySelector('[data-testid="signed-out-sign-in"]')?.focus();
  });
  initLiveIndicator();
  window.addEventListener('hashchange', render);
  begin();
}

start();
