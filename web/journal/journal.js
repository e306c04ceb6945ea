// The «Журнал» face: for now a frame with the section list and a greeting.

import { startShell } from '/lib/shell.js';

const account = await startShell({ face: '/journal/' });
document.getElementById('loading').hidden = true;
if (account) {
  const name = account.display_name || account.login || '';
  document.getElementById('welcome-title').textContent = `Добро пожаловать, ${name}`;
  document.getElementById('welcome').hidden = false;
}
