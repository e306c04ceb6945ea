// «Управление чатами» over HTTP against the real server (SPEC §5): the management list with
// its filters, sorting and pages; «Добавить новый чат» (proposal, default and by-hand chats,
// the pending warning's data); «Редактировать чат» in one PATCH; the participant picker; and
// the permission matrix — every management endpoint called as each actor (organisation
// administrator, holder of «Управление чатами», homeroom teacher of the class / of another
// class, subject teacher with own / other students, chat admin of the chat / of another chat,
// student, parent, a user of another organisation, anonymous), each answer checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login } from './lib/server.mjs';

const USERS = {
  manager: { login: 'manager', password: 'manager-password', name: 'Ответственный', role: 'staff' },
  homeroom: { login: 'homeroom', password: 'homeroom-password', name: 'Классный', role: 'staff' },
  homeroomB: { login: 'homeroomb', password: 'homeroomb-password', name: 'Классный Б', role: 'staff' },
  teacher: { login: 'teacher', password: 'teacher-password', name: 'Предметник', role: 'staff' },
  chatAdmin: { login: 'chatadmin', password: 'chatadmin-password', name: 'Админ чата', role: 'staff' },
  student: { login: 'student', password: 'student-password', name: 'Ученица', role: 'student' },
  parent: { login: 'parent', password: 'parent-password', name: 'Мама', role: 'parent' },
  stranger: { login: 'stranger', password: 'stranger-password', name: 'Чужой', org: 'Гимназия №2', role: 'admin' },
};
let srv;
const s = {}; // sessions by actor
const ids = {};

const sql = (q) => {
  const r = spawnSync('sqlite3', [srv.db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

async function call(method, path, body, session) {
  const headers = { 'content-type': 'application/json' };
  if (session) headers.authorization = `Bearer ${session.body.token}`;
  const r = await fetch(srv.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}
async function ok(promise, status = 200) {
  const r = await promise;
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}
let base;
let orderNo = 0;
const order = async (kind, fields) =>
  (await ok(call('POST', `${base}/orders`, { kind, number: `У-${++orderNo}`, date: '2026-09-01', ...fields }, s.admin), 201)).order;
const person = async (surname, first_name, extra = {}) =>
  (await ok(call('POST', `${base}/persons`, { surname, first_name, ...extra }, s.admin), 201)).id;
const chatsOf = async (session, query = '') => (await ok(call('GET', `${base}/chats${query}`, undefined, session))).chats;
const chatNamed = async (name) => (await chatsOf(s.admin, `?per_page=500`)).find((c) => c.name === name);

before(async () => {
  srv = await startServer({ users: Object.values(USERS) });
  s.admin = await login(srv.url);
  base = `/api/v1/orgs/${s.admin.body.account.org.id}`;
  for (const [key, u] of Object.entries(USERS)) s[key] = await login(srv.url, u.login, u.password);

  const group = (await ok(call('POST', `${base}/rights-groups`, { name: 'Сферум', rights: ['chat_management'] }, s.admin), 201)).id;
  const teacherPos = (await ok(call('POST', `${base}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }, s.admin), 201)).id;
  const sferumPos = ids.sferumPos = (await ok(call('POST', `${base}/positions`, { name: 'Ответственный по Сферуму', position_type: 'Педагогический состав', rights_group_id: group }, s.admin), 201)).id;
  ids.history = (await ok(call('POST', `${base}/subjects`, { name: 'Краеведение' }, s.admin), 201)).id;
  ids.math = (await ok(call('POST', `${base}/subjects`, { name: 'Математика' }, s.admin), 201)).id;
  for (const [key, surname, first, gender] of [
    ['manager', 'Сферова', 'Ольга', 'f'], ['homeroom', 'Классова', 'Нина', 'f'], ['homeroomB', 'Бэшкина', 'Вера', 'f'],
    ['teacher', 'Предметов', 'Иван', 'm'], ['chatAdmin', 'Админов', 'Олег', 'm'], ['student', 'Ёлкина', 'Анна', 'f'],
    ['boris', 'Борисов', 'Борис', 'm'], ['vera', 'Вернова', 'Вера', 'f'], ['parent', 'Ёлкина', 'Елена', 'f']]) {
    ids[key] = await person(surname, first, { gender });
  }
  ids.c10a = (await order('class_create', { name: '10А', year: 2026, parallel: 10 })).payload.class_id;
  ids.c10b = (await order('class_create', { name: '10Б', year: 2026, parallel: 10 })).payload.class_id;
  for (const key of ['manager', 'homeroom', 'homeroomB', 'teacher', 'chatAdmin']) await order('hire', { person_id: ids[key], position_id: teacherPos });
  // «Ответственный по Сферуму» on top of the teaching position, by an order.
  await order('position_add', { person_id: ids.manager, position_id: sferumPos });
  await order('homeroom', { person_id: ids.homeroom, class_id: ids.c10a });
  await order('homeroom', { person_id: ids.homeroomB, class_id: ids.c10b });
  await order('enrol', { person_id: ids.student, class_id: ids.c10a });
  await order('enrol', { person_id: ids.boris, class_id: ids.c10a });
  await order('enrol', { person_id: ids.vera, class_id: ids.c10b });
  await order('guardian_add', { person_id: ids.parent, student_id: ids.student });
  ids.load = (await order('load_set', { class_id: ids.c10a, subject_id: ids.math, person_id: ids.teacher })).payload.load_id;
  for (const key of ['manager', 'homeroom', 'homeroomB', 'teacher', 'chatAdmin', 'student', 'parent']) {
    sql(`UPDATE accounts SET person_id = ${ids[key]} WHERE login = '${USERS[key].login}'`);
  }
});
after(async () => { await srv.stop(); });

const page = (session, query) => ok(call('GET', `${base}/chats${query}`, undefined, session));

test('the management list: filters, sort, pages, and what each row allows', async () => {
  const all = await page(s.admin, '?per_page=500');
  assert.deepEqual(all.chats.map((c) => c.name), ['Учительская', '10А - Ученики', '10Б - Ученики', '10А - Родители', '10Б - Родители']);
  assert.deepEqual([all.can.initialize, all.can.create, all.can.create_kinds], [true, true, ['staff', 'class', 'parents', 'subject', 'other']]);
  assert.deepEqual(all.can.classes.map((c) => c.name), ['10А', '10Б']);
  assert.deepEqual(all.can.subjects.map((x) => x.name), ['Краеведение', 'Математика']);
  const a = all.chats[1];
  assert.deepEqual([a.kind_label, a.members, a.year, a.class_name, a.admins, a.can_edit, a.can_delete],
    ['Класс', 3, 2026, '10А', ['Классова Нина'], true, true]);
  // «Наименование чата»: a part, any case; «Фамилия участников чата»: ё and е alike.
  assert.deepEqual((await page(s.admin, `?name=${encodeURIComponent('родит')}`)).chats.map((c) => c.name), ['10А - Родители', '10Б - Родители']);
  assert.deepEqual((await page(s.admin, `?surname=${encodeURIComponent('ЕЛК')}`)).chats.map((c) => c.name), ['10А - Ученики', '10А - Родители']);
  assert.deepEqual((await page(s.admin, '?kind=parents&sort=-name')).chats.map((c) => c.name), ['10Б - Родители', '10А - Родители']);
  assert.deepEqual((await page(s.admin, '?sort=name')).chats.map((c) => c.name)[0], '10А - Родители');
  const p2 = await page(s.admin, '?per_page=2&page=2');
  assert.deepEqual([p2.total, p2.page, p2.per_page, p2.chats.map((c) => c.name)], [5, 2, 2, ['10Б - Ученики', '10А - Родители']]);
  for (const bad of ['?kind=room', '?per_page=0', '?per_page=501', '?page=x', '?sort=size', `?name=${'я'.repeat(120)}`]) {
    assert.equal((await call('GET', `${base}/chats${bad}`, undefined, s.admin)).status, 422, bad);
  }
  // A homeroom teacher sees the chats of the class they lead, and may create only some kinds.
  const mine = await page(s.homeroom, '');
  assert.deepEqual(mine.chats.map((c) => c.name), ['10А - Ученики', '10А - Родители']);
  assert.deepEqual([mine.can.initialize, mine.can.create, mine.can.create_kinds, mine.can.classes.map((c) => c.name)],
    [false, true, ['class', 'parents', 'subject'], ['10А']]);
  const teacher = await page(s.teacher, '');
  assert.deepEqual([teacher.total, teacher.can.create_kinds, teacher.can.classes.map((c) => c.name)], [0, ['subject'], ['10А']]);
  const other = await page(s.chatAdmin, '');
  assert.deepEqual([other.can.create, other.can.classes, other.can.subjects], [false, [], []]);
  assert.deepEqual(other.can.me, { person_id: ids.chatAdmin, name: 'Админов Олег', pending: true });
  assert.equal(all.can.me, null, 'the administrator\'s account has no person');
});

test('«Добавить новый чат»: proposal, a chat by hand, a default chat made again, the pending mark', async () => {
  const p = await ok(call('GET', `${base}/chats/proposal?kind=subject&class_id=${ids.c10a}&subject_id=${ids.history}`, undefined, s.admin));
  assert.equal(p.name, '10А/Краеведение');
  // Nobody teaches Краеведение in 10А: the whole class is proposed; the author runs the chat.
  assert.deepEqual(p.members.map((m) => [m.name, m.role, m.admin, m.pending]), [
    ['Борисов Борис', 'student', false, true], ['Ёлкина Анна', 'student', false, true]]);
  const math = await ok(call('GET', `${base}/chats/proposal?kind=subject&class_id=${ids.c10a}&subject_id=${ids.math}`, undefined, s.admin));
  assert.deepEqual(math.members.map((m) => [m.person_id, m.admin]).sort(),
    [[ids.student, false], [ids.boris, false], [ids.teacher, true]].sort());
  // Create it with an edited name and members of one's choice.
  const made = await ok(call('POST', `${base}/chats`, {
    kind: 'subject', class_id: ids.c10a, subject_id: ids.history, name: '10А/Краеведение (кружок)',
    members: [{ person_id: ids.student }, { person_id: ids.chatAdmin, admin: true }] }, s.admin), 201);
  assert.deepEqual([made.chat.name, made.chat.kind, made.chat.is_default, made.chat.class_name], ['10А/Краеведение (кружок)', 'subject', false, '10А']);
  assert.deepEqual(made.members.map((m) => [m.person_id, m.admin, m.origin, m.pending]),
    [[ids.chatAdmin, true, 'manual', true], [ids.student, false, 'manual', true]]);
  // The class chat exists: 409; deleted (sgo allows it), the homeroom teacher makes it again by the rule.
  const cls = await chatNamed('10А - Ученики');
  const dup = await call('POST', `${base}/chats`, { kind: 'class', class_id: ids.c10a }, s.homeroom);
  assert.deepEqual([dup.status, dup.body.error.code], [409, 'exists']);
  await ok(call('DELETE', `${base}/chats/${cls.id}`, undefined, s.admin));
  const again = await ok(call('POST', `${base}/chats`, { kind: 'class', class_id: ids.c10a, members: [
    { person_id: ids.homeroom, admin: true }, { person_id: ids.student }] }, s.homeroom), 201);
  assert.equal(again.chat.name, '10А - Ученики');
  assert.equal(again.chat.is_default, true);
  // Boris, a rule member left out, is excluded by hand: not re-added by an unrelated order.
  const rows = Object.fromEntries((await ok(call('GET', `${base}/chats/${again.chat.id}?all=1`, undefined, s.homeroom))).members.map((m) => [m.person_id, m]));
  assert.deepEqual([rows[ids.boris].member, rows[ids.boris].origin, rows[ids.student].origin, rows[ids.homeroom].admin], [false, 'excluded', 'rule', true]);
  // The rule members chosen stay rule members only (not "by hand"): they leave with the roster.
  assert.deepEqual([rows[ids.student].flags, rows[ids.homeroom].flags], [1, 3]);
  const bad = [
    [{ kind: 'class' }, 422], [{ kind: 'subject', class_id: ids.c10a }, 422], [{ kind: 'room' }, 422],
    [{ kind: 'other', name: '' }, 422], [{ kind: 'other', name: '   ' }, 422], [{ kind: 'other', name: 'x'.repeat(201) }, 422],
    [{ kind: 'other', name: 'Дубли', members: [{ person_id: ids.boris }, { person_id: ids.boris }] }, 422],
    [{ kind: 'other', name: 'Чужой', members: [{ person_id: 999999 }] }, 404],
    [{ kind: 'class', class_id: ids.c10a, name: 'Свой' }, 422],
    [{ kind: 'subject', class_id: 999999, subject_id: ids.math }, 404],
  ];
  for (const [body, status] of bad) assert.equal((await call('POST', `${base}/chats`, body, s.admin)).status, status, JSON.stringify(body));
  assert.equal((await chatsOf(s.admin, '?per_page=500')).filter((c) => ['Дубли', 'Чужой'].includes(c.name)).length, 0, 'nothing half written');
});

test('«Редактировать чат»: one PATCH renames, adds, removes, appoints and cancels', async () => {
  const club = await ok(call('POST', `${base}/chats`, { kind: 'other', name: 'Совет класса', members: [{ person_id: ids.boris }] }, s.admin), 201);
  const id = club.chat.id;
  const after = await ok(call('PATCH', `${base}/chats/${id}`, { name: 'Совет 10А', add: [ids.student, ids.vera], remove: [ids.boris], grant: [ids.student] }, s.admin));
  assert.equal(after.chat.name, 'Совет 10А');
  assert.deepEqual(after.members.map((m) => [m.person_id, m.admin]), [[ids.vera, false], [ids.student, true]]);
  const back = await ok(call('PATCH', `${base}/chats/${id}`, { revoke: [ids.student] }, s.admin));
  assert.equal(back.members.find((m) => m.person_id === ids.student).admin, false);
  const cls = await chatNamed('10Б - Ученики');
  assert.equal((await call('PATCH', `${base}/chats/${cls.id}`, { name: 'Другое имя' }, s.admin)).status, 422, 'a default chat keeps the rules\' name');
  for (const body of [{ add: 'x' }, { add: [0] }, { remove: [-1] }, { name: 5 }]) {
    assert.equal((await call('PATCH', `${base}/chats/${id}`, body, s.admin)).status, 422, JSON.stringify(body));
  }
  assert.equal((await call('PATCH', `${base}/chats/${id}`, { add: [ids.boris, 999999] }, s.admin)).status, 404);
  const still = await ok(call('GET', `${base}/chats/${id}`, undefined, s.admin));
  assert.equal(still.members.some((m) => m.person_id === ids.boris), false, 'a failed save changes nothing');
  // Names sort as people read numbers: «Кружок 2» before «Кружок 10».
  for (const name of ['Кружок 10', 'Кружок 2']) await ok(call('POST', `${base}/chats`, { kind: 'other', name }, s.admin), 201);
  const q = `?name=${encodeURIComponent('кружок ')}`;
  assert.deepEqual((await page(s.admin, `${q}&sort=name`)).chats.map((c) => c.name), ['Кружок 2', 'Кружок 10']);
  assert.deepEqual((await page(s.admin, `${q}&sort=-name`)).chats.map((c) => c.name), ['Кружок 10', 'Кружок 2']);
});

test('the participant picker: roles, gender, class, text, pages, all ids, members marked', async () => {
  const pick = (q) => ok(call('GET', `${base}/chat-candidates${q}`, undefined, s.homeroom));
  const cls = await chatNamed('10А - Ученики');
  const students = await pick(`?roles=student&chat=${cls.id}`);
  assert.deepEqual(students.people.map((p) => [p.surname, p.class_name, p.member]),
    [['Борисов', '10А', false], ['Вернова', '10Б', false], ['Ёлкина', '10А', true]]);
  assert.deepEqual((await pick('?roles=parent')).people.map((p) => [p.surname, p.roles, p.pending]), [['Ёлкина', ['parent'], true]]);
  assert.deepEqual((await pick(`?roles=staff&gender=m`)).people.map((p) => p.surname), ['Админов', 'Предметов']);
  assert.deepEqual((await pick(`?class_id=${ids.c10b}`)).people.map((p) => p.surname), ['Бэшкина', 'Вернова']);
  assert.deepEqual((await pick(`?q=${encodeURIComponent('елена')}`)).people.map((p) => p.first_name), ['Елена']);
  const first = await pick('?per_page=3&ids=1');
  assert.equal(first.total, 9);
  assert.equal(first.people.length, 3);
  assert.equal(first.ids.length, 9);
  assert.deepEqual(first.ids.slice(0, 3), first.people.map((p) => p.person_id));
  for (const bad of ['?roles=pupil', '?gender=x', '?per_page=0', '?class_id=-1']) {
    assert.equal((await call('GET', `${base}/chat-candidates${bad}`, undefined, s.homeroom)).status, 422, bad);
  }
});

test('the permission matrix: every management endpoint as each actor', async () => {
  const ACTORS = ['admin', 'manager', 'homeroom', 'homeroomB', 'teacher', 'chatAdmin', 'student', 'parent', 'stranger', 'anon'];
  const classA = (await chatNamed('10А - Ученики')).id;
  const parentsA = (await chatNamed('10А - Родители')).id;
  const club = (await ok(call('POST', `${base}/chats`, { kind: 'other', name: 'Кружок', members: [{ person_id: ids.chatAdmin, admin: true }] }, s.admin), 201)).chat.id;
  const fresh = async (name) => (await ok(call('POST', `${base}/chats`, { kind: 'other', name }, s.admin), 201)).chat.id;
  const own = [{ person_id: ids.student }, { person_id: ids.boris }];
  // Expected status per actor, in ACTORS order.
  const CASES = [
    ['list', () => ['GET', '/chats'], [200, 200, 200, 200, 200, 200, 403, 403, 404, 401]],
    ['get: a class chat', () => ['GET', `/chats/${classA}`], [200, 200, 200, 403, 403, 403, 403, 403, 404, 401]],
    ['get: a chat one admins', () => ['GET', `/chats/${club}`], [200, 200, 403, 403, 403, 200, 403, 403, 404, 401]],
    ['proposal: 10А parents chat', () => ['GET', `/chats/proposal?kind=parents&class_id=${ids.c10a}`], [200, 200, 200, 403, 403, 403, 403, 403, 404, 401]],
    ['create: 10А parents chat (exists)', () => ['POST', '/chats', { kind: 'parents', class_id: ids.c10a }], [409, 409, 409, 403, 403, 403, 403, 403, 404, 401]],
    ['create: subject chat with own students', () => ['POST', '/chats', { kind: 'subject', class_id: ids.c10a, subject_id: ids.math, members: own }], [201, 201, 201, 403, 201, 403, 403, 403, 404, 401]],
    ['create: subject chat with another class\'s student', () => ['POST', '/chats', { kind: 'subject', class_id: ids.c10a, subject_id: ids.math, members: [{ person_id: ids.vera }] }], [201, 201, 201, 403, 403, 403, 403, 403, 404, 401]],
    ['create: other chat', () => ['POST', '/chats', { kind: 'other', name: 'Разное' }], [201, 201, 403, 403, 403, 403, 403, 403, 404, 401]],
    ['edit: the class chat', () => ['PATCH', `/chats/${classA}`, { add: [ids.vera] }], [200, 200, 200, 403, 403, 403, 403, 403, 404, 401]],
    ['edit: a chat one admins', () => ['PATCH', `/chats/${club}`, { add: [ids.vera] }], [200, 200, 403, 403, 403, 200, 403, 403, 404, 401]],
    ['add member: the parents chat', () => ['POST', `/chats/${parentsA}/members`, { person_id: ids.chatAdmin }], [200, 200, 200, 403, 403, 403, 403, 403, 404, 401]],
    ['remove member: a chat one admins', () => ['DELETE', `/chats/${club}/members/${ids.vera}`], [200, 200, 403, 403, 403, 200, 403, 403, 404, 401]],
    ['appoint admin: a chat one admins', () => ['POST', `/chats/${club}/admins`, { person_id: ids.boris }], [200, 200, 403, 403, 403, 200, 403, 403, 404, 401]],
    ['cancel admin: a chat one admins', () => ['DELETE', `/chats/${club}/admins/${ids.boris}`], [200, 200, 403, 403, 403, 200, 403, 403, 404, 401]],
    ['delete: another\'s chat', async () => ['DELETE', `/chats/${await fresh('На удаление')}`], [200, 200, 403, 403, 403, 403, 403, 403, 404, 401]],
    ['delete: a chat one admins but did not make', () => ['DELETE', `/chats/${club}`], [null, null, 403, 403, 403, 403, 403, 403, 404, 401]],
    ['initialize: dry run', () => ['POST', '/chats/init', { dry_run: true }], [200, 200, 403, 403, 403, 403, 403, 403, 404, 401]],
    ['initialize: a job\'s progress', () => ['GET', `/chats/init/${'0'.repeat(32)}`], [404, 404, 403, 403, 403, 403, 403, 403, 404, 401]],
    ['picker', () => ['GET', '/chat-candidates'], [200, 200, 200, 200, 200, 200, 403, 403, 404, 401]],
    ['subject chat of a load', () => ['POST', `/loads/${ids.load}/chat`, {}], [200, 200, 200, 403, 200, 403, 403, 403, 404, 401]],
  ];
  const seen = [];
  for (const [what, make, expected] of CASES) {
    for (let i = 0; i < ACTORS.length; i++) {
      if (expected[i] === null) continue; // not asked of managers: it would delete the chat the others are asked about
      const [method, path, body] = await make();
      const r = await call(method, base + path, body, ACTORS[i] === 'anon' ? undefined : s[ACTORS[i]]);
      seen.push(`${what} as ${ACTORS[i]}: ${r.status}${r.status === expected[i] ? '' : ` (expected ${expected[i]}) ${JSON.stringify(r.body)}`}`);
    }
  }
  const wrong = seen.filter((line) => line.includes('expected'));
  assert.deepEqual(wrong, [], wrong.join('\n'));
  // A subject teacher may delete the chat they made; an admin of a chat may not delete it.
  const mine = await ok(call('POST', `${base}/chats`, { kind: 'subject', class_id: ids.c10a, subject_id: ids.math, members: own }, s.teacher), 201);
  assert.equal((await call('DELETE', `${base}/chats/${mine.chat.id}`, undefined, s.teacher)).status, 200);
  assert.equal((await call('DELETE', `${base}/chats/${club}`, undefined, s.chatAdmin)).status, 403);
  // The right comes with the position: removed by an order, it is gone at once.
  assert.equal((await ok(call('GET', `${base}/chats`, undefined, s.manager))).can.initialize, true);
  await order('position_remove', { person_id: ids.manager, position_id: ids.sferumPos });
  const after = await ok(call('GET', `${base}/chats`, undefined, s.manager));
  assert.equal(after.can.initialize, false);
  assert.ok(after.total > 0 && after.chats.every((c) => c.created_by === ids.manager), 'only the chats they made remain');
  assert.equal((await call('POST', `${base}/chats/init`, { dry_run: true }, s.manager)).status, 403);
});
