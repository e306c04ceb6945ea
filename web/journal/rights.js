// «Права» — for the organisation's administrators (SPEC §1, §5; seed 000):
// rights groups («Группа прав») with their rights, positions («Должность»)
// with their type and rights group, «Назначить должность сотруднику» by an
// order (position_add: on top of the positions held, e.g. «Ответственный по
// Сферуму» with «Управление чатами»), and, for bars organisations, the
// setting «Администратор чатов Сферум».

import { api } from '/lib/api.js';
import { h, byId, fullName, formatDate } from '/lib/dom.js';
import { field, select, checkbox, errorLine } from '/lib/ui.js';

const POSITION_TYPES = ['Администрация', 'Педагогический состав', 'Учебно-вспомогательный персонал'];

let generation = 0;

export async function showRights(ctx, notice = '') {
  const mine = ++generation;
  const root = byId('rights-body');
  const error = errorLine();
  if (!root.firstChild) root.append(h('p', { class: 'muted', text: 'Загрузка…' }));
  let d;
  try {
    const [rights, groups, positions, persons, roster, settings] = await Promise.all([
      api.get(`${ctx.base}/rights`),
      api.get(`${ctx.base}/rights-groups`),
      api.get(`${ctx.base}/positions`),
      api.get(`${ctx.base}/persons`),
      api.get(`${ctx.base}/roster`),
      ctx.settings(),
    ]);
    d = {
      rights: rights.rights || [],
      groups: groups.rights_groups || [],
      positions: positions.positions || [],
      persons: persons.persons || [],
      staff: roster.staff || [],
      settings,
    };
  } catch (err) {
    if (mine !== generation) return;
    root.replaceChildren(error.node);
    error.show(err.message);
    return;
  }
  if (mine !== generation) return;
  const reload = (message = '') => { ctx.forget('settings'); return showRights(ctx, message); };
  const noticeLine = h('p', { class: 'form-done', role: 'status', tabindex: '-1', text: notice });
  root.replaceChildren(
    noticeLine,
    groupsSection(ctx, d, reload),
    positionsSection(ctx, d, reload),
    orderSection(ctx, d, reload),
    d.settings.profile === 'bars' ? chatsAdminSection(ctx, d, reload) : null);
  if (notice) noticeLine.focus();
}

// A section with its title, a table and a form that posts and reloads.
function section(title, ...children) {
  return h('section', { class: 'rights-section', 'aria-label': title },
    h('h2', { class: 'section-title', text: title }), ...children);
}

function table(label, heads, rows, emptyText) {
  if (!rows.length) return h('p', { class: 'empty', text: emptyText });
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table', 'aria-label': label },
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', { text: c })))))));
}

// A form whose submit runs `run(values)`; errors land in its alert line.
function form(label, fields, submitLabel, run) {
  const error = errorLine();
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', text: submitLabel });
  const node = h('form', { class: 'form panel rights-form', 'aria-label': label, novalidate: true },
    h('h3', { class: 'dialog-subtitle', text: label }),
    fields, error.node, h('div', { class: 'actions' }, submit));
  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    submit.disabled = true;
    try {
      await run();
    } catch (err) {
      error.show(err.message);
      submit.disabled = false;
    }
  });
  return node;
}

function groupsSection(ctx, d, reload) {
  const label = Object.fromEntries(d.rights.map((r) => [r.code, r.label]));
  const name = h('input', { type: 'text', name: 'group_name', maxlength: '200', autocomplete: 'off' });
  const boxes = d.rights.map((r) => ({ code: r.code, ...checkbox(r.label, { name: 'right', value: r.code }) }));
  return section('Группы прав',
    table('Группы прав', ['Наименование', 'Права'],
      d.groups.map((g) => [g.name, (g.rights || []).map((c) => label[c] || c).join(', ')]), 'Групп прав пока нет'),
    form('Новая группа прав', [
      field('Наименование группы прав', name).node,
      h('fieldset', { class: 'checks' }, h('legend', { text: 'Права' }), boxes.map((b) => b.node)),
    ], 'Создать группу прав', async () => {
      if (!name.value.trim()) throw new Error('Введите наименование группы прав.');
      await api.post(`${ctx.base}/rights-groups`, {
        name: name.value.trim(), rights: boxes.filter((b) => b.input.checked).map((b) => b.code),
      });
      await reload(`Группа прав «${name.value.trim()}» создана.`);
    }));
}

function positionsSection(ctx, d, reload) {
  const groupName = Object.fromEntries(d.groups.map((g) => [g.id, g.name]));
  const name = h('input', { type: 'text', name: 'position_name', maxlength: '200', autocomplete: 'off' });
  const type = select(POSITION_TYPES.map((t) => [t, t]), POSITION_TYPES[1], { name: 'position_type' });
  const group = select([['', '— нет —'], ...d.groups.map((g) => [g.id, g.name])], '', { name: 'rights_group_id' });
  return section('Должности',
    table('Должности', ['Наименование', 'Тип должности', 'Группа прав'],
      d.positions.map((p) => [p.name, p.position_type || '', groupName[p.rights_group_id] || '']), 'Должностей пока нет'),
    form('Новая должность', [
      field('Наименование должности', name).node,
      field('Тип должности', type).node,
      field('Группа прав', group).node,
    ], 'Создать должность', async () => {
      if (!name.value.trim()) throw new Error('Введите наименование должности.');
      const body = { name: name.value.trim(), position_type: type.value };
      if (group.value) body.rights_group_id = Number(group.value);
      await api.post(`${ctx.base}/positions`, body);
      await reload(`Должность «${body.name}» создана.`);
    }));
}

// Employees: the people holding a position, with the positions they hold.
function employees(d) {
  const held = new Map();
  for (const s of d.staff) {
    if (!held.has(s.person_id)) held.set(s.person_id, []);
    held.get(s.person_id).push(s.position_id);
  }
  return d.persons.filter((p) => held.has(p.id)).map((p) => ({ ...p, positions: held.get(p.id) }));
}

function orderSection(ctx, d, reload) {
  const positionName = Object.fromEntries(d.positions.map((p) => [p.id, p.name]));
  const staff = employees(d);
  const today = new Date().toISOString().slice(0, 10);
  const person = select([['', '— выберите —'], ...staff.map((p) => [p.id, fullName(p)])], '', { name: 'person_id' });
  const position = select([['', '— выберите —'], ...d.positions.map((p) => [p.id, p.name])], '', { name: 'position_id' });
  const number = h('input', { type: 'text', name: 'number', maxlength: '32', autocomplete: 'off' });
  const date = h('input', { type: 'date', name: 'date', value: today });
  const from = h('input', { type: 'date', name: 'effective_date', value: today });
  return section('Сотрудники и должности',
    table('Сотрудники', ['Сотрудник', 'Должности'],
      staff.map((p) => [fullName(p), p.positions.map((id) => positionName[id] || id).join(', ')]), 'Сотрудников пока нет'),
    form('Назначить должность сотруднику', [
      field('Сотрудник', person).node,
      field('Должность', position).node,
      field('Номер приказа', number).node,
      field('Дата приказа', date).node,
      field('Действует с', from).node,
    ], 'Провести приказ', async () => {
      if (!person.value) throw new Error('Выберите сотрудника.');
      if (!position.value) throw new Error('Выберите должность.');
      if (!number.value.trim()) throw new Error('Введите номер приказа.');
      if (!date.value) throw new Error('Укажите дату приказа.');
      const body = {
        kind: 'position_add',
        person_id: Number(person.value),
        position_id: Number(position.value),
        number: number.value.trim(),
        date: date.value,
      };
      if (from.value) body.effective_date = from.value;
      await api.post(`${ctx.base}/orders`, body);
      await reload(`Приказ № ${body.number} от ${formatDate(body.date)} проведён.`);
    }));
}

function chatsAdminSection(ctx, d, reload) {
  const people = employees(d);
  const current = d.settings.chats_admin_id;
  if (current && !people.some((p) => p.id === current)) {
    const p = d.persons.find((x) => x.id === current);
    if (p) people.push(p);
  }
  const who = select([['', 'Не назначен'], ...people.map((p) => [p.id, fullName(p)])], current || '', { name: 'chats_admin_id' });
  return section('Администратор чатов Сферум',
    h('p', { class: 'muted', text: 'Участник и администратор каждого чата по умолчанию.' }),
    form('Настройки коммуникативной среды', [field('Администратор чатов Сферум', who).node], 'Сохранить', async () => {
      await api.patch(ctx.base, { chats_admin_id: who.value ? Number(who.value) : null });
      await reload('Администратор чатов сохранён.');
    }));
}
