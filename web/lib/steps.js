// The forms of the phone-and-secret flows, shared by the journal's link wizard
// («Привязать учебный профиль») and the messenger's own sign-in: the phone,
// the password or «Получить код по SMS», the 6-digit code with «Отправить код
// ещё раз» counting down.
//
// Each builder returns a <form>. The actions it is given are async; while one
// runs the form's buttons are disabled, and when it throws, the error's Russian
// message (the server's error.message) is shown in the form's alert box. An
// action that succeeds is expected to replace the form (the caller renders the
// next step), so the form never re-enables itself after a success.

import { h } from './dom.js';

let serial = 0;

// A labelled input; { tag: 'select', options: [[value, label], …] } for a list.
function field(label, { tag = 'input', options = [], ...attrs }) {
  const id = `${attrs.name}-${++serial}`;
  const input = h(tag, { id, ...attrs },
    options.map(([value, text]) => h('option', { value, text })));
  return { input, node: h('div', { class: 'field' }, h('label', { for: id, text: label }), input) };
}

// A form: title, lead, fields, the alert box, the main button and others.
//   fields: [{ label, name, type, … attributes }]
//   submit: { label, run(values) }      the main action
//   actions: [{ label, run(), name }]   secondary buttons (type=button)
export function stepForm({ title, lead, details, fields = [], submit, actions = [], name }) {
  const built = fields.map(({ label, ...attrs }) => field(label, attrs));
  const error = h('p', { class: 'form-error', role: 'alert' });
  const mainButton = h('button', { class: 'btn btn-primary btn-block', type: 'submit', text: submit.label });
  const buttons = actions.map((a) => h('button', {
    class: 'btn btn-secondary btn-block', type: 'button', text: a.label, 'data-action': a.name,
  }));
  const form = h('form', { class: 'form step', novalidate: true, 'data-step': name },
    title ? h('h2', { class: 'step-title', text: title }) : null,
    lead ? h('p', { class: 'muted step-lead', text: lead }) : null,
    details || null,
    built.map((f) => f.node),
    error,
    mainButton,
    buttons);

  const inputs = Object.fromEntries(built.map((f) => [f.input.name, f.input]));
  let busy = false;

  const setBusy = (on) => {
    busy = on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
    for (const b of [mainButton, ...buttons]) {
      if (on) b.disabled = true;
      else if (!b.dataset.locked) b.disabled = false;
    }
  };

  const showError = (message, invalid = []) => {
    error.textContent = message || '';
    for (const input of Object.values(inputs)) {
      if (message && invalid.includes(input)) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  };

  const run = async (action, invalidOnError = []) => {
    if (busy) return;
    showError('');
    setBusy(true);
    try {
      await action();
    } catch (err) {
      showError(err.message, err.status === 422 ? invalidOnError : []);
      setBusy(false);
      form.dispatchEvent(new CustomEvent('step-error', { detail: err }));
      invalidOnError[0]?.focus();
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.value]));
    const problem = submit.check ? submit.check(values, inputs) : null;
    if (problem) {
      showError(problem.message, problem.input ? [problem.input] : []);
      problem.input?.focus();
      return;
    }
    run(() => submit.run(values), Object.values(inputs));
  });
  actions.forEach((a, i) => buttons[i].addEventListener('click', () => run(a.run)));
  for (const input of Object.values(inputs)) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
  return { form, inputs, buttons, showError };
}

// The first step: the phone.
export function phoneStep({ title, lead, submitLabel = 'Продолжить', onPhone }) {
  return stepForm({
    name: 'phone',
    title,
    lead,
    fields: [{ label: 'Номер телефона', name: 'phone', type: 'tel', autocomplete: 'tel',
      inputmode: 'tel', placeholder: '+7 999 123-45-67', required: true }],
    submit: {
      label: submitLabel,
      check: (v, inputs) => (v.phone.trim() ? null : { message: 'Введите номер телефона.', input: inputs.phone }),
      run: (v) => onPhone(v.phone.trim()),
    },
  });
}

// A profile with this phone exists: its password (when it has one) or an SMS code.
export function authStep({ title = 'Вход в учебный профиль', hasPassword, onPassword, onSendCode }) {
  const sendCode = { name: 'send-code', label: 'Получить код по SMS', run: onSendCode };
  if (!hasPassword) {
    return stepForm({
      name: 'auth',
      title,
      lead: 'Учебный профиль с этим номером уже есть. Мы отправим на него код подтверждения.',
      submit: { label: sendCode.label, run: onSendCode },
    });
  }
  return stepForm({
    name: 'auth',
    title,
    lead: 'Учебный профиль с этим номером уже есть. Войдите по паролю профиля или по коду из SMS.',
    fields: [{ label: 'Пароль', name: 'password', type: 'password', autocomplete: 'current-password', required: true }],
    submit: {
      label: 'Войти по паролю',
      check: (v, inputs) => (v.password ? null : { message: 'Введите пароль.', input: inputs.password }),
      run: (v) => onPassword(v.password),
    },
    actions: [sendCode],
  });
}

// The 6-digit code; «Отправить код ещё раз» waits `resendAfter` seconds (and
// the Retry-After of a refused resend), counting down.
export function codeStep({ title = 'Код из SMS', resendAfter = 0, onCode, onResend }) {
  const step = stepForm({
    name: 'code',
    title,
    lead: 'Мы отправили SMS с кодом из 6 цифр. Введите его здесь.',
    fields: [{ label: 'Код из SMS', name: 'code', type: 'text', inputmode: 'numeric',
      autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]{6}', required: true,
      class: 'code-input' }],
    submit: {
      label: 'Продолжить',
      check: (v, inputs) => (/^\d{6}$/.test(v.code.trim()) ? null
        : { message: 'Введите 6 цифр кода из SMS.', input: inputs.code }),
      run: (v) => onCode(v.code.trim()),
    },
    actions: [{ name: 'resend', label: 'Отправить код ещё раз', run: onResend }],
  });
  const resend = step.buttons[0];
  const label = 'Отправить код ещё раз';
  let timer = null;

  const countdown = (seconds) => {
    clearInterval(timer);
    let left = Math.max(0, Math.ceil(seconds));
    const tick = () => {
      if (!resend.isConnected && left < seconds) { clearInterval(timer); return; }
      if (left <= 0) {
        clearInterval(timer);
        delete resend.dataset.locked;
        resend.disabled = step.form.getAttribute('aria-busy') === 'true';
        resend.textContent = label;
        return;
      }
      resend.dataset.locked = '1';
      resend.disabled = true;
      resend.textContent = `${label} (через ${left} с)`;
      left -= 1;
    };
    tick();
    if (left > 0) timer = setInterval(tick, 1000);
  };
  step.form.addEventListener('step-error', (e) => {
    if (e.detail.status === 429 && e.detail.retryAfter) countdown(e.detail.retryAfter);
  });
  countdown(resendAfter);
  return step;
}
