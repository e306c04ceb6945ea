// One message on screen: who and when, «изменено», the «важное» and pinned marks, a
// forwarded message's origin, the quoted message of a reply, the text, the reactions (one's
// own pressed), a read confirmation request («Подтвердить прочтение», or how many confirmed
// on one's own), ✓ sent / ✓✓ read on one's own, and the actions — «Ответить», «Изменить»,
// «Удалить» in sight, the rest under «Ещё».
//
// The node is rebuilt whole on every change of the message; it only calls back:
// ctx.act(kind, message, arg) with kind one of reply, edit, delete, react ({emoji, on}),
// confirm, readers, forward, save, important (on), pin (on).

import { h } from '/lib/dom.js';

export const DELETED = 'Сообщение удалено';
export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];
const EDIT_WINDOW = 24 * 3600;

export function formatTime(seconds) {
  const d = new Date(seconds * 1000);
  const time = d.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === new Date().toDateString()) return time;
  return `${d.toLocaleDateString('ru-RU', { day: '2-digit', month: '2-digit', year: 'numeric' })} ${time}`;
}

export const excerpt = (text, n = 120) => (text.length > n ? `${text.slice(0, n)}…` : text);

const button = (text, onclick, cls = 'btn-ghost', extra = {}) =>
  h('button', { class: `btn ${cls} btn-small`, type: 'button', text, onclick, ...extra });

// A <details> menu whose buttons close it when used.
function menu(summary, cls, label, items) {
  const box = h('details', { class: cls });
  const close = (fn) => () => { box.open = false; fn(); };
  box.append(h('summary', { class: 'btn btn-ghost btn-small', 'aria-label': label, title: label, text: summary }),
    h('div', { class: `${cls}-items` }, items.filter(Boolean).map(([text, fn, extra]) =>
      button(text, close(fn), 'btn-ghost', extra))));
  return box;
}

function quote(message, ctx) {
  const source = ctx.source(message.reply_to);
  if (!source) return h('blockquote', { class: 'msg-quote muted', text: 'Ответ на сообщение' });
  return h('blockquote', { class: 'msg-quote' },
    h('span', { class: 'msg-quote-sender', text: source.sender_name }),
    h('span', { class: 'msg-quote-text', text: source.deleted ? DELETED : excerpt(source.text) }));
}

function head(message, own, ctx) {
  const read = own && !message.deleted && message.seq <= ctx.othersRead;
  return h('div', { class: 'msg-head' },
    h('span', { class: 'msg-sender', text: message.sender_name }),
    h('time', { class: 'msg-time muted', text: formatTime(message.created_at) }),
    message.edited_at > 0 && !message.deleted ? h('span', { class: 'msg-edited muted', text: 'изменено' }) : null,
    ctx.important(message.id) ? h('span', { class: 'msg-flag msg-important', title: 'Важное', text: '★ важное' }) : null,
    ctx.pinned(message.id) ? h('span', { class: 'msg-flag msg-pinned', title: 'Закреплено', text: '📌' }) : null,
    own && !message.deleted
      ? h('span', { class: `msg-ticks${read ? ' msg-ticks-read' : ''}`, title: read ? 'Прочитано' : 'Отправлено',
        'aria-label': read ? 'Прочитано' : 'Отправлено', text: read ? '✓✓' : '✓' })
      : null);
}

function reactions(message, ctx) {
  const by = message.reacted_by || {};
  const chips = Object.entries(message.reactions || {}).filter(([, n]) => n > 0).map(([emoji, n]) => {
    const mine = (by[emoji] || []).includes(ctx.me);
    return h('button', {
      class: `reaction${mine ? ' reaction-mine' : ''}`, type: 'button', 'aria-pressed': mine ? 'true' : 'false',
      title: mine ? 'Убрать свою реакцию' : 'Поставить такую же', text: `${emoji} ${n}`,
      onclick: () => ctx.act('react', message, { emoji, on: !mine }),
    });
  });
  return chips.length ? h('div', { class: 'msg-reactions' }, chips) : null;
}

// A request for a read confirmation: the sender sees how many confirmed, the others confirm.
function confirmation(message, own, ctx) {
  if (!message.confirm || message.deleted) return null;
  const by = message.confirmed_by || [];
  if (own) {
    return h('div', { class: 'msg-confirm-box' },
      h('span', { class: 'msg-confirm-note', text: `Запрошено подтверждение прочтения · подтвердили: ${by.length}` }),
      button('Кто подтвердил', () => ctx.act('readers', message)));
  }
  return h('div', { class: 'msg-confirm-box' },
    by.includes(ctx.me)
      ? h('span', { class: 'msg-confirm-done', text: '✓ Вы подтвердили прочтение' })
      : h('span', { class: 'msg-confirm-note', text: 'Автор просит подтвердить прочтение' }),
    by.includes(ctx.me) ? null : button('Подтвердить прочтение', () => ctx.act('confirm', message), 'btn-primary'));
}

function actions(message, own, ctx) {
  if (message.deleted) return null;
  const canEdit = own && ctx.now() - message.created_at < EDIT_WINDOW;
  const canDelete = own || ctx.admin;
  const important = ctx.important(message.id);
  const pinned = ctx.pinned(message.id);
  const box = h('div', { class: 'msg-actions' });
  // (replaceChildren would write a null as the text "null")
  const normal = () => box.replaceChildren(...[
    button('Ответить', () => ctx.act('reply', message)),
    canEdit ? button('Изменить', () => ctx.act('edit', message)) : null,
    canDelete ? button('Удалить', confirmDelete) : null,
    menu('🙂+', 'msg-react', 'Реакция', REACTIONS.map((emoji) =>
      [emoji, () => ctx.act('react', message, { emoji, on: true }), { 'aria-label': `Реакция ${emoji}` }])),
    menu('Ещё', 'msg-more', 'Ещё действия', [
      ['Кто прочитал', () => ctx.act('readers', message)],
      ['Переслать', () => ctx.act('forward', message)],
      ['В избранное', () => ctx.act('save', message)],
      [important ? 'Убрать из важного' : 'Важное', () => ctx.act('important', message, !important)],
      ctx.admin ? [pinned ? 'Открепить' : 'Закрепить', () => ctx.act('pin', message, !pinned)] : null,
    ])].filter(Boolean));
  // «Удалить» asks once more: the message goes for everyone.
  function confirmDelete() {
    box.replaceChildren(
      h('span', { class: 'msg-confirm', text: 'Удалить для всех?' }),
      button('Да, удалить', () => ctx.act('delete', message), 'btn-danger'),
      button('Отмена', normal));
  }
  normal();
  return box;
}

// A system message that a distance lesson or video call started: the way in.
function joinLink(message, ctx) {
  return h('a', {
    class: 'btn btn-primary msg-join',
    href: `/call/?org=${encodeURIComponent(ctx.org)}&conf=${encodeURIComponent(message.conference_id)}`,
    text: 'Присоединиться к звонку',
  });
}

// ctx: { me, org, now(), admin, othersRead, important(id), pinned(id), source(id), act(kind, message, arg) }
export function messageNode(message, ctx) {
  const own = message.sender_profile === ctx.me;
  const classes = ['msg', own ? 'msg-own' : '', message.deleted ? 'msg-deleted' : ''].filter(Boolean);
  return h('li', { class: classes.join(' '), 'data-message-id': message.id, 'data-seq': message.seq },
    head(message, own, ctx),
    message.forwarded_from && !message.deleted
      ? h('p', { class: 'msg-forwarded muted', text: `Переслано${message.forwarded_sender ? ` · ${message.forwarded_sender}` : ''}` })
      : null,
    message.reply_to && !message.deleted ? quote(message, ctx) : null,
    h('p', { class: 'msg-text', text: message.deleted ? DELETED : message.text }),
    message.conference_id && !message.deleted ? joinLink(message, ctx) : null,
    message.deleted ? null : reactions(message, ctx),
    confirmation(message, own, ctx),
    actions(message, own, ctx));
}
