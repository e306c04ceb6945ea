// A call with real media: a private Janus (scripts/janus.sh), the server in test mode, a video
// call of a class chat made through the registry's API and started by moving the server's
// clock; two separate Chromium instances with a fake camera and microphone sign in as the
// homeroom teacher and a student and join through the call page. Each receives the other's
// video (a playing <video> with a size whose time advances); a raised hand, a reaction and a
// chat message reach the other; the teacher (a moderator) turns the student's microphone off
// through Janus; moving the clock past the end shows «Звонок завершен» on both pages, which
// return to the main screen; the attendance then lists both with the time they spent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, login } from '../e2e/lib/server.mjs';
import { startJanus } from '../e2e/lib/janus.mjs';
import { launch, openContext, signIn, DESKTOP, PHONE } from './lib/harness.mjs';

const TEACHER = { login: 'petrov', password: 'petrov-password', name: 'Петров Пётр Ильич', role: 'staff' };
const STUDENT = { login: 'anna', password: 'anna-password', name: 'Иванова Анна', role: 'student' };
const MEDIA_FLAGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required'];
const MEDIA_TIMEOUT = 30_000;

let janus, srv, ids;
const browsers = [];

async function api(server, token, method, path, body, status = 200) {
  const r = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = r.status === 204 ? null : await r.json();
  assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

// Polls a condition with a deadline (the scheduler runs right after the clock moved).
async function until(what, fn, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// An organisation with a class 5А, its homeroom teacher and a student (accounts linked to
// their persons), the clock at 07:00 Moscow of the next day, and a video call of the class's
// chat from 08:00 to 08:01 made by the teacher through the registry's API.
async function prepare(server) {
  const admin = (await login(server.url)).body.token;
  const ids = { org: (await login(server.url)).body.account.org.id };
  const o = `/api/v1/orgs/${ids.org}`;
  const as = (method, path, body, status) => api(server, admin, method, path, body, status);
  let n = 0;
  const order = async (kind, fields) =>
    (await as('POST', `${o}/orders`, { kind, number: `З-${++n}`, date: '2026-09-01', ...fields }, 201)).order;
  const pos = (await as('POST', `${o}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' }, 201)).id;
  ids.teacher = (await as('POST', `${o}/persons`, { surname: 'Петров', first_name: 'Пётр', patronymic: 'Ильич' }, 201)).id;
  ids.student = (await as('POST', `${o}/persons`, { surname: 'Иванова', first_name: 'Анна' }, 201)).id;
  const cls = (await order('class_create', { name: '5А', year: 2026, parallel: 5 })).payload.class_id;
  await order('hire', { person_id: ids.teacher, position_id: pos });
  await order('homeroom', { person_id: ids.teacher, class_id: cls });
  await order('enrol', { person_id: ids.student, class_id: cls });
  for (const [who, p] of [[TEACHER.login, ids.teacher], [STUDENT.login, ids.student]]) {
    spawnSync('sqlite3', [server.db, `UPDATE accounts SET person_id = ${p} WHERE login = '${who}'`]);
  }
  // Tomorrow 07:00 in Moscow (the organisation's zone, +3): the call at 08:00–08:01 lies ahead.
  const now = await server.advance(0);
  const day = Math.floor((now + 3 * 3600) / 86400) + 1;
  ids.t0 = await server.advance(day * 86400 + 4 * 3600 - now);
  const date = new Date((ids.t0 + 3 * 3600) * 1000).toISOString().slice(0, 10);
  ids.teacherToken = (await login(server.url, TEACHER.login, TEACHER.password)).body.token;
  const chats = (await api(server, ids.teacherToken, 'GET', `${o}/chats?per_page=100`)).chats;
  const chat = chats.find((c) => c.name === '5А - Ученики').id;
  const made = await api(server, ids.teacherToken, 'POST', `${o}/conferences`,
    { kind: 'call', name: 'Классный час', chat_id: chat, date, start: '08:00', end: '08:01' }, 201);
  ids.conf = made.conference.id;
  ids.path = `${o}/conferences/${ids.conf}`;
  ids.callUrl = `${server.url}/call/?org=${ids.org}&conf=${ids.conf}`;
  return ids;
}

before(async () => {
  janus = startJanus();
  srv = await startServer({ users: [TEACHER, STUDENT], env: janus.env });
  ids = await prepare(srv);
});

after(async () => {
  for (const b of browsers) await b.close();
  await srv?.stop();
  janus?.stop();
});

// A remote participant's video that plays: a size, and a time that moves on.
async function remoteVideoPlays(page) {
  const video = page.locator('.call-tile:not(.call-tile-own) video').first();
  await video.waitFor({ timeout: MEDIA_TIMEOUT });
  const handle = await video.elementHandle();
  await page.waitForFunction((v) => !v.paused && v.videoWidth > 0 && v.videoHeight > 0 && v.currentTime > 0,
    handle, { timeout: MEDIA_TIMEOUT });
  const t1 = await handle.evaluate((v) => v.currentTime);
  await page.waitForFunction(([v, t]) => v.currentTime > t + 0.5, [handle, t1], { timeout: MEDIA_TIMEOUT });
  return handle.evaluate((v) => ({ width: v.videoWidth, height: v.videoHeight }));
}

test('two participants see and hear each other through Janus; hand, chat, muting; the end sends both home', async () => {
  // Before the start: the page checks the devices and says the call has not begun.
  const bTeacher = await launch(MEDIA_FLAGS);
  const bStudent = await launch(MEDIA_FLAGS);
  browsers.push(bTeacher, bStudent);
  const teacher = await openContext(bTeacher, srv.url, DESKTOP);
  const student = await openContext(bStudent, srv.url, PHONE);
  const tp = await teacher.newPage();
  const sp = await student.newPage();
  await signIn(tp, srv.url, TEACHER.login, TEACHER.password);
  await signIn(sp, srv.url, STUDENT.login, STUDENT.password);
  const callUrl = ids.callUrl;
  await sp.goto(callUrl);
  await sp.getByRole('heading', { name: 'Проверка камеры и микрофона' }).waitFor();
  await sp.getByText('Видеоконференция еще не началась').waitFor();
  // The fake microphone beeps: the meter moves.
  await sp.waitForFunction(() => Number(document.getElementById('level').value) > 0.1, null, { timeout: MEDIA_TIMEOUT });
  assert.ok(await sp.locator('#preview').evaluate((v) => v.srcObject !== null));

  // 08:00: the scheduler starts the call and Janus's room is made.
  await srv.advance(3600);
  await until('active with its room', async () => {
    const c = (await api(srv, ids.teacherToken, 'GET', ids.path)).conference;
    return c.state === 'active' && c.room_ready;
  });
  await sp.getByText('Видеоконференция еще не началась').waitFor({ state: 'hidden' });

  await tp.goto(callUrl);
  await tp.getByRole('button', { name: 'Присоединиться' }).click();
  await sp.getByRole('button', { name: 'Присоединиться' }).click();
  const seenByStudent = await remoteVideoPlays(sp);
  const seenByTeacher = await remoteVideoPlays(tp);
  assert.ok(seenByStudent.width > 0 && seenByTeacher.height > 0);
  // The remote tiles carry Parta's names; the remote audio track arrived too.
  await sp.locator('.call-tile:not(.call-tile-own) .call-tile-name', { hasText: 'Петров Пётр Ильич' }).waitFor();
  await tp.locator('.call-tile:not(.call-tile-own) .call-tile-name', { hasText: 'Иванова Анна' }).waitFor();
  assert.ok(await tp.locator('.call-tile:not(.call-tile-own) video').first()
    .evaluate((v) => v.srcObject.getAudioTracks().length === 1));

  // The student's phone-sized page: nothing sticks out sideways.
  assert.ok(await sp.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  // Both are in the call for Parta.
  const people = await api(srv, ids.teacherToken, 'GET', `${ids.path}/participants`);
  assert.deepEqual(people.participants.filter((p) => p.online).map((p) => p.person_id).sort(), [ids.teacher, ids.student].sort());

  // The teacher shares the screen (1280×720 from the fake capture): the student's picture
  // changes from the camera's 640×360 without a new connection, and back after «Остановить».
  assert.equal(seenByStudent.width, 640);
  await tp.getByRole('button', { name: 'Демонстрация экрана' }).click();
  await tp.getByRole('button', { name: 'Остановить демонстрацию' }).waitFor();
  const remote = await sp.locator('.call-tile:not(.call-tile-own) video').first().elementHandle();
  await sp.waitForFunction((v) => v.videoWidth === 1280 && v.videoHeight === 720, remote, { timeout: MEDIA_TIMEOUT });
  await tp.getByRole('button', { name: 'Остановить демонстрацию' }).click();
  await sp.waitForFunction((v) => v.videoWidth === 640, remote, { timeout: MEDIA_TIMEOUT });

  // The student raises a hand: the teacher sees it in the list and on the tile.
  await sp.getByRole('button', { name: 'Поднять руку' }).click();
  await sp.getByRole('button', { name: 'Опустить руку' }).waitFor();
  await tp.locator(`.call-tile[data-person="${ids.student}"] .call-hand`).waitFor();
  await tp.getByRole('button', { name: /^Участники/ }).click();
  await tp.locator(`#people li[data-person="${ids.student}"] .call-hand`).waitFor();

  // A reaction and a chat message from the teacher reach the student.
  await tp.getByRole('button', { name: 'Реакции' }).click();
  await tp.getByRole('button', { name: 'Реакция 👏' }).click();
  await sp.locator(`.call-tile[data-person="${ids.teacher}"] .call-float-on`, { hasText: '👏' }).waitFor();
  await tp.getByRole('tab', { name: 'Чат' }).click();
  await tp.getByLabel('Сообщение').fill('Откройте учебник на странице 42');
  await tp.getByRole('button', { name: 'Отправить' }).click();
  await sp.locator('#chat-unread', { hasText: '1' }).waitFor();
  await sp.getByRole('button', { name: /^Чат/ }).click();
  await sp.locator('.call-chat-text', { hasText: 'Откройте учебник на странице 42' }).waitFor();
  await sp.locator('#side-close').click();

  // The teacher, a moderator, turns the student's microphone off in Janus.
  await tp.getByRole('tab', { name: 'Участники' }).click();
  await tp.locator(`#people li[data-person="${ids.student}"]`).getByRole('button', { name: 'Выключить микрофон' }).click();
  await tp.locator(`#people li[data-person="${ids.student}"]`).getByRole('button', { name: 'Включить микрофон' }).waitFor();
  await sp.getByText('Петров Пётр Ильич выключил(а) ваш микрофон').waitFor();
  assert.equal(await sp.locator('#mic').isDisabled(), true);
  // The student has no moderation buttons.
  assert.equal(await sp.locator('.call-mute').count(), 0);

  // 08:01, the end: both pages say so and go back to the main screen.
  await srv.advance(60);
  await tp.getByRole('heading', { name: 'Звонок завершен' }).waitFor();
  await sp.getByRole('heading', { name: 'Звонок завершен' }).waitFor();
  const home = (u) => u.pathname === '/' || u.pathname === '/journal/';
  await tp.waitForURL(home);
  await sp.waitForURL(home);

  // The attendance: both were in the call from 08:00 to its end.
  const { attendance } = await api(srv, ids.teacherToken, 'GET', `${ids.path}/attendance`);
  assert.deepEqual(attendance.map((a) => [a.name, a.seconds, a.stays]), [
    ['Иванова Анна', 60, 1],
    ['Петров Пётр Ильич', 60, 1],
  ]);
  teacher.assertNoProblems();
  student.assertNoProblems();
});

test('without a media server the page says so and the rest of the call works', async () => {
  const bare = await startServer({ users: [TEACHER, STUDENT] });
  try {
    const local = await prepare(bare);
    await bare.advance(3600); // 08:00: the call starts, without a room
    await until('active', async () => (await api(bare, local.teacherToken, 'GET', local.path)).conference.state === 'active');
    const browser = await launch(MEDIA_FLAGS);
    browsers.push(browser);
    const student = await openContext(browser, bare.url, PHONE);
    student.allow(503, `${local.path}/join`);
    // Signed out, the link leads through the login page and back to the call.
    const page = await student.newPage();
    await page.goto(local.callUrl);
    await page.waitForURL((u) => u.pathname === '/');
    await page.locator('#login').fill(STUDENT.login);
    await page.locator('#password').fill(STUDENT.password);
    await page.locator('#submit').click();
    await page.waitForURL((u) => u.pathname === '/call/' && u.search === new URL(local.callUrl).search);
    await page.getByRole('button', { name: 'Присоединиться' }).click();
    await page.getByText('Сервер видеосвязи недоступен. Попробуйте позже.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Повторить' }).isVisible(), true);
    // One's own camera still shows; the chat and the hand work through Parta.
    await page.locator('.call-tile-own video').waitFor();
    await page.getByRole('button', { name: /^Чат/ }).click();
    await page.getByLabel('Сообщение').fill('У меня не работает видео');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.locator('.call-chat-text', { hasText: 'У меня не работает видео' }).waitFor();
    await page.locator('#side-close').click();
    await page.getByRole('button', { name: 'Поднять руку' }).click();
    await page.getByRole('button', { name: 'Опустить руку' }).waitFor();
    // Usable on a phone: nothing sticks out sideways.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    // «Выйти» leaves for the main screen; Parta noted the stay.
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.waitForURL((u) => u.pathname === '/' || u.pathname === '/journal/');
    const people = await api(bare, local.teacherToken, 'GET', `${local.path}/participants`);
    assert.equal(people.participants.find((p) => p.person_id === local.student).online, false);
    const { attendance } = await api(bare, local.teacherToken, 'GET', `${local.path}/attendance`);
    assert.equal(attendance.find((a) => a.person_id === local.student).stays, 1);
    student.assertNoProblems();
  } finally {
    await bare.stop();
  }
});
