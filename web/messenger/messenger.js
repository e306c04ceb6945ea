// The «Мессенджер» face. It has its own session (the cookies parta_msession
// and parta_mcsrf), which belongs to a messenger profile, not to a journal
// account: «Перейти в мессенджер» in the journal opens one without a password,
// and this page signs a linked profile in by its phone, then its password or
// an SMS code. Signed in, it lists the profile's chats grouped by
// organisation (a profile linked in two organisations sees both).

import { messengerApi as api } from '/lib/api.js';
import { h, byId, fullName } from '/lib/dom.js';
import { phoneStep, authStep, codeStep } from '/lib/steps.js';

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
    h('span', { class: 'chat-item-name', text: chat.name }),
    h('span', { class: 'chat-item-meta muted',
      text: `${chat.kind_label || chat.kind} · Участников: ${chat.members ?? 0}` }));
}

async function loadChats(organisations) {
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
  const groups = groupByOrg(chats, organisations);
  box.replaceChildren(...groups.map((g) => h('section', { class: 'chat-group' },
    h('h3', { class: 'chat-group-title', text: g.name }),
    h('ul', { class: 'chat-list' }, g.chats.map(chatItem)))));
  byId('chats-loading').hidden = true;
  box.hidden = groups.length === 0;
  byId('chats-empty').hidden = groups.length > 0;
}

function showApp(me) {
  byId('signin').hidden = true;
  byId('app').hidden = false;
  byId('logout').hidden = false;
  renderUser(me.profile || {}, me.organisations || []);
  loadChats(me.organisations || []);
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
