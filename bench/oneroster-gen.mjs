// Writes a OneRoster 1.1 CSV set (bulk) for the import benchmark:
//   node bench/oneroster-gen.mjs DIR STUDENTS
// One school: classes of 25 students, each class with ten scheduled classes (two of them
// split into two subgroups), a homeroom teacher, one parent per student (siblings share).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dir, studentsArg] = process.argv.slice(2);
const students = Number(studentsArg || 22000);
mkdirSync(dir, { recursive: true });
const subjects = ['Алгебра', 'Геометрия', 'Русский язык', 'Литература', 'История', 'Физика',
  'Химия', 'Биология', 'Английский язык', 'Информатика'];
const split = new Set(['Английский язык', 'Информатика']);
const users = ['sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password'];
const classes = ['sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods'];
const enrol = ['sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate'];
const courses = ['sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId'];
subjects.forEach((s, i) => courses.push(`c${i},active,2026-08-20,y,${s},,,o1`));
const nclasses = Math.ceil(students / 25);
let teacher = 0;
let e = 0;
const newTeacher = () => {
  teacher++;
  users.push(`t${teacher},active,2026-08-20,true,o1,teacher,t${teacher},,Учитель${teacher},Преподаватель,,,,,,,,`);
  return `t${teacher}`;
};
for (let c = 0; c < nclasses; c++) {
  const grade = 1 + (c % 11);
  const h = `h${c}`;
  classes.push(`${h},active,2026-08-20,${grade}-${c},${grade},,,homeroom,,o1,y,,,`);
  enrol.push(`e${++e},active,2026-08-20,${h},o1,${newTeacher()},teacher,true,2026-09-01,`);
  const members = [];
  for (let k = 0; k < 25 && c * 25 + k < students; k++) members.push(`s${c * 25 + k}`);
  for (const s of members) {
    const n = Number(s.slice(1));
    const parent = `p${n - (n % 5 === 1 ? 1 : 0)}`;
    users.push(`${s},active,2026-08-20,true,o1,student,${s},,Ученик${n},Фамилия${n},,,,,,${parent},${grade},`);
    if (parent === `p${n}`) users.push(`${parent},active,2026-08-20,true,o1,parent,${parent},,Родитель${n},Фамилия${n},,,,,,${s},,`);
    enrol.push(`e${++e},active,2026-08-20,${h},o1,${s},student,false,2026-09-01,`);
  }
  subjects.forEach((subj, i) => {
    const groups = split.has(subj) ? [members.filter((_, k) => k % 2 === 0), members.filter((_, k) => k % 2 === 1)] : [members];
    groups.forEach((g, gi) => {
      const sc = `k${c}-${i}-${gi}`;
      classes.push(`${sc},active,2026-08-20,${subj} ${c}/${gi},${grade},c${i},,scheduled,,o1,y,,,`);
      enrol.push(`e${++e},active,2026-08-20,${sc},o1,${teacher % 3 === 0 ? newTeacher() : `t${1 + (c * 7 + i) % teacher}`},teacher,true,,`);
      for (const s of g) enrol.push(`e${++e},active,2026-08-20,${sc},o1,${s},student,false,,`);
    });
  });
}
const write = (name, rows) => writeFileSync(path.join(dir, name), rows.join('\n') + '\n');
write('manifest.csv', ['propertyName,value', 'manifest.version,1.0', 'oneroster.version,1.1',
  'file.users,bulk', 'file.classes,bulk', 'file.courses,bulk', 'file.enrollments,bulk',
  'file.orgs,bulk', 'file.academicSessions,bulk']);
write('orgs.csv', ['sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId', 'o1,active,2026-08-20,Школа,school,,']);
write('academicSessions.csv', ['sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear', 'y,active,2026-08-20,2026/27,schoolYear,2026-09-01,2027-05-31,,2027']);
write('users.csv', users);
write('classes.csv', classes);
write('courses.csv', courses);
write('enrollments.csv', enrol);
const rows = users.length + classes.length + enrol.length + courses.length + 2 - 6;
process.stdout.write(`${rows}\n`);
