// The messenger's extras in Chromium, two users in two browser contexts against a real
// server: a homeroom teacher (desktop, the class chat's admin) and a student of the class
// (phone width). The teacher asks for a read confirmation, reacts and pins; the student sees
// the reaction and the pin live, reacts too and confirms; the teacher sees the confirmation,
// ✓✓ and who confirmed. «Важное», forwarding to another chat (shown as forwarded), «Избранное»
// (a saved message and a note), the member list by surname with the verified mark, an admin
// deleting the student's message, and a mute from the member list: the student's send is
// refused with the server's message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login } from '../e2e/lib/server.mjs';
import { launch, openContext, lastCode, call, PHONE } from './lib/harness.mjs';

const TEACHER = { login: 'teacher', password: 'teacher-password', name: 'Учитель', role: 'staff' };
const STUDENT = { login: 'student', password: 'student-password', name: 'Ученик', role: 'student' };
const CHAT = '5А - Ученики';
const PARENTS = '5А - Родители';

let srv, browser, admin, org;
const ids = {};
const sqlite = (sql) => spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' }).stdout.trim();
let orderNo = 0;
const order = (kind, fields) => call(srv.url, 'POST', `/api/v1/orgs/${org}/orders`,
  { kind, number: `Д-${++orderNo}`, date: '2026-09-01', ...fields }, admin);

async function linkAndOpen(session, phone, surname) {
  const step = (name, body) => call(srv.url, 'POST', `/api/v1/me/link/${name}`, body, session);
  const s1 = await step('start', { phone });
  const s2 = await step('code', { flow: s1.flow, code: await lastCode(srv.url, phone) });
  await step('about', { flow: s2.flow, surname, first_name: 'Тест' });
  return call(srv.url, 'POST', '/api/v1/me/messenger', {}, session);
}

async function messengerContext(session, viewport) {
  const ctx = await openContext(browser, srv.url, viewport);
  await ctx.context.addCookies([
    { name: 'parta_msession', value: session.token, url: srv.url, httpOnly: true, sameSite: 'Lax' },
    { name: 'parta_mcsrf', value: session.csrf_token, url: srv.url, sameSite: 'Lax' },
  ]);
  const page = await ctx.newPage();
  await page.goto(srv.url + '/messenger/');
  return { ctx, page };
}

const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const message = (page, text) =>
  page.locator('#chat-messages > li.msg', { has: page.locator('.msg-text', { hasText: exact(text) }) });
const chatButton = (page, name) =>
  page.locator('.chat-item', { has: page.locator('.chat-item-name', { hasText: exact(name) }) }).getByRole('button');
const composer = (page) => page.getByLabel('Сообщение', { exact: true });
// «Ещё» under a message, then one of its actions.
async function more(msg, action) {
  await msg.locator('.msg-more > summary').click();
  await msg.getByRole('button', { name: action, exact: true }).click();
}
async function react(msg, emoji) {
  await msg.locator('.msg-react > summary').click();
  await msg.getByRole('button', { name: `Реакция ${emoji}` }).click();
}
const fitsPhone = async (page) => assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width);

before(async () => {
  srv = await startServer({ users: [TEACHER, STUDENT], env: { PARTA_SMS_GATEWAY: 'dev' } });
  admin = await login(srv.url);
  org = admin.body.account.org.id;
  const o = `/api/v1/orgs/${org}`;
  const pos = (await call(srv.url, 'POST', `${o}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }, admin)).id;
  ids.teacher = (await call(srv.url, 'POST', `${o}/persons`, { surname: 'Петров', first_name: 'Пётр' }, admin)).id;
  ids.student = (await call(srv.url, 'POST', `${o}/persons`, { surname: 'Иванова', first_name: 'Анна' }, admin)).id;
  ids.class = (await order('class_create', { name: '5А', year: 2026, parallel: 5 })).order.payload.class_id;
  await order('hire', { person_id: ids.teacher, position_id: pos });
  await order('homeroom', { person_id: ids.teacher, class_id: ids.class });
  await order('enrol', { person_id: ids.student, class_id: ids.class });
  sqlite(`UPDATE accounts SET person_id = ${ids.teacher} WHERE login = 'teacher'`);
  sqlite(`UPDATE accounts SET person_id = ${ids.student} WHERE login = 'student'`);
  ids.teacherSession = await linkAndOpen(await login(srv.url, TEACHER.login, TEACHER.password), '+79990000001', 'Петров');
  ids.studentSession = await linkAndOpen(await login(srv.url, STUDENT.login, STUDENT.password), '+79990000002', 'Иванова');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('confirmation, reactions and pins live; «важное», forwarding, «Избранное», members, a mute', async () => {
  const t = await messengerContext(ids.teacherSession);
  const s = await messengerContext(ids.studentSession, PHONE);

  // The teacher asks the class to confirm that they read a message.
  await chatButton(t.page, CHAT).click();
  await composer(t.page).fill('Собрание в четверг в 18:00');
  await t.page.getByLabel('Запросить подтверждение прочтения').check();
  await composer(t.page).press('Enter');
  const notice = message(t.page, 'Собрание в четверг в 18:00');
  await notice.getByText('подтвердили: 0').waitFor();
  assert.equal(await notice.locator('.msg-ticks').textContent(), '✓');
  assert.equal(await t.page.getByLabel('Запросить подтверждение прочтения').isChecked(), false, 'one message only');

  // The student opens the chat (her read mark reaches the teacher: ✓✓).
  await chatButton(s.page, CHAT).click();
  const seen = message(s.page, 'Собрание в четверг в 18:00');
  await seen.getByText('Автор просит подтвердить прочтение').waitFor();
  await notice.locator('.msg-ticks', { hasText: '✓✓' }).waitFor();
  assert.equal(await notice.locator('.msg-ticks').getAttribute('title'), 'Прочитано');

  // The teacher reacts and pins: the student sees both without a reload.
  await react(notice, '👍');
  await notice.getByRole('button', { name: '👍 1' }).waitFor();
  await more(notice, 'Закрепить');
  await seen.getByRole('button', { name: '👍 1' }).waitFor();
  await s.page.locator('#chat-pinned', { hasText: 'Собрание в четверг в 18:00' }).waitFor();
  await seen.locator('.msg-pinned').waitFor();
  // A student does not pin.
  await seen.locator('.msg-more > summary').click();
  assert.equal(await seen.getByRole('button', { name: 'Закрепить' }).count(), 0);
  await seen.locator('.msg-more > summary').click();

  // She puts the same reaction (the teacher sees 2) and confirms.
  await seen.getByRole('button', { name: '👍 1' }).click();
  await seen.getByRole('button', { name: '👍 2', pressed: true }).waitFor();
  await notice.getByRole('button', { name: '👍 2' }).waitFor();
  await seen.getByRole('button', { name: 'Подтвердить прочтение' }).click();
  await seen.getByText('✓ Вы подтвердили прочтение').waitFor();
  assert.equal(await seen.getByRole('button', { name: 'Подтвердить прочтение' }).count(), 0);
  await fitsPhone(s.page);

  // The teacher sees the confirmation, and who it was.
  await notice.getByText('подтвердили: 1').waitFor();
  await notice.getByRole('button', { name: 'Кто подтвердил' }).click();
  const panel = t.page.locator('#panel');
  await panel.getByText('Подтвердили (1)').waitFor();
  await panel.locator('li', { hasText: 'Иванова Тест' }).first().waitFor();
  await panel.getByText('Ещё не подтвердили (0)').waitFor();
  await panel.getByText('👍 Иванова Тест').waitFor();
  await panel.getByRole('button', { name: 'Закрыть' }).click();

  // «Важное» for the teacher.
  await more(notice, 'Важное');
  await notice.locator('.msg-important').waitFor();

  // Forwarding into the parents chat: it arrives there as forwarded.
  await more(notice, 'Переслать');
  await panel.getByLabel(PARENTS).check();
  await panel.getByText('Выбрано: 1 из 12').waitFor();
  await panel.getByRole('button', { name: 'Переслать', exact: true }).click();
  await t.page.locator('#chat-notice', { hasText: 'Переслано в 1 чат' }).waitFor();
  await chatButton(t.page, PARENTS).click();
  await message(t.page, 'Собрание в четверг в 18:00').locator('.msg-forwarded', { hasText: 'Переслано · Петров Пётр' }).waitFor();
  await chatButton(t.page, CHAT).click();
  await notice.waitFor();

  // «Избранное» on the phone: a saved message and a note of her own.
  await more(seen, 'В избранное');
  await s.page.locator('#chat-notice', { hasText: 'Сохранено в «Избранное»' }).waitFor();
  await s.page.getByRole('button', { name: '← Чаты' }).click();
  await s.page.getByRole('button', { name: /Избранное/ }).click();
  const saved = s.page.locator('#saved-list > li');
  await saved.filter({ hasText: 'Из чата «5А - Ученики» · Петров Пётр' }).waitFor();
  await s.page.getByLabel('Заметка').fill('Взять дневник');
  await s.page.getByRole('button', { name: 'Сохранить' }).click();
  await saved.filter({ hasText: 'Взять дневник' }).waitFor();
  await saved.filter({ hasText: 'Взять дневник' }).getByRole('button', { name: 'Удалить' }).click();
  await saved.filter({ hasText: 'Взять дневник' }).waitFor({ state: 'detached' });
  assert.equal(await saved.count(), 1);
  await fitsPhone(s.page);
  await s.page.getByRole('button', { name: '← Чаты' }).click();
  await chatButton(s.page, CHAT).click();

  // The student writes; the teacher, the chat's admin, deletes it.
  await composer(s.page).fill('Можно не приходить?');
  await composer(s.page).press('Enter');
  const question = message(t.page, 'Можно не приходить?');
  await question.getByRole('button', { name: 'Удалить' }).click();
  await question.getByRole('button', { name: 'Да, удалить' }).click();
  await message(s.page, 'Сообщение удалено').waitFor();

  // The member list, by surname, with the verified mark; the teacher forbids her to write.
  await t.page.getByRole('button', { name: 'Участники' }).click();
  const rows = panel.locator('.member');
  await rows.first().waitFor();
  assert.deepEqual(await rows.locator('.member-name').allTextContents(), ['Иванова Анна', 'Петров Пётр']);
  await rows.filter({ hasText: 'Петров Пётр' }).getByText('🎓 сотрудник').waitFor();
  const her = rows.filter({ hasText: 'Иванова Анна' });
  await her.getByLabel('Срок запрета: Иванова Анна').selectOption({ label: '1 час' });
  await her.getByRole('button', { name: 'Запретить писать' }).click();
  await her.getByText(/Не может писать до/).waitFor();
  await panel.getByRole('button', { name: 'Закрыть' }).click();

  await s.page.locator('#chat-notice', { hasText: 'Администратор чата запретил вам писать' }).waitFor();
  await composer(s.page).fill('А сейчас можно?');
  await composer(s.page).press('Enter');
  await s.page.locator('#chat-error', { hasText: 'Администратор чата запретил писать в этот чат: ещё 60 мин.' }).waitFor();
  assert.equal(await composer(s.page).inputValue(), 'А сейчас можно?', 'the text is kept');

  // Lifted: she writes again.
  await t.page.getByRole('button', { name: 'Участники' }).click();
  await her.getByRole('button', { name: 'Разрешить писать' }).click();
  await her.getByRole('button', { name: 'Запретить писать' }).waitFor();
  await panel.getByRole('button', { name: 'Закрыть' }).click();
  await s.page.locator('#chat-notice', { hasText: 'запретил' }).waitFor({ state: 'detached' });
  await composer(s.page).press('Enter');
  await message(t.page, 'А сейчас можно?').waitFor();

  t.ctx.assertNoProblems();
  s.ctx.assertNoProblems();
  await t.ctx.close();
  await s.ctx.close();
});
