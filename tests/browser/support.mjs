// Shared pieces of the browser tests: the browser, a page that records console errors and
// CSP violations and signs in through the console's dialog, the public API (to arrange
// data and to check what the console shows; as the admin unless told otherwise), keys for
// each role, screenshots, and bounded waits.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL;
if (!BASE_URL) throw new Error('BASE_URL is not set: run the tests through run.mjs');
// The first admin key the server wrote at its start (run.mjs reads it).
export const ADMIN_KEY = process.env.ADMIN_KEY;
if (!ADMIN_KEY) throw new Error('ADMIN_KEY is not set: run the tests through run.mjs');
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? '.';

export const STEP_TIMEOUT_MS = 10_000;

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}

// Records the page's console errors (with the failed resource's address), uncaught
// exceptions and failed requests; a test ends with expectNoErrors(page) so a CSP violation
// or a broken module fails it.
export function recordErrors(page) {
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location()?.url;
    page.errors.push(`console: ${m.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (e) => page.errors.push(`exception: ${e.message}`));
  return page;
}

// A page on `path`, signed in through the console's dialog with the key `as` (the admin's by
// default; null stays signed out, on the sign-in).
export async function openPage(browser, path = '/ui/', { viewport = { width: 1280, height: 900 }, as = ADMIN_KEY } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = recordErrors(await context.newPage());
  await page.goto(new URL(path, BASE_URL).href);
  if (as) await signIn(page, as);
  return page;
}

// Signs in as a user would: the dialog the console opens without a key, the key typed in,
// "Sign in"; then waits until the console shows the key's pages.
export async function signIn(page, key = ADMIN_KEY) {
  const dialog = page.getByRole('dialog', { name: 'Sign in' });
  await dialog.waitFor();
  await dialog.getByLabel('API key').fill(key);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('html[data-session="signed-in"]').waitFor({ state: 'attached' });
}

// A link of the main navigation ("Keys", not a ticket titled "Keyboard keys stuck").
export function nav(page, name) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

// `expected`: patterns of errors the test provoked on purpose (a 409 the page shows).
export function expectNoErrors(page, expected = []) {
  // The event stream is aborted when a page closes or navigates: not an error. Nor is the
  // 401 of GET /api/me when the console opens without a key: that is how it learns it must
  // ask for one (and how the sign-in learns a key is refused).
  const errors = page.errors.filter((e) => !/events\/stream|net::ERR_ABORTED/.test(e))
    .filter((e) => !/status of 401 .*\/api\/me\)$/.test(e))
    .filter((e) => !expected.some((re) => re.test(e)));
  assert.deepEqual(errors, [], 'the page logged errors');
}

export async function screenshot(page, name, options = {}) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, ...options });
}

// A call as the admin; `headers` may name another key (Authorization) or none ('').
export async function api(method, path, body, headers = {}) {
  const res = await fetch(new URL(path, BASE_URL), {
    method,
    headers: Object.fromEntries(Object.entries({ 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}`, ...headers })
      .filter(([, v]) => v !== '')),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const json = await res.json();
  return { status: res.status, json };
}

export const bearer = (key) => ({ Authorization: `Bearer ${key}` });

// A new key through the API (as the admin): {id, name, role, email, secret}.
export async function createKey({ name, role, email }) {
  const { status, json } = await api('POST', '/api/keys', { name, role, email });
  assert.equal(status, 201, JSON.stringify(json));
  return { ...json.key, secret: json.secret };
}

let serial = 0;
// A ticket through the public API; `words` make it findable by search.
export async function createTicket({ title, description, async = false } = {}) {
  serial += 1;
  const body = {
    title: title ?? `Printer jam ${serial}`,
    description: description ?? `The printer on floor ${serial} keeps jamming with paper.`,
    user_name: 'Browser Test',
    user_email: 'browser@example.com',
  };
  const { status, json } = await api('POST', '/api/tickets', body, async ? { Prefer: 'respond-async' } : {});
  assert.ok(status === 201 || status === 202, `create answered ${status}: ${JSON.stringify(json)}`);
  return json;
}

// A word no other ticket contains, so searches and filters have exact expectations.
export function uniqueWord(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

// The analytics side settles a moment after a ticket is routed (its own queue, a short
// cache): reads `pick(json)` from `path` until two reads 400 ms apart agree (bounded).
export async function settledApi(path, pick = (j) => j) {
  let previous = JSON.stringify(pick((await api('GET', path)).json));
  for (let i = 0; i < 25; i += 1) {
    await new Promise((r) => setTimeout(r, 400));
    const current = JSON.stringify(pick((await api('GET', path)).json));
    if (current === previous) return JSON.parse(current);
    previous = current;
  }
  throw new Error(`${path} did not settle`);
}
