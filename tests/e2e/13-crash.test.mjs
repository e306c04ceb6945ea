// The crash test (short form): the server is killed with SIGKILL in the middle of a storm of
// sends from six connections of two users; after a restart every message acknowledged
// to its sender is there exactly once, the chat's sequence has no gap, every client resuming
// from what it saw gets the rest without a gap or a duplicate, and sends retried under their
// client ids land once. The long form is bench/crash.mjs (the same scenario, tests/e2e/lib/
// storm.mjs) at length; PARTA_CRASH_MESSAGES sets the storm's size here (any size works:
// each connection keeps WINDOW sends in flight).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, spawnServer, WEB } from './lib/server.mjs';
import {
  stormUsers, setupStorm, storm, resumeAll, history, verify, resumeFromLastAck, resendInFlight, closeAll,
} from './lib/storm.mjs';

const STORM = Number(process.env.PARTA_CRASH_MESSAGES || 800);
const WINDOW = 32; // unacknowledged sends a connection keeps in flight
let srv, restarted, senders = [];

after(async () => {
  closeAll(senders);
  try {
    if (restarted && restarted.child.exitCode === null) {
      restarted.child.kill('SIGTERM');
      const { code } = await restarted.exited;
      const { stderr } = restarted.output();
      assert.doesNotMatch(stderr, /Sanitizer|runtime error:/);
      assert.equal(code, 0, stderr.slice(-2000));
    }
  } finally {
    if (srv && srv.child.exitCode === null && srv.child.signalCode === null) srv.child.kill('SIGKILL');
    if (srv) rmSync(srv.dir, { recursive: true, force: true });
  }
});

test('SIGKILL during a send storm: every acknowledged message survives exactly once', async () => {
  const users = stormUsers(2);
  srv = await startServer({ users, env: { PARTA_SMS_GATEWAY: 'dev' } });
  let chat;
  ({ chat, senders } = await setupStorm(srv, users, 3));
  for (const s of senders) await s.connect(srv.url);
  // Killed once half the storm is acknowledged, while every connection has sends in flight.
  const quota = Math.ceil(STORM / senders.length);
  const cut = await storm(senders, {
    quota, window: WINDOW, killAt: Math.floor(STORM / 2), kill: () => srv.child.kill('SIGKILL'),
  });
  assert.equal((await srv.exited).signal, 'SIGKILL');
  const issued = senders.reduce((n, s) => n + s.issued, 0);
  assert.ok(cut.inFlight > 0 && issued < quota * senders.length, 'the kill came in the middle of the storm');

  restarted = spawnServer(['serve', '--db', srv.db, '--web', WEB, '--listen', '127.0.0.1:0', '--test-mode'],
    { env: { PARTA_SMS_GATEWAY: 'dev' } });
  const url = await restarted.ready;
  await resumeAll(url, senders);
  const token = senders[0].token;
  const stored = await history(url, chat, token);
  verify(stored, senders);
  await resumeFromLastAck(url, senders, stored);
  // What was in flight, sent again under the same client ids, lands once.
  await resendInFlight(senders);
  verify(await history(url, chat, token), senders, { all: true });
  closeAll(senders);
});
