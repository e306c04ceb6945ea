// Distance lessons and the «Видеоконференции» registry in Chromium against a real server
// (SPEC §7; seed 001 figures 18–26, seed 002 figures 30–31): a teacher finds the lesson in
// «Классный журнал», creates its «Дистанционный урок» in «Настройки дистанционного урока»
// and is told «Дистанционный урок еще не начался» on «Открыть»; a teacher of another subject
// has no «Создать» there but starts and ends one of their own; the student's diary (on a
// phone) shows the icon disabled until the clock moves into the lesson, the parent's shows the
// child's week (the icon never theirs to use); after the end the
// lesson says «Урок завершился»; the administrator adds a video call in the registry (the
// «Родители» tab only for a video call in a parents chat, the «Урок» rule), watches it turn
// «Активная» as the clock moves and ends it with «Закончить видеоконференцию».
// The server runs without a media server: joining an active conference says so (503).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, ADMIN_LOGIN, ADMIN_PASSWORD } from '../e2e/lib/server.mjs';
import { launch, openContext, signIn, call, PHONE } from './lib/harness.mjs';

const PETROV = { login: 'petrov', password: 'petrov-password', name: 'Петров Пётр', role: 'staff' };
const SIDOROVA = { login: 'sidorova', password: 'sidorova-password', name: 'Сидорова Мария', role: 'staff' };
const ANNA = { login: 'anna', password: 'anna-password', name: 'Иванова Анна', role: 'student' };
const MOTHER = { login: 'mother', password: 'mother-password', name: 'Иванова Ольга', role: 'parent' };

let srv, browser, admin, org;
const ids = {};
const sqlite = (sql) => {
  const r = spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};
const o = () => `/api/v1/orgs/${org}`;
const as = (method, path, body) => call(srv.url, method, `${o()}${path}`, body, admin);
let orderNo = 0;
const order = (kind, fields) => as('POST', '/orders', { kind, number: `В-${++orderNo}`, date: '2026-09-01', ...fields });

// The organisation's zone is Moscow (+3 all year).
const moscowDate = (t) => new Date((t + 3 * 3600) * 1000).toISOString().slice(0, 10);
const at = async (hh, mm) => { // moves the server clock forward to hh:mm Moscow of the test day
  const now = await srv.advance(0);
  const target = ids.t0 + ((hh - 7) * 60 + mm) * 60;
  assert.ok(target >= now, `the clock only goes forward (${hh}:${mm})`);
  return srv.advance(target - now);
};
const stateOf = async (id) => (await as('GET', `/conferences/${id}`)).conference.state;
async function until(what, fn) {
  for (let i = 0; i < 400; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never: ${what}`);
}

// «5.12.22» and «05.12.2022» of «2022-12-05»; the school quarter as the server counts it.
const shortDate = (iso) => { const [y, m, d] = iso.split('-'); return `${Number(d)}.${m}.${y.slice(2)}`; };
const fullDate = (iso) => { const [y, m, d] = iso.split('-'); return `${d}.${m}.${y}`; };
const quarter = (iso) => { const m = Number(iso.slice(5, 7)); return m >= 9 && m <= 10 ? 1 : m >= 11 ? 2 : m <= 3 ? 3 : 4; };

const dialog = (page, name) => page.getByRole('dialog', { name });
const facts = (page) => page.locator('#lesson-body dl.lesson-facts');
const fact = (page, label) => facts(page).locator(`dt:text-is("${label}") + dd`);
const distance = (page) => page.locator('#lesson-body [data-field="distance"]');
const noSideScroll = async (page) => assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width,
  'nothing scrolls sideways at 360 px');

before(async () => {
  srv = await startServer({ users: [PETROV, SIDOROVA, ANNA, MOTHER] });
  admin = await login(srv.url);
  org = admin.body.account.org.id;
  const pos = (await as('POST', '/positions', { name: 'Учитель', position_type: 'Педагогический состав' })).id;
  const person = async (surname, first_name) => (await as('POST', '/persons', { surname, first_name })).id;
  ids.petrov = await person('Петров', 'Пётр');
  ids.sidorova = await person('Сидорова', 'Мария');
  ids.anna = await person('Иванова', 'Анна');
  ids.mother = await person('Иванова', 'Ольга');
  ids.c5a = (await order('class_create', { name: '5А', year: 2026, parallel: 5 })).order.payload.class_id;
  ids.math = (await as('POST', '/subjects', { name: 'Математика' })).id;
  ids.chem = (await as('POST', '/subjects', { name: 'Химия' })).id;
  for (const p of [ids.petrov, ids.sidorova]) await order('hire', { person_id: p, position_id: pos });
  await order('homeroom', { person_id: ids.petrov, class_id: ids.c5a });
  await order('enrol', { person_id: ids.anna, class_id: ids.c5a });
  await order('guardian_add', { person_id: ids.mother, student_id: ids.anna });
  await order('load_set', { class_id: ids.c5a, subject_id: ids.math, person_id: ids.petrov });
  await order('load_set', { class_id: ids.c5a, subject_id: ids.chem, person_id: ids.sidorova });
  for (const [u, p] of [[PETROV, ids.petrov], [SIDOROVA, ids.sidorova], [ANNA, ids.anna], [MOTHER, ids.mother]]) {
    sqlite(`UPDATE accounts SET person_id = ${p} WHERE login = '${u.login}'`);
  }
  // The clock to 07:00 Moscow of the next day: that day's lessons lie ahead. Everyone signs
  // in after this (a session opened before would have expired).
  const now = await srv.advance(0);
  const day = Math.floor((now + 3 * 3600) / 86400) + 1;
  ids.t0 = await srv.advance(day * 86400 + 4 * 3600 - now);
  ids.date = moscowDate(ids.t0);
  admin = await login(srv.url);
  const lesson = async (subject, teacher, start, end, topic) => (await as('POST', '/lessons',
    { class_id: ids.c5a, subject_id: subject, teacher_id: teacher, date: ids.date, start, end, topic })).id;
  ids.l1 = await lesson(ids.math, ids.petrov, '08:00', '08:45', 'Дроби');
  ids.l2 = await lesson(ids.math, ids.petrov, '09:00', '09:45', 'Десятичные дроби');
  ids.l3 = await lesson(ids.chem, ids.sidorova, '10:00', '10:45', 'Вещества');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a teacher creates a distance lesson from «Классный журнал»; «Открыть» before the start says it has not started', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await ctx.newPage();
  await signIn(page, srv.url, PETROV.login, PETROV.password);
  await page.locator('.sidebar').getByRole('link', { name: 'Классный журнал' }).click();
  await page.getByRole('heading', { name: 'Классный журнал', level: 1 }).waitFor();

  // The filters offer this teacher's load only; «Загрузить» lists its lessons by date.
  const unit = page.getByLabel('Класс/параллель');
  await unit.locator('option', { hasText: '5А' }).waitFor({ state: 'attached' });
  await unit.selectOption({ label: '5А' });
  assert.deepEqual((await page.getByLabel('Предмет').locator('option').allInnerTexts()).map((t) => t.trim()),
    ['— выберите —', 'Математика'], 'not the chemistry of another teacher');
  await page.getByLabel('Предмет').selectOption({ label: 'Математика' });
  await page.getByRole('button', { name: 'Загрузить' }).click();
  const lessons = page.getByRole('table', { name: 'Уроки' }).locator('tbody tr');
  await lessons.nth(1).waitFor();
  assert.equal(await lessons.count(), 2);
  const first = (await lessons.first().locator('td').allInnerTexts()).map((t) => t.trim());
  assert.match(first[0], new RegExp(`${shortDate(ids.date).replaceAll('.', '\\.')}$`));
  assert.deepEqual(first.slice(1, 4), ['08:00 - 08:45', 'Дроби', 'Петров Пётр']);

  // The lesson page (figure 21): subject, period, date Д.ММ.ГГ, topic, «Создать».
  await page.getByRole('link', { name: `Выставить оценки, ${shortDate(ids.date)}, 08:00` }).click();
  await page.getByRole('heading', { name: 'Классный журнал / Выставить оценки' }).waitFor();
  await page.waitForURL((u) => u.hash === `#lesson/${ids.l1}`);
  await facts(page).waitFor();
  assert.equal(await fact(page, 'Предмет').innerText(), 'Математика');
  assert.equal(await fact(page, 'Период').innerText(), `${quarter(ids.date)} четверть`);
  assert.equal(await fact(page, 'Дата урока').innerText(), shortDate(ids.date));
  assert.equal(await fact(page, 'Тема урока').innerText(), 'Дроби');

  // «Создать» → «Настройки дистанционного урока» (figure 22).
  await distance(page).getByRole('button', { name: 'Создать' }).click();
  const settings = dialog(page, 'Настройки дистанционного урока');
  assert.equal(await settings.getByLabel('Наименование урока').inputValue(),
    `Урок по предмету «Математика» от ${fullDate(ids.date)} 08:00`);
  assert.equal(await settings.getByLabel('Время начала').inputValue(), '08:00');
  assert.equal(await settings.getByLabel('Время окончания').inputValue(), '08:45');
  assert.equal(await settings.getByLabel('Время начала').getAttribute('readonly'), '');
  assert.equal(await settings.getByLabel('Система ВКС').inputValue(), 'Parta');
  await settings.getByLabel('Наименование урока').fill('Дроби: дистанционно');
  await settings.getByRole('button', { name: 'Создать' }).click();
  await settings.waitFor({ state: 'detached' });

  // Afterwards «Открыть» and «Удалить» (figure 23), no «Создать»; the server has it.
  await distance(page).getByRole('button', { name: 'Открыть' }).waitFor();
  await distance(page).getByRole('button', { name: 'Удалить' }).waitFor();
  assert.equal(await distance(page).getByRole('button', { name: 'Создать' }).count(), 0);
  const page1 = await as('GET', `/journal/lessons/${ids.l1}`);
  ids.d1 = page1.distance.conference.id;
  assert.equal(page1.distance.conference.name, 'Дроби: дистанционно');
  assert.equal(page1.distance.conference.kind, 'lesson');

  // «Открыть» before the start: the notice, and no call page.
  ctx.allow(409, `${o()}/conferences/${ids.d1}/join`);
  await distance(page).getByRole('button', { name: 'Открыть' }).click();
  const notice = dialog(page, 'Дистанционный урок');
  await notice.getByText('Дистанционный урок еще не начался', { exact: true }).waitFor();
  await notice.getByRole('button', { name: 'Ок', exact: true }).click();
  await notice.waitFor({ state: 'detached' });
  assert.equal(new URL(page.url()).pathname, '/journal/');

  // Back in the list the lesson is marked.
  await page.getByRole('link', { name: '← Классный журнал' }).click();
  await lessons.first().locator('td', { hasText: 'Запланирован' }).waitFor();
  ctx.assertNoProblems();
  await ctx.close();
});

test('a teacher of another subject has no «Создать» on that lesson, and starts and ends a distance lesson of their own', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await ctx.newPage();
  await signIn(page, srv.url, SIDOROVA.login, SIDOROVA.password);
  await page.goto(`${srv.url}/journal/#lesson/${ids.l2}`);
  await facts(page).waitFor();
  assert.equal(await fact(page, 'Предмет').innerText(), 'Математика');
  await distance(page).getByText('Не создан').waitFor();
  assert.equal(await distance(page).getByRole('button').count(), 0, 'no «Создать» for another subject');

  // Her own chemistry lesson: «Создать», then «Начать сейчас», then «Завершить онлайн-урок».
  await page.goto(`${srv.url}/journal/#lesson/${ids.l3}`);
  await fact(page, 'Предмет').getByText('Химия').waitFor();
  await distance(page).getByRole('button', { name: 'Создать' }).click();
  await dialog(page, 'Настройки дистанционного урока').getByRole('button', { name: 'Создать' }).click();
  await distance(page).getByText('Запланирован', { exact: true }).waitFor();
  await distance(page).getByRole('button', { name: 'Начать сейчас' }).click();
  await distance(page).getByText('Идёт', { exact: true }).waitFor();
  assert.equal(await distance(page).getByRole('button', { name: 'Удалить' }).count(), 0, 'a running lesson is not deleted');
  await distance(page).getByRole('button', { name: 'Завершить онлайн-урок' }).click();
  await dialog(page, 'Завершить онлайн-урок').getByRole('button', { name: 'Завершить' }).click();
  await distance(page).getByText('Дистанционный урок завершён').waitFor();
  assert.equal(await distance(page).getByRole('button', { name: 'Открыть' }).count(), 0);
  // Afterwards the moderator reads «Посещаемость»: every member, nobody came here.
  const attendance = page.getByRole('table', { name: 'Посещаемость дистанционного урока' });
  const annaRow = attendance.locator('tbody tr').filter({ hasText: 'Иванова Анна' });
  await annaRow.waitFor();
  assert.deepEqual((await annaRow.locator('td').allInnerTexts()).map((t) => t.trim()), ['Иванова Анна', '—', '—', 'не подключался']);
  const chem = await as('GET', `/journal/lessons/${ids.l3}`);
  assert.equal(chem.distance.conference.state, 'finished');
  ctx.assertNoProblems();
  await ctx.close();
});

test('the diary on a phone: the student\'s icon is disabled before the lesson and opens it while it runs; the parent sees the child\'s', async () => {
  const ctx = await openContext(browser, srv.url, PHONE);
  const page = await ctx.newPage();
  await signIn(page, srv.url, ANNA.login, ANNA.password);
  assert.equal(await page.locator('.sidebar').getByRole('link', { name: 'Классный журнал' }).isVisible(), false);
  await page.locator('.sidebar').getByRole('link', { name: 'Дневник' }).waitFor();
  await page.goto(`${srv.url}/journal/#diary?week=${ids.date}`);
  const day = page.locator(`section.diary-day[data-date="${ids.date}"]`);
  await day.locator('.diary-lesson').nth(2).waitFor();
  const weekday = ['Воскресенье', 'Понедельник', 'Вторник', 'Среда', 'Четверг', 'Пятница', 'Суббота'][new Date(`${ids.date}T00:00:00Z`).getUTCDay()];
  assert.match(await day.getByRole('heading').innerText(), new RegExp(`^${weekday}, ${Number(ids.date.slice(8))} [а-я]+ ${ids.date.slice(0, 4)} г\\.$`));
  const rows = day.locator('.diary-lesson');
  assert.match(await rows.nth(0).innerText(), /^1\s+Математика\s+08:00 - 08:45/);
  assert.match(await rows.nth(2).innerText(), /^3\s+Химия\s+10:00 - 10:45/);
  assert.ok(await page.locator('section.diary-day').count() >= 6, 'Monday to Saturday');
  const icon = rows.nth(0).getByRole('button', { name: /Открыть окно дистанционного урока/ });
  assert.equal(await icon.getAttribute('title'), 'Открыть окно дистанционного урока');
  assert.equal(await icon.isDisabled(), true, 'before the lesson');
  assert.equal(await rows.nth(1).getByRole('button').count(), 0, 'no distance lesson, no icon');
  await noSideScroll(page);

  // The week buttons move a week and back.
  await page.getByRole('link', { name: 'Следующая неделя →' }).click();
  await page.waitForFunction((d) => !document.querySelector(`section.diary-day[data-date="${d}"]`), ids.date);
  await page.getByRole('link', { name: '← Предыдущая неделя' }).click();
  await day.locator('.diary-lesson').first().waitFor();

  // 08:00: the lesson runs; the icon opens it (here the media server is missing: its notice).
  await at(8, 0);
  await until('started', async () => (await stateOf(ids.d1)) === 'active');
  await page.reload();
  const live = page.locator(`section.diary-day[data-date="${ids.date}"] .diary-lesson`).nth(0)
    .getByRole('button', { name: /Открыть окно дистанционного урока/ });
  await live.waitFor();
  assert.equal(await live.isEnabled(), true, 'while the lesson runs');
  ctx.allow(503, `${o()}/conferences/${ids.d1}/join`);
  await live.click();
  const notice = dialog(page, 'Дистанционный урок');
  await Promise.race([
    notice.getByText('Сервер видеосвязи недоступен. Попробуйте позже.').waitFor(),
    page.waitForURL((u) => u.pathname === '/call/' && u.searchParams.get('conf') === String(ids.d1)),
  ]);
  await noSideScroll(page);
  ctx.assertNoProblems();
  await ctx.close();

  // The parent sees the child's diary by default, the icon too, but the lesson is the
  // class's: not theirs to join.
  const pctx = await openContext(browser, srv.url, PHONE);
  const ppage = await pctx.newPage();
  await signIn(ppage, srv.url, MOTHER.login, MOTHER.password);
  await ppage.goto(`${srv.url}/journal/#diary?week=${ids.date}`);
  await ppage.locator('.diary-student').getByText('Иванова Анна').waitFor();
  const childRow = ppage.locator(`section.diary-day[data-date="${ids.date}"] .diary-lesson`).nth(0);
  await childRow.waitFor();
  assert.match(await childRow.innerText(), /^1\s+Математика\s+08:00 - 08:45/);
  assert.equal(await childRow.getByRole('button', { name: /Открыть окно дистанционного урока/ }).isDisabled(), true);
  await noSideScroll(ppage);
  pctx.assertNoProblems();
  await pctx.close();
});

test('after the end the lesson page says «Урок завершился» and offers no «Создать»', async () => {
  await at(9, 50);
  await until('finished', async () => (await stateOf(ids.d1)) === 'finished');
  const ctx = await openContext(browser, srv.url);
  const page = await ctx.newPage();
  await signIn(page, srv.url, PETROV.login, PETROV.password);
  // The lesson with its distance lesson, and the one that never had one.
  for (const lesson of [ids.l1, ids.l2]) {
    await page.goto(`${srv.url}/journal/#lesson/${lesson}`);
    await page.reload(); // the same document on a hash change: read it afresh
    await distance(page).getByText('Урок завершился', { exact: true }).waitFor();
    assert.equal(await distance(page).getByRole('button', { name: 'Создать' }).count(), 0);
    assert.equal(await distance(page).getByRole('button', { name: 'Открыть' }).count(), 0);
  }
  ctx.assertNoProblems();
  await ctx.close();
});

test('the administrator adds a video call in «Видеоконференции»; it turns «Активная» by itself and ends with «Закончить видеоконференцию»', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await ctx.newPage();
  await signIn(page, srv.url, ADMIN_LOGIN, ADMIN_PASSWORD);
  // The administrator reads a student's diary by choosing the class and the student.
  await page.goto(`${srv.url}/journal/#diary?week=${ids.date}`);
  await page.getByText('Выберите класс и ученика.').waitFor();
  await page.getByLabel('Класс', { exact: true }).locator('option', { hasText: '5А' }).waitFor({ state: 'attached' });
  await page.getByLabel('Класс', { exact: true }).selectOption({ label: '5А' });
  await page.getByLabel('Ученик').selectOption({ label: 'Иванова Анна' });
  await page.waitForFunction((id) => new URLSearchParams(location.hash.split('?')[1]).get('student') === id, String(ids.anna));
  await page.locator(`section.diary-day[data-date="${ids.date}"] .diary-lesson`).nth(2).waitFor();
  assert.equal(await page.getByLabel('Ученик').inputValue(), String(ids.anna));

  await page.locator('.sidebar').getByRole('link', { name: 'Видеоконференции' }).click();
  await page.getByRole('heading', { name: 'Видеоконференции', level: 1 }).waitFor();
  const table = page.getByRole('table', { name: 'Видеоконференции' });
  await table.locator('tbody tr').first().waitFor();
  assert.deepEqual(await table.locator('thead th').allInnerTexts(),
    ['Наименование', 'Тип', 'Чат', 'Дата', 'Время', 'Статус', 'Ссылка']);
  const lessonRow = table.locator('tbody tr').filter({ hasText: 'Дроби: дистанционно' });
  assert.deepEqual((await lessonRow.locator('td').allInnerTexts()).map((t) => t.trim()).slice(1),
    ['Онлайн-урок', (await as('GET', `/conferences/${ids.d1}`)).conference.chat_name, shortDate(ids.date), '08:00 - 08:45', 'Завершена', '']);

  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  const form = dialog(page, 'Добавить видеоконференцию');
  await form.getByText('Видеоконференция автоматически начинается в момент наступления времени начала видеоконференции', { exact: false }).waitFor();
  const chatSelect = form.getByLabel('Чат');
  await chatSelect.locator('option', { hasText: '5А - Родители' }).waitFor({ state: 'attached' });
  const tab = (name) => form.getByRole('tab', { name });

  // An online lesson in the subject chat: «Урок» required; a lesson fills date and times.
  const mathChat = (await chatSelect.locator('option', { hasText: 'Математика' }).first().innerText()).trim();
  await chatSelect.selectOption({ label: mathChat });
  const lessonSelect = form.getByLabel(/^Урок/);
  await lessonSelect.locator('option', { hasText: '09:00 - 09:45' }).waitFor({ state: 'attached' });
  assert.equal(await lessonSelect.getAttribute('aria-required'), 'true');
  await lessonSelect.selectOption({ label: (await lessonSelect.locator('option', { hasText: '09:00 - 09:45' }).innerText()).trim() });
  assert.equal(await form.getByLabel('Время начала').inputValue(), '09:00');
  assert.equal(await form.getByLabel('Время окончания').inputValue(), '09:45');
  assert.equal(await form.getByLabel('Дата начала').inputValue(), ids.date);
  assert.equal(await form.getByLabel('Наименование').inputValue(), `Урок по предмету «Математика» от ${fullDate(ids.date)} 09:00`);
  await form.getByRole('table', { name: 'Ученики' }).getByRole('checkbox', { name: 'Иванова Анна' }).waitFor();
  assert.equal(await tab('Родители').isVisible(), false, 'no parents in an online lesson');

  // A video call: «Урок» disabled; the parents' tab only in the parents chat.
  await form.getByLabel('Тип').selectOption({ label: 'Видеозвонок' });
  assert.equal(await lessonSelect.isDisabled(), true);
  assert.equal(await form.getByLabel('Наименование').inputValue(), '', 'the lesson\'s name goes with it');
  await chatSelect.selectOption({ label: '5А - Ученики' });
  await form.getByRole('table', { name: 'Ученики' }).getByRole('checkbox', { name: 'Иванова Анна' }).waitFor();
  assert.equal(await tab('Родители').isVisible(), false, 'a class chat: no parents');
  await chatSelect.selectOption({ label: '5А - Родители' });
  await tab('Родители').waitFor();
  await tab('Родители').click();
  const mother = form.getByRole('table', { name: 'Родители' }).getByRole('checkbox', { name: 'Иванова Ольга' });
  await mother.waitFor();
  assert.equal(await mother.isChecked(), true, 'everyone is chosen at first');
  await tab('Сотрудники').click();
  assert.equal(await form.getByRole('table', { name: 'Сотрудники' }).getByRole('checkbox', { name: 'Петров Пётр' }).isChecked(), true);
  await form.getByLabel('Наименование').fill('Родительское собрание');
  await form.getByLabel('Дата начала').fill(ids.date);
  await form.getByLabel('Время начала').fill('11:00');
  await form.getByLabel('Время окончания').fill('11:40');
  await form.getByRole('button', { name: 'Сохранить' }).click();
  await form.waitFor({ state: 'detached' });

  const row = table.locator('tbody tr').filter({ hasText: 'Родительское собрание' });
  await row.waitFor();
  assert.deepEqual((await row.locator('td').allInnerTexts()).map((t) => t.trim()),
    ['Родительское собрание', 'Видеозвонок', '5А - Родители', shortDate(ids.date), '11:00 - 11:40', 'Запланирована', '']);
  assert.equal(await row.getByRole('button', { name: /Перейти/ }).count(), 0, 'no link before it starts');
  const call = (await as('GET', '/conferences')).conferences.find((c) => c.name === 'Родительское собрание');
  const members = (await as('GET', `/conferences/${call.id}`)).members.map((p) => p.person_id);
  assert.ok(members.includes(ids.mother) && members.includes(ids.petrov), 'the parents chat\'s parents and staff');

  // «Изменить»: the type and the chat stay; the name and the times change.
  await row.locator('td').first().click();
  await page.getByRole('button', { name: 'Изменить' }).click();
  const edit = dialog(page, 'Изменить видеоконференцию');
  await edit.getByRole('tab', { name: 'Сотрудники' }).click();
  const kept = edit.getByRole('table', { name: 'Сотрудники' }).getByRole('checkbox', { name: 'Петров Пётр' });
  await kept.waitFor();
  assert.equal(await kept.isChecked(), true, 'a member is shown chosen');
  assert.equal(await edit.getByLabel('Наименование').inputValue(), 'Родительское собрание');
  assert.equal(await edit.getByLabel('Тип').isDisabled(), true);
  assert.equal(await edit.getByLabel('Чат').isDisabled(), true);
  await edit.getByRole('tab', { name: 'Родители' }).waitFor();
  await edit.getByLabel('Наименование').fill('Собрание 5А');
  await edit.getByLabel('Время окончания').fill('11:50');
  await edit.getByRole('button', { name: 'Сохранить' }).click();
  await edit.waitFor({ state: 'detached' });
  const renamed = table.locator('tbody tr').filter({ hasText: 'Собрание 5А' });
  await renamed.getByText('11:00 - 11:50').waitFor();
  assert.equal((await as('GET', `/conferences/${call.id}`)).conference.name, 'Собрание 5А');

  // 11:00: it starts by itself; the list shows it without a reload.
  await at(11, 0);
  await renamed.getByText('Активная', { exact: true }).waitFor();
  await renamed.getByRole('button', { name: 'Перейти: Собрание 5А' }).waitFor();
  // «Перейти» asks the server first: the administrator is no participant of this call.
  ctx.allow(403, `${o()}/conferences/${call.id}/join`);
  await renamed.getByRole('button', { name: 'Перейти: Собрание 5А' }).click();
  const refused = dialog(page, 'Видеоконференция');
  await refused.getByText('Вы не участник этой видеоконференции').waitFor();
  await refused.getByRole('button', { name: 'Ок', exact: true }).click();
  assert.equal(new URL(page.url()).pathname, '/journal/');

  // «Закончить видеоконференцию» on the chosen row.
  await renamed.locator('td').first().click();
  assert.equal(await renamed.getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Удалить' }).isDisabled(), true, 'not while it runs');
  await page.getByRole('button', { name: 'Закончить видеоконференцию' }).click();
  await dialog(page, 'Закончить видеоконференцию').getByRole('button', { name: 'Закончить' }).click();
  await renamed.getByText('Завершена', { exact: true }).waitFor();
  assert.equal(await renamed.getByRole('button', { name: /Перейти/ }).count(), 0, 'no link once finished');
  assert.equal(await stateOf(call.id), 'finished');
  assert.equal(await page.getByRole('button', { name: 'Закончить видеоконференцию' }).isDisabled(), true);
  ctx.assertNoProblems();
  await ctx.close();
});
