// «Участники» of «Добавить новый чат» and «Редактировать чат» (seed 001
// figures 11 and 13): the chat's members as they will be after «Сохранить»,
// with «Добавить себя», «Добавить учеников» («студентов» in a college),
// «Добавить участников» (the picker), «Удалить участников», «Назначить
// администратором», «Отменить назначение администратором»; a checkbox per
// row, «Выбрано участников (N)», «Выбрать участников на всех страницах (N)»,
// a surname filter and pages.
//
// Nothing is sent from here: the dialog that owns the editor reads the result
// (members(), or changes() against the members it started from) and saves it
// in one request.

import { h } from '/lib/dom.js';
import { field, select, pager, pageCount, PAGE_SIZES, errorLine } from '/lib/ui.js';
import { openPicker } from './picker.js';

// Folds case and ё for the surname filter.
export const fold = (s) => (s || '').toLocaleLowerCase('ru').replaceAll('ё', 'е');

// rows: [{person_id, name, admin, pending}] the chat has now (empty for a new chat).
// opts: { readOnly, students: {label, load()} | null, self: (() => person) | null,
//         chatId, ctx, terms, markNew (mark people not among `rows`) }
export function memberEditor(rows, opts) {
  const start = new Map(rows.map((r) => [r.person_id, { admin: !!r.admin }]));
  const current = new Map(rows.map((r) => [r.person_id, { ...r, admin: !!r.admin }]));
  const chosen = new Set();
  const view = { filter: '', perPage: 10, page: 1 };
  const error = errorLine();
  const busy = new Set();

  const filterInput = h('input', { type: 'search', autocomplete: 'off' });
  const perPageSelect = select(PAGE_SIZES, 10);
  const countLabel = h('span', { class: 'selected-count', 'aria-live': 'polite' });
  const allButton = h('button', { class: 'btn btn-ghost btn-small', type: 'button' });
  const pageBox = h('div', { class: 'pager-box' });
  const headBox = h('input', { type: 'checkbox', 'aria-label': 'Выбрать всех на странице' });
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', text: 'Участников нет', hidden: true });

  const button = (text, run, extra = {}) => h('button', {
    class: 'btn btn-secondary btn-small', type: 'button', text, ...extra,
    onclick: async (event) => {
      const b = event.currentTarget;
      if (busy.has(b)) return;
      busy.add(b);
      b.disabled = true;
      error.show('');
      try { await run(); } catch (err) { error.show(err.message); }
      busy.delete(b);
      refresh();
    },
  });
  const selfButton = opts.self ? button('Добавить себя', async () => {
    const me = await opts.self();
    if (me) add([me]);
  }) : null;
  const studentsButton = opts.students
    ? button(opts.students.label, async () => add(await opts.students.load()))
    : null;
  const pickButton = button('Добавить участников', () => new Promise((resolve) => {
    openPicker(opts.ctx, {
      chatId: opts.chatId || 0,
      terms: opts.terms,
      has: (id) => current.has(id),
      onPick: (people) => add(people),
      onClose: resolve,
    });
  }));
  const removeButton = button('Удалить участников', () => {
    for (const id of chosen) current.delete(id);
    chosen.clear();
  });
  const grantButton = button('Назначить администратором', () => {
    for (const id of chosen) current.get(id).admin = true;
    chosen.clear();
  });
  const revokeButton = button('Отменить назначение администратором', () => {
    for (const id of chosen) current.get(id).admin = false;
    chosen.clear();
  });
  const actionButtons = [selfButton, studentsButton, pickButton, removeButton, grantButton, revokeButton].filter(Boolean);

  const node = h('section', { class: 'members', 'aria-label': 'Участники' },
    h('h3', { class: 'dialog-subtitle', text: 'Участники' }),
    opts.readOnly ? null : h('div', { class: 'actions toolbar member-actions' }, actionButtons),
    error.node,
    h('div', { class: 'filter-fields' },
      field('Фамилия участников чата', filterInput).node,
      field('Число записей на странице', perPageSelect).node),
    h('p', { class: 'selection-line' }, countLabel, opts.readOnly ? null : allButton),
    pageBox,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table table-members', 'aria-label': 'Участники чата' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'check-col' }, opts.readOnly ? null : headBox),
          h('th', { scope: 'col', class: 'num', text: '№ п/п' }),
          h('th', { scope: 'col', text: 'Имя на экране' }),
          h('th', { scope: 'col', text: 'Админ' }))),
        tbody)),
    empty);

  filterInput.addEventListener('input', () => { view.filter = fold(filterInput.value.trim()); view.page = 1; refresh(); });
  perPageSelect.addEventListener('change', () => { view.perPage = Number(perPageSelect.value); view.page = 1; refresh(); });
  headBox.addEventListener('change', () => {
    for (const r of pageRows()) if (headBox.checked) chosen.add(r.person_id); else chosen.delete(r.person_id);
    refresh();
  });
  allButton.addEventListener('click', () => {
    for (const r of filtered()) chosen.add(r.person_id);
    refresh();
  });

  function add(people) {
    for (const p of people || []) {
      if (!p || !p.person_id || current.has(p.person_id)) continue;
      current.set(p.person_id, { person_id: p.person_id, name: p.name, admin: !!p.admin, pending: !!p.pending });
    }
  }

  function filtered() {
    const list = [...current.values()].sort((a, b) => a.name.localeCompare(b.name, 'ru'));
    return view.filter ? list.filter((r) => fold(r.name).startsWith(view.filter)) : list;
  }
  function pageRows() {
    const list = filtered();
    const pages = pageCount(list.length, view.perPage);
    if (view.page > pages) view.page = pages;
    return list.slice((view.page - 1) * view.perPage, view.page * view.perPage);
  }

  function refresh() {
    for (const id of [...chosen]) if (!current.has(id)) chosen.delete(id);
    const list = filtered();
    const rowsNow = pageRows();
    const offset = (view.page - 1) * view.perPage;
    tbody.replaceChildren(...rowsNow.map((r, i) => memberRow(r, offset + i + 1)));
    empty.hidden = rowsNow.length > 0;
    pageBox.replaceChildren(pager(view.page, pageCount(list.length, view.perPage),
      (p) => { view.page = p; refresh(); }, 'Страницы списка участников'));
    countLabel.textContent = opts.readOnly ? `Участников: ${current.size}` : `Выбрано участников (${chosen.size})`;
    allButton.textContent = `Выбрать участников на всех страницах (${list.length})`;
    headBox.checked = rowsNow.length > 0 && rowsNow.every((r) => chosen.has(r.person_id));
    const none = chosen.size === 0;
    for (const b of actionButtons) if (!busy.has(b)) b.disabled = false;
    removeButton.disabled = none || busy.has(removeButton);
    grantButton.disabled = none || busy.has(grantButton);
    revokeButton.disabled = none || busy.has(revokeButton);
    opts.onChange?.();
  }

  function memberRow(r, number) {
    const box = h('input', { type: 'checkbox', 'aria-label': `Выбрать: ${r.name}` });
    box.checked = chosen.has(r.person_id);
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(r.person_id); else chosen.delete(r.person_id);
      refresh();
    });
    const was = start.get(r.person_id);
    return h('tr', { 'data-person-id': r.person_id },
      h('td', { class: 'check-col' }, opts.readOnly ? null : box),
      h('td', { class: 'num', text: String(number) }),
      h('td', {},
        h('span', { class: 'member-name', text: r.name }),
        r.pending ? h('span', { class: 'badge badge-warn', title: 'Не связал учётную запись с учебным профилем',
          text: 'ожидает привязки' }) : null,
        !was && opts.markNew ? h('span', { class: 'badge', text: 'новый' }) : null),
      h('td', { class: 'admin-col', text: r.admin ? 'Да' : '' }));
  }

  refresh();
  return {
    node,
    // Replaces everything (a new proposal in «Добавить новый чат»).
    reset(list) {
      current.clear();
      chosen.clear();
      add(list);
      view.page = 1;
      refresh();
    },
    setStudents(students) {
      if (studentsButton) studentsButton.hidden = !students;
      if (students) opts.students = students;
    },
    members: () => [...current.values()],
    // For a PATCH: {add, remove, grant, revoke} against the starting members.
    changes() {
      const c = { add: [], remove: [], grant: [], revoke: [] };
      for (const [id, r] of current) {
        const was = start.get(id);
        if (!was) c.add.push(id);
        if (r.admin && (!was || !was.admin)) c.grant.push(id);
        if (!r.admin && was && was.admin) c.revoke.push(id);
      }
      for (const id of start.keys()) if (!current.has(id)) c.remove.push(id);
      return c;
    },
    // People who are to be added but have not linked a messenger profile.
    pendingAdded: () => [...current.values()].filter((r) => r.pending && !start.has(r.person_id)),
    showError: (message) => error.show(message),
  };
}
