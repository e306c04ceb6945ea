// A minimal WebSocket client over node:http, enough to test the server's edge cases: it can
// stop reading (pause) to play a slow consumer, and it exposes the HTTP status of a refused
// upgrade. Text frames only; masks every frame as RFC 6455 requires of clients.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

export function connect(url, { headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('response', async (res) => {
      let body = '';
      for await (const chunk of res) body += chunk;
      resolve({ refused: true, status: res.statusCode, body });
    });
    req.on('upgrade', (res, socket, head) => resolve(new WsClient(socket, head)));
    req.on('error', reject);
    req.end();
  });
}

export class WsClient {
  constructor(socket, head) {
    this.socket = socket;
    this.buf = head && head.length ? Buffer.from(head) : Buffer.alloc(0);
    this.messages = []; // received, taken by neither a stream handler nor a waiting next()
    this.takers = []; // next() calls waiting, oldest first: {pred, resolve, reject, timer}
    this.handler = null; // stream(): sees every message first
    this.waiters = [];
    this.closeCode = null;
    this.pings = 0;
    this.answerPings = true;
    this.closeReason = '';
    this.closed = new Promise((resolve) => { this._resolveClosed = resolve; });
    // Most chunks end on a frame boundary: only a partial frame is copied.
    socket.on('data', (d) => { this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d; this._parse(); });
    socket.on('close', () => {
      this._resolveClosed({ code: this.closeCode, reason: this.closeReason });
      this._refuseTakers();
      this._wake();
    });
    socket.on('error', () => {});
    this._parse();
  }

  _parse() {
    for (;;) {
      if (this.buf.length < 2) return;
      const op = this.buf[0] & 0x0f;
      let len = this.buf[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (this.buf.length < 4) return; len = this.buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (this.buf.length < 10) return; len = Number(this.buf.readBigUInt64BE(2)); off = 10; }
      if (this.buf.length < off + len) return;
      const payload = this.buf.subarray(off, off + len);
      this.buf = this.buf.subarray(off + len);
      if (op === 0x1) {
        this._deliver(JSON.parse(payload.toString('utf8')));
      } else if (op === 0x8) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.closeReason = payload.subarray(2).toString('utf8');
        this._refuseTakers();
        this._wake();
      } else if (op === 0x9) {
        this.pings++;
        if (this.answerPings) this._send(0xA, payload);
        this._wake();
      }
    }
  }

  // A message is looked at once as it arrives, never rescanned: by the stream handler, then by
  // the waiting next() calls in order, and only then queued.
  _deliver(m) {
    if (this.handler && this.handler(m)) return;
    for (let i = 0; i < this.takers.length; i++) {
      const t = this.takers[i];
      let match;
      try { match = t.pred(m); } catch (err) { this._drop(i--); t.reject(err); continue; }
      if (match) { this._drop(i); t.resolve(m); return; }
    }
    this.messages.push(m);
  }

  _drop(i) {
    clearTimeout(this.takers[i].timer);
    this.takers.splice(i, 1);
  }

  _refuseTakers() {
    const takers = this.takers;
    this.takers = [];
    for (const t of takers) {
      clearTimeout(t.timer);
      t.reject(new Error(`closed (${this.closeCode}) while waiting`));
    }
  }

  _wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  _send(op, payload) {
    const mask = randomBytes(4);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x80 | op, 0x80 | len])
      : len < 65536 ? Buffer.from([0x80 | op, 0x80 | 126, len >> 8, len & 0xff])
      : (() => { const h = Buffer.alloc(10); h[0] = 0x80 | op; h[1] = 0x80 | 127; h.writeBigUInt64BE(BigInt(len), 2); return h; })();
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i] ^ mask[i & 3];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  send(obj) { this._send(0x1, Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj))); }

  // Resolves once the server has sent `count` pings in all.
  async waitPings(count, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (this.pings < count) {
      if (this.socket.destroyed) throw new Error('closed while waiting for pings');
      if (Date.now() > deadline) throw new Error('timed out waiting for pings');
      await new Promise((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }

  // Resolves with the first queued message matching pred (removing it), else with the first
  // such message to arrive; rejects once the connection closes or timeoutMs pass.
  async next(pred = () => true, timeoutMs = 10_000) {
    const i = this.messages.findIndex(pred);
    if (i >= 0) return this.messages.splice(i, 1)[0];
    if (this.closeCode !== null || this.socket.destroyed) throw new Error(`closed (${this.closeCode}) while waiting`);
    return new Promise((resolve, reject) => {
      const t = { pred, resolve, reject };
      t.timer = setTimeout(() => {
        this._drop(this.takers.indexOf(t));
        reject(new Error('timed out waiting for a message'));
      }, timeoutMs);
      this.takers.push(t);
    });
  }

  // Hands every message, those queued first, to fn as it arrives; fn returns true for the ones
  // it takes (next() never sees them). For long streams, which a queue scanned by each next()
  // would make quadratic. stream(null) stops it.
  stream(fn) {
    this.handler = fn;
    if (fn) this.messages = this.messages.filter((m) => !fn(m));
  }

  pause() { this.socket.pause(); }
  resume() { this.socket.resume(); }
  close() { this._send(0x8, Buffer.from([0x03, 0xe8])); this.socket.end(); }
}
