// The messenger face's one WebSocket (/api/v1/messenger/ws, docs/protocol.md): the browser
// sends the parta_msession cookie with the handshake (the journal's cookie, when the user has
// both faces open, does not count there); the server checks the Origin.
//
// It reconnects after every close, waiting longer each time (exponential backoff with
// jitter, so that a restarted server is not hit by every client at once). After each
// `hello` it sends `resume` with what the page holds (resumeState), then every
// command still waiting for its ack or error: the server answers a repeated `client_id`
// with the stored result instead of applying it twice, so nothing is lost or doubled.

const BASE_DELAY = 500;
const MAX_DELAY = 30_000;

// handlers:
//   onHello(hello)   after each (re)connect (returning false would stop for good)
//   onEvent(msg)     every other message from the server
//   resumeState()    { "<chat id>": last seq seen, or null } for the chats the page holds,
//                    or null when it holds nothing to resume yet
//   onLost()         a connection closed before its hello (maybe signed out)
export function createSocket({ onHello, onEvent, resumeState, onLost }) {
  let ws = null;
  let ready = false;
  let attempt = 0;
  let timer = 0;
  let stopped = false;
  const waiting = new Map(); // client_id → command, until its ack or error

  const raw = (obj) => ws.send(JSON.stringify(obj));

  function greeted(hello) {
    attempt = 0;
    if (onHello(hello) === false) {
      stop();
      return;
    }
    ready = true;
    const chats = resumeState();
    if (chats) raw({ type: 'resume', chats });
    for (const command of waiting.values()) raw(command);
  }

  function receive(event) {
    let msg;
    try {
      msg = JSON.parse(event.data);
    } catch {
      return;
    }
    if (msg.type === 'hello') {
      greeted(msg);
      return;
    }
    if ((msg.type === 'ack' || msg.type === 'error') && msg.client_id) waiting.delete(msg.client_id);
    onEvent(msg);
  }

  function schedule(hadHello) {
    if (stopped || timer) return;
    if (!hadHello) onLost();
    const cap = Math.min(MAX_DELAY, BASE_DELAY * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(connect, cap / 2 + Math.random() * (cap / 2));
  }

  function connect() {
    timer = 0;
    if (stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/messenger/ws`);
    let hadHello = false;
    ws = socket;
    socket.addEventListener('message', (event) => {
      if (ws !== socket) return;
      if (!hadHello) hadHello = true;
      receive(event);
    });
    socket.addEventListener('close', () => {
      if (ws !== socket) return;
      ws = null;
      ready = false;
      schedule(hadHello);
    });
  }

  function stop() {
    stopped = true;
    ready = false;
    clearTimeout(timer);
    timer = 0;
    ws?.close();
    ws = null;
  }

  // Back online: try at once instead of waiting out the backoff.
  window.addEventListener('online', () => {
    if (!timer || stopped) return;
    clearTimeout(timer);
    connect();
  });

  connect();
  return {
    // Sends a command carrying a client_id now, or after the next hello.
    send(command) {
      waiting.set(command.client_id, command);
      if (ready) raw(command);
    },
    // Sends a command that needs no answer (a read mark) if connected; false when not.
    post(command) {
      if (!ready) return false;
      raw(command);
      return true;
    },
    stop,
  };
}

// A fresh client_id: [A-Za-z0-9_-], at most 64 characters. crypto.randomUUID needs a
// secure context; getRandomValues works on a plain-http school server too.
let counter = 0;
export function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  counter += 1;
  return `w${Date.now().toString(36)}-${counter.toString(36)}-${hex}`;
}
