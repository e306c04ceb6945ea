// «Инициализировать список чатов» (SPEC §4; seed 001 figure 16): the dialog
// «Настройки создания/синхронизации чатов». Choose the kinds, «Продолжить»
// asks the server for the plan (a dry run: which chats it creates, who joins
// and who leaves each), «Подтвердить» starts the job; a progress bar follows
// it until it is done, then the result, and the list is loaded again.

import { api } from '/lib/api.js';
import { h } from '/lib/dom.js';
import { modal, checkbox, errorLine } from '/lib/ui.js';

const INIT_KINDS = ['staff', 'class', 'parents', 'subject'];
const POLL_MS = 300;

const ACTIONS = {
  create: 'Создать',
  keep: 'Изменить состав',
  archive: 'В архив',
  unarchive: 'Вернуть из архива',
};

export function openInitialize(ctx, { onDone }) {
  let timer = null;
  const m = modal({
    title: 'Настройки создания/синхронизации чатов',
    wide: true,
    name: 'initialize',
    onClose: () => clearTimeout(timer),
  });
  const error = errorLine();
  const boxes = INIT_KINDS.map((kind) => ({ kind, ...checkbox(ctx.kindLabel(kind), { checked: true, name: kind }) }));
  const cancel = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Отмена', onclick: () => m.close() });
  const next = h('button', { class: 'btn btn-primary', type: 'button', text: 'Продолжить' });

  const showKinds = () => {
    m.body.replaceChildren(
      h('p', { class: 'muted', text: 'Выберите типы чатов. Недостающие чаты будут созданы, а состав участников '
        + 'существующих чатов приведён к правилам: лишние участники будут удалены, недостающие — добавлены.' }),
      h('fieldset', { class: 'checks' }, h('legend', { text: 'Тип чата' }), boxes.map((b) => b.node)),
      error.node);
    m.actions.replaceChildren(cancel, next);
    next.disabled = false;
    boxes[0].input.focus();
  };
  showKinds();

  const chosen = () => boxes.filter((b) => b.input.checked).map((b) => b.kind);

  next.addEventListener('click', async () => {
    const kinds = chosen();
    if (!kinds.length) { error.show('Выберите хотя бы один тип чата.'); return; }
    error.show('');
    next.disabled = true;
    let plan;
    try {
      plan = (await api.post(`${ctx.base}/chats/init`, { kinds, dry_run: true })).plan;
    } catch (err) {
      error.show(err.message);
      next.disabled = false;
      return;
    }
    showPlan(kinds, plan);
  });

  function showPlan(kinds, plan) {
    const chats = plan.chats || [];
    const confirm = h('button', { class: 'btn btn-primary', type: 'button', text: 'Подтвердить' });
    const back = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Назад',
      onclick: () => { error.show(''); showKinds(); } });
    m.body.replaceChildren(
      h('h3', { class: 'dialog-subtitle', text: 'Что будет сделано' }),
      totals(plan, 'plan'),
      chats.length ? planTable(ctx, chats)
        : h('p', { class: 'empty', text: 'Изменений нет: все чаты уже соответствуют правилам.' }),
      error.node);
    m.actions.replaceChildren(back, confirm);
    confirm.focus();
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      back.disabled = true;
      error.show('');
      let job;
      try {
        job = (await api.post(`${ctx.base}/chats/init`, { kinds })).job;
      } catch (err) {
        error.show(err.message);
        confirm.disabled = false;
        back.disabled = false;
        return;
      }
      follow(job);
    });
  }

  function follow(job) {
    const bar = h('progress', { class: 'progress', max: '1', value: '0', 'aria-label': 'Выполнение' });
    const label = h('p', { class: 'muted', 'aria-live': 'polite', text: 'Выполняется…' });
    const close = h('button', { class: 'btn btn-primary', type: 'button', text: 'Закрыть', disabled: true,
      onclick: () => m.close() });
    m.body.replaceChildren(h('h3', { class: 'dialog-subtitle', text: 'Выполнение' }), bar, label, error.node);
    m.actions.replaceChildren(close);

    const show = (j) => {
      if (j.total > 0) {
        bar.max = j.total;
        bar.value = j.done;
        label.textContent = `Обработано чатов: ${j.done} из ${j.total}`;
      }
      if (j.state === 'running') {
        timer = setTimeout(poll, POLL_MS);
        return;
      }
      close.disabled = false;
      onDone();
      if (j.state === 'failed') {
        bar.removeAttribute('value');
        error.show('Не удалось выполнить инициализацию. Изменения не сохранены.');
      } else {
        bar.max = 1;
        bar.value = 1;
        label.textContent = 'Готово';
        m.body.replaceChildren(h('h3', { class: 'dialog-subtitle', text: 'Готово' }), bar,
          totals(j.summary || {}, 'result'));
      }
      close.focus();
    };
    const poll = async () => {
      if (!m.dialog.isConnected) return;
      try {
        show((await api.get(`${ctx.base}/chats/init/${job.id}`)).job);
      } catch (err) {
        error.show(err.message);
        close.disabled = false;
      }
    };
    show(job);
  }
}

function totals(s, mode) {
  const words = mode === 'plan'
    ? ['Будет создано чатов', 'Будет добавлено участников', 'Будет удалено участников', 'Будет перенесено в архив']
    : ['Создано чатов', 'Добавлено участников', 'Удалено участников', 'Перенесено в архив'];
  const row = (label, value, key) => [h('dt', { text: label }), h('dd', { text: String(value || 0), 'data-total': key })];
  return h('dl', { class: `facts init-${mode}` },
    row(words[0], s.created, 'created'),
    row(words[1], s.joined, 'joined'),
    row(words[2], s.left, 'left'),
    s.archived ? row(words[3], s.archived, 'archived') : null);
}

function planTable(ctx, chats) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table', 'aria-label': 'План по чатам' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: 'Наименование чата' }),
        h('th', { scope: 'col', text: 'Тип чата' }),
        h('th', { scope: 'col', text: 'Действие' }),
        h('th', { scope: 'col', class: 'num', text: 'Добавить участников' }),
        h('th', { scope: 'col', class: 'num', text: 'Удалить участников' }))),
      h('tbody', {}, chats.map((c) => h('tr', {},
        h('td', { text: c.name || '—' }),
        h('td', { text: ctx.kindLabel(c.kind) }),
        h('td', { text: ACTIONS[c.action] || c.action }),
        h('td', { class: 'num', text: String(c.join || 0) }),
        h('td', { class: 'num', text: String(c.leave || 0) }))))));
}
