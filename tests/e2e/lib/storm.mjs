// A send storm over several messenger connections, cut short by SIGKILL, and what must hold
// after the restart. Shared by the crash test (tests/e2e/13-crash.test.mjs, short) and the
// bench (bench/crash.mjs, long), so that both run the same scenario.
//
// Each sender keeps at most `window` sends unacknowledged and sends the next one as an ack
// comes back, taking its acks and the chat's fanned-out `message` events as they arrive. The
// server caps what it queues to one connection (1 MiB, then 1008 «slow consumer»): a client
// that fired a long storm at once would be closed, not acknowledged.
//
//   const users = stormUsers(3);                 // TEACHER, STUDENT and one more student
//   const srv = await startServer({ users, env: { PARTA_SMS_GATEWAY: 'dev' } });
//   const { chat, senders } = await setupStorm(srv, users, 2);   // two connections a user
//   for (const s of senders) await s.connect(srv.url);
//   const cut = await storm(senders, { quota, window, killAt, kill: () => srv.child.kill('SIGKILL') });
//   … restart on srv.db at `url` …
//   await resumeAll(url, senders);
//   verify(await history(url, chat, token), senders);           // throws, saying what is wrong
//   await resendInFlight(senders);
//   verify(await history(url, chat, token), senders, { all: true });
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { login } from './server.mjs';
import { TEACHER, STUDENT, call, ok, setupClass, linkAndOpen, wsOf } from './messenger.mjs';

const NAMES = ['Борис', 'Вера', 'Глеб', 'Дина', 'Егор', 'Жанна', 'Зоя', 'Илья', 'Кира', 'Лев'];

// The accounts of `count` messenger users (2 ≤ count ≤ 12): the teacher, the student, then
// more students of the same class; pass them to startServer({users}).
export function stormUsers(count) {
  if (count < 2 || count > NAMES.length + 2) throw new Error(`stormUsers: 2..${NAMES.length + 2}`);
  const more = NAMES.slice(0, count - 2).map((name, k) =>
    ({ login: `student${k + 2}`, password: 'student-password', name, role: 'student' }));
  return [TEACHER, STUDENT, ...more];
}

// The class of setupClass with every user of stormUsers linked and in its students' chat;
// `perUser` senders (connections) a user. Resolves with {ids, chat, senders}.
export async function setupStorm(srv, users, perUser) {
  const ids = await setupClass(srv);
  const tokens = [ids.teacherToken, ids.studentToken];
  for (let k = 2; k < users.length; k++) {
    const person = (await ok(call(srv.url, 'POST', `/api/v1/orgs/${ids.org}/persons`,
      { surname: 'Сидоров', first_name: users[k].name }, ids.admin.body.token), 201)).id;
    await ids.order('enrol', { person_id: person, class_id: ids.class });
    spawnSync('sqlite3', [srv.db, `UPDATE accounts SET person_id = ${person} WHERE login = '${users[k].login}'`]);
    const journal = await login(srv.url, users[k].login, users[k].password);
    tokens.push(await linkAndOpen(srv.url, journal.body.token, `+7999000${String(k + 1).padStart(4, '0')}`, 'Сидоров'));
  }
  const senders = [];
  for (const [u, token] of tokens.entries())
    for (let c = 0; c < perUser; c++) senders.push(new Sender(`u${u}c${c}`, token, ids.chat));
  return { ids, chat: ids.chat, senders };
}

// One connection that sends: its sends are `<name>-<i>`, i = 0, 1, …, with the text
// «Сообщение <client id>». It keeps what it was told across reconnects.
export class Sender {
  constructor(name, token, chat) {
    this.name = name;
    this.token = token;
    this.chat = chat;
    this.issued = 0;
    this.inflight = new Set(); // client ids sent and not answered yet
    this.acked = new Map(); // client id → {seq, id}
    this.seen = []; // the chat's `message` events by seq, in the order they came, live or resumed
    this.problems = []; // errors, acks nothing asked for, a close nobody caused
    this.listeners = new Set(); // (kind, m) after each message taken ('ack', 'seen', 'problem') and on 'closed'
    this.closedWith = null;
  }

  async connect(url) {
    this.closedWith = null;
    const ws = await wsOf(url, this.token);
    this.ws = ws;
    ws.closed.then((c) => {
      if (this.ws !== ws) return;
      this.closedWith = c;
      this._tell('closed', c);
    });
    ws.stream((m) => this._take(m));
  }

  text(clientId) { return `Сообщение ${clientId}`; }

  send(clientId) {
    this.inflight.add(clientId);
    this.ws.send({ type: 'send', client_id: clientId, chat_id: this.chat, text: this.text(clientId) });
  }

  sendNext() { this.send(`${this.name}-${this.issued++}`); }

  lastSeen() { return this.seen.length ? this.seen[this.seen.length - 1] : 0; }

  _take(m) {
    let kind;
    if (m.type === 'message' && m.chat_id === this.chat) {
      this.seen.push(m.seq);
      kind = 'seen';
    } else if (m.type === 'ack' && this.inflight.delete(m.client_id)) {
      this.acked.set(m.client_id, { seq: m.seq, id: m.message.id });
      kind = 'ack';
    } else if (m.type === 'ack' || m.type === 'error') {
      this.problems.push(`${this.name}: ${m.type === 'ack' ? 'an ack nothing was waiting for' : `${m.code} ${m.message}`} (${m.client_id})`);
      kind = 'problem';
    } else {
      return false; // hello, resumed, chat.read …: left to next()
    }
    this._tell(kind, m);
    return true;
  }

  _tell(kind, m) {
    for (const f of this.listeners) f(kind, m);
  }
}

// Resolves once done() holds, rechecked after every message a sender takes; rejects with the
// first problem a sender has, or when nothing arrives for stallMs (the server stopped
// answering), or when fail() names a reason.
export function until(senders, done, what, { stallMs = 10_000, fail = () => null, onEvent = null } = {}) {
  return new Promise((resolve, reject) => {
    const hooks = [];
    let timer = null;
    const finish = (err) => {
      clearTimeout(timer);
      for (const [s, f] of hooks) s.listeners.delete(f);
      err ? reject(err) : resolve();
    };
    const check = () => {
      const bad = senders.find((s) => s.problems.length);
      const why = bad ? bad.problems[0] : fail();
      if (why) return finish(new Error(`${why} (while waiting for ${what})`));
      if (done()) return finish();
      if (timer) timer.refresh(); // something came: the stall is counted from now
      else timer = setTimeout(() => finish(new Error(`nothing came for ${stallMs} ms while waiting for ${what}`)), stallMs);
    };
    for (const s of senders) {
      const f = (kind, m) => { if (onEvent) onEvent(s, kind, m); check(); };
      hooks.push([s, f]);
      s.listeners.add(f);
    }
    check();
  });
}

// The storm: every sender sends its `quota`, `window` at a time, until `killAt` acks have come
// in all; then kill() runs at once, from the handler of that ack (sends are in flight), the
// senders stop, and the promise resolves once every connection has closed, with
// {acked, inFlight (at the kill), stormMs (first send → kill)}. Acks that were on the wire
// when the server died are taken as they come, and count.
export async function storm(senders, { quota, window, killAt, kill, stallMs }) {
  if (killAt >= quota * senders.length) throw new Error('storm: killAt must come before the storm ends');
  let acks = 0;
  let cut = null;
  const t0 = performance.now();
  const pump = (s) => { while (!cut && s.inflight.size < window && s.issued < quota) s.sendNext(); };
  const onEvent = (s, kind) => {
    if (kind !== 'ack') return;
    if (++acks >= killAt && !cut) {
      cut = { inFlight: senders.reduce((n, x) => n + x.inflight.size, 0), stormMs: performance.now() - t0 };
      kill();
    }
    pump(s);
  };
  const early = () => (cut ? null : senders.find((s) => s.closedWith));
  const done = until(senders, () => cut && senders.every((s) => s.closedWith), 'the storm and the kill', {
    stallMs,
    onEvent,
    fail: () => early() && `${early().name} closed (${early().closedWith.code} ${early().closedWith.reason}) before the kill`,
  });
  senders.forEach(pump);
  await done;
  return { acked: senders.reduce((n, s) => n + s.acked.size, 0), ...cut };
}

// Every sender reconnects to the restarted server and resumes from the last sequence number it
// saw; resolves once all have their `resumed`.
export async function resumeAll(url, senders, timeoutMs = 30_000) {
  await Promise.all(senders.map(async (s) => {
    await s.connect(url);
    s.ws.send({ type: 'resume', chats: { [s.chat]: s.lastSeen() } });
    await s.ws.next((m) => m.type === 'resumed', timeoutMs);
  }));
}

// The whole chat, oldest first (the pages come newest first).
export async function history(url, chat, token) {
  const newest = [];
  for (let before = 0; ;) {
    const page = (await ok(call(url, 'GET', `/api/v1/messenger/chats/${chat}/messages?limit=200${before ? `&before=${before}` : ''}`, undefined, token))).messages;
    newest.push(...page);
    if (page.length < 200) break;
    before = page[page.length - 1].seq;
  }
  return newest.reverse();
}

// What must hold of the chat after the restart; throws an Error listing what does not:
// every acknowledged message is there once, under its id and seq; no message is there twice;
// the seqs run 1..N without a gap; every sender saw each of 1..N exactly once, in order (live,
// then resumed, then live again). With `all: true` (after resending what was in flight)
// every send ever made is there exactly once, and nothing else.
export function verify(messages, senders, { all = false } = {}) {
  const problems = [];
  const byText = new Map();
  for (const m of messages) byText.set(m.text, (byText.get(m.text) || 0) + 1);
  const where = new Map(messages.map((m) => [m.text, m]));
  let twice = 0;
  for (const [text, n] of byText) if (n > 1 && twice++ < 5) problems.push(`«${text}» is there ${n} times`);
  for (const s of senders) {
    for (const [clientId, a] of s.acked) {
      const m = where.get(s.text(clientId));
      if (!m) problems.push(`${clientId} was acknowledged (seq ${a.seq}) and is missing`);
      else if (m.id !== a.id || m.seq !== a.seq) problems.push(`${clientId} was acknowledged as id ${a.id} seq ${a.seq}, is id ${m.id} seq ${m.seq}`);
    }
    if (all) for (let i = 0; i < s.issued; i++) {
      if (!byText.has(s.text(`${s.name}-${i}`))) problems.push(`${s.name}-${i} was sent again and is missing`);
    }
  }
  if (all) {
    const issued = senders.reduce((n, s) => n + s.issued, 0);
    if (byText.size !== issued) problems.push(`${byText.size} different messages for ${issued} sends`);
  }
  const gap = messages.findIndex((m, k) => m.seq !== k + 1);
  if (gap >= 0) problems.push(`the chat's seq has a gap or a repeat: position ${gap + 1} holds seq ${messages[gap].seq}`);
  for (const s of senders) {
    const k = s.seen.findIndex((seq, j) => seq !== j + 1);
    if (k >= 0) problems.push(`${s.name} saw seq ${s.seen[k]} where ${k + 1} was due (${s.seen.slice(Math.max(0, k - 2), k + 3).join(', ')} …)`);
    else if (s.seen.length !== messages.length) problems.push(`${s.name} saw seqs 1..${s.seen.length} of 1..${messages.length}`);
  }
  if (problems.length) throw new Error(`${problems.length} problem(s):\n  ${problems.slice(0, 20).join('\n  ')}`);
}

// A client that tracked only its acks resumes from the last acknowledged seq and must get
// exactly the messages after it, in order. Resolves with the seqs it got.
export async function resumeFromLastAck(url, senders, messages) {
  const last = Math.max(0, ...senders.flatMap((s) => [...s.acked.values()].map((a) => a.seq)));
  const ws = await wsOf(url, senders[0].token);
  ws.send({ type: 'resume', chats: { [senders[0].chat]: last } });
  const got = [];
  for (;;) {
    const m = await ws.next((x) => x.type === 'message' || x.type === 'resumed', 30_000);
    if (m.type === 'resumed') break;
    got.push(m.seq);
  }
  ws.close();
  const want = messages.filter((m) => m.seq > last).map((m) => m.seq);
  if (got.join() !== want.join())
    throw new Error(`resuming from the last acknowledged seq ${last} brought [${got.slice(0, 10)}…] (${got.length}), not [${want.slice(0, 10)}…] (${want.length})`);
}

// After the restart every sender sends again, under the same client ids, what was in flight
// when the server died, and its first acknowledged send as well: the server stores what it
// never got and answers the rest with the stored message. Resolves once every resend is
// answered and every sender has seen the chat up to its new last seq.
export async function resendInFlight(senders, stallMs) {
  const firsts = new Map();
  for (const s of senders) {
    const [first] = s.acked.entries();
    if (first) { firsts.set(s, first); s.acked.delete(first[0]); }
    for (const id of [...s.inflight, ...(first ? [first[0]] : [])]) s.send(id);
  }
  await until(senders, () => senders.every((s) => s.inflight.size === 0), 'the answers to the resends', { stallMs });
  for (const [s, [id, a]] of firsts) {
    const again = s.acked.get(id);
    if (again.id !== a.id || again.seq !== a.seq) throw new Error(`${id} sent again was answered as id ${again.id} seq ${again.seq}, not ${a.id} ${a.seq}`);
  }
  const last = Math.max(...senders.flatMap((s) => [...s.acked.values()].map((a) => a.seq)));
  await until(senders, () => senders.every((s) => s.lastSeen() >= last), `every sender to see seq ${last}`, { stallMs });
}

export function closeAll(senders) {
  for (const s of senders) if (s.ws && !s.closedWith) s.ws.close();
}
