// What the management screens need to know about the user's organisation:
// the words of its type («Класс» or «Группа», «Ученики» or «Студенты»), the
// labels of the chat kinds in its profile, its classes and subjects. Each is
// asked of the server once per page and shared by the screens.
//
// The organisation's own settings, roster and subjects are administrators'
// reading (GET /orgs/{org}, /roster, /subjects answer 403 to anyone else);
// other staff get the classes and subjects the management list offers them
// ("can"), and the type from the kind labels («Группа» is a college's word for
// a class chat).

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
    // class of the roster, other staff those the server offers them.
    classes: () => once('classes', async () => {
      if (isAdmin) {
        const roster = await api.get(`${base}/roster`);
        return (roster.classes || []).filter((c) => c.open !== 0 && c.open !== false)
          .map((c) => ({ id: c.id, name: c.name, year: c.year }));
      }
      return (await ctx.choices()).classes || [];
    }),
    // Subjects [{id, name}]; for other staff as the server offers them.
    subjects: () => once('subjects', async () => {
      if (isAdmin) return (await api.get(`${base}/subjects`)).subjects || [];
      return (await ctx.choices()).subjects || [];
    }),
    // What the server offers this user for «Добавить новый чат» (the list's "can").
    choices: () => once('choices', async () => (await api.get(`${base}/chats?per_page=1`)).can || {}),
    // The user as a chat member {person_id, name, pending} («Добавить себя»),
    // as the management list tells it.
    self: () => once('self', async () => {
      const me = (await ctx.choices()).me;
      if (!me) throw new Error('Учётная запись не связана с сотрудником организации.');
      return { ...me, admin: false };
    }),
    forget: (key) => cache.delete(key),
  };
  return ctx;
}
