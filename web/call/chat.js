// The chat of the call: messages travel as Parta's signals (kind "chat") to everyone in the
// conference and are not stored; reactions are noted in the log too.

import { h } from '/lib/dom.js';

const MAX_LINES = 300;

function clock(at) {
  const d = new Date(at * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export function createChat({ log, form, input, error, unread, send, isOpen }) {
  let missed = 0;

  // A line of the log; a message (not a note) counts as unread while the chat is closed.
  function push(node, counts) {
    log.append(node);
    while (log.children.length > MAX_LINES) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
    if (counts && !isOpen()) {
      missed += 1;
      unread.textContent = String(missed);
      unread.hidden = false;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    error.textContent = '';
    input.disabled = true;
    try {
      await send(text);
      input.value = '';
    } catch (err) {
      error.textContent = err.message;
    } finally {
      input.disabled = false;
      input.focus();
    }
  });

  return {
    add(msg) {
      push(h('li', { class: 'call-chat-line', 'data-person': String(msg.person_id) },
        h('span', { class: 'call-chat-head' },
          h('span', { class: 'call-chat-name', text: msg.name }),
          h('time', { class: 'muted', text: clock(msg.at) })),
        h('span', { class: 'call-chat-text', text: msg.value })), true);
    },
    note(text, at) {
      push(h('li', { class: 'call-chat-line call-chat-note muted' }, `${clock(at)} ${text}`), false);
    },
    seen() {
      missed = 0;
      unread.hidden = true;
    },
  };
}
