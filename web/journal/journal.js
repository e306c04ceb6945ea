// The «Журнал» face: the frame, the section list and a small hash router.
//   (no hash)     the greeting
//   #chats        the «Чаты» screen: linking and the user's chats (chats.js)
//   #manage       «Управление чатами» — staff and administrators (manage.js)
//   #rights       «Права»: rights groups, positions, orders — administrators (rights.js)
//   #journal      «Классный журнал» — staff and administrators (classjournal.js)
//   #lesson/{id}  a lesson of the class journal with «Дистанционный урок» (lesson.js)
//   #diary        «Дневник»: a student's own, a parent's child's, any for an administrator;
//                 ?week=ГГГГ-ММ-ДД&student={id} (diary.js)
//   #vconf        «Видеоконференции» — everyone (vconf.js)
// A route the account may not use shows the greeting.

import { startShell } from '/lib/shell.js';
import { byId } from '/lib/dom.js';
import { showChats, openMessenger } from './chats.js';
import { orgContext } from './org.js';
import { showManage } from './manage.js';
import { showRights } from './rights.js';
import { showClassJournal } from './classjournal.js';
import { showLesson } from './lesson.js';
import { showDiary } from './diary.js';
import { showConferences } from './vconf.js';

const STAFF_ROLES = new Set(['admin', 'staff']);

const account = await startShell({ face: '/journal/' });
byId('loading').hidden = true;

// show(arg, params): `arg` is what follows «#name/», `params` the «?…» part.
const SCREENS = {
  chats: { id: 'chats-screen', allowed: () => true, show: () => showChats(account) },
  manage: { id: 'manage-screen', allowed: () => STAFF_ROLES.has(account.role), show: () => showManage(ctx()) },
  rights: { id: 'rights-screen', allowed: () => account.role === 'admin', show: () => showRights(ctx()) },
  journal: { id: 'journal-screen', allowed: () => STAFF_ROLES.has(account.role), show: () => showClassJournal(ctx()) },
  lesson: {
    id: 'lesson-screen',
    nav: 'journal',
    allowed: (arg) => STAFF_ROLES.has(account.role) && /^\d+$/.test(arg),
    show: (arg) => showLesson(ctx(), arg),
  },
  diary: { id: 'diary-screen', allowed: () => true, show: (arg, params) => showDiary(ctx(), params) },
  vconf: { id: 'vconf-screen', allowed: () => true, show: () => showConferences(ctx()) },
};

let context = null;
const ctx = () => (context ||= orgContext(account));

// «#lesson/12?x=1» → {name: 'lesson', arg: '12', params: x=1}.
function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const slash = path.indexOf('/');
  return {
    name: slash < 0 ? path : path.slice(0, slash),
    arg: slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1)),
    params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
  };
}

function route() {
  const { name: wanted, arg, params } = parseHash();
  const name = Object.hasOwn(SCREENS, wanted) && SCREENS[wanted].allowed(arg) ? wanted : '';
  // Another screen: the dialogs of the one left behind go away with it.
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  byId('welcome').hidden = name !== '';
  for (const [key, screen] of Object.entries(SCREENS)) byId(screen.id).hidden = key !== name;
  const current = name ? SCREENS[name].nav || name : '';
  for (const link of document.querySelectorAll('.nav-item[data-route]')) {
    if (link.dataset.route === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name) SCREENS[name].show(arg, params);
}

if (account) {
  const name = account.display_name || account.login || '';
  byId('welcome-title').textContent = `Добро пожаловать, ${name}`;
  byId('nav-manage').hidden = !SCREENS.manage.allowed();
  byId('nav-rights').hidden = !SCREENS.rights.allowed();
  byId('nav-journal').hidden = !SCREENS.journal.allowed();
  // «Мессенджер» in the top bar: a linked account goes in without a password.
  byId('face-switch').addEventListener('click', (event) => {
    event.preventDefault();
    openMessenger();
  });
  window.addEventListener('hashchange', route);
  route();
}
