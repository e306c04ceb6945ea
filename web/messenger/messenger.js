// The «Мессенджер» face: for now a frame with an (empty) chat list.

import { startShell } from '/lib/shell.js';

const account = await startShell({ face: '/messenger/' });
document.getElementById('chats-loading').hidden = true;
if (account) {
  const list = document.getElementById('chat-list');
  list.hidden = list.children.length === 0;
  document.getElementById('chats-empty').hidden = list.children.length > 0;
}
