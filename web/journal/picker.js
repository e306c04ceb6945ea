// «Выбрать участников чата» (seed 001 figure 12): people of the organisation
// by surname, roles (Сотрудники / Ученики / Родители), gender, class and a
// free search, page by page, a checkbox per row; «Выбрано участников (N)»,
// «Выбрать участников на всех страницах (N)» (every matching person, ids=1).
// People already in the chat are marked «Уже является участником» and cannot
// be chosen. «Добавить» hands the choice to the chat dialog (onPick), which
// saves it with the rest of its changes.

import { api } from '/lib/api.js';
import { h, formatDate, fullName } from '/lib/dom.js';
import { modal, field, select, setOptions, checkbox, errorLine, pager, pageCount, PAGE_SIZES } from '/lib/ui.js';

const ROLE_WORDS = { staff: 'Сотрудник', student: 'Ученик', parent: 'Родитель' };
const NAME_PAGE = 500; // names of people chosen on pages never shown are read this many at a time

// opts: { chatId, terms, has(person_id) → already in the chat, onPick(people), onClose }
export function openPicker(ctx, opts) {
  const terms = opts.terms || {};
  const studentWord = terms.students || 'Ученики';
  const chosen = new Map(); // person_id → person ({person_id, name, pending}) or null (name unknown yet)
  const state = { page: 1, perPage: 10, data: null };
  let generation = 0;
  const unseen = []; // [{url, total}]: filters of «на всех страницах» whose people were not all shown

  const m = modal({ title: 'Выбрать участников чата', wide: true, name: 'picker', onClose: () => opts.onClose?.() });
  const error = errorLine();

  const surname = h('input', { type: 'search', name: 'surname', autocomplete: 'off' });
  const roles = [
    ['staff', 'Сотрудники'], ['student', studentWord], ['parent', 'Родители'],
  ].map(([code, label]) => ({ code, ...checkbox(label, { name: 'role', value: code }) }));
  const gender = select([['', 'Любой'], ['m', 'Мужской'], ['f', 'Женский']], '', { name: 'gender' });
  const klass = select([['', 'Все']], '', { name: 'class_id' });
  const search = h('input', { type: 'search', name: 'q', autocomplete: 'off' });
  const perPage = select(PAGE_SIZES, 10, { name: 'per_page' });
  const find = h('button', { class: 'btn btn-secondary', type: 'submit', text: 'Найти' });
  const form = h('form', { class: 'filters picker-filters', novalidate: true, 'aria-label': 'Отбор участников' },
    h('div', { class: 'filter-fields' },
      field('По фамилии', surname).node,
      h('fieldset', { class: 'checks checks-inline' }, h('legend', { text: 'Роли' }), roles.map((r) => r.node)),
      field('Пол', gender).node,
      field(terms.unit || 'Класс', klass).node,
      field('Поиск', search).node,
      field('Число записей на странице', perPage).node),
    h('div', { class: 'actions toolbar' }, find));

  const countLabel = h('span', { class: 'selected-count', 'aria-live': 'polite' });
  const allButton = h('button', { class: 'btn btn-ghost btn-small', type: 'button' });
  const clearButton = h('button', { class: 'btn btn-ghost btn-small', type: 'button', text: 'Снять выбор' });
  const pageBox = h('div', { class: 'pager-box' });
  const headBox = h('input', { type: 'checkbox', 'aria-label': 'Выбрать всех на странице' });
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', text: 'Никого не найдено', hidden: true });
  const addButton = h('button', { class: 'btn btn-primary', type: 'button', text: 'Добавить' });

  m.body.append(form, error.node,
    h('p', { class: 'selection-line' }, countLabel, allButton, clearButton),
    pageBox,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table table-people', 'aria-label': 'Люди организации' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'check-col' }, headBox),
          h('th', { scope: 'col', class: 'num', text: '№ п/п' }),
          h('th', { scope: 'col', text: 'Фамилия' }),
          h('th', { scope: 'col', text: 'Имя' }),
          h('th', { scope: 'col', text: 'Отчество' }),
          h('th', { scope: 'col', text: 'Дата рождения' }),
          h('th', { scope: 'col', text: 'Роль' }),
          h('th', { scope: 'col', text: terms.unit || 'Класс' }))),
        tbody)),
    empty,
    h('p', { class: 'muted legend' }, h('span', { class: 'member-mark', 'aria-hidden': 'true', text: '☐' }),
      ' – Уже является участником'));
  m.actions.append(
    h('button', { class: 'btn btn-secondary', type: 'button', text: 'Отмена', onclick: () => m.close() }),
    addButton);
  surname.focus();

  ctx.classes().then((list) => setOptions(klass, [['', 'Все'], ...list.map((c) => [c.id, c.name])]))
    .catch(() => {});

  form.addEventListener('submit', (event) => { event.preventDefault(); state.page = 1; load(); });
  for (const input of [gender, klass, perPage, ...roles.map((r) => r.input)]) {
    input.addEventListener('change', () => { state.page = 1; load(); });
  }
  headBox.addEventListener('change', () => {
    for (const p of state.data?.people || []) {
      if (isMember(p)) continue;
      if (headBox.checked) chosen.set(p.person_id, person(p)); else chosen.delete(p.person_id);
    }
    render();
  });
  allButton.addEventListener('click', selectAll);
  clearButton.addEventListener('click', () => { chosen.clear(); render(); });
  addButton.addEventListener('click', finish);

  const isMember = (p) => p.member || opts.has(p.person_id);
  const person = (p) => ({ person_id: p.person_id, name: fullName(p), pending: p.pending === true || p.linked === false });

  function query(extra = {}) {
    const q = new URLSearchParams();
    if (surname.value.trim()) q.set('surname', surname.value.trim());
    const r = roles.filter((x) => x.input.checked).map((x) => x.code);
    if (r.length) q.set('roles', r.join(','));
    if (gender.value) q.set('gender', gender.value);
    if (klass.value) q.set('class_id', klass.value);
    if (search.value.trim()) q.set('q', search.value.trim());
    if (opts.chatId) q.set('chat', String(opts.chatId));
    q.set('page', String(extra.page || state.page));
    q.set('per_page', String(extra.perPage || Number(perPage.value) || 10));
    if (extra.ids) q.set('ids', '1');
    return `${ctx.base}/chat-candidates?${q}`;
  }

  async function load() {
    const mine = ++generation;
    error.show('');
    find.disabled = true;
    try {
      const data = await api.get(query());
      if (mine !== generation) return;
      state.data = data;
      render();
    } catch (err) {
      if (mine === generation) error.show(err.message);
    } finally {
      if (mine === generation) find.disabled = false;
    }
  }

  function render() {
    const { people = [], total = 0 } = state.data || {};
    const per = state.data?.per_page || Number(perPage.value) || 10;
    const page = state.data?.page || state.page;
    const offset = (page - 1) * per;
    tbody.replaceChildren(...people.map((p, i) => row(p, offset + i + 1)));
    empty.hidden = people.length > 0;
    pageBox.replaceChildren(pager(page, pageCount(total, per), (n) => { state.page = n; load(); },
      'Страницы списка людей'));
    countLabel.textContent = `Выбрано участников (${chosen.size})`;
    allButton.textContent = `Выбрать участников на всех страницах (${total})`;
    allButton.disabled = total === 0;
    clearButton.hidden = chosen.size === 0;
    const free = people.filter((p) => !isMember(p));
    headBox.checked = free.length > 0 && free.every((p) => chosen.has(p.person_id));
    headBox.disabled = free.length === 0;
    addButton.disabled = chosen.size === 0;
  }

  function row(p, number) {
    const member = isMember(p);
    const box = h('input', { type: 'checkbox', 'aria-label': `Выбрать: ${fullName(p)}` });
    box.checked = member || chosen.has(p.person_id);
    box.disabled = member;
    box.addEventListener('change', () => {
      if (box.checked) chosen.set(p.person_id, person(p)); else chosen.delete(p.person_id);
      render();
    });
    if (chosen.has(p.person_id) && chosen.get(p.person_id) === null) chosen.set(p.person_id, person(p));
    return h('tr', { class: member ? 'row-member' : '', 'data-person-id': p.person_id },
      h('td', { class: 'check-col' }, box),
      h('td', { class: 'num', text: String(number) }),
      h('td', {}, h('span', { text: p.surname || '' }),
        member ? h('span', { class: 'badge badge-muted', text: 'Уже является участником' }) : null),
      h('td', { text: p.first_name || '' }),
      h('td', { text: p.patronymic || '' }),
      h('td', { text: formatDate(p.birth_date) }),
      h('td', { text: (p.roles || []).map((r) => ROLE_WORDS[r] || r).join(', ') }),
      h('td', { text: p.class_name || '' }));
  }

  // Every matching person who is not yet in the chat.
  async function selectAll() {
    allButton.disabled = true;
    error.show('');
    try {
      const data = await api.get(query({ page: 1, perPage: 1, ids: true }));
      const allIds = data.ids || [];
      unseen.push({ url: query({ page: 1, perPage: NAME_PAGE }), total: data.total || allIds.length });
      const known = new Map((state.data?.people || []).map((p) => [p.person_id, p]));
      for (const id of allIds) {
        if (opts.has(id) || chosen.has(id)) continue;
        const p = known.get(id);
        if (p && p.member) continue;
        chosen.set(id, p ? person(p) : null);
      }
    } catch (err) {
      error.show(err.message);
    }
    render();
  }

  // Names of the people chosen without being seen, read with the same filter.
  async function resolveNames() {
    const missing = () => [...chosen.values()].some((v) => v === null);
    for (const { url, total } of unseen) {
      for (let page = 1; page <= pageCount(total, NAME_PAGE) && missing(); page++) {
        const data = await api.get(url.replace(/([?&])page=1(&|$)/, `$1page=${page}$2`));
        for (const p of data.people || []) {
          if (chosen.has(p.person_id) && chosen.get(p.person_id) === null) chosen.set(p.person_id, person(p));
        }
      }
    }
  }

  async function finish() {
    addButton.disabled = true;
    error.show('');
    try {
      await resolveNames();
    } catch (err) {
      error.show(err.message);
      addButton.disabled = false;
      return;
    }
    const people = [...chosen.entries()].map(([id, p]) => p || { person_id: id, name: `№ ${id}`, pending: false });
    opts.onPick(people);
    m.close('added');
  }

  load();
}
