// The common frame of the signed-in faces (journal and messenger): who is
// signed in, the organisation, and «Выйти».
//
// startShell() asks the server who we are. If the session is missing or has
// expired it sends the browser to the login page with ?next= pointing back
// here, and never resolves. Otherwise it fills the header and resolves with
// the account; on any other failure it shows the error and resolves with null.

import { api } from './api.js';

const ROLE_LABELS = {
  admin: 'Администратор',
  staff: 'Сотрудник',
  student: 'Ученик',
  parent: 'Родитель',
};

const byId = (id) => document.getElementById(id);

export function showBanner(message) {
  const banner = byId('banner');
  if (!banner) return;
  banner.textContent = message;
  banner.hidden = !message;
}

function toLogin(face) {
  location.replace('/?next=' + face); // face is one of our own fixed paths
}

async function fetchAccount(face) {
  try {
    const data = await api.get('/api/v1/me');
    return data && data.account ? data.account : null;
  } catch (err) {
    if (err.status === 401) {
      toLogin(face);
      return new Promise(() => {}); // the page is going away
    }
    showBanner(err.message);
    return null;
  }
}

function renderUser(account) {
  byId('user-name').textContent = account.display_name || account.login || '';
  const org = account.org && account.org.name ? account.org.name : '';
  const role = ROLE_LABELS[account.role] || '';
  byId('user-org').textContent = [role, org].filter(Boolean).join(' · ');
}

function wireLogout() {
  const button = byId('logout');
  button.addEventListener('click', async () => {
    button.disabled = true;
    showBanner('');
    try {
      await api.post('/api/v1/auth/logout', {});
    } catch (err) {
      // Already signed out (session expired) is as good as a logout.
      if (err.status !== 401) {
        showBanner(err.message);
        button.disabled = false;
        return;
      }
    }
    location.replace('/');
  });
}

export async function startShell({ face }) {
  wireLogout();
  // Coming back with the Back button after «Выйти» restores the page from
  // the back/forward cache; ask the server again so a signed-out page does
  // not stay on screen.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) fetchAccount(face);
  });

  const account = await fetchAccount(face);
  if (account) renderUser(account);
  return account;
}
