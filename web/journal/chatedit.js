// «Добавить новый чат» and «Редактировать чат» (seed 001 figures 11, 13, 15;
// seed 002 figures 28–29): «Общая информация» and «Участники».
//
// Adding: the type, the class, the subject of a subject chat; the server
// proposes the name («10А/Краеведение», editable) and the members by the rule
// (GET …/chats/proposal), which can then be changed like any chat's; «Добавить»
// creates it in one POST. Editing: the chat and its members (GET …/chats/{id});
// «Сохранить» sends every change in one PATCH {name, add, remove, grant,
// revoke}. When the save brings in people who have not linked a messenger
// profile yet, the seed 002 figure 29 warning comes first.

import { api } from '/lib/api.js';
import { h } from '/lib/dom.js';
import { modal, field, select, setOptions, errorLine, confirmDialog } from '/lib/ui.js';
import { memberEditor } from './members.js';

const DEFAULT_KINDS = new Set(['staff', 'class', 'parents']); // named by the rules
const CLASS_KINDS = new Set(['class', 'parents', 'subject']);

const PENDING_WARNING = 'Участники, не связавшие учётную запись с учебным профилем, будут добавлены в чат после привязки';

// Asks about pending people first; resolves true to go on.
async function pendingOk(people) {
  if (!people.length) return true;
  return confirmDialog({
    title: 'Предупреждение',
    text: `${PENDING_WARNING}: ${people.map((p) => p.name).join(', ')}.`,
    ok: 'Ок',
    cancel: 'Отмена',
    name: 'pending-warning',
  });
}

// «Добавить учеников» / «Добавить студентов».
function studentsLabel(terms) {
  const word = { Студенты: 'студентов', Воспитанники: 'воспитанников' }[terms.students] || 'учеников';
  return `Добавить ${word}`;
}

// The students the rule gives a chat of this kind and class (and subject).
async function ruleStudents(ctx, { kind, classId, subjectId, loadId }) {
  const q = new URLSearchParams({ kind: kind === 'subject' ? 'subject' : 'class', class_id: String(classId) });
  if (kind === 'subject') {
    if (subjectId) q.set('subject_id', String(subjectId));
    if (loadId) q.set('load_id', String(loadId));
  }
  const p = await api.get(`${ctx.base}/chats/proposal?${q}`);
  return (p.members || []).filter((m) => m.role === 'student').map((m) => ({ ...m, admin: false }));
}

// «Добавить себя» needs the caller's person: the list's `can.me` (null for an
// account without one).
const mayNameSelf = (can) => Boolean(can.me);

// «Добавить учеников» reads the rule's students from the proposal of a class
// chat (a subject chat: of that subject), which only those who may create
// such a chat can ask.
const mayPropose = (can, kind) => (can.create_kinds || []).includes(kind === 'subject' ? 'subject' : 'class');

// opts: { mode: 'add' | 'edit', chatId (edit), can (the list's `can`), onSaved(chat) }
export function openChatEditor(ctx, opts) {
  if (opts.mode === 'add') return openAdd(ctx, opts);
  return openEdit(ctx, opts);
}

// ---- «Редактировать чат» ----

async function openEdit(ctx, { chatId, can: screen = {}, onSaved }) {
  const m = modal({ title: 'Редактировать чат', wide: true, name: 'chat-edit' });
  const error = errorLine();
  const closeButton = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Отмена', onclick: () => m.close() });
  m.body.append(h('p', { class: 'muted', text: 'Загрузка…' }), error.node);
  m.actions.append(closeButton);
  closeButton.focus();

  let data, terms;
  try {
    [data, terms] = await Promise.all([api.get(`${ctx.base}/chats/${chatId}`), ctx.terms()]);
  } catch (err) {
    m.body.replaceChildren(error.node);
    error.show(err.message);
    return;
  }
  if (!m.dialog.isConnected) return;
  const chat = data.chat;
  const can = data.can || { edit: chat.can_edit, delete: chat.can_delete };
  const readOnly = !can.edit || chat.archived;

  const name = h('input', { type: 'text', name: 'name', value: chat.name, maxlength: '200', autocomplete: 'off' });
  name.readOnly = readOnly || chat.is_default;
  const editor = memberEditor(
    (data.members || []).filter((r) => r.member !== false),
    {
      ctx,
      terms,
      chatId,
      readOnly,
      markNew: true,
      self: mayNameSelf(screen) ? () => ctx.self() : null,
      students: chat.class_id && mayPropose(screen, chat.kind) ? {
        label: studentsLabel(terms),
        load: () => ruleStudents(ctx, { kind: chat.kind, classId: chat.class_id, subjectId: chat.subject_id, loadId: chat.load_id }),
      } : null,
    });

  m.body.replaceChildren(
    h('section', { class: 'general', 'aria-label': 'Общая информация' },
      h('h3', { class: 'dialog-subtitle', text: 'Общая информация' }),
      h('div', { class: 'filter-fields' },
        field('Тип чата', h('input', { type: 'text', readonly: true, value: chat.kind_label || ctx.kindLabel(chat.kind) })).node,
        chat.class_id ? field(terms.unit, h('input', { type: 'text', readonly: true, value: chat.class_name || '' })).node : null,
        field('Наименование чата', name, {
          hint: chat.is_default && !readOnly ? 'Название чата по умолчанию не меняется' : '',
        }).node),
      chat.archived ? h('p', { class: 'badge badge-muted', text: 'В архиве: только для чтения' }) : null),
    editor.node,
    error.node);

  if (readOnly) {
    closeButton.textContent = 'Закрыть';
    return;
  }
  const save = h('button', { class: 'btn btn-primary', type: 'button', text: 'Сохранить' });
  m.actions.append(save);
  save.addEventListener('click', async () => {
    error.show('');
    const body = editor.changes();
    const newName = name.value.trim();
    if (!chat.is_default && newName !== chat.name) {
      if (!newName) { error.show('Введите наименование чата.'); name.focus(); return; }
      body.name = newName;
    }
    for (const key of ['add', 'remove', 'grant', 'revoke']) if (!body[key].length) delete body[key];
    if (!Object.keys(body).length) { m.close(); return; }
    if (!(await pendingOk(editor.pendingAdded()))) return;
    save.disabled = true;
    try {
      const res = await api.patch(`${ctx.base}/chats/${chatId}`, body);
      m.close('saved');
      onSaved?.(res.chat);
    } catch (err) {
      error.show(err.message);
      save.disabled = false;
    }
  });
}

// ---- «Добавить новый чат» ----

async function openAdd(ctx, { can: screen = {}, onSaved }) {
  const m = modal({ title: 'Добавить новый чат', wide: true, name: 'chat-add' });
  const error = errorLine();
  const terms = await ctx.terms();
  const kinds = screen.create_kinds?.length ? screen.create_kinds : ['other'];
  const kind = select(kinds.map((k) => [k, ctx.kindLabel(k)]), kinds.includes('subject') ? 'subject' : kinds[0], { name: 'kind' });
  const klass = select([['', '— выберите —']], '', { name: 'class_id' });
  const subject = select([['', '— выберите —']], '', { name: 'subject_id' });
  const name = h('input', { type: 'text', name: 'name', maxlength: '200', autocomplete: 'off' });
  const classField = field(terms.unit, klass);
  const subjectField = field('Предмет', subject);
  const nameField = field('Наименование чата', name);
  let proposal = null;
  let proposed = ''; // the name last proposed, replaced by the next proposal unless edited
  let generation = 0;

  const editor = memberEditor([], {
    ctx,
    terms,
    chatId: 0,
    self: mayNameSelf(screen) ? () => ctx.self() : null,
    students: {
      label: studentsLabel(terms),
      load: () => ruleStudents(ctx, { kind: kind.value, classId: klass.value, subjectId: subject.value, loadId: proposal?.load_id }),
    },
  });
  const add = h('button', { class: 'btn btn-primary', type: 'button', text: 'Добавить' });
  m.body.append(
    h('section', { class: 'general', 'aria-label': 'Общая информация' },
      h('h3', { class: 'dialog-subtitle', text: 'Общая информация' }),
      h('div', { class: 'filter-fields' },
        field('Тип чата', kind).node, classField.node, subjectField.node, nameField.node)),
    editor.node,
    error.node);
  m.actions.append(
    h('button', { class: 'btn btn-secondary', type: 'button', text: 'Отмена', onclick: () => m.close() }),
    add);
  kind.focus();

  Promise.all([ctx.classes(), ctx.subjects()]).then(([classes, subjects]) => {
    setOptions(klass, [['', '— выберите —'], ...classes.map((c) => [c.id, c.name])]);
    setOptions(subject, [['', '— выберите —'], ...subjects.map((s) => [s.id, s.name])]);
  }).catch((err) => error.show(err.message));

  const layout = () => {
    const k = kind.value;
    classField.node.hidden = !CLASS_KINDS.has(k);
    subjectField.node.hidden = k !== 'subject';
    name.readOnly = DEFAULT_KINDS.has(k);
    editor.setStudents(CLASS_KINDS.has(k) && klass.value ? {
      label: studentsLabel(terms),
      load: () => ruleStudents(ctx, { kind: k, classId: klass.value, subjectId: subject.value, loadId: proposal?.load_id }),
    } : null);
  };
  const ready = () => {
    const k = kind.value;
    if (CLASS_KINDS.has(k) && !klass.value) return false;
    if (k === 'subject' && !subject.value) return false;
    return true;
  };

  async function propose() {
    const mine = ++generation;
    layout();
    error.show('');
    proposal = null;
    if (!ready()) { editor.reset([]); return; }
    const q = new URLSearchParams({ kind: kind.value });
    if (CLASS_KINDS.has(kind.value)) q.set('class_id', klass.value);
    if (kind.value === 'subject') q.set('subject_id', subject.value);
    let p;
    try {
      p = await api.get(`${ctx.base}/chats/proposal?${q}`);
    } catch (err) {
      if (mine === generation) { error.show(err.message); editor.reset([]); }
      return;
    }
    if (mine !== generation) return;
    proposal = p;
    if (name.readOnly || !name.value.trim() || name.value === proposed) name.value = p.name || '';
    proposed = p.name || '';
    editor.reset(p.members || []);
  }

  kind.addEventListener('change', propose);
  klass.addEventListener('change', propose);
  subject.addEventListener('change', propose);
  propose();

  add.addEventListener('click', async () => {
    error.show('');
    const k = kind.value;
    if (CLASS_KINDS.has(k) && !klass.value) { error.show(`Выберите: ${terms.unit.toLowerCase()}.`); klass.focus(); return; }
    if (k === 'subject' && !subject.value) { error.show('Выберите предмет.'); subject.focus(); return; }
    if (!name.value.trim()) { error.show('Введите наименование чата.'); name.focus(); return; }
    const body = { kind: k, members: editor.members().map((r) => ({ person_id: r.person_id, admin: !!r.admin })) };
    if (CLASS_KINDS.has(k)) body.class_id = Number(klass.value);
    if (k === 'subject') body.subject_id = Number(subject.value);
    if (proposal?.load_id) body.load_id = proposal.load_id;
    if (!name.readOnly) body.name = name.value.trim();
    if (!(await pendingOk(editor.members().filter((r) => r.pending)))) return;
    add.disabled = true;
    try {
      const res = await api.post(`${ctx.base}/chats`, body);
      m.close('saved');
      onSaved?.(res.chat);
    } catch (err) {
      error.show(err.message);
      add.disabled = false;
    }
  });
}
