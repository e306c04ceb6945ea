// Browser tests for sign-in and the two signed-in frames (journal, messenger).
//
// Runs Debian's chromium through playwright-core. By default it starts its own real server
// (the binary in $PARTA_BIN, a temporary database, an administrator account); to test a
// server that is already running instead:
//
//   PARTA_URL=http://127.0.0.1:8080 PARTA_LOGIN=admin PARTA_PASSWORD=secret \
//   PARTA_DISPLAY_NAME='Иванова Мария Петровна' node --test tests/browser/
//
// Every page is watched: a console error, an uncaught exception (CSP
// violations land there too) or a failed load of one of our own resources
// fails the test. The only failures expected are the 401 answers of
// /api/v1/me (signed out), of /api/v1/messenger/me (no messenger session: the
// messenger's own sign-in) and of the login POST (wrong password).

import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer, ADMIN_LOGIN, ADMIN_PASSWORD, ADMIN_NAME } from '../e2e/lib/server.mjs';

const EXTERNAL = Boolean(process.env.PARTA_URL);
let BASE = (process.env.PARTA_URL || '').replace(/\/+$/, '');
const LOGIN = EXTERNAL ? process.env.PARTA_LOGIN || '' : ADMIN_LOGIN;
const PASSWORD = EXTERNAL ? process.env.PARTA_PASSWORD || '' : ADMIN_PASSWORD;
const DISPLAY_NAME = EXTERNAL ? process.env.PARTA_DISPLAY_NAME || '' : ADMIN_NAME;
let server;
const CHROMIUM = process.env.PARTA_CHROMIUM || '/usr/bin/chromium';

const TIMEOUT = 15_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

const EXPECTED_401 = new Set(['/api/v1/me', '/api/v1/auth/login', '/api/v1/messenger/me']);

let browser;
let context;
let problems;

const url = (p) => BASE + p;
const pathIs = (expected) => (u) => u.pathname === expected;

before(async () => {
  if (!EXTERNAL) {
    server = await startServer();
    BASE = server.url;
  }
  assert.ok(BASE, 'set PARTA_URL to the server under test, e.g. http://127.0.0.1:8080');
  assert.ok(LOGIN && PASSWORD, 'set PARTA_LOGIN and PARTA_PASSWORD to a valid account');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(() => {
  problems = [];
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

function isExpectedConsoleError(text) {
  // Chromium logs every non-2xx fetch as "Failed to load resource: the
  // server responded with a status of 401 (Unauthorized)".
  return /Failed to load resource/.test(text) && /\b401\b/.test(text);
}

function watch(page) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !isExpectedConsoleError(msg.text())) {
      problems.push(`console error on ${page.url()}: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => {
    problems.push(`uncaught exception on ${page.url()}: ${err.message}`);
  });
  page.on('response', (res) => {
    const u = new URL(res.url());
    if (!res.url().startsWith(BASE) || res.status() < 400) return;
    if (res.status() === 401 && EXPECTED_401.has(u.pathname)) return;
    problems.push(`${res.request().method()} ${u.pathname} answered ${res.status()}`);
  });
}

async function newPage(viewport = DESKTOP) {
  context = await browser.newContext({ viewport, locale: 'ru-RU' });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const page = await context.newPage();
  watch(page);
  return page;
}

function assertNoProblems() {
  assert.deepEqual(problems, [], 'the pages logged errors');
}

async function signIn(page, { next } = {}) {
  await page.goto(url(next ? `/?next=${next}` : '/'));
  await page.locator('#login').fill(LOGIN);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(pathIs(next || '/journal/'));
}

async function textOf(page, selector) {
  const loc = page.locator(selector);
  await loc.waitFor({ state: 'visible' });
  return (await loc.textContent()).trim();
}

async function pageWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

test('a wrong password shows the server message and stays on the login page', async () => {
  const page = await newPage();
  await page.goto(url('/'));
  assert.equal(await page.title(), 'Parta — вход');
  assert.equal(await textOf(page, 'h1'), 'Parta');
  await page.getByText('Школьный мессенджер и электронный журнал').waitFor();
  assert.equal(await page.locator('#password').getAttribute('type'), 'password');
  assert.equal(await textOf(page, '#submit'), 'Войти');
  assert.equal(await page.locator('#error').getAttribute('role'), 'alert');

  await page.getByLabel('Логин').fill(LOGIN);
  await page.getByLabel('Пароль').fill(PASSWORD + '-wrong');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.locator('#submit').click();
  assert.equal((await answer).status(), 401);

  await page.locator('#error', { hasText: 'Неверный логин или пароль' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.locator('#submit').isEnabled(), true, 'the button is usable again');
  assertNoProblems();
});

test('signing in lands on the journal and shows who is signed in', async () => {
  const page = await newPage();
  await signIn(page);
  assert.equal(await page.title(), 'Parta · Журнал');
  await page.getByText('Parta · Журнал').waitFor();

  const name = await textOf(page, '#user-name');
  if (DISPLAY_NAME) assert.equal(name, DISPLAY_NAME);
  else assert.ok(name.length > 0, 'a display name is shown');
  assert.equal(await textOf(page, '#welcome-title'), `Добро пожаловать, ${name}`);
  await page.getByText('Выберите раздел слева.').waitFor();
  for (const item of ['Чаты', 'Управление чатами', 'Классный журнал', 'Дневник']) {
    await page.locator('.sidebar').getByText(item, { exact: true }).waitFor();
  }
  assert.notEqual(await textOf(page, '#user-org'), '', 'the organisation is shown');

  // Signed in already: the login page sends us straight on.
  await page.goto(url('/'));
  await page.waitForURL(pathIs('/journal/'));
  assertNoProblems();
});

test('the «Мессенджер» link of an account without a profile opens the messenger sign-in', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Мессенджер', exact: true }).click();
  await page.waitForURL(pathIs('/messenger/'));
  assert.equal(await page.title(), 'Parta · Мессенджер');
  // The messenger has sessions of its own (a profile's): not signed in there yet.
  await page.getByRole('heading', { name: 'Вход в мессенджер' }).waitFor();
  await page.getByLabel('Номер телефона').waitFor();
  assert.equal(await page.locator('#logout').isVisible(), false);

  await page.getByRole('link', { name: 'Журнал', exact: true }).click();
  await page.waitForURL(pathIs('/journal/'));
  await page.locator('#welcome-title').waitFor();
  assertNoProblems();
});

test('«Выйти» signs out; the journal then asks to sign in again', async () => {
  const page = await newPage();
  await signIn(page);
  await page.locator('#user-name').waitFor();
  await page.getByRole('button', { name: 'Выйти' }).click();
  await page.waitForURL(pathIs('/'));
  await page.locator('#login').waitFor();

  const me = await context.request.get(url('/api/v1/me'));
  assert.equal(me.status(), 401, 'the session is gone on the server');

  await page.goto(url('/journal/'));
  await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('next') === '/journal/');
  await page.locator('#login').waitFor();

  // The messenger signs in on its own page.
  await page.goto(url('/messenger/'));
  await page.getByRole('heading', { name: 'Вход в мессенджер' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/messenger/');
  assertNoProblems();
});

test('?next= picks the face after sign-in, and only our own faces', async () => {
  let page = await newPage();
  await signIn(page, { next: '/messenger/' });
  await page.getByRole('heading', { name: 'Вход в мессенджер' }).waitFor();
  await context.close();

  page = await newPage();
  await page.goto(url('/?next=' + encodeURIComponent('https://example.com/')));
  await page.locator('#login').fill(LOGIN);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(pathIs('/journal/'));
  assertNoProblems();
});

test('at 360 px nothing scrolls sideways', async () => {
  const page = await newPage(PHONE);
  await page.goto(url('/?next=/messenger/'));
  await page.locator('#submit').waitFor();
  assert.ok(await pageWidth(page) <= PHONE.width, 'the login page scrolls sideways');

  await page.locator('#login').fill(LOGIN);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#submit').click();
  await page.waitForURL(pathIs('/messenger/'));
  await page.getByRole('heading', { name: 'Вход в мессенджер' }).waitFor();
  await page.getByLabel('Номер телефона').waitFor();
  assert.ok(await pageWidth(page) <= PHONE.width, 'the messenger sign-in scrolls sideways');

  await page.getByRole('link', { name: 'Журнал', exact: true }).click();
  await page.waitForURL(pathIs('/journal/'));
  await page.locator('#welcome-title').waitFor();
  assert.ok(await pageWidth(page) <= PHONE.width, 'the journal scrolls sideways');
  assertNoProblems();
});
