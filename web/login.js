// The login page: sign in, then go to the journal (or to the face named in
// ?next=, when it is one of ours). Already signed in — go straight on.

import { api } from '/lib/api.js';

const FACES = new Set(['/journal/', '/messenger/']);

const form = document.getElementById('login-form');
const loginInput = document.getElementById('login');
const passwordInput = document.getElementById('password');
const submit = document.getElementById('submit');
const errorBox = document.getElementById('error');

function destination() {
  const next = new URLSearchParams(location.search).get('next');
  // The call page names its conference: /call/?org=N&conf=N.
  if (/^\/call\/\?org=\d+&conf=\d+$/.test(next || '')) return next;
  return FACES.has(next) ? next : '/journal/';
}

function showError(message, field = null) {
  errorBox.textContent = message;
  for (const input of [loginInput, passwordInput]) {
    if (message && (field === null || input === field)) {
      input.setAttribute('aria-invalid', 'true');
    } else {
      input.removeAttribute('aria-invalid');
    }
  }
}

function setBusy(busy) {
  submit.disabled = busy;
  submit.textContent = busy ? 'Вход…' : 'Войти';
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
}

async function onSubmit(event) {
  event.preventDefault();
  if (submit.disabled) return;

  const login = loginInput.value.trim();
  const password = passwordInput.value;
  if (!login || !password) {
    const empty = login ? passwordInput : loginInput;
    showError(login ? 'Введите пароль.' : 'Введите логин.', empty);
    empty.focus();
    return;
  }

  showError('');
  setBusy(true);
  try {
    await api.post('/api/v1/auth/login', { login, password });
  } catch (err) {
    showError(err.message);
    setBusy(false);
    passwordInput.focus();
    passwordInput.select();
    return;
  }
  location.replace(destination());
}

form.addEventListener('submit', onSubmit);
for (const input of [loginInput, passwordInput]) {
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
}

// Already signed in? Then there is nothing to do here.
api.get('/api/v1/me').then(
  (data) => {
    if (data && data.account) location.replace(destination());
  },
  () => {},
);

if (!loginInput.value) loginInput.focus();
