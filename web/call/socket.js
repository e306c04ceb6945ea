// The journal's WebSocket (/api/v1/ws, docs/protocol.md) as the call page needs it: the
// conference's events (conf.state, conf.signal, conf.presence, conf.moderate). The browser
// sends the parta_session cookie with the handshake. It reconnects after every close,
// waiting longer each time (with jitter); onOpen runs after each hello, so that the page can
// read again what it may have missed.

const BASE_DELAY = 500;
const MAX_DELAY = 15_000;

export function journalSocket({ onEvent, onOpen }) {
  let ws = null;
  let attempt = 0;
  let timer = 0;
  let stopped = false;

  function connect() {
    timer = 0;
    if (stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
    ws = socket;
    socket.addEventListener('message', (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg.type === 'hello') {
        attempt = 0;
        onOpen?.(msg);
      } else {
        onEvent(msg);
      }
    });
    socket.addEventListener('close', () => {
      if (ws !== socket || stopped) return;
      ws = null;
      const cap = Math.min(MAX_DELAY, BASE_DELAY * 2 ** attempt);
      attempt += 1;
      timer = setTimeout(connect, cap / 2 + Math.random() * (cap / 2));
    });
  }

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      ws?.close();
      ws = null;
    },
  };
}
