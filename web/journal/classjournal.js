// «Классный журнал» (SPEC §7; seed 001 figures 18–20): the filters
// «Класс/параллель» and «Предмет» from the user's loads (a teacher's own, a
// manager's all: GET …/journal/loads), «Загрузить», then the lessons of that
// load by date, each with «Выставить оценки», which opens the lesson page
// (#lesson/{id}, lesson.js) with its row «Дистанционный урок».
//
// A parallel («5 параллель») stands for every class of it that has the
// subject: their lessons come together, with the class in a column.

import { api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { field, select, setOptions, errorLine } from '/lib/ui.js';
import { LESSON_STATE_LABELS, shortDate, weekdayShort, timeRange } from './conference.js';

let screen = null; // built once per page; the filters stay as they were on coming back

export function showClassJournal(ctx) {
  if (!screen) screen = buildScreen(ctx);
  screen.refresh();
}

function buildScreen(ctx) {
  const state = { loads: null, lessons: null, classes: [] };
  let generation = 0;

  const unitSelect = select([['', '— выберите —']], '', { name: 'unit' });
  const subjectSelect = select([['', '— выберите —']], '', { name: 'subject' });
  const loadButton = h('button', { class: 'btn btn-primary', type: 'submit', text: 'Загрузить' });
  const filters = h('form', { class: 'filters', 'aria-label': 'Фильтры классного журнала', novalidate: true },
    h('div', { class: 'filter-fields' },
      field('Класс/параллель', unitSelect).node,
      field('Предмет', subjectSelect).node),
    h('div', { class: 'actions toolbar' }, loadButton));
  const error = errorLine();
  const status = h('p', { class: 'muted list-status', 'aria-live': 'polite' });
  const classHeader = h('th', { scope: 'col', text: 'Класс', hidden: true });
  const tbody = h('tbody');
  const table = h('table', { class: 'table table-lessons', 'aria-label': 'Уроки' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: 'Дата урока' }),
      h('th', { scope: 'col', text: 'Время' }),
      classHeader,
      h('th', { scope: 'col', text: 'Тема урока' }),
      h('th', { scope: 'col', text: 'Учитель' }),
      h('th', { scope: 'col', text: 'Дистанционный урок' }),
      h('th', { scope: 'col', class: 'action-col' }, h('span', { class: 'visually-hidden', text: 'Действия' })))),
    tbody);
  const tableWrap = h('div', { class: 'table-wrap', hidden: true }, table);
  const empty = h('p', { class: 'empty', text: 'Уроков нет', hidden: true });
  byId('journal-body').replaceChildren(filters, error.node, status, tableWrap, empty);

  unitSelect.addEventListener('change', fillSubjects);
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    loadLessons();
  });

  // The loads: the choices of both filters.
  async function loadLoads() {
    error.show('');
    status.textContent = 'Загрузка…';
    try {
      state.loads = (await api.get(`${ctx.base}/journal/loads`)).loads || [];
    } catch (err) {
      status.textContent = '';
      error.show(err.message);
      return;
    }
    status.textContent = state.loads.length ? '' : 'Нет классов и предметов, которые вы ведёте.';
    const units = [];
    const parallels = new Map();
    for (const l of state.loads) {
      if (!parallels.has(l.parallel)) parallels.set(l.parallel, new Map());
      parallels.get(l.parallel).set(l.class_id, l.class_name);
    }
    for (const [parallel, classes] of parallels) {
      if (parallel && classes.size > 1) units.push([`p:${parallel}`, `${parallel} параллель`]);
      for (const [id, name] of classes) units.push([`c:${id}`, name]);
    }
    setOptions(unitSelect, [['', '— выберите —'], ...units]);
    if (!unitSelect.value && units.length === 1) unitSelect.value = units[0][0];
    fillSubjects();
  }

  // The loads the chosen class or parallel stands for.
  function chosenLoads() {
    const [type, value] = unitSelect.value.split(':');
    if (!value) return [];
    return (state.loads || []).filter((l) => (type === 'p' ? String(l.parallel) === value : String(l.class_id) === value));
  }

  function fillSubjects() {
    const subjects = new Map();
    for (const l of chosenLoads()) subjects.set(l.subject_id, l.subject_name);
    const options = [...subjects].map(([id, name]) => [id, name]);
    setOptions(subjectSelect, [['', '— выберите —'], ...options]);
    if (!subjectSelect.value && options.length === 1) subjectSelect.value = String(options[0][0]);
  }

  async function loadLessons() {
    error.show('');
    const subject = Number(subjectSelect.value);
    const loads = chosenLoads().filter((l) => l.subject_id === subject);
    if (!unitSelect.value) { error.show('Выберите класс или параллель.'); unitSelect.focus(); return; }
    if (!subject || !loads.length) { error.show('Выберите предмет.'); subjectSelect.focus(); return; }
    const mine = ++generation;
    loadButton.disabled = true;
    table.setAttribute('aria-busy', 'true');
    let lists;
    try {
      lists = await Promise.all(loads.map((l) =>
        api.get(`${ctx.base}/journal/lessons?class_id=${l.class_id}&subject_id=${l.subject_id}`)
          .then((r) => (r.lessons || []).map((lesson) => ({ ...lesson, class_name: l.class_name })))));
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
    state.lessons = lists.flat().sort((a, b) => (a.date + a.start + a.class_name).localeCompare(b.date + b.start + b.class_name));
    state.many = loads.length > 1;
    render();
  }

  function render() {
    const lessons = state.lessons || [];
    classHeader.hidden = !state.many;
    tbody.replaceChildren(...lessons.map(row));
    tableWrap.hidden = lessons.length === 0;
    empty.hidden = lessons.length > 0;
    status.textContent = lessons.length ? `Уроков: ${lessons.length}` : '';
  }

  function row(lesson) {
    const when = `${shortDate(lesson.date)}, ${lesson.start}`;
    return h('tr', { 'data-lesson-id': lesson.id },
      h('td', { class: 'nowrap' }, h('span', { class: 'muted', text: `${weekdayShort(lesson.date)} ` }), shortDate(lesson.date)),
      h('td', { class: 'nowrap', text: timeRange(lesson.start, lesson.end) }),
      state.many ? h('td', { text: lesson.class_name }) : null,
      h('td', { text: lesson.topic || '' }),
      h('td', { text: lesson.teacher_name || '' }),
      h('td', { text: lesson.distance_id ? LESSON_STATE_LABELS[lesson.distance_state] || '' : '' }),
      h('td', { class: 'action-col' },
        h('a', { class: 'btn btn-secondary btn-small', href: `#lesson/${lesson.id}`,
          'aria-label': `Выставить оценки, ${when}`, text: 'Выставить оценки' })));
  }

  return {
    // Coming back from a lesson: the loads are asked once, the lessons again
    // (a distance lesson may have been created or ended meanwhile).
    refresh() {
      if (!state.loads) loadLoads();
      else if (state.lessons) loadLessons();
    },
  };
}
