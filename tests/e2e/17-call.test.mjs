// Inside a conference's call (app/call.h): presence and the attendance it leaves (stays, a
// stale stay ending when last seen), signals to every member (hand, reactions, the chat of
// the call) with their validation, moderators muting through a real Janus, the participant
// list, and who may see what (members only, another organisation 404, no session 401). The
// conferences are rows written straight into the database, so that these rules are tested
// apart from how conferences are made; the clock moves through the test-mode endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, addUser, runParta } from './lib/server.mjs';
import { ok } from './lib/messenger.mjs';
import { connect } from './lib/ws.mjs';
import { startJanus } from './lib/janus.mjs';

const TEACHER = { login: 'teacher', password: 'teacher-password', name: 'Петров Пётр Ильич', role: 'staff' };
const STUDENT = { login: 'student', password: 'student-password', name: 'Иванова Анна', role: 'student' };
const OUTSIDER = { login: 'outsider', password: 'outsider-password', name: 'Сидоров Иван', role: 'staff' };
const STRANGER = { login: 'stranger', password: 'stranger-password', name: 'Чужой', role: 'admin', org: 'Другая школа' };

let srv, janus, ids, now;
const sqlite = (sql) => {
  const r = spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
};
// A JSON call with a bearer session; {status, body} (body null for 204).
async function call(method, path, body, who) {
  const r = await fetch(srv.url + path, {
    method,
    headers: { authorization: `Bearer ${who.body.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}
const base = (conf, org = ids.org) => `/api/v1/orgs/${org}/conferences/${conf}`;
let nextRoom = 700000 + (process.pid % 1000) * 100;

// A conference of the organisation with its members [[person, role, moderator]].
function conference({ state = 'active', starts = now - 60, ends = now + 3600, ready = 0, room = ++nextRoom, members }) {
  const id = Number(sqlite(`INSERT INTO conferences(org_id, kind, name, starts_at, ends_at, state, room, room_secret,
    room_pin, room_ready, created_at) VALUES (${ids.org}, 'call', 'Родительское собрание', ${starts}, ${ends}, '${state}',
    ${room}, 'secret-${room}', '${room % 10000}', ${ready}, ${now}); SELECT last_insert_rowid();`));
  for (const [person, role, moderator] of members) {
    sqlite(`INSERT INTO conference_members VALUES (${id}, ${person}, '${role}', ${moderator ? 1 : 0})`);
  }
  return { id, room, secret: `secret-${room}` };
}

async function wsOf(who) {
  const ws = await connect(srv.url.replace('http:', 'ws:') + '/api/v1/ws', { headers: { authorization: `Bearer ${who.body.token}` } });
  if (ws.refused) throw new Error(`websocket refused: ${ws.status}`);
  await ws.next((m) => m.type === 'hello');
  return ws;
}

before(async () => {
  janus = startJanus();
  srv = await startServer({ users: [TEACHER, STUDENT, OUTSIDER], env: janus.env });
  addUser(srv.db, STRANGER);
  ids = { admin: await login(srv.url) };
  ids.org = ids.admin.body.account.org.id;
  const person = async (surname, first_name, patronymic = '') =>
    (await ok(call('POST', `/api/v1/orgs/${ids.org}/persons`, { surname, first_name, patronymic }, ids.admin), 201)).id;
  ids.teacherPerson = await person('Петров', 'Пётр', 'Ильич');
  ids.studentPerson = await person('Иванова', 'Анна');
  ids.absentPerson = await person('Алексеев', 'Борис', 'Олегович');
  ids.outsiderPerson = await person('Сидоров', 'Иван');
  for (const [loginName, p] of [['teacher', ids.teacherPerson], ['student', ids.studentPerson], ['outsider', ids.outsiderPerson]]) {
    sqlite(`UPDATE accounts SET person_id = ${p} WHERE login = '${loginName}'`);
  }
  ids.teacher = await login(srv.url, TEACHER.login, TEACHER.password);
  ids.student = await login(srv.url, STUDENT.login, STUDENT.password);
  ids.outsider = await login(srv.url, OUTSIDER.login, OUTSIDER.password);
  ids.stranger = await login(srv.url, STRANGER.login, STRANGER.password);
  now = await srv.advance(0);
  ids.members = [[ids.teacherPerson, 'staff', true], [ids.studentPerson, 'student', false], [ids.absentPerson, 'student', false]];
});

after(async () => {
  await srv?.stop();
  janus?.stop();
});

test('a bad [media] configuration stops serve with the reason', () => {
  for (const [env, reason] of [
    [{ PARTA_MEDIA_ADMIN_URL: 'ftp://127.0.0.1/admin', PARTA_MEDIA_ADMIN_SECRET: 's', PARTA_MEDIA_PUBLIC_URL: 'http://x/janus' }, /admin_url/],
    [{ PARTA_MEDIA_ADMIN_URL: 'http://127.0.0.1:1/admin', PARTA_MEDIA_PUBLIC_URL: 'http://x/janus' }, /admin_secret/],
    [{ PARTA_MEDIA_ADMIN_URL: 'http://127.0.0.1:1/admin', PARTA_MEDIA_ADMIN_SECRET: 's' }, /public_url/],
  ]) {
    const r = runParta(['serve', '--db', `${srv.dir}/unused.db`, '--listen', '127.0.0.1:0'], { env });
    assert.equal(r.status, 1);
    assert.match(r.stderr, reason);
  }
});

test('who may call: members; others 403, another organisation and unknown conferences 404, no session 401', async () => {
  const c = conference({ members: ids.members });
  const list = await ok(call('GET', `${base(c.id)}/participants`, undefined, ids.student));
  assert.deepEqual(list.participants.map((p) => [p.name, p.role, p.moderator, p.online, p.feed]), [
    ['Алексеев Борис Олегович', 'student', false, false, null],
    ['Иванова Анна', 'student', false, false, null],
    ['Петров Пётр Ильич', 'staff', true, false, null],
  ]);
  for (const [method, path, body] of [
    ['GET', 'participants'], ['POST', 'presence', { in: true }], ['POST', 'signal', { kind: 'hand', value: 'up' }],
    ['GET', 'attendance'], ['POST', 'moderate', { person_id: ids.studentPerson, mid: '0', mute: true }]]) {
    const r = await call(method, `${base(c.id)}/${path}`, body, ids.outsider);
    assert.equal(r.status, 403, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'forbidden');
    // The other organisation's administrator: its own org id does not name this conference,
    // and ours is not its organisation.
    assert.equal((await call(method, `${base(c.id, ids.stranger.body.account.org.id)}/${path}`, body, ids.stranger)).status, 404);
    assert.equal((await call(method, `${base(c.id)}/${path}`, body, ids.stranger)).status, 404);
    assert.equal((await call(method, `${base(999999)}/${path}`, body, ids.teacher)).status, 404);
    const anon = await fetch(srv.url + `${base(c.id)}/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    assert.equal(anon.status, 401);
  }
  // The organisation's administrator reads the attendance without being a member.
  await ok(call('GET', `${base(c.id)}/attendance`, undefined, ids.admin));
});

test('presence opens, refreshes and closes stays; a stale stay ends when last seen; attendance sums them', async () => {
  now = await srv.advance(0);
  const c = conference({ members: ids.members });
  const t = await wsOf(ids.teacher);
  const presence = (who, inCall) => call('POST', `${base(c.id)}/presence`, { in: inCall }, who);

  assert.equal((await presence(ids.student, true)).status, 204);
  const came = await t.next((m) => m.type === 'conf.presence');
  assert.deepEqual(came, { type: 'conf.presence', conference_id: c.id, person_id: ids.studentPerson, online: true });
  let list = await ok(call('GET', `${base(c.id)}/participants`, undefined, ids.teacher));
  assert.equal(list.participants.find((p) => p.person_id === ids.studentPerson).online, true);

  await srv.advance(30);
  assert.equal((await presence(ids.student, true)).status, 204); // the page's heartbeat
  await srv.advance(30);
  assert.equal((await presence(ids.student, true)).status, 204);
  await srv.advance(30);
  assert.equal((await presence(ids.student, false)).status, 204); // «Выйти»: a stay of 90 s
  const left = await t.next((m) => m.type === 'conf.presence');
  assert.equal(left.online, false);
  assert.equal((await presence(ids.student, false)).status, 204); // nothing open: still fine

  await srv.advance(10);
  assert.equal((await presence(ids.student, true)).status, 204); // back, then the laptop sleeps
  await srv.advance(200);
  list = await ok(call('GET', `${base(c.id)}/participants`, undefined, ids.teacher));
  assert.equal(list.participants.find((p) => p.person_id === ids.studentPerson).online, false, 'stale: not online');
  assert.equal((await presence(ids.student, true)).status, 204); // awake: a new stay
  assert.equal((await presence(ids.teacher, true)).status, 204);
  await srv.advance(30);
  assert.equal((await presence(ids.teacher, true)).status, 204);
  await srv.advance(30);
  assert.equal((await presence(ids.student, false)).status, 204); // 60 s

  const { attendance } = await ok(call('GET', `${base(c.id)}/attendance`, undefined, ids.teacher));
  assert.deepEqual(attendance.map((a) => a.name), ['Алексеев Борис Олегович', 'Иванова Анна', 'Петров Пётр Ильич']);
  const [absent, student, teacher] = attendance;
  assert.deepEqual(absent, { person_id: ids.absentPerson, name: 'Алексеев Борис Олегович', role: 'student', first_joined_at: null, last_left_at: null, seconds: 0, stays: 0 });
  assert.equal(student.seconds, 90 + 0 + 60);
  assert.equal(student.stays, 3);
  assert.equal(student.first_joined_at, now);
  assert.equal(student.last_left_at, now + 90 + 10 + 200 + 60);
  assert.equal(teacher.seconds, 60, 'in the call now: counted up to now');
  assert.equal(teacher.last_left_at, null);
  // Students do not read the attendance.
  assert.equal((await call('GET', `${base(c.id)}/attendance`, undefined, ids.student)).status, 403);
  t.close();
});

test('presence is refused before the start and after the end; leaving is always possible', async () => {
  now = await srv.advance(0);
  const planned = conference({ state: 'planned', starts: now + 600, members: ids.members });
  let r = await call('POST', `${base(planned.id)}/presence`, { in: true }, ids.student);
  assert.equal(r.status, 409);
  assert.deepEqual(r.body.error, { code: 'not_started', message: 'Дистанционный урок еще не начался' });
  const finished = conference({ state: 'finished', starts: now - 7200, ends: now - 3600, members: ids.members });
  r = await call('POST', `${base(finished.id)}/presence`, { in: true }, ids.student);
  assert.equal(r.status, 409);
  assert.deepEqual(r.body.error, { code: 'finished', message: 'Звонок завершен' });
  assert.equal((await call('POST', `${base(finished.id)}/presence`, { in: false }, ids.student)).status, 204);
  // Past its end but not yet finished by the scheduler: over all the same.
  const over = conference({ ends: now, members: ids.members });
  assert.equal((await call('POST', `${base(over.id)}/presence`, { in: true }, ids.student)).status, 409);
  for (const body of [{}, { in: 'yes' }, { in: 1 }]) {
    r = await call('POST', `${base(planned.id)}/presence`, body, ids.student);
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'validation');
  }
});

test('signals reach every member with the sender\'s name; bad values are refused', async () => {
  now = await srv.advance(0);
  const c = conference({ members: ids.members });
  const t = await wsOf(ids.teacher);
  const s = await wsOf(ids.student);
  const signal = (body, who = ids.student) => call('POST', `${base(c.id)}/signal`, body, who);

  assert.equal((await signal({ kind: 'hand', value: 'up' })).status, 204);
  for (const ws of [t, s]) {
    const m = await ws.next((x) => x.type === 'conf.signal');
    assert.deepEqual(m, { type: 'conf.signal', conference_id: c.id, person_id: ids.studentPerson, name: 'Иванова Анна', kind: 'hand', value: 'up', at: now });
  }
  assert.equal((await signal({ kind: 'reaction', value: '👏' }, ids.teacher)).status, 204);
  assert.equal((await s.next((x) => x.type === 'conf.signal')).value, '👏');
  const text = 'Можно вопрос по задаче 3?\nСпасибо';
  assert.equal((await signal({ kind: 'chat', value: text })).status, 204);
  assert.equal((await t.next((x) => x.type === 'conf.signal' && x.kind === 'chat')).value, text);
  assert.equal((await signal({ kind: 'chat', value: 'я'.repeat(2000) })).status, 204);

  for (const body of [
    {}, { kind: 'hand' }, { kind: 'hand', value: 'left' }, { kind: 'reaction', value: '💩' }, { kind: 'reaction', value: '' },
    { kind: 'chat', value: '' }, { kind: 'chat', value: '   \n' }, { kind: 'chat', value: 'я'.repeat(2001) },
    { kind: 'chat', value: 'звонок\u0001' }, { kind: 'chat', value: 5 }, { kind: 'wave', value: 'up' }]) {
    const r = await signal(body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.body.error.code, 'validation');
  }
  // A body that is not JSON, or not an object.
  const raw = await fetch(srv.url + `${base(c.id)}/signal`, {
    method: 'POST', headers: { authorization: `Bearer ${ids.student.body.token}`, 'content-type': 'application/json' }, body: '[1',
  });
  assert.equal(raw.status, 400);
  const planned = conference({ state: 'planned', starts: now + 600, members: ids.members });
  assert.equal((await call('POST', `${base(planned.id)}/signal`, { kind: 'hand', value: 'up' }, ids.student)).status, 409);
  t.close();
  s.close();
});

test('moderators mute a participant through Janus; others may not', async () => {
  now = await srv.advance(0);
  const c = conference({ members: ids.members, ready: 1 });
  await janus.admin({ request: 'create', room: c.room, secret: c.secret, pin: '1', allowed: [], is_private: true });
  const moderate = (body, who = ids.teacher) => call('POST', `${base(c.id)}/moderate`, body, who);
  const mute = { person_id: ids.studentPerson, mid: '0', mute: true };

  let r = await moderate(mute, ids.student);
  assert.equal(r.status, 403);
  for (const body of [{ ...mute, mid: '' }, { ...mute, mid: 'a b' }, { ...mute, mid: 'x'.repeat(17) }, { ...mute, mute: 'yes' }, { mid: '0', mute: true }]) {
    r = await moderate(body);
    assert.equal(r.status, 422, JSON.stringify(body));
  }
  r = await moderate({ ...mute, person_id: ids.outsiderPerson });
  assert.equal(r.status, 404);
  r = await moderate(mute);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'not_joined');
  // A grant, as joining hands it out; the student is not in the room, and Janus says so.
  sqlite(`INSERT INTO conference_grants(token, conference_id, person_id, feed, created_at, expires_at) VALUES ('tok-${c.id}', ${c.id}, ${ids.studentPerson}, 4242, ${now}, ${now + 60})`);
  r = await moderate(mute);
  assert.equal(r.status, 409);
  assert.deepEqual(r.body.error, { code: 'not_in_call', message: 'Участник сейчас не в звонке' });
  const list = await ok(call('GET', `${base(c.id)}/participants`, undefined, ids.teacher));
  assert.equal(list.participants.find((p) => p.person_id === ids.studentPerson).feed, 4242);

  ids.moderated = { c, mute };
});

test('the scheduler\'s end closes the open stays at the conference\'s end', async () => {
  now = await srv.advance(0);
  const c = conference({ ends: now + 60, members: ids.members });
  const presence = (who) => call('POST', `${base(c.id)}/presence`, { in: true }, who);
  assert.equal((await presence(ids.student)).status, 204);
  assert.equal((await presence(ids.teacher)).status, 204);
  await srv.advance(30);
  assert.equal((await presence(ids.teacher)).status, 204);
  await srv.advance(40); // 10 s past the end: the next tick finishes it
  const deadline = Date.now() + 10_000;
  while (sqlite(`SELECT state FROM conferences WHERE id = ${c.id}`) !== 'finished') {
    assert.ok(Date.now() < deadline, 'the scheduler finished the conference');
    await new Promise((r) => setTimeout(r, 20));
  }
  // Both stays end at the conference's end, not when the scheduler noticed.
  assert.equal(sqlite(`SELECT group_concat(left_at - ${now}) FROM conference_attendance WHERE conference_id = ${c.id}`), '60,60');
  const { attendance } = await ok(call('GET', `${base(c.id)}/attendance`, undefined, ids.teacher));
  assert.deepEqual(attendance.map((a) => [a.name, a.seconds, a.last_left_at]), [
    ['Алексеев Борис Олегович', 0, null],
    ['Иванова Анна', 60, now + 60],
    ['Петров Пётр Ильич', 60, now + 60],
  ]);
  // Finished: no more coming in, signals refused.
  assert.equal((await presence(ids.student)).status, 409);
  assert.equal((await call('POST', `${base(c.id)}/signal`, { kind: 'hand', value: 'up' }, ids.student)).status, 409);
});

// Joins Janus's VideoRoom through its public API as a browser would (without media);
// resolves with the plugin's answer to the join.
async function janusJoin({ room, pin, token, feed }) {
  let n = 0;
  const post = async (path, body) => (await fetch(janus.publicUrl + path, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ transaction: `j${++n}`, ...body }),
  })).json();
  const session = (await post('', { janus: 'create' })).data.id;
  try {
    const handle = (await post(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
    await post(`/${session}/${handle}`, { janus: 'message', body: { request: 'join', ptype: 'publisher', room, pin, token, id: feed, display: 'Тест' } });
    for (let i = 0; i < 20; i++) {
      const events = await (await fetch(`${janus.publicUrl}/${session}?maxev=5`)).json();
      for (const e of [].concat(events)) if (e.plugindata) return e.plugindata.data;
    }
    throw new Error('no answer to the join');
  } finally {
    await post(`/${session}`, { janus: 'destroy' });
  }
}

test('the scheduler makes the room; a grant lets its holder in, and once expired lets nobody in', async () => {
  now = await srv.advance(0);
  const c = conference({ state: 'planned', starts: now + 60, ends: now + 3600, members: ids.members });
  assert.equal((await call('POST', `${base(c.id)}/join`, undefined, ids.student)).body.error.code, 'not_started');
  await srv.advance(60);
  const deadline = Date.now() + 10_000;
  while (sqlite(`SELECT room_ready FROM conferences WHERE id = ${c.id}`) !== '1') {
    assert.ok(Date.now() < deadline, 'the room was made');
    await new Promise((r) => setTimeout(r, 20));
  }
  const grant = await ok(call('POST', `${base(c.id)}/join`, undefined, ids.student));
  assert.equal(grant.room, c.room);
  assert.equal(grant.janus_url, janus.publicUrl);
  assert.equal(grant.display, 'Иванова Анна');
  assert.equal(grant.moderator, false);
  assert.equal((await janusJoin({ ...grant, token: 'forged' })).error_code, 433); // unauthorized
  assert.equal((await janusJoin(grant)).videoroom, 'joined');
  // Two minutes on, the token is off the room's allowed list: the same grant no longer opens it.
  await srv.advance(121);
  while (sqlite(`SELECT revoked FROM conference_grants WHERE token = '${grant.token}'`) !== '1') {
    assert.ok(Date.now() < deadline + 10_000, 'the grant was revoked');
    await new Promise((r) => setTimeout(r, 20));
  }
  let answer;
  for (let i = 0; i < 100; i++) { // the revocation reaches Janus from a worker
    answer = await janusJoin({ ...grant, feed: grant.feed + 1 });
    if (answer.error_code) break;
  }
  assert.equal(answer.error_code, 433);
  assert.equal((await call('POST', `${base(c.id)}/join`, undefined, ids.outsider)).status, 403);
  // Janus loses the room (as when it restarts alone): joining says so once, the room is made
  // again, and the next grant works.
  await janus.admin({ request: 'destroy', room: c.room, secret: sqlite(`SELECT room_secret FROM conferences WHERE id = ${c.id}`) });
  const lost = await call('POST', `${base(c.id)}/join`, undefined, ids.student);
  assert.equal(lost.status, 503);
  while (sqlite(`SELECT room_ready FROM conferences WHERE id = ${c.id}`) !== '1') {
    assert.ok(Date.now() < deadline + 20_000, 'the room was made again');
    await new Promise((r) => setTimeout(r, 20));
  }
  const again = await ok(call('POST', `${base(c.id)}/join`, undefined, ids.student));
  assert.equal((await janusJoin(again)).videoroom, 'joined');
});

test('a stopped media server: moderation says it is unavailable', async () => {
  const { c, mute } = ids.moderated;
  janus.stop();
  const r = await call('POST', `${base(c.id)}/moderate`, mute, ids.teacher);
  assert.equal(r.status, 503);
  assert.deepEqual(r.body.error, { code: 'media_unavailable', message: 'Сервер видеосвязи недоступен. Попробуйте позже.' });
});
