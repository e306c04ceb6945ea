// Messages over the messenger's WebSocket (SPEC §6, first part): two linked profiles in a class
// chat send and receive live, a retried send lands once, own edits, deletion by the sender or a
// chat admin, history over REST, resume after a reconnect with exactly the missed events in
// order, members only, archived chats read-only, and a withdrawal closing the chat at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './lib/server.mjs';
import { TEACHER, STUDENT, call as callAt, ok, setupClass, wsOf as wsAt } from './lib/messenger.mjs';
import { connect } from './lib/ws.mjs';

let srv, admin, ids;
const call = (method, path, body, token) => callAt(srv.url, method, path, body, token);
const order = (kind, fields) => ids.order(kind, fields);
const wsOf = (token) => wsAt(srv.url, token);

before(async () => {
  srv = await startServer({ users: [TEACHER, STUDENT], env: { PARTA_SMS_GATEWAY: 'dev' } });
  ids = await setupClass(srv);
  admin = ids.admin;
});
after(async () => { await srv.stop(); });

test('send, receive live, a retried send lands once, history', async () => {
  const t = await wsOf(ids.teacherToken);
  const s = await wsOf(ids.studentToken);
  t.send({ type: 'send', client_id: 'c-1', chat_id: ids.chat, text: 'Доброе утро, 5А!' });
  const ack = await t.next((m) => m.type === 'ack' && m.client_id === 'c-1');
  assert.equal(ack.seq, 1);
  assert.equal(ack.message.text, 'Доброе утро, 5А!');
  assert.equal(ack.message.sender_name, 'Петров Пётр');
  const live = await s.next((m) => m.type === 'message');
  assert.deepEqual([live.chat_id, live.seq, live.message.id], [ids.chat, 1, ack.message.id]);
  // The same command again (a retry after a reconnect): the same message, no second one.
  t.send({ type: 'send', client_id: 'c-1', chat_id: ids.chat, text: 'Доброе утро, 5А!' });
  const again = await t.next((m) => m.type === 'ack' && m.client_id === 'c-1');
  assert.equal(again.message.id, ack.message.id);
  s.send({ type: 'send', client_id: 's-1', chat_id: ids.chat, text: 'Здравствуйте!', reply_to: ack.message.id });
  const reply = await s.next((m) => m.type === 'ack' && m.client_id === 's-1');
  assert.equal(reply.seq, 2);
  assert.equal(reply.message.reply_to, ack.message.id);
  const history = await ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/messages?limit=10`, undefined, ids.studentToken));
  assert.deepEqual(history.messages.map((m) => m.seq), [2, 1]);
  const older = await ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/messages?before=2`, undefined, ids.studentToken));
  assert.deepEqual(older.messages.map((m) => m.text), ['Доброе утро, 5А!']);
  // Bad input.
  t.send({ type: 'send', client_id: 'c-2', chat_id: ids.chat, text: '' });
  assert.equal((await t.next((m) => m.type === 'error' && m.client_id === 'c-2')).code, 'validation');
  t.send({ type: 'send', client_id: 'bad id!', chat_id: ids.chat, text: 'x' });
  assert.equal((await t.next((m) => m.type === 'error' && m.client_id === 'bad id!')).code, 'validation');
  t.send({ type: 'send', client_id: 'c-3', chat_id: ids.chat, text: 'x'.repeat(4097) });
  assert.equal((await t.next((m) => m.type === 'error' && m.client_id === 'c-3')).code, 'validation');
  t.close();
  s.close();
});

test('members only: another chat is not found; a journal session cannot send', async () => {
  const s = await wsOf(ids.studentToken);
  s.send({ type: 'send', client_id: 's-x', chat_id: ids.otherChat, text: 'Привет' });
  assert.equal((await s.next((m) => m.type === 'error' && m.client_id === 's-x')).code, 'not_found');
  const r = await call('GET', `/api/v1/messenger/chats/${ids.otherChat}/messages`, undefined, ids.studentToken);
  assert.equal(r.status, 404);
  s.close();
  const student = await login(srv.url, STUDENT.login, STUDENT.password);
  const journal = await connect(srv.url.replace('http:', 'ws:') + '/api/v1/ws', { headers: { authorization: `Bearer ${student.body.token}` } });
  await journal.next((m) => m.type === 'hello');
  journal.send({ type: 'send', client_id: 'j-1', chat_id: ids.chat, text: 'Привет' });
  assert.equal((await journal.next((m) => m.type === 'error')).code, 'unknown_type');
  journal.close();
  // A browser holding both faces' cookies opens the messenger's socket as the profile; the
  // journal's cookie alone does not open it.
  const wsUrl = srv.url.replace('http:', 'ws:') + '/api/v1/messenger/ws';
  const both = await connect(wsUrl, { headers: { origin: srv.url, cookie: `parta_session=${student.body.token}; parta_msession=${ids.studentToken}` } });
  assert.ok((await both.next((m) => m.type === 'hello')).profile_id > 0);
  both.close();
  const journalOnly = await connect(wsUrl, { headers: { origin: srv.url, cookie: `parta_session=${student.body.token}` } });
  assert.equal(journalOnly.status, 401);
});

test('reactions, read marks, unread counts and «кто прочитал»', async () => {
  const t = await wsOf(ids.teacherToken);
  const s = await wsOf(ids.studentToken);
  const chatOf = async (token) => (await ok(call('GET', '/api/v1/messenger/chats', undefined, token))).chats.find((c) => c.id === ids.chat);
  const before = await chatOf(ids.studentToken);
  assert.equal(before.unread, 1, 'the teacher\'s greeting is unread');
  assert.equal(before.last_message.text, 'Здравствуйте!');
  t.send({ type: 'send', client_id: 'c-r1', chat_id: ids.chat, text: 'Домашнее задание: §5' });
  const hw = await t.next((m) => m.type === 'ack' && m.client_id === 'c-r1');
  await s.next((m) => m.type === 'message' && m.message.id === hw.message.id);
  assert.equal((await chatOf(ids.studentToken)).unread, 2);
  assert.equal((await chatOf(ids.teacherToken)).unread, 1, 'one\'s own messages are not unread');
  // A reaction: everyone sees the counts; the same reaction again changes nothing.
  s.send({ type: 'react', client_id: 's-r1', message_id: hw.message.id, emoji: '👍' });
  const reacted = await s.next((m) => m.type === 'ack' && m.client_id === 's-r1');
  assert.deepEqual(reacted.message.reactions, { '👍': 1 });
  const seen = await t.next((m) => m.type === 'message.reacted');
  assert.equal(seen.message.id, hw.message.id);
  assert.deepEqual(seen.message.reactions, { '👍': 1 });
  s.send({ type: 'react', client_id: 's-r2', message_id: hw.message.id, emoji: '👍' });
  assert.equal((await s.next((m) => m.type === 'ack' && m.client_id === 's-r2')).seq, 0, 'nothing new');
  s.send({ type: 'react', client_id: 's-r3', message_id: hw.message.id, emoji: 'no spaces allowed' });
  assert.equal((await s.next((m) => m.type === 'error' && m.client_id === 's-r3')).code, 'validation');
  // Reading: the mark moves forward only; the others learn it.
  s.send({ type: 'read', chat_id: ids.chat, seq: hw.seq });
  const read = await t.next((m) => m.type === 'chat.read');
  assert.deepEqual([read.chat_id, read.seq], [ids.chat, hw.seq]);
  assert.equal((await chatOf(ids.studentToken)).unread, 0);
  s.send({ type: 'read', chat_id: ids.chat, seq: 1 });
  s.send({ type: 'read', chat_id: ids.chat, seq: 999 });
  assert.equal((await s.next((m) => m.type === 'error')).code, 'validation');
  assert.equal((await chatOf(ids.studentToken)).read_seq, hw.seq);
  const readers = await ok(call('GET', `/api/v1/messenger/messages/${hw.message.id}/readers`, undefined, ids.teacherToken));
  assert.deepEqual(readers.readers.map((r) => r.name), ['Иванова Тест']);
  assert.equal((await call('GET', '/api/v1/messenger/messages/999999/readers', undefined, ids.teacherToken)).status, 404);
  t.close();
  s.close();
});

test('moderation by the chat admin, forwarding, typing', async () => {
  const t = await wsOf(ids.teacherToken);
  const s = await wsOf(ids.studentToken);
  // The homeroom teacher (the chat's admin) forbids the student to write for an hour.
  t.send({ type: 'mute', client_id: 'm-1', chat_id: ids.chat, person_id: ids.student, hours: 1 });
  await t.next((m) => m.type === 'ack' && m.client_id === 'm-1');
  const muted = await s.next((m) => m.type === 'chat.muted');
  assert.equal(muted.person_id, ids.student);
  s.send({ type: 'send', client_id: 's-m1', chat_id: ids.chat, text: 'Можно сказать?' });
  const refused = await s.next((m) => m.type === 'error' && m.client_id === 's-m1');
  assert.equal(refused.code, 'forbidden');
  assert.match(refused.message, /запретил писать в этот чат: ещё 60 мин/);
  s.send({ type: 'mute', client_id: 's-m2', chat_id: ids.chat, hours: 24 });
  assert.equal((await s.next((m) => m.type === 'error' && m.client_id === 's-m2')).code, 'forbidden');
  t.send({ type: 'mute', client_id: 'm-2', chat_id: ids.chat, person_id: ids.student, hours: 5 });
  assert.equal((await t.next((m) => m.type === 'error' && m.client_id === 'm-2')).code, 'validation');
  await srv.advance(3601);
  s.send({ type: 'send', client_id: 's-m3', chat_id: ids.chat, text: 'Теперь можно' });
  await s.next((m) => m.type === 'ack' && m.client_id === 's-m3');
  // Everyone, for good: the admin still writes; lifted, the student writes again.
  t.send({ type: 'mute', client_id: 'm-3', chat_id: ids.chat, hours: 0 });
  await t.next((m) => m.type === 'ack' && m.client_id === 'm-3');
  s.send({ type: 'send', client_id: 's-m4', chat_id: ids.chat, text: 'А сейчас?' });
  assert.match((await s.next((m) => m.type === 'error' && m.client_id === 's-m4')).message, /запретил/);
  t.send({ type: 'send', client_id: 't-m4', chat_id: ids.chat, text: 'Объявление' });
  const notice = (await t.next((m) => m.type === 'ack' && m.client_id === 't-m4')).message;
  t.send({ type: 'mute', client_id: 'm-4', chat_id: ids.chat, lift: true });
  await t.next((m) => m.type === 'ack' && m.client_id === 'm-4');
  s.send({ type: 'send', client_id: 's-m5', chat_id: ids.chat, text: 'Спасибо' });
  await s.next((m) => m.type === 'ack' && m.client_id === 's-m5');
  // Forwarding: into the chats the sender is in; the others refuse one by one.
  t.send({ type: 'forward', client_id: 'f-1', message_id: notice.id, chat_ids: [ids.chat, ids.otherChat] });
  const fw = await t.next((m) => m.type === 'ack' && m.client_id === 'f-1');
  assert.equal(fw.forwarded[0].message.forwarded_from, notice.id);
  assert.equal(fw.forwarded[0].message.text, 'Объявление');
  assert.match(fw.forwarded[1].error, /Чат не найден/);
  t.send({ type: 'forward', client_id: 'f-1', message_id: notice.id, chat_ids: [ids.chat] });
  const again = await t.next((m) => m.type === 'ack' && m.client_id === 'f-1');
  assert.equal(again.forwarded[0].message.id, fw.forwarded[0].message.id, 'a retried forward lands once');
  t.send({ type: 'forward', client_id: 'f-2', message_id: notice.id, chat_ids: Array(13).fill(ids.chat) });
  assert.equal((await t.next((m) => m.type === 'error' && m.client_id === 'f-2')).code, 'validation');
  // «печатает…» reaches the others only.
  s.send({ type: 'typing', chat_id: ids.chat });
  const typing = await t.next((m) => m.type === 'typing');
  assert.equal(typing.chat_id, ids.chat);
  t.close();
  s.close();
});

test('members, search, pins, «важное», drafts', async () => {
  const t = await wsOf(ids.teacherToken);
  const members = (await ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/members`, undefined, ids.studentToken))).members;
  assert.deepEqual(members.map((m) => [m.name, m.admin, m.verified, m.pending]),
    [['Иванова Анна', false, false, false], ['Петров Пётр', true, true, false]]);
  t.send({ type: 'send', client_id: 'q-1', chat_id: ids.chat, text: 'Контрольная по ХИМИИ перенесена на ёлку' });
  const exam = (await t.next((m) => m.type === 'ack' && m.client_id === 'q-1')).message;
  const search = async (q, token = ids.studentToken) => call('GET', `/api/v1/messenger/chats/${ids.chat}/search?q=${encodeURIComponent(q)}`, undefined, token);
  assert.deepEqual((await ok(search('химии'))).messages.map((m) => m.id), [exam.id], 'case folded');
  assert.deepEqual((await ok(search('контр елк'))).messages.map((m) => m.id), [exam.id], 'prefixes, ё as е');
  assert.deepEqual((await ok(search('"OR" NEAR('))).messages, [], 'the words are never FTS syntax');
  assert.equal((await search('')).status, 422);
  assert.equal((await call('GET', `/api/v1/messenger/chats/${ids.otherChat}/search?q=a`, undefined, ids.studentToken)).status, 404);
  // Pins: the chat's admin pins, everyone sees; a student may not.
  t.send({ type: 'pin', client_id: 'p-1', message_id: exam.id });
  await t.next((m) => m.type === 'ack' && m.client_id === 'p-1');
  assert.equal((await t.next((m) => m.type === 'message.pinned')).message_id, exam.id);
  const s = await wsOf(ids.studentToken);
  s.send({ type: 'pin', client_id: 'p-2', message_id: exam.id, on: false });
  assert.equal((await s.next((m) => m.type === 'error' && m.client_id === 'p-2')).code, 'forbidden');
  assert.deepEqual((await ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/pins`, undefined, ids.studentToken))).pins.map((m) => m.id), [exam.id]);
  // «Важное» is one's own list.
  await ok(call('PUT', `/api/v1/messenger/messages/${exam.id}/important`, { on: true }, ids.studentToken));
  assert.deepEqual((await ok(call('GET', '/api/v1/messenger/important', undefined, ids.studentToken))).messages.map((m) => m.id), [exam.id]);
  assert.deepEqual((await ok(call('GET', '/api/v1/messenger/important', undefined, ids.teacherToken))).messages, []);
  assert.equal((await call('PUT', `/api/v1/messenger/messages/${exam.id}/important`, { on: 'yes' }, ids.studentToken)).status, 422);
  // A draft per chat per user.
  const d = await ok(call('PUT', `/api/v1/messenger/chats/${ids.chat}/draft`, { text: 'Черновик ответа' }, ids.studentToken));
  assert.equal(d.draft.text, 'Черновик ответа');
  assert.equal((await ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/draft`, undefined, ids.teacherToken))).draft.text, '');
  await ok(call('PUT', `/api/v1/messenger/chats/${ids.chat}/draft`, { text: '' }, ids.studentToken));
  assert.equal((await ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/draft`, undefined, ids.studentToken))).draft.text, '');
  t.close();
  s.close();
});

test('edit own within a day, delete own or as chat admin; resume brings exactly what was missed', async () => {
  const t = await wsOf(ids.teacherToken);
  const s = await wsOf(ids.studentToken);
  s.send({ type: 'send', client_id: 's-2', chat_id: ids.chat, text: 'Я забыла тетрадь' });
  const mine = (await s.next((m) => m.type === 'ack' && m.client_id === 's-2')).message;
  const seen = (await t.next((m) => m.type === 'message' && m.message.id === mine.id)).seq;
  t.close(); // the teacher goes offline…
  s.send({ type: 'edit', client_id: 's-3', message_id: mine.id, text: 'Я забыла тетрадь дома' });
  const edited = await s.next((m) => m.type === 'ack' && m.client_id === 's-3');
  assert.equal(edited.message.text, 'Я забыла тетрадь дома');
  assert.ok(edited.message.edited_at > 0);
  s.send({ type: 'send', client_id: 's-4', chat_id: ids.chat, text: 'Ой' });
  const oops = (await s.next((m) => m.type === 'ack' && m.client_id === 's-4')).message;
  s.send({ type: 'delete', client_id: 's-5', message_id: oops.id });
  const gone = await s.next((m) => m.type === 'ack' && m.client_id === 's-5');
  assert.equal(gone.message.deleted, true);
  assert.equal(gone.message.text, '');
  // Someone else's message: not hers to edit or delete.
  const first = (await ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/messages?before=2`, undefined, ids.studentToken))).messages[0];
  s.send({ type: 'edit', client_id: 's-6', message_id: first.id, text: 'Взлом' });
  assert.equal((await s.next((m) => m.type === 'error' && m.client_id === 's-6')).code, 'forbidden');
  s.send({ type: 'delete', client_id: 's-7', message_id: first.id });
  assert.equal((await s.next((m) => m.type === 'error' && m.client_id === 's-7')).code, 'forbidden');
  // …and comes back: resume from the last sequence number seen (his other chats held
  // without their events). Nothing changed in his membership or mutes: each chat's mutes as
  // they are, then the events missed.
  const held = (await ok(call('GET', '/api/v1/messenger/chats', undefined, ids.teacherToken))).chats.map((c) => c.id);
  const t2 = await wsOf(ids.teacherToken);
  t2.send({ type: 'resume', chats: { ...Object.fromEntries(held.map((id) => [id, null])), [ids.chat]: seen } });
  const told = [];
  for (;;) {
    const m = await t2.next((x) => x.type !== 'hello');
    if (m.type === 'resumed') break;
    told.push(m);
  }
  const missed = told.slice(2 * held.length);
  assert.deepEqual(told.slice(0, 2 * held.length).map((m) => [m.type, m.until]), held.flatMap(() => [['chat.muted', 0], ['chat.muted', 0]]));
  assert.deepEqual(missed.map((m) => [m.type, m.seq]), [['message.edited', seen + 1], ['message', seen + 2], ['message.deleted', seen + 3]]);
  assert.equal(missed[0].message.text, 'Я забыла тетрадь дома');
  assert.equal(missed[2].message.id, oops.id);
  // The homeroom teacher is the class chat's admin: may delete the student's message.
  t2.send({ type: 'delete', client_id: 't-9', message_id: mine.id });
  assert.equal((await t2.next((m) => m.type === 'ack' && m.client_id === 't-9')).message.deleted, true);
  // Past the day, one's own message can no longer be edited.
  t2.send({ type: 'send', client_id: 't-10', chat_id: ids.chat, text: 'Контрольная в пятницу' });
  const late = (await t2.next((m) => m.type === 'ack' && m.client_id === 't-10')).message;
  await srv.advance(24 * 3600);
  t2.send({ type: 'edit', client_id: 't-11', message_id: late.id, text: 'Контрольная в четверг' });
  assert.equal((await t2.next((m) => m.type === 'error' && m.client_id === 't-11')).code, 'forbidden');
  t2.close();
  s.close();
});

test('a withdrawal closes the chat for the student at once', async () => {
  // A day passed in the test before: everyone signs in again.
  ids.admin = admin = await login(srv.url);
  for (const [who, creds] of [['teacher', TEACHER], ['student', STUDENT]]) {
    const journal = await login(srv.url, creds.login, creds.password);
    ids[`${who}Token`] = (await ok(call('POST', '/api/v1/me/messenger', {}, journal.body.token))).token;
  }
  const t = await wsOf(ids.teacherToken);
  const s = await wsOf(ids.studentToken);
  await order('withdraw', { person_id: ids.student });
  const note = await s.next((m) => m.type === 'chat.member' && m.chat_id === ids.chat);
  assert.equal(note.member, false);
  t.send({ type: 'send', client_id: 't-20', chat_id: ids.chat, text: 'Кто здесь?' });
  await t.next((m) => m.type === 'ack' && m.client_id === 't-20');
  s.send({ type: 'send', client_id: 's-20', chat_id: ids.chat, text: 'Я ещё здесь' });
  assert.equal((await s.next((m) => m.type === 'error' && m.client_id === 's-20')).code, 'not_found');
  assert.equal(s.messages.filter((m) => m.type === 'message' && m.message.text === 'Кто здесь?').length, 0,
    'the removed member receives nothing more');
  // Archived chats are read-only: close the class.
  await order('class_close', { class_id: ids.class });
  t.send({ type: 'send', client_id: 't-21', chat_id: ids.chat, text: 'Архив?' });
  assert.equal((await t.next((m) => m.type === 'error' && m.client_id === 't-21')).code, 'conflict');
  t.close();
  s.close();
});
