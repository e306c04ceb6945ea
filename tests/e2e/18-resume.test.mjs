// What a reconnecting messenger client is told besides its chats' logged events (issue 6,
// docs/protocol.md «resume»): the membership it missed while offline — a stated chat that is
// no longer its (a transfer order, a deleted chat) comes back as chat.member false, a chat it
// joined meanwhile as chat.member true with its role, an unchanged chat with nothing — and the
// mutes that concern it as they hold now, whether they were set, lifted or ran out meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { TEACHER, STUDENT, call as callAt, ok, setupClass, wsOf as wsAt } from './lib/messenger.mjs';

let srv, ids;
const call = (method, path, body, token) => callAt(srv.url, method, path, body, token);
const wsOf = (token) => wsAt(srv.url, token);
const ack = (ws, id) => ws.next((m) => (m.type === 'ack' || m.type === 'error') && m.client_id === id);

// What a client holds: its chat list, each chat with the last sequence number seen.
const listed = async (token) => Object.fromEntries(
  (await ok(call('GET', '/api/v1/messenger/chats', undefined, token))).chats.map((c) => [c.id, c.last_seq]));

// Everything a resume brings, up to «resumed».
async function resumed(ws, chats) {
  ws.send({ type: 'resume', chats });
  const out = [];
  for (;;) {
    const m = await ws.next((x) => x.type !== 'hello');
    if (m.type === 'resumed') return out;
    out.push(m);
  }
}

const muted = (chat, person, everyone, mine) => [
  { type: 'chat.muted', chat_id: chat, person_id: 0, until: everyone },
  { type: 'chat.muted', chat_id: chat, person_id: person, until: mine },
];

before(async () => {
  srv = await startServer({ users: [TEACHER, STUDENT], env: { PARTA_SMS_GATEWAY: 'dev' } });
  ids = await setupClass(srv);
});
after(async () => { await srv.stop(); });

test('mutes set, lifted or run out while offline are told as they hold now, before the events', async () => {
  const t = await wsOf(ids.teacherToken);
  const seq = (await listed(ids.studentToken))[ids.chat];
  const mute = async (id, fields) => {
    t.send({ type: 'mute', client_id: id, chat_id: ids.chat, ...fields });
    assert.equal((await ack(t, id)).type, 'ack');
    return t.next((m) => m.type === 'chat.muted');
  };
  // The student is offline: the homeroom teacher forbids her to write for an hour, and
  // everyone for good.
  const hers = await mute('m-1', { person_id: ids.student, hours: 1 });
  assert.ok(hers.until > 0);
  await mute('m-2', { hours: 0 });
  let s = await wsOf(ids.studentToken);
  assert.deepEqual(await resumed(s, { [ids.chat]: seq }), muted(ids.chat, ids.student, -1, hers.until));
  s.close();

  // Offline again: both lifted, and a message meanwhile — the mutes come before the events.
  await mute('m-3', { person_id: ids.student, lift: true });
  await mute('m-4', { lift: true });
  t.send({ type: 'send', client_id: 'c-1', chat_id: ids.chat, text: 'Можно писать' });
  const sent = await ack(t, 'c-1');
  s = await wsOf(ids.studentToken);
  const back = await resumed(s, { [ids.chat]: seq });
  assert.deepEqual(back.slice(0, 2), muted(ids.chat, ids.student, 0, 0));
  assert.deepEqual(back.slice(2).map((m) => [m.type, m.seq]), [['message', sent.seq]]);
  // A chat held without its events (null): its state only, nothing replayed.
  assert.deepEqual(await resumed(s, { [ids.chat]: null }), muted(ids.chat, ids.student, 0, 0));
  s.close();

  // A mute that ran out while she was away is over.
  await mute('m-5', { person_id: ids.student, hours: 1 });
  await srv.advance(3601);
  s = await wsOf(ids.studentToken);
  assert.deepEqual(await resumed(s, { [ids.chat]: sent.seq }), muted(ids.chat, ids.student, 0, 0));
  s.close();
  t.close();
});

test('membership missed while offline: a chat left is told member false, a chat joined member true with its role, an unchanged one nothing', async () => {
  const student = await listed(ids.studentToken);
  const teacher = await listed(ids.teacherToken);
  assert.deepEqual(Object.keys(student).map(Number), [ids.chat]);
  // Both are offline: the student moves to 5Б; the teacher becomes 5Б's homeroom teacher too
  // (its class and parents chats, as their admin), keeping 5А.
  await ids.order('transfer', { person_id: ids.student, class_id: ids.other });
  await ids.order('homeroom', { person_id: ids.teacher, class_id: ids.other });
  const chats = (await ok(call('GET', `/api/v1/orgs/${ids.org}/chats`, undefined, ids.admin.body.token))).chats;
  const otherParents = chats.find((c) => c.name === '5Б - Родители').id;

  const s = await wsOf(ids.studentToken);
  assert.deepEqual(await resumed(s, student), [
    { type: 'chat.member', chat_id: ids.chat, member: false, admin: false },
    { type: 'chat.member', chat_id: ids.otherChat, member: true, admin: false },
  ]);
  // Told once: her list as it is now has nothing more to say about membership.
  const now = await listed(ids.studentToken);
  assert.deepEqual(Object.keys(now).map(Number), [ids.otherChat]);
  assert.deepEqual(await resumed(s, now), muted(ids.otherChat, ids.student, 0, 0));
  s.close();

  // The teacher's stated chats are all still his: no membership event for them, their mutes
  // only; the two new chats come first, with his admin role.
  const t = await wsOf(ids.teacherToken);
  const told = await resumed(t, teacher);
  assert.deepEqual(told.slice(0, 2), [ids.otherChat, otherParents].sort((a, b) => a - b)
    .map((id) => ({ type: 'chat.member', chat_id: id, member: true, admin: true })));
  assert.deepEqual(told.slice(2), Object.keys(teacher).flatMap((id) => muted(Number(id), ids.teacher, 0, 0)));

  t.close();

  // A chat deleted while he was away is no longer his either.
  const held = await listed(ids.teacherToken);
  await ok(call('DELETE', `/api/v1/orgs/${ids.org}/chats/${otherParents}`, undefined, ids.admin.body.token));
  const t2 = await wsOf(ids.teacherToken);
  assert.deepEqual((await resumed(t2, held)).filter((m) => m.type === 'chat.member'),
    [{ type: 'chat.member', chat_id: otherParents, member: false, admin: false }]);
  t2.close();
});
