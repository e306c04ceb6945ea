// The parta command: configuration sources, start-up failures, migrations, shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  runParta, spawnServer, tempDir, addUser, login, WEB, ADMIN_PASSWORD,
} from './lib/server.mjs';
import { connect } from './lib/ws.mjs';

const sqlite = (db, sql) => spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function stopClean(proc) {
  proc.child.kill('SIGTERM');
  const { code } = await proc.exited;
  assert.equal(code, 0, proc.output().stderr);
  assert.doesNotMatch(proc.output().stderr, /Sanitizer|runtime error/);
}

test('--help lists the commands; an unknown command is exit 2', () => {
  const help = runParta(['--help']);
  assert.equal(help.status, 0);
  for (const cmd of ['serve', 'demo', 'initdb', 'user add', 'user passwd']) assert.match(help.stdout, new RegExp(cmd));
  const bad = runParta(['frobnicate']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown command frobnicate/);
});

test('migrations apply from empty, are recorded, and re-running changes nothing', () => {
  const db = path.join(tempDir(), 'p.db');
  const first = runParta(['initdb', '--db', db]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /schema version 20/);
  assert.match(first.stderr, /migrated version=1/);
  const second = runParta(['initdb', '--db', db]);
  assert.equal(second.status, 0);
  assert.doesNotMatch(second.stderr, /migrated/);
  assert.equal(sqlite(db, 'SELECT max(version) FROM schema_migrations').stdout.trim(), '20');
  assert.equal(sqlite(db, 'PRAGMA journal_mode').stdout.trim(), 'wal');
});

test('a database from a newer version is refused with a clear message', () => {
  const db = path.join(tempDir(), 'p.db');
  runParta(['initdb', '--db', db]);
  sqlite(db, 'INSERT INTO schema_migrations VALUES (999, 0)');
  const r = runParta(['serve', '--db', db, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /schema version 999 is newer than this parta knows \(20\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
});

test('an unreadable database is a one-line error and exit 1', () => {
  const dir = tempDir();
  const garbage = path.join(dir, 'garbage.db');
  writeFileSync(garbage, 'this is not a database, just some text that is long enough '.repeat(40));
  const r = runParta(['serve', '--db', garbage, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^parta: cannot (open|use) database/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  const r2 = runParta(['serve', '--db', path.join(dir, 'no', 'such', 'x.db'), '--listen', '127.0.0.1:0']);
  assert.equal(r2.status, 1);
  assert.equal(r2.stderr.trim().split('\n').length, 1);
});

test('a taken port is a one-line error and exit 1', async () => {
  const blocker = net.createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  const { port } = blocker.address();
  const db = path.join(tempDir(), 'p.db');
  runParta(['initdb', '--db', db]);
  const r = runParta(['serve', '--db', db, '--listen', `127.0.0.1:${port}`]);
  blocker.close();
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^parta: cannot listen on 127\\.0\\.0\\.1:${port}: Address already in use`));
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('configuration: file, then PARTA_* environment, then flags', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'p.db');
  const [filePort, envPort] = [await freePort(), await freePort()];
  const ini = path.join(dir, 'parta.ini');
  writeFileSync(ini, `[server]\nlisten = 127.0.0.1:${filePort}\nbody_limit = 2048\nweb = ${WEB}\n[database]\npath = ${db}\n`);
  const fromFile = spawnServer(['serve', '--config', ini]);
  assert.equal(await fromFile.ready, `http://127.0.0.1:${filePort}`);
  const small = await fetch(`http://127.0.0.1:${filePort}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'x'.repeat(3000) }),
  }).catch(() => ({ status: 'reset' }));
  assert.ok(small.status === 413 || small.status === 'reset', 'body_limit from the file');
  await stopClean(fromFile);

  const fromEnv = spawnServer(['serve', '--config', ini], { env: { PARTA_SERVER_LISTEN: `127.0.0.1:${envPort}` } });
  assert.equal(await fromEnv.ready, `http://127.0.0.1:${envPort}`);
  await stopClean(fromEnv);

  const fromFlag = spawnServer(['serve', '--config', ini, '--listen', '127.0.0.1:0'], { env: { PARTA_SERVER_LISTEN: `127.0.0.1:${envPort}` } });
  assert.notEqual(await fromFlag.ready, `http://127.0.0.1:${envPort}`);
  await stopClean(fromFlag);

  const badEnv = runParta(['serve', '--config', ini], { env: { PARTA_SERVER_BODY_LIMIT: 'lots' } });
  assert.equal(badEnv.status, 2);
  assert.match(badEnv.stderr, /server\.body_limit: bad value "lots"/);
  writeFileSync(ini, '[server]\nlisten = nowhere\n');
  const badFile = runParta(['serve', '--config', ini]);
  assert.equal(badFile.status, 2);
  assert.match(badFile.stderr, /parta\.ini:2: server\.listen: bad value "nowhere"/);
});

test('without --test-mode the test clock and debug commands do not exist', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'p.db');
  addUser(db, { login: 'admin', password: ADMIN_PASSWORD, name: 'Админ' });
  const proc = spawnServer(['serve', '--db', db, '--web', WEB, '--listen', '127.0.0.1:0']);
  const url = await proc.ready;
  const clock = await fetch(url + '/api/v1/test/clock', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance_seconds":100000}',
  });
  assert.equal(clock.status, 404);
  const s = await login(url);
  const ws = await connect(url.replace('http:', 'ws:') + '/api/v1/ws', { headers: { authorization: `Bearer ${s.body.token}` } });
  await ws.next((m) => m.type === 'hello');
  ws.send({ type: 'debug.flood', count: 10, size: 10 });
  assert.equal((await ws.next((m) => m.type === 'error')).code, 'unknown_type');
  ws.close();
  await stopClean(proc);
});

test('user add refuses a taken login and a short password; passwd changes the password', async () => {
  const db = path.join(tempDir(), 'p.db');
  addUser(db, { login: 'ivanova', password: 'first-password', name: 'Иванова' });
  const dup = runParta(['user', 'add', '--db', db, '--org', 'Школа', '--login', 'IVANOVA', '--name', 'X'], { env: { PARTA_PASSWORD: 'another-password' } });
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /already taken/);
  const short = runParta(['user', 'add', '--db', db, '--org', 'Школа', '--login', 'new', '--name', 'X'], { env: { PARTA_PASSWORD: 'short' } });
  assert.equal(short.status, 1);
  assert.match(short.stderr, /at least 8 characters/);
  const passwd = runParta(['user', 'passwd', '--db', db, '--login', 'ivanova'], { input: 'second-password\n' });
  assert.equal(passwd.status, 0, passwd.stderr);
  const proc = spawnServer(['serve', '--db', db, '--web', WEB, '--listen', '127.0.0.1:0']);
  const url = await proc.ready;
  assert.equal((await login(url, 'ivanova', 'first-password')).status, 401);
  assert.equal((await login(url, 'ivanova', 'second-password')).status, 200);
  await stopClean(proc);
});

test('SIGTERM during writes: clean exit, and the database passes integrity_check', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'p.db');
  addUser(db, { login: 'admin', password: ADMIN_PASSWORD, name: 'Админ' });
  const proc = spawnServer(['serve', '--db', db, '--web', WEB, '--listen', '127.0.0.1:0', '--test-mode']);
  const url = await proc.ready;
  // Keep logins (session inserts) and failed logins (failure inserts) in flight, then stop.
  const inflight = [];
  for (let i = 0; i < 24; i++) {
    inflight.push(login(url, 'admin', i % 2 ? ADMIN_PASSWORD : 'wrong').catch(() => null));
    if (i === 4) {
      const first = await inflight[0];
      assert.ok(first && first.status !== undefined, 'the server answered before the signal');
    }
  }
  proc.child.kill('SIGTERM');
  const { code } = await proc.exited;
  await Promise.all(inflight);
  assert.equal(code, 0, proc.output().stderr);
  assert.match(proc.output().stderr, /level=info mod=server stopped/);
  const check = runParta(['check-db', '--db', db]);
  assert.equal(check.stdout.trim(), 'ok');
  assert.equal(sqlite(db, 'PRAGMA integrity_check').stdout.trim(), 'ok');
  const sessions = Number(sqlite(db, 'SELECT count(*) FROM sessions').stdout.trim());
  assert.ok(sessions >= 1, `sessions committed: ${sessions}`);
});
