// The journal's «Чаты» screen in Chromium (SPEC §2, §5) against a real server with the dev
// SMS gateway: the link wizard for a new profile (phone, code, «Информация о себе»,
// «Создать учебный профиль»), the linked state with the user's chat cards, a second
// organisation's account linking the existing profile by code and «Подтвердить»,
// «Отменить привязку учебного профиля» after confirmation, and a student's screen without
// «Управление чатами» at phone width. Codes are read from the dev inbox, not through the UI;
// the server clock moves instead of sleeping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, ADMIN_LOGIN, ADMIN_PASSWORD } from '../e2e/lib/server.mjs';
import { launch, openContext, signIn, lastCode, staffRoomMember, PHONE } from './lib/harness.mjs';

const OTHER = { login: 'other', password: 'other-password', name: 'Иванова Мария', org: 'Гимназия №2', role: 'admin' };
const STUDENT = { login: 'student', password: 'student-password', name: 'Петров Пётр', role: 'student' };
const PHONE_NUMBER = '+79991112233';
const MASKED = '+7999***2233';

let srv;
let browser;
const sqlite = (sql) => spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' }).stdout.trim();

before(async () => {
  srv = await startServer({ users: [OTHER, STUDENT], env: { PARTA_SMS_GATEWAY: 'dev' } });
  await staffRoomMember(srv.url, await login(srv.url), srv.db, sqlite, { surname: 'Иванова', first_name: 'Мария' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function openChats(ctx, who, password) {
  const page = await ctx.newPage();
  await signIn(page, srv.url, who, password);
  await page.locator('.sidebar').getByRole('link', { name: 'Чаты', exact: true }).click();
  await page.getByRole('heading', { name: 'Чаты', level: 1 }).waitFor();
  return page;
}

const panel = (page) => page.locator('#link-panel');

test('a new profile through the wizard: phone, code, «Информация о себе» → linked, with the chat cards', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await openChats(ctx, ADMIN_LOGIN, ADMIN_PASSWORD);
  assert.equal(new URL(page.url()).hash, '#chats');
  await panel(page).getByText('Учебный профиль не привязан').waitFor();

  await page.getByRole('button', { name: 'Привязать учебный профиль' }).click();
  await page.getByLabel('Номер телефона').fill('8 (999) 111-22-33');
  await page.getByRole('button', { name: 'Продолжить' }).click();

  // The code step: «Отправить код ещё раз» waits, counting down.
  const resend = page.getByRole('button', { name: /Отправить код ещё раз/ });
  await resend.waitFor();
  assert.equal(await resend.isDisabled(), true);
  assert.match(await resend.textContent(), /через \d+ с/);
  const code = await lastCode(srv.url, PHONE_NUMBER);

  // A wrong code: the server's message with the attempts left, inline.
  ctx.allow(422, '/api/v1/me/link/code');
  await page.getByLabel('Код из SMS').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.getByRole('alert').filter({ hasText: 'Неверный код. Осталось попыток: 4' }).waitFor();
  assert.equal(await page.getByLabel('Код из SMS').getAttribute('aria-invalid'), 'true');

  await page.getByLabel('Код из SMS').fill(code);
  await page.getByRole('button', { name: 'Продолжить' }).click();

  await page.getByRole('heading', { name: 'Информация о себе' }).waitFor();
  await page.getByRole('button', { name: 'Создать учебный профиль' }).click();
  await page.getByRole('alert').filter({ hasText: 'Укажите фамилию.' }).waitFor();
  await page.getByLabel('Фамилия').fill('Иванова');
  await page.getByLabel('Имя', { exact: true }).fill('Мария');
  await page.getByLabel('Отчество').fill('Петровна');
  await page.getByLabel('Дата рождения').fill('1980-05-01');
  await page.getByLabel('Пол').selectOption('f');
  await page.getByRole('button', { name: 'Создать учебный профиль' }).click();

  await panel(page).getByText('Ваша учётная запись связана с учебным профилем').waitFor();
  await panel(page).getByText('Иванова Мария Петровна').waitFor();
  await panel(page).getByText(MASKED).waitFor();
  await panel(page).getByText('Подтверждённый сотрудник').waitFor();
  for (const name of ['Перейти в мессенджер', 'Отменить привязку учебного профиля']) {
    await panel(page).getByRole('button', { name }).waitFor();
  }
  // An administrator manages chats; the button leads to its screen.
  await panel(page).getByRole('link', { name: 'Управление чатами' }).click();
  await page.locator('#manage-body table tbody tr').first().waitFor();
  await page.goBack();

  const card = page.locator('.chat-card');
  await card.first().waitFor();
  assert.equal(await card.count(), 1);
  assert.equal(await card.locator('.chat-card-kind').textContent(), 'Учительская');
  assert.equal(await card.locator('.chat-card-name').textContent(), 'Учительская');
  assert.match(await card.innerText(), /Администраторы чата: [\s\S]*Участников чата: 1/);
  ctx.assertNoProblems();
  await ctx.close();
});

test('another organisation\'s account links the existing profile by SMS code and «Подтвердить»', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await openChats(ctx, OTHER.login, OTHER.password);
  await page.getByText('Чатов пока нет').waitFor();
  await page.getByRole('button', { name: 'Привязать учебный профиль' }).click();
  await page.getByLabel('Номер телефона').fill('+7 999 111 22 33');
  await page.getByRole('button', { name: 'Продолжить' }).click();

  // The profile exists and has no password: only the code.
  const getCode = page.getByRole('button', { name: 'Получить код по SMS' });
  await getCode.waitFor();
  assert.equal(await page.getByLabel('Пароль').count(), 0);
  // Too soon after the phone's last code: the server's 429 message with the wait.
  ctx.allow(429, '/api/v1/me/link/send-code');
  await getCode.click();
  await page.getByRole('alert').filter({ hasText: /Код можно запросить повторно через \d+ с/ }).waitFor();
  await srv.advance(61);
  await getCode.click();
  // The code field comes with the answer: only then is the new code stored to be read.
  await page.getByLabel('Код из SMS').waitFor();
  await page.getByLabel('Код из SMS').fill(await lastCode(srv.url, PHONE_NUMBER));
  await page.getByRole('button', { name: 'Продолжить' }).click();

  await page.getByRole('heading', { name: 'Проверьте личные данные' }).waitFor();
  const facts = await page.locator('.facts').innerText();
  for (const text of ['Иванова', 'Мария', 'Петровна', '01.05.1980', MASKED]) assert.ok(facts.includes(text), facts);
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await panel(page).getByText('Ваша учётная запись связана с учебным профилем').waitFor();
  await panel(page).getByText('Иванова Мария Петровна').waitFor();
  ctx.assertNoProblems();
  await ctx.close();
});

test('«Отменить привязку учебного профиля» asks first, then returns to the not-linked state', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await openChats(ctx, ADMIN_LOGIN, ADMIN_PASSWORD);
  const unlink = panel(page).getByRole('button', { name: 'Отменить привязку учебного профиля' });

  await unlink.click();
  const dialog = page.getByRole('dialog', { name: 'Отменить привязку учебного профиля?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Не отменять' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await panel(page).getByText('Ваша учётная запись связана с учебным профилем').waitFor();

  await unlink.click();
  await dialog.waitFor();
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/link') && r.request().method() === 'DELETE');
  await dialog.getByRole('button', { name: 'Отменить привязку' }).click();
  assert.equal((await answer).status(), 200);
  await panel(page).getByText('Учебный профиль не привязан').waitFor();
  await panel(page).getByRole('button', { name: 'Привязать учебный профиль' }).waitFor();
  ctx.assertNoProblems();
  await ctx.close();
});

test('a student sees «Чаты» without «Управление чатами», and nothing scrolls sideways at 360 px', async () => {
  const ctx = await openContext(browser, srv.url, PHONE);
  const page = await openChats(ctx, STUDENT.login, STUDENT.password);
  await panel(page).getByRole('button', { name: 'Привязать учебный профиль' }).waitFor();
  await page.getByText('Чатов пока нет').waitFor();
  assert.equal(await page.locator('text=Управление чатами >> visible=true').count(), 0, 'no management for a student');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width);

  // The wizard fits a phone too; the student links a profile of their own.
  await page.getByRole('button', { name: 'Привязать учебный профиль' }).click();
  await page.getByLabel('Номер телефона').fill('+79994445566');
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.getByLabel('Код из SMS').waitFor();
  await page.getByLabel('Код из SMS').fill(await lastCode(srv.url, '+79994445566'));
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.getByLabel('Фамилия').fill('Петров');
  await page.getByLabel('Имя', { exact: true }).fill('Пётр');
  await page.getByRole('button', { name: 'Создать учебный профиль' }).click();
  await panel(page).getByText('Ваша учётная запись связана с учебным профилем').waitFor();
  await panel(page).getByRole('button', { name: 'Перейти в мессенджер' }).waitFor();
  assert.equal(await page.locator('text=Управление чатами >> visible=true').count(), 0, 'still none when linked');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width);

  // A student cannot reach the management screen by its address either.
  await page.goto(srv.url + '/journal/#manage');
  await page.locator('#welcome-title').waitFor();
  assert.equal(await page.locator('#manage-screen').isVisible(), false);
  ctx.assertNoProblems();
  await ctx.close();
});
