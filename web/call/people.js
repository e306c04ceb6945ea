// «Участники»: the conference's members from Parta (who is in the call, raised hands,
// moderators) joined with Janus's publishers (who sends sound and picture, with their
// streams' mids). A moderator turns a participant's microphone or camera off (and on again).

import { h } from '/lib/dom.js';

const ROLES = { student: 'Ученик', staff: 'Сотрудник', parent: 'Родитель' };

export function createPeople(root, { onMute, onCount }) {
  let members = [];
  let me = 0;
  let moderator = false;
  const hands = new Set(); // persons
  const feeds = new Map(); // feed → publisher (Janus)
  const muted = new Set(); // "person:kind" turned off by a moderator (as far as we know)

  const publisherOf = (m) => (m.feed ? feeds.get(m.feed) : null);
  const streamOf = (p, kind) => (p?.streams || []).find((x) => x.type === kind && !x.disabled) || null;

  function muteButton(m, kind, label) {
    const key = `${m.person_id}:${kind}`;
    const off = muted.has(key);
    return h('button', {
      class: 'btn btn-small btn-secondary call-mute',
      type: 'button',
      'data-kind': kind,
      text: off ? `Включить ${label}` : `Выключить ${label}`,
      onclick: () => onMute(m.person_id, kind, !off),
    });
  }

  function item(m) {
    const p = publisherOf(m);
    const inCall = m.online || Boolean(p);
    const state = p ? 'в звонке' : m.online ? 'в звонке, без видео' : 'не в звонке';
    const controls = [];
    if (moderator && p && m.person_id !== me) {
      if (streamOf(p, 'audio')) controls.push(muteButton(m, 'audio', 'микрофон'));
      if (streamOf(p, 'video')) controls.push(muteButton(m, 'video', 'камеру'));
    }
    return h('li', { class: inCall ? 'call-person call-person-in' : 'call-person', 'data-person': String(m.person_id) },
      h('div', { class: 'call-person-line' },
        h('span', { class: 'call-person-name', text: m.person_id === me ? `${m.name} (вы)` : m.name }),
        hands.has(m.person_id) ? h('span', { class: 'call-hand', text: '✋', 'aria-label': 'Поднята рука' }) : null),
      h('span', { class: 'call-person-meta muted' },
        [ROLES[m.role] || '', m.moderator ? 'модератор' : '', state].filter(Boolean).join(' · ')),
      controls.length ? h('div', { class: 'call-person-controls' }, controls) : null);
  }

  function render() {
    // Raised hands first, in the order of the list; then the others.
    const sorted = [...members.filter((m) => hands.has(m.person_id)), ...members.filter((m) => !hands.has(m.person_id))];
    root.replaceChildren(...sorted.map(item));
    onCount(members.filter((m) => m.online || publisherOf(m)).length);
  }

  return {
    setMembers(list, person) {
      members = list;
      me = person;
      render();
    },
    setModerator(on) {
      moderator = Boolean(on);
      render();
    },
    // The member whose newest grant is this feed, or null.
    byFeed(feed) {
      return members.find((m) => m.feed === feed) || null;
    },
    publishing(feed, publisher) {
      if (publisher) feeds.set(feed, publisher);
      else feeds.delete(feed);
      render();
    },
    clearPublishing() {
      feeds.clear();
      render();
    },
    hand(person, up) {
      if (up) hands.add(person);
      else hands.delete(person);
      render();
    },
    // The mid of a member's stream of `kind` in Janus, or null.
    mid(person, kind) {
      const m = members.find((x) => x.person_id === person);
      return streamOf(m && publisherOf(m), kind)?.mid ?? null;
    },
    moderated(person, kind, mute) {
      const key = `${person}:${kind}`;
      if (mute) muted.add(key);
      else muted.delete(key);
      render();
    },
  };
}
