// The development SMS inbox (GET /api/v1/dev/sms): the newest messages the dev gateway
// "sent" to a phone, or to every phone when the field is empty. No login: it exists only
// while the server runs the dev gateway (parta demo, or --test-mode).

import { api } from '/lib/api.js';

const form = document.getElementById('sms-form');
const phoneInput = document.getElementById('phone');
const errorBox = document.getElementById('error');
const list = document.getElementById('messages');

function when(seconds) {
  return new Date(seconds * 1000).toLocaleString('ru-RU');
}

function render(messages) {
  list.replaceChildren();
  if (messages.length === 0) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'Сообщений нет.';
    list.append(li);
    return;
  }
  for (const m of messages) {
    const li = document.createElement('li');
    const head = document.createElement('div');
    head.className = 'muted';
    head.textContent = `${m.phone} · ${when(m.created_at)}`;
    const text = document.createElement('div');
    text.textContent = m.text;
    li.append(head, text);
    list.append(li);
  }
}

async function load() {
  const phone = phoneInput.value.trim();
  const query = phone ? '?phone=' + encodeURIComponent(phone) : '';
  errorBox.textContent = '';
  phoneInput.removeAttribute('aria-invalid');
  try {
    const data = await api.get('/api/v1/dev/sms' + query);
    render(data.messages);
  } catch (e) {
    list.replaceChildren();
    errorBox.textContent = e.status === 404
      ? 'Демонстрационный SMS-шлюз выключен на этом сервере.'
      : e.message;
    if (e.status === 422) phoneInput.setAttribute('aria-invalid', 'true');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});

phoneInput.value = new URLSearchParams(location.search).get('phone') || '';
load();
