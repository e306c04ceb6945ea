// A private Janus for a test (scripts/janus.sh in a temporary directory):
//
//   const janus = startJanus();        // { env: {PARTA_MEDIA_…}, adminUrl, secret, publicUrl }
//   await janus.admin({ request: 'create', room: 5, … });  // VideoRoom through the admin API
//   janus.stop();
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(ROOT, 'scripts/janus.sh');

export function startJanus() {
  const dir = mkdtempSync(path.join(tmpdir(), 'parta-janus-'));
  const r = spawnSync(SCRIPT, ['start', dir], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`scripts/janus.sh start failed:\n${r.stderr}`);
  const env = {};
  for (const line of r.stdout.trim().split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  for (const k of ['PARTA_MEDIA_ADMIN_URL', 'PARTA_MEDIA_ADMIN_SECRET', 'PARTA_MEDIA_PUBLIC_URL']) {
    if (!env[k]) throw new Error(`scripts/janus.sh printed no ${k}:\n${r.stdout}`);
  }
  let transaction = 0;
  return {
    dir,
    env,
    adminUrl: env.PARTA_MEDIA_ADMIN_URL,
    publicUrl: env.PARTA_MEDIA_PUBLIC_URL,
    secret: env.PARTA_MEDIA_ADMIN_SECRET,
    // One VideoRoom request through the admin API; resolves with the plugin's response.
    async admin(request) {
      const r2 = await fetch(env.PARTA_MEDIA_ADMIN_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          janus: 'message_plugin', transaction: `t${++transaction}`, admin_secret: env.PARTA_MEDIA_ADMIN_SECRET,
          plugin: 'janus.plugin.videoroom', request: { admin_key: env.PARTA_MEDIA_ADMIN_SECRET, ...request },
        }),
      });
      const body = await r2.json();
      if (body.janus !== 'success') throw new Error(`janus: ${JSON.stringify(body)}`);
      return body.response;
    },
    stop({ keep = false } = {}) {
      const s = spawnSync(SCRIPT, ['stop', dir], { encoding: 'utf8', timeout: 30_000 });
      if (!keep) rmSync(dir, { recursive: true, force: true });
      if (s.status !== 0) throw new Error(`scripts/janus.sh stop failed:\n${s.stderr}`);
    },
  };
}
