// «Управление чатами» in Chromium against a real server (SPEC §5; seed 001 figures 10–17,
// seed 002 figure 29): the organisation's administrator initializes the chat list (the plan,
// the job's progress, the result), creates «10А/Краеведение» from the server's proposal, adds
// members with «Выбрать участников на всех страницах», appoints an admin, saves, finds the
// row with its count and admin, and deletes a chat after confirmation; a homeroom teacher on
// a phone sees only the chats of their class and is offered only what they may create; a
// student has no management at all; and «Права» gives an employee «Управление чатами» by an
// order, and, in a bars organisation, names the chats administrator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, ADMIN_LOGIN, ADMIN_PASSWORD } from '../e2e/lib/server.mjs';
import { launch, openContext, signIn, call, PHONE } from './lib/harness.mjs';

const HOMEROOM = { login: 'homeroom', password: 'homeroom-password', name: 'Классова Нина', role: 'staff' };
const TEACHER = { login: 'teacher', password: 'teacher-password', name: 'Предметов Иван', role: 'staff' };
const STUDENT = { login: 'student', password: 'student-password', name: 'Ёлкина Анна', role: 'student' };
const PARENTS = 12; // more than a page of the picker (10)

let srv, browser, admin, org;
const ids = {};
const sqlite = (sql) => {
  const r = spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};
let orderNo = 0;
const o = () => `/api/v1/orgs/${org}`;
const order = (kind, fields) => call(srv.url, 'POST', `${o()}/orders`,
  { kind, number: `М-${++orderNo}`, date: '2026-09-01', ...fields }, admin);
const person = async (surname, first_name, extra = {}) =>
  (await call(srv.url, 'POST', `${o()}/persons`, { surname, first_name, ...extra }, admin)).id;

before(async () => {
  srv = await startServer({ users: [HOMEROOM, TEACHER, STUDENT] });
  admin = await login(srv.url);
  org = admin.body.account.org.id;
  const pos = (await call(srv.url, 'POST', `${o()}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }, admin)).id;
  const director = (await call(srv.url, 'POST', `${o()}/positions`, { name: 'Директор', position_type: 'Администрация' }, admin)).id;
  ids.history = (await call(srv.url, 'POST', `${o()}/subjects`, { name: 'Краеведение' }, admin)).id;
  ids.math = (await call(srv.url, 'POST', `${o()}/subjects`, { name: 'Математика' }, admin)).id;
  for (const [key, surname, first] of [['admin', 'Иванова', 'Мария'], ['homeroom', 'Классова', 'Нина'],
    ['homeroomB', 'Бэшкина', 'Вера'], ['teacher', 'Предметов', 'Иван'], ['boris', 'Борисов', 'Борис'],
    ['student', 'Ёлкина', 'Анна'], ['gleb', 'Гусев', 'Глеб'], ['vera', 'Вернова', 'Вера']]) {
    ids[key] = await person(surname, first);
  }
  ids.c10a = (await order('class_create', { name: '10А', year: 2025, parallel: 10 })).order.payload.class_id;
  ids.c10b = (await order('class_create', { name: '10Б', year: 2025, parallel: 10 })).order.payload.class_id;
  await order('hire', { person_id: ids.admin, position_id: director });
  for (const key of ['homeroom', 'homeroomB', 'teacher']) await order('hire', { person_id: ids[key], position_id: pos });
  await order('homeroom', { person_id: ids.homeroom, class_id: ids.c10a });
  await order('homeroom', { person_id: ids.homeroomB, class_id: ids.c10b });
  for (const key of ['boris', 'student', 'gleb']) await order('enrol', { person_id: ids[key], class_id: ids.c10a });
  await order('enrol', { person_id: ids.vera, class_id: ids.c10b });
  for (let i = 1; i <= PARENTS; i++) {
    const parent = await person('Родителева', `Мама${String(i).padStart(2, '0')}`);
    await order('guardian_add', { person_id: parent, student_id: [ids.boris, ids.student, ids.gleb][i % 3] });
  }
  await order('load_set', { class_id: ids.c10a, subject_id: ids.math, person_id: ids.teacher });
  sqlite(`UPDATE accounts SET person_id = ${ids.admin} WHERE login = '${ADMIN_LOGIN}'`);
  for (const [key, u] of [['homeroom', HOMEROOM], ['teacher', TEACHER], ['student', STUDENT]]) {
    sqlite(`UPDATE accounts SET person_id = ${ids[key]} WHERE login = '${u.login}'`);
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
const rows = (page) => page.locator('#manage-body table tbody tr');
const row = (page, name) => rows(page).filter({ has: page.getByRole('button', { name: exact(name) }) });
const cells = async (tr) => (await tr.locator('td').allInnerTexts()).map((t) => t.trim());
const dialog = (page, name) => page.getByRole('dialog', { name });
const noSideScroll = async (page) => assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width,
  'nothing scrolls sideways at 360 px');

async function openManage(ctx, login, password) {
  const page = await ctx.newPage();
  await signIn(page, srv.url, login, password);
  await page.locator('.sidebar').getByRole('link', { name: 'Управление чатами' }).click();
  await page.getByRole('heading', { name: 'Управление чатами', level: 1 }).waitFor();
  await rows(page).first().waitFor();
  return page;
}

// «Сохранить» / «Добавить» of a chat dialog: the pending warning (seed 002 figure 29) when the
// server told which new members have no messenger profile yet, then the dialog closes.
async function saveChat(page, box, button, { warning }) {
  await box.getByRole('button', { name: button, exact: true }).click();
  const warn = dialog(page, 'Предупреждение');
  if (warning) await warn.waitFor();
  else await page.waitForFunction(() => document.querySelector('dialog[data-dialog="pending-warning"]') || !document.querySelector('dialog[data-dialog^="chat-"]'));
  if (await warn.count()) {
    await warn.getByText('Участники, не связавшие учётную запись с учебным профилем, будут добавлены в чат после привязки').waitFor();
    await warn.getByRole('button', { name: 'Ок', exact: true }).click();
  }
  await box.waitFor({ state: 'detached' });
}

test('the administrator initializes, creates «10А/Краеведение», adds members on every page, appoints an admin and deletes a chat', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await openManage(ctx, ADMIN_LOGIN, ADMIN_PASSWORD);

  // The list: columns of figure 10, the year as «2025/2026», the homeroom teacher as admin.
  assert.deepEqual(await page.locator('#manage-body thead th').allInnerTexts(),
    ['№ п/п', 'Наименование чата', 'Тип чата', 'Кол-во участников', 'Учебный год', 'Класс', 'Администратор']);
  assert.deepEqual(await cells(row(page, '10А - Ученики')), ['2', '10А - Ученики', 'Класс', '4', '2025/2026', '10А', 'Классова Нина']);
  assert.equal((await cells(row(page, 'Учительская')))[4], '', 'the staff room has no year');
  assert.equal(await page.getByLabel('Число записей на странице').inputValue(), '50');
  // Sorting by name: ↑ then ↓.
  await page.getByRole('button', { name: 'Наименование чата' }).click();
  await page.getByRole('button', { name: 'Наименование чата ↑' }).waitFor();
  await rows(page).first().getByRole('button', { name: '10А - Родители' }).waitFor();
  await page.getByRole('button', { name: 'Наименование чата ↑' }).click();
  await rows(page).first().getByRole('button', { name: 'Учительская' }).waitFor();
  // Filters: the type, then back to all.
  await page.getByLabel('Тип чата').selectOption({ label: 'Родители' });
  await page.getByRole('button', { name: 'Загрузить' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#manage-body tbody tr').length === 2);
  await page.getByLabel('Тип чата').selectOption({ label: 'Все' });
  await page.getByRole('button', { name: 'Загрузить' }).click();
  await row(page, 'Учительская').waitFor();
  // Nothing chosen yet: nothing to delete or open.
  assert.equal(await page.getByRole('button', { name: 'Удалить' }).isDisabled(), true);
  assert.equal(await page.getByRole('button', { name: 'Перейти в чат' }).isDisabled(), true);

  // «Инициализировать список чатов»: the kinds, the plan, «Подтвердить», progress, the result.
  await page.getByRole('button', { name: 'Инициализировать список чатов' }).click();
  const init = dialog(page, 'Настройки создания/синхронизации чатов');
  for (const kind of ['Учительская', 'Класс', 'Родители', 'Предметы']) {
    assert.equal(await init.getByLabel(kind, { exact: true }).isChecked(), true, kind);
  }
  await init.getByRole('button', { name: 'Продолжить' }).click();
  const plan = init.getByRole('table', { name: 'План по чатам' });
  await plan.waitFor();
  assert.deepEqual(await cells(plan.locator('tbody tr').filter({ hasText: '10А - Математика' })),
    ['10А - Математика', 'Предметы', 'Создать', '4', '0']);
  assert.equal(await init.locator('.init-plan [data-total="created"]').textContent(), '1');
  const joining = await init.locator('.init-plan [data-total="joined"]').textContent();
  assert.ok(Number(joining) >= 4, 'the new chat\'s four at least');
  await init.getByRole('button', { name: 'Подтвердить' }).click();
  await init.getByRole('heading', { name: 'Готово' }).waitFor();
  assert.equal(await init.locator('progress').getAttribute('value'), '1');
  assert.equal(await init.locator('.init-result [data-total="created"]').textContent(), '1');
  assert.equal(await init.locator('.init-result [data-total="joined"]').textContent(), joining, 'as planned');
  await row(page, '10А - Математика').waitFor(); // the list was loaded again
  await init.getByRole('button', { name: 'Закрыть', exact: true }).click();
  await init.waitFor({ state: 'detached' });
  assert.deepEqual((await cells(row(page, '10А - Математика'))).slice(1), ['10А - Математика', 'Предметы', '4', '2025/2026', '10А', 'Предметов Иван']);

  // «Добавить»: Предметы, 10А, Краеведение → the proposed name and members; the pending warning.
  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  const add = dialog(page, 'Добавить новый чат');
  await add.getByLabel('Тип чата').selectOption({ label: 'Предметы' });
  await add.getByLabel('Класс', { exact: true }).selectOption({ label: '10А' });
  await add.getByLabel('Предмет').selectOption({ label: 'Краеведение' });
  await page.waitForFunction(() => document.querySelector('dialog[data-dialog="chat-add"] input[name="name"]')?.value === '10А/Краеведение');
  const proposed = add.getByRole('table', { name: 'Участники чата' }).locator('tbody tr');
  await proposed.filter({ hasText: 'Борисов Борис' }).waitFor();
  assert.deepEqual((await proposed.locator('.member-name').allInnerTexts()).sort(),
    ['Борисов Борис', 'Гусев Глеб', 'Ёлкина Анна', 'Иванова Мария'].sort());
  assert.equal((await cells(proposed.filter({ hasText: 'Иванова Мария' })))[3], 'Да', 'the author runs the chat');
  await proposed.filter({ hasText: 'Гусев Глеб' }).getByText('ожидает привязки').waitFor();
  await saveChat(page, add, 'Добавить', { warning: true });
  await row(page, '10А/Краеведение').waitFor();
  assert.deepEqual((await cells(row(page, '10А/Краеведение'))).slice(2), ['Предметы', '4', '2025/2026', '10А', 'Иванова Мария']);

  // «Редактировать чат»: the parents of every page through the picker, an admin appointed.
  await row(page, '10А/Краеведение').getByRole('button', { name: '10А/Краеведение' }).click();
  const edit = dialog(page, 'Редактировать чат');
  await edit.getByRole('table', { name: 'Участники чата' }).locator('tbody tr').first().waitFor();
  assert.equal(await edit.getByLabel('Наименование чата').inputValue(), '10А/Краеведение');
  await edit.getByRole('button', { name: 'Добавить участников' }).click();
  const picker = dialog(page, 'Выбрать участников чата');
  await picker.getByLabel('Родители', { exact: true }).check();
  const people = picker.getByRole('table', { name: 'Люди организации' }).locator('tbody tr');
  await picker.getByRole('button', { name: `Выбрать участников на всех страницах (${PARENTS})` }).waitFor();
  assert.equal(await people.count(), 10, 'a page of ten');
  await picker.getByRole('navigation', { name: 'Страницы списка людей' }).getByRole('button', { name: 'Страница 2' }).waitFor();
  await picker.getByRole('button', { name: `Выбрать участников на всех страницах (${PARENTS})` }).click();
  await picker.getByText(`Выбрано участников (${PARENTS})`).waitFor();
  // Students already in the chat are marked and cannot be chosen.
  await picker.getByLabel('Родители', { exact: true }).uncheck();
  await picker.getByLabel('Ученики', { exact: true }).check();
  await people.filter({ hasText: 'Вернова' }).waitFor();
  const elkina = people.filter({ hasText: 'Ёлкина' });
  await elkina.getByText('Уже является участником').waitFor();
  assert.equal(await elkina.getByRole('checkbox').isDisabled(), true);
  await picker.getByRole('button', { name: 'Добавить', exact: true }).click();
  await picker.waitFor({ state: 'detached' });
  await edit.getByText(`Выбрать участников на всех страницах (${4 + PARENTS})`).waitFor();
  await edit.getByLabel('Фамилия участников чата').fill('борисов');
  const members = edit.getByRole('table', { name: 'Участники чата' }).locator('tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('dialog[data-dialog="chat-edit"] tbody tr').length === 1);
  await members.getByRole('checkbox').check();
  await edit.getByText('Выбрано участников (1)').waitFor();
  await edit.getByRole('button', { name: 'Назначить администратором' }).click();
  assert.equal((await cells(members.filter({ hasText: 'Борисов Борис' })))[3], 'Да');
  await saveChat(page, edit, 'Сохранить', { warning: false });
  const saved = row(page, '10А/Краеведение');
  await saved.filter({ hasText: String(4 + PARENTS) }).waitFor();
  assert.deepEqual((await cells(saved)).slice(3), [String(4 + PARENTS), '2025/2026', '10А', 'Борисов Борис, Иванова Мария']);

  // Delete, after the confirmation; the row goes.
  await saved.locator('td').first().click();
  assert.equal(await saved.getAttribute('aria-selected'), 'true');
  await page.getByRole('button', { name: 'Удалить' }).click();
  const sure = dialog(page, 'Удаление чата');
  await sure.getByText('Чат будет удалён из журнала и мессенджера без возможности восстановления. Удалить?', { exact: false }).waitFor();
  await sure.getByRole('button', { name: 'Удалить' }).click();
  await saved.waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('button', { name: 'Удалить' }).isDisabled(), true);

  // «Перейти в чат»: the messenger, on that chat (its own sign-in: this account is not linked).
  ctx.allow(401, '/api/v1/messenger/me');
  // By keyboard: a row takes the focus and Enter makes it the current one.
  await row(page, '10А - Математика').focus();
  await page.keyboard.press('Enter');
  assert.equal(await row(page, '10А - Математика').getAttribute('aria-selected'), 'true');
  await page.getByRole('button', { name: 'Перейти в чат' }).click();
  await page.waitForURL((u) => u.pathname === '/messenger/' && /^#chat\/\d+$/.test(u.hash));
  ctx.assertNoProblems();
  await ctx.close();
});

test('a homeroom teacher on a phone sees the chats of their class and may create only for it', async () => {
  const ctx = await openContext(browser, srv.url, PHONE);
  const page = await openManage(ctx, HOMEROOM.login, HOMEROOM.password);
  await row(page, '10А - Ученики').waitFor();
  const classes = await rows(page).locator('td:nth-child(6)').allInnerTexts();
  assert.ok(classes.length >= 2 && classes.every((c) => c.trim() === '10А'), `only 10А: ${classes}`);
  assert.equal(await row(page, 'Учительская').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Инициализировать список чатов' }).isVisible(), false);
  await noSideScroll(page);

  // «Добавить»: the kinds a homeroom teacher may create, and their own class only.
  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  const add = dialog(page, 'Добавить новый чат');
  const kinds = (await add.getByLabel('Тип чата').locator('option').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(kinds, ['Класс', 'Родители', 'Предметы']);
  await add.getByLabel('Тип чата').selectOption({ label: 'Родители' });
  const classOptions = add.getByLabel('Класс', { exact: true }).locator('option');
  await classOptions.filter({ hasText: '10А' }).waitFor({ state: 'attached' });
  assert.deepEqual((await classOptions.allInnerTexts()).map((t) => t.trim()), ['— выберите —', '10А']);
  // The parents chat of 10А is there already: the server's refusal, in its words.
  ctx.allow(409, `${o()}/chats`);
  await add.getByLabel('Класс', { exact: true }).selectOption({ label: '10А' });
  await page.waitForFunction(() => document.querySelector('dialog[data-dialog="chat-add"] input[name="name"]')?.value === '10А - Родители');
  await add.getByRole('table', { name: 'Участники чата' }).locator('tbody tr').first().waitFor();
  await noSideScroll(page);
  await add.getByRole('button', { name: 'Добавить', exact: true }).click();
  const warn = dialog(page, 'Предупреждение');
  await warn.getByRole('button', { name: 'Ок', exact: true }).click();
  await add.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
  assert.match(await add.getByRole('alert').filter({ hasText: /\S/ }).textContent(), /[а-яё]/i);
  await add.getByRole('button', { name: 'Отмена' }).click();
  await add.waitFor({ state: 'detached' });

  // Their class chat: they edit it (members and admins), but its name is the rules'.
  await row(page, '10А - Ученики').getByRole('button', { name: '10А - Ученики' }).click();
  const edit = dialog(page, 'Редактировать чат');
  await edit.getByRole('table', { name: 'Участники чата' }).locator('tbody tr').first().waitFor();
  assert.equal(await edit.getByLabel('Наименование чата').getAttribute('readonly'), '');
  await edit.getByRole('button', { name: 'Добавить учеников' }).waitFor();
  assert.equal(await edit.getByRole('button', { name: 'Добавить себя' }).count(), 1, 'the list names their person (can.me)');
  await noSideScroll(page);
  await edit.getByRole('button', { name: 'Отмена' }).click();
  ctx.assertNoProblems();
  await ctx.close();
});

test('a student has «Чаты» without «Управление чатами», and #manage shows nothing', async () => {
  const ctx = await openContext(browser, srv.url, PHONE);
  const page = await ctx.newPage();
  await signIn(page, srv.url, STUDENT.login, STUDENT.password);
  await page.locator('.sidebar').getByRole('link', { name: 'Чаты', exact: true }).click();
  await page.locator('#link-panel').getByRole('button', { name: 'Привязать учебный профиль' }).waitFor();
  assert.equal(await page.locator('text=Управление чатами >> visible=true').count(), 0);
  assert.equal(await page.locator('.sidebar').getByRole('link', { name: 'Права' }).isVisible(), false);
  await page.goto(srv.url + '/journal/#manage');
  await page.locator('#welcome-title').waitFor();
  assert.equal(await page.locator('#manage-screen').isVisible(), false);
  assert.equal(await page.locator('#manage-body').innerHTML(), '', 'nothing was built, nothing asked of the server');
  await page.goto(srv.url + '/journal/#rights');
  await page.locator('#welcome-title').waitFor();
  assert.equal(await page.locator('#rights-screen').isVisible(), false);
  ctx.assertNoProblems();
  await ctx.close();
});

test('«Права»: a rights group with «Управление чатами», a position, an order for an employee; the bars chats administrator', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await ctx.newPage();
  await signIn(page, srv.url, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.locator('.sidebar').getByRole('link', { name: 'Права' }).click();
  await page.getByRole('heading', { name: 'Права', level: 1 }).waitFor();

  const group = page.getByRole('form', { name: 'Новая группа прав' });
  await group.getByLabel('Наименование группы прав').fill('Ответственные по Сферуму');
  await group.getByLabel('Управление чатами').check();
  await group.getByRole('button', { name: 'Создать группу прав' }).click();
  await page.getByRole('status').filter({ hasText: 'Группа прав «Ответственные по Сферуму» создана.' }).waitFor();
  await page.getByRole('table', { name: 'Группы прав' }).getByRole('row', { name: /Ответственные по Сферуму\s+Управление чатами/ }).waitFor();

  const position = page.getByRole('form', { name: 'Новая должность' });
  await position.getByLabel('Наименование должности').fill('Ответственный по Сферуму');
  await position.getByLabel('Тип должности').selectOption('Педагогический состав');
  await position.getByLabel('Группа прав').selectOption({ label: 'Ответственные по Сферуму' });
  await position.getByRole('button', { name: 'Создать должность' }).click();
  await page.getByRole('table', { name: 'Должности' }).getByRole('row', { name: /Ответственный по Сферуму/ }).waitFor();

  // A refused order shows the server's words; then a good one.
  const assign = page.getByRole('form', { name: 'Назначить должность сотруднику' });
  await assign.getByLabel('Сотрудник').selectOption({ label: 'Предметов Иван' });
  await assign.getByLabel('Должность').selectOption({ label: 'Ответственный по Сферуму' });
  await assign.getByRole('button', { name: 'Провести приказ' }).click();
  await assign.getByRole('alert').filter({ hasText: 'Введите номер приказа.' }).waitFor();
  await assign.getByLabel('Номер приказа').fill('15-к');
  await assign.getByLabel('Дата приказа').fill('2026-09-01');
  await assign.getByLabel('Действует с').fill('2026-09-02');
  await assign.getByRole('button', { name: 'Провести приказ' }).click();
  await page.getByRole('status').filter({ hasText: 'Приказ № 15-к от 01.09.2026 проведён.' }).waitFor();
  await page.getByRole('table', { name: 'Сотрудники' }).getByRole('row', { name: /Предметов Иван\s+Учитель, Ответственный по Сферуму/ }).waitFor();
  const orders = (await call(srv.url, 'GET', `${o()}/orders`, undefined, admin)).orders;
  const given = orders.find((x) => x.number === '15-к');
  assert.deepEqual([given.kind, given.order_date, given.effective_date], ['position_add', '2026-09-01', '2026-09-02']);

  // The teacher now manages chats: «Инициализировать список чатов» is theirs.
  const t = await openContext(browser, srv.url);
  const tp = await openManage(t, TEACHER.login, TEACHER.password);
  await tp.getByRole('button', { name: 'Инициализировать список чатов' }).waitFor();
  await row(tp, 'Учительская').waitFor();
  t.assertNoProblems();
  await t.close();

  // A bars organisation names its «Администратор чатов Сферум».
  assert.equal(await page.getByRole('form', { name: 'Настройки коммуникативной среды' }).count(), 0, 'sgo: no such setting');
  await call(srv.url, 'PATCH', o(), { profile: 'bars' }, admin);
  await page.reload();
  const setting = page.getByRole('form', { name: 'Настройки коммуникативной среды' });
  await setting.getByLabel('Администратор чатов Сферум').selectOption({ label: 'Классова Нина' });
  await setting.getByRole('button', { name: 'Сохранить' }).click();
  await page.getByRole('status').filter({ hasText: 'Администратор чатов сохранён.' }).waitFor();
  assert.equal((await call(srv.url, 'GET', o(), undefined, admin)).organisation.chats_admin_id, ids.homeroom);
  assert.equal(await page.getByRole('form', { name: 'Настройки коммуникативной среды' }).getByLabel('Администратор чатов Сферум').inputValue(), String(ids.homeroom));
  ctx.assertNoProblems();
  await ctx.close();
});
