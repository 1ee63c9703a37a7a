#!/usr/bin/env node
// Runs the browser tests against a fresh server:
//   node run.mjs --bin=<smartticket> [--out=<screenshot dir>] [test files…]
// starts `smartticket serve --port=0 --data-dir=<tmp>` with access control on (and no rate
// limits: the tests make many calls), reads the port from its first stdout line
// ("… listening on http://HOST:PORT") and the first admin key from <tmp>/admin.key, runs
// the tests with Node's test runner (BASE_URL, ADMIN_KEY, SCREENSHOT_DIR and SMARTTICKET_BIN
// in their environment), then stops the server. Every step has a deadline, so a hung browser or
// server fails the run instead of blocking it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NO_RATE_LIMITS, readAdminKey, startServer, stopServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TESTS_TIMEOUT_MS = 300_000;

function option(name, fallback) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

const bin = resolve(option('bin', process.env.SMARTTICKET_BIN ?? join(here, '../../build/smartticket')));
const out = resolve(option('out', join(here, '../../build/screenshots')));
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const tests = files.length ? files.map((f) => resolve(f))
  : readdirSync(join(here, 'tests')).filter((f) => f.endsWith('.test.mjs'))
    // The tour runs last: it photographs the console with everything the others created.
    .sort((a, b) => (a === 'tour.test.mjs') - (b === 'tour.test.mjs') || a.localeCompare(b))
    .map((f) => join(here, 'tests', f));

if (!existsSync(join(here, 'node_modules', 'playwright-core'))) {
  console.error('browser tests: playwright-core is missing; run scripts/setup (it runs npm ci in tests/browser)');
  process.exit(2);
}
if (!existsSync(bin)) {
  console.error(`browser tests: no server binary at ${bin}`);
  process.exit(2);
}
mkdirSync(out, { recursive: true });

// One `node --test` per file, one after the other: the files share the server, and some
// count what they created (Node 18's runner has no --test-concurrency).
async function runTests(baseUrl, adminKey) {
  const deadline = Date.now() + TESTS_TIMEOUT_MS;
  let failed = 0;
  for (const file of tests) {
    const code = await runFile(file, baseUrl, adminKey, deadline - Date.now());
    if (code !== 0) failed += 1;
  }
  if (failed) console.error(`browser tests: ${failed} of ${tests.length} files failed`);
  return failed ? 1 : 0;
}

function runFile(file, baseUrl, adminKey, budgetMs) {
  if (budgetMs <= 0) {
    console.error(`browser tests: no time left for ${file}`);
    return Promise.resolve(1);
  }
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--test', file], {
      stdio: 'inherit',
      env: { ...process.env, BASE_URL: baseUrl, ADMIN_KEY: adminKey, SCREENSHOT_DIR: out, SMARTTICKET_BIN: bin },
    });
    const timer = setTimeout(() => {
      console.error(`browser tests: ${file} is still running after the suite's ${TESTS_TIMEOUT_MS} ms, stopping it`);
      child.kill('SIGKILL');
    }, budgetMs);
    child.on('exit', (code, signal) => { clearTimeout(timer); done(code ?? (signal ? 1 : 0)); });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'smartticket-browser-'));
let status = 1;
let server;
try {
  // Access control on, as deployed: the server writes its first admin key to the data dir.
  server = await startServer(bin, dataDir, NO_RATE_LIMITS);
  const adminKey = await readAdminKey(dataDir);
  console.log(`browser tests: server at ${server.url} (access control on), screenshots in ${out}`);
  status = await runTests(server.url, adminKey);
} catch (e) {
  console.error(`browser tests: ${e.message}`);
} finally {
  if (server) {
    const code = await stopServer(server.child);
    if (code !== 0) {
      console.error(`browser tests: the server exited with ${code} on SIGTERM`);
      status = status || 1;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(status);
