// The journal's «Чаты» screen (SPEC §2, §5): whether the account is linked to a
// messenger profile («учебный профиль») with the buttons of each state, the
// link wizard, then a card per chat of the user.
//
// The wizard follows the server's steps (/api/v1/me/link/…): every answer names
// the next step and carries its one-time `flow` token, sent with that step.
//   phone → auth (password, or «Получить код по SMS») → code → confirm → done
//   phone → code → about («Информация о себе», «Создать учебный профиль») → done

import { api } from '/lib/api.js';
import { h, byId, formatDate, fullName } from '/lib/dom.js';
import { showBanner } from '/lib/shell.js';
import { stepForm, phoneStep, authStep, codeStep } from '/lib/steps.js';

const STAFF_ROLES = new Set(['admin', 'staff']);
const GENDERS = [['', 'Не указан'], ['m', 'Мужской'], ['f', 'Женский']];

let generation = 0; // the newest render wins; older answers are dropped

// «Перейти в мессенджер»: a messenger session for the linked profile, no
// password, then the messenger face. With `ifLinked`, an account that is not
// linked just goes to the messenger's own sign-in. `hash` («#chat/12») names
// the chat to show; the messenger reads what it understands of it.
export async function openMessenger({ ifLinked = true, button = null, hash = '' } = {}) {
  if (button) button.disabled = true;
  showBanner('');
  try {
    const linked = ifLinked ? (await api.get('/api/v1/me/link')).linked : true;
    if (linked) await api.post('/api/v1/me/messenger', {});
    location.assign('/messenger/' + hash);
  } catch (err) {
    showBanner(err.message);
    if (button) button.disabled = false;
  }
}

export function showChats(account) {
  const mine = ++generation;
  loadLinkState(account, mine);
  loadCards(mine);
}

// ---- the linking panel ----

async function loadLinkState(account, mine) {
  const panel = byId('link-panel');
  panel.replaceChildren(h('p', { class: 'muted', text: 'Загрузка…' }));
  let state;
  try {
    state = await api.get('/api/v1/me/link');
  } catch (err) {
    if (mine === generation) panel.replaceChildren(h('p', { class: 'form-error', role: 'alert', text: err.message }));
    return;
  }
  if (mine !== generation) return;
  if (state.linked) renderLinked(panel, account, state);
  else renderNotLinked(panel, account);
}

function renderNotLinked(panel, account) {
  panel.dataset.state = 'not-linked';
  panel.replaceChildren(
    h('p', { class: 'panel-title', text: 'Учебный профиль не привязан' }),
    h('p', { class: 'muted', text: 'Чтобы общаться в школьных чатах мессенджера, привяжите к учётной '
      + 'записи журнала учебный профиль: войдите в свой профиль по номеру телефона или создайте '
      + 'новый. Это делается один раз.' }),
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-primary', type: 'button', text: 'Привязать учебный профиль',
        onclick: () => startWizard(panel, account) })),
  );
}

function renderLinked(panel, account, state) {
  const p = state.profile || {};
  panel.dataset.state = 'linked';
  const go = h('button', { class: 'btn btn-primary', type: 'button', text: 'Перейти в мессенджер' });
  go.addEventListener('click', () => openMessenger({ ifLinked: false, button: go }));
  panel.replaceChildren(
    h('p', { class: 'panel-title', text: 'Ваша учётная запись связана с учебным профилем' }),
    h('p', { class: 'profile-line' },
      h('span', { class: 'profile-name', text: fullName(p) }),
      h('span', { class: 'muted profile-phone', text: p.phone || '' }),
      state.verified_staff ? h('span', { class: 'badge', text: 'Подтверждённый сотрудник' }) : null),
    h('div', { class: 'actions' },
      go,
      STAFF_ROLES.has(account.role)
        ? h('a', { class: 'btn btn-secondary', href: '#manage', text: 'Управление чатами' })
        : null,
      h('button', { class: 'btn btn-ghost btn-danger-text', type: 'button',
        text: 'Отменить привязку учебного профиля', onclick: () => askUnlink(account) })),
  );
}

function askUnlink(account) {
  const dialog = byId('unlink-dialog');
  dialog.returnValue = '';
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'unlink') return;
    showBanner('');
    try {
      await api.delete('/api/v1/me/link');
    } catch (err) {
      showBanner(err.message);
    }
    showChats(account);
  }, { once: true });
  dialog.showModal();
}

// ---- the link wizard ----

function startWizard(panel, account) {
  const mine = generation;
  let flow = '';
  const box = h('div', { class: 'wizard' });
  panel.dataset.state = 'wizard';
  panel.replaceChildren(
    h('p', { class: 'panel-title', text: 'Привязать учебный профиль' }),
    box,
    h('div', { class: 'actions' },
      h('button', { class: 'btn btn-ghost', type: 'button', text: 'Отмена', onclick: () => showChats(account) })),
  );

  const show = ({ form }) => {
    if (mine !== generation) return;
    box.replaceChildren(form);
    form.querySelector('input, select, button')?.focus();
  };
  const post = async (name, body = {}) => next(await api.post(`/api/v1/me/link/${name}`, { flow, ...body }));

  function next(res) {
    flow = res.flow;
    switch (res.step) {
      case 'auth':
        return show(authStep({
          hasPassword: res.has_password,
          onPassword: (password) => post('password', { password }),
          onSendCode: () => post('send-code'),
        }));
      case 'code':
        return show(codeStep({
          resendAfter: res.resend_after || 0,
          onCode: (code) => post('code', { code }),
          onResend: () => post('send-code'),
        }));
      case 'confirm':
        return show(confirmStep(res.profile || {}, () => post('confirm')));
      case 'about':
        return show(aboutStep((values) => post('about', values)));
      default: // done
        return showChats(account);
    }
  }

  show(phoneStep({
    title: 'Номер телефона',
    lead: 'Укажите номер мобильного телефона учебного профиля. Если профиля ещё нет, мы создадим его.',
    onPhone: async (phone) => next(await api.post('/api/v1/me/link/start', { phone })),
  }));
}

function confirmStep(profile, onConfirm) {
  const row = (label, value) => [h('dt', { text: label }), h('dd', { text: value || '—' })];
  return stepForm({
    name: 'confirm',
    title: 'Проверьте личные данные',
    lead: 'Эти данные учебного профиля будут видны в чатах.',
    details: h('dl', { class: 'facts' },
      row('Фамилия', profile.surname),
      row('Имя', profile.first_name),
      row('Отчество', profile.patronymic),
      row('Дата рождения', formatDate(profile.birth_date)),
      row('Телефон', profile.phone)),
    submit: { label: 'Подтвердить', run: onConfirm },
  });
}

function aboutStep(onCreate) {
  return stepForm({
    name: 'about',
    title: 'Информация о себе',
    lead: 'Учебного профиля с этим номером ещё нет. Заполните данные, чтобы создать его.',
    fields: [
      { label: 'Фамилия', name: 'surname', autocomplete: 'family-name', required: true },
      { label: 'Имя', name: 'first_name', autocomplete: 'given-name', required: true },
      { label: 'Отчество', name: 'patronymic', autocomplete: 'additional-name' },
      { label: 'Дата рождения', name: 'birth_date', type: 'date', autocomplete: 'bday' },
      { label: 'Пол', name: 'gender', tag: 'select', options: GENDERS },
    ],
    submit: {
      label: 'Создать учебный профиль',
      check: (v, inputs) => {
        if (!v.surname.trim()) return { message: 'Укажите фамилию.', input: inputs.surname };
        if (!v.first_name.trim()) return { message: 'Укажите имя.', input: inputs.first_name };
        return null;
      },
      run: (v) => onCreate({
        surname: v.surname.trim(),
        first_name: v.first_name.trim(),
        patronymic: v.patronymic.trim(),
        birth_date: v.birth_date,
        gender: v.gender,
      }),
    },
  });
}

// ---- the chat cards ----

async function loadCards(mine) {
  const list = byId('chat-cards');
  const loading = byId('cards-loading');
  const empty = byId('cards-empty');
  const error = byId('cards-error');
  loading.hidden = false;
  list.hidden = true;
  empty.hidden = true;
  error.hidden = true;
  let chats;
  try {
    chats = (await api.get('/api/v1/me/chats')).chats || [];
  } catch (err) {
    if (mine !== generation) return;
    loading.hidden = true;
    error.textContent = err.message;
    error.hidden = false;
    return;
  }
  if (mine !== generation) return;
  loading.hidden = true;
  list.replaceChildren(...chats.map(card));
  list.hidden = chats.length === 0;
  empty.hidden = chats.length > 0;
}

function card(chat) {
  const admins = (chat.admins || []).join(', ') || '—';
  return h('li', { class: 'chat-card', 'data-chat-id': chat.id },
    h('p', { class: 'chat-card-kind', text: chat.kind_label || chat.kind || '' }),
    h('h3', { class: 'chat-card-name', text: chat.name }),
    h('p', { class: 'chat-card-fact' }, h('span', { class: 'muted', text: 'Администраторы чата: ' }), admins),
    h('p', { class: 'chat-card-fact' },
      h('span', { class: 'muted', text: 'Участников чата: ' }), String(chat.members ?? 0)),
    chat.archived ? h('p', { class: 'badge', text: 'В архиве' }) : null);
}
