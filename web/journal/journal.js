// The «Журнал» face: the frame, the section list and a small hash router.
//   (no hash)  the greeting
//   #chats     the «Чаты» screen: linking and the user's chats (chats.js)
//   #manage    «Управление чатами» — staff and administrators only; in development

import { startShell } from '/lib/shell.js';
import { byId } from '/lib/dom.js';
import { showChats, openMessenger } from './chats.js';

const STAFF_ROLES = new Set(['admin', 'staff']);

const account = await startShell({ face: '/journal/' });
byId('loading').hidden = true;

function route() {
  const wanted = location.hash.replace(/^#/, '');
  const staff = STAFF_ROLES.has(account.role);
  const name = wanted === 'chats' || (wanted === 'manage' && staff) ? wanted : '';
  byId('welcome').hidden = name !== '';
  byId('chats-screen').hidden = name !== 'chats';
  byId('manage-screen').hidden = name !== 'manage';
  for (const link of document.querySelectorAll('.nav-item[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name === 'chats') showChats(account);
}

if (account) {
  const name = account.display_name || account.login || '';
  byId('welcome-title').textContent = `Добро пожаловать, ${name}`;
  byId('nav-manage').hidden = !STAFF_ROLES.has(account.role);
  // «Мессенджер» in the top bar: a linked account goes in without a password.
  byId('face-switch').addEventListener('click', (event) => {
    event.preventDefault();
    openMessenger();
  });
  window.addEventListener('hashchange', route);
  route();
}
