// The crash test (short form): the server is killed with SIGKILL in the middle of a storm of
// sends; after a restart every message acknowledged to its sender is there exactly once, the
// chat's sequence has no gap, and resuming from the last acknowledged sequence number brings
// the rest without a duplicate. Longer storms belong to the bench.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, spawnServer, WEB } from './lib/server.mjs';
import { TEACHER, STUDENT, call, ok, setupClass, wsOf } from './lib/messenger.mjs';

const STORM = Number(process.env.PARTA_CRASH_MESSAGES || 300);
let srv, restarted;

after(async () => {
  if (restarted && restarted.child.exitCode === null) {
    restarted.child.kill('SIGTERM');
    const { code } = await restarted.exited;
    const { stderr } = restarted.output();
    assert.doesNotMatch(stderr, /Sanitizer|runtime error:/);
    assert.equal(code, 0, stderr.slice(-2000));
  }
  if (srv) rmSync(srv.dir, { recursive: true, force: true });
});

test('SIGKILL during a send storm: every acknowledged message survives exactly once', async () => {
  srv = await startServer({ users: [TEACHER, STUDENT], env: { PARTA_SMS_GATEWAY: 'dev' } });
  const ids = await setupClass(srv);
  const ws = await wsOf(srv.url, ids.teacherToken);
  const acked = new Map(); // client id → {seq, id}
  for (let i = 0; i < STORM; i++) ws.send({ type: 'send', client_id: `k-${i}`, chat_id: ids.chat, text: `Сообщение ${i}` });
  // Once a part of the storm is acknowledged, a second, larger wave goes out and the server is
  // killed while it works through it.
  while (acked.size < STORM / 3) {
    const ack = await ws.next((m) => m.type === 'ack' && !acked.has(m.client_id));
    acked.set(ack.client_id, { seq: ack.seq, id: ack.message.id });
  }
  for (let i = STORM; i < STORM * 8; i++) ws.send({ type: 'send', client_id: `k-${i}`, chat_id: ids.chat, text: `Сообщение ${i}` });
  srv.child.kill('SIGKILL');
  await srv.exited;
  // Acks already on the wire before the kill count too.
  for (const m of ws.messages.filter((x) => x.type === 'ack')) acked.set(m.client_id, { seq: m.seq, id: m.message.id });
  assert.ok(acked.size < STORM * 8, 'the kill came in the middle of the storm');

  restarted = spawnServer(['serve', '--db', srv.db, '--web', WEB, '--listen', '127.0.0.1:0', '--test-mode'],
    { env: { PARTA_SMS_GATEWAY: 'dev' } });
  const url = await restarted.ready;
  // Everything in the chat, oldest first.
  const all = [];
  for (let before = 0; ;) {
    const page = (await ok(call(url, 'GET', `/api/v1/messenger/chats/${ids.chat}/messages?limit=200${before ? `&before=${before}` : ''}`, undefined, ids.teacherToken))).messages;
    all.unshift(...page.reverse());
    if (page.length < 200) break;
    before = all[0].seq;
  }
  const byText = new Map();
  for (const m of all) byText.set(m.text, (byText.get(m.text) || 0) + 1);
  for (const [clientId, a] of acked) {
    const i = Number(clientId.slice(2));
    assert.equal(byText.get(`Сообщение ${i}`), 1, `${clientId} is there exactly once`);
    assert.ok(all.some((m) => m.id === a.id && m.seq === a.seq), `${clientId} kept its id and seq`);
  }
  assert.equal(all.length, byText.size, 'no message twice');
  assert.deepEqual(all.map((m) => m.seq), all.map((_, k) => k + 1), 'the sequence has no gap');

  // A client resuming from its last acknowledged sequence number gets the rest, in order, once.
  const last = Math.max(...[...acked.values()].map((a) => a.seq));
  const again = await wsOf(url, ids.teacherToken);
  again.send({ type: 'resume', chats: { [ids.chat]: last } });
  const missed = [];
  for (;;) {
    const m = await again.next((x) => x.type !== 'hello');
    if (m.type === 'resumed') break;
    if (m.seq !== undefined) missed.push(m.seq); // the chat's events (its mutes aside)
  }
  assert.deepEqual(missed, all.filter((m) => m.seq > last).map((m) => m.seq));
  // Retrying an acknowledged send after the restart does not add it again.
  const [firstId, first] = [...acked.entries()][0];
  again.send({ type: 'send', client_id: firstId, chat_id: ids.chat, text: 'повтор' });
  assert.equal((await again.next((m) => m.type === 'ack' && m.client_id === firstId)).message.id, first.id);
  again.close();
});
