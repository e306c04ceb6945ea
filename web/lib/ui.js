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

// An «окно-уведомление»: the text and «Ок». Resolves once it is closed.
export function noticeDialog({ title = 'Уведомление', text, ok = 'Ок', name = 'notice' }) {
  return new Promise((resolve) => {
    const m = modal({ title, name, onClose: () => resolve() });
    m.body.append(h('p', { class: 'dialog-text', text }));
    const button = h('button', { class: 'btn btn-primary', type: 'button', text: ok, onclick: () => m.close('ok') });
    m.actions.append(button);
    button.focus();
  });
}

// Tabs over panels: [{key, label, panel}] → { node, select(key), show(key, visible) }.
// Arrow keys move between the visible tabs (the WAI-ARIA tabs pattern).
export function tabs(items, { label = '' } = {}) {
  const list = h('div', { class: 'tabs-list', role: 'tablist', 'aria-label': label || null });
  const panels = h('div', { class: 'tabs-panels' });
  const entries = items.map((item) => {
    const tabId = uid('tab');
    const panelId = uid('tabpanel');
    const tab = h('button', {
      class: 'tab', type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId,
      'aria-selected': 'false', tabindex: '-1', text: item.label,
    });
    const panel = h('div', { class: 'tab-panel', role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, hidden: true },
      item.panel);
    list.append(tab);
    panels.append(panel);
    return { ...item, tab, panelNode: panel };
  });
  let current = null;
  const visible = () => entries.filter((e) => !e.tab.hidden);
  function select(key, focus = false) {
    for (const e of entries) {
      const on = e.key === key;
      e.tab.setAttribute('aria-selected', on ? 'true' : 'false');
      e.tab.tabIndex = on ? 0 : -1;
      e.panelNode.hidden = !on;
      if (on && focus) e.tab.focus();
    }
    current = key;
  }
  for (const e of entries) {
    e.tab.addEventListener('click', () => select(e.key));
    e.tab.addEventListener('keydown', (event) => {
      const shown = visible();
      const i = shown.indexOf(e);
      let next = null;
      if (event.key === 'ArrowRight') next = shown[(i + 1) % shown.length];
      else if (event.key === 'ArrowLeft') next = shown[(i - 1 + shown.length) % shown.length];
      else if (event.key === 'Home') next = shown[0];
      else if (event.key === 'End') next = shown[shown.length - 1];
      if (!next) return;
      event.preventDefault();
      select(next.key, true);
    });
  }
  if (entries.length) select(entries[0].key);
  return {
    node: h('div', { class: 'tabs' }, list, panels),
    select,
    // Shows or hides a tab; a hidden current tab gives way to the first visible one.
    show(key, on) {
      const e = entries.find((x) => x.key === key);
      if (!e) return;
      e.tab.hidden = !on;
      if (!on && current === key && visible().length) select(visible()[0].key);
    },
    current: () => current,
  };
}
