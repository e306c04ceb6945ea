// `parta demo`: a generated region whose printed logins work, idempotent on re-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runParta, spawnServer, tempDir, login, WEB } from './lib/server.mjs';

test('demo region: generated once, logins for every kind of user work, re-run changes nothing', async () => {
  const db = path.join(tempDir(), 'demo.db');
  const first = runParta(['demo', '--db', db, '--schools', '1', '--seed', '5', '--generate-only']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /Пароль всех входов: parta-demo/);
  for (const kind of ['admin', 'homeroom', 'teacher', 'student', 'parent']) {
    assert.match(first.stdout, new RegExp(`${kind}\\s+${kind}1\\s`), kind);
    assert.match(first.stdout, new RegExp(`${kind}\\s+${kind}2\\s`), `${kind} of the college`);
  }
  assert.match(first.stdout, /ГБПОУ «Колледж информационных технологий» \(paragraf\)/);
  const again = runParta(['demo', '--db', db, '--schools', '1', '--seed', '5', '--generate-only']);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, first.stdout, 'the same region and logins');

  const proc = spawnServer(['serve', '--db', db, '--web', WEB, '--listen', '127.0.0.1:0']);
  const url = await proc.ready;
  try {
    const roles = { admin: 'admin', homeroom: 'staff', teacher: 'staff', student: 'student', parent: 'parent' };
    for (const [kind, role] of Object.entries(roles)) {
      const s = await login(url, `${kind}1`, 'parta-demo');
      assert.equal(s.status, 200, kind);
      assert.equal(s.body.account.role, role);
      assert.equal(s.body.account.org.name, 'МБОУ «Средняя школа №1»');
      assert.match(s.body.account.display_name, /^[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+$/);
    }
    const admin = await login(url, 'admin1', 'parta-demo');
    const auth = { authorization: `Bearer ${admin.body.token}` };
    const orgId = admin.body.account.org.id;
    const roster = await (await fetch(`${url}/api/v1/orgs/${orgId}/roster`, { headers: auth })).json();
    assert.equal(roster.classes.length, 33);
    assert.ok(roster.enrolments.length >= 33 * 25 && roster.enrolments.length <= 33 * 30);
    assert.ok(roster.classes.every((c) => c.homeroom_id !== null));
    assert.ok(roster.loads.every((l) => l.teacher_id !== null));
    const lessons = await (await fetch(`${url}/api/v1/orgs/${orgId}/lessons`, { headers: auth })).json();
    assert.ok(lessons.lessons.length > 33 * 20);
    const org = await (await fetch(`${url}/api/v1/orgs/${orgId}`, { headers: auth })).json();
    assert.deepEqual([org.organisation.type, org.organisation.profile], ['school', 'sgo']);
  } finally {
    proc.child.kill('SIGTERM');
    const { code } = await proc.exited;
    assert.equal(code, 0, proc.output().stderr);
  }
});
