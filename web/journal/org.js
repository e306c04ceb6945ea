// What the management screens need to know about the user's organisation:
// the words of its type («Класс» or «Группа», «Ученики» or «Студенты»), the
// labels of the chat kinds in its profile, its classes and subjects. Each is
// asked of the server once per page and shared by the screens.
//
// The organisation's own settings, roster and subjects are administrators'
// reading (GET /orgs/{org}, /roster, /subjects answer 403 to anyone else);
// other staff get what their chats say: the classes and subjects of the chats
// in their management list, and the type from the kind labels («Группа» is a
// college's word for a class chat).

import { api } from '/lib/api.js';

export const KINDS = ['staff', 'class', 'parents', 'subject', 'other'];

const SGO_LABELS = { staff: 'Учительская', class: 'Класс', parents: 'Родители', subject: 'Предметы', other: 'Другое' };

const SCHOOL_TERMS = { unit: 'Класс', units: 'Классы', students: 'Ученики', student: 'Ученик' };
const COLLEGE_TERMS = { unit: 'Группа', units: 'Группы', students: 'Студенты', student: 'Студент' };

export function orgContext(account) {
  const org = account.org || {};
  const base = `/api/v1/orgs/${org.id}`;
  const isAdmin = account.role === 'admin';
  const labels = { ...SGO_LABELS };
  const cache = new Map();
  const once = (key, load) => {
    if (!cache.has(key)) {
      const p = load();
      cache.set(key, p);
      p.catch(() => cache.delete(key)); // a failure is asked again next time
    }
    return cache.get(key);
  };

  const ctx = {
    account,
    base,
    isAdmin,
    labels,
    kindLabel: (kind) => labels[kind] || kind,
    // Learns the profile's labels from chats the server described.
    learnLabels(chats) {
      for (const c of chats || []) if (c.kind && c.kind_label) labels[c.kind] = c.kind_label;
    },
    // {type, profile, chats_admin_id, terms} as far as the user may know it.
    settings: () => once('settings', async () => {
      const own = { type: org.type || '', profile: org.profile || '' };
      if (!isAdmin) return { ...own, terms: org.terms || null };
      const s = (await api.get(base)).organisation || {};
      return { ...own, ...s };
    }),
    // «Класс»/«Группа», «Ученики»/«Студенты» …
    terms: async () => {
      let s = {};
      try { s = await ctx.settings(); } catch { /* the school words */ }
      const college = s.type === 'college' || (!s.type && labels.class === 'Группа');
      return { ...(college ? COLLEGE_TERMS : SCHOOL_TERMS), ...(s.terms || {}) };
    },
    // Open classes [{id, name}] the user may choose: an administrator every
    // class of the roster, other staff the classes of their chats.
    classes: () => once('classes', async () => {
      if (isAdmin) {
        const roster = await api.get(`${base}/roster`);
        return (roster.classes || []).filter((c) => c.open !== 0 && c.open !== false)
          .map((c) => ({ id: c.id, name: c.name, year: c.year }));
      }
      const { chats = [] } = await api.get(`${base}/chats?per_page=500`);
      const seen = new Map();
      for (const c of chats) {
        if (c.class_id && !c.archived && !seen.has(c.class_id)) seen.set(c.class_id, { id: c.class_id, name: c.class_name });
      }
      return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name, 'ru', { numeric: true }));
    }),
    // Subjects [{id, name}]; for other staff those of their subject chats.
    subjects: () => once('subjects', async () => {
      if (isAdmin) return (await api.get(`${base}/subjects`)).subjects || [];
      const { chats = [] } = await api.get(`${base}/chats?kind=subject&per_page=500`);
      const seen = new Map();
      for (const c of chats) if (c.subject_id && !seen.has(c.subject_id)) seen.set(c.subject_id, { id: c.subject_id, name: subjectOf(c) });
      return [...seen.values()];
    }),
    // The user as a chat member {person_id, name, pending} («Добавить себя»):
    // the server's proposal for a chat of kind «Другое» has the caller alone.
    // Only those who may create such a chat can ask (/me names no person).
    self: () => once('self', async () => {
      const p = await api.get(`${base}/chats/proposal?kind=other`);
      const me = (p.members || [])[0];
      if (!me) throw new Error('Учётная запись не связана с сотрудником организации.');
      return { ...me, admin: false };
    }),
    forget: (key) => cache.delete(key),
  };
  return ctx;
}

// «Химия» from «9г - Химия» or «10А/Краеведение».
// A subgroup's number («4а - Английский язык/1») is not the subject's.
function subjectOf(chat) {
  const m = /^.*?(?: - |\/)(.+)$/.exec(chat.name || '');
  return (m ? m[1] : chat.name).replace(/\/\d+$/, '');
}
