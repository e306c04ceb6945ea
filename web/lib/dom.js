// Building DOM without innerHTML: h('p', { class: 'muted' }, 'text', child…).
//
// Props: `class` sets className, `text` sets textContent, a function under a
// name starting with "on" becomes an event listener ("onclick" → "click"),
// `true` sets an empty attribute, `false`/null/undefined leave it out, and
// anything else is set as an attribute. Children are nodes or strings (as
// text); null and false are skipped. The server's CSP forbids inline
// handlers and styles, so there are none here either.

export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === false || child === undefined) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child);
  }
}

const byId = (id) => document.getElementById(id);
export { byId };

// «01.05.1980» from «1980-05-01»; anything else as it is.
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso || '';
}

// «Иванова Мария Петровна» from a profile.
export function fullName(p) {
  return [p.surname, p.first_name, p.patronymic].filter(Boolean).join(' ');
}
