// «Избранное»: the profile's own saved messages and notes (GET/POST/DELETE
// /api/v1/messenger/saved). Shown like a chat: the oldest at the top, «Показать ранее» for
// older pages, a note field at the bottom. A saved message is a copy that names its chat and
// author; it stays after the original is deleted. Changes made in another tab arrive over the
// socket ({"type":"saved"|"saved.deleted"}).

import { messengerApi as api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { formatTime } from './message.js';

const PAGE = 50;

// env: { onClose() }
export function createSavedView(env) {
  const list = byId('saved-list');
  const scroller = byId('saved-scroll');
  const entries = new Map(); // id → entry
  let loaded = false;
  let complete = false;
  let shown = false;

  const showError = (message) => { byId('saved-error').textContent = message || ''; };
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; };

  function entryNode(entry) {
    const o = entry.origin;
    const from = o ? `Из чата «${o.chat_name}» · ${o.sender_name} · ${formatTime(o.created_at)}` : 'Заметка';
    const remove = h('button', { class: 'btn btn-ghost btn-small', type: 'button', text: 'Удалить' });
    remove.addEventListener('click', async () => {
      remove.disabled = true;
      showError('');
      try {
        await api.delete(`/api/v1/messenger/saved/${entry.id}`);
        drop(entry.id);
      } catch (err) {
        showError(err.message);
        remove.disabled = false;
      }
    });
    return h('li', { class: 'msg saved-entry', 'data-saved-id': entry.id },
      h('div', { class: 'msg-head' },
        h('span', { class: 'msg-sender saved-origin', text: from }),
        h('time', { class: 'msg-time muted', text: `сохранено ${formatTime(entry.created_at)}` })),
      h('p', { class: 'msg-text', text: entry.text }),
      h('div', { class: 'msg-actions' }, remove));
  }

  function render() {
    const sorted = [...entries.values()].sort((a, b) => a.id - b.id);
    list.replaceChildren(...sorted.map(entryNode));
    byId('saved-empty').hidden = entries.size > 0;
    byId('saved-older').hidden = complete;
  }

  async function loadPage() {
    const oldest = entries.size ? Math.min(...entries.keys()) : 0;
    const answer = await api.get(`/api/v1/messenger/saved?limit=${PAGE}${oldest ? `&before=${oldest}` : ''}`);
    for (const e of answer.saved || []) entries.set(e.id, e);
    if ((answer.saved || []).length < PAGE) complete = true;
  }

  function add(entry) {
    entries.set(entry.id, entry);
    if (shown) {
      render();
      toBottom();
    }
  }

  function drop(id) {
    entries.delete(id);
    if (shown) render();
  }

  async function open() {
    shown = true;
    showError('');
    if (!loaded) {
      byId('saved-loading').hidden = false;
      try {
        await loadPage();
        loaded = true;
      } catch (err) {
        showError(err.message);
      } finally {
        byId('saved-loading').hidden = true;
      }
    }
    if (!shown) return;
    render();
    toBottom();
    byId('saved-text').focus();
  }

  function close() {
    shown = false;
    env.onClose();
  }

  byId('saved-older').addEventListener('click', async () => {
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    try {
      await loadPage();
      render();
      scroller.scrollTop = scroller.scrollHeight - fromBottom;
    } catch (err) {
      showError(err.message);
    }
  });

  byId('saved-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const area = byId('saved-text');
    const text = area.value;
    if (!text.trim()) return;
    showError('');
    try {
      add((await api.post('/api/v1/messenger/saved', { text })).entry);
      area.value = '';
    } catch (err) {
      showError(err.message);
    }
  });
  byId('saved-back').addEventListener('click', close);

  return {
    open,
    close: () => { shown = false; },
    isOpen: () => shown,
    // «В избранное» from a chat: the entry (made now, or saved before).
    async save(messageId) {
      const entry = (await api.post('/api/v1/messenger/saved', { message_id: messageId })).entry;
      if (loaded) add(entry);
      return entry;
    },
    // {"type":"saved"|"saved.deleted"} from another tab.
    onEvent(msg) {
      if (!loaded) return;
      if (msg.type === 'saved' && msg.entry) add(msg.entry);
      else if (msg.type === 'saved.deleted') drop(msg.id);
    },
  };
}
