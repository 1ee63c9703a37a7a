// Starting and stopping a `smartticket serve` for the browser tests (run.mjs's shared server,
// and a test that needs a server of its own, like the open mode's).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const START_TIMEOUT_MS = 20_000;
const ADMIN_KEY_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 10_000;

// No rate limits: the tests make many calls, and open many pages without a key.
export const NO_RATE_LIMITS = ['--rate-limit-admin=0', '--rate-limit-agent=0', '--rate-limit-requester=0', '--rate-limit-anonymous=0'];

// Starts `bin serve --port=0 --data-dir=<dataDir> …args` and resolves to {child, url} once
// its first stdout line reports the port ("… listening on http://HOST:PORT"). Access
// settings inherited from the caller's environment are dropped: the arguments decide.
export function startServer(bin, dataDir, args = []) {
  return new Promise((resolveStart, rejectStart) => {
    const env = { ...process.env };
    for (const name of ['SMARTTICKET_AUTH', 'SMARTTICKET_ADMIN_KEY', 'SMARTTICKET_ADMIN_KEY_FILE']) delete env[name];
    const child = spawn(bin, ['serve', '--port=0', `--data-dir=${dataDir}`, '--log-level=warn', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'], env,
    });
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`server did not report its port within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      rejectStart(new Error(`server exited early (code ${code}, signal ${signal})`));
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = buffered.match(/listening on (http:\/\/[^\s]+?):(\d+)/);
      if (match) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();  // keep draining so the server never blocks on a full pipe
        resolveStart({ child, url: `${match[1]}:${match[2]}` });
      }
    });
  });
}

// The key the server wrote at its first start (stk_<16 hex>_<32 hex>) to <dataDir>/admin.key.
export async function readAdminKey(dataDir) {
  const file = join(dataDir, 'admin.key');
  const deadline = Date.now() + ADMIN_KEY_TIMEOUT_MS;
  for (;;) {
    const key = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (/^stk_[0-9a-f]{16}_[0-9a-f]{32}$/.test(key)) return key;
    if (Date.now() > deadline) throw new Error(`no admin key in ${file} within ${ADMIN_KEY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// SIGTERM, then SIGKILL if it lingers; resolves to the exit code.
export function stopServer(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.removeAllListeners('exit');
    child.on('exit', (code) => { clearTimeout(timer); done(code); });
    child.kill('SIGTERM');
  });
}
