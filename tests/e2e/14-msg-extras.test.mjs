// The messenger's extras (SPEC §6): messages that ask for a read confirmation (members only,
// one confirmation per profile, carried in the chat's event log so that a resuming client
// gets it; who confirmed and who not yet), pins in the log, «Избранное» (owner only, a copy
// that outlives the original and the owner's membership), the member list with mutes and the
// caller's own seat, and how far the others read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login } from './lib/server.mjs';
import { TEACHER, STUDENT, call as callAt, ok, setupClass, linkAndOpen, wsOf as wsAt } from './lib/messenger.mjs';

const PUPIL = { login: 'pupil', password: 'pupil-password', name: 'Ученик 5Б', role: 'student' };

let srv, ids;
const call = (method, path, body, token) => callAt(srv.url, method, path, body, token);
const wsOf = (token) => wsAt(srv.url, token);
const ack = (ws, id) => ws.next((m) => (m.type === 'ack' || m.type === 'error') && m.client_id === id);

// The chats' logged events a resume brings, up to «resumed» (the membership and mutes told
// before them: tests/e2e/18-resume.test.mjs).
async function resumed(ws, chats) {
  ws.send({ type: 'resume', chats });
  const out = [];
  for (;;) {
    const m = await ws.next((x) => x.type !== 'hello');
    if (m.type === 'resumed') return out;
    if (m.seq !== undefined) out.push(m);
  }
}

before(async () => {
  srv = await startServer({ users: [TEACHER, STUDENT, PUPIL], env: { PARTA_SMS_GATEWAY: 'dev' } });
  ids = await setupClass(srv);
  // A third profile, a pupil of 5Б: a member of another chat, not of 5А's.
  const base = `/api/v1/orgs/${ids.org}`;
  const person = (await ok(call('POST', `${base}/persons`, { surname: 'Сидоров', first_name: 'Иван' }, ids.admin.body.token), 201)).id;
  await ids.order('enrol', { person_id: person, class_id: ids.other });
  spawnSync('sqlite3', [srv.db, `UPDATE accounts SET person_id = ${person} WHERE login = 'pupil'`]);
  const pupil = await login(srv.url, PUPIL.login, PUPIL.password);
  ids.pupilToken = await linkAndOpen(srv.url, pupil.body.token, '+79990000003', 'Сидоров');
  const me = async (token) => (await ok(call('GET', '/api/v1/messenger/me', undefined, token))).profile.id;
  ids.teacherProfile = await me(ids.teacherToken);
  ids.studentProfile = await me(ids.studentToken);
});
after(async () => { await srv.stop(); });

test('a confirmation request: members only, one per profile, who confirmed and who not yet', async () => {
  const t = await wsOf(ids.teacherToken);
  const s = await wsOf(ids.studentToken);
  t.send({ type: 'send', client_id: 'c-1', chat_id: ids.chat, text: 'Собрание в четверг в 18:00', confirm: true });
  const sent = await ack(t, 'c-1');
  assert.equal(sent.type, 'ack');
  assert.equal(sent.message.confirm, true);
  assert.deepEqual(sent.message.confirmed_by, []);
  const live = await s.next((m) => m.type === 'message' && m.message.id === sent.message.id);
  assert.equal(live.message.confirm, true);
  const id = sent.message.id;

  let r = await ok(call('GET', `/api/v1/messenger/messages/${id}/readers`, undefined, ids.teacherToken));
  assert.equal(r.confirm, true);
  assert.deepEqual(r.confirmed, []);
  assert.deepEqual(r.unconfirmed.map((x) => x.name), ['Иванова Тест'], 'the sender is not asked');

  // A profile outside the chat may neither confirm nor look.
  const p = await wsOf(ids.pupilToken);
  p.send({ type: 'confirm', client_id: 'p-1', message_id: id });
  assert.equal((await ack(p, 'p-1')).code, 'not_found');
  assert.equal((await call('GET', `/api/v1/messenger/messages/${id}/readers`, undefined, ids.pupilToken)).status, 404);
  p.close();
  // The sender does not confirm her own; a message that asks for nothing is not confirmed.
  t.send({ type: 'confirm', client_id: 'c-2', message_id: id });
  const own = await ack(t, 'c-2');
  assert.equal(own.code, 'validation');
  assert.match(own.message, /Своё сообщение/);
  t.send({ type: 'send', client_id: 'c-3', chat_id: ids.chat, text: 'Просто так' });
  const plain = (await ack(t, 'c-3')).message;
  assert.equal(plain.confirm, false);
  s.send({ type: 'confirm', client_id: 's-0', message_id: plain.id });
  assert.equal((await ack(s, 's-0')).code, 'validation');

  // The student confirms; again (a retry, a second click) changes nothing.
  s.send({ type: 'confirm', client_id: 's-1', message_id: id });
  const done = await ack(s, 's-1');
  assert.equal(done.type, 'ack');
  assert.ok(done.seq > 0);
  assert.deepEqual(done.message.confirmed_by, [ids.studentProfile]);
  const seen = await t.next((m) => m.type === 'message.confirmed');
  assert.deepEqual([seen.chat_id, seen.seq, seen.profile_id, seen.message.id], [ids.chat, done.seq, ids.studentProfile, id]);
  s.send({ type: 'confirm', client_id: 's-1', message_id: id });
  assert.equal((await ack(s, 's-1')).seq, 0);
  s.send({ type: 'confirm', client_id: 's-2', message_id: id });
  const twice = await ack(s, 's-2');
  assert.equal(twice.seq, 0, 'applied once');
  assert.deepEqual(twice.message.confirmed_by, [ids.studentProfile]);
  // A marker after the repeats: the teacher got exactly one confirmation event before it.
  s.send({ type: 'send', client_id: 's-3', chat_id: ids.chat, text: 'Приду' });
  const marker = (await ack(s, 's-3')).message;
  const between = [];
  for (;;) {
    const m = await t.next(() => true);
    if (m.type === 'message' && m.message.id === marker.id) break;
    between.push(m.type);
  }
  assert.deepEqual(between.filter((x) => x === 'message.confirmed'), []);

  r = await ok(call('GET', `/api/v1/messenger/messages/${id}/readers`, undefined, ids.teacherToken));
  assert.deepEqual(r.confirmed.map((x) => [x.profile_id, x.name]), [[ids.studentProfile, 'Иванова Тест']]);
  assert.ok(r.confirmed[0].at > 0);
  assert.deepEqual(r.unconfirmed, []);
  t.close();
  s.close();
});

test('resume after a reconnect delivers a confirmation and a pin, in order', async () => {
  const t = await wsOf(ids.teacherToken);
  t.send({ type: 'send', client_id: 'r-1', chat_id: ids.chat, text: 'Прочитайте правила', confirm: true });
  const rules = await ack(t, 'r-1');
  t.close(); // the teacher goes offline…
  const s = await wsOf(ids.studentToken);
  s.send({ type: 'confirm', client_id: 'r-2', message_id: rules.message.id });
  const confirmed = await ack(s, 'r-2');
  s.close();
  const t2 = await wsOf(ids.teacherToken);
  t2.send({ type: 'pin', client_id: 'r-3', message_id: rules.message.id });
  await ack(t2, 'r-3');
  const pinned = await t2.next((m) => m.type === 'message.pinned');
  assert.equal(pinned.seq, confirmed.seq + 1);
  assert.equal(pinned.pinned, true);
  // …and another connection resumes from the send: the confirmation, then the pin.
  const t3 = await wsOf(ids.teacherToken);
  const missed = await resumed(t3, { [ids.chat]: rules.seq });
  assert.deepEqual(missed.map((m) => [m.type, m.seq]), [['message.confirmed', confirmed.seq], ['message.pinned', pinned.seq]]);
  assert.equal(missed[0].profile_id, ids.studentProfile);
  assert.deepEqual(missed[0].message.confirmed_by, [ids.studentProfile]);
  assert.deepEqual([missed[1].message_id, missed[1].pinned], [rules.message.id, true]);
  t2.send({ type: 'pin', client_id: 'r-4', message_id: rules.message.id, on: false });
  await ack(t2, 'r-4');
  await t3.next((m) => m.type === 'message.pinned' && m.pinned === false); // live, being online
  const again = await resumed(t3, { [ids.chat]: pinned.seq });
  assert.deepEqual(again.map((m) => [m.type, m.pinned]), [['message.pinned', false]]);
  t2.close();
  t3.close();
});

test('members: mutes and one\'s own seat; history says how far the others read', async () => {
  const list = async (token) => ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/members`, undefined, token));
  let t = await list(ids.teacherToken);
  assert.deepEqual(t.me, { person_id: ids.teacher, admin: true });
  assert.deepEqual((await list(ids.studentToken)).me, { person_id: ids.student, admin: false });
  assert.equal(t.muted_until, 0);
  const ws = await wsOf(ids.teacherToken);
  ws.send({ type: 'mute', client_id: 'm-1', chat_id: ids.chat, person_id: ids.student, hours: 8 });
  await ack(ws, 'm-1');
  ws.send({ type: 'mute', client_id: 'm-2', chat_id: ids.chat, hours: 0 });
  await ack(ws, 'm-2');
  ws.send({ type: 'mute', client_id: 'm-3', chat_id: ids.chat, person_id: 999999, hours: 1 });
  assert.equal((await ack(ws, 'm-3')).code, 'validation', 'only a member is muted');
  t = await list(ids.teacherToken);
  assert.equal(t.muted_until, -1);
  const student = t.members.find((m) => m.person_id === ids.student);
  assert.ok(student.muted_until > 0);
  assert.equal(t.members.find((m) => m.person_id === ids.teacher).muted_until, 0);
  await srv.advance(8 * 3600);
  t = await list(ids.teacherToken);
  assert.equal(t.members.find((m) => m.person_id === ids.student).muted_until, 0, 'over');
  ws.send({ type: 'mute', client_id: 'm-4', chat_id: ids.chat, lift: true });
  await ack(ws, 'm-4');
  assert.equal((await list(ids.teacherToken)).muted_until, 0);

  ws.send({ type: 'send', client_id: 'h-1', chat_id: ids.chat, text: 'Кто прочитает?' });
  const q = await ack(ws, 'h-1');
  const history = async () => ok(call('GET', `/api/v1/messenger/chats/${ids.chat}/messages?limit=1`, undefined, ids.teacherToken));
  assert.ok((await history()).others_read < q.seq);
  const s = await wsOf(ids.studentToken);
  s.send({ type: 'read', chat_id: ids.chat, seq: q.seq });
  await ws.next((m) => m.type === 'chat.read' && m.seq === q.seq);
  assert.equal((await history()).others_read, q.seq);
  ws.close();
  s.close();
});

test('«Избранное»: copies and notes, paged, owner only, kept after the original is deleted', async () => {
  const t = await wsOf(ids.teacherToken);
  const s = await wsOf(ids.studentToken);
  t.send({ type: 'send', client_id: 'f-1', chat_id: ids.chat, text: 'Ссылка на учебник: example.org/book' });
  const original = (await ack(t, 'f-1')).message;
  const saved = await ok(call('POST', '/api/v1/messenger/saved', { message_id: original.id }, ids.studentToken), 201);
  const entry = saved.entry;
  assert.equal(entry.text, original.text);
  assert.deepEqual(entry.origin, {
    message_id: original.id, chat_id: ids.chat, chat_name: '5А - Ученики',
    sender_name: 'Петров Пётр', created_at: original.created_at,
  });
  assert.equal((await s.next((m) => m.type === 'saved')).entry.id, entry.id, 'the owner\'s other tabs learn it');
  const repeat = await ok(call('POST', '/api/v1/messenger/saved', { message_id: original.id }, ids.studentToken));
  assert.equal(repeat.entry.id, entry.id, 'saved once');
  const note = (await ok(call('POST', '/api/v1/messenger/saved', { text: 'Купить тетрадь в клетку' }, ids.studentToken), 201)).entry;
  assert.equal(note.origin, null);

  // Paged, newest first.
  const page1 = (await ok(call('GET', '/api/v1/messenger/saved?limit=1', undefined, ids.studentToken))).saved;
  assert.deepEqual(page1.map((e) => e.id), [note.id]);
  const page2 = (await ok(call('GET', `/api/v1/messenger/saved?limit=1&before=${note.id}`, undefined, ids.studentToken))).saved;
  assert.deepEqual(page2.map((e) => e.id), [entry.id]);
  assert.equal((await call('GET', '/api/v1/messenger/saved?limit=0', undefined, ids.studentToken)).status, 422);
  assert.equal((await call('GET', '/api/v1/messenger/saved?before=x', undefined, ids.studentToken)).status, 422);

  // Nobody else sees or deletes it: another profile gets 404, as for nothing at all.
  for (const token of [ids.teacherToken, ids.pupilToken]) {
    assert.equal((await call('GET', `/api/v1/messenger/saved/${entry.id}`, undefined, token)).status, 404);
    assert.equal((await call('DELETE', `/api/v1/messenger/saved/${entry.id}`, undefined, token)).status, 404);
    assert.deepEqual((await ok(call('GET', '/api/v1/messenger/saved', undefined, token))).saved, []);
  }
  assert.equal((await call('GET', '/api/v1/messenger/saved/999999', undefined, ids.studentToken)).status, 404);

  // Only what one may read is saved; bad bodies are refused.
  t.send({ type: 'send', client_id: 'f-2', chat_id: ids.chat, text: 'Не для 5Б' });
  const foreign = (await ack(t, 'f-2')).message;
  const refused = await call('POST', '/api/v1/messenger/saved', { message_id: foreign.id }, ids.pupilToken);
  assert.equal(refused.status, 404);
  assert.match(refused.body.error.message, /не найдено/);
  for (const body of [{}, { text: '' }, { message_id: original.id, text: 'и то и другое' }, { message_id: 'один' }, { text: 'x'.repeat(4097) }]) {
    const r = await call('POST', '/api/v1/messenger/saved', body, ids.studentToken);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.ok(r.body.error.message.length > 0);
  }

  // The original is deleted «для всех»: the copy stays.
  t.send({ type: 'delete', client_id: 'f-3', message_id: original.id });
  assert.equal((await ack(t, 'f-3')).message.deleted, true);
  const kept = (await ok(call('GET', `/api/v1/messenger/saved/${entry.id}`, undefined, ids.studentToken))).entry;
  assert.equal(kept.text, 'Ссылка на учебник: example.org/book');
  assert.equal(kept.origin.message_id, original.id);
  const gone = await call('POST', '/api/v1/messenger/saved', { message_id: original.id, text: undefined }, ids.studentToken);
  assert.equal(gone.status, 200, 'already saved: the existing entry');
  s.send({ type: 'send', client_id: 'f-4', chat_id: ids.chat, text: 'Удалю сейчас' });
  const mine = (await ack(s, 'f-4')).message;
  s.send({ type: 'delete', client_id: 'f-5', message_id: mine.id });
  await ack(s, 'f-5');
  assert.equal((await call('POST', '/api/v1/messenger/saved', { message_id: mine.id }, ids.studentToken)).status, 404, 'a deleted message is not saved');

  // Deleting an entry: once; then it is gone.
  await ok(call('DELETE', `/api/v1/messenger/saved/${note.id}`, undefined, ids.studentToken));
  assert.equal((await s.next((m) => m.type === 'saved.deleted')).id, note.id);
  assert.equal((await call('DELETE', `/api/v1/messenger/saved/${note.id}`, undefined, ids.studentToken)).status, 404);
  t.close();
  s.close();
});

test('«Избранное» stays readable after its owner leaves the chat', async () => {
  const list = async () => (await ok(call('GET', '/api/v1/messenger/saved', undefined, ids.studentToken))).saved;
  const before = await list();
  assert.ok(before.length > 0);
  await ids.order('withdraw', { person_id: ids.student });
  assert.equal((await call('GET', `/api/v1/messenger/chats/${ids.chat}/messages`, undefined, ids.studentToken)).status, 404);
  const after = await list();
  assert.deepEqual(after, before);
  assert.equal((await ok(call('GET', `/api/v1/messenger/saved/${after[0].id}`, undefined, ids.studentToken))).entry.text,
    'Ссылка на учебник: example.org/book');
});

test('a chat deleted in «Управление чатами» leaves the messenger with its whole history', async () => {
  const count = (table) => Number(spawnSync('sqlite3', [srv.db, `SELECT count(*) FROM ${table} WHERE chat_id = ${ids.chat}`],
    { encoding: 'utf8' }).stdout.trim());
  assert.ok(count('messages') > 0 && count('chat_log') > 0, 'the chat has a history to lose');
  const inList = async () => (await ok(call('GET', '/api/v1/messenger/chats', undefined, ids.teacherToken)))
    .chats.some((c) => c.id === ids.chat); // the student left the class above: the teacher looks
  assert.equal(await inList(), true);
  await ok(call('DELETE', `/api/v1/orgs/${ids.org}/chats/${ids.chat}`, undefined, ids.admin.body.token));
  assert.equal(await inList(), false);
  assert.equal((await call('GET', `/api/v1/messenger/chats/${ids.chat}/messages?limit=10`, undefined, ids.teacherToken)).status, 404);
  assert.deepEqual([count('messages'), count('chat_log'), count('chat_reads')], [0, 0, 0]);
});
