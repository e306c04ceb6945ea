// Starts a real `parta` on a free loopback port with a temporary SQLite file.
//
//   const srv = await startServer();            // admin account "admin" / ADMIN_PASSWORD
//   await fetch(srv.url + '/healthz');
//   await srv.stop();                            // SIGTERM; asserts a clean exit
//
// The binary is $PARTA_BIN (make check points it at the sanitizer build). stop() fails the
// test when the process exits non-zero or its stderr holds a sanitizer report.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = process.env.PARTA_BIN || path.join(ROOT, 'build/parta');
export const WEB = path.join(ROOT, 'web');
export const ADMIN_LOGIN = 'admin';
export const ADMIN_PASSWORD = 'correct horse battery';
export const ADMIN_NAME = 'Иванова Мария Петровна';
export const ORG_NAME = 'МБОУ СОШ №1';

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer/;

export function tempDir() {
  return mkdtempSync(path.join(tmpdir(), 'parta-test-'));
}

// Runs `parta ARGS` to completion; returns {status, stdout, stderr}.
export function runParta(args, { env = {}, input } = {}) {
  const r = spawnSync(BIN, args, {
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (SANITIZER.test(r.stderr)) throw new Error(`sanitizer report from parta ${args.join(' ')}:\n${r.stderr}`);
  return r;
}

export function addUser(db, { login, password, name, org = ORG_NAME, role = 'admin' }) {
  const r = runParta(['user', 'add', '--db', db, '--org', org, '--login', login, '--name', name, '--role', role],
    { env: { PARTA_PASSWORD: password } });
  if (r.status !== 0) throw new Error(`user add failed: ${r.stderr}`);
}

// Spawns the server and resolves once it prints its URL.
export function spawnServer(args, { env = {} } = {}) {
  const child = spawn(BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => { stdout += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /listening url=(http:\/\/[^/\s]+)\//.exec(stderr);
      if (m) resolve(m[1]);
    });
    exited.then(({ code }) => reject(new Error(`parta exited (${code}) before listening:\n${stderr}`)));
  });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

export async function startServer({ extraArgs = [], env = {}, users = [], dir } = {}) {
  const workDir = dir || tempDir();
  const db = path.join(workDir, 'parta.db');
  // A restart on a kept directory finds its accounts in place.
  if (!existsSync(db)) {
    addUser(db, { login: ADMIN_LOGIN, password: ADMIN_PASSWORD, name: ADMIN_NAME });
    for (const u of users) addUser(db, u);
  }
  const proc = spawnServer(['serve', '--db', db, '--web', WEB, '--listen', '127.0.0.1:0', '--test-mode', ...extraArgs], { env });
  const url = await proc.ready;
  return {
    url,
    db,
    dir: workDir,
    child: proc.child,
    exited: proc.exited,
    output: proc.output,
    async stop({ keep = false } = {}) {
      if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
      const { code, signal } = await proc.exited;
      const { stderr } = proc.output();
      if (SANITIZER.test(stderr)) throw new Error(`sanitizer report:\n${stderr}`);
      if (code !== 0) throw new Error(`parta exited with ${code ?? signal}:\n${stderr.slice(-4000)}`);
      if (!keep) rmSync(workDir, { recursive: true, force: true });
    },
    // Moves the server's clock forward (test mode).
    async advance(seconds) {
      const r = await fetch(url + '/api/v1/test/clock', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advance_seconds: seconds }),
      });
      if (r.status !== 200) throw new Error(`clock advance failed: ${r.status}`);
      return (await r.json()).now;
    },
  };
}

// Logs in; returns {status, body, cookies: {name: value}, cookieHeader, setCookie: [...]}.
export async function login(url, loginName = ADMIN_LOGIN, password = ADMIN_PASSWORD) {
  const r = await fetch(url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: loginName, password }),
  });
  const setCookie = r.headers.getSetCookie();
  const cookies = {};
  for (const c of setCookie) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    cookies[pair.slice(0, i)] = pair.slice(i + 1);
  }
  const cookieHeader = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  return { status: r.status, headers: r.headers, body: await r.json(), cookies, cookieHeader, setCookie };
}
