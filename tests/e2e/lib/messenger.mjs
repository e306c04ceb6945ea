// Setting up a class chat with two linked messenger profiles, shared by the messenger tests:
// a homeroom teacher and a student of 5А, each linked through the API (dev SMS inbox) and
// signed in to the messenger.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { login } from './server.mjs';
import { connect } from './ws.mjs';

export const TEACHER = { login: 'teacher', password: 'teacher-password', name: 'Учитель', role: 'staff' };
export const STUDENT = { login: 'student', password: 'student-password', name: 'Ученик', role: 'student' };

export async function call(url, method, path, body, token) {
  const r = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

export async function ok(promise, status = 200) {
  const r = await promise;
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

async function code(url, phone) {
  const r = await (await fetch(`${url}/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`)).json();
  return /(\d{6})/.exec(r.messages[0].text)[1];
}

// Links a journal session to a new profile and returns a messenger token.
export async function linkAndOpen(url, token, phone, surname) {
  const s1 = await ok(call(url, 'POST', '/api/v1/me/link/start', { phone }, token));
  const s2 = await ok(call(url, 'POST', '/api/v1/me/link/code', { flow: s1.flow, code: await code(url, phone) }, token));
  await ok(call(url, 'POST', '/api/v1/me/link/about', { flow: s2.flow, surname, first_name: 'Тест' }, token));
  return (await ok(call(url, 'POST', '/api/v1/me/messenger', {}, token))).token;
}

// The server must run with the users TEACHER and STUDENT and PARTA_SMS_GATEWAY=dev.
export async function setupClass(srv) {
  const ids = {};
  const admin = await login(srv.url);
  const teacher = await login(srv.url, TEACHER.login, TEACHER.password);
  const student = await login(srv.url, STUDENT.login, STUDENT.password);
  ids.admin = admin;
  ids.org = admin.body.account.org.id;
  const base = `/api/v1/orgs/${ids.org}`;
  // The administrator's session as it is now (a test may sign in again).
  const as = (method, path, body, status = 201) => ok(call(srv.url, method, path, body, ids.admin.body.token), status);
  let n = 0;
  ids.order = async (kind, fields) =>
    (await as('POST', `${base}/orders`, { kind, number: `С-${++n}`, date: '2026-09-01', ...fields })).order;
  const pos = (await as('POST', `${base}/positions`, { name: 'Учитель', position_type: 'Педагогический состав' })).id;
  ids.teacher = (await as('POST', `${base}/persons`, { surname: 'Петров', first_name: 'Пётр' })).id;
  ids.student = (await as('POST', `${base}/persons`, { surname: 'Иванова', first_name: 'Анна' })).id;
  ids.class = (await ids.order('class_create', { name: '5А', year: 2026, parallel: 5 })).payload.class_id;
  ids.other = (await ids.order('class_create', { name: '5Б', year: 2026, parallel: 5 })).payload.class_id;
  await ids.order('hire', { person_id: ids.teacher, position_id: pos });
  await ids.order('homeroom', { person_id: ids.teacher, class_id: ids.class });
  await ids.order('enrol', { person_id: ids.student, class_id: ids.class });
  const sql = (q) => spawnSync('sqlite3', [srv.db, q], { encoding: 'utf8' });
  sql(`UPDATE accounts SET person_id = ${ids.teacher} WHERE login = 'teacher'`);
  sql(`UPDATE accounts SET person_id = ${ids.student} WHERE login = 'student'`);
  ids.teacherToken = await linkAndOpen(srv.url, teacher.body.token, '+79990000001', 'Петров');
  ids.studentToken = await linkAndOpen(srv.url, student.body.token, '+79990000002', 'Иванова');
  const chats = (await as('GET', `${base}/chats`, undefined, 200)).chats;
  ids.chat = chats.find((c) => c.name === '5А - Ученики').id;
  ids.otherChat = chats.find((c) => c.name === '5Б - Ученики').id;
  return ids;
}

export async function wsOf(url, token) {
  const ws = await connect(url.replace('http:', 'ws:') + '/api/v1/ws', { headers: { authorization: `Bearer ${token}` } });
  if (ws.refused) throw new Error(`websocket refused: ${ws.status}`);
  await ws.next((m) => m.type === 'hello');
  return ws;
}
