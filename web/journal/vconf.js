// «Видеоконференции» (SPEC §7; seed 002 «Вкладка «Видеоконференции»», figures
// 30–31): the conferences the user may see — an administrator all of them,
// everyone else their own — with «Наименование», «Тип» («Онлайн-урок» /
// «Видеозвонок»), «Чат», «Дата», «Время», «Статус» («Запланирована» /
// «Активная» / «Завершена») and «Ссылка» («Перейти», only while active).
// Staff have «Добавить», «Изменить», «Удалить» and «Закончить
// видеоконференцию» for the chosen row; the server decides anyway.
//
// Conferences start and end by themselves at their times: while the screen is
// shown and one of them is still to start or running, the list is asked again
// every few seconds.

import { api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { errorLine, confirmDialog } from '/lib/ui.js';
import { KIND_LABELS, STATE_LABELS, shortDate, timeRange, openConference } from './conference.js';
import { openConferenceEditor } from './vconfedit.js';

const POLL_MS = 5000;

let screen = null;

export function showConferences(ctx) {
  if (!screen) screen = buildScreen(ctx);
  screen.load();
}

function buildScreen(ctx) {
  const state = { data: null, selected: null };
  let generation = 0;
  let timer = 0;

  const addButton = h('button', { class: 'btn btn-primary', type: 'button', text: 'Добавить', hidden: true });
  const editButton = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Изменить', disabled: true, hidden: true });
  const deleteButton = h('button', { class: 'btn btn-secondary btn-danger-text', type: 'button', text: 'Удалить', disabled: true, hidden: true });
  const endButton = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Закончить видеоконференцию', disabled: true, hidden: true });
  const toolbar = h('div', { class: 'actions toolbar' }, addButton, editButton, deleteButton, endButton);
  const note = h('p', { class: 'muted vconf-note',
    text: 'Видеоконференция автоматически начинается в момент наступления времени начала и автоматически завершается в момент наступления времени окончания.' });
  const error = errorLine();
  const status = h('p', { class: 'muted list-status', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const table = h('table', { class: 'table table-conferences', 'aria-label': 'Видеоконференции' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: 'Наименование' }),
      h('th', { scope: 'col', text: 'Тип' }),
      h('th', { scope: 'col', text: 'Чат' }),
      h('th', { scope: 'col', text: 'Дата' }),
      h('th', { scope: 'col', text: 'Время' }),
      h('th', { scope: 'col', text: 'Статус' }),
      h('th', { scope: 'col', text: 'Ссылка' }))),
    tbody);
  const tableWrap = h('div', { class: 'table-wrap' }, table);
  const empty = h('p', { class: 'empty', text: 'Видеоконференций нет', hidden: true });
  byId('vconf-body').replaceChildren(toolbar, note, error.node, status, tableWrap, empty);

  addButton.addEventListener('click', () => openConferenceEditor(ctx, {
    onSaved: (conf) => { if (conf?.id) state.selected = conf.id; load(); },
  }));
  editButton.addEventListener('click', () => {
    const c = current();
    if (c) openConferenceEditor(ctx, { id: c.id, onSaved: () => load() });
  });
  deleteButton.addEventListener('click', () => act('delete'));
  endButton.addEventListener('click', () => act('end'));

  async function load() {
    const mine = ++generation;
    clearTimeout(timer);
    table.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await api.get(`${ctx.base}/conferences`);
    } catch (err) {
      if (mine !== generation) return;
      table.removeAttribute('aria-busy');
      error.show(err.message);
      return;
    }
    if (mine !== generation) return;
    table.removeAttribute('aria-busy');
    error.show('');
    state.data = data;
    render();
    const waiting = (data.conferences || []).some((c) => c.state !== 'finished');
    if (waiting) timer = setTimeout(poll, POLL_MS);
  }

  function poll() {
    if (byId('vconf-screen').hidden) return; // another screen: showConferences starts again
    if (document.visibilityState === 'hidden' || document.querySelector('dialog[open]')) {
      timer = setTimeout(poll, POLL_MS);
      return;
    }
    load();
  }

  function render() {
    const { conferences = [], can_create: canCreate } = state.data;
    for (const b of [addButton, editButton, deleteButton, endButton]) b.hidden = !canCreate;
    if (!conferences.some((c) => c.id === state.selected)) state.selected = null;
    tbody.replaceChildren(...conferences.map(row));
    tableWrap.hidden = conferences.length === 0;
    empty.hidden = conferences.length > 0;
    status.textContent = conferences.length ? `Видеоконференций: ${conferences.length}` : '';
    updateButtons();
  }

  function row(c) {
    const tr = h('tr', {
      tabindex: '0',
      class: 'row-selectable',
      'data-conference-id': c.id,
      'data-state': c.state,
      'aria-selected': c.id === state.selected ? 'true' : 'false',
    },
    h('td', { class: 'conf-name', text: c.name }),
    h('td', { text: KIND_LABELS[c.kind] || c.kind }),
    h('td', { text: c.chat_name || '' }),
    h('td', { class: 'nowrap', text: shortDate(c.date) }),
    h('td', { class: 'nowrap', text: timeRange(c.start, c.end) }),
    h('td', {}, h('span', { class: c.state === 'active' ? 'badge' : 'badge badge-muted', text: STATE_LABELS[c.state] || c.state })),
    h('td', {}, c.state === 'active'
      ? h('button', { class: 'btn btn-primary btn-small', type: 'button', text: 'Перейти',
        'aria-label': `Перейти: ${c.name}`,
        onclick: (event) => { event.stopPropagation(); openConference(ctx, c.id, { button: event.currentTarget, title: 'Видеоконференция' }); } })
      : null));
    tr.addEventListener('click', () => choose(c.id));
    tr.addEventListener('keydown', (event) => {
      if (event.target !== tr || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      choose(c.id);
    });
    return tr;
  }

  function choose(id) {
    state.selected = id;
    for (const tr of tbody.rows) tr.setAttribute('aria-selected', Number(tr.dataset.conferenceId) === id ? 'true' : 'false');
    updateButtons();
  }

  function current() {
    return (state.data?.conferences || []).find((c) => c.id === state.selected) || null;
  }

  function updateButtons() {
    const c = current();
    editButton.disabled = !c || c.state === 'finished';
    deleteButton.disabled = !c || c.state === 'active';
    endButton.disabled = !c || c.state === 'finished';
    deleteButton.title = c && c.state === 'active' ? 'Идёт видеоконференция: сначала завершите её' : '';
  }

  async function act(what) {
    const c = current();
    if (!c) return;
    const yes = await confirmDialog(what === 'delete' ? {
      title: 'Удаление видеоконференции',
      text: `«${c.name}» будет удалена. Удалить?`,
      ok: 'Удалить', danger: true, name: 'delete-conference',
    } : {
      title: 'Закончить видеоконференцию',
      text: `«${c.name}»: участники увидят «Звонок завершен» и вернутся на главный экран. Закончить?`,
      ok: 'Закончить', danger: true, name: 'end-conference',
    });
    if (!yes) return;
    error.show('');
    const button = what === 'delete' ? deleteButton : endButton;
    button.disabled = true;
    try {
      if (what === 'delete') await api.delete(`${ctx.base}/conferences/${c.id}`);
      else await api.post(`${ctx.base}/conferences/${c.id}/end`, {});
    } catch (err) {
      error.show(err.message);
      updateButtons();
      return;
    }
    if (what === 'delete') state.selected = null;
    await load();
    // Ending takes the server's next tick: the row turns «Завершена» then.
    if (what === 'end' && current()?.state !== 'finished') setTimeout(() => { if (!byId('vconf-screen').hidden) load(); }, 300);
  }

  return { load };
}
