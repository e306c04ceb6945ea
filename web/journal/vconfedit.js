// The «Видеоконференции» form (seed 002 figure 31): «Наименование», «Тип»
// («Онлайн-урок» / «Видеозвонок»), «Чат», «Урок», «Дата начала», «Время
// начала», «Время окончания», and the participants on the tabs «Ученики»,
// «Сотрудники», «Родители», a checkbox per person («Ф.И.О.»).
//
// The rules of the form (SPEC §7):
//   - «Урок» is required for an online lesson in a subject chat and disabled
//     for a video call; choosing a lesson fills the date and times (still
//     editable) and, for an online lesson, the name «Урок по предмету …»;
//   - the participants come from the chat (GET …/conference-candidates):
//     its students, its staff and the chats administrator, and its parents
//     only for a video call in a parents chat — the only case with the tab
//     «Родители»; everyone is chosen at first;
//   - an existing conference keeps its type, chat and lesson; while it runs
//     only its name and end may change.

import { api } from '/lib/api.js';
import { h } from '/lib/dom.js';
import { modal, field, select, setOptions, errorLine, tabs } from '/lib/ui.js';
import { KIND_LABELS, shortDate, timeRange, todayIso, defaultLessonName } from './conference.js';

const NOTE = 'Внимание! Видеоконференция автоматически начинается в момент наступления времени начала видеоконференции, а также автоматически завершается в момент наступления времени окончания видеоконференции.';
const ROLES = [['student', 'Ученики'], ['staff', 'Сотрудники'], ['parent', 'Родители']];
const CHATS_PAGE = 500; // the management list's largest page

// The chats the user may make a conference in: those whose members they may edit.
async function editableChats(ctx) {
  const chats = [];
  for (let page = 1; page <= 20; page++) {
    const data = await api.get(`${ctx.base}/chats?per_page=${CHATS_PAGE}&page=${page}`);
    chats.push(...(data.chats || []));
    if (chats.length >= (data.total || 0) || !(data.chats || []).length) break;
  }
  return chats.filter((c) => c.can_edit && !c.archived);
}

// The lessons a conference in this chat may be tied to: a subject chat's
// lessons of its class and subject; a class or parents chat's lessons of its
// class in the subjects the user's loads name. Lessons of past days are left out.
async function chatLessons(ctx, chat, loads) {
  if (!chat || !chat.class_id) return [];
  const pairs = chat.kind === 'subject' && chat.subject_id
    ? [{ class_id: chat.class_id, subject_id: chat.subject_id }]
    : (await loads()).filter((l) => l.class_id === chat.class_id);
  const known = await loads().catch(() => []);
  const subjectName = (id) => known.find((l) => l.subject_id === id)?.subject_name || '';
  const today = todayIso();
  const lists = await Promise.all(pairs.map((p) =>
    api.get(`${ctx.base}/journal/lessons?class_id=${p.class_id}&subject_id=${p.subject_id}`)
      .then((r) => (r.lessons || []).map((l) => ({ ...l, subject_id: p.subject_id, subject_name: p.subject_name || subjectName(p.subject_id) })))));
  return lists.flat().filter((l) => l.date >= today)
    .sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start));
}

const lessonLabel = (l) => [shortDate(l.date), timeRange(l.start, l.end), l.subject_name, l.topic].filter(Boolean).join(' · ');

// opts: { id (an existing conference to edit) | none (a new one), onSaved(conference) }
export async function openConferenceEditor(ctx, { id = 0, onSaved } = {}) {
  const editing = Boolean(id);
  const m = modal({ title: editing ? 'Изменить видеоконференцию' : 'Добавить видеоконференцию', wide: true, name: 'conference-edit' });
  const error = errorLine();
  let loadsPromise = null;
  const loads = () => (loadsPromise ||= api.get(`${ctx.base}/journal/loads`).then((r) => r.loads || []).catch(() => []));

  // ---- fields ----
  const name = h('input', { type: 'text', name: 'name', maxlength: '200', autocomplete: 'off' });
  const kind = select(Object.entries(KIND_LABELS), 'lesson', { name: 'kind' });
  const chat = select([['', 'Загрузка…']], '', { name: 'chat_id' });
  const lesson = select([['', '— не выбран —']], '', { name: 'lesson_id' });
  const date = h('input', { type: 'date', name: 'date', value: todayIso() });
  const start = h('input', { type: 'time', name: 'start', step: '60' });
  const end = h('input', { type: 'time', name: 'end', step: '60' });
  const lessonField = field('Урок', lesson);
  const lessonLabelNode = lessonField.node.querySelector('label');

  // ---- participants ----
  const people = { student: [], staff: [], parent: [] }; // [{person_id, name, pending}]
  const chosen = new Set();
  let knownIds = new Set(); // everyone the tabs show
  const lists = {};
  const panels = ROLES.map(([role, label]) => {
    const count = h('p', { class: 'muted selection-count', 'aria-live': 'polite' });
    const all = h('input', { type: 'checkbox', 'aria-label': `Выбрать всех: ${label}` });
    const tbody = h('tbody');
    const emptyLine = h('p', { class: 'empty', text: 'Нет участников', hidden: true });
    const table = h('table', { class: 'table table-participants', 'aria-label': label },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'check-col' }, all),
        h('th', { scope: 'col', text: 'Ф.И.О.' }))),
      tbody);
    all.addEventListener('change', () => {
      for (const p of people[role]) if (all.checked) chosen.add(p.person_id); else chosen.delete(p.person_id);
      renderRole(role);
    });
    lists[role] = { count, all, tbody, emptyLine, table };
    return { key: role, label, panel: h('div', { class: 'participants' }, count, h('div', { class: 'table-wrap' }, table), emptyLine) };
  });
  const tabBox = tabs(panels, { label: 'Участники' });
  let frozen = false; // the members of a running conference cannot change

  function renderRole(role) {
    const l = lists[role];
    const rows = people[role];
    l.tbody.replaceChildren(...rows.map((p) => {
      const box = h('input', { type: 'checkbox', 'aria-label': p.name, disabled: frozen });
      box.checked = chosen.has(p.person_id);
      box.addEventListener('change', () => {
        if (box.checked) chosen.add(p.person_id); else chosen.delete(p.person_id);
        renderRole(role);
      });
      return h('tr', { 'data-person-id': p.person_id },
        h('td', { class: 'check-col' }, box),
        h('td', {}, h('span', { class: 'member-name', text: p.name }),
          p.pending ? h('span', { class: 'badge badge-warn', title: 'Не связал учётную запись с учебным профилем', text: 'ожидает привязки' }) : null));
    }));
    const picked = rows.filter((p) => chosen.has(p.person_id)).length;
    l.count.textContent = `Выбрано: ${picked} из ${rows.length}`;
    l.all.checked = rows.length > 0 && picked === rows.length;
    l.all.disabled = frozen || rows.length === 0;
    l.table.hidden = rows.length === 0;
    l.emptyLine.hidden = rows.length > 0;
  }
  const renderPeople = () => { for (const [role] of ROLES) renderRole(role); };

  // Fills the tabs; `keep` keeps the choice of people still there, `pick`
  // chooses these ids (an existing conference's members), else everyone.
  function setPeople(list, { keep = false, pick = null } = {}) {
    const before = new Set(chosen);
    chosen.clear();
    for (const [role] of ROLES) people[role] = [];
    for (const p of list) {
      const role = people[p.role] ? p.role : 'staff';
      people[role].push({ person_id: p.person_id, name: p.name, pending: !!p.pending });
      const on = pick ? pick.has(p.person_id) : keep ? before.has(p.person_id) || !knownIds.has(p.person_id) : true;
      if (on) chosen.add(p.person_id);
    }
    knownIds = new Set(list.map((p) => p.person_id));
    renderPeople();
  }

  const save = h('button', { class: 'btn btn-primary', type: 'button', text: 'Сохранить' });
  m.body.append(
    h('p', { class: 'notice', role: 'note', text: NOTE }),
    h('div', { class: 'filter-fields conference-fields' },
      field('Наименование', name).node,
      field('Тип', kind).node,
      field('Чат', chat).node,
      lessonField.node,
      field('Дата начала', date).node,
      field('Время начала', start).node,
      field('Время окончания', end).node),
    h('section', { class: 'members', 'aria-label': 'Участники видеоконференции' },
      h('h3', { class: 'dialog-subtitle', text: 'Участники' }),
      tabBox.node),
    error.node);
  m.actions.append(
    h('button', { class: 'btn btn-secondary', type: 'button', text: 'Отмена', onclick: () => m.close() }),
    save);
  name.focus();

  // ---- state ----
  let chats = [];
  let lessons = [];
  let autoName = ''; // the name last filled from a lesson, replaced while untouched
  let generation = 0;
  let existing = null; // {conference, members, can} when editing

  const currentChat = () => chats.find((c) => String(c.id) === chat.value) || null;
  const lessonRequired = () => kind.value === 'lesson' && currentChat()?.kind === 'subject';

  function layout() {
    const call = kind.value === 'call';
    lesson.disabled = call || editing;
    if (call) lesson.value = '';
    const required = lessonRequired();
    lessonLabelNode.textContent = required ? 'Урок *' : 'Урок';
    if (required) lesson.setAttribute('aria-required', 'true'); else lesson.removeAttribute('aria-required');
    tabBox.show('parent', call && currentChat()?.kind === 'parents');
  }

  // The chat or the type changed: its lessons and its people.
  async function chatChanged({ keep = false } = {}) {
    const mine = ++generation;
    layout();
    error.show('');
    const c = currentChat();
    if (!c) { setPeople([]); setOptions(lesson, [['', '— не выбран —']]); return; }
    try {
      const [cand, found] = await Promise.all([
        api.get(`${ctx.base}/conference-candidates?chat_id=${c.id}&kind=${kind.value}`),
        lessons.chatId === c.id ? Promise.resolve(lessons) : chatLessons(ctx, c, loads),
      ]);
      if (mine !== generation) return;
      lessons = found;
      lessons.chatId = c.id;
      setOptions(lesson, [['', lessons.length ? '— не выбран —' : '— нет уроков —'], ...lessons.map((l) => [l.id, lessonLabel(l)])]);
      layout();
      setPeople(cand.members || [], { keep });
    } catch (err) {
      if (mine === generation) error.show(err.message);
    }
  }

  function lessonChanged() {
    const l = lessons.find((x) => String(x.id) === lesson.value);
    if (!l) return;
    date.value = l.date;
    start.value = l.start;
    end.value = l.end;
    if (kind.value === 'lesson' && l.subject_name && (!name.value.trim() || name.value === autoName)) {
      autoName = defaultLessonName(l.subject_name, l.date, l.start);
      name.value = autoName;
    }
  }

  kind.addEventListener('change', () => {
    // A lesson's name does not suit a video call.
    if (kind.value === 'call' && autoName && name.value === autoName) name.value = '';
    chatChanged({ keep: true });
  });
  chat.addEventListener('change', () => chatChanged());
  lesson.addEventListener('change', lessonChanged);

  // ---- loading ----
  try {
    if (editing) {
      existing = await api.get(`${ctx.base}/conferences/${id}`);
      if (!m.dialog.isConnected) return;
      await fillExisting();
    } else {
      chats = await editableChats(ctx);
      if (!m.dialog.isConnected) return;
      setOptions(chat, [['', chats.length ? '— выберите чат —' : 'Нет чатов, которыми вы управляете'],
        ...chats.map((c) => [c.id, c.name])]);
      layout();
      renderPeople();
    }
  } catch (err) {
    error.show(err.message);
    save.disabled = true;
    return;
  }

  async function fillExisting() {
    const c = existing.conference;
    name.value = c.name;
    kind.value = c.kind;
    kind.disabled = true;
    chats = [{ id: c.chat_id, name: c.chat_name, kind: c.chat_kind, class_id: 0 }];
    setOptions(chat, [[c.chat_id, c.chat_name || '']]);
    chat.disabled = true;
    date.value = c.date;
    start.value = c.start;
    end.value = c.end;
    frozen = c.state !== 'planned';
    date.disabled = frozen;
    start.disabled = frozen;
    if (c.lesson_id) setOptions(lesson, [[c.lesson_id, `${shortDate(c.date)} · ${timeRange(c.start, c.end)}`]]);
    layout();
    const members = existing.members || [];
    const pick = new Set(members.map((p) => p.person_id));
    // Whom the chat could give; the members alone when the user may not ask.
    let candidates = members;
    if (!frozen) {
      try {
        candidates = (await api.get(`${ctx.base}/conference-candidates?chat_id=${c.chat_id}&kind=${c.kind}`)).members || members;
      } catch { /* the members as they are */ }
    }
    const all = new Map(candidates.map((p) => [p.person_id, p]));
    for (const p of members) if (!all.has(p.person_id)) all.set(p.person_id, p);
    setPeople([...all.values()], { pick });
    tabBox.show('parent', c.kind === 'call' && c.chat_kind === 'parents');
  }

  // ---- saving ----
  save.addEventListener('click', async () => {
    error.show('');
    const body = {};
    const problem = (text, focus) => { error.show(text); focus?.focus(); return null; };
    const value = name.value.trim();
    if (!value && !(kind.value === 'lesson' && lesson.value)) return problem('Введите наименование видеоконференции.', name);
    if (!editing && !chat.value) return problem('Выберите чат.', chat);
    if (!editing && lessonRequired() && !lesson.value) return problem('Выберите урок: он обязателен для онлайн-урока в предметном чате.', lesson);
    if (!date.value) return problem('Укажите дату начала.', date);
    if (!start.value || !end.value) return problem('Укажите время начала и окончания.', start.value ? end : start);
    if (end.value <= start.value) return problem('Время окончания должно быть позже времени начала.', end);
    const members = [...chosen].filter((pid) => knownIds.has(pid));
    let request;
    if (editing) {
      const c = existing.conference;
      if (value && value !== c.name) body.name = value;
      if (end.value !== c.end) body.end = end.value;
      if (!frozen) {
        if (date.value !== c.date) body.date = date.value;
        if (start.value !== c.start) body.start = start.value;
        const was = new Set((existing.members || []).map((p) => p.person_id));
        if (members.length !== was.size || members.some((pid) => !was.has(pid))) body.members = members;
      }
      if (!Object.keys(body).length) { m.close(); return; }
      request = () => api.patch(`${ctx.base}/conferences/${id}`, body);
    } else {
      Object.assign(body, { kind: kind.value, chat_id: Number(chat.value), date: date.value, start: start.value, end: end.value, members });
      if (value) body.name = value;
      if (lesson.value && kind.value === 'lesson') body.lesson_id = Number(lesson.value);
      request = () => api.post(`${ctx.base}/conferences`, body);
    }
    save.disabled = true;
    let res;
    try {
      res = await request();
    } catch (err) {
      error.show(err.message);
      save.disabled = false;
      return;
    }
    m.close('saved');
    onSaved?.(res?.conference);
  });
}
