// The open chat: its history (newest page from REST first, «Показать ранее» for older
// ones), live changes from the socket, and the composer — send, «Ответить», «Изменить»
// (one's own, within 24 hours), «Удалить» (one's own, or any as the chat's admin).
//
// Commands go out with a fresh client_id and wait in `sent` for their ack or error: a new
// message shows as «отправляется…» until then; a refusal shows the server's message.

import { messengerApi as api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { newClientId } from './socket.js';

const PAGE = 50;
const EDIT_WINDOW = 24 * 3600;
const DELETED = 'Сообщение удалено';
// The events that carry a message's new state (reactions are kept, not shown yet).
const CHANGES = new Set(['message', 'message.edited', 'message.deleted', 'message.reacted']);

function formatTime(seconds) {
  const d = new Date(seconds * 1000);
  const time = d.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === new Date().toDateString()) return time;
  return `${d.toLocaleDateString('ru-RU', { day: '2-digit', month: '2-digit', year: 'numeric' })} ${time}`;
}

const excerpt = (text) => (text.length > 120 ? `${text.slice(0, 120)}…` : text);

// env: { store, socket (read when a command goes out), profileId(), serverNow(),
//        isAdmin(chatId), onClose() }
export function createChatView(env) {
  const { store } = env;
  const list = byId('chat-messages');
  const pendingList = byId('chat-pending');
  const scroller = byId('chat-scroll');
  const area = byId('composer-text');
  const nodes = new Map(); // message id → its <li>, for the open chat
  const sent = new Map(); // client_id → { kind, chatId, text, messageId, node }
  let chat = null; // the open chat's row from the chat list
  let mode = null; // { kind: 'reply' | 'edit', message }

  const isOpen = (chatId) => chat !== null && chat.id === chatId;
  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; };

  function showError(message) {
    byId('chat-error').textContent = message || '';
  }

  // ---- one message ----

  function quote(message) {
    const entry = store.get(chat.id);
    const source = entry && entry.messages.get(message.reply_to);
    if (!source) return h('blockquote', { class: 'msg-quote muted', text: 'Ответ на сообщение' });
    return h('blockquote', { class: 'msg-quote' },
      h('span', { class: 'msg-quote-sender', text: source.sender_name }),
      h('span', { class: 'msg-quote-text', text: source.deleted ? DELETED : excerpt(source.text) }));
  }

  function actions(message, own) {
    if (message.deleted) return null;
    const canEdit = own && env.serverNow() - message.created_at < EDIT_WINDOW;
    const canDelete = own || env.isAdmin(chat.id);
    const box = h('div', { class: 'msg-actions' });
    const button = (text, onclick, cls = 'btn-ghost') =>
      h('button', { class: `btn ${cls} btn-small`, type: 'button', text, onclick });
    const normal = () => box.replaceChildren(
      button('Ответить', () => setMode({ kind: 'reply', message })),
      canEdit ? button('Изменить', () => setMode({ kind: 'edit', message })) : null,
      canDelete ? button('Удалить', confirmDelete) : null);
    // «Удалить» asks once more: the message goes for everyone.
    function confirmDelete() {
      box.replaceChildren(
        h('span', { class: 'msg-confirm', text: 'Удалить для всех?' }),
        button('Да, удалить', () => remove(message), 'btn-danger'),
        button('Отмена', normal));
    }
    normal();
    return box;
  }

  function messageNode(message) {
    const own = message.sender_profile === env.profileId();
    const classes = ['msg', own ? 'msg-own' : '', message.deleted ? 'msg-deleted' : ''].filter(Boolean);
    return h('li', { class: classes.join(' '), 'data-message-id': message.id, 'data-seq': message.seq },
      h('div', { class: 'msg-head' },
        h('span', { class: 'msg-sender', text: message.sender_name }),
        h('time', { class: 'msg-time muted', text: formatTime(message.created_at) }),
        message.edited_at > 0 && !message.deleted ? h('span', { class: 'msg-edited muted', text: 'изменено' }) : null),
      message.reply_to && !message.deleted ? quote(message) : null,
      h('p', { class: 'msg-text', text: message.deleted ? DELETED : message.text }),
      actions(message, own));
  }

  // Puts the message's current state on screen, in order of its sequence number, and
  // refreshes the replies that quote it.
  function place(message) {
    const node = messageNode(message);
    const old = nodes.get(message.id);
    nodes.set(message.id, node);
    if (old) old.replaceWith(node);
    else {
      const after = [...list.children].find((li) => Number(li.dataset.seq) > message.seq);
      list.insertBefore(node, after || null);
    }
    for (const other of store.list(chat.id)) {
      if (other.reply_to === message.id && nodes.has(other.id)) place(other);
    }
    byId('chat-empty').hidden = true;
  }

  function renderAll() {
    nodes.clear();
    list.replaceChildren();
    const messages = store.list(chat.id);
    for (const m of messages) {
      const node = messageNode(m);
      nodes.set(m.id, node);
      list.append(node);
    }
    const entry = store.get(chat.id);
    byId('chat-older').hidden = !entry || !entry.loaded || entry.complete;
    byId('chat-empty').hidden = messages.length > 0 || pendingList.children.length > 0;
  }

  // ---- history ----

  async function loadPage(chatId, before) {
    const query = `limit=${PAGE}${before ? `&before=${before}` : ''}`;
    const answer = await api.get(`/api/v1/messenger/chats/${chatId}/messages?${query}`);
    return store.page(chatId, answer.messages || [], PAGE);
  }

  async function loadNewest(chatId) {
    byId('chat-loading').hidden = false;
    try {
      await loadPage(chatId, 0);
    } catch (err) {
      if (isOpen(chatId)) showError(err.message);
      return;
    } finally {
      if (isOpen(chatId)) byId('chat-loading').hidden = true;
    }
    if (!isOpen(chatId)) return;
    renderAll();
    toBottom();
  }

  byId('chat-older').addEventListener('click', async () => {
    const chatId = chat.id;
    const button = byId('chat-older');
    button.disabled = true;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    try {
      await loadPage(chatId, store.get(chatId).oldest);
      if (!isOpen(chatId)) return;
      renderAll();
      scroller.scrollTop = scroller.scrollHeight - fromBottom; // keep the reader's place
    } catch (err) {
      showError(err.message);
    } finally {
      button.disabled = false;
    }
  });

  // ---- the composer ----

  function setMode(next) {
    mode = next;
    const box = byId('composer-context');
    box.hidden = !mode;
    if (mode) {
      const m = mode.message;
      byId('composer-context-title').textContent = mode.kind === 'edit' ? 'Изменение сообщения' : `Ответ: ${m.sender_name}`;
      byId('composer-context-text').textContent = excerpt(m.text);
      if (mode.kind === 'edit') area.value = m.text;
      area.focus();
    }
  }

  function command(cmd, pending) {
    cmd.client_id = newClientId();
    sent.set(cmd.client_id, { chatId: chat.id, ...pending });
    env.socket.send(cmd);
  }

  function submit() {
    const text = area.value;
    if (!chat || !text.trim()) return;
    showError('');
    if (mode && mode.kind === 'edit') {
      command({ type: 'edit', message_id: mode.message.id, text }, { kind: 'edit', text, messageId: mode.message.id });
      nodes.get(mode.message.id)?.append(h('p', { class: 'msg-status muted', text: 'сохраняется…' }));
    } else {
      const cmd = { type: 'send', chat_id: chat.id, text };
      if (mode) cmd.reply_to = mode.message.id;
      const node = h('li', { class: 'msg msg-own msg-pending' },
        h('p', { class: 'msg-text', text }),
        h('p', { class: 'msg-status muted', text: 'отправляется…' }));
      pendingList.append(node);
      byId('chat-empty').hidden = true;
      command(cmd, { kind: 'send', text, node });
    }
    area.value = '';
    setMode(null);
    toBottom();
  }

  function remove(message) {
    showError('');
    command({ type: 'delete', message_id: message.id }, { kind: 'delete', messageId: message.id });
    nodes.get(message.id)?.append(h('p', { class: 'msg-status muted', text: 'удаляется…' }));
  }

  byId('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  byId('composer-cancel').addEventListener('click', () => {
    if (mode && mode.kind === 'edit') area.value = '';
    setMode(null);
  });
  byId('chat-back').addEventListener('click', () => close());

  // ---- answers and events ----

  function answered(msg) {
    const waiting = sent.get(msg.client_id);
    if (!waiting) return;
    sent.delete(msg.client_id);
    waiting.node?.remove();
    if (msg.type === 'ack') {
      changed(waiting.chatId, msg.seq, msg.message);
      return;
    }
    if (!isOpen(waiting.chatId)) return;
    showError(msg.message || 'Не удалось выполнить действие');
    if (waiting.kind === 'send' && !area.value) area.value = waiting.text; // keep the text
    const message = store.get(waiting.chatId)?.messages.get(waiting.messageId);
    if (message && nodes.has(message.id)) place(message); // drop «сохраняется…»
    byId('chat-empty').hidden = nodes.size > 0 || pendingList.children.length > 0;
  }

  function changed(chatId, seq, message) {
    const merged = store.apply(chatId, seq, message);
    if (!merged || !isOpen(chatId)) return;
    const stick = nearBottom();
    place(merged);
    if (stick) toBottom();
  }

  // ---- open and close ----

  function open(row) {
    chat = row;
    setMode(null);
    showError('');
    area.value = '';
    pendingList.replaceChildren();
    for (const w of sent.values()) if (w.node && w.chatId === row.id) pendingList.append(w.node);
    byId('chat-title').textContent = row.name;
    byId('chat-meta').textContent = `${row.kind_label || row.kind} · Участников: ${row.members ?? 0}`;
    byId('composer').hidden = Boolean(row.archived);
    const entry = store.ensure(row.id);
    list.replaceChildren();
    nodes.clear();
    byId('chat-older').hidden = true;
    byId('chat-empty').hidden = true;
    if (entry.loaded) {
      byId('chat-loading').hidden = true;
      renderAll();
      toBottom();
    } else loadNewest(row.id);
    area.focus();
  }

  function close() {
    chat = null;
    mode = null;
    env.onClose();
  }

  return {
    open,
    close,
    openId: () => (chat ? chat.id : 0),
    // A message from the socket (not hello).
    onEvent(msg) {
      if (msg.type === 'ack' || (msg.type === 'error' && msg.client_id)) answered(msg);
      else if (CHANGES.has(msg.type)) {
        changed(msg.chat_id, msg.seq, msg.message);
      }
    },
    // The user's rights changed (admin): redraw the buttons.
    refresh() {
      if (chat && store.get(chat.id)?.loaded) renderAll();
    },
  };
}
