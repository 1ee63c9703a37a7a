// The console's shell: hash routes (#/submit, #/tickets, #/tickets/7, #/dashboard,
// #/departments), the live-connection indicator and the settings dialog.
import { setUnauthorizedHandler } from './api.js';
import { clear, h } from './dom.js';
import * as live from './live.js';
import { initSettings } from './settings.js';
import * as submitPage from './pages/submit.js';
import * as ticketsPage from './pages/tickets.js';
import * as ticketPage from './pages/ticket.js';
import * as dashboardPage from './pages/dashboard.js';
import * as departmentsPage from './pages/departments.js';

const routes = [
  { pattern: /^\/submit$/, page: submitPage, nav: 'submit' },
  { pattern: /^\/tickets$/, page: ticketsPage, nav: 'tickets' },
  { pattern: /^\/tickets\/(\d+)$/, page: ticketPage, nav: 'tickets' },
  { pattern: /^\/dashboard$/, page: dashboardPage, nav: 'dashboard' },
  { pattern: /^\/departments$/, page: departmentsPage, nav: 'departments' },
];
const DEFAULT_ROUTE = '#/dashboard';

let cleanup = null;
let firstRender = true;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

function render() {
  const { path, query } = parseHash();
  const main = document.getElementById('main');
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) {
    if (path === '/' || path === '') {
      location.replace(DEFAULT_ROUTE);
      return;
    }
  }
  if (cleanup) {
    try { cleanup(); } catch (e) { console.error(e); }
    cleanup = null;
  }
  clear(main);
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (route && a.dataset.nav === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!route) {
    document.title = 'Not found · Smart Ticket';
    main.append(h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'There is no page here. ', h('a', { href: DEFAULT_ROUTE }, 'Go to the dashboard'), '.'));
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

function initLiveIndicator() {
  const el = document.getElementById('live-status');
  const text = { connecting: 'Connecting…', live: 'Live', offline: 'Offline, retrying' };
  live.onState((state) => {
    el.dataset.state = state;
    el.textContent = text[state] ?? state;
  });
}

function start() {
  const settings = initSettings();
  setUnauthorizedHandler(() => settings.ask());
  window.addEventListener('apikeychange', () => {
    live.connect();
    render();
  });
  initLiveIndicator();
  live.connect();
  window.addEventListener('hashchange', render);
  render();
}

start();
