// HTTP basics against the real server: health, static files, errors, limits, metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

const post = (path, body, headers = {}) => fetch(srv.url + path, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body,
});

async function expectError(res, status, code) {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const body = await res.json();
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  return body;
}

test('GET /healthz answers ok with the security headers', async () => {
  const r = await fetch(srv.url + '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok' });
  assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-frame-options'), 'deny');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
});

test('static files: index, content types, ETag revalidation, directory redirect', async () => {
  const index = await fetch(srv.url + '/');
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.match(await index.text(), /<title>Parta — вход<\/title>/);
  const etag = index.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(srv.url + '/', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);

  const js = await fetch(srv.url + '/login.js');
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  const css = await fetch(srv.url + '/app.css');
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');

  const dir = await fetch(srv.url + '/journal', { redirect: 'manual' });
  assert.equal(dir.status, 301);
  assert.equal(dir.headers.get('location'), '/journal/');
  const journal = await fetch(srv.url + '/journal/');
  assert.equal(journal.status, 200);

  const head = await fetch(srv.url + '/app.css', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('nothing outside the web directory is served', async () => {
  // fetch() normalises "..", so speak raw HTTP to send it as is.
  const raw = await new Promise((resolve, reject) => {
    const u = new URL(srv.url);
    const s = net.connect(Number(u.port), u.hostname, () => {
      s.write('GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
  assert.doesNotMatch(raw, /root:/);
  assert.match(raw, /^HTTP\/1\.1 (400|403|404)/);
  const encoded = await fetch(srv.url + '/%2e%2e/%2e%2e/etc/passwd');
  assert.notEqual(encoded.status, 200);
});

test('unknown API path is 404, wrong method is 405 with Allow', async () => {
  await expectError(await fetch(srv.url + '/api/v1/nothing-here'), 404, 'not_found');
  await expectError(await fetch(srv.url + '/missing.html'), 404, 'not_found');
  const r = await fetch(srv.url + '/api/v1/me', { method: 'DELETE' });
  await expectError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET');
  const put = await fetch(srv.url + '/index.html', { method: 'PUT', body: 'x' });
  await expectError(put, 405, 'method_not_allowed');
});

test('malformed JSON is 400 bad_json; not JSON is 415; not an object is 422', async () => {
  await expectError(await post('/api/v1/auth/login', '{"login": '), 400, 'bad_json');
  await expectError(await post('/api/v1/auth/login', '{"login":"a","login":"b"}'), 400, 'bad_json');
  await expectError(await post('/api/v1/auth/login', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 400, 'bad_json');
  await expectError(await post('/api/v1/auth/login', 'login=a', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
  await expectError(await post('/api/v1/auth/login', '[1,2]'), 422, 'validation');
  await expectError(await post('/api/v1/auth/login', '{"login":5,"password":"x"}'), 422, 'validation');
});

test('a body over the limit is 413 and the server keeps serving', async () => {
  const big = 'x'.repeat((1 << 20) + 1);
  let status;
  try {
    status = (await post('/api/v1/auth/login', JSON.stringify({ login: big, password: 'x' }))).status;
  } catch {
    status = 'reset'; // the server may close before reading the whole upload
  }
  assert.ok(status === 413 || status === 'reset', `status ${status}`);
  // Over a raw socket we can read the answer without racing the upload.
  const raw = await new Promise((resolve, reject) => {
    const u = new URL(srv.url);
    const s = net.connect(Number(u.port), u.hostname, () => {
      s.write(`POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${2 << 20}\r\n\r\n`);
    });
    let data = '';
    s.on('data', (d) => { data += d; if (data.includes('}}')) { s.destroy(); resolve(data); } });
    s.on('error', reject);
  });
  assert.match(raw, /^HTTP\/1\.1 413/);
  assert.match(raw, /payload_too_large/);
  assert.equal((await fetch(srv.url + '/healthz')).status, 200);
});

test('GET /metrics exposes requests by route and status, latency, WebSockets, commits', async () => {
  await fetch(srv.url + '/healthz');
  await fetch(srv.url + '/api/v1/nothing');
  const r = await fetch(srv.url + '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await r.text();
  assert.match(text, /parta_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]\d*/);
  assert.match(text, /parta_http_requests_total\{method="GET",route="not_found",status="404"\} [1-9]/);
  assert.match(text, /parta_http_request_duration_seconds_bucket\{le="\+Inf"\} [1-9]/);
  assert.match(text, /parta_http_request_duration_seconds_count [1-9]/);
  assert.match(text, /parta_db_commit_duration_seconds_count \d+/);
  assert.match(text, /parta_ws_connections 0/);
});
