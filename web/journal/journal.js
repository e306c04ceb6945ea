// The «Журнал» face: the frame, the section list and a small hash router.
//   (no hash)  the greeting
//   #chats     the «Чаты» screen: linking and the user's chats (chats.js)
//   #manage    «Управление чатами» — staff and administrators (manage.js)
//   #rights    «Права»: rights groups, positions, orders — administrators (rights.js)
// A route the account may not use shows the greeting.

import { startShell } from '/lib/shell.js';
import { byId } from '/lib/dom.js';
import { showChats, openMessenger } from './chats.js';
import { orgContext } from './org.js';
import { showManage } from './manage.js';
import { showRights } from './rights.js';

const STAFF_ROLES = new Set(['admin', 'staff']);

const account = await startShell({ face: '/journal/' });
byId('loading').hidden = true;

const SCREENS = {
  chats: { id: 'chats-screen', allowed: () => true, show: () => showChats(account) },
  manage: { id: 'manage-screen', allowed: () => STAFF_ROLES.has(account.role), show: () => showManage(ctx()) },
  rights: { id: 'rights-screen', allowed: () => account.role === 'admin', show: () => showRights(ctx()) },
};

let context = null;
const ctx = () => (context ||= orgContext(account));

function route() {
  const wanted = location.hash.replace(/^#/, '');
  const name = SCREENS[wanted] && SCREENS[wanted].allowed() ? wanted : '';
  // Another screen: the dialogs of the one left behind go away with it.
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  byId('welcome').hidden = name !== '';
  for (const [key, screen] of Object.entries(SCREENS)) byId(screen.id).hidden = key !== name;
  for (const link of document.querySelectorAll('.nav-item[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name) SCREENS[name].show();
}

if (account) {
  const name = account.display_name || account.login || '';
  byId('welcome-title').textContent = `Добро пожаловать, ${name}`;
  byId('nav-manage').hidden = !SCREENS.manage.allowed();
  byId('nav-rights').hidden = !SCREENS.rights.allowed();
  // «Мессенджер» in the top bar: a linked account goes in without a password.
  byId('face-switch').addEventListener('click', (event) => {
    event.preventDefault();
    openMessenger();
  });
  window.addEventListener('hashchange', route);
  route();
}
