// A small client of Janus's HTTP API (the REST transport), enough for the VideoRoom:
// a session kept alive, its events read by long polling, plugin handles, messages with an
// optional JSEP. Janus answers an asynchronous request with an "ack" and delivers the outcome
// later as an event carrying the same transaction: request() waits for that event.
//
//   const s = await JanusSession.create(url, { onLost });
//   const h = await s.attach('janus.plugin.videoroom', (event) => …);  // unsolicited events
//   const { data, jsep } = await h.request({ request: 'join', … }, offer);
//   await s.destroy();

const KEEPALIVE_MS = 25_000; // Janus drops a session after 60 s of silence
const POLL_EVENTS = 10;

let counter = 0;
function transaction() {
  counter += 1;
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `t${counter}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class JanusError extends Error {
  constructor(message, code = 0) {
    super(message);
    this.name = 'JanusError';
    this.code = code;
  }
}

async function post(url, body) {
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new JanusError('Нет связи с сервером видеосвязи');
  }
  if (!res.ok) throw new JanusError(`Сервер видеосвязи ответил ${res.status}`);
  const answer = await res.json();
  if (answer.janus === 'error') throw new JanusError(answer.error?.reason || 'Ошибка сервера видеосвязи', answer.error?.code);
  return answer;
}

export class JanusHandle {
  constructor(session, id, onEvent) {
    this.session = session;
    this.id = id;
    this.onEvent = onEvent;
    this.closed = false;
  }

  url() {
    return `${this.session.url}/${this.session.id}/${this.id}`;
  }

  // Sends a plugin message; resolves with {data, jsep} of its answer (synchronous or the
  // event with its transaction). A VideoRoom error (error_code) is thrown as a JanusError.
  async request(body, jsep) {
    const tx = transaction();
    const waiting = this.session.expect(tx);
    const msg = { janus: 'message', transaction: tx, body };
    if (jsep) msg.jsep = jsep;
    let answer;
    try {
      answer = await post(this.url(), msg);
    } catch (err) {
      this.session.forget(tx);
      throw err;
    }
    const event = answer.janus === 'ack' ? await waiting : (this.session.forget(tx), answer);
    const data = event.plugindata?.data || {};
    if (data.error_code) throw new JanusError(data.error || 'Ошибка комнаты', data.error_code);
    return { data, jsep: event.jsep };
  }

  async detach() {
    if (this.closed) return;
    this.closed = true;
    this.session.handles.delete(this.id);
    try {
      await post(this.url(), { janus: 'detach', transaction: transaction() });
    } catch {
      // the session may be gone already
    }
  }
}

export class JanusSession {
  // onLost(err): the session ended without destroy() (Janus stopped, the session timed out).
  static async create(url, { onLost } = {}) {
    const answer = await post(url, { janus: 'create', transaction: transaction() });
    return new JanusSession(url, answer.data.id, onLost);
  }

  constructor(url, id, onLost) {
    this.url = url;
    this.id = id;
    this.onLost = onLost || (() => {});
    this.handles = new Map();
    this.waiters = new Map(); // transaction → {resolve, reject}
    this.alive = true;
    this.keepalive = setInterval(() => this.ping(), KEEPALIVE_MS);
    this.poll();
  }

  expect(tx) {
    return new Promise((resolve, reject) => this.waiters.set(tx, { resolve, reject }));
  }

  forget(tx) {
    this.waiters.delete(tx);
  }

  async attach(plugin, onEvent) {
    const answer = await post(`${this.url}/${this.id}`, { janus: 'attach', plugin, transaction: transaction() });
    const handle = new JanusHandle(this, answer.data.id, onEvent);
    this.handles.set(handle.id, handle);
    return handle;
  }

  async ping() {
    try {
      await post(`${this.url}/${this.id}`, { janus: 'keepalive', transaction: transaction() });
    } catch (err) {
      this.lost(err);
    }
  }

  // Long polling: one GET at a time, each bringing up to POLL_EVENTS events (or a keepalive
  // after 30 s without any).
  async poll() {
    let failures = 0;
    while (this.alive) {
      let events;
      try {
        const res = await fetch(`${this.url}/${this.id}?maxev=${POLL_EVENTS}&rid=${Date.now()}`, { cache: 'no-store' });
        if (!res.ok) throw new JanusError(`Сервер видеосвязи ответил ${res.status}`);
        events = await res.json();
        failures = 0;
      } catch (err) {
        if (!this.alive) return;
        failures += 1;
        if (failures >= 3) {
          this.lost(err);
          return;
        }
        continue;
      }
      for (const event of Array.isArray(events) ? events : [events]) this.dispatch(event);
    }
  }

  dispatch(event) {
    if (event.janus === 'keepalive' || event.janus === 'ack') return;
    if (event.janus === 'error' && event.error?.code === 458) { // no such session
      this.lost(new JanusError('Сессия видеосвязи завершена', 458));
      return;
    }
    const waiter = event.transaction ? this.waiters.get(event.transaction) : null;
    if (waiter && event.janus === 'event') {
      this.waiters.delete(event.transaction);
      waiter.resolve(event);
      return;
    }
    const handle = this.handles.get(event.sender);
    if (handle && handle.onEvent) handle.onEvent(event);
  }

  lost(err) {
    if (!this.alive) return;
    this.stop(err);
    this.onLost(err);
  }

  stop(err = new JanusError('Сессия видеосвязи закрыта')) {
    this.alive = false;
    clearInterval(this.keepalive);
    for (const w of this.waiters.values()) w.reject(err);
    this.waiters.clear();
  }

  async destroy() {
    if (!this.alive) return;
    this.stop();
    try {
      await post(`${this.url}/${this.id}`, { janus: 'destroy', transaction: transaction() });
    } catch {
      // gone already
    }
  }
}

// Resolves once the connection gathered its ICE candidates (they are then in its local
// description: we do not trickle), or after `ms` with what it has.
export function iceGathered(pc, ms = 5000) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check() {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}
