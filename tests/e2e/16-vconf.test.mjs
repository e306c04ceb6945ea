// Distance lessons and video conferences (SPEC §7) over HTTP against the real server: the
// class journal's «Дистанционный урок» (only the subject's teacher, only before the lesson
// ended, opening before the start), the diary, the «Видеоконференции» registry (participants
// per type and chat kind, the lesson rule), starting and ending by themselves as the test
// clock moves (never sleeping), «Закончить видеоконференцию», a restart while active and a
// start that fell due while the server was down, scoping to the organisation.
// Without a media server: conferences still start and end; joining says so (503).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, ADMIN_LOGIN, ADMIN_PASSWORD } from './lib/server.mjs';
import { call, ok } from './lib/messenger.mjs';

const USERS = [
  { login: 'petrov', password: 'petrov-password', name: 'Петров', role: 'staff' },
  { login: 'sidorova', password: 'sidorova-password', name: 'Сидорова', role: 'staff' },
  { login: 'anna', password: 'anna-password', name: 'Анна', role: 'student' },
  { login: 'mother', password: 'mother-password', name: 'Мать', role: 'parent' },
  { login: 'boris', password: 'boris-password', name: 'Борис', role: 'student' },
];

let srv;
const ids = {};
const tok = {};
const sql = (q) => spawnSync('sqlite3', [srv.db, q], { encoding: 'utf8' }).stdout.trim();
const api = (who, method, path, body) => call(srv.url, method, `/api/v1/orgs/${ids.org}${path}`, body, tok[who]);

// The Moscow date of a Unix time (the organisation's zone; +3 all year).
const moscowDate = (t) => new Date((t + 3 * 3600) * 1000).toISOString().slice(0, 10);

async function waitFor(what, fn) {
  // Polls a condition (the tick runs right after the clock moved); bounded, no fixed sleep.
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never: ${what}`);
}

async function stateOf(who, id) {
  return (await ok(api(who, 'GET', `/conferences/${id}`))).conference.state;
}

async function signIn() {
  tok.admin = (await login(srv.url, ADMIN_LOGIN, ADMIN_PASSWORD)).body.token;
  for (const u of USERS) tok[u.login] = (await login(srv.url, u.login, u.password)).body.token;
}

async function setup() {
  srv = await startServer({ users: USERS, env: { PARTA_SMS_GATEWAY: 'dev' } });
  const admin = await login(srv.url);
  tok.admin = admin.body.token;
  ids.org = admin.body.account.org.id;
  let n = 0;
  const as = (method, path, body, status = 201) => ok(api('admin', method, path, body), status);
  const order = async (kind, fields) =>
    (await as('POST', '/orders', { kind, number: `В-${++n}`, date: '2026-09-01', ...fields })).order;
  const pos = (await as('POST', '/positions', { name: 'Учитель', position_type: 'Педагогический состав' })).id;
  const person = async (surname, first_name) => (await as('POST', '/persons', { surname, first_name })).id;
  ids.petrov = await person('Петров', 'Пётр');
  ids.sidorova = await person('Сидорова', 'Мария');
  ids.anna = await person('Иванова', 'Анна');
  ids.mother = await person('Иванова', 'Ольга');
  ids.boris = await person('Борисов', 'Борис');
  ids.c5a = (await order('class_create', { name: '5А', year: 2026, parallel: 5 })).payload.class_id;
  ids.c5b = (await order('class_create', { name: '5Б', year: 2026, parallel: 5 })).payload.class_id;
  ids.math = (await as('POST', '/subjects', { name: 'Математика' })).id;
  ids.chem = (await as('POST', '/subjects', { name: 'Химия' })).id;
  for (const p of [ids.petrov, ids.sidorova]) await order('hire', { person_id: p, position_id: pos });
  await order('homeroom', { person_id: ids.petrov, class_id: ids.c5a });
  await order('enrol', { person_id: ids.anna, class_id: ids.c5a });
  await order('enrol', { person_id: ids.boris, class_id: ids.c5b });
  await order('guardian_add', { person_id: ids.mother, student_id: ids.anna });
  ids.mathLoad = (await order('load_set', { class_id: ids.c5a, subject_id: ids.math, person_id: ids.petrov })).payload.load_id;
  ids.chemLoad = (await order('load_set', { class_id: ids.c5a, subject_id: ids.chem, person_id: ids.sidorova })).payload.load_id;
  for (const [login, p] of [['petrov', ids.petrov], ['sidorova', ids.sidorova], ['anna', ids.anna], ['mother', ids.mother], ['boris', ids.boris]])
    sql(`UPDATE accounts SET person_id = ${p} WHERE login = '${login}'`);
  // The clock to 07:00 Moscow of the next day: lessons of that day lie ahead (sessions
  // opened before would have expired: everyone signs in after).
  const now = await srv.advance(0);
  const day = Math.floor((now + 3 * 3600) / 86400) + 1;
  ids.t0 = await srv.advance(day * 86400 + 4 * 3600 - now); // 07:00 MSK = 04:00 UTC
  ids.date = moscowDate(ids.t0);
  await signIn();
  const lesson = async (subject, teacher, start, end) =>
    (await as('POST', '/lessons', { class_id: ids.c5a, subject_id: subject, teacher_id: teacher, date: ids.date, start, end, topic: 'Дроби' })).id;
  ids.l1 = await lesson(ids.math, ids.petrov, '08:00', '08:45');
  ids.l2 = await lesson(ids.math, ids.petrov, '09:00', '09:45');
  ids.l3 = await lesson(ids.chem, ids.sidorova, '10:00', '10:45');
}

before(setup);
after(async () => srv && srv.stop());

test('the class journal lists a teacher\'s classes and subjects, and the lessons of one', async () => {
  const loads = (await ok(api('petrov', 'GET', '/journal/loads'))).loads;
  assert.deepEqual(loads.map((l) => `${l.class_name}/${l.subject_name}`), ['5А/Математика']);
  const all = (await ok(api('admin', 'GET', '/journal/loads'))).loads;
  assert.deepEqual(all.map((l) => `${l.class_name}/${l.subject_name}`), ['5А/Математика', '5А/Химия']);
  const lessons = (await ok(api('petrov', 'GET', `/journal/lessons?class_id=${ids.c5a}&subject_id=${ids.math}`))).lessons;
  assert.deepEqual(lessons.map((l) => l.start), ['08:00', '09:00']);
  assert.equal((await api('anna', 'GET', '/journal/loads')).status, 403);
  assert.equal((await api('petrov', 'GET', '/journal/lessons?class_id=x')).status, 422);
});

test('the lesson page offers «Создать» to the subject\'s teacher only, with the default name', async () => {
  const page = await ok(api('petrov', 'GET', `/journal/lessons/${ids.l1}`));
  assert.equal(page.lesson.subject_name, 'Математика');
  assert.equal(page.can.create, true);
  assert.equal(page.can.ended, false);
  const [y, m, d] = ids.date.split('-');
  assert.equal(page.default_name, `Урок по предмету «Математика» от ${d}.${m}.${y} 08:00`);
  assert.equal(page.distance, null);
  const other = await ok(api('sidorova', 'GET', `/journal/lessons/${ids.l1}`));
  assert.equal(other.can.create, false);
  const refused = await api('sidorova', 'POST', `/journal/lessons/${ids.l1}/distance`, {});
  assert.equal(refused.status, 403);
  assert.match(refused.body.error.message, /только учитель этого предмета/);
  assert.equal((await api('anna', 'POST', `/journal/lessons/${ids.l1}/distance`, {})).status, 403);
});

test('a distance lesson takes the subject chat\'s students and staff, not parents; opening early says it has not started', async () => {
  // The load's subject chat does not exist yet: the distance lesson makes it (as paragraf's
  // video call in a lesson does).
  const subjectChats = async () => (await ok(api('admin', 'GET', '/chats?kind=subject'))).chats.filter((c) => /Математика/.test(c.name));
  assert.equal((await subjectChats()).length, 0);
  const created = await ok(api('petrov', 'POST', `/journal/lessons/${ids.l1}/distance`, {}), 201);
  assert.deepEqual((await subjectChats()).map((c) => c.id), [created.conference.chat_id]);
  ids.d1 = created.conference.id;
  assert.equal(created.conference.kind, 'lesson');
  assert.equal(created.conference.state, 'planned');
  assert.equal(created.conference.start, '08:00');
  assert.equal(created.conference.end, '08:45');
  assert.match(created.conference.chat_name, /Математика/);
  const members = Object.fromEntries(created.members.map((m) => [m.person_id, m]));
  assert.ok(members[ids.anna] && members[ids.anna].role === 'student' && !members[ids.anna].moderator);
  assert.ok(members[ids.petrov] && members[ids.petrov].moderator);
  assert.equal(members[ids.mother], undefined);
  assert.equal(members[ids.boris], undefined);
  const again = await api('petrov', 'POST', `/journal/lessons/${ids.l1}/distance`, {});
  assert.equal(again.status, 409);
  const early = await api('anna', 'POST', `/conferences/${ids.d1}/join`);
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'not_started');
  assert.equal(early.body.error.message, 'Дистанционный урок еще не начался');
  const stranger = await api('boris', 'POST', `/conferences/${ids.d1}/join`);
  assert.equal(stranger.status, 403);
  // A named one: the teacher renames it in «Настройки дистанционного урока».
  const named = await ok(api('petrov', 'POST', `/journal/lessons/${ids.l2}/distance`, { name: 'Дроби: повторение' }), 201);
  ids.d2 = named.conference.id;
  assert.equal(named.conference.name, 'Дроби: повторение');
  assert.equal((await api('petrov', 'POST', `/journal/lessons/${ids.l2}/distance`, { name: ' ' })).status, 422);
});

test('the diary shows the icon to the student and the parent; joining only while the lesson runs', async () => {
  const week = await ok(api('anna', 'GET', `/diary?week=${ids.date}`));
  const day = week.days.find((d) => d.date === ids.date);
  assert.deepEqual(day.lessons.map((l) => l.subject_name), ['Математика', 'Математика', 'Химия']);
  assert.equal(day.lessons[0].distance.id, ids.d1);
  assert.equal(day.lessons[0].distance.can_join, false);
  assert.equal(day.lessons[2].distance, null);
  assert.deepEqual(week.students.map((s) => s.id), [ids.anna]);
  const parent = await ok(api('mother', 'GET', `/diary?week=${ids.date}`));
  assert.equal(parent.student_id, ids.anna); // the first (only) child
  assert.deepEqual(parent.students.map((s) => s.name), ['Иванова Анна']);
  assert.equal(parent.days.find((d) => d.date === ids.date).lessons[0].distance.id, ids.d1);
  assert.equal(parent.days.find((d) => d.date === ids.date).lessons[0].distance.can_join, false);
  assert.equal((await api('petrov', 'GET', `/diary?week=${ids.date}`)).status, 404);
  assert.equal((await api('boris', 'GET', `/diary?week=${ids.date}&student_id=${ids.anna}`)).status, 404);
  assert.equal((await api('anna', 'GET', '/diary?week=понедельник')).status, 422);
});

test('it starts and ends by itself as the clock moves; the chat gets a system message; no media server means 503', async () => {
  await srv.advance(ids.t0 + 3600 - (await srv.advance(0))); // 08:00
  await waitFor('started', async () => (await stateOf('anna', ids.d1)) === 'active');
  const week = await ok(api('anna', 'GET', `/diary?week=${ids.date}`));
  assert.equal(week.days.find((d) => d.date === ids.date).lessons[0].distance.can_join, true);
  const parentWeek = await ok(api('mother', 'GET', `/diary?week=${ids.date}`));
  assert.equal(parentWeek.days.find((d) => d.date === ids.date).lessons[0].distance.can_join, false);
  const join = await api('anna', 'POST', `/conferences/${ids.d1}/join`);
  assert.equal(join.status, 503);
  assert.equal(join.body.error.code, 'media_unavailable');
  assert.match(join.body.error.message, /Сервер видеосвязи недоступен/);
  const announced = sql(`SELECT count(*) FROM messages WHERE conference_id = ${ids.d1}`);
  assert.equal(announced, '1');
  assert.match(sql(`SELECT text FROM messages WHERE conference_id = ${ids.d1}`), /Начался дистанционный урок «Урок по предмету «Математика»/);
  assert.equal(await stateOf('petrov', ids.d2), 'planned');
  await srv.advance(45 * 60); // 08:45
  await waitFor('finished', async () => (await stateOf('anna', ids.d1)) === 'finished');
  const late = await api('anna', 'POST', `/conferences/${ids.d1}/join`);
  assert.equal(late.status, 409);
  assert.equal(late.body.error.message, 'Звонок завершен');
  const page = await ok(api('petrov', 'GET', `/journal/lessons/${ids.l1}`));
  assert.equal(page.can.ended, true);
  assert.equal(page.can.create, false);
});

test('an ended lesson refuses «Создать» with «Урок завершился»', async () => {
  await sql(`DELETE FROM conferences WHERE id = ${ids.d1}`);
  const r = await api('petrov', 'POST', `/journal/lessons/${ids.l1}/distance`, {});
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'ended');
  assert.equal(r.body.error.message, 'Урок завершился');
});

test('the registry: participants per type and chat kind, the lesson rule, who may create', async () => {
  const chats = (await ok(api('admin', 'GET', '/chats?per_page=100'))).chats;
  const chat = (name) => chats.find((c) => c.name === name).id;
  const parents = chat('5А - Родители'), cls = chat('5А - Ученики');
  const subject = chats.find((c) => c.kind === 'subject' && /Математика/.test(c.name)).id;
  const base = { date: ids.date, start: '12:00', end: '12:40' };
  const call1 = await ok(api('admin', 'POST', '/conferences', { ...base, kind: 'call', name: 'Родительское собрание', chat_id: parents }), 201);
  const people = (c) => c.members.map((m) => m.person_id).sort();
  assert.ok(people(call1).includes(ids.mother));
  assert.ok(people(call1).includes(ids.petrov));
  const call2 = await ok(api('admin', 'POST', '/conferences', { ...base, kind: 'call', name: 'Классный час', chat_id: cls }), 201);
  assert.ok(people(call2).includes(ids.anna));
  assert.ok(!people(call2).includes(ids.mother));
  const lessonInParents = await ok(api('admin', 'POST', '/conferences', { ...base, kind: 'lesson', name: 'Урок', chat_id: parents }), 201);
  assert.ok(!people(lessonInParents).includes(ids.mother));
  // The candidates the form pre-fills.
  const cand = await ok(api('admin', 'GET', `/conference-candidates?chat_id=${parents}&kind=call`));
  assert.ok(cand.members.some((m) => m.person_id === ids.mother && m.role === 'parent'));
  const candLesson = await ok(api('admin', 'GET', `/conference-candidates?chat_id=${parents}&kind=lesson`));
  assert.ok(!candLesson.members.some((m) => m.role === 'parent'));
  // The lesson rule and bad input.
  const noLesson = await api('admin', 'POST', '/conferences', { ...base, kind: 'lesson', name: 'X', chat_id: subject });
  assert.equal(noLesson.status, 422);
  assert.match(noLesson.body.error.message, /обязателен для онлайн-урока в предметном чате/);
  const withLesson = await api('admin', 'POST', '/conferences', { ...base, kind: 'call', name: 'X', chat_id: cls, lesson_id: ids.l3 });
  assert.equal(withLesson.status, 422);
  // An online lesson in the subject chat: date and times from the lesson, name by default.
  const chemChat = (await ok(api('admin', 'POST', `/loads/${ids.chemLoad}/chat`))).chat_id;
  const online = await ok(api('admin', 'POST', '/conferences', { kind: 'lesson', chat_id: chemChat, lesson_id: ids.l3 }), 201);
  assert.equal(online.conference.start, '10:00');
  assert.equal(online.conference.end, '10:45');
  assert.match(online.conference.name, /^Урок по предмету «Химия» от /);
  for (const [body, re] of [
    [{ ...base, kind: 'meeting', name: 'X', chat_id: cls }, /Тип/],
    [{ ...base, kind: 'call', name: '', chat_id: cls }, /Наименование/],
    [{ ...base, kind: 'call', name: 'X', chat_id: 999999 }, /Чат/],
    [{ ...base, end: '11:00', kind: 'call', name: 'X', chat_id: cls }, /окончание позже/],
    [{ ...base, kind: 'call', name: 'X', chat_id: cls, members: [ids.boris] }, /не из выбранного чата/],
  ]) {
    const r = await api('admin', 'POST', '/conferences', body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.match(r.body.error.message, re);
  }
  // A student may not create; a homeroom teacher may in the class's chats; chosen members only.
  assert.equal((await api('anna', 'POST', '/conferences', { ...base, kind: 'call', name: 'X', chat_id: cls })).status, 403);
  const chosen = await ok(api('petrov', 'POST', '/conferences', { ...base, kind: 'call', name: 'Только Анна', chat_id: cls, members: [ids.anna, ids.petrov] }), 201);
  assert.deepEqual(people(chosen), [ids.petrov, ids.anna].sort());
  // Lists: the administrator sees all, a student their own, a parent the parents' call.
  const mine = (await ok(api('anna', 'GET', '/conferences'))).conferences.map((c) => c.id);
  assert.ok(mine.includes(call2.conference.id) && !mine.includes(call1.conference.id));
  const mothers = (await ok(api('mother', 'GET', '/conferences'))).conferences.map((c) => c.id);
  assert.deepEqual(mothers, [call1.conference.id]);
  assert.equal((await api('boris', 'GET', `/conferences/${call1.conference.id}`)).status, 404);
  ids.call1 = call1.conference.id;
  ids.call2 = call2.conference.id;
});

test('edit, «Закончить видеоконференцию», delete', async () => {
  const edited = await ok(api('admin', 'PATCH', `/conferences/${ids.call1}`, { name: 'Собрание 5А', end: '13:00' }));
  assert.equal(edited.conference.name, 'Собрание 5А');
  assert.equal(edited.conference.end, '13:00');
  // Started early from its page, then ended early.
  await ok(api('admin', 'POST', `/conferences/${ids.call1}/start`));
  await waitFor('started early', async () => (await stateOf('admin', ids.call1)) === 'active');
  assert.equal((await api('admin', 'DELETE', `/conferences/${ids.call1}`)).status, 409);
  assert.equal((await api('anna', 'POST', `/conferences/${ids.call1}/end`)).status, 404);
  assert.equal((await api('mother', 'POST', `/conferences/${ids.call1}/end`)).status, 403);
  await ok(api('admin', 'POST', `/conferences/${ids.call1}/end`));
  await waitFor('ended early', async () => (await stateOf('admin', ids.call1)) === 'finished');
  assert.equal((await api('admin', 'PATCH', `/conferences/${ids.call1}`, { name: 'Y' })).status, 409);
  await ok(api('admin', 'DELETE', `/conferences/${ids.call1}`));
  assert.equal((await api('admin', 'GET', `/conferences/${ids.call1}`)).status, 404);
});

test('another organisation sees nothing', async () => {
  const r = await call(srv.url, 'GET', `/api/v1/orgs/${ids.org + 1}/conferences`, undefined, tok.petrov);
  assert.equal(r.status, 404);
  assert.equal((await call(srv.url, 'GET', `/api/v1/orgs/${ids.org}/conferences`, undefined, 'nope')).status, 401);
});

test('a restart keeps an active conference active, and starts one that fell due while down', async () => {
  // d2 runs 09:00–09:45; call2 12:00–12:40. Stop at 08:59, start again at 09:10 local.
  const now = await srv.advance(0);
  const at0859 = ids.t0 + 2 * 3600 - 60;
  if (now < at0859) await srv.advance(at0859 - now);
  assert.equal(await stateOf('petrov', ids.d2), 'planned');
  await srv.stop({ keep: true });
  const again = await startServer({ dir: srv.dir, env: { PARTA_SMS_GATEWAY: 'dev', PARTA_TEST_CLOCK: String(at0859 + 11 * 60) } });
  srv = again;
  await signIn();
  assert.equal(await stateOf('petrov', ids.d2), 'active');
  assert.equal(sql(`SELECT count(*) FROM messages WHERE conference_id = ${ids.d2}`), '1');
  // Another restart while active: still active, announced once.
  await srv.stop({ keep: true });
  srv = await startServer({ dir: srv.dir, env: { PARTA_SMS_GATEWAY: 'dev', PARTA_TEST_CLOCK: String(at0859 + 20 * 60) } });
  await signIn();
  assert.equal(await stateOf('petrov', ids.d2), 'active');
  assert.equal(sql(`SELECT count(*) FROM messages WHERE conference_id = ${ids.d2}`), '1');
  await srv.advance(30 * 60); // 09:49
  await waitFor('finished after restart', async () => (await stateOf('petrov', ids.d2)) === 'finished');
});
