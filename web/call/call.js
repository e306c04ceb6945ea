// The call page, /call/?org=O&conf=C with the journal's session: «Проверка камеры и
// микрофона», then the call through Janus (room.js) with the participant list, raised hands,
// reactions, the chat of the call, screen sharing, the moderators' muting and «Выйти».
// Parta says who is in the call (presence every 30 s), carries the signals (hand, reactions,
// chat) and says when the conference ended («Звонок завершен», then back to the main screen).
// When the media server is unreachable the page says so and everything else keeps working.

import { api, readCookie } from '/lib/api.js';
import { byId, h } from '/lib/dom.js';
import { deviceCheck, stopStream } from './devices.js';
import { CallRoom } from './room.js';
import { journalSocket } from './socket.js';
import { createPeople } from './people.js';
import { createChat } from './chat.js';
import { createTiles } from './tiles.js';

const HEARTBEAT_MS = 30_000;
const BACK_HOME_MS = 3000;
const REACTIONS = ['👍', '👏', '❤️', '😂', '😮', '🎉', '🤔', '👎'];
const UNAVAILABLE = 'Сервер видеосвязи недоступен. Попробуйте позже.';

const params = new URLSearchParams(location.search);
const org = params.get('org');
const conf = params.get('conf');
const base = `/api/v1/orgs/${org}/conferences/${conf}`;

const s = {
  account: null,
  conference: null,
  phase: 'loading', // loading, check, call, ended
  grant: null,
  room: null,
  local: null, // the stream from the device check
  screen: null, // the screen's track while shared
  heartbeat: 0,
  socket: null,
  hand: false,
  micLocked: false,
  camLocked: false,
};

function banner(message) {
  const b = byId('banner');
  b.textContent = message || '';
  b.hidden = !message;
}

function show(phase) {
  s.phase = phase;
  byId('loading').hidden = true;
  byId('check').hidden = phase !== 'check';
  byId('call').hidden = phase !== 'call';
  byId('ended').hidden = phase !== 'ended';
}

// ---- the parts of the call screen ----

const tiles = createTiles(byId('tiles'));
const people = createPeople(byId('people'), {
  onMute: (person, kind, mute) => moderate(person, kind, mute),
  onCount: (n) => { byId('people-count').textContent = String(n); },
});
const chat = createChat({
  log: byId('chat-log'),
  form: byId('chat-form'),
  input: byId('chat-text'),
  error: byId('chat-error'),
  unread: byId('chat-unread'),
  send: (text) => api.post(`${base}/signal`, { kind: 'chat', value: text }),
  isOpen: () => !byId('side').hidden && !byId('chat-panel').hidden,
});

// ---- presence ----

function presence(inCall, { keepalive = false } = {}) {
  if (keepalive) {
    // The page is going away: fetch with keepalive outlives it (sendBeacon cannot carry the
    // CSRF header).
    fetch(`${base}/presence`, {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': readCookie('parta_csrf') || '' },
      body: JSON.stringify({ in: inCall }),
    }).catch(() => {});
    return Promise.resolve();
  }
  return api.post(`${base}/presence`, { in: inCall }).catch((err) => {
    if (err.code === 'finished') ended();
  });
}

// Every 30 s: still here (and the list again, for those whose pages went quiet).
function startHeartbeat() {
  if (s.heartbeat) return;
  presence(true);
  s.heartbeat = setInterval(() => {
    presence(true);
    loadPeople();
  }, HEARTBEAT_MS);
}

function stopHeartbeat() {
  clearInterval(s.heartbeat);
  s.heartbeat = 0;
}

// ---- participants ----

let loadingPeople = null;
async function loadPeople() {
  if (loadingPeople) return loadingPeople;
  loadingPeople = api.get(`${base}/participants`).then((r) => {
    s.person = r.person_id;
    tiles.ownPerson(r.person_id);
    people.setMembers(r.participants, r.person_id);
    for (const p of r.participants) if (p.feed) tiles.name(p.feed, p.name, p.person_id);
  }).catch(() => {}).finally(() => { loadingPeople = null; });
  return loadingPeople;
}

// ---- media ----

function mediaNote(message) {
  byId('media-note-text').textContent = message || '';
  byId('media-note').hidden = !message;
}

function controlsForMedia() {
  const audio = s.local?.getAudioTracks()[0];
  const video = s.local?.getVideoTracks()[0];
  const inRoom = Boolean(s.room);
  setPressed(byId('mic'), Boolean(audio?.enabled), audio ? 'Выключить микрофон' : 'Микрофон недоступен', 'Включить микрофон');
  setPressed(byId('cam'), Boolean(video?.enabled), video ? 'Выключить камеру' : 'Камера недоступна', 'Включить камеру');
  byId('mic').disabled = !audio || s.micLocked;
  byId('cam').disabled = !video || s.camLocked;
  byId('screen').disabled = !inRoom;
  byId('screen').hidden = !navigator.mediaDevices?.getDisplayMedia;
  setPressed(byId('screen'), Boolean(s.screen), 'Остановить демонстрацию', 'Демонстрация экрана');
}

function setPressed(button, on, onLabel, offLabel) {
  button.setAttribute('aria-pressed', on ? 'true' : 'false');
  button.textContent = on ? onLabel : offLabel;
}

// Asks Parta for a grant and enters Janus's room; on failure the page stays in the call
// without media and offers to try again.
async function connectMedia() {
  mediaNote('');
  let grant;
  try {
    grant = await api.post(`${base}/join`, {});
  } catch (err) {
    if (err.code === 'finished') return ended();
    mediaNote(err.status === 503 ? UNAVAILABLE : err.message);
    return undefined;
  }
  s.grant = grant;
  people.setModerator(grant.moderator);
  const room = new CallRoom(grant, {
    onRemote: (feed, p, stream) => {
      tiles.remote(feed, p.display, stream);
      people.publishing(feed, p);
      const m = people.byFeed(feed);
      if (m) tiles.name(feed, m.name, m.person_id);
      else loadPeople(); // joined after our list was read
    },
    onPublisher: (p) => people.publishing(p.id, p),
    onRemoteGone: (feed) => {
      tiles.drop(feed);
      people.publishing(feed, null);
    },
    onEnded: () => ended(),
    onLost: () => {
      if (s.phase !== 'call') return;
      dropRoom();
      mediaNote(UNAVAILABLE);
    },
  });
  s.room = room;
  try {
    await room.join(s.screen ? new MediaStream([...(s.local?.getAudioTracks() || []), s.screen]) : s.local);
  } catch {
    if (s.room === room) {
      dropRoom();
      mediaNote(UNAVAILABLE);
    }
    return undefined;
  }
  controlsForMedia();
  loadPeople();
  return undefined;
}

function dropRoom() {
  const room = s.room;
  s.room = null;
  room?.leave();
  tiles.dropRemotes();
  people.clearPublishing();
  controlsForMedia();
}

async function moderate(person, kind, mute) {
  const mid = people.mid(person, kind);
  if (mid === null) return;
  try {
    await api.post(`${base}/moderate`, { person_id: person, mid, mute });
    people.moderated(person, kind, mute);
  } catch (err) {
    banner(err.message);
  }
}

// ---- the call screen ----

async function enterCall() {
  s.local = await s.check.take();
  tiles.own(s.local, s.account.display_name || 'Вы');
  show('call');
  controlsForMedia();
  startHeartbeat();
  await loadPeople();
  await connectMedia();
}

function toggleTrack(kind) {
  const track = kind === 'audio' ? s.local?.getAudioTracks()[0] : s.local?.getVideoTracks()[0];
  if (!track) return;
  track.enabled = !track.enabled;
  if (kind === 'video') tiles.ownVideoOff(!track.enabled && !s.screen);
  controlsForMedia();
}

async function toggleScreen() {
  if (!s.room) return;
  if (s.screen) {
    stopScreen();
    return;
  }
  let display;
  try {
    display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch {
    return; // the user cancelled the choice
  }
  const track = display.getVideoTracks()[0];
  if (!track) return;
  // Text on a screen should stay sharp: the encoder keeps the resolution, not the frame rate.
  if ('contentHint' in track) track.contentHint = 'detail';
  s.screen = track;
  track.addEventListener('ended', () => { if (s.screen === track) stopScreen(); });
  await s.room.setVideoTrack(track);
  tiles.ownScreen(track);
  controlsForMedia();
}

function stopScreen() {
  const track = s.screen;
  s.screen = null;
  track?.stop();
  const camera = s.local?.getVideoTracks()[0] || null;
  s.room?.setVideoTrack(camera);
  tiles.ownScreen(null);
  controlsForMedia();
}

async function toggleHand() {
  const value = s.hand ? 'down' : 'up';
  try {
    await api.post(`${base}/signal`, { kind: 'hand', value });
  } catch (err) {
    banner(err.message);
  }
}

function openSide(tab) {
  const side = byId('side');
  const same = !side.hidden && !byId(`${tab}-panel`).hidden;
  side.hidden = same;
  byId('people-panel').hidden = tab !== 'people';
  byId('chat-panel').hidden = tab !== 'chat';
  byId('tab-people').setAttribute('aria-selected', tab === 'people' ? 'true' : 'false');
  byId('tab-chat').setAttribute('aria-selected', tab === 'chat' ? 'true' : 'false');
  if (!side.hidden && tab === 'chat') {
    chat.seen();
    byId('chat-text').focus();
  }
}

function reactionBar() {
  const bar = byId('reaction-bar');
  bar.replaceChildren(...REACTIONS.map((emoji) => h('button', {
    class: 'btn call-reaction',
    type: 'button',
    text: emoji,
    'aria-label': `Реакция ${emoji}`,
    onclick: async () => {
      bar.hidden = true;
      byId('react').setAttribute('aria-expanded', 'false');
      try {
        await api.post(`${base}/signal`, { kind: 'reaction', value: emoji });
      } catch (err) {
        banner(err.message);
      }
    },
  })));
}

async function leave() {
  byId('leave').disabled = true;
  s.phase = 'leaving';
  stopHeartbeat();
  await presence(false);
  await finish();
  location.replace('/');
}

// Tears the call down (Janus, devices, socket).
async function finish() {
  stopHeartbeat();
  s.socket?.stop();
  s.check?.stop();
  const room = s.room;
  s.room = null;
  s.screen?.stop();
  stopStream(s.local);
  await room?.leave();
}

// «Звонок завершен», then back to the main screen.
function ended() {
  if (s.phase === 'ended') return;
  show('ended');
  banner('');
  finish().finally(() => setTimeout(() => location.replace('/'), BACK_HOME_MS));
}

// ---- events from Parta ----

function onEvent(msg) {
  if (msg.conference_id !== s.conference?.id) return;
  if (msg.type === 'conf.state') {
    if (msg.state === 'finished') ended();
    else if (msg.state === 'active' && s.phase === 'check') checkState('');
  } else if (msg.type === 'conf.presence') {
    loadPeople();
  } else if (msg.type === 'conf.signal') {
    onSignal(msg);
  } else if (msg.type === 'conf.moderate') {
    onModerated(msg);
  }
}

function onSignal(msg) {
  if (msg.kind === 'hand') {
    const up = msg.value === 'up';
    people.hand(msg.person_id, up);
    tiles.hand(msg.person_id, up);
    if (msg.person_id === s.person) {
      s.hand = up;
      setPressed(byId('hand'), up, 'Опустить руку', 'Поднять руку');
    }
  } else if (msg.kind === 'reaction') {
    tiles.react(msg.person_id, msg.value);
    chat.note(`${msg.name}: ${msg.value}`, msg.at);
  } else if (msg.kind === 'chat') {
    chat.add(msg);
  }
}

function onModerated(msg) {
  const mids = s.room?.mids() || {};
  const kind = msg.mid === mids.audio ? 'audio' : msg.mid === mids.video ? 'video' : null;
  if (!kind) return;
  const track = kind === 'audio' ? s.local?.getAudioTracks()[0] : s.local?.getVideoTracks()[0];
  if (kind === 'audio') s.micLocked = msg.mute;
  else s.camLocked = msg.mute;
  if (msg.mute && track) track.enabled = false;
  if (kind === 'video') tiles.ownVideoOff(Boolean(track && !track.enabled));
  const what = kind === 'audio' ? 'микрофон' : 'камеру';
  const note = byId('moderated-note');
  note.textContent = msg.mute
    ? `${msg.by_name || 'Модератор'} выключил(а) ваш ${what}`
    : `${msg.by_name || 'Модератор'} разрешил(а) включить ваш ${what}`;
  note.hidden = false;
  controlsForMedia();
}

// After a (re)connect of the socket: what may have happened meanwhile.
async function recheck() {
  if (s.phase === 'call') loadPeople();
  if (s.phase !== 'call' && s.phase !== 'check') return;
  try {
    const r = await api.get(base);
    s.conference = r.conference;
    if (r.conference.state === 'finished') ended();
    else if (r.conference.state === 'active' && s.phase === 'check') checkState('');
  } catch {
    // the next event or heartbeat tells
  }
}

// ---- start ----

function checkNote(message) {
  byId('check-note').textContent = message || '';
}

// Whether the conference runs yet, above the check.
function checkState(message) {
  byId('check-state').textContent = message || '';
  byId('check-state').hidden = !message;
}

const notStarted = (c) => (c.kind === 'lesson' ? 'Дистанционный урок еще не начался' : 'Видеоконференция еще не началась');

async function join() {
  const button = byId('join');
  button.disabled = true;
  try {
    const r = await api.get(base);
    s.conference = r.conference;
    if (r.conference.state === 'finished') return ended();
    checkState(r.conference.state === 'active' ? '' : notStarted(r.conference));
    if (r.conference.state !== 'active') return undefined;
  } catch (err) {
    checkNote(err.message);
    return undefined;
  } finally {
    button.disabled = false;
  }
  return enterCall();
}

function wire() {
  byId('join').addEventListener('click', join);
  byId('mic').addEventListener('click', () => toggleTrack('audio'));
  byId('cam').addEventListener('click', () => toggleTrack('video'));
  byId('screen').addEventListener('click', toggleScreen);
  byId('hand').addEventListener('click', toggleHand);
  byId('react').addEventListener('click', () => {
    const bar = byId('reaction-bar');
    bar.hidden = !bar.hidden;
    byId('react').setAttribute('aria-expanded', bar.hidden ? 'false' : 'true');
  });
  byId('open-people').addEventListener('click', () => openSide('people'));
  byId('open-chat').addEventListener('click', () => openSide('chat'));
  byId('tab-people').addEventListener('click', () => openSide('people'));
  byId('tab-chat').addEventListener('click', () => openSide('chat'));
  byId('side-close').addEventListener('click', () => { byId('side').hidden = true; });
  byId('leave').addEventListener('click', leave);
  byId('media-retry').addEventListener('click', () => {
    if (!s.room) connectMedia();
  });
  window.addEventListener('pagehide', () => {
    if (s.phase === 'call') presence(false, { keepalive: true });
  });
  reactionBar();
}

async function boot() {
  if (!/^\d+$/.test(org || '') || !/^\d+$/.test(conf || '')) {
    show('loading');
    byId('loading').hidden = true;
    banner('Неверная ссылка на звонок');
    return;
  }
  try {
    s.account = (await api.get('/api/v1/me')).account;
  } catch (err) {
    if (err.status === 401) {
      location.replace('/?next=' + encodeURIComponent(location.pathname + location.search));
      return;
    }
    byId('loading').hidden = true;
    banner(err.message);
    return;
  }
  byId('user-name').textContent = s.account.display_name || s.account.login || '';
  let r;
  try {
    r = await api.get(base);
  } catch (err) {
    byId('loading').hidden = true;
    banner(err.status === 404 ? 'Видеоконференция не найдена' : err.message);
    return;
  }
  s.conference = r.conference;
  byId('call-name').textContent = r.conference.name;
  byId('check-conf').textContent = r.conference.name;
  document.title = `${r.conference.name} · Parta`;
  if (r.conference.state === 'finished') {
    ended();
    return;
  }
  wire();
  s.socket = journalSocket({ onEvent, onOpen: recheck });
  s.check = deviceCheck({
    preview: byId('preview'),
    previewOff: byId('preview-off'),
    meter: byId('level'),
    audioSelect: byId('mic-select'),
    videoSelect: byId('camera-select'),
    audioOn: byId('mic-on'),
    videoOn: byId('camera-on'),
    note: checkNote,
  });
  show('check');
  if (r.conference.state === 'planned') checkState(notStarted(r.conference));
  await s.check.start();
}

boot();
