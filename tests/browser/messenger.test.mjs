// The messenger face in Chromium against a real server with the dev SMS gateway: «Перейти в
// мессенджер» from the journal's «Чаты» screen opens it signed in without a password, and the
// profile linked in two organisations sees the chats of both, grouped; «Выйти» (a write that
// must carry the messenger's CSRF cookie) signs out; the messenger's own sign-in from a fresh
// browser by phone and SMS code, and by phone and password; an unknown phone is explained.
// The profile is linked over the API in set-up; codes come from the dev inbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login, ADMIN_LOGIN, ADMIN_PASSWORD } from '../e2e/lib/server.mjs';
import { launch, openContext, signIn, lastCode, call, staffRoomMember, pathIs, PHONE } from './lib/harness.mjs';

const OTHER = { login: 'other', password: 'other-password', name: 'Иванова Мария', org: 'Гимназия №2', role: 'admin' };
const PHONE_NUMBER = '+79991112233';
const NAME = 'Иванова Мария Петровна';

let srv;
let browser;
const sqlite = (sql) => spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' }).stdout.trim();

// Links the account's profile over the API: a new one (code, about) or the existing one
// (send-code, code, confirm).
async function linkOverApi(session, { create }) {
  const step = (name, body) => call(srv.url, 'POST', `/api/v1/me/link/${name}`, body, session);
  let s = await step('start', { phone: PHONE_NUMBER });
  if (!create) {
    await srv.advance(61);
    s = await step('send-code', { flow: s.flow });
  }
  s = await step('code', { flow: s.flow, code: await lastCode(srv.url, PHONE_NUMBER) });
  s = create
    ? await step('about', { flow: s.flow, surname: 'Иванова', first_name: 'Мария', patronymic: 'Петровна', birth_date: '1980-05-01', gender: 'f' })
    : await step('confirm', { flow: s.flow });
  assert.equal(s.step, 'done');
}

before(async () => {
  srv = await startServer({ users: [OTHER], env: { PARTA_SMS_GATEWAY: 'dev' } });
  await staffRoomMember(srv.url, await login(srv.url), srv.db, sqlite, { surname: 'Иванова', first_name: 'Мария' });
  await staffRoomMember(srv.url, await login(srv.url, OTHER.login, OTHER.password), srv.db, sqlite, { surname: 'Иванова', first_name: 'Мария' });
  await linkOverApi(await login(srv.url), { create: true });
  await linkOverApi(await login(srv.url, OTHER.login, OTHER.password), { create: false });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function assertChatsOfBothSchools(page) {
  await page.locator('#user-name', { hasText: NAME }).waitFor();
  const groups = page.locator('.chat-group');
  await groups.first().waitFor();
  assert.deepEqual(await page.locator('.chat-group-title').allTextContents(), ['Гимназия №2', 'МБОУ СОШ №1']);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(await groups.nth(i).locator('.chat-item-name').allTextContents(), ['Учительская']);
  }
  assert.match(await groups.first().locator('.chat-item-meta').textContent(), /Учительская · Участников: 1/);
}

test('«Перейти в мессенджер» opens the messenger signed in, without a password; «Выйти» signs out', async () => {
  const ctx = await openContext(browser, srv.url);
  const page = await ctx.newPage();
  await signIn(page, srv.url, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto(srv.url + '/journal/#chats');
  await page.getByRole('button', { name: 'Перейти в мессенджер' }).click();
  await page.waitForURL(pathIs('/messenger/'));
  await assertChatsOfBothSchools(page);
  await page.getByText('Гимназия №2 · МБОУ СОШ №1').waitFor();
  const session = (await ctx.context.cookies()).find((c) => c.name === 'parta_msession');
  assert.ok(session && session.httpOnly, 'the messenger session is an HttpOnly cookie');

  // «Выйти» is a write: it carries X-CSRF-Token from parta_mcsrf, else the server says 403.
  ctx.allow(401, '/api/v1/messenger/me');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/messenger/logout'));
  await page.getByRole('button', { name: 'Выйти' }).click();
  assert.equal((await answer).status(), 200);
  await page.getByRole('heading', { name: 'Вход в мессенджер' }).waitFor();

  // The journal's session is its own: still signed in there, and its «Мессенджер» link
  // enters the messenger again without a password.
  await page.getByRole('link', { name: 'Журнал', exact: true }).click();
  await page.waitForURL(pathIs('/journal/'));
  await page.getByRole('link', { name: 'Мессенджер', exact: true }).click();
  await page.waitForURL(pathIs('/messenger/'));
  await assertChatsOfBothSchools(page);
  ctx.assertNoProblems();
  await ctx.close();
});

test('the messenger\'s own sign-in from a fresh browser: phone, then the SMS code (at 360 px)', async () => {
  const ctx = await openContext(browser, srv.url, PHONE);
  ctx.allow(401, '/api/v1/messenger/me');
  ctx.allow(422, '/api/v1/messenger/login/code');
  const page = await ctx.newPage();
  await page.goto(srv.url + '/messenger/');
  await page.getByRole('heading', { name: 'Вход в мессенджер' }).waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width);

  await srv.advance(61); // the cooldown of the set-up's last code
  await page.getByLabel('Номер телефона').fill('8 999 111-22-33');
  await page.getByRole('button', { name: 'Продолжить' }).click();
  // No password on this profile: the code is sent at once.
  const resend = page.getByRole('button', { name: /Отправить код ещё раз/ });
  await resend.waitFor();
  assert.equal(await resend.isDisabled(), true);
  const code = await lastCode(srv.url, PHONE_NUMBER);
  await page.getByLabel('Код из SMS').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.getByRole('alert').filter({ hasText: 'Осталось попыток: 4' }).waitFor();
  await page.getByLabel('Код из SMS').fill(code);
  await page.getByRole('button', { name: 'Продолжить' }).click();

  await assertChatsOfBothSchools(page);
  await page.getByRole('button', { name: 'Выйти' }).waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width);
  ctx.assertNoProblems();
  await ctx.close();
});

test('the messenger\'s own sign-in by password; an unknown phone is explained', async () => {
  // Give the profile a password (the administrator's, for the test).
  sqlite(`UPDATE profiles SET pw_hash = (SELECT pw_hash FROM accounts WHERE login = 'admin') WHERE phone = '${PHONE_NUMBER}'`);
  const ctx = await openContext(browser, srv.url);
  ctx.allow(401, '/api/v1/messenger/me');
  ctx.allow(404, '/api/v1/messenger/login/start');
  ctx.allow(422, '/api/v1/messenger/login/password');
  const page = await ctx.newPage();
  await page.goto(srv.url + '/messenger/');

  await page.getByLabel('Номер телефона').fill('+79990001122');
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.getByRole('alert').filter({ hasText: 'не найден или не привязан' }).waitFor();

  await page.getByLabel('Номер телефона').fill(PHONE_NUMBER);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.getByRole('button', { name: 'Получить код по SMS' }).waitFor();
  await page.getByLabel('Пароль').fill('not it');
  await page.getByRole('button', { name: 'Войти по паролю' }).click();
  await page.getByRole('alert').filter({ hasText: 'Неверный пароль учебного профиля' }).waitFor();
  assert.equal(await page.getByLabel('Пароль').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Пароль').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Войти по паролю' }).click();
  await assertChatsOfBothSchools(page);
  ctx.assertNoProblems();
  await ctx.close();
});
