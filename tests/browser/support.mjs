// Shared pieces of the browser tests: the browser, a page that records console errors and
// CSP violations, the public API (to arrange data and to check what the console shows),
// screenshots, and bounded waits.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL;
if (!BASE_URL) throw new Error('BASE_URL is not set: run the tests through run.mjs');
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

// A page whose console errors, uncaught exceptions and failed requests are collected; a
// test ends with expectNoErrors(page) so a CSP violation or a broken module fails it.
export async function openPage(browser, path = '/ui/', { viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.errors.push(`exception: ${e.message}`));
  await page.goto(new URL(path, BASE_URL).href);
  return page;
}

// `expected`: patterns of errors the test provoked on purpose (a 409 the page shows).
export function expectNoErrors(page, expected = []) {
  // The event stream is aborted when a page closes or navigates: not an error.
  const errors = page.errors.filter((e) => !/events\/stream|net::ERR_ABORTED/.test(e))
    .filter((e) => !expected.some((re) => re.test(e)));
  assert.deepEqual(errors, [], 'the page logged errors');
}

export async function screenshot(page, name, options = {}) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, ...options });
}

export async function api(method, path, body, headers = {}) {
  const res = await fetch(new URL(path, BASE_URL), {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const json = await res.json();
  return { status: res.status, json };
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
