// «Управление чатами» (SPEC §5; seed 001 figures 10–17): the organisation's
// chats as the server lets the user see them, with the filters «Тип чата»,
// «Наименование чата», «Фамилия участников чата», «Число записей на
// странице», the buttons «Загрузить», «Инициализировать список чатов»,
// «Добавить», «Удалить», «Перейти в чат», a table sortable by name and page
// numbers.
//
// A click on a row (or Enter/Space on it) makes it the current chat for
// «Удалить» and «Перейти в чат»; a click on a chat's name opens «Редактировать
// чат». What the server says the user cannot do (`can`, a row's can_edit /
// can_delete) is hidden or disabled; the server decides anyway.

import { api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { field, select, setOptions, errorLine, pager, pageCount, academicYear, PAGE_SIZES, confirmDialog } from '/lib/ui.js';
import { KINDS } from './org.js';
import { openMessenger } from './chats.js';
import { openInitialize } from './initchats.js';
import { openChatEditor } from './chatedit.js';

let screen = null; // built once per page

export function showManage(ctx) {
  if (!screen) screen = buildScreen(ctx);
  screen.load();
}

function buildScreen(ctx) {
  const state = { kind: '', name: '', surname: '', perPage: 50, page: 1, sort: '', selected: null, data: null };
  let generation = 0;

  // ---- filters ----
  const kindSelect = select(kindOptions(ctx), '', { name: 'kind' });
  const nameInput = h('input', { type: 'search', name: 'name', autocomplete: 'off' });
  const surnameInput = h('input', { type: 'search', name: 'surname', autocomplete: 'off' });
  const perPageSelect = select(PAGE_SIZES, 50, { name: 'per_page' });
  const loadButton = h('button', { class: 'btn btn-primary', type: 'submit', text: 'Загрузить' });
  const initButton = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Инициализировать список чатов', hidden: true });
  const addButton = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Добавить', hidden: true });
  const deleteButton = h('button', { class: 'btn btn-secondary btn-danger-text', type: 'button', text: 'Удалить', disabled: true });
  const goButton = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Перейти в чат', disabled: true });

  const filters = h('form', { class: 'filters', 'aria-label': 'Фильтры списка чатов', novalidate: true },
    h('div', { class: 'filter-fields' },
      field('Тип чата', kindSelect).node,
      field('Наименование чата', nameInput).node,
      field('Фамилия участников чата', surnameInput).node,
      field('Число записей на странице', perPageSelect).node),
    h('div', { class: 'actions toolbar' }, loadButton, initButton, addButton, deleteButton, goButton));

  const error = errorLine();
  const status = h('p', { class: 'muted list-status', 'aria-live': 'polite' });
  const pagerBox = h('div', { class: 'pager-box' });
  const tbody = h('tbody');
  const nameSort = h('button', { class: 'th-sort', type: 'button', onclick: () => toggleSort() });
  const nameHeader = h('th', { scope: 'col' }, nameSort);
  const classHeader = h('th', { scope: 'col', text: 'Класс' });
  const table = h('table', { class: 'table table-chats', 'aria-label': 'Чаты организации' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'num', text: '№ п/п' }),
      nameHeader,
      h('th', { scope: 'col', text: 'Тип чата' }),
      h('th', { scope: 'col', class: 'num', text: 'Кол-во участников' }),
      h('th', { scope: 'col', text: 'Учебный год' }),
      classHeader,
      h('th', { scope: 'col', text: 'Администратор' }))),
    tbody);
  const empty = h('p', { class: 'empty', text: 'Чатов не найдено', hidden: true });

  byId('manage-body').replaceChildren(filters, error.node, status, pagerBox,
    h('div', { class: 'table-wrap' }, table), empty);

  // ---- behaviour ----
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    state.kind = kindSelect.value;
    state.name = nameInput.value.trim();
    state.surname = surnameInput.value.trim();
    state.perPage = Number(perPageSelect.value) || 50;
    state.page = 1;
    load();
  });
  initButton.addEventListener('click', () => openInitialize(ctx, { onDone: () => load() }));
  addButton.addEventListener('click', () => openChatEditor(ctx, {
    mode: 'add',
    can: state.data?.can || {},
    onSaved: (chat) => { state.selected = chat?.id ?? null; load(); },
  }));
  deleteButton.addEventListener('click', () => askDelete());
  goButton.addEventListener('click', () => {
    if (state.selected) openMessenger({ button: goButton, hash: `#chat/${state.selected}` });
  });

  function toggleSort() {
    state.sort = state.sort === 'name' ? '-name' : 'name';
    state.page = 1;
    load();
  }

  function query() {
    const q = new URLSearchParams();
    if (state.kind) q.set('kind', state.kind);
    if (state.name) q.set('name', state.name);
    if (state.surname) q.set('surname', state.surname);
    q.set('page', String(state.page));
    q.set('per_page', String(state.perPage));
    if (state.sort) q.set('sort', state.sort);
    return q.toString();
  }

  async function load() {
    const mine = ++generation;
    error.show('');
    table.setAttribute('aria-busy', 'true');
    loadButton.disabled = true;
    let data;
    try {
      data = await api.get(`${ctx.base}/chats?${query()}`);
    } catch (err) {
      if (mine !== generation) return;
      loadButton.disabled = false;
      table.removeAttribute('aria-busy');
      error.show(err.message);
      return;
    }
    if (mine !== generation) return;
    loadButton.disabled = false;
    table.removeAttribute('aria-busy');
    const pages = pageCount(data.total || 0, data.per_page || state.perPage);
    if (state.page > pages && (data.total || 0) > 0) { // a deletion emptied the last page
      state.page = pages;
      load();
      return;
    }
    state.data = data;
    ctx.learnLabels(data.chats);
    setOptions(kindSelect, kindOptions(ctx));
    ctx.terms().then((t) => { classHeader.textContent = t.unit; });
    render();
  }

  function render() {
    const { chats = [], total = 0, can = {} } = state.data;
    const perPage = state.data.per_page || state.perPage;
    const page = state.data.page || state.page;
    initButton.hidden = !can.initialize;
    addButton.hidden = !can.create || !(can.create_kinds || []).length;
    if (!chats.some((c) => c.id === state.selected)) state.selected = null;

    nameSort.textContent = 'Наименование чата' + (state.sort === 'name' ? ' ↑' : state.sort === '-name' ? ' ↓' : '');
    nameSort.title = state.sort === 'name' ? 'Отсортировать по убыванию' : 'Отсортировать по возрастанию';
    if (state.sort) nameHeader.setAttribute('aria-sort', state.sort === 'name' ? 'ascending' : 'descending');
    else nameHeader.removeAttribute('aria-sort');

    const offset = (page - 1) * perPage;
    tbody.replaceChildren(...chats.map((chat, i) => row(chat, offset + i + 1)));
    empty.hidden = chats.length > 0;
    const from = total ? offset + 1 : 0;
    status.textContent = total ? `Показано ${from}–${offset + chats.length} из ${total}` : '';
    pagerBox.replaceChildren(pager(page, pageCount(total, perPage), (p) => { state.page = p; load(); },
      'Страницы списка чатов'));
    updateButtons();
  }

  function row(chat, number) {
    const tr = h('tr', {
      tabindex: '0',
      class: 'row-selectable',
      'data-chat-id': chat.id,
      'aria-selected': chat.id === state.selected ? 'true' : 'false',
    },
    h('td', { class: 'num', text: String(number) }),
    h('td', {},
      h('button', { class: 'link-button chat-name', type: 'button', text: chat.name,
        onclick: () => { choose(chat.id); openEdit(chat); } }),
      chat.archived ? h('span', { class: 'badge badge-muted', text: 'В архиве' }) : null),
    h('td', { text: chat.kind_label || ctx.kindLabel(chat.kind) }),
    h('td', { class: 'num', text: String(chat.members ?? 0) }),
    h('td', { text: academicYear(chat.year) }),
    h('td', { text: chat.class_name || '' }),
    h('td', { text: (chat.admins || []).join(', ') }));
    tr.addEventListener('click', () => choose(chat.id));
    tr.addEventListener('keydown', (event) => {
      if (event.target !== tr || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      choose(chat.id);
    });
    return tr;
  }

  function choose(id) {
    state.selected = id;
    for (const tr of tbody.rows) tr.setAttribute('aria-selected', Number(tr.dataset.chatId) === id ? 'true' : 'false');
    updateButtons();
  }

  function current() {
    return (state.data?.chats || []).find((c) => c.id === state.selected) || null;
  }

  function updateButtons() {
    const chat = current();
    deleteButton.disabled = !chat || !chat.can_delete;
    goButton.disabled = !chat;
    deleteButton.title = chat && !chat.can_delete ? 'Этот чат нельзя удалить' : '';
    if (chat) status.dataset.selected = chat.name;
  }

  function openEdit(chat) {
    openChatEditor(ctx, { mode: 'edit', chatId: chat.id, can: state.data?.can || {}, onSaved: () => load() });
  }

  async function askDelete() {
    const chat = current();
    if (!chat || !chat.can_delete) return;
    const yes = await confirmDialog({
      title: 'Удаление чата',
      text: `«${chat.name}»: чат будет удалён из журнала и мессенджера без возможности восстановления. Удалить?`,
      ok: 'Удалить',
      danger: true,
      name: 'delete-chat',
    });
    if (!yes) return;
    error.show('');
    deleteButton.disabled = true;
    try {
      await api.delete(`${ctx.base}/chats/${chat.id}`);
    } catch (err) {
      error.show(err.message);
      updateButtons();
      return;
    }
    state.selected = null;
    load();
  }

  return { load };
}

function kindOptions(ctx) {
  return [['', 'Все'], ...KINDS.map((k) => [k, ctx.kindLabel(k)])];
}
