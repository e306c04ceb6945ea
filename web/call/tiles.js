// The video tiles of the call: one's own (muted, mirrored unless it shows the screen) and one
// per remote publisher (data-feed), each with a name, a raised hand and floating reactions.

import { h } from '/lib/dom.js';

const REACTION_MS = 4000;

export function createTiles(root) {
  const remotes = new Map(); // feed → {node, video, person}
  let own = null;

  function tile({ feed = null, name, mine = false }) {
    const video = h('video', { class: mine ? 'call-video call-video-own' : 'call-video', autoplay: true, playsinline: true });
    video.muted = mine; // never hear oneself
    const label = h('span', { class: 'call-tile-name', text: name });
    const hand = h('span', { class: 'call-hand', text: '✋', 'aria-label': 'Поднята рука', hidden: true });
    const off = h('span', { class: 'call-tile-off', text: 'Камера выключена', hidden: true });
    const float = h('span', { class: 'call-float', 'aria-live': 'polite' });
    const node = h('figure', { class: mine ? 'call-tile call-tile-own' : 'call-tile', 'data-feed': feed ?? null },
      video, off, float, h('figcaption', { class: 'call-tile-caption' }, label, hand));
    root.append(node);
    return { node, video, label, hand, off, float, person: null, timer: 0 };
  }

  function play(video) {
    const p = video.play();
    if (p) p.catch(() => {}); // autoplay refused: the next user gesture starts it
  }

  function byPerson(person) {
    if (own && own.person === person) return own;
    for (const t of remotes.values()) if (t.person === person) return t;
    return null;
  }

  return {
    own(stream, name) {
      own = own || tile({ name: `${name} (вы)`, mine: true });
      own.video.srcObject = stream;
      own.off.hidden = Boolean(stream && stream.getVideoTracks().length);
      if (stream) play(own.video);
    },
    ownPerson(person) {
      if (own) own.person = person;
    },
    ownVideoOff(off) {
      if (own) own.off.hidden = !off;
    },
    // Shows the shared screen in one's own tile (null: the camera again).
    ownScreen(track) {
      if (!own) return;
      const camera = own.camera || own.video.srcObject;
      if (track) {
        own.camera = camera;
        own.video.srcObject = new MediaStream([track]);
        own.node.classList.add('call-tile-screen');
      } else {
        own.video.srcObject = own.camera || null;
        own.camera = null;
        own.node.classList.remove('call-tile-screen');
      }
      own.off.hidden = Boolean(own.video.srcObject);
      play(own.video);
    },
    remote(feed, name, stream) {
      let t = remotes.get(feed);
      if (!t) {
        t = tile({ feed, name });
        remotes.set(feed, t);
      }
      if (t.video.srcObject !== stream) t.video.srcObject = stream;
      t.off.hidden = stream.getVideoTracks().length > 0;
      play(t.video);
    },
    // Parta's names for Janus's feeds (the participants' newest grants).
    name(feed, name, person) {
      const t = remotes.get(feed);
      if (!t) return;
      t.label.textContent = name;
      t.person = person;
      t.node.dataset.person = String(person);
    },
    drop(feed) {
      const t = remotes.get(feed);
      if (!t) return;
      remotes.delete(feed);
      t.video.srcObject = null;
      t.node.remove();
    },
    dropRemotes() {
      for (const feed of [...remotes.keys()]) this.drop(feed);
    },
    hand(person, up) {
      const t = byPerson(person);
      if (t) t.hand.hidden = !up;
    },
    react(person, emoji) {
      const t = byPerson(person);
      if (!t) return;
      t.float.textContent = emoji;
      t.float.classList.add('call-float-on');
      clearTimeout(t.timer);
      t.timer = setTimeout(() => t.float.classList.remove('call-float-on'), REACTION_MS);
    },
  };
}
