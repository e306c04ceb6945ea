// The crash test, long form: the scenario of tests/e2e/13-crash.test.mjs (tests/e2e/lib/
// storm.mjs) against the release build ($PARTA_BIN, default build/parta) on loopback. Several
// users with several connections each storm one chat, each keeping BENCH_CRASH_WINDOW sends
// unacknowledged; once BENCH_CRASH_MESSAGES (default 20,000) are acknowledged the server gets
// SIGKILL, is started again on the same database, every connection resumes from what it saw
// and sends again what was in flight. Prints "name value unit" lines:
//   msg.crash.senders                connections storming (users × connections each)
//   msg.crash.acked_messages         sends acknowledged before the server died
//   msg.crash.acks_per_s             acknowledged sends a second during the storm
//   msg.crash.unacked_messages       sends never acknowledged (in flight when the server died)
//   msg.crash.committed_unacked      of those, stored all the same (their ack died with the server)
//   msg.crash.restart_to_listening.ms  spawning the restarted server → it listens
//   msg.crash.restart_to_resumed.ms  spawning the restarted server → every connection resumed
//   msg.crash.messages               the chat at the end: every send made, each exactly once
// Exits non-zero, saying why on stderr, when an acknowledged message is missing or there twice,
// a connection sees a gap or a duplicate, or the whole run takes over BENCH_CRASH_TIMEOUT s.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startServer, spawnServer, WEB } from '../tests/e2e/lib/server.mjs';
import {
  stormUsers, setupStorm, storm, resumeAll, history, verify, resumeFromLastAck, resendInFlight, closeAll,
} from '../tests/e2e/lib/storm.mjs';

const KILL_AT = Number(process.env.BENCH_CRASH_MESSAGES || 20000);
const USERS = Number(process.env.BENCH_CRASH_USERS || 4);
const PER_USER = Number(process.env.BENCH_CRASH_CONNECTIONS || 2);
const WINDOW = Number(process.env.BENCH_CRASH_WINDOW || 128);
const TIMEOUT_S = Number(process.env.BENCH_CRASH_TIMEOUT || 300);
const STALL_MS = 30_000;
const ENV = { PARTA_SMS_GATEWAY: 'dev' };

let srv, restarted, senders = [];
const print = (name, value, unit) => console.log(`${name} ${value} ${unit}`);

async function run() {
  const users = stormUsers(USERS);
  srv = await startServer({ users, env: ENV });
  let chat;
  ({ chat, senders } = await setupStorm(srv, users, PER_USER));
  for (const s of senders) await s.connect(srv.url);
  // A storm half as long again as the kill point: the kill lands while it is in full flow.
  const cut = await storm(senders, {
    quota: Math.ceil((KILL_AT * 3) / 2 / senders.length), window: WINDOW, killAt: KILL_AT, stallMs: STALL_MS,
    kill: () => srv.child.kill('SIGKILL'),
  });
  const { signal } = await srv.exited;
  if (signal !== 'SIGKILL') throw new Error(`the server ended by ${signal}, not by the kill`);
  print('msg.crash.senders', senders.length, 'connections');
  print('msg.crash.acked_messages', cut.acked, 'messages');
  print('msg.crash.acks_per_s', Math.round((KILL_AT / cut.stormMs) * 1000), 'messages/s');
  print('msg.crash.unacked_messages', senders.reduce((n, s) => n + s.inflight.size, 0), 'messages');

  const t0 = performance.now();
  restarted = spawnServer(['serve', '--db', srv.db, '--web', WEB, '--listen', '127.0.0.1:0', '--test-mode'], { env: ENV });
  const url = await restarted.ready;
  const listening = performance.now() - t0;
  await resumeAll(url, senders, STALL_MS);
  const resumed = performance.now() - t0;

  const token = senders[0].token;
  const before = await history(url, chat, token);
  verify(before, senders);
  await resumeFromLastAck(url, senders, before);
  const stored = new Set(before.map((m) => m.text));
  const committed = senders.reduce((n, s) => n + [...s.inflight].filter((id) => stored.has(s.text(id))).length, 0);
  print('msg.crash.committed_unacked', committed, 'messages');
  print('msg.crash.restart_to_listening.ms', listening.toFixed(1), 'ms');
  print('msg.crash.restart_to_resumed.ms', resumed.toFixed(1), 'ms');

  await resendInFlight(senders, STALL_MS);
  const after = await history(url, chat, token);
  verify(after, senders, { all: true });
  print('msg.crash.messages', after.length, 'messages');
}

// Stops what is left: the connections, a server still running (the restarted one must stop
// cleanly), the temporary directory.
async function cleanup() {
  closeAll(senders);
  if (srv && srv.child.exitCode === null && srv.child.signalCode === null) {
    srv.child.kill('SIGKILL');
    await srv.exited;
  }
  let problem = null;
  if (restarted && restarted.child.exitCode === null && restarted.child.signalCode === null) {
    restarted.child.kill('SIGTERM');
    const { code, signal } = await restarted.exited;
    if (code !== 0) problem = `the restarted server exited with ${code ?? signal}:\n${restarted.output().stderr.slice(-2000)}`;
  }
  if (srv) rmSync(srv.dir, { recursive: true, force: true });
  return problem;
}

const deadline = setTimeout(() => {
  console.error(`bench/crash: not done after ${TIMEOUT_S} s`);
  cleanup().finally(() => process.exit(1));
}, TIMEOUT_S * 1000);
try {
  await run();
} catch (err) {
  console.error(`bench/crash: ${err.message}`);
  process.exitCode = 1;
} finally {
  const problem = await cleanup();
  if (problem) {
    console.error(`bench/crash: ${problem}`);
    process.exitCode = 1;
  }
  clearTimeout(deadline);
}
