// Conferences starting by themselves, through the real server (release build, test mode) and a
// private Janus on loopback. Prints "name value unit" lines:
//   lesson.activate.p99_ms       a conference's start falls due (the test clock moves onto it)
//                                → its Janus room exists (room_ready), one at a time, 200 times
//                                (target < 100 ms)
//   lesson.activate.burst1000.s  1,000 conferences starting in the same minute (08:00 in a
//                                region) → all 1,000 rooms ready (target < 5 s)
// The clock is moved, never waited for; readiness is polled with a bounded number of tries.
import { performance } from 'node:perf_hooks';
import { startServer, login } from '../tests/e2e/lib/server.mjs';
import { startJanus } from '../tests/e2e/lib/janus.mjs';
import { call, ok } from '../tests/e2e/lib/messenger.mjs';

const SINGLE = Number(process.env.BENCH_LESSONS_SINGLE || 200);
const BURST = Number(process.env.BENCH_LESSONS_BURST || 1000);

const janus = startJanus();
const srv = await startServer({ env: janus.env });
try {
  let token = (await login(srv.url)).body.token;
  const org = (await login(srv.url)).body.account.org.id;
  const api = (method, path, body, status = 200) =>
    ok(call(srv.url, method, `/api/v1/orgs/${org}${path}`, body, token), status);
  // One class with a teacher and a student: its chat holds the conferences.
  let n = 0;
  const order = async (kind, fields) =>
    (await api('POST', '/orders', { kind, number: `Б-${++n}`, date: '2026-09-01', ...fields }, 201)).order;
  const pos = (await api('POST', '/positions', { name: 'Учитель', position_type: 'Педагогический состав' }, 201)).id;
  const teacher = (await api('POST', '/persons', { surname: 'Петров', first_name: 'Пётр' }, 201)).id;
  const student = (await api('POST', '/persons', { surname: 'Иванова', first_name: 'Анна' }, 201)).id;
  const cls = (await order('class_create', { name: '5А', year: 2026, parallel: 5 })).payload.class_id;
  await order('hire', { person_id: teacher, position_id: pos });
  await order('homeroom', { person_id: teacher, class_id: cls });
  await order('enrol', { person_id: student, class_id: cls });
  const chat = (await api('GET', '/chats?kind=class')).chats[0].id;

  // 00:00 Moscow of the next day, then everyone signs in again (sessions idle out).
  const now0 = await srv.advance(0);
  const day = Math.floor((now0 + 3 * 3600) / 86400) + 1;
  const midnight = day * 86400 - 3 * 3600;
  await srv.advance(midnight - now0);
  token = (await login(srv.url)).body.token;
  const date = new Date((midnight + 3 * 3600) * 1000).toISOString().slice(0, 10);
  const hhmm = (minute) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  const create = async (startMinute, endMinute, name) =>
    (await api('POST', '/conferences', { kind: 'call', name, chat_id: chat, date, start: hhmm(startMinute), end: hhmm(endMinute) }, 201)).conference.id;

  // One at a time: 01:00, 01:01, … each lasting a minute.
  const single = [];
  for (let i = 0; i < SINGLE; i++) single.push(await create(60 + i, 61 + i, `Звонок ${i}`));
  await srv.advance(3600 - 1);
  const latencies = [];
  for (const id of single) {
    const t0 = performance.now();
    await srv.advance(1); // the start falls due
    for (let tries = 0; ; tries++) {
      const c = (await api('GET', `/conferences/${id}`)).conference;
      if (c.room_ready) break;
      if (tries > 20000) throw new Error(`conference ${id} never got its room: ${JSON.stringify(c)}`);
    }
    latencies.push(performance.now() - t0);
    await srv.advance(59);
  }
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)];
  console.log(`lesson.activate.p99_ms ${p99.toFixed(2)} ms`);

  // The burst: 1,000 starting at 08:00.
  for (let i = 0; i < BURST; i++) await create(8 * 60, 8 * 60 + 45, `Урок ${i}`);
  const now = await srv.advance(0);
  await srv.advance(midnight + 8 * 3600 - 1 - now);
  token = (await login(srv.url)).body.token;
  const from = midnight + 8 * 3600 - 60, to = midnight + 8 * 3600 + 60;
  const t0 = performance.now();
  await srv.advance(1);
  for (let tries = 0; ; tries++) {
    const list = (await api('GET', `/conferences?from=${from}&to=${to}`)).conferences;
    if (list.length === BURST && list.every((c) => c.room_ready)) break;
    if (tries > 100000) throw new Error('the burst never got all its rooms');
  }
  console.log(`lesson.activate.burst1000.s ${((performance.now() - t0) / 1000).toFixed(2)} s`);
} finally {
  await srv.stop();
  janus.stop();
}
