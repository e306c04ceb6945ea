// The messenger's chat view in Chromium, two users in two browser contexts against a real
// server: a homeroom teacher (desktop) and a student of the class (phone width), linked as in
// tests/e2e/12-messages.test.mjs. History from REST with «Показать ранее», messages that
// appear live on the other side without a reload (send with Enter, Shift+Enter for a new
// line, reply, edit, delete), a refused send explained with the server's message, a dropped
// connection that resumes without losing or doubling a message, a withdrawal order that
// closes the chat for the removed student at once, and a reconnect that brings what changed
// while the connection was down: a lifted mute, a chat left and a chat joined.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login } from '../e2e/lib/server.mjs';
import { connect } from '../e2e/lib/ws.mjs';
import { launch, openContext, lastCode, call, PHONE } from './lib/harness.mjs';

const TEACHER = { login: 'teacher', password: 'teacher-password', name: 'Учитель', role: 'staff' };
const STUDENT = { login: 'student', password: 'student-password', name: 'Ученик', role: 'student' };
const CHAT = '5А - Ученики';
const OLD = 51; // one more than a history page

let srv, browser, admin, org;
const ids = {};
const sqlite = (sql) => spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' }).stdout.trim();
let orderNo = 0;
const order = (kind, fields) => call(srv.url, 'POST', `/api/v1/orgs/${org}/orders`,
  { kind, number: `Ч-${++orderNo}`, date: '2026-09-01', ...fields }, admin);

// Links the journal account to a new profile; returns its messenger session.
async function linkAndOpen(session, phone, surname) {
  const step = (name, body) => call(srv.url, 'POST', `/api/v1/me/link/${name}`, body, session);
  const s1 = await step('start', { phone });
  const s2 = await step('code', { flow: s1.flow, code: await lastCode(srv.url, phone) });
  await step('about', { flow: s2.flow, surname, first_name: 'Тест' });
  return call(srv.url, 'POST', '/api/v1/me/messenger', {}, session);
}

// A browser context signed in to the messenger only (no journal cookie).
// `route` may intercept the page's WebSocket (page.routeWebSocket) before it loads.
async function messengerContext(session, viewport, route) {
  const ctx = await openContext(browser, srv.url, viewport);
  await ctx.context.addCookies([
    { name: 'parta_msession', value: session.token, url: srv.url, httpOnly: true, sameSite: 'Lax' },
    { name: 'parta_mcsrf', value: session.csrf_token, url: srv.url, sameSite: 'Lax' },
  ]);
  const page = await ctx.newPage();
  if (route) await page.routeWebSocket(/\/api\/v1\/messenger\/ws$/, route);
  await page.goto(srv.url + '/messenger/');
  return { ctx, page };
}

// The student's socket passes through the test, which can cut it and hold the reconnect
// back until it says so.
function socketTap() {
  const tap = { sockets: [], gate: null, arrived: null };
  tap.route = async (ws) => {
    tap.sockets.push(ws);
    tap.arrived?.();
    if (tap.gate) await tap.gate;
    ws.connectToServer();
  };
  // Cuts the connection; returns { reconnecting, release }.
  tap.cut = () => {
    let release;
    tap.gate = new Promise((resolve) => { release = resolve; });
    const reconnecting = new Promise((resolve) => { tap.arrived = resolve; });
    tap.sockets.at(-1).close();
    return { reconnecting, release: () => { tap.gate = null; tap.arrived = null; release(); } };
  };
  return tap;
}

const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
// A message on the page, by its whole text («Сообщение удалено» for a deleted one).
const message = (page, text) =>
  page.locator('#chat-messages > li.msg', { has: page.locator('.msg-text', { hasText: exact(text) }) });
const chatButton = (page, name) =>
  page.locator('.chat-item', { has: page.locator('.chat-item-name', { hasText: exact(name) }) }).getByRole('button');

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
  ids.chat = (await call(srv.url, 'GET', `${o}/chats`, undefined, admin)).chats.find((c) => c.name === CHAT).id;

  // More history than one page, sent over the socket as the teacher.
  const ws = await connect(srv.url.replace('http:', 'ws:') + '/api/v1/ws',
    { headers: { authorization: `Bearer ${ids.teacherSession.token}` } });
  await ws.next((m) => m.type === 'hello');
  for (let i = 1; i <= OLD; i++) {
    ws.send({ type: 'send', client_id: `old-${i}`, chat_id: ids.chat, text: `Старое сообщение ${i}` });
    await ws.next((m) => m.type === 'ack' && m.client_id === `old-${i}`);
  }
  ws.close();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('two users chat live; edit and delete reach the other side; a reconnect resumes; a withdrawal closes the chat', async () => {
  const t = await messengerContext(ids.teacherSession);
  const tap = socketTap();
  const s = await messengerContext(ids.studentSession, PHONE, tap.route);

  // The teacher opens the chat: the newest page, then «Показать ранее» for the rest.
  await chatButton(t.page, CHAT).click();
  await message(t.page, `Старое сообщение ${OLD}`).waitFor();
  assert.equal(await message(t.page, 'Старое сообщение 1').count(), 0);
  await t.page.getByRole('button', { name: 'Показать ранее' }).click();
  await message(t.page, 'Старое сообщение 1').waitFor();
  await t.page.getByRole('button', { name: 'Показать ранее' }).waitFor({ state: 'hidden' });

  // The student, on a phone: the open chat takes the screen, «← Чаты» goes back.
  await chatButton(s.page, CHAT).click();
  await message(s.page, `Старое сообщение ${OLD}`).waitFor();
  assert.equal(await s.page.locator('.chats').isVisible(), false);
  assert.ok(await s.page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width);

  // Enter sends; the student sees it appear.
  await t.page.getByLabel('Сообщение', { exact: true }).fill('Доброе утро, 5А!');
  await t.page.getByLabel('Сообщение', { exact: true }).press('Enter');
  await message(t.page, 'Доброе утро, 5А!').waitFor();
  const morning = message(s.page, 'Доброе утро, 5А!');
  await morning.waitFor();
  assert.match(await morning.locator('.msg-sender').textContent(), /Петров Пётр/);
  // Someone else's message: reply only.
  assert.equal(await morning.getByRole('button', { name: 'Изменить' }).count(), 0);
  assert.equal(await morning.getByRole('button', { name: 'Удалить' }).count(), 0);

  // Shift+Enter makes a new line.
  const area = t.page.getByLabel('Сообщение', { exact: true });
  await area.fill('Строка 1');
  await area.press('Shift+Enter');
  await area.pressSequentially('Строка 2');
  await area.press('Enter');
  await message(s.page, 'Строка 1\nСтрока 2').waitFor();

  // A reply, with the quoted message on both sides.
  await morning.getByRole('button', { name: 'Ответить' }).click();
  await s.page.getByText('Ответ: Петров Пётр').waitFor();
  await s.page.getByLabel('Сообщение', { exact: true }).fill('Здравствуйте!');
  await s.page.getByRole('button', { name: 'Отправить' }).click();
  const reply = message(t.page, 'Здравствуйте!');
  await reply.waitFor();
  assert.match(await reply.locator('.msg-quote').textContent(), /Доброе утро, 5А!/);
  await message(s.page, 'Здравствуйте!').locator('.msg-quote').waitFor();

  // The student edits her own message: «изменено» on the teacher's side.
  await s.page.getByLabel('Сообщение', { exact: true }).fill('Я забыла тетрадь');
  await s.page.getByLabel('Сообщение', { exact: true }).press('Enter');
  await message(t.page, 'Я забыла тетрадь').waitFor();
  await message(s.page, 'Я забыла тетрадь').getByRole('button', { name: 'Изменить' }).click();
  await s.page.getByText('Изменение сообщения').waitFor();
  await s.page.getByLabel('Сообщение', { exact: true }).fill('Я забыла тетрадь дома');
  await s.page.getByLabel('Сообщение', { exact: true }).press('Enter');
  const edited = message(t.page, 'Я забыла тетрадь дома');
  await edited.locator('.msg-edited', { hasText: 'изменено' }).waitFor();
  assert.equal(await message(t.page, 'Я забыла тетрадь').count(), 0);

  // …and deletes her reply: gone for everyone, its place kept.
  const mine = message(s.page, 'Здравствуйте!');
  await mine.getByRole('button', { name: 'Удалить' }).click();
  await mine.getByRole('button', { name: 'Да, удалить' }).click();
  await message(t.page, 'Сообщение удалено').waitFor();
  await message(s.page, 'Сообщение удалено').waitFor();
  assert.equal(await message(t.page, 'Здравствуйте!').count(), 0);

  // A send the server refuses (over 4096 bytes): its message, and the text is kept.
  await s.page.getByLabel('Сообщение', { exact: true }).fill('я'.repeat(2100));
  await s.page.getByRole('button', { name: 'Отправить' }).click();
  const refusal = s.page.locator('#chat-error');
  await refusal.filter({ hasText: /\S/ }).waitFor();
  assert.equal((await s.page.getByLabel('Сообщение', { exact: true }).inputValue()).length, 2100);
  await s.page.getByLabel('Сообщение', { exact: true }).fill('');

  // Back to the list and in again: what was loaded is still there.
  await s.page.getByRole('button', { name: '← Чаты' }).click();
  await chatButton(s.page, CHAT).click();
  await message(s.page, 'Я забыла тетрадь дома').waitFor();

  // The student's connection drops. She writes meanwhile («отправляется…»), the teacher
  // too; once back, the resume brings the teacher's message and her own goes out, each once.
  const outage = tap.cut();
  await outage.reconnecting;
  await s.page.getByLabel('Сообщение', { exact: true }).fill('Я тут');
  await s.page.getByLabel('Сообщение', { exact: true }).press('Enter');
  await s.page.locator('.msg-pending', { hasText: 'отправляется…' }).waitFor();
  await t.page.getByLabel('Сообщение', { exact: true }).fill('Пока вас не было');
  await t.page.getByLabel('Сообщение', { exact: true }).press('Enter');
  await message(t.page, 'Пока вас не было').waitFor();
  outage.release();
  await message(s.page, 'Пока вас не было').waitFor();
  await message(s.page, 'Я тут').waitFor();
  await s.page.locator('.msg-pending').waitFor({ state: 'detached' });
  await message(t.page, 'Я тут').waitFor();
  for (const text of ['Пока вас не было', 'Я тут', 'Я забыла тетрадь дома']) {
    assert.equal(await message(s.page, text).count(), 1, text);
    assert.equal(await message(t.page, text).count(), 1, text);
  }

  // The student is withdrawn: her chat closes at once, without a reload.
  await order('withdraw', { person_id: ids.student });
  await s.page.getByRole('alert').filter({ hasText: 'Вы больше не участник этого чата' }).waitFor();
  await s.page.locator('#chat').waitFor({ state: 'hidden' });
  assert.equal(await chatButton(s.page, CHAT).count(), 0);
  // The teacher carries on.
  await t.page.getByLabel('Сообщение', { exact: true }).fill('До свидания');
  await t.page.getByLabel('Сообщение', { exact: true }).press('Enter');
  await message(t.page, 'До свидания').waitFor();

  t.ctx.assertNoProblems();
  s.ctx.assertNoProblems();
  await t.ctx.close();
  await s.ctx.close();
});

// After the first test: the student was withdrawn from 5А.
test('a reconnect tells what changed meanwhile: a mute lifted, a chat left, a chat joined', async () => {
  await order('enrol', { person_id: ids.student, class_id: ids.class });
  await order('class_create', { name: '5Б', year: 2026, parallel: 5 });
  const classV = (await order('class_create', { name: '5В', year: 2026, parallel: 5 })).order.payload.class_id;
  const o = `/api/v1/orgs/${org}`;
  const chatB = (await call(srv.url, 'GET', `${o}/chats`, undefined, admin)).chats.find((c) => c.name === '5Б - Ученики').id;
  const teacher = await connect(srv.url.replace('http:', 'ws:') + '/api/v1/ws',
    { headers: { authorization: `Bearer ${ids.teacherSession.token}` } });
  await teacher.next((m) => m.type === 'hello');
  const mute = async (id, fields) => {
    teacher.send({ type: 'mute', client_id: id, chat_id: ids.chat, person_id: ids.student, ...fields });
    assert.equal((await teacher.next((m) => m.client_id === id)).type, 'ack');
  };
  const tap = socketTap();
  const s = await messengerContext(ids.studentSession, PHONE, tap.route);
  await chatButton(s.page, CHAT).click();
  await message(s.page, 'До свидания').waitFor();
  const notice = s.page.locator('#chat-notice');
  await mute('m-1', { hours: 1 });
  await notice.filter({ hasText: 'Администратор чата запретил вам писать' }).waitFor();

  // Lifted while she is away: the note goes once she is back.
  let outage = tap.cut();
  await outage.reconnecting;
  await mute('m-2', { lift: true });
  outage.release();
  await s.page.waitForFunction(() => document.getElementById('chat-notice').textContent === '');

  // Added to 5Б by hand, 5Б is in her list at once; taken out while she is away, it leaves
  // the list once she is back, though she never opened it.
  await call(srv.url, 'POST', `${o}/chats/${chatB}/members`, { person_id: ids.student }, admin);
  // (the open chat takes the phone's screen: the list is there, hidden)
  const itemB = s.page.locator(`.chat-item[data-chat-id="${chatB}"]`);
  await itemB.waitFor({ state: 'attached' });
  outage = tap.cut();
  await outage.reconnecting;
  await call(srv.url, 'DELETE', `${o}/chats/${chatB}/members/${ids.student}`, undefined, admin);
  outage.release();
  await itemB.waitFor({ state: 'detached' });

  // Moved to 5В while away: 5А, open, closes and leaves the list; 5В appears.
  outage = tap.cut();
  await outage.reconnecting;
  await order('transfer', { person_id: ids.student, class_id: classV });
  outage.release();
  await s.page.getByRole('alert').filter({ hasText: 'Вы больше не участник этого чата' }).waitFor();
  await s.page.locator('#chat').waitFor({ state: 'hidden' });
  await chatButton(s.page, '5В - Ученики').waitFor();
  assert.equal(await chatButton(s.page, CHAT).count(), 0);

  teacher.close();
  s.ctx.assertNoProblems();
  await s.ctx.close();
});
