// Automatic chats over HTTP against the real server (SPEC §3–4): chats appear with the orders,
// members follow enrolment, guardianship, homeroom and dismissal, cancelling restores them,
// changes by hand survive unrelated orders, «Инициализировать список чатов» (dry run, job with
// progress, idempotent), pending members, the bars chats administrator, archives at the year
// transition, subject chats on demand, WebSocket notes, the CLI, and organisation scoping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, runParta } from './lib/server.mjs';
import { connect } from './lib/ws.mjs';

const OTHER = { login: 'other', password: 'other-password', name: 'Другой Админ', org: 'Гимназия №2', role: 'admin' };
const STUDENT = { login: 'gleb', password: 'gleb-password', name: 'Глеб', role: 'student' };
let srv, admin, org, other, otherOrg;

before(async () => {
  srv = await startServer({ users: [OTHER, STUDENT] });
  admin = await login(srv.url);
  org = admin.body.account.org.id;
  other = await login(srv.url, OTHER.login, OTHER.password);
  otherOrg = other.body.account.org.id;
});
after(async () => { await srv.stop(); });

const sqlite = (sql) => spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' });

async function call(method, path, body, session = admin) {
  const r = await fetch(srv.url + path, {
    method,
    headers: { authorization: `Bearer ${session.body.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}
const base = (o = org) => `/api/v1/orgs/${o}`;
async function ok(promise, status = 200) {
  const r = await promise;
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}
let orderNo = 0;
const order = async (kind, fields, o = org, session = admin) =>
  (await ok(call('POST', `${base(o)}/orders`, { kind, number: `Ч-${++orderNo}`, date: '2026-09-01', ...fields }, session), 201)).order;
const person = async (surname, first_name, o = org, session = admin) =>
  (await ok(call('POST', `${base(o)}/persons`, { surname, first_name }, session), 201)).id;

async function chats(o = org, session = admin) {
  return (await ok(call('GET', `${base(o)}/chats`, undefined, session))).chats;
}
async function chatNamed(name, o = org, session = admin) {
  const c = (await chats(o, session)).find((x) => x.name === name);
  assert.ok(c, `no chat named ${name}`);
  return c;
}
async function members(name, o = org, session = admin) {
  const c = await chatNamed(name, o, session);
  const r = await ok(call('GET', `${base(o)}/chats/${c.id}`, undefined, session));
  return Object.fromEntries(r.members.map((m) => [m.person_id, m]));
}

const ids = {};
test('sgo: a class gets its class and parents chats, the staff room its teachers', async () => {
  ids.teacherPos = (await ok(call('POST', `${base()}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }), 201)).id;
  ids.directorPos = (await ok(call('POST', `${base()}/positions`, { name: 'Директор', position_type: 'Администрация' }), 201)).id;
  ids.chem = (await ok(call('POST', `${base()}/subjects`, { name: 'Химия' }), 201)).id;
  for (const [key, s, f] of [['petrov', 'Петров', 'Пётр'], ['sidorova', 'Сидорова', 'Анна'], ['director', 'Директорова', 'Ольга'],
    ['anna', 'Иванова', 'Анна'], ['boris', 'Иванов', 'Борис'], ['gleb', 'Глебов', 'Глеб'], ['mother', 'Иванова', 'Елена']]) {
    ids[key] = await person(s, f);
  }
  ids.c9 = (await order('class_create', { name: '9г', year: 2026, parallel: 9 })).payload.class_id;
  await order('hire', { person_id: ids.petrov, position_id: ids.teacherPos });
  await order('hire', { person_id: ids.sidorova, position_id: ids.teacherPos });
  await order('hire', { person_id: ids.director, position_id: ids.directorPos });
  await order('homeroom', { person_id: ids.petrov, class_id: ids.c9 });
  await order('enrol', { person_id: ids.anna, class_id: ids.c9 });
  await order('enrol', { person_id: ids.boris, class_id: ids.c9 });
  await order('guardian_add', { person_id: ids.mother, student_id: ids.anna });
  await order('guardian_add', { person_id: ids.mother, student_id: ids.boris });
  ids.load = (await order('load_set', { class_id: ids.c9, subject_id: ids.chem, person_id: ids.sidorova })).payload.load_id;

  const list = await chats();
  assert.deepEqual(list.map((c) => [c.kind, c.name, c.kind_label]), [
    ['staff', 'Учительская', 'Учительская'],
    ['class', '9г - Ученики', 'Класс'],
    ['parents', '9г - Родители', 'Родители'],
  ]);
  const cls = list[1];
  assert.equal(cls.members, 3);
  assert.equal(cls.pending, 3, 'nobody has linked a messenger profile yet');
  assert.deepEqual(cls.admins, ['Петров Пётр']);
  assert.equal(cls.year, 2026);
  const staff = await members('Учительская');
  assert.deepEqual(Object.keys(staff).map(Number).sort(), [ids.petrov, ids.sidorova].sort());
  const parents = await members('9г - Родители');
  assert.equal(parents[ids.petrov].admin, true);
  assert.equal(parents[ids.mother].member, true);
  assert.equal(parents[ids.mother].origin, 'rule');
  assert.equal(parents[ids.mother].pending, true);
});

test('Initialize: a dry run shows the plan, the job applies it with progress, a second run is empty', async () => {
  const dry = await ok(call('POST', `${base()}/chats/init`, { kinds: ['subject'], dry_run: true }));
  assert.equal(dry.plan.created, 1);
  assert.equal(dry.plan.joined, 3);
  assert.deepEqual(dry.plan.chats.map((c) => [c.action, c.name, c.join]), [['create', '9г - Химия', 3]]);
  assert.equal((await chats()).length, 3, 'a dry run changes nothing');

  const started = await ok(call('POST', `${base()}/chats/init`, { kinds: ['staff', 'class', 'parents', 'subject'] }), 202);
  let job = started.job;
  assert.match(job.id, /^[0-9a-f]{32}$/);
  while (job.state === 'running') job = (await ok(call('GET', `${base()}/chats/init/${job.id}`))).job;
  assert.equal(job.state, 'done');
  assert.equal(job.done, job.total);
  assert.equal(job.summary.created, 1);
  const chem = await members('9г - Химия');
  assert.equal(chem[ids.sidorova].admin, true);
  assert.ok(chem[ids.anna].member && chem[ids.boris].member);

  const again = await ok(call('POST', `${base()}/chats/init`, { dry_run: true }));
  assert.deepEqual([again.plan.created, again.plan.joined, again.plan.left, again.plan.chats.length], [0, 0, 0, 0]);
  const bad = await call('POST', `${base()}/chats/init`, { kinds: ['room'] });
  assert.equal(bad.status, 422);
  const missing = await call('GET', `${base()}/chats/init/${'0'.repeat(32)}`);
  assert.equal(missing.status, 404);
});

test('members follow orders; derive, do not patch; cancelling restores', async () => {
  // A parent of two children in the class stays when one leaves.
  const withdraw = await order('withdraw', { person_id: ids.anna });
  assert.equal((await members('9г - Ученики'))[ids.anna], undefined);
  assert.equal((await members('9г - Химия'))[ids.anna], undefined);
  assert.equal((await members('9г - Родители'))[ids.mother].member, true);
  // Cancelling the withdrawal brings her back.
  await ok(call('POST', `${base()}/orders/${withdraw.id}/cancel`));
  assert.equal((await members('9г - Ученики'))[ids.anna].member, true);
  assert.equal((await members('9г - Химия'))[ids.anna].member, true);
  // The homeroom teacher who also teaches there keeps the subject chat when the homeroom moves.
  await order('load_set', { load_id: ids.load, class_id: ids.c9, subject_id: ids.chem, person_id: ids.petrov });
  await order('homeroom', { person_id: ids.sidorova, class_id: ids.c9 });
  assert.equal((await members('9г - Химия'))[ids.petrov].admin, true);
  assert.equal((await members('9г - Ученики'))[ids.petrov], undefined);
  assert.equal((await members('9г - Ученики'))[ids.sidorova].admin, true);
  // Dismissal: out of every chat of that teacher.
  const dismiss = await order('dismiss', { person_id: ids.petrov });
  assert.equal((await members('9г - Химия'))[ids.petrov], undefined);
  assert.equal((await members('Учительская'))[ids.petrov], undefined);
  await ok(call('POST', `${base()}/orders/${dismiss.id}/cancel`));
  assert.equal((await members('9г - Химия'))[ids.petrov].admin, true);
});

test('changes by hand survive unrelated orders and are undone by Initialize', async () => {
  const cls = await chatNamed('9г - Ученики');
  await ok(call('POST', `${base()}/chats/${cls.id}/members`, { person_id: ids.director }));
  await ok(call('DELETE', `${base()}/chats/${cls.id}/members/${ids.boris}`));
  await ok(call('POST', `${base()}/chats/${cls.id}/admins`, { person_id: ids.anna }));
  await order('enrol', { person_id: ids.gleb, class_id: ids.c9 });
  let m = await members('9г - Ученики');
  assert.equal(m[ids.director].origin, 'manual');
  assert.equal(m[ids.boris], undefined, 'a member removed by hand is not re-added');
  assert.equal(m[ids.anna].admin, true);
  assert.equal(m[ids.gleb].member, true);
  const all = await ok(call('GET', `${base()}/chats/${cls.id}?all=1`));
  assert.equal(all.members.find((x) => x.person_id === ids.boris).origin, 'excluded');

  const plan = (await ok(call('POST', `${base()}/chats/init`, { kinds: ['class'], dry_run: true }))).plan;
  assert.deepEqual([plan.joined, plan.left], [1, 1]);
  let job = (await ok(call('POST', `${base()}/chats/init`, { kinds: ['class'] }), 202)).job;
  while (job.state === 'running') job = (await ok(call('GET', `${base()}/chats/init/${job.id}`))).job;
  assert.equal(job.state, 'done');
  m = await members('9г - Ученики');
  assert.equal(m[ids.director], undefined);
  assert.equal(m[ids.boris].member, true);
  assert.equal(m[ids.anna].admin, false);

  const badPerson = await call('POST', `${base()}/chats/${cls.id}/members`, { person_id: 999999 });
  assert.equal(badPerson.status, 404);
  const badBody = await call('POST', `${base()}/chats/${cls.id}/members`, { person_id: 'x' });
  assert.equal(badBody.status, 422);
});

test('online clients get a note when their membership changes', async () => {
  const account = JSON.parse(spawnSync('sqlite3', ['-json', srv.db, "SELECT id FROM accounts WHERE login = 'gleb'"], { encoding: 'utf8' }).stdout)[0].id;
  sqlite(`UPDATE accounts SET person_id = ${ids.gleb} WHERE id = ${account}`);
  const gleb = await login(srv.url, STUDENT.login, STUDENT.password);
  const ws = await connect(srv.url.replace('http:', 'ws:') + '/api/v1/ws', { headers: { authorization: `Bearer ${gleb.body.token}` } });
  const hello = await ws.next((m) => m.type === 'hello');
  assert.equal(hello.person_id, ids.gleb);
  const c10 = (await order('class_create', { name: '10а', year: 2026, parallel: 10 })).payload.class_id;
  await order('transfer', { person_id: ids.gleb, class_id: c10 });
  const notes = [await ws.next((m) => m.type === 'chat.member'), await ws.next((m) => m.type === 'chat.member')];
  const classChat = await chatNamed('9г - Ученики');
  const newChat = await chatNamed('10а - Ученики');
  assert.ok(notes.some((n) => n.chat_id === classChat.id && n.member === false));
  assert.ok(notes.some((n) => n.chat_id === newChat.id && n.member === true));
  ws.close();
});

test('year transition archives the year\'s chats with their members; new classes get new chats', async () => {
  await order('withdraw', { person_id: ids.gleb });
  await order('class_close', { class_id: (await chatNamed('10а - Ученики')).class_id });
  const closed = await chatNamed('10а - Ученики');
  assert.equal(closed.archived, true);
  await order('year_transition', { year: 2026, last_parallel: 11 });
  const list = await chats();
  const old = list.find((c) => c.name === '9г - Ученики' && c.year === 2026);
  assert.equal(old.archived, true);
  assert.ok(old.members > 0, 'history kept');
  const next = list.find((c) => c.name === '10г - Ученики');
  assert.equal(next.archived, false);
  assert.equal(next.year, 2027);
  const m = await members('10г - Ученики');
  assert.equal(m[ids.anna].member, true);
  const frozen = await call('POST', `${base()}/chats/${old.id}/members`, { person_id: ids.director });
  assert.equal(frozen.status, 409);
});

test('bars: the chats administrator is member and admin of every chat', async () => {
  await ok(call('PATCH', base(otherOrg), { profile: 'bars' }, other));
  const pos = (await ok(call('POST', `${base(otherOrg)}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }, other), 201)).id;
  const zav = await person('Завучева', 'Зоя', otherOrg, other);
  const st = await person('Студентов', 'Семён', otherOrg, other);
  await order('hire', { person_id: zav, position_id: pos }, otherOrg, other);
  const cls = (await order('class_create', { name: '8 К', year: 2026, parallel: 8 }, otherOrg, other)).payload.class_id;
  await order('enrol', { person_id: st, class_id: cls }, otherOrg, other);
  assert.deepEqual((await chats(otherOrg, other)).map((c) => [c.name, c.kind_label]),
    [['Учительская', 'Учительский чат'], ['8 К', 'Классный чат'], ['8 К Родители', 'Родительский чат']]);
  const badAdmin = await call('PATCH', base(otherOrg), { chats_admin_id: ids.anna }, other);
  assert.equal(badAdmin.status, 422, 'a person of another organisation');
  await ok(call('PATCH', base(otherOrg), { chats_admin_id: zav }, other));
  for (const c of await chats(otherOrg, other)) {
    const m = await ok(call('GET', `${base(otherOrg)}/chats/${c.id}`, undefined, other));
    const z = m.members.find((x) => x.person_id === zav);
    assert.ok(z && z.admin && z.origin === 'chats_admin', c.name);
  }
  const staffRoom = await chatNamed('Учительская', otherOrg, other);
  const refused = await call('DELETE', `${base(otherOrg)}/chats/${staffRoom.id}`, undefined, other);
  assert.equal(refused.status, 403, 'bars: default chats cannot be deleted');
  assert.match(refused.body.error.message, /нельзя удалить/);
  await ok(call('PATCH', base(otherOrg), { chats_admin_id: null }, other));
  const parents = await ok(call('GET', `${base(otherOrg)}/chats/${(await chatNamed('8 К Родители', otherOrg, other)).id}`, undefined, other));
  assert.equal(parents.members.length, 0);
});

test('paragraf: a load\'s subject chat on demand', async () => {
  await ok(call('PATCH', base(otherOrg), { profile: 'paragraf' }, other));
  const subj = (await ok(call('POST', `${base(otherOrg)}/subjects`, { name: 'Английский язык' }, other), 201)).id;
  const teacher = (await ok(call('GET', `${base(otherOrg)}/persons`, undefined, other))).persons.find((p) => p.surname === 'Завучева').id;
  const cls = (await chatNamed('8 К Родители', otherOrg, other)).class_id;
  const load = (await order('load_set', { class_id: cls, subject_id: subj, person_id: teacher }, otherOrg, other)).payload.load_id;
  assert.equal((await chats(otherOrg, other)).length, 3, 'no subject chat until it is asked for');
  const made = await ok(call('POST', `${base(otherOrg)}/loads/${load}/chat`, undefined, other));
  const again = await ok(call('POST', `${base(otherOrg)}/loads/${load}/chat`, undefined, other));
  assert.equal(again.chat_id, made.chat_id);
  const chat = await ok(call('GET', `${base(otherOrg)}/chats/${made.chat_id}`, undefined, other));
  assert.equal(chat.chat.name, '8 К - Английский язык');
  assert.equal(chat.members.find((m) => m.person_id === teacher).admin, true);
  assert.equal(chat.members.length, 2);
  const missing = await call('POST', `${base(otherOrg)}/loads/999999/chat`, undefined, other);
  assert.equal(missing.status, 404);
  // paragraf, like sgo, lets the administrator delete any chat, history and all.
  await ok(call('DELETE', `${base(otherOrg)}/chats/${made.chat_id}`, undefined, other));
  assert.equal((await call('GET', `${base(otherOrg)}/chats/${made.chat_id}`, undefined, other)).status, 404);
  assert.equal((await call('DELETE', `${base(otherOrg)}/chats/${made.chat_id}`, undefined, other)).status, 404);
});

test('chats are scoped to the organisation', async () => {
  const mine = await chatNamed('Учительская');
  assert.equal((await call('GET', `${base()}/chats`, undefined, other)).status, 404);
  assert.equal((await call('GET', `${base(otherOrg)}/chats/${mine.id}`, undefined, other)).status, 404);
  assert.equal((await call('DELETE', `${base(otherOrg)}/chats/${mine.id}/members/${ids.sidorova}`, undefined, other)).status, 404);
  assert.equal((await call('DELETE', `${base(otherOrg)}/chats/${mine.id}`, undefined, other)).status, 404);
  assert.equal((await members('Учительская'))[ids.sidorova].member, true);
});

test('CLI: parta chats init shows the plan and applies it', async () => {
  const cls = await chatNamed('10г - Ученики');
  await ok(call('DELETE', `${base()}/chats/${cls.id}/members/${ids.anna}`));
  const dry = runParta(['chats', 'init', '--db', srv.db, '--org', String(org), '--kinds', 'class', '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /добавить участников 1, удалить 0/);
  assert.match(dry.stdout, /keep\s+10г - Ученики\s+\+1 -0/);
  assert.equal((await members('10г - Ученики'))[ids.anna], undefined);
  const run = runParta(['chats', 'init', '--db', srv.db, '--org', String(org), '--kinds', 'class']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Готово/);
  assert.equal((await members('10г - Ученики'))[ids.anna].member, true);
  const bad = runParta(['chats', 'init', '--db', srv.db, '--org', String(org), '--kinds', 'rooms']);
  assert.equal(bad.status, 2);
});
