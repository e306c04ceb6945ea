// The open chat: its history (newest page from REST first, «Показать ранее» for older
// ones), live changes from the socket, and the composer — send (optionally asking for a read
// confirmation), «Ответить», «Изменить» (one's own, within 24 hours), «Удалить» (one's own,
// or any as the chat's admin); reactions, «Подтвердить прочтение», «Кто прочитал», forwarding,
// «В избранное», «важное», pins (the pinned bar; pinning by the chat's admins), the member
// list with the admins' mute controls. Each message is drawn by message.js.
//
// Whether the user is the chat's admin and their person there come from the member list
// (GET …/members, `me`), fetched when the chat opens. The user's read mark follows what the
// open chat shows (`read`); the others' marks (history's `others_read`, then `chat.read`)
// turn ✓ into ✓✓ on one's own messages.
//
// Commands go out with a fresh client_id and wait in `sent` for their ack or error: a new
// message shows as «отправляется…» until then; a refusal shows the server's message.

import { messengerApi as api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { newClientId } from './socket.js';
import { messageNode, excerpt } from './message.js';
import { showMembers, showReaders, showForward, refreshPanel } from './panels.js';

const PAGE = 50;
// The events that carry a message's new state.
const CHANGES = new Set(['message', 'message.edited', 'message.deleted', 'message.reacted', 'message.confirmed']);

const forms = (n) => (n % 10 === 1 && n % 100 !== 11 ? 'чат'
  : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 'чата' : 'чатов');

// env: { store, socket (read when a command goes out), profileId(), serverNow(), chats(),
//        savedView, onClose() }
export function createChatView(env) {
  const { store } = env;
  const list = byId('chat-messages');
  const pendingList = byId('chat-pending');
  const scroller = byId('chat-scroll');
  const area = byId('composer-text');
  const nodes = new Map(); // message id → its <li>, for the open chat
  const sent = new Map(); // client_id → { kind, chatId, text, messageId, node, done, failed }
  const seats = new Map(); // chat id → { admin, person, othersRead, readSent, pins: [], pinIndex }
  const important = new Set(); // message ids marked «важное» by the user
  let chat = null; // the open chat's row from the chat list
  let mode = null; // { kind: 'reply' | 'edit', message }

  const isOpen = (chatId) => chat !== null && chat.id === chatId;
  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; };
  const seat = (chatId) => {
    if (!seats.has(chatId)) seats.set(chatId, { admin: false, person: 0, othersRead: 0, readSent: 0, pins: [], pinIndex: 0 });
    return seats.get(chatId);
  };

  function showError(message) {
    byId('chat-error').textContent = message || '';
    if (message) byId('chat-notice').textContent = '';
  }
  function showNotice(message) {
    byId('chat-notice').textContent = message || '';
  }

  api.get('/api/v1/messenger/important').then((r) => {
    for (const m of r.messages || []) important.add(m.id);
    if (chat && store.get(chat.id)?.loaded) renderAll();
  }).catch(() => {}); // the marks are a nicety; the chat works without them

  // ---- one message ----

  function context() {
    const s = seat(chat.id);
    const entry = store.get(chat.id);
    return {
      me: env.profileId(),
      org: chat.org_id,
      now: env.serverNow,
      admin: s.admin,
      othersRead: s.othersRead,
      important: (id) => important.has(id),
      pinned: (id) => s.pins.some((m) => m.id === id),
      source: (id) => (entry && entry.messages.get(id)) || null,
      act,
    };
  }

  // Puts the message's current state on screen, in order of its sequence number, and
  // refreshes the replies that quote it.
  function place(message, ctx = context()) {
    const node = messageNode(message, ctx);
    const old = nodes.get(message.id);
    nodes.set(message.id, node);
    if (old) old.replaceWith(node);
    else {
      const after = [...list.children].find((li) => Number(li.dataset.seq) > message.seq);
      list.insertBefore(node, after || null);
    }
    for (const other of store.list(chat.id)) {
      if (other.reply_to === message.id && nodes.has(other.id)) place(other, ctx);
    }
    byId('chat-empty').hidden = true;
  }

  function renderAll() {
    nodes.clear();
    list.replaceChildren();
    const messages = store.list(chat.id);
    const ctx = context();
    for (const m of messages) {
      const node = messageNode(m, ctx);
      nodes.set(m.id, node);
      list.append(node);
    }
    const entry = store.get(chat.id);
    byId('chat-older').hidden = !entry || !entry.loaded || entry.complete;
    byId('chat-empty').hidden = messages.length > 0 || pendingList.children.length > 0;
    renderPins();
  }

  // ---- actions on a message (message.js calls back) ----

  function act(kind, message, arg) {
    showError('');
    switch (kind) {
      case 'reply': setMode({ kind: 'reply', message }); break;
      case 'edit': setMode({ kind: 'edit', message }); break;
      case 'delete': remove(message); break;
      case 'react': command({ type: 'react', message_id: message.id, emoji: arg.emoji, on: arg.on }, { kind }); break;
      case 'confirm': command({ type: 'confirm', message_id: message.id }, { kind }); break;
      case 'pin': command({ type: 'pin', message_id: message.id, on: arg }, { kind }); break;
      case 'readers': showReaders(chat, message); break;
      case 'forward': showForward({ chats: env.chats, command, forwarded }, chat, message); break;
      case 'save': save(message); break;
      case 'important': mark(message, arg); break;
      default: break;
    }
  }

  async function save(message) {
    try {
      await env.savedView.save(message.id);
      showNotice('Сохранено в «Избранное»');
    } catch (err) {
      showError(err.message);
    }
  }

  async function mark(message, on) {
    try {
      await api.put(`/api/v1/messenger/messages/${message.id}/important`, { on });
      if (on) important.add(message.id);
      else important.delete(message.id);
      if (chat && nodes.has(message.id)) place(store.get(chat.id).messages.get(message.id));
    } catch (err) {
      showError(err.message);
    }
  }

  function forwarded(results) {
    const ok = results.filter((r) => r.message);
    const failed = results.filter((r) => r.error);
    for (const r of ok) store.apply(r.chat_id, r.seq, r.message);
    if (chat && ok.some((r) => r.chat_id === chat.id)) renderAll();
    showNotice(`Переслано в ${ok.length} ${forms(ok.length)}`);
    if (failed.length) {
      const names = new Map(env.chats().map((c) => [c.id, c.name]));
      showError(failed.map((r) => `«${names.get(r.chat_id) || r.chat_id}»: ${r.error}`).join('; '));
    }
  }

  // ---- pins ----

  function renderPins() {
    const s = seat(chat.id);
    const bar = byId('chat-pinned');
    bar.hidden = s.pins.length === 0;
    if (!s.pins.length) return;
    s.pinIndex %= s.pins.length;
    const m = s.pins[s.pinIndex];
    const more = s.pins.length > 1 ? ` (${s.pinIndex + 1} из ${s.pins.length})` : '';
    byId('chat-pinned-text').textContent = `${m.deleted ? 'Сообщение удалено' : excerpt(m.text, 80)}${more}`;
  }

  async function loadPins(chatId) {
    try {
      seat(chatId).pins = (await api.get(`/api/v1/messenger/chats/${chatId}/pins`)).pins || [];
    } catch {
      return; // the bar stays as it was
    }
    if (isOpen(chatId)) renderPins();
  }

  // {"type":"message.pinned","chat_id","seq","message_id","pinned","message"}
  function pinned(msg) {
    const s = seat(msg.chat_id);
    s.pins = s.pins.filter((m) => m.id !== msg.message_id);
    if (msg.pinned && msg.message) s.pins.unshift(msg.message);
    s.pinIndex = 0;
    if (msg.message) store.apply(msg.chat_id, msg.seq, msg.message);
    if (!isOpen(msg.chat_id)) return;
    renderPins();
    const m = store.get(msg.chat_id)?.messages.get(msg.message_id);
    if (m && nodes.has(m.id)) place(m);
  }

  // The bar shows one pin at a time; a click goes to it and then to the next one.
  byId('chat-pinned').addEventListener('click', () => {
    const s = seat(chat.id);
    const m = s.pins[s.pinIndex];
    nodes.get(m?.id)?.scrollIntoView({ block: 'center' });
    s.pinIndex += 1;
    renderPins();
  });

  // ---- the seat: admin, person, and the admins' tools ----

  async function loadSeat(chatId) {
    try {
      const answer = await api.get(`/api/v1/messenger/chats/${chatId}/members`);
      const s = seat(chatId);
      const changedAdmin = s.admin !== answer.me.admin;
      s.admin = answer.me.admin;
      s.person = answer.me.person_id;
      const mine = answer.members.find((m) => m.person_id === s.person);
      mutedNote(chatId, mine ? mine.muted_until : 0, answer.muted_until);
      if (changedAdmin && isOpen(chatId) && store.get(chatId)?.loaded) renderAll();
    } catch {
      // not a member any more: the chat list follows (chat.member)
    }
  }

  function mutedNote(chatId, mine, everyone) {
    if (!isOpen(chatId)) return;
    const s = seat(chatId);
    const until = mine !== 0 ? mine : !s.admin ? everyone : 0;
    const when = until === -1 ? 'навсегда' : `до ${new Date(until * 1000).toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' })}`;
    showNotice(until !== 0 ? `Администратор чата запретил вам писать ${when}` : '');
  }

  byId('chat-members').addEventListener('click', () => {
    if (chat) showMembers({ command }, chat);
  });

  // ---- reading ----

  // The user has seen the open chat up to its last event: the mark moves (once per seq).
  function markRead() {
    if (!chat || document.hidden) return;
    const entry = store.get(chat.id);
    const s = seat(chat.id);
    if (!entry || !entry.loaded || entry.lastSeq <= s.readSent) return;
    if (env.socket.post({ type: 'read', chat_id: chat.id, seq: entry.lastSeq })) s.readSent = entry.lastSeq;
  }
  document.addEventListener('visibilitychange', markRead);

  // {"type":"chat.read","chat_id","profile_id","seq"}: another reader got further.
  function othersRead(msg) {
    if (msg.profile_id === env.profileId()) return;
    const s = seat(msg.chat_id);
    const before = s.othersRead;
    if (msg.seq <= before) return;
    s.othersRead = msg.seq;
    if (!isOpen(msg.chat_id)) return;
    const ctx = context();
    for (const m of store.list(chat.id)) {
      if (m.sender_profile === ctx.me && m.seq > before && m.seq <= msg.seq && nodes.has(m.id)) place(m, ctx);
    }
  }

  // ---- history ----

  async function loadPage(chatId, before) {
    const query = `limit=${PAGE}${before ? `&before=${before}` : ''}`;
    const answer = await api.get(`/api/v1/messenger/chats/${chatId}/messages?${query}`);
    const s = seat(chatId);
    s.othersRead = Math.max(s.othersRead, answer.others_read || 0);
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
    markRead();
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
    byId('composer-confirm-label').hidden = Boolean(mode && mode.kind === 'edit');
    if (mode) {
      const m = mode.message;
      byId('composer-context-title').textContent = mode.kind === 'edit' ? 'Изменение сообщения' : `Ответ: ${m.sender_name}`;
      byId('composer-context-text').textContent = excerpt(m.text);
      if (mode.kind === 'edit') area.value = m.text;
      area.focus();
    }
  }

  // Sends a command with a fresh client_id; `pending` says what to do with its answer.
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
      if (byId('composer-confirm').checked) cmd.confirm = true;
      const node = h('li', { class: 'msg msg-own msg-pending' },
        h('p', { class: 'msg-text', text }),
        h('p', { class: 'msg-status muted', text: 'отправляется…' }));
      pendingList.append(node);
      byId('chat-empty').hidden = true;
      command(cmd, { kind: 'send', text, node, confirm: Boolean(cmd.confirm) });
    }
    area.value = '';
    byId('composer-confirm').checked = false;
    setMode(null);
    toBottom();
  }

  function remove(message) {
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
      if (msg.message) changed(waiting.chatId, msg.seq, msg.message);
      waiting.done?.(msg);
      return;
    }
    waiting.failed?.(msg);
    if (!isOpen(waiting.chatId)) return;
    showError(msg.message || 'Не удалось выполнить действие');
    if (waiting.kind === 'send' && !area.value) { // keep the text
      area.value = waiting.text;
      byId('composer-confirm').checked = waiting.confirm;
    }
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
    markRead();
  }

  // {"type":"chat.muted","chat_id","person_id","until"}, live or told by a resume (every
  // held chat's mutes as they are): the open chat's seat is read again, its admin role too.
  function muted(msg) {
    refreshPanel('members', msg.chat_id);
    if (isOpen(msg.chat_id)) loadSeat(msg.chat_id);
  }

  // ---- open and close ----

  function open(row) {
    chat = row;
    setMode(null);
    showError('');
    showNotice('');
    area.value = '';
    byId('composer-confirm').checked = false;
    pendingList.replaceChildren();
    for (const w of sent.values()) if (w.node && w.chatId === row.id) pendingList.append(w.node);
    byId('chat-title').textContent = row.name;
    byId('chat-meta').textContent = `${row.kind_label || row.kind} · Участников: ${row.members ?? 0}`;
    byId('composer').hidden = Boolean(row.archived);
    byId('chat-pinned').hidden = true;
    const entry = store.ensure(row.id);
    list.replaceChildren();
    nodes.clear();
    byId('chat-older').hidden = true;
    byId('chat-empty').hidden = true;
    if (entry.loaded) {
      byId('chat-loading').hidden = true;
      renderAll();
      toBottom();
      markRead();
    } else loadNewest(row.id);
    loadSeat(row.id);
    loadPins(row.id);
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
      else if (CHANGES.has(msg.type)) changed(msg.chat_id, msg.seq, msg.message);
      else if (msg.type === 'message.pinned') pinned(msg);
      else if (msg.type === 'chat.read') othersRead(msg);
      else if (msg.type === 'chat.muted') muted(msg);
    },
    // The user's rights in the chat changed (admin): ask again and redraw.
    refresh() {
      if (chat) loadSeat(chat.id);
    },
  };
}
