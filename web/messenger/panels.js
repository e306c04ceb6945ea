// The messenger's modal panel (<dialog id="panel">) and what it shows: the chat's members
// (by surname, the verified and pending marks, who may not write; for the chat's admins the
// controls that forbid writing to a member or to everyone for 1, 8, 24 hours or for good, and
// lift it), «Кто прочитал» (readers, reactions, who confirmed and who not yet), and the
// chats to forward a message to (up to 12).
//
// Commands go out through env.command(cmd, { done, failed }) (the chat view's, with a fresh
// client_id); the members panel is redrawn when a mute changes (refreshPanel).

import { messengerApi as api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { formatTime, excerpt } from './message.js';

export const FORWARD_MAX = 12;
const dialog = () => byId('panel');
let current = null; // { kind, chatId, fill }

async function refresh() {
  const shown = current;
  if (!shown) return;
  try {
    const nodes = await shown.fill();
    if (current === shown) byId('panel-body').replaceChildren(...[nodes].flat().filter(Boolean));
  } catch (err) {
    if (current === shown) byId('panel-body').replaceChildren(h('p', { class: 'form-error', role: 'alert', text: err.message }));
  }
}

function openPanel(title, kind, chatId, fill) {
  current = { kind, chatId, fill };
  byId('panel-title').textContent = title;
  byId('panel-body').replaceChildren(h('p', { class: 'muted', text: 'Загрузка…' }));
  if (!dialog().open) dialog().showModal();
  return refresh();
}

// A refusal shown at the top of the open panel (the page behind it is covered).
function panelError(message) {
  if (!dialog().open) return;
  byId('panel-body').querySelector('.panel-error')?.remove();
  byId('panel-body').prepend(h('p', { class: 'form-error panel-error', role: 'alert', text: message || 'Не удалось выполнить действие' }));
}

export function closePanel() {
  if (dialog().open) dialog().close();
}

// Redraws the panel when it shows `kind` for the chat.
export function refreshPanel(kind, chatId) {
  if (dialog().open && current && current.kind === kind && current.chatId === chatId) refresh();
}

byId('panel-close').addEventListener('click', closePanel);
dialog().addEventListener('close', () => { current = null; });

// ---- members and mutes ----

const untilText = (until) => (until === -1 ? 'навсегда' : `до ${formatTime(until)}`);

const HOURS = [[1, '1 час'], [8, '8 часов'], [24, '24 часа'], [0, 'Навсегда']];

// A span select + «Запретить писать», or «Разрешить писать» when muted.
function muteControls(env, chatId, who, name, until) {
  const send = (cmd) => env.command({ type: 'mute', chat_id: chatId, ...who, ...cmd },
    { done: () => refreshPanel('members', chatId), failed: (msg) => panelError(msg.message) });
  if (until !== 0) {
    return h('div', { class: 'member-controls' },
      h('button', { class: 'btn btn-secondary btn-small', type: 'button', text: 'Разрешить писать', onclick: () => send({ lift: true }) }));
  }
  const select = h('select', { class: 'member-hours', 'aria-label': `Срок запрета: ${name}` },
    HOURS.map(([hours, label]) => h('option', { value: String(hours), text: label })));
  return h('div', { class: 'member-controls' }, select,
    h('button', { class: 'btn btn-danger-text btn-small', type: 'button', text: 'Запретить писать',
      onclick: () => send({ hours: Number(select.value) }) }));
}

function memberRow(env, chatId, m, me) {
  const self = m.person_id === me.person_id;
  return h('li', { class: 'member', 'data-person-id': m.person_id },
    h('div', { class: 'member-line' },
      h('span', { class: 'member-name', text: m.name }),
      m.verified ? h('span', { class: 'badge member-verified', title: 'Подтверждённый сотрудник', text: '🎓 сотрудник' }) : null,
      m.admin ? h('span', { class: 'badge member-admin', text: 'администратор' }) : null,
      m.pending ? h('span', { class: 'badge badge-muted member-pending', text: 'ожидает привязки' }) : null,
      self ? h('span', { class: 'muted member-self', text: '(вы)' }) : null),
    m.muted_until !== 0 ? h('p', { class: 'member-muted', text: `Не может писать ${untilText(m.muted_until)}` }) : null,
    me.admin && !self ? muteControls(env, chatId, { person_id: m.person_id }, m.name, m.muted_until) : null);
}

export function showMembers(env, chat) {
  return openPanel(`Участники: ${chat.name}`, 'members', chat.id, async () => {
    const answer = await api.get(`/api/v1/messenger/chats/${chat.id}/members`);
    const everyone = answer.muted_until !== 0
      ? h('p', { class: 'member-muted', text: `Писать в чат запрещено всем ${untilText(answer.muted_until)} (кроме администраторов)` })
      : null;
    return [
      everyone,
      answer.me.admin ? h('section', { class: 'members-all' },
        h('h3', { class: 'panel-subtitle', text: 'Все участники' }),
        muteControls(env, chat.id, {}, 'все участники', answer.muted_until)) : null,
      h('p', { class: 'muted', text: `Участников: ${answer.members.length}` }),
      h('ul', { class: 'member-list' }, answer.members.map((m) => memberRow(env, chat.id, m, answer.me))),
    ];
  });
}

// ---- «Кто прочитал» ----

function section(title, rows, empty) {
  return h('section', { class: 'readers-section' },
    h('h3', { class: 'panel-subtitle', text: title }),
    rows.length ? h('ul', { class: 'readers-list' }, rows) : h('p', { class: 'muted', text: empty }));
}

export function showReaders(chat, message) {
  return openPanel('Кто прочитал', 'readers', chat.id, async () => {
    const r = await api.get(`/api/v1/messenger/messages/${message.id}/readers`);
    const li = (text) => h('li', { text });
    return [
      h('p', { class: 'readers-message muted', text: excerpt(message.text, 80) }),
      r.confirm ? section(`Подтвердили (${r.confirmed.length})`,
        r.confirmed.map((x) => li(`${x.name} · ${formatTime(x.at)}`)), 'Пока никто') : null,
      r.confirm ? section(`Ещё не подтвердили (${r.unconfirmed.length})`,
        r.unconfirmed.map((x) => li(x.name)), 'Все подтвердили') : null,
      section(`Прочитали (${r.readers.length})`, r.readers.map((x) => li(x.name)), 'Пока никто'),
      section('Реакции', r.reactions.map((x) => li(`${x.emoji} ${x.name}`)), 'Реакций нет'),
    ];
  });
}

// ---- forwarding ----

export function showForward(env, chat, message) {
  return openPanel('Переслать в чаты', 'forward', chat.id, async () => {
    const chats = env.chats();
    const note = h('p', { class: 'muted forward-count' });
    const go = h('button', { class: 'btn btn-primary', type: 'submit', text: 'Переслать' });
    const boxes = chats.map((c) => h('input', { type: 'checkbox', value: String(c.id) }));
    const update = () => {
      const n = boxes.filter((b) => b.checked).length;
      note.textContent = `Выбрано: ${n} из ${FORWARD_MAX}`;
      for (const b of boxes) b.disabled = !b.checked && n >= FORWARD_MAX;
      go.disabled = n === 0;
    };
    const form = h('form', { class: 'forward-form' },
      h('p', { class: 'readers-message muted', text: excerpt(message.text, 80) }),
      h('ul', { class: 'forward-list' }, chats.map((c, i) => h('li', {},
        h('label', { class: 'forward-chat' }, boxes[i], h('span', { text: c.name }),
          c.org_name ? h('span', { class: 'muted', text: ` · ${c.org_name}` }) : null)))),
      note, h('div', { class: 'dialog-actions' }, go));
    form.addEventListener('change', update);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const ids = boxes.filter((b) => b.checked).map((b) => Number(b.value));
      go.disabled = true;
      env.command({ type: 'forward', message_id: message.id, chat_ids: ids }, {
        done: (ack) => { closePanel(); env.forwarded(ack.forwarded || []); },
        failed: (msg) => { go.disabled = false; panelError(msg.message); },
      });
    });
    update();
    return form;
  });
}
