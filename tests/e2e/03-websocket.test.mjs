// The WebSocket endpoint: admission, heartbeat commands, message size limit, slow consumers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './lib/server.mjs';
import { connect } from './lib/ws.mjs';

let srv, session, wsUrl;
before(async () => {
  // A small queue cap makes the slow-consumer case cheap to reach.
  srv = await startServer({ env: { PARTA_WEBSOCKET_QUEUE_CAP: String(256 * 1024), PARTA_WEBSOCKET_MAX_MESSAGE: '4096' } });
  session = await login(srv.url);
  wsUrl = srv.url.replace('http:', 'ws:') + '/api/v1/ws';
});
after(async () => { await srv.stop(); });

const asBearer = () => ({ headers: { authorization: `Bearer ${session.body.token}` } });

async function wsGauge() {
  const text = await (await fetch(srv.url + '/metrics')).text();
  return Number(/^parta_ws_connections (\d+)$/m.exec(text)[1]);
}

test('an unauthenticated upgrade is refused with 401', async () => {
  const r = await connect(wsUrl);
  assert.equal(r.refused, true);
  assert.equal(r.status, 401);
  assert.equal(JSON.parse(r.body).error.code, 'unauthenticated');
  const bad = await connect(wsUrl, { headers: { authorization: 'Bearer ' + 'x'.repeat(43) } });
  assert.equal(bad.status, 401);
});

test('a cookie from another site is refused (Origin check)', async () => {
  const r = await connect(wsUrl, { headers: { cookie: session.cookieHeader, origin: 'http://evil.example' } });
  assert.equal(r.status, 401);
  const ok = await connect(wsUrl, { headers: { cookie: session.cookieHeader, origin: srv.url } });
  assert.ok(!ok.refused);
  await ok.next((m) => m.type === 'hello');
  ok.close();
  await ok.closed;
});

test('an authenticated socket gets hello, answers ping, and is counted while open', async () => {
  const ws = await connect(wsUrl, asBearer());
  const hello = await ws.next((m) => m.type === 'hello');
  assert.equal(hello.account_id, session.body.account.id);
  ws.send({ type: 'ping', id: 'c-1' });
  assert.deepEqual(await ws.next((m) => m.type === 'pong'), { type: 'pong', id: 'c-1' });
  ws.send({ type: 'what' });
  assert.equal((await ws.next((m) => m.type === 'error')).code, 'unknown_type');
  ws.send('not json');
  assert.equal((await ws.next((m) => m.type === 'error')).code, 'bad_json');
  assert.equal(await wsGauge(), 1);
  ws.close();
  await ws.closed;
  // The server notices the close on its next loop turn; poll the gauge briefly.
  for (let i = 0; i < 50 && (await wsGauge()) !== 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(await wsGauge(), 0);
});

test('a message over the maximum size closes the socket with 1009', async () => {
  const ws = await connect(wsUrl, asBearer());
  await ws.next((m) => m.type === 'hello');
  ws.send({ type: 'ping', id: 'x'.repeat(5000) });
  const { code } = await ws.closed;
  assert.equal(code, 1009);
});

test('a consumer that falls behind is closed with 1008, memory stays bounded', async () => {
  const ws = await connect(wsUrl, asBearer());
  await ws.next((m) => m.type === 'hello');
  // Within the cap: everything arrives, in order.
  ws.send({ type: 'debug.flood', count: 50, size: 1000 });
  for (let i = 0; i < 50; i++) assert.equal((await ws.next((m) => m.type === 'debug.flood')).seq, i);
  // Over the cap (2 MB queued at once against 256 KiB): the server closes instead of buffering.
  ws.pause();
  ws.send({ type: 'debug.flood', count: 2000, size: 1000 });
  ws.resume();
  const { code, reason } = await ws.closed;
  assert.equal(code, 1008);
  assert.equal(reason, 'slow consumer');
  const text = await (await fetch(srv.url + '/metrics')).text();
  assert.match(text, /parta_ws_closed_slow_total 1/);
});

test('a plain GET of the WebSocket address needs a session and is 400 upgrade_required', async () => {
  const r = await fetch(srv.url + '/api/v1/ws');
  assert.equal(r.status, 401, 'a plain GET needs a session too');
  const r2 = await fetch(srv.url + '/api/v1/ws', asBearer());
  assert.equal(r2.status, 400);
  assert.equal((await r2.json()).error.code, 'upgrade_required');
});

test('heartbeat: the server pings an idle socket and drops one that never answers', async () => {
  // The keepalive sweep runs once a second on real time: use the shortest interval.
  const fast = await startServer({ env: { PARTA_WEBSOCKET_PING_INTERVAL: '1' } });
  try {
    const s = await login(fast.url);
    const url = fast.url.replace('http:', 'ws:') + '/api/v1/ws';
    const alive = await connect(url, { headers: { authorization: `Bearer ${s.body.token}` } });
    await alive.next((m) => m.type === 'hello');
    await alive.waitPings(2);
    alive.send({ type: 'ping', id: 1 });
    await alive.next((m) => m.type === 'pong');

    const silent = await connect(url, { headers: { authorization: `Bearer ${s.body.token}` } });
    silent.answerPings = false;
    await silent.next((m) => m.type === 'hello');
    await silent.closed; // hung up after the unanswered ping
    assert.ok(silent.pings >= 1);
    assert.equal(alive.socket.destroyed, false, 'the answering socket lives on');
    const metrics = await (await fetch(fast.url + '/metrics')).text();
    assert.match(metrics, /parta_ws_closed_silent_total 1/);
    alive.close();
    await alive.closed;
  } finally {
    await fast.stop();
  }
});
