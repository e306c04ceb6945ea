// Small building blocks of the journal's management screens, on top of h():
// labelled fields, modal dialogs, a confirmation, page numbers and the
// server's paging arithmetic. Nothing here talks to the server.
//
// Dialogs are <dialog> elements opened with showModal(): the browser keeps
// the focus inside, Esc closes them, and the page behind is inert. They are
// created when needed and removed from the document once closed.

import { h } from './dom.js';

let serial = 0;
export const uid = (prefix) => `${prefix}-${++serial}`;

// A labelled control: { node, input }. `control` is an element made by the
// caller (an input, a select); it gets an id when it has none.
export function field(label, control, { hint, className = 'field' } = {}) {
  if (!control.id) control.id = uid('f');
  return {
    input: control,
    node: h('div', { class: className },
      h('label', { for: control.id, text: label }),
      control,
      hint ? h('p', { class: 'field-hint muted', text: hint }) : null),
  };
}

// <select> with [[value, label], …]; `value` is chosen.
export function select(options, value = '', attrs = {}) {
  const node = h('select', attrs,
    options.map(([v, label]) => h('option', { value: String(v), text: label })));
  node.value = String(value);
  return node;
}

// Replaces the options of a select, keeping the choice when it is still there.
export function setOptions(node, options) {
  const was = node.value;
  node.replaceChildren(...options.map(([v, label]) => h('option', { value: String(v), text: label })));
  if (options.some(([v]) => String(v) === was)) node.value = was;
}

// A checkbox with its label after it: { node, input }.
export function checkbox(label, attrs = {}) {
  const input = h('input', { type: 'checkbox', id: uid('c'), ...attrs });
  return { input, node: h('label', { class: 'check', for: input.id }, input, h('span', { text: label })) };
}

// The alert line of a form or a dialog: show(message) / show('') to clear.
// A message is scrolled into view (a long dialog may hide it below).
export function errorLine() {
  const node = h('p', { class: 'form-error', role: 'alert' });
  return {
    node,
    show: (message) => {
      node.textContent = message || '';
      if (message && node.isConnected) node.scrollIntoView({ block: 'nearest' });
    },
  };
}

// A modal dialog: { dialog, body, actions, close(value) }. `wide` for tables.
// onClose(value) runs once, after the dialog left the screen.
export function modal({ title, wide = false, name = '', onClose } = {}) {
  const titleId = uid('dlg');
  const body = h('div', { class: 'dialog-body' });
  const actions = h('div', { class: 'dialog-actions' });
  const dialog = h('dialog', {
    class: wide ? 'dialog dialog-wide' : 'dialog',
    'aria-labelledby': titleId,
    'data-dialog': name || null,
  },
  h('div', { class: 'dialog-head' },
    h('h2', { id: titleId, class: 'step-title', text: title }),
    h('button', { class: 'btn btn-ghost btn-small dialog-x', type: 'button', 'aria-label': 'Закрыть окно',
      text: '×', onclick: () => dialog.close('') })),
  body,
  actions);
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose?.(dialog.returnValue);
  }, { once: true });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, actions, close: (value = '') => dialog.close(value) };
}

// «Вы уверены?»: resolves true for the confirming button, false otherwise.
export function confirmDialog({ title, text, ok = 'Ок', cancel = 'Отмена', danger = false, name = 'confirm' }) {
  return new Promise((resolve) => {
    const m = modal({ title, name, onClose: (value) => resolve(value === 'ok') });
    m.body.append(h('p', { class: 'dialog-text', text }));
    const yes = h('button', { class: danger ? 'btn btn-danger' : 'btn btn-primary', type: 'button', text: ok,
      onclick: () => m.close('ok') });
    m.actions.append(
      h('button', { class: 'btn btn-secondary', type: 'button', text: cancel, onclick: () => m.close('cancel') }),
      yes);
    yes.focus();
  });
}

// How many pages `total` rows make at `perPage` a page (at least one).
export const pageCount = (total, perPage) => Math.max(1, Math.ceil(total / perPage));

// Page numbers: 1 … 4 5 [6] 7 8 … 20. onPage(n) is called with the page chosen.
export function pager(page, pages, onPage, label = 'Страницы') {
  const nav = h('nav', { class: 'pager', 'aria-label': label });
  if (pages <= 1) { nav.hidden = true; return nav; }
  const shown = new Set([1, pages]);
  for (let p = page - 2; p <= page + 2; p++) if (p >= 1 && p <= pages) shown.add(p);
  let last = 0;
  for (const p of [...shown].sort((a, b) => a - b)) {
    if (p > last + 1) nav.append(h('span', { class: 'pager-gap muted', text: '…' }));
    nav.append(h('button', {
      class: p === page ? 'btn btn-small pager-page pager-current' : 'btn btn-small pager-page',
      type: 'button',
      text: String(p),
      'aria-current': p === page ? 'page' : null,
      'aria-label': `Страница ${p}`,
      onclick: () => { if (p !== page) onPage(p); },
    }));
    last = p;
  }
  return nav;
}

// «2025/2026» for 2025; '' for 0.
export const academicYear = (year) => (year ? `${year}/${year + 1}` : '');

// Page sizes of the lists.
export const PAGE_SIZES = [10, 25, 50, 100].map((n) => [n, String(n)]);
