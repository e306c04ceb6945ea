// Linking a journal account to a messenger profile over HTTP (SPEC §2), with the dev SMS
// gateway: every branch of the flow, wrong / expired / exhausted codes, the resend cooldown and
// the hourly limit (the clock moves, nothing sleeps), phone normalisation, one profile in two
// organisations and the same-organisation conflict, pending chat members activated by linking,
// unlinking and linking again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, ADMIN_PASSWORD } from './lib/server.mjs';
import { connect } from './lib/ws.mjs';

const TEACHER = { login: 'teacher', password: 'teacher-password', name: 'Учитель', role: 'staff' };
const PARENT = { login: 'parent', password: 'parent-password', name: 'Родитель', role: 'parent' };
const OTHER = { login: 'other', password: 'other-password', name: 'Другая школа', org: 'Гимназия №2', role: 'admin' };
const LATE = { login: 'late', password: 'late-password', name: 'Опоздавший', role: 'student' };
let srv, admin, teacher, parent, other, late;

before(async () => {
  srv = await startServer({ users: [TEACHER, PARENT, OTHER, LATE], env: { PARTA_SMS_GATEWAY: 'dev' } });
  admin = await login(srv.url);
  teacher = await login(srv.url, TEACHER.login, TEACHER.password);
  parent = await login(srv.url, PARENT.login, PARENT.password);
  other = await login(srv.url, OTHER.login, OTHER.password);
  late = await login(srv.url, LATE.login, LATE.password);
});
after(async () => { await srv.stop(); });

const sqlite = (sql) => spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' }).stdout.trim();

async function call(method, path, body, session) {
  const r = await fetch(srv.url + path, {
    method,
    headers: { authorization: `Bearer ${session.body.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, headers: r.headers, body: await r.json() };
}
const step = (name, body, session) => call('POST', `/api/v1/me/link/${name}`, body, session);
async function ok(promise) {
  const r = await promise;
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
async function lastCode(phone) {
  const r = await fetch(`${srv.url}/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
  assert.equal(r.status, 200);
  const { messages } = await r.json();
  assert.ok(messages.length > 0, 'a code was sent');
  return /(\d{6})/.exec(messages[0].text)[1];
}

test('a new profile: phone → SMS code → «Информация о себе» → linked, chats activated', async () => {
  // The administrator is a person of the roster, member of a chat, pending until linked.
  const org = admin.body.account.org.id;
  const base = `/api/v1/orgs/${org}`;
  const pos = (await call('POST', `${base}/positions`, { name: 'Директор', position_type: 'Администрация' }, admin)).body.id;
  const person = (await call('POST', `${base}/persons`, { surname: 'Иванова', first_name: 'Мария' }, admin)).body.id;
  await call('POST', `${base}/orders`, { kind: 'hire', number: 'П-1', date: '2026-09-01', person_id: person, position_id: pos }, admin);
  await call('POST', `${base}/orders`, { kind: 'class_create', number: 'П-2', date: '2026-09-01', name: '1А', year: 2026, parallel: 1 }, admin);
  const staffRoom = (await call('GET', `${base}/chats`, undefined, admin)).body.chats.find((c) => c.kind === 'staff');
  await call('POST', `${base}/chats/${staffRoom.id}/members`, { person_id: person }, admin);
  sqlite(`UPDATE accounts SET person_id = ${person} WHERE login = 'admin'`);
  admin = await login(srv.url);
  assert.equal((await call('GET', `${base}/chats/${staffRoom.id}`, undefined, admin)).body.chat.pending, 1);

  assert.deepEqual((await ok(call('GET', '/api/v1/me/link', undefined, admin))), { linked: false, profile: null, verified_staff: false });
  const bad = await step('start', { phone: '+1 202 555 0100' }, admin);
  assert.equal(bad.status, 422);
  assert.match(bad.body.error.message, /российские/);
  const s1 = await ok(step('start', { phone: '8 (999) 111-22-33' }, admin));
  assert.equal(s1.step, 'code');
  assert.equal(s1.resend_after, 60);
  const code = await lastCode('+79991112233');
  const wrong = await step('code', { flow: s1.flow, code: code === '000000' ? '111111' : '000000' }, admin);
  assert.equal(wrong.status, 422);
  assert.equal(wrong.body.error.code, 'wrong_secret');
  assert.equal(wrong.body.error.attempts_left, 4);
  const badFormat = await step('code', { flow: s1.flow, code: '12' }, admin);
  assert.equal(badFormat.status, 422);
  const s2 = await ok(step('code', { flow: s1.flow, code }, admin));
  assert.equal(s2.step, 'about');
  const spent = await step('code', { flow: s1.flow, code }, admin);
  assert.equal(spent.status, 404, 'a step token is used once');
  const noName = await step('about', { flow: s2.flow, surname: '' }, admin);
  assert.equal(noName.status, 422);
  const done = await ok(step('about', { flow: s2.flow, surname: 'Иванова', first_name: 'Мария', patronymic: 'Петровна', birth_date: '1980-05-01', gender: 'f' }, admin));
  assert.equal(done.step, 'done');
  assert.equal(done.profile.phone, '+7999***2233');
  const status = await ok(call('GET', '/api/v1/me/link', undefined, admin));
  assert.equal(status.linked, true);
  assert.equal(status.verified_staff, true);
  assert.equal(status.profile.surname, 'Иванова');
  const room = (await call('GET', `${base}/chats/${staffRoom.id}`, undefined, admin)).body;
  assert.equal(room.chat.pending, 0);
  assert.equal(room.members.find((m) => m.person_id === person).verified, true, 'the «шапочка» mark');
  const again = await step('start', { phone: '+79991112233' }, admin);
  assert.equal(again.status, 409, 'linked once');
});

test('an existing profile: SMS code → confirm; the same organisation cannot take it twice', async () => {
  const s1 = await ok(step('start', { phone: '+7 999 111 22 33' }, teacher));
  assert.equal(s1.step, 'auth');
  assert.equal(s1.has_password, false);
  const noPassword = await step('password', { flow: s1.flow, password: 'x' }, teacher);
  assert.equal(noPassword.status, 409);
  await srv.advance(61); // the resend cooldown of the phone's last code
  const s2 = await ok(step('send-code', { flow: s1.flow }, teacher));
  assert.equal(s2.step, 'code');
  const s3 = await ok(step('code', { flow: s2.flow, code: await lastCode('+79991112233') }, teacher));
  assert.equal(s3.step, 'confirm');
  assert.equal(s3.profile.surname, 'Иванова');
  const taken = await step('confirm', { flow: s3.flow }, teacher);
  assert.equal(taken.status, 409);
  assert.match(taken.body.error.message, /уже связан с другой учётной записью/);
  assert.equal((await ok(call('GET', '/api/v1/me/link', undefined, teacher))).linked, false);
});

test('one profile linked in two organisations; the password branch', async () => {
  // Give the profile a password (the administrator's, for the test).
  sqlite("UPDATE profiles SET pw_hash = (SELECT pw_hash FROM accounts WHERE login = 'admin') WHERE phone = '+79991112233'");
  const s1 = await ok(step('start', { phone: '79991112233' }, other));
  assert.equal(s1.step, 'auth');
  assert.equal(s1.has_password, true);
  const wrong = await step('password', { flow: s1.flow, password: 'not it' }, other);
  assert.equal(wrong.status, 422);
  assert.equal(wrong.body.error.code, 'wrong_secret');
  const s2 = await ok(step('password', { flow: s1.flow, password: ADMIN_PASSWORD }, other));
  assert.equal(s2.step, 'confirm');
  const done = await ok(step('confirm', { flow: s2.flow }, other));
  assert.equal(done.step, 'done');
  const status = await ok(call('GET', '/api/v1/me/link', undefined, other));
  assert.equal(status.linked, true);
  assert.equal(status.profile.id, done.profile.id);
});

test('codes: resend cooldown, expiry, exhaustion, hourly limit (the clock moves)', async () => {
  const phone = '+79992223344';
  const s1 = await ok(step('start', { phone }, parent));
  const soon = await step('send-code', { flow: s1.flow }, parent);
  assert.equal(soon.status, 429);
  assert.ok(Number(soon.headers.get('retry-after')) > 0);
  assert.equal(soon.body.error.code, 'too_many_attempts');
  await srv.advance(61);
  const s2 = await ok(step('send-code', { flow: s1.flow }, parent));
  const first = await lastCode(phone);
  // Expired after five minutes.
  await srv.advance(301);
  const expired = await step('code', { flow: s2.flow, code: first }, parent);
  assert.equal(expired.status, 409);
  assert.match(expired.body.error.message, /Срок действия кода истёк/);
  // Five wrong tries spend the code.
  const s3 = await ok(step('send-code', { flow: s2.flow }, parent));
  const good = await lastCode(phone);
  const wrongCode = good === '000000' ? '111111' : '000000';
  let last;
  for (let i = 0; i < 5; i++) last = await step('code', { flow: s3.flow, code: wrongCode }, parent);
  assert.equal(last.status, 422);
  assert.equal(last.body.error.attempts_left, 0);
  assert.match(last.body.error.message, /исчерпаны/);
  const spent = await step('code', { flow: s3.flow, code: good }, parent);
  assert.equal(spent.status, 409, 'the right code no longer works');
  // Ten codes an hour to one phone.
  let flow = s3.flow;
  let limited;
  for (let i = 0; i < 12 && !limited; i++) {
    await srv.advance(61);
    const r = await step('send-code', { flow }, parent);
    if (r.status === 429) limited = r;
    else flow = r.body.flow;
  }
  assert.ok(limited, 'the hourly limit stops the codes');
  assert.ok(limited.body.error.retry_after > 60);
  const unknownFlow = await step('send-code', { flow: 'f'.repeat(64) }, parent);
  assert.equal(unknownFlow.status, 404);
  // Thirty codes an hour from one address, whatever the phones.
  await srv.advance(3600);
  let refused;
  for (let i = 0; i < 31 && !refused; i++) {
    const r = await step('start', { phone: `+7998000${String(i).padStart(4, '0')}` }, parent);
    if (r.status === 429) refused = { at: i, r };
    else assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  assert.equal(refused?.at, 30, 'the 31st code from the address is refused');
});

test('unlinking: the person\'s chats are pending again; linking again restores them', async () => {
  const org = admin.body.account.org.id;
  const staffRoom = (await call('GET', `/api/v1/orgs/${org}/chats`, undefined, admin)).body.chats.find((c) => c.kind === 'staff');
  await ok(call('DELETE', '/api/v1/me/link', undefined, admin));
  assert.equal((await ok(call('GET', '/api/v1/me/link', undefined, admin))).linked, false);
  assert.equal((await call('GET', `/api/v1/orgs/${org}/chats/${staffRoom.id}`, undefined, admin)).body.chat.pending, 1);
  assert.equal((await call('DELETE', '/api/v1/me/link', undefined, admin)).status, 404);
  // A colleague in the staff room, online, sees the person come back.
  const base = `/api/v1/orgs/${org}`;
  const pos = (await call('POST', `${base}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }, admin)).body.id;
  const colleague = (await call('POST', `${base}/persons`, { surname: 'Петров', first_name: 'Пётр' }, admin)).body.id;
  await call('POST', `${base}/orders`, { kind: 'hire', number: 'П-9', date: '2026-09-01', person_id: colleague, position_id: pos }, admin);
  sqlite(`UPDATE accounts SET person_id = ${colleague} WHERE login = 'teacher'`);
  const ws = await connect(srv.url.replace('http:', 'ws:') + '/api/v1/ws', { headers: { authorization: `Bearer ${teacher.body.token}` } });
  await ws.next((m) => m.type === 'hello');
  await srv.advance(3600);
  const s1 = await ok(step('start', { phone: '+79991112233' }, admin));
  const s2 = await ok(step('password', { flow: s1.flow, password: ADMIN_PASSWORD }, admin));
  await ok(step('confirm', { flow: s2.flow }, admin));
  // Only the colleague, who never linked, is pending now.
  assert.equal((await call('GET', `/api/v1/orgs/${org}/chats/${staffRoom.id}`, undefined, admin)).body.chat.pending, 1);
  const adminPerson = Number(sqlite("SELECT person_id FROM accounts WHERE login = 'admin'"));
  const presence = await ws.next((m) => m.type === 'chat.presence');
  assert.deepEqual(presence, { type: 'chat.presence', chat_id: staffRoom.id, person_id: adminPerson, present: true });
  ws.close();
});

test('steps need a session; a flow is the account\'s own', async () => {
  const anon = await fetch(srv.url + '/api/v1/me/link');
  assert.equal(anon.status, 401);
  const s1 = await ok(step('start', { phone: '+79993334455' }, late));
  const stolen = await step('code', { flow: s1.flow, code: await lastCode('+79993334455') }, parent);
  assert.equal(stolen.status, 404);
});

const bearer = (token) => ({ body: { token } });

test('«Перейти в мессенджер»: a messenger session without a password; one profile sees both organisations', async () => {
  // The other organisation's administrator is a person in its staff room too.
  const org2 = other.body.account.org.id;
  const base2 = `/api/v1/orgs/${org2}`;
  const pos = (await call('POST', `${base2}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }, other)).body.id;
  const person = (await call('POST', `${base2}/persons`, { surname: 'Иванова', first_name: 'Мария' }, other)).body.id;
  await call('POST', `${base2}/orders`, { kind: 'hire', number: 'Г-1', date: '2026-09-01', person_id: person, position_id: pos }, other);
  sqlite(`UPDATE accounts SET person_id = ${person} WHERE login = 'other'`);
  // The account was linked before it had a person: mark the person as the link did.
  sqlite(`UPDATE persons SET linked = 1 WHERE id = ${person}`);

  const mine = await ok(call('GET', '/api/v1/me/chats', undefined, admin));
  assert.deepEqual(mine.chats.map((c) => [c.kind, c.kind_label, c.name]), [['staff', 'Учительская', 'Учительская']]);
  // The staff room of an sgo school: its administrators (now with a person) are its admins.
  assert.deepEqual(mine.chats[0].admins, ['Иванова Мария']);

  const notLinked = await call('POST', '/api/v1/me/messenger', {}, teacher);
  assert.equal(notLinked.status, 409);
  const r = await fetch(srv.url + '/api/v1/me/messenger', {
    method: 'POST', headers: { authorization: `Bearer ${admin.body.token}`, 'content-type': 'application/json' }, body: '{}',
  });
  assert.equal(r.status, 200);
  assert.match(r.headers.getSetCookie().join('\n'), /parta_msession=[^;]+; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly/);
  const session = await r.json();
  const me = await ok(call('GET', '/api/v1/messenger/me', undefined, bearer(session.token)));
  assert.equal(me.profile.surname, 'Иванова');
  assert.deepEqual(me.organisations.map((o) => o.name).sort(), ['Гимназия №2', 'МБОУ СОШ №1']);
  const chats = await ok(call('GET', '/api/v1/messenger/chats', undefined, bearer(session.token)));
  assert.deepEqual(chats.chats.map((c) => [c.org_name, c.name]).sort(), [['Гимназия №2', 'Учительская'], ['МБОУ СОШ №1', 'Учительская']]);
  // Each face takes only its own sessions.
  assert.equal((await call('GET', '/api/v1/messenger/me', undefined, admin)).status, 401);
  assert.equal((await call('GET', '/api/v1/me', undefined, bearer(session.token))).status, 401);
  await ok(call('POST', '/api/v1/messenger/logout', {}, bearer(session.token)));
  assert.equal((await call('GET', '/api/v1/messenger/me', undefined, bearer(session.token))).status, 401);
});

test('the messenger\'s own sign-in: phone, then password or SMS code', async () => {
  const pub = (name, body) => fetch(`${srv.url}/api/v1/messenger/login/${name}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers }));
  const unknown = await pub('start', { phone: '+79990001122' });
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.error.message, /не найден или не привязан/);
  // By password (the profile of the first tests has one).
  const s1 = await pub('start', { phone: '8 999 111 22 33' });
  assert.equal(s1.status, 200);
  assert.equal(s1.body.step, 'auth');
  const wrong = await pub('password', { flow: s1.body.flow, password: 'nope' });
  assert.equal(wrong.status, 422);
  const signed = await pub('password', { flow: s1.body.flow, password: ADMIN_PASSWORD });
  assert.equal(signed.status, 200, JSON.stringify(signed.body));
  assert.ok(signed.body.token);
  assert.equal(signed.body.profile.surname, 'Иванова');
  assert.equal((await call('GET', '/api/v1/messenger/me', undefined, bearer(signed.body.token))).status, 200);
  // By code: a profile without a password gets its code at once.
  await srv.advance(3600);
  const l1 = await ok(step('start', { phone: '+79995556677' }, late));
  const l2 = await ok(step('code', { flow: l1.flow, code: await lastCode('+79995556677') }, late));
  await ok(step('about', { flow: l2.flow, surname: 'Поздний', first_name: 'Пётр' }, late));
  await srv.advance(61);
  const c1 = await pub('start', { phone: '+79995556677' });
  assert.equal(c1.body.step, 'code');
  assert.equal(c1.body.has_password, false);
  const c2 = await pub('code', { flow: c1.body.flow, code: await lastCode('+79995556677') });
  assert.equal(c2.status, 200, JSON.stringify(c2.body));
  const me = await ok(call('GET', '/api/v1/messenger/me', undefined, bearer(c2.body.token)));
  assert.equal(me.profile.surname, 'Поздний');
  assert.equal((await pub('code', { flow: c1.body.flow, code: '123456' })).status, 404, 'the token is spent');
});
