// «Дневник» (SPEC §7; seed 001 figure 26): a student's week, Monday to
// Saturday (Sunday too when it has lessons), each day «Понедельник, 5 декабря
// 2022 г.» with its lessons «1 Алгебра 08:00 - 08:40». A lesson with a
// distance lesson has the icon «Открыть окно дистанционного урока», usable
// only while the lesson runs (the server's can_join); it opens the call page.
//
// The route is #diary, #diary?week=ГГГГ-ММ-ДД (any day of the week) and
// &student={id} — whose diary it is. Without it the server shows the
// student's own, or a parent's first child; a parent with several children
// picks one in «Ученик» (the diary's "students"). An administrator chooses
// «Класс» and «Ученик» from the roster.

import { api } from '/lib/api.js';
import { h, byId } from '/lib/dom.js';
import { errorLine, field, select, setOptions } from '/lib/ui.js';
import { mondayOf, addDays, todayIso, longDate, utcDate, timeRange, openConference } from './conference.js';

const REFRESH_MS = 30_000; // a distance lesson may start meanwhile
const MONTHS_OF = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа',
  'сентября', 'октября', 'ноября', 'декабря'];

let generation = 0;
let timer = 0;

// params: URLSearchParams of the route.
export function showDiary(ctx, params) {
  const mine = ++generation;
  clearTimeout(timer);
  const week = mondayOf(validDate(params.get('week')) || todayIso());
  const student = /^\d+$/.test(params.get('student') || '') ? params.get('student') : '';
  const body = byId('diary-body');
  const error = errorLine();
  const days = h('div', { class: 'diary-days', 'aria-live': 'polite' });
  const role = ctx.account.role;
  const whose = h('div', { class: 'diary-whose' });
  body.replaceChildren(role === 'admin' ? studentPicker(ctx, week, student) : whose, weekBar(week, student), error.node, days);
  if ((role === 'admin' || role === 'staff') && !student) {
    days.replaceChildren(h('p', { class: 'empty', text: role === 'admin' ? 'Выберите класс и ученика.'
      : 'Дневник ученика видят сам ученик, его родители и администратор.' }));
    return;
  }
  days.replaceChildren(h('p', { class: 'muted', text: 'Загрузка…' }));
  load(ctx, { week, student, days, error, mine, whose });
}

// Whose diary it is, for a parent: the child's name, or «Ученик» to pick one
// of several children.
function renderWhose(view, data) {
  const { whose, week } = view;
  if (!whose) return;
  const students = data.students || [];
  const own = students.length === 1 && students[0].id === data.student_id && view.role === 'student';
  if (!students.length || own) { whose.replaceChildren(); return; }
  if (students.length === 1) {
    whose.replaceChildren(h('p', { class: 'diary-student' }, h('span', { class: 'muted', text: 'Ученик: ' }), students[0].name));
    return;
  }
  const pick = select(students.map((p) => [p.id, p.name]), data.student_id, { name: 'student_id' });
  pick.addEventListener('change', () => { location.hash = route(week, pick.value); });
  whose.replaceChildren(h('div', { class: 'filters' }, h('div', { class: 'filter-fields' }, field('Ученик', pick).node)));
}

function validDate(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value || '') && utcDate(value) && !Number.isNaN(utcDate(value).getTime()) ? value : '';
}

const route = (week, student) => {
  const q = new URLSearchParams({ week });
  if (student) q.set('student', student);
  return `#diary?${q}`;
};

// An administrator's «Класс» and «Ученик» (the roster's open classes and
// their students, named from the persons list), asked once per page.
let rosterPromise = null;
function roster(ctx) {
  rosterPromise ||= Promise.all([api.get(`${ctx.base}/roster`), api.get(`${ctx.base}/persons`)])
    .then(([r, p]) => {
      const names = new Map((p.persons || []).map((x) => [x.id, [x.surname, x.first_name, x.patronymic].filter(Boolean).join(' ')]));
      const classes = (r.classes || []).filter((c) => c.open !== 0 && c.open !== false);
      const students = new Map(classes.map((c) => [c.id, []]));
      for (const e of r.enrolments || []) students.get(e.class_id)?.push({ id: e.student_id, name: names.get(e.student_id) || `№ ${e.student_id}` });
      for (const list of students.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'ru'));
      return { classes, students };
    });
  rosterPromise.catch(() => { rosterPromise = null; });
  return rosterPromise;
}

function studentPicker(ctx, week, student) {
  const klass = select([['', '— выберите —']], '', { name: 'class_id' });
  const who = select([['', '— выберите —']], '', { name: 'student_id' });
  const error = errorLine();
  const node = h('div', { class: 'filters' },
    h('div', { class: 'filter-fields' }, field('Класс', klass).node, field('Ученик', who).node), error.node);
  let data = null;
  const fillStudents = () => setOptions(who, [['', '— выберите —'],
    ...(data?.students.get(Number(klass.value)) || []).map((p) => [p.id, p.name])]);
  roster(ctx).then((r) => {
    data = r;
    setOptions(klass, [['', '— выберите —'], ...r.classes.map((c) => [c.id, c.name])]);
    const mine = r.classes.find((c) => r.students.get(c.id).some((p) => String(p.id) === student));
    if (mine) klass.value = String(mine.id);
    fillStudents();
    if (student) who.value = student;
  }).catch((err) => error.show(err.message));
  klass.addEventListener('change', fillStudents);
  who.addEventListener('change', () => { if (who.value) location.hash = route(week, who.value); });
  return node;
}

// «5 – 11 декабря 2022 г.» and the week buttons.
function weekBar(week, student) {
  const from = utcDate(week);
  const to = utcDate(addDays(week, 6));
  const sameMonth = from.getUTCMonth() === to.getUTCMonth();
  const caption = sameMonth
    ? `${from.getUTCDate()} – ${to.getUTCDate()} ${MONTHS_OF[to.getUTCMonth()]} ${to.getUTCFullYear()} г.`
    : `${from.getUTCDate()} ${MONTHS_OF[from.getUTCMonth()]} – ${to.getUTCDate()} ${MONTHS_OF[to.getUTCMonth()]} ${to.getUTCFullYear()} г.`;
  return h('nav', { class: 'week-bar', 'aria-label': 'Недели' },
    h('a', { class: 'btn btn-secondary btn-small', href: route(addDays(week, -7), student), text: '← Предыдущая неделя' }),
    h('span', { class: 'week-caption', 'data-week': week, text: caption }),
    h('a', { class: 'btn btn-secondary btn-small', href: route(mondayOf(todayIso()), student), text: 'Текущая неделя' }),
    h('a', { class: 'btn btn-secondary btn-small', href: route(addDays(week, 7), student), text: 'Следующая неделя →' }));
}

async function load(ctx, view) {
  const { week, student, days, error, mine } = view;
  const q = new URLSearchParams({ week });
  if (student) q.set('student_id', student);
  let data;
  try {
    data = await api.get(`${ctx.base}/diary?${q}`);
  } catch (err) {
    if (mine !== generation) return;
    days.replaceChildren();
    error.show(err.message);
    return;
  }
  if (mine !== generation) return;
  error.show('');
  renderWhose({ ...view, role: ctx.account.role }, data);
  render(ctx, data, week, days);
  const waiting = (data.days || []).some((d) => (d.lessons || []).some((l) => l.distance && l.distance.state !== 'finished'));
  if (waiting) {
    timer = setTimeout(() => {
      if (mine === generation && !byId('diary-screen').hidden) load(ctx, view);
    }, REFRESH_MS);
  }
}

function render(ctx, data, week, days) {
  const byDate = new Map((data.days || []).map((d) => [d.date, d.lessons || []]));
  const sections = [];
  for (let i = 0; i < 7; i++) {
    const date = addDays(week, i);
    const lessons = byDate.get(date) || [];
    if (i === 6 && !lessons.length) continue; // Sunday only when it has lessons
    sections.push(day(ctx, date, lessons));
  }
  days.replaceChildren(...sections);
}

function day(ctx, date, lessons) {
  const titleId = `diary-day-${date}`;
  return h('section', { class: 'diary-day', 'aria-labelledby': titleId, 'data-date': date },
    h('h2', { class: 'diary-day-title', id: titleId, text: longDate(date) }),
    lessons.length
      ? h('ol', { class: 'diary-lessons' }, lessons.map((l, i) => lessonRow(ctx, l, i + 1)))
      : h('p', { class: 'muted diary-none', text: 'Уроков нет' }));
}

function lessonRow(ctx, lesson, number) {
  const d = lesson.distance;
  return h('li', { class: 'diary-lesson', 'data-lesson-id': lesson.id },
    h('span', { class: 'diary-num', text: String(number) }),
    h('span', { class: 'diary-main' },
      h('span', { class: 'diary-subject', text: lesson.subject_name || '' }),
      ' ',
      h('span', { class: 'diary-time', text: timeRange(lesson.start, lesson.end) }),
      lesson.topic ? h('span', { class: 'diary-topic muted', text: lesson.topic }) : null),
    d ? distanceIcon(ctx, lesson, d) : null);
}

// The distance-lesson icon: a button that is usable only while the lesson runs.
function distanceIcon(ctx, lesson, d) {
  const button = h('button', {
    class: 'icon-button distance-icon',
    type: 'button',
    title: 'Открыть окно дистанционного урока',
    'aria-label': `Открыть окно дистанционного урока: ${lesson.subject_name}, ${lesson.start}`,
    'data-state': d.state,
    disabled: !d.can_join,
    onclick: () => openConference(ctx, d.id, { button, title: 'Дистанционный урок' }),
  }, cameraIcon());
  return button;
}

function cameraIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '22');
  svg.setAttribute('height', '22');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const body = document.createElementNS(ns, 'rect');
  for (const [k, v] of Object.entries({ x: '2', y: '6', width: '13', height: '12', rx: '2' })) body.setAttribute(k, v);
  const lens = document.createElementNS(ns, 'path');
  lens.setAttribute('d', 'M15 10.5 21 7v10l-6-3.5z');
  for (const node of [body, lens]) {
    node.setAttribute('fill', 'none');
    node.setAttribute('stroke', 'currentColor');
    node.setAttribute('stroke-width', '2');
    node.setAttribute('stroke-linejoin', 'round');
  }
  svg.append(body, lens);
  return svg;
}
