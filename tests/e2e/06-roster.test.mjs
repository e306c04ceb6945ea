// The roster API: reference data, every order kind through HTTP, cancellation (with and
// without dependents), roster events, validation, and organisation scoping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, runParta } from './lib/server.mjs';

const OTHER_ADMIN = { login: 'other', password: 'other-password', name: 'Другой Админ', org: 'Гимназия №2', role: 'admin' };
const TEACHER = { login: 'teacher', password: 'teacher-password', name: 'Учитель', role: 'staff' };
const THIRD = { login: 'third', password: 'third-password', name: 'Третий Админ', org: 'Лицей №3', role: 'admin' };
const FOURTH = { login: 'fourth', password: 'fourth-password', name: 'Четвёртый Админ', org: 'Школа №4', role: 'admin' };
let srv, admin, org;

before(async () => {
  srv = await startServer({ users: [OTHER_ADMIN, TEACHER, THIRD, FOURTH] });
  admin = await login(srv.url);
  org = admin.body.account.org.id;
});
after(async () => { await srv.stop(); });

async function call(method, path, body, session = admin) {
  const r = await fetch(srv.url + path, {
    method,
    headers: { authorization: `Bearer ${session.body.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}
const base = () => `/api/v1/orgs/${org}`;
let orderNo = 0;
const order = (kind, fields) => call('POST', `${base()}/orders`, {
  kind, number: `П-${++orderNo}`, date: '2026-09-01', ...fields,
});
async function created(promise) {
  const r = await promise;
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
const person = async (surname, first_name, extra = {}) =>
  (await created(call('POST', `${base()}/persons`, { surname, first_name, ...extra }))).id;

const ids = {};
test('reference data: persons, subjects, positions', async () => {
  ids.anna = await person('Иванова', 'Анна', { patronymic: 'Сергеевна', gender: 'f', birth_date: '2010-03-14' });
  ids.boris = await person('Иванов', 'Борис', { gender: 'm' });
  ids.petrov = await person('Петров', 'Пётр', { patronymic: 'Петрович' });
  ids.mother = await person('Иванова', 'Елена');
  ids.english = (await created(call('POST', `${base()}/subjects`, { name: 'Английский язык' }))).id;
  ids.teacher = (await created(call('POST', `${base()}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }))).id;
  const dup = await call('POST', `${base()}/subjects`, { name: 'Английский язык' });
  assert.equal(dup.status, 409);
  const bad = await call('POST', `${base()}/persons`, { surname: 'Без имени' });
  assert.equal(bad.status, 422);
  assert.match(bad.body.error.message, /фамилию и имя/);
  const badDate = await call('POST', `${base()}/persons`, { surname: 'А', first_name: 'Б', birth_date: '2010-02-30' });
  assert.equal(badDate.status, 422);
  const list = await call('GET', `${base()}/persons`);
  assert.deepEqual(list.body.persons.map((p) => p.surname), ['Иванов', 'Иванова', 'Иванова', 'Петров']);
});

test('orders build the roster and each records a roster event naming touched classes', async () => {
  const cls = await created(order('class_create', { name: '10А', year: 2026, parallel: 10 }));
  ids.c10a = cls.order.payload.class_id;
  assert.ok(ids.c10a > 0);
  assert.deepEqual(cls.touched, { class_ids: [ids.c10a], staff: false });
  ids.c10b = (await created(order('class_create', { name: '10Б', year: 2026, parallel: 10 }))).order.payload.class_id;
  const hire = await created(order('hire', { person_id: ids.petrov, position_id: ids.teacher }));
  assert.equal(hire.touched.staff, true);
  ids.enrolAnna = (await created(order('enrol', { person_id: ids.anna, class_id: ids.c10a }))).order.id;
  await created(order('enrol', { person_id: ids.boris, class_id: ids.c10a }));
  await created(order('homeroom', { person_id: ids.petrov, class_id: ids.c10a }));
  await created(order('guardian_add', { person_id: ids.mother, student_id: ids.anna }));
  await created(order('guardian_add', { person_id: ids.mother, student_id: ids.boris }));
  const load = await created(order('load_set', { class_id: ids.c10a, subject_id: ids.english, person_id: ids.petrov, subgroup: [ids.anna] }));
  ids.load = load.order.payload.load_id;
  const transfer = await created(order('transfer', { person_id: ids.anna, class_id: ids.c10b }));
  ids.transfer = transfer.order.id;
  assert.deepEqual(transfer.touched.class_ids, [ids.c10a, ids.c10b].sort((a, b) => a - b));
  const withdraw = await created(order('withdraw', { person_id: ids.boris }));
  ids.withdraw = withdraw.order.id;

  const roster = (await call('GET', `${base()}/roster`)).body;
  assert.deepEqual(roster.classes.map((c) => [c.name, c.homeroom_id, c.open]), [['10А', ids.petrov, 1], ['10Б', null, 1]]);
  assert.deepEqual(roster.enrolments, [{ student_id: ids.anna, class_id: ids.c10b }]);
  assert.deepEqual(roster.staff, [{ person_id: ids.petrov, position_id: ids.teacher }]);
  assert.equal(roster.guardians.length, 2);
  assert.deepEqual(roster.loads.map((l) => [l.id, l.teacher_id, JSON.parse(l.subgroup)]), [[ids.load, ids.petrov, [ids.anna]]]);

  const events = (await call('GET', `${base()}/roster/events?after=0`)).body.events;
  assert.equal(events.length, 11);
  assert.ok(events.every((e) => e.action === 'applied'));
  const later = (await call('GET', `${base()}/roster/events?after=${events[9].id}`)).body.events;
  assert.deepEqual(later.map((e) => e.order_id), [ids.withdraw]);
});

test('cancelling a withdrawal brings the student back, as if it was never issued', async () => {
  const r = await call('POST', `${base()}/orders/${ids.withdraw}/cancel`, {});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.touched, { class_ids: [ids.c10a], staff: false });
  const roster = (await call('GET', `${base()}/roster`)).body;
  assert.ok(roster.enrolments.some((e) => e.student_id === ids.boris && e.class_id === ids.c10a));
  const again = await call('POST', `${base()}/orders/${ids.withdraw}/cancel`, {});
  assert.equal(again.status, 409);
  assert.match(again.body.error.message, /уже отменён/);
  const orders = (await call('GET', `${base()}/orders`)).body.orders;
  assert.equal(orders.find((o) => o.id === ids.withdraw).status, 'cancelled', 'kept forever');
  const events = (await call('GET', `${base()}/roster/events`)).body.events;
  assert.equal(events.at(-1).action, 'cancelled');
});

test('a cancel with later dependent orders is refused with 409 naming them; nothing changes', async () => {
  const before = (await call('GET', `${base()}/roster`)).body;
  const r = await call('POST', `${base()}/orders/${ids.enrolAnna}/cancel`, {});
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'dependent_orders');
  // Anna's transfer and the subgroup load that needs her enrolled in 10А.
  const numbers = r.body.error.dependents.map((d) => d.id);
  assert.ok(numbers.includes(ids.transfer), JSON.stringify(r.body.error.dependents));
  assert.ok(r.body.error.dependents.every((d) => /^П-\d+$/.test(d.number)));
  assert.deepEqual((await call('GET', `${base()}/roster`)).body, before);
});

test('refused and malformed orders: 409 or 422 with a Russian reason, nothing stored', async () => {
  const count = (await call('GET', `${base()}/orders`)).body.orders.length;
  const cases = [
    [order('enrol', { person_id: ids.anna, class_id: ids.c10a }), 409, /уже зачислен/],
    [order('promote', { person_id: ids.anna }), 422, /Неизвестный вид/],
    [call('POST', `${base()}/orders`, { kind: 'withdraw', number: 'X', date: '2026-13-01', person_id: ids.anna }), 422, /ГГГГ-ММ-ДД/],
    [call('POST', `${base()}/orders`, { kind: 'withdraw', date: '2026-09-01', person_id: ids.anna }), 422, /Номер приказа/],
    [order('enrol', { person_id: 999999, class_id: ids.c10a }), 422, /не найден/],
    [order('enrol', { person_id: 'x', class_id: ids.c10a }), 422, /person_id/],
    [order('class_create', { name: '', year: 2026, parallel: 1 }), 422, /Название класса/],
  ];
  for (const [promise, status, why] of cases) {
    const r = await promise;
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.match(r.body.error.message, why);
  }
  assert.equal((await call('GET', `${base()}/orders`)).body.orders.length, count);
  assert.equal((await call('POST', `${base()}/orders/999999/cancel`, {})).status, 404);
});

test('organisation scoping: other organisations are invisible, non-admins are refused', async () => {
  const other = await login(srv.url, OTHER_ADMIN.login, OTHER_ADMIN.password);
  const otherOrg = other.body.account.org.id;
  assert.notEqual(otherOrg, org);
  for (const path of ['/roster', '/persons', '/orders', '/roster/events']) {
    const r = await call('GET', `${base()}${path}`, undefined, other);
    assert.equal(r.status, 404, path);
  }
  assert.equal((await call('POST', `${base()}/orders/${ids.transfer}/cancel`, {}, other)).status, 404);
  // Ids of this organisation are unknown there, exactly like ids that do not exist.
  const stranger = await call('POST', `/api/v1/orgs/${otherOrg}/subjects`, { name: 'Физика' }, other);
  assert.equal(stranger.status, 201);
  const cross = await call('POST', `/api/v1/orgs/${otherOrg}/orders`, {
    kind: 'hire', number: '1', date: '2026-09-01', person_id: ids.petrov, position_id: ids.teacher,
  }, other);
  assert.equal(cross.status, 422);
  assert.match(cross.body.error.message, /не найден/);
  assert.deepEqual((await call('GET', `/api/v1/orgs/${otherOrg}/persons`, undefined, other)).body.persons, []);

  const teacher = await login(srv.url, TEACHER.login, TEACHER.password);
  assert.equal((await call('GET', `${base()}/roster`, undefined, teacher)).status, 403);
  const anon = await fetch(srv.url + `${base()}/roster`);
  assert.equal(anon.status, 401);
  assert.equal((await call('GET', `/api/v1/orgs/abc/roster`)).status, 404);
});

test('timetable lessons: added, listed by date range, validated, deleted', async () => {
  const lesson = (fields) => call('POST', `${base()}/lessons`, {
    class_id: ids.c10a, subject_id: ids.english, teacher_id: ids.petrov, date: '2026-11-23', start: '08:00', end: '08:40', ...fields,
  });
  const first = await lesson({ topic: 'Present Perfect' });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  await created(lesson({ start: '08:50', end: '09:30' }));
  const spare = await created(lesson({ date: '2026-11-24' }));
  const day = (await call('GET', `${base()}/lessons?from=2026-11-23&to=2026-11-23`)).body.lessons;
  assert.deepEqual(day.map((l) => [l.start, l.end, l.topic]), [['08:00', '08:40', 'Present Perfect'], ['08:50', '09:30', '']]);
  assert.equal((await call('GET', `${base()}/lessons`)).body.lessons.length, 3);
  for (const [fields, why] of [
    [{ date: '2026-02-30' }, /ГГГГ-ММ-ДД/],
    [{ start: '09:00', end: '08:00' }, /конец позже начала/],
    [{ end: '8:40' }, /ЧЧ:ММ/],
    [{ class_id: 999999 }, /class_id/],
    [{ teacher_id: undefined }, /teacher_id/],
    [{ topic: 'x'.repeat(501) }, /Тема урока/],
  ]) {
    const r = await lesson(fields);
    assert.equal(r.status, 422, JSON.stringify(fields));
    assert.match(r.body.error.message, why);
  }
  assert.equal((await call('GET', `${base()}/lessons?from=yesterday`)).status, 422);
  assert.equal((await call('DELETE', `${base()}/lessons/${spare.id}`)).status, 204);
  assert.equal((await call('DELETE', `${base()}/lessons/${spare.id}`)).status, 404);
  const other = await login(srv.url, OTHER_ADMIN.login, OTHER_ADMIN.password);
  assert.equal((await call('DELETE', `${base()}/lessons/${first.body.id}`, undefined, other)).status, 404);
  assert.equal((await call('GET', `${base()}/lessons`)).body.lessons.length, 2);
});

test('academic-year transition: reviewed by a dry run, issued, cancelled, issued again', async () => {
  const before = (await call('GET', `${base()}/roster`)).body;
  const orderCount = (await call('GET', `${base()}/orders`)).body.orders.length;
  const transition = (fields) => call('POST', `${base()}/orders`, {
    kind: 'year_transition', number: `П-${++orderNo}`, date: '2027-08-31', year: 2026, ...fields,
  });
  const review = await transition({ dry_run: true });
  assert.equal(review.status, 200, JSON.stringify(review.body));
  assert.equal(review.body.order.status, 'dry_run');
  assert.equal(review.body.order.id, undefined);
  const plan = review.body.order.payload.carry;
  assert.deepEqual(plan.map((k) => [k.from, k.name]), [[ids.c10a, '11А'], [ids.c10b, '11Б']]);
  assert.equal(review.body.order.payload.last_parallel, 11);
  assert.equal(review.body.touched.class_ids.length, 4);
  assert.deepEqual((await call('GET', `${base()}/roster`)).body, before, 'a dry run keeps nothing');
  assert.equal((await call('GET', `${base()}/orders`)).body.orders.length, orderCount);

  const bad = await transition({ carry: [{ from: ids.c10a, to: 5, name: '11А' }] });
  assert.equal(bad.status, 422);
  const partial = await transition({ carry: [{ from: ids.c10a, name: '11А' }] });
  assert.equal(partial.status, 409);
  assert.match(partial.body.error.message, /10Б не переведён/);

  const edited = await created(transition({ carry: [{ from: ids.c10a, name: '11А' }, { from: ids.c10b, name: '11 Б' }] }));
  const after = (await call('GET', `${base()}/roster`)).body;
  const byName = Object.fromEntries(after.classes.map((c) => [c.name, c]));
  assert.deepEqual([byName['10А'].open, byName['10Б'].open, byName['11А'].open, byName['11 Б'].open], [0, 0, 1, 1]);
  assert.deepEqual([byName['11А'].year, byName['11А'].parallel, byName['11А'].homeroom_id], [2027, 11, ids.petrov]);
  const classOf = (roster, student) => roster.enrolments.find((e) => e.student_id === student)?.class_id;
  assert.equal(classOf(after, ids.boris), byName['11А'].id);
  assert.equal(classOf(after, ids.anna), byName['11 Б'].id);

  const cancel = await call('POST', `${base()}/orders/${edited.order.id}/cancel`, {});
  assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
  assert.deepEqual((await call('GET', `${base()}/roster`)).body, before, 'cancel restores the year');

  await created(transition({}));
  const again = (await call('GET', `${base()}/roster`)).body;
  assert.deepEqual(again.classes.filter((c) => c.open).map((c) => c.name), ['11А', '11Б']);
});

test('rights groups, positions on top of others, and the rights a person has', async () => {
  const catalogue = (await call('GET', `${base()}/rights`)).body.rights;
  assert.deepEqual(catalogue.map((r) => r.label), ['Управление чатами', 'Сферум: просмотр', 'Сферум: добавление', 'Сферум: редактирование', 'Сферум: удаление']);
  const group = await created(call('POST', `${base()}/rights-groups`, { name: 'Ответственные по Сферуму', rights: ['chat_management', 'sferum_view'] }));
  const bad = await call('POST', `${base()}/rights-groups`, { name: 'X', rights: ['root'] });
  assert.equal(bad.status, 422);
  assert.match(bad.body.error.message, /Неизвестное право: root/);
  const groups = (await call('GET', `${base()}/rights-groups`)).body.rights_groups;
  assert.deepEqual(groups.map((g) => [g.name, g.rights]), [['Ответственные по Сферуму', ['chat_management', 'sferum_view']]]);
  const sferum = await created(call('POST', `${base()}/positions`, { name: 'Ответственный по Сферуму', position_type: 'Педагогический состав', rights_group_id: group.id }));
  assert.equal((await call('POST', `${base()}/positions`, { name: 'Y', position_type: 'Z', rights_group_id: 999999 })).status, 422);

  const rights = async () => (await call('GET', `${base()}/persons/${ids.petrov}/rights`)).body.rights.map((r) => r.code);
  assert.deepEqual(await rights(), []);
  const added = await created(order('position_add', { person_id: ids.petrov, position_id: sferum.id }));
  assert.equal(added.touched.staff, true);
  assert.deepEqual(await rights(), ['chat_management', 'sferum_view']);
  const roster = (await call('GET', `${base()}/roster`)).body;
  assert.deepEqual(roster.staff.filter((st) => st.person_id === ids.petrov).map((st) => st.position_id).sort(), [ids.teacher, sferum.id].sort());
  const ambiguous = await order('position_change', { person_id: ids.petrov, position_id: ids.teacher });
  assert.equal(ambiguous.status, 422);
  assert.match(ambiguous.body.error.message, /несколько должностей/);
  const removed = await created(order('position_remove', { person_id: ids.petrov, position_id: sferum.id }));
  assert.deepEqual(await rights(), []);
  assert.equal((await call('POST', `${base()}/orders/${removed.order.id}/cancel`, {})).status, 200);
  assert.deepEqual(await rights(), ['chat_management', 'sferum_view'], 'cancelling the removal gives the rights back');
  assert.equal((await call('GET', `${base()}/persons/999999/rights`)).status, 404);
});

test('JSON bundle: export, import into an empty organisation, export again — the same document', async () => {
  const exported = await call('GET', `${base()}/roster/export`);
  assert.equal(exported.status, 200);
  const a = exported.body;
  assert.equal(a.format, 'parta-roster');
  assert.equal(a.persons.length, 4);
  assert.ok(a.persons.every((p) => /^p\d+$/.test(p.ref) && p.id === undefined));
  assert.ok(a.orders.some((o) => o.status === 'cancelled'), 'cancelled orders travel too');
  assert.deepEqual(a.lessons.map((l) => [l.class, l.subject, l.teacher, l.start]), [['c1', 's1', a.lessons[0].teacher, '08:00'], ['c1', 's1', a.lessons[0].teacher, '08:50']]);
  assert.match(a.lessons[0].teacher, /^p\d+$/);
  assert.deepEqual(a.rights_groups, [{ ref: 'g1', name: 'Ответственные по Сферуму', rights: ['chat_management', 'sferum_view'] }]);
  assert.equal(a.positions.find((p) => p.name === 'Ответственный по Сферуму').rights_group, 'g1');
  assert.ok(a.orders.some((o) => o.kind === 'position_add' && o.position && o.person));
  assert.deepEqual(a.orders[0], { number: 'П-1', date: '2026-09-01', effective_date: '2026-09-01', status: 'applied', kind: 'class_create', class: 'c1', name: '10А', year: 2026, parallel: 10 });

  // The command line writes the same document (read through its own connection).
  const cli = runParta(['export', '--db', srv.db, '--org', String(org)]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout), a);

  // Only into an organisation without a roster: the other one has a subject already.
  const other = await login(srv.url, OTHER_ADMIN.login, OTHER_ADMIN.password);
  const busy = await call('POST', `/api/v1/orgs/${other.body.account.org.id}/roster/import`, a, other);
  assert.equal(busy.status, 409);

  const third = await login(srv.url, THIRD.login, THIRD.password);
  const thirdOrg = third.body.account.org.id;
  const imported = await call('POST', `/api/v1/orgs/${thirdOrg}/roster/import`, a, third);
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  assert.equal(imported.body.orders, a.orders.length);
  const b = (await call('GET', `/api/v1/orgs/${thirdOrg}/roster/export`, undefined, third)).body;
  assert.equal(b.organisation.name, THIRD.org);
  assert.deepEqual({ ...b, organisation: { ...b.organisation, name: a.organisation.name } }, a);
  // The roster itself matches, class for class.
  const r1 = (await call('GET', `${base()}/roster`)).body;
  const r3 = (await call('GET', `/api/v1/orgs/${thirdOrg}/roster`, undefined, third)).body;
  assert.deepEqual(r3.classes.map((c) => c.name), r1.classes.map((c) => c.name));
  assert.equal(r3.enrolments.length, r1.enrolments.length);
  assert.equal(r3.guardians.length, r1.guardians.length);
  assert.equal(r3.loads.length, r1.loads.length);
  // The import records a roster event, so chats will follow.
  assert.equal((await call('GET', `/api/v1/orgs/${thirdOrg}/roster/events`, undefined, third)).body.events.length, 1);
});

test('a bad bundle is refused with the reason and changes nothing', async () => {
  const a = (await call('GET', `${base()}/roster/export`)).body;
  const fourth = await login(srv.url, FOURTH.login, FOURTH.password);
  const path = `/api/v1/orgs/${fourth.body.account.org.id}/roster`;
  const broken = structuredClone(a);
  broken.organisation.profile = 'bars';
  broken.orders.at(-1).person = 'p99';
  const r = await call('POST', `${path}/import`, broken, fourth);
  assert.equal(r.status, 422);
  assert.match(r.body.error.message, /Неизвестная ссылка: p99/);
  const after = (await call('GET', `${path}/export`, undefined, fourth)).body;
  assert.deepEqual([after.persons, after.orders, after.organisation.profile], [[], [], 'sgo']);

  const inconsistent = structuredClone(a);
  inconsistent.orders = inconsistent.orders.filter((o) => o.kind !== 'class_create');
  const r2 = await call('POST', `${path}/import`, inconsistent, fourth);
  assert.equal(r2.status, 422);
  const wrongFormat = await call('POST', `${path}/import`, { format: 'csv' }, fourth);
  assert.equal(wrongFormat.status, 422);
  assert.match(wrongFormat.body.error.message, /parta-roster/);
  assert.deepEqual((await call('GET', `${path}/export`, undefined, fourth)).body.persons, []);
});

test('organisation settings: type, profile, time zone, and the terminology of the type', async () => {
  const r = await call('GET', base());
  assert.equal(r.status, 200);
  assert.deepEqual(
    [r.body.organisation.type, r.body.organisation.profile, r.body.organisation.time_zone],
    ['school', 'sgo', 'Europe/Moscow'],
  );
  assert.equal(r.body.organisation.terms.unit, 'Класс');
  assert.equal(r.body.organisation.terms.homeroom, 'Классный руководитель');
  const college = await call('PATCH', base(), { type: 'college', profile: 'bars', time_zone: 'Asia/Sakhalin' });
  assert.equal(college.status, 200, JSON.stringify(college.body));
  assert.deepEqual(
    [college.body.organisation.type, college.body.organisation.profile, college.body.organisation.time_zone],
    ['college', 'bars', 'Asia/Sakhalin'],
  );
  assert.deepEqual(
    [college.body.organisation.terms.unit, college.body.organisation.terms.students, college.body.organisation.terms.homeroom],
    ['Группа', 'Студенты', 'Куратор'],
  );
  for (const [body, why] of [
    [{ type: 'university' }, /type/],
    [{ profile: 'eljur' }, /profile/],
    [{ time_zone: 'Mars/Olympus' }, /time_zone/],
    [{ time_zone: '../../etc/passwd' }, /time_zone/],
  ]) {
    const bad = await call('PATCH', base(), body);
    assert.equal(bad.status, 422, JSON.stringify(body));
    assert.match(bad.body.error.message, why);
  }
  assert.equal((await call('GET', base())).body.organisation.type, 'college', 'refused changes change nothing');
  const teacher = await login(srv.url, TEACHER.login, TEACHER.password);
  assert.equal((await call('PATCH', base(), { type: 'school' }, teacher)).status, 403);
  await call('PATCH', base(), { type: 'school', profile: 'sgo', time_zone: 'Europe/Moscow' });
});
