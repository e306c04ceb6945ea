// The «Мессенджер» face. It has its own session (the cookies parta_msession
// and parta_mcsrf), which belongs to a messenger profile, not to a journal
// account: «Перейти в мессенджер» in the journal opens one without a password,
// and this page signs a linked profile in by its phone, then its password or
// an SMS code. Signed in, it lists «Избранное» (saved.js) and then the
// profile's chats grouped by organisation (a profile linked in two
// organisations sees both); a chat opens in the chat view (chatview.js), kept
// live over one WebSocket (socket.js).

import { messengerApi as api } from '/lib/api.js';
import { h, byId, fullName } from '/lib/dom.js';
import { phoneStep, authStep, codeStep } from '/lib/steps.js';
import { createSocket } from './socket.js';
import { createStore } from './store.js';
import { createChatView } from './chatview.js';
import { createSavedView } from './saved.js';

function showBanner(message) {
  byId('banner').textContent = message;
  byId('banner').hidden = !message;
}

// ---- signed in: who, and the chats by organisation ----

function renderUser(profile, organisations) {
  byId('user-name').textContent = fullName(profile);
  byId('user-org').textContent = organisations.map((o) => o.name).join(' · ');
}

function groupByOrg(chats, organisations) {
  const groups = new Map(organisations.map((o) => [o.id, { name: o.name, chats: [] }]));
  for (const chat of chats) {
    if (!groups.has(chat.org_id)) groups.set(chat.org_id, { name: chat.org_name || '', chats: [] });
    groups.get(chat.org_id).chats.push(chat);
  }
  return [...groups.values()].filter((g) => g.chats.length > 0);
}

function chatItem(chat) {
  return h('li', { class: 'chat-item', 'data-chat-id': chat.id },
    h('button', { class: 'chat-item-button', type: 'button', onclick: () => openChat(chat.id) },
      h('span', { class: 'chat-item-name', text: chat.name }),
      h('span', { class: 'chat-item-meta muted',
        text: `${chat.kind_label || chat.kind} · Участников: ${chat.members ?? 0}` })));
}

// ---- the live part: one socket, the messages held, the open chat ----

const live = {
  me: null,
  chats: new Map(), // chat id → its row in the chat list
  listed: false, // the list was read at least once
  listing: null, // the read under way; another one asked meanwhile follows it (relist)
  relist: false,
  clockOffset: 0, // the server's clock minus ours, in seconds
  profileId: 0,
  store: createStore(),
  socket: null,
  view: null,
  saved: null, // «Избранное»
};

function markOpen() {
  const open = live.view.openId();
  const saved = live.saved.isOpen();
  for (const item of document.querySelectorAll('.chat-item[data-chat-id]')) {
    item.classList.toggle('chat-item-active', Number(item.dataset.chatId) === open);
  }
  byId('saved-item').classList.toggle('chat-item-active', saved);
  byId('app').classList.toggle('chat-open', open !== 0 || saved);
  byId('chat').hidden = open === 0;
  byId('saved').hidden = !saved;
  byId('pane-placeholder').hidden = open !== 0 || saved;
}

function openChat(chatId) {
  const chat = live.chats.get(chatId);
  if (!chat) return;
  showBanner('');
  live.saved.close();
  live.view.open(chat);
  markOpen();
}

function openSaved() {
  showBanner('');
  if (live.view.openId()) live.view.close();
  live.saved.open();
  markOpen();
}

function forgetChat(chatId) {
  const name = live.chats.get(chatId)?.name;
  if (live.view.openId() === chatId) {
    live.view.close();
    showBanner(name ? `Вы больше не участник этого чата: «${name}»` : 'Вы больше не участник этого чата');
  }
  live.chats.delete(chatId);
  live.store.drop(chatId);
  document.querySelector(`.chat-item[data-chat-id="${chatId}"]`)?.remove();
  for (const group of document.querySelectorAll('.chat-group')) {
    if (!group.querySelector('.chat-item')) group.remove();
  }
  byId('chats-empty').hidden = live.chats.size > 0;
  byId('chat-groups').hidden = live.chats.size === 0;
}

function onEvent(msg) {
  if (msg.type === 'saved' || msg.type === 'saved.deleted') {
    live.saved.onEvent(msg);
    return;
  }
  if (msg.type !== 'chat.member') {
    live.view.onEvent(msg);
    return;
  }
  if (!msg.member) forgetChat(msg.chat_id);
  else {
    reloadChats();
    if (live.view.openId() === msg.chat_id) live.view.refresh();
  }
}

function onHello(hello) {
  // /api/v1/messenger/ws admits messenger sessions only: the hello names the profile.
  live.clockOffset = hello.server_time - Date.now() / 1000;
  live.profileId = hello.profile_id;
  return true;
}

// A connection closed before its hello: signed out elsewhere? Then back to sign-in.
async function onLost() {
  try {
    await api.get('/api/v1/messenger/me');
  } catch (err) {
    if (err.status === 401) location.reload();
  }
}

function startLive(me) {
  live.me = me;
  live.profileId = me.profile?.id || 0;
  live.saved = createSavedView({ onClose: markOpen });
  live.view = createChatView({
    store: live.store,
    profileId: () => live.profileId,
    serverNow: () => Date.now() / 1000 + live.clockOffset,
    chats: () => [...live.chats.values()],
    savedView: live.saved,
    onClose: markOpen,
    get socket() { return live.socket; },
  });
  byId('saved-open').addEventListener('click', openSaved);
  live.socket = createSocket({ onHello, onEvent, resumeState, onLost });
}

// What the page holds, for `resume`: every listed chat, with the last sequence number seen in
// those whose messages it holds (null: the list row only). The server answers with the
// membership it missed (a chat gone, a chat new: chat.member) and each chat's mutes. Null
// before the list was first read: that read is newer than the connection.
function resumeState() {
  if (!live.listed) return null;
  return { ...Object.fromEntries([...live.chats.keys()].map((id) => [id, null])), ...live.store.resumeState() };
}

// One read of the list at a time: a resume may tell of several new chats at once.
function reloadChats() {
  if (live.listing) {
    live.relist = true;
    return;
  }
  live.listing = loadChats().finally(() => {
    live.listing = null;
    if (live.relist) {
      live.relist = false;
      reloadChats();
    }
  });
}

async function loadChats() {
  const organisations = live.me.organisations || [];
  const box = byId('chat-groups');
  let chats;
  try {
    chats = (await api.get('/api/v1/messenger/chats')).chats || [];
  } catch (err) {
    byId('chats-loading').hidden = true;
    byId('chats-error').textContent = err.message;
    byId('chats-error').hidden = false;
    return;
  }
  live.chats = new Map(chats.map((c) => [c.id, c]));
  live.listed = true;
  const groups = groupByOrg(chats, organisations);
  box.replaceChildren(...groups.map((g) => h('section', { class: 'chat-group' },
    h('h3', { class: 'chat-group-title', text: g.name }),
    h('ul', { class: 'chat-list' }, g.chats.map(chatItem)))));
  byId('chats-loading').hidden = true;
  byId('chats-error').hidden = true;
  box.hidden = groups.length === 0;
  byId('chats-empty').hidden = groups.length > 0;
  const open = live.view.openId();
  if (open && !live.chats.has(open)) forgetChat(open);
  markOpen();
}

function showApp(me) {
  byId('signin').hidden = true;
  byId('app').hidden = false;
  byId('logout').hidden = false;
  renderUser(me.profile || {}, me.organisations || []);
  startLive(me);
  reloadChats();
}

// ---- the messenger's own sign-in ----

function startSignIn() {
  let flow = '';
  const box = byId('signin-step');
  const restart = byId('signin-restart');
  const show = ({ form }) => {
    box.replaceChildren(form);
    form.querySelector('input, button')?.focus();
  };
  const post = async (name, body = {}) => next(await api.post(`/api/v1/messenger/login/${name}`, { flow, ...body }));

  // A step that signs in answers the session (its cookies are set); the
  // others name the next step.
  async function next(res) {
    if (res.token) {
      await enter();
      return;
    }
    flow = res.flow;
    restart.hidden = false;
    if (res.step === 'auth') {
      show(authStep({
        hasPassword: res.has_password,
        onPassword: (password) => post('password', { password }),
        onSendCode: () => post('send-code'),
      }));
    } else {
      show(codeStep({
        resendAfter: res.resend_after || 0,
        onCode: (code) => post('code', { code }),
        onResend: () => post('send-code'),
      }));
    }
  }

  const first = () => {
    restart.hidden = true;
    show(phoneStep({
      submitLabel: 'Продолжить',
      onPhone: async (phone) => next(await api.post('/api/v1/messenger/login/start', { phone })),
    }));
  };
  restart.addEventListener('click', first);
  byId('app').hidden = true;
  byId('logout').hidden = true;
  byId('user-name').textContent = '';
  byId('user-org').textContent = '';
  byId('signin').hidden = false;
  first();
}

// ---- start ----

async function enter() {
  showBanner('');
  let me;
  try {
    me = await api.get('/api/v1/messenger/me');
  } catch (err) {
    byId('loading').hidden = true;
    if (err.status === 401) startSignIn();
    else showBanner(err.message);
    return;
  }
  byId('loading').hidden = true;
  showApp(me);
}

byId('logout').addEventListener('click', async () => {
  const button = byId('logout');
  button.disabled = true;
  showBanner('');
  try {
    await api.post('/api/v1/messenger/logout', {});
  } catch (err) {
    if (err.status !== 401) { // signed out already is as good as a logout
      showBanner(err.message);
      button.disabled = false;
      return;
    }
  }
  location.replace('/messenger/');
});

// Back after «Выйти» may restore this page from the back/forward cache.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) location.reload();
});

enter();
