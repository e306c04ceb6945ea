// The call's media: Janus's VideoRoom through janus.js. We join as a publisher with the join
// grant Parta handed out (room, pin, token, feed, display), publish the camera and the
// microphone on one PeerConnection (audio first: mid "0", then video: mid "1"), and
// subscribe to every other publisher, one PeerConnection each. Candidates travel inside the
// SDP (no trickling): on a school's network and on loopback gathering takes milliseconds.
//
// Callbacks (all optional):
//   onRemote(feed, publisher, mediaStream)  a publisher's media arrived (or changed)
//   onRemoteGone(feed)                      it stopped publishing or left
//   onPublisher(publisher)                  a publisher appeared or its streams changed
//   onJoining(feed, display)                someone entered without publishing
//   onEnded()                               the room was destroyed (the conference ended)
//   onLost(err)                             the media connection is gone
import { JanusSession, iceGathered } from './janus.js';

const PLUGIN = 'janus.plugin.videoroom';

export class CallRoom {
  constructor(grant, callbacks = {}) {
    this.grant = grant;
    this.cb = callbacks;
    this.session = null;
    this.publisher = null; // our handle
    this.pc = null;
    this.audio = null; // transceivers
    this.video = null;
    this.privateId = null;
    this.subs = new Map(); // feed → {handle, pc, stream}
    this.publishers = new Map(); // feed → publisher as Janus lists it
    this.left = false;
  }

  call(name, ...args) {
    const f = this.cb[name];
    if (f) f(...args);
  }

  // Enters the room and publishes `stream` (may be null: enter to watch and listen only).
  async join(stream) {
    this.session = await JanusSession.create(this.grant.janus_url, {
      onLost: (err) => { if (!this.left) this.call('onLost', err); },
    });
    this.publisher = await this.session.attach(PLUGIN, (ev) => this.onPublisherEvent(ev));
    const { data } = await this.publisher.request({
      request: 'join',
      ptype: 'publisher',
      room: this.grant.room,
      pin: this.grant.pin,
      token: this.grant.token,
      id: this.grant.feed,
      display: this.grant.display,
    });
    this.privateId = data.private_id;
    await this.publish(stream);
    for (const p of data.publishers || []) this.addPublisher(p);
  }

  async publish(stream) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    const streams = stream ? [stream] : [];
    this.audio = pc.addTransceiver(stream?.getAudioTracks()[0] || 'audio', { direction: 'sendonly', streams });
    this.video = pc.addTransceiver(stream?.getVideoTracks()[0] || 'video', { direction: 'sendonly', streams });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed' && !this.left) this.call('onLost', new Error('ICE failed'));
    });
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc);
    const { jsep } = await this.publisher.request(
      { request: 'publish', display: this.grant.display },
      { type: 'offer', sdp: pc.localDescription.sdp, trickle: false },
    );
    await pc.setRemoteDescription(jsep);
  }

  // Our streams' mids, as Janus knows them (for the moderators' muting).
  mids() {
    return { audio: this.audio?.mid ?? null, video: this.video?.mid ?? null };
  }

  // Sends another video track (the screen, or the camera again) without renegotiating.
  async setVideoTrack(track) {
    if (this.video) await this.video.sender.replaceTrack(track);
  }

  onPublisherEvent(event) {
    const data = event.plugindata?.data;
    if (event.janus === 'hangup' && !this.left) {
      this.call('onLost', new Error(event.reason || 'hangup'));
      return;
    }
    if (!data) return;
    if (data.videoroom === 'destroyed') {
      this.call('onEnded');
      return;
    }
    if (data.videoroom !== 'event') return;
    for (const p of data.publishers || []) this.addPublisher(p);
    if (data.joining) this.call('onJoining', data.joining.id, data.joining.display);
    for (const gone of [data.unpublished, data.leaving]) {
      if (gone !== undefined && gone !== 'ok') this.dropFeed(gone);
    }
  }

  addPublisher(p) {
    if (p.id === this.grant.feed || this.left) return;
    this.publishers.set(p.id, p);
    this.call('onPublisher', p);
    if (!this.subs.has(p.id)) {
      this.subscribe(p).catch(() => this.dropFeed(p.id));
    }
  }

  async subscribe(p) {
    const sub = { handle: null, pc: null, stream: new MediaStream() };
    this.subs.set(p.id, sub);
    sub.handle = await this.session.attach(PLUGIN, (ev) => this.onSubscriberEvent(p.id, sub, ev));
    if (this.subs.get(p.id) !== sub) { // gone meanwhile
      sub.handle.detach();
      return;
    }
    const { jsep } = await sub.handle.request({
      request: 'join',
      ptype: 'subscriber',
      room: this.grant.room,
      pin: this.grant.pin,
      private_id: this.privateId,
      streams: [{ feed: p.id }],
    });
    const pc = new RTCPeerConnection({ iceServers: [] });
    sub.pc = pc;
    pc.addEventListener('track', (e) => {
      sub.stream.addTrack(e.track);
      e.track.addEventListener('ended', () => sub.stream.removeTrack(e.track));
      this.call('onRemote', p.id, this.publishers.get(p.id) || p, sub.stream);
    });
    await this.answer(sub, jsep);
  }

  async answer(sub, offer) {
    await sub.pc.setRemoteDescription(offer);
    await sub.pc.setLocalDescription(await sub.pc.createAnswer());
    await iceGathered(sub.pc);
    await sub.handle.request({ request: 'start' }, { type: 'answer', sdp: sub.pc.localDescription.sdp, trickle: false });
  }

  onSubscriberEvent(feed, sub, event) {
    const data = event.plugindata?.data;
    // Janus renegotiates when the publisher's streams change.
    if (event.jsep?.type === 'offer' && sub.pc) {
      this.answer(sub, event.jsep).catch(() => this.dropFeed(feed));
      return;
    }
    if (data?.videoroom === 'event' && data.left === 'ok') this.dropFeed(feed);
  }

  dropFeed(feed) {
    const sub = this.subs.get(feed);
    this.publishers.delete(feed);
    if (!sub) return;
    this.subs.delete(feed);
    sub.pc?.close();
    sub.handle?.detach();
    this.call('onRemoteGone', feed);
  }

  async leave() {
    if (this.left) return;
    this.left = true;
    for (const feed of [...this.subs.keys()]) this.dropFeed(feed);
    this.pc?.close();
    await this.session?.destroy();
  }
}
