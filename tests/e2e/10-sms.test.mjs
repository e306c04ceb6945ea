// The SMS gateway as the server uses it: the dev inbox at /api/v1/dev/sms exists only with
// [sms] gateway = dev, which `serve` accepts only in test mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runParta, startServer, tempDir } from './lib/server.mjs';

const sqlite = (db, sql) => spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });

test('with the dev gateway and --test-mode the inbox lists messages by phone, newest first', async () => {
  const srv = await startServer({ env: { PARTA_SMS_GATEWAY: 'dev' } });
  try {
    const empty = await fetch(srv.url + '/api/v1/dev/sms');
    assert.equal(empty.status, 200);
    assert.deepEqual(await empty.json(), { messages: [] });

    const ins = sqlite(srv.db, "INSERT INTO sms_outbox(phone, text, created_at) VALUES "
      + "('+79991234567', 'Код: 111111', 10), ('+79990000000', 'Код: 222222', 11), "
      + "('+79991234567', 'Код: 333333', 12)");
    assert.equal(ins.status, 0, ins.stderr);
    for (const q of ['+79991234567', '%2B79991234567']) {
      const r = await fetch(`${srv.url}/api/v1/dev/sms?phone=${q}`);
      assert.equal(r.status, 200);
      assert.deepEqual((await r.json()).messages, [
        { phone: '+79991234567', text: 'Код: 333333', created_at: 12 },
        { phone: '+79991234567', text: 'Код: 111111', created_at: 10 },
      ]);
    }
    const all = await (await fetch(srv.url + '/api/v1/dev/sms')).json();
    assert.equal(all.messages.length, 3);

    const bad = await fetch(srv.url + '/api/v1/dev/sms?phone=89991234567');
    assert.equal(bad.status, 422);
    assert.equal((await bad.json()).error.code, 'validation');
    assert.match(srv.output().stderr, /mod=sms gateway backend=dev/);

    // The page that reads the inbox: static, its script from a file (CSP-clean).
    const page = await fetch(srv.url + '/dev-sms.html');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/dev-sms\.js"><\/script>/);
    assert.doesNotMatch(html, /<script>|style=|onclick=/);
    assert.equal((await fetch(srv.url + '/dev-sms.js')).status, 200);
  } finally {
    await srv.stop();
  }
});

test('serve refuses the dev gateway without test mode: one line, exit 1', () => {
  const db = path.join(tempDir(), 'p.db');
  const r = runParta(['serve', '--db', db, '--listen', '127.0.0.1:0'], { env: { PARTA_SMS_GATEWAY: 'dev' } });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'parta: [sms] gateway = dev only with demo or --test-mode\n');
});

test('an http gateway without a url stops the server with a one-line reason', () => {
  const db = path.join(tempDir(), 'p.db');
  const r = runParta(['serve', '--db', db, '--listen', '127.0.0.1:0'], { env: { PARTA_SMS_GATEWAY: 'http' } });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'parta: [sms] gateway = http needs [sms] url\n');
});

test('without the dev gateway the inbox does not exist', async () => {
  const srv = await startServer();
  try {
    const r = await fetch(srv.url + '/api/v1/dev/sms?phone=%2B79991234567');
    assert.equal(r.status, 404);
    assert.equal((await r.json()).error.code, 'not_found');
  } finally {
    await srv.stop();
  }
});
