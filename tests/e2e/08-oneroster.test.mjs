// OneRoster CSV import: a set built here (parents, a subgroup, two teachers, bad rows) from a
// folder through the CLI and as a zip through the API; idempotence; a delta with tobedeleted
// rows; a fatal file that changes nothing; the mass-change guard and --allow-mass-changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, login, runParta } from './lib/server.mjs';

let srv, admin, org;
before(async () => {
  srv = await startServer();
  admin = await login(srv.url);
  org = admin.body.account.org.id;
});
after(async () => { await srv.stop(); });

// ---- the set ----
const USERS = [
  'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,metadata.ext.house',
  't1,active,2026-08-20T10:00:00Z,true,o1,teacher,petrov,,Пётр,Петров,Петрович,,,,,,,,A',
  't2,active,2026-08-20,TRUE,o1,teacher,sid,,Анна,Сидорова,,,,,,,,,',
  'a1,,,True,o1,administrator,dir,,Мария,Иванова,,,,,,,,,',
  's1,active,,true,o1,student,s1,,Борис,Козлов,,,,,,p1,10,,',
  's2,active,,true,o1,student,s2,,Вера,Козлова,,,,,,"p1,p2",10,,',
  's3,active,,true,o1,student,s3,,Глеб,Орлов,,,,,,,10,,',
  's4,active,,true,o1,student,s4,,Дина,Орлова,,,,,,,10,,',
  'p1,active,,true,o1,parent,p1,,Ольга,Козлова,,,,,,"s1,s2",,,',
  'p2,active,,true,o1,guardian,p2,,Олег,Козлов,,,,,,,,,',
  'x1,active,,false,o1,student,x1,,Отключён,Отключенов,,,,,,,10,,',
  'bad1,active,,maybe,o1,student,b,,Плохой,Флаг,,,,,,,10,,',
];
const CLASSES = [
  'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
  'h10a,active,,10А,10,,10A,homeroom,,o1,y2026,,,',
  'm10a,active,,Алгебра 10А,10,c-math,,scheduled,,o1,y2026,,,',
  'e10a1,active,,Английский 10А/1,10,c-eng,,scheduled,,o1,y2026,,,',
];
const COURSES = [
  'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId',
  'c-math,active,,y2026,Алгебра,,10,o1',
  'c-eng,active,,y2026,Английский язык,,10,o1',
];
const SESSIONS = [
  'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
  'y2026,active,,2026/27,schoolYear,2026-09-01,2027-05-31,,2027',
];
const ENROLLMENTS = [
  'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
  'e1,active,,h10a,o1,t1,teacher,true,2026-09-01,',
  'e2,active,,h10a,o1,s1,student,false,2026-09-01,',
  'e3,active,,h10a,o1,s2,student,,2026-09-01,',
  'e4,active,,h10a,o1,s3,student,,,',
  'e5,active,,h10a,o1,s4,student,,,',
  'e5b,active,,h10a,o1,s4,student,,2027-01-10,',
  'e6,active,,m10a,o1,t2,teacher,false,,',
  'e7,active,,m10a,o1,t1,teacher,true,,',
  'e8,active,,m10a,o1,s1,student,,,',
  'e9,active,,m10a,o1,s2,student,,,',
  'e10,active,,m10a,o1,s3,student,,,',
  'e11,active,,m10a,o1,s4,student,,,',
  'e12,active,,e10a1,o1,t2,teacher,,,',
  'e13,active,,e10a1,o1,s1,student,,,',
  'e14,active,,e10a1,o1,s2,student,,,',
  'e15,active,,h10a,o1,s3,student,,2026-13-01,',
];
const MANIFEST = ['propertyName,value', 'manifest.version,1.0', 'oneroster.version,1.1'];
const csv = (rows) => rows.join('\r\n') + '\r\n';
const BULK = {
  'manifest.csv': csv(MANIFEST), 'users.csv': csv(USERS), 'classes.csv': csv(CLASSES),
  'courses.csv': csv(COURSES), 'academicSessions.csv': csv(SESSIONS),
  'enrollments.csv': csv(ENROLLMENTS),
};

// ---- a zip writer (stored entries), since the zip command may be missing ----
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function zip(files) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const fname = Buffer.from(`export/${name}`, 'utf8');
    const crc = crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(0x0800, 6);
    head.writeUInt32LE(crc, 14); head.writeUInt32LE(data.length, 18); head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(fname.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0); dir.writeUInt16LE(20, 4); dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8); dir.writeUInt32LE(crc, 16); dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(data.length, 24); dir.writeUInt16LE(fname.length, 28); dir.writeUInt32LE(offset, 42);
    locals.push(head, fname, data);
    central.push(dir, fname);
    offset += head.length + fname.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10); end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// ---- helpers ----
async function call(method, p, { body, type = 'application/zip' } = {}) {
  const r = await fetch(srv.url + p, {
    method,
    headers: { authorization: `Bearer ${admin.body.token}`, 'content-type': type },
    body,
  });
  return { status: r.status, body: await r.json() };
}
const base = () => `/api/v1/orgs/${org}`;
// The roster listing gives each load's subgroup as JSON text.
const members = (l) => (typeof l.subgroup === 'string' ? JSON.parse(l.subgroup) : l.subgroup);
const roster = async () => (await call('GET', `${base()}/roster`)).body;
const orders = async () => (await call('GET', `${base()}/orders`)).body.orders;
const upload = (files, query = '') => call('POST', `${base()}/roster/import/oneroster${query}`, { body: zip(files) });

function folder(files) {
  const dir = path.join(srv.dir, `set-${Math.random().toString(16).slice(2)}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
const cli = (dir, extra = []) => runParta(['import', '--db', srv.db, '--org', String(org), '--format', 'oneroster', dir, '--log-level', 'warn', ...extra]);

test('a bulk export from a folder: persons, class, loads with a subgroup, parents; bad rows listed', async () => {
  const r = cli(folder(BULK));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Импорт выполнен/);
  assert.match(r.stdout, /отклонено users\.csv:12: enabledUser/);
  assert.match(r.stdout, /отклонено enrollments\.csv:17: beginDate/);
  const ro = await roster();
  assert.equal(ro.classes.length, 1);
  assert.equal(ro.classes[0].name, '10А');
  assert.equal(ro.classes[0].year, 2026);
  assert.ok(ro.classes[0].homeroom_id > 0);
  assert.equal(ro.enrolments.length, 4);
  assert.equal(ro.staff.length, 3);
  assert.equal(ro.guardians.length, 3);
  assert.equal(ro.loads.length, 2);
  const sizes = ro.loads.map((l) => members(l).length).sort();
  assert.deepEqual(sizes, [0, 2]);
  assert.ok(ro.loads.every((l) => l.teacher_id > 0));
  assert.ok((await orders()).every((o) => /^OR-\d{4}-\d{2}-\d{2}-\d+$/.test(o.number)));
});

test('the same export again changes nothing and says so (CLI and API)', async () => {
  const before = (await orders()).length;
  const r = cli(folder(BULK));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Изменений нет/);
  const api = await upload(BULK);
  assert.equal(api.status, 200, JSON.stringify(api.body));
  assert.equal(api.body.status, 'unchanged');
  assert.equal(api.body.orders, 0);
  assert.equal(api.body.created.persons, 0);
  assert.equal(api.body.rejected.length, 2);
  assert.deepEqual(api.body.rejected[0], { file: 'users.csv', line: 12, reason: 'enabledUser: ожидается true или false, а не «maybe»' });
  assert.equal((await orders()).length, before);
});

test('a delta with tobedeleted rows, uploaded as a zip', async () => {
  const delta = {
    'manifest.csv': csv([...MANIFEST, 'file.users,delta', 'file.enrollments,delta', 'file.classes,absent']),
    'users.csv': csv(['sourcedId,status,dateLastModified,enabledUser,role,givenName,familyName,agentSourcedIds',
      'p2,tobedeleted,2026-10-01,,,,,', 's6,active,2026-10-01,true,student,Жанна,Новикова,']),
    'enrollments.csv': csv(['sourcedId,status,dateLastModified,classSourcedId,userSourcedId,role,primary',
      'e4,tobedeleted,2026-10-01,h10a,s3,student,', 'e21,active,2026-10-01,h10a,s6,student,',
      'e22,active,2026-10-01,e10a1,s6,student,', 'e13,tobedeleted,2026-10-01,e10a1,s1,student,']),
  };
  const r = await upload(delta);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'applied');
  assert.equal(r.body.counts.withdrawn, 1);
  assert.equal(r.body.counts.enrolled, 1);
  assert.equal(r.body.counts.guardians_removed, 1);
  assert.deepEqual(r.body.withdrawn.map((w) => [w.source_id, w.name]), [['s3', 'Орлов Глеб']]);
  const ro = await roster();
  assert.equal(ro.enrolments.length, 4);
  assert.equal(ro.guardians.length, 2);
  const sub = ro.loads.find((l) => members(l).length > 0);
  assert.equal(members(sub).length, 2);
  const again = await upload(delta);
  assert.equal(again.body.status, 'unchanged');
});

test('a file with a fatal error changes nothing', async () => {
  const before = await roster();
  const n = (await orders()).length;
  const bad = { ...BULK, 'users.csv': csv(['sourcedId,role,familyName', 's9,student,Новый']) };
  const r = await upload(bad);
  assert.equal(r.status, 422);
  assert.match(r.body.error.message, /givenName/);
  const broken = { ...BULK, 'classes.csv': 'sourcedId,title,classType\r\nh1,"10А,homeroom\r\n' };
  const c = cli(folder(broken));
  assert.equal(c.status, 1);
  assert.match(c.stderr, /classes\.csv: Строка 2: кавычка/);
  assert.deepEqual(await roster(), before);
  assert.equal((await orders()).length, n);
  const notZip = await call('POST', `${base()}/roster/import/oneroster`, { body: 'x', type: 'text/csv' });
  assert.equal(notZip.status, 415);
});

test('a truncated bulk export is refused until --allow-mass-changes', async () => {
  const n = (await orders()).length;
  const truncated = {
    ...BULK,
    'users.csv': csv([USERS[0], USERS[1], USERS[2], USERS[3], USERS[4]]),
    'enrollments.csv': csv([ENROLLMENTS[0], ENROLLMENTS[1], ENROLLMENTS[2]]),
  };
  const r = await upload(truncated);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'mass_changes');
  assert.match(r.body.error.message, /выбывают 3 из 4 учеников/);
  assert.equal(r.body.report.status, 'refused');
  assert.equal(r.body.report.withdrawn.length, 3);
  assert.equal((await orders()).length, n);
  const c = cli(folder(truncated));
  assert.equal(c.status, 1);
  assert.match(c.stderr, /--allow-mass-changes/);
  const dry = cli(folder(truncated), ['--allow-mass-changes', '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /Пробный импорт/);
  assert.equal((await orders()).length, n);
  const ok = await upload(truncated, '?allow_mass_changes=1');
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.counts.withdrawn, 3);
  assert.equal((await roster()).enrolments.length, 1);
});
