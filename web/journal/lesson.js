// «Классный журнал / Выставить оценки» (SPEC §7; seed 001 figures 21–23): a
// lesson's «Предмет», «Период», «Дата урока», «Тема урока» and the row
// «Дистанционный урок»:
//   - «Создать» for the subject's teacher while the lesson has not ended
//     (the server's can.create), opening «Настройки дистанционного урока»;
//   - «Урок завершился» once it has ended without one;
//   - then «Открыть» (the call page, or the server's reason such as
//     «Дистанционный урок еще не начался») and «Удалить»; a moderator may also
//     start it early or end it («Завершить онлайн-урок»).
// After the lesson its moderator sees «Посещаемость».

import { api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { modal, field, errorLine, confirmDialog } from '/lib/ui.js';
import { LESSON_STATE_LABELS, shortDate, openConference } from './conference.js';

let generation = 0;

export function showLesson(ctx, id) {
  const mine = ++generation;
  const body = byId('lesson-body');
  body.replaceChildren(backLink(), h('p', { class: 'muted', text: 'Загрузка…' }));
  load(ctx, id, mine);
}

const backLink = () => h('p', { class: 'back-line' },
  h('a', { class: 'back-link', href: '#journal', text: '← Классный журнал' }));

async function load(ctx, id, mine) {
  const body = byId('lesson-body');
  let page;
  try {
    page = await api.get(`${ctx.base}/journal/lessons/${encodeURIComponent(id)}`);
  } catch (err) {
    if (mine === generation) body.replaceChildren(backLink(), h('p', { class: 'form-error', role: 'alert', text: err.message }));
    return;
  }
  if (mine !== generation) return;
  render(ctx, id, page, mine);
}

function render(ctx, id, page, mine) {
  const body = byId('lesson-body');
  const l = page.lesson || {};
  const error = errorLine();
  const reload = () => { if (mine === generation) load(ctx, id, ++generation); };
  const distanceCell = h('dd', { class: 'distance-cell', 'data-field': 'distance' },
    distanceRow(ctx, page, { error, reload }));
  const attendance = h('section', { class: 'attendance', 'aria-label': 'Посещаемость', hidden: true });
  body.replaceChildren(
    backLink(),
    h('dl', { class: 'facts lesson-facts' },
      fact('Класс', l.class_name),
      fact('Предмет', l.subject_name),
      fact('Период', l.period ? `${l.period} четверть` : ''),
      fact('Дата урока', shortDate(l.date)),
      fact('Время', l.start && l.end ? `${l.start} - ${l.end}` : ''),
      fact('Тема урока', l.topic || '—'),
      fact('Учитель', l.teacher_name),
      h('dt', { text: 'Дистанционный урок' }),
      distanceCell),
    error.node,
    attendance);
  const d = page.distance;
  if (d && d.conference && d.conference.state === 'finished' && d.can?.moderate) {
    renderAttendance(ctx, d.conference, attendance);
  }
}

function fact(label, value) {
  return [h('dt', { text: label }), h('dd', { text: value || '' })];
}

// The row «Дистанционный урок» for what the server says.
function distanceRow(ctx, page, { error, reload }) {
  const d = page.distance;
  const can = page.can || {};
  if (!d) {
    if (can.create) {
      return h('div', { class: 'distance-row' },
        h('button', { class: 'btn btn-primary btn-small', type: 'button', text: 'Создать',
          onclick: () => openSettings(ctx, page, { onCreated: reload }) }));
    }
    return h('span', { class: can.ended ? 'distance-ended' : 'muted', text: can.ended ? 'Урок завершился' : 'Не создан' });
  }
  const c = d.conference || {};
  const dcan = d.can || {};
  const row = h('div', { class: 'distance-row' },
    h('span', { class: 'distance-name', text: c.name || '' }),
    h('span', { class: c.state === 'active' ? 'badge' : 'badge badge-muted', 'data-state': c.state,
      text: LESSON_STATE_LABELS[c.state] || c.state || '' }));
  const buttons = h('div', { class: 'actions distance-actions' });
  const act = (text, run, cls = 'btn btn-secondary btn-small') => h('button', { class: cls, type: 'button', text,
    onclick: async (event) => {
      const b = event.currentTarget;
      error.show('');
      b.disabled = true;
      try {
        if (await run()) reload();
      } catch (err) {
        error.show(err.message);
      }
      b.disabled = false;
    } });
  if (c.state === 'finished') {
    row.append(h('span', { class: 'distance-ended', text: can.ended ? 'Урок завершился' : 'Дистанционный урок завершён' }));
    return row;
  }
  buttons.append(h('button', { class: 'btn btn-primary btn-small', type: 'button', text: 'Открыть',
    onclick: (event) => openConference(ctx, c.id, { button: event.currentTarget, title: 'Дистанционный урок' }) }));
  if (c.state === 'planned' && dcan.end) {
    buttons.append(act('Начать сейчас', async () => {
      await api.post(`${ctx.base}/conferences/${c.id}/start`, {});
      await settled(ctx, c.id, 'planned');
      return true;
    }));
  }
  if (c.state === 'active' && dcan.end) {
    buttons.append(act('Завершить онлайн-урок', async () => {
      const yes = await confirmDialog({
        title: 'Завершить онлайн-урок',
        text: `«${c.name}»: участники увидят «Звонок завершен» и вернутся на главный экран. Завершить?`,
        ok: 'Завершить', danger: true, name: 'end-lesson',
      });
      if (!yes) return false;
      await api.post(`${ctx.base}/conferences/${c.id}/end`, {});
      await settled(ctx, c.id, 'active');
      return true;
    }));
  }
  if (c.state === 'planned' && dcan.edit) {
    buttons.append(act('Удалить', async () => {
      const yes = await confirmDialog({
        title: 'Удаление дистанционного урока',
        text: `«${c.name}» будет удалён. Удалить?`,
        ok: 'Удалить', danger: true, name: 'delete-distance',
      });
      if (!yes) return false;
      await api.delete(`${ctx.base}/conferences/${c.id}`);
      return true;
    }, 'btn btn-secondary btn-small btn-danger-text'));
  }
  row.append(buttons);
  return row;
}

// The server starts and ends a conference at its next tick, right after the
// request: waits (briefly) until it has left `state`.
async function settled(ctx, id, state) {
  for (let i = 0; i < 20; i++) {
    const now = (await api.get(`${ctx.base}/conferences/${id}`)).conference?.state;
    if (now !== state) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// «Настройки дистанционного урока» (seed 001 figure 22): the name (the
// server's default, editable), the times of the timetable, «Система ВКС».
function openSettings(ctx, page, { onCreated }) {
  const l = page.lesson || {};
  const m = modal({ title: 'Настройки дистанционного урока', name: 'distance-settings' });
  const error = errorLine();
  const name = h('input', { type: 'text', name: 'name', maxlength: '200', autocomplete: 'off', value: page.default_name || '' });
  const readonly = (value, fieldName) => h('input', { type: 'text', name: fieldName, readonly: true, value: value || '' });
  m.body.append(
    h('div', { class: 'form' },
      field('Наименование урока', name).node,
      field('Время начала', readonly(l.start, 'start')).node,
      field('Время окончания', readonly(l.end, 'end')).node,
      field('Система ВКС', readonly('Parta', 'system')).node),
    error.node);
  const create = h('button', { class: 'btn btn-primary', type: 'button', text: 'Создать' });
  m.actions.append(
    h('button', { class: 'btn btn-secondary', type: 'button', text: 'Отмена', onclick: () => m.close() }),
    create);
  name.focus();
  create.addEventListener('click', async () => {
    error.show('');
    const value = name.value.trim();
    if (!value) { error.show('Введите наименование урока.'); name.focus(); return; }
    create.disabled = true;
    try {
      await api.post(`${ctx.base}/journal/lessons/${l.id}/distance`, { name: value });
    } catch (err) {
      error.show(err.message);
      create.disabled = false;
      return;
    }
    m.close('created');
    onCreated();
  });
}

// «Посещаемость» of a distance lesson after it ended (GET …/attendance): every
// member with when they first came, when they last left and how long they
// stayed in all. Times are shown in the organisation's zone, whose offset the
// conference itself tells (its local "date"/"start" against "starts_at"). The
// block stays hidden when the server refuses or has no such list.
export async function renderAttendance(ctx, conf, container) {
  container.hidden = true;
  let data;
  try {
    data = await api.get(`${ctx.base}/conferences/${conf.id}/attendance`);
  } catch {
    return;
  }
  const rows = Array.isArray(data?.attendance) ? data.attendance : [];
  const local = Date.parse(`${conf.date}T${conf.start}:00Z`) / 1000;
  const offset = Number.isFinite(local) && conf.starts_at ? local - conf.starts_at : 0;
  const clock = (t) => (typeof t === 'number' && t > 0
    ? new Date((t + offset) * 1000).toISOString().slice(11, 16) : '—');
  const minutes = (s) => (s > 0 ? `${Math.max(1, Math.round(s / 60))} мин` : '—');
  container.replaceChildren(
    h('h2', { class: 'section-title', text: 'Посещаемость' }),
    rows.length ? h('div', { class: 'table-wrap' },
      h('table', { class: 'table', 'aria-label': 'Посещаемость дистанционного урока' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: 'Ф.И.О.' }),
          h('th', { scope: 'col', text: 'Подключился' }),
          h('th', { scope: 'col', text: 'Отключился' }),
          h('th', { scope: 'col', text: 'Время на уроке' }))),
        h('tbody', {}, rows.map((r) => h('tr', { 'data-person-id': r.person_id },
          h('td', { text: r.name || '' }),
          h('td', { text: clock(r.first_joined_at) }),
          h('td', { text: r.first_joined_at && !r.last_left_at ? 'на уроке' : clock(r.last_left_at) }),
          h('td', { text: r.first_joined_at ? minutes(r.seconds) : 'не подключался' }))))))
      : h('p', { class: 'empty', text: 'Участников нет' }));
  container.hidden = false;
}
