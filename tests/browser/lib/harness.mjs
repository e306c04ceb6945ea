// Shared set-up of the browser tests that drive the journal's «Чаты» screen and the
// messenger: Debian's chromium through playwright-core, a watcher that fails the test on a
// console error, an uncaught exception (CSP violations land there) or an error answer of our
// server that the test did not expect, and small API helpers (bearer sessions, the dev SMS
// inbox).
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.PARTA_CHROMIUM || '/usr/bin/chromium';
export const TIMEOUT = 15_000;
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

// `extraArgs`: more Chromium switches (the call test's fake camera and microphone).
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

// A browser context whose pages are watched. `allow(status, path)` names an error answer
// the test expects (a wrong code, a signed-out probe); every other one is a problem.
export async function openContext(browser, base, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'ru-RU' });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const problems = [];
  const allowed = new Set(['401 /api/v1/me']); // the login page asks whether we are signed in
  const watch = (page) => {
    page.on('console', (msg) => {
      // Chromium logs every non-2xx fetch as "Failed to load resource"; the response
      // listener below judges those by status and path.
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) {
        problems.push(`console error on ${page.url()}: ${msg.text()}`);
      }
    });
    page.on('pageerror', (err) => problems.push(`uncaught exception on ${page.url()}: ${err.message}`));
    page.on('response', (res) => {
      if (!res.url().startsWith(base) || res.status() < 400) return;
      const u = new URL(res.url());
      if (allowed.has(`${res.status()} ${u.pathname}`)) return;
      problems.push(`${res.request().method()} ${u.pathname} answered ${res.status()}`);
    });
  };
  context.on('page', watch);
  return {
    context,
    newPage: () => context.newPage(),
    allow: (status, path) => allowed.add(`${status} ${path}`),
    assertNoProblems: () => assert.deepEqual(problems, [], 'the pages logged errors'),
    close: () => context.close(),
  };
}

export const pathIs = (expected) => (u) => u.pathname === expected;

// Signs in on the login page and lands on `next` (the journal by default).
export async function signIn(page, base, login, password, next = '/journal/') {
  await page.goto(`${base}/?next=${next}`);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.locator('#submit').click();
  await page.waitForURL(pathIs(next));
}

// The newest code the dev gateway "sent" to `phone`.
export async function lastCode(base, phone) {
  const r = await fetch(`${base}/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
  assert.equal(r.status, 200);
  const { messages } = await r.json();
  assert.ok(messages.length > 0, 'a code was sent');
  return /(\d{6})/.exec(messages[0].text)[1];
}

// A JSON call with a bearer session (from login() of tests/e2e/lib/server.mjs).
export async function call(base, method, path, body, session) {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${session.body.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  assert.ok(r.status < 400, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

// Makes the account's person (surname, first name) an employee of its organisation and a
// member of the staff room, so that it has a chat once linked. Returns the staff room.
export async function staffRoomMember(base, session, db, sqlite, { surname, first_name }) {
  const org = session.body.account.org.id;
  const o = `/api/v1/orgs/${org}`;
  const pos = (await call(base, 'POST', `${o}/positions`, { name: 'Директор', position_type: 'Администрация' }, session)).id;
  const person = (await call(base, 'POST', `${o}/persons`, { surname, first_name }, session)).id;
  await call(base, 'POST', `${o}/orders`, { kind: 'hire', number: `П-${person}`, date: '2026-09-01', person_id: person, position_id: pos }, session);
  const room = (await call(base, 'GET', `${o}/chats`, undefined, session)).chats.find((c) => c.kind === 'staff');
  await call(base, 'POST', `${o}/chats/${room.id}/members`, { person_id: person }, session);
  sqlite(`UPDATE accounts SET person_id = ${person} WHERE login = '${session.body.account.login}'`);
  return room;
}
