#include "migrations.h"

/* Never edit a migration that has shipped: add a new one. */
const struct migration migrations[] = {
	{1,
	 "CREATE TABLE orgs ("
	 "  id INTEGER PRIMARY KEY,"
	 "  name TEXT NOT NULL,"
	 "  type TEXT NOT NULL CHECK (type IN ('school','college','kindergarten','authority')),"
	 "  profile TEXT NOT NULL CHECK (profile IN ('sgo','bars','paragraf')),"
	 "  time_zone TEXT NOT NULL DEFAULT 'Europe/Moscow',"
	 "  created_at INTEGER NOT NULL"
	 ");"
	 "CREATE UNIQUE INDEX orgs_name ON orgs(name);"
	 "CREATE TABLE accounts ("
	 "  id INTEGER PRIMARY KEY,"
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  login TEXT NOT NULL COLLATE NOCASE UNIQUE,"
	 "  pw_hash TEXT NOT NULL,"
	 "  display_name TEXT NOT NULL,"
	 "  role TEXT NOT NULL CHECK (role IN ('admin','staff','student','parent')),"
	 "  created_at INTEGER NOT NULL"
	 ");"
	 "CREATE INDEX accounts_org ON accounts(org_id);"
	 "CREATE TABLE sessions ("
	 "  id INTEGER PRIMARY KEY,"
	 "  token_hash BLOB NOT NULL UNIQUE,"
	 "  csrf_hash BLOB NOT NULL,"
	 "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	 "  created_at INTEGER NOT NULL,"
	 "  last_seen_at INTEGER NOT NULL,"
	 "  expires_at INTEGER NOT NULL,"
	 "  revoked_at INTEGER NOT NULL DEFAULT 0,"
	 "  addr TEXT NOT NULL DEFAULT ''"
	 ");"
	 "CREATE INDEX sessions_account ON sessions(account_id);"
	 "CREATE TABLE login_failures ("
	 "  id INTEGER PRIMARY KEY,"
	 "  login TEXT NOT NULL COLLATE NOCASE,"
	 "  addr TEXT NOT NULL,"
	 "  at INTEGER NOT NULL"
	 ");"
	 "CREATE INDEX login_failures_login ON login_failures(login, at);"
	 "CREATE INDEX login_failures_addr ON login_failures(addr, at);"},
	{2,
	 /* The roster. Orders are the source of truth (kept forever, cancelled ones too); the
	  * tables below them are the materialized fold of the active orders, rewritten by the
	  * order's own transaction. Every row carries its organisation. */
	 "CREATE TABLE persons ("
	 "  id INTEGER PRIMARY KEY,"
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  surname TEXT NOT NULL, first_name TEXT NOT NULL, patronymic TEXT NOT NULL DEFAULT '',"
	 "  birth_date TEXT NOT NULL DEFAULT '',"
	 "  gender TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'm', 'f')),"
	 "  phone TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',"
	 "  created_at INTEGER NOT NULL"
	 ");"
	 "CREATE INDEX persons_org ON persons(org_id, surname);"
	 "CREATE TABLE subjects ("
	 "  id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  name TEXT NOT NULL, UNIQUE (org_id, name)"
	 ");"
	 "CREATE TABLE positions ("
	 "  id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  name TEXT NOT NULL, position_type TEXT NOT NULL, UNIQUE (org_id, name)"
	 ");"
	 "CREATE TABLE roster_ids ("
	 "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('class', 'load'))"
	 ");"
	 "CREATE TABLE orders ("
	 "  id INTEGER PRIMARY KEY,"
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  number TEXT NOT NULL, order_date TEXT NOT NULL, effective_date TEXT NOT NULL,"
	 "  kind TEXT NOT NULL, payload TEXT NOT NULL,"
	 "  status TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'cancelled')),"
	 "  created_by INTEGER, created_at INTEGER NOT NULL, cancelled_at INTEGER"
	 ");"
	 "CREATE INDEX orders_org ON orders(org_id, id);"
	 "CREATE TABLE roster_events ("
	 "  id INTEGER PRIMARY KEY,"
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  order_id INTEGER NOT NULL REFERENCES orders(id),"
	 "  action TEXT NOT NULL CHECK (action IN ('applied', 'cancelled')),"
	 "  class_ids TEXT NOT NULL, staff INTEGER NOT NULL, created_at INTEGER NOT NULL"
	 ");"
	 "CREATE INDEX roster_events_org ON roster_events(org_id, id);"
	 "CREATE TABLE classes ("
	 "  id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  name TEXT NOT NULL, year INTEGER NOT NULL, parallel INTEGER NOT NULL,"
	 "  homeroom_id INTEGER REFERENCES persons(id), open INTEGER NOT NULL"
	 ");"
	 "CREATE INDEX classes_org ON classes(org_id);"
	 "CREATE TABLE enrolments ("
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  student_id INTEGER NOT NULL REFERENCES persons(id) PRIMARY KEY,"
	 "  class_id INTEGER NOT NULL REFERENCES classes(id)"
	 ");"
	 "CREATE INDEX enrolments_class ON enrolments(class_id);"
	 "CREATE TABLE staff ("
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  person_id INTEGER NOT NULL REFERENCES persons(id) PRIMARY KEY,"
	 "  position_id INTEGER NOT NULL"
	 ");"
	 "CREATE TABLE guardians ("
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  parent_id INTEGER NOT NULL REFERENCES persons(id),"
	 "  student_id INTEGER NOT NULL REFERENCES persons(id),"
	 "  PRIMARY KEY (parent_id, student_id)"
	 ");"
	 "CREATE TABLE loads ("
	 "  id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  class_id INTEGER NOT NULL REFERENCES classes(id), subject_id INTEGER NOT NULL,"
	 "  teacher_id INTEGER REFERENCES persons(id)"
	 ");"
	 "CREATE TABLE load_students ("
	 "  load_id INTEGER NOT NULL REFERENCES loads(id) ON DELETE CASCADE,"
	 "  student_id INTEGER NOT NULL REFERENCES persons(id),"
	 "  PRIMARY KEY (load_id, student_id)"
	 ");"},
	{3,
	 /* The timetable: local dates and wall-clock times in the organisation's time zone. */
	 "CREATE TABLE lessons ("
	 "  id INTEGER PRIMARY KEY,"
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  class_id INTEGER NOT NULL, subject_id INTEGER NOT NULL REFERENCES subjects(id),"
	 "  teacher_id INTEGER NOT NULL REFERENCES persons(id),"
	 "  date TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,"
	 "  topic TEXT NOT NULL DEFAULT ''"
	 ");"
	 "CREATE INDEX lessons_org_date ON lessons(org_id, date, start);"},
	{4,
	 /* A journal account belongs to a person of its organisation (SPEC §2). */
	 "ALTER TABLE accounts ADD COLUMN person_id INTEGER REFERENCES persons(id);"},
	{5,
	 /* A person may hold several positions; positions belong to a rights group whose rights
	  * («Управление чатами», the «Сферум» rights) its holders have. */
	 "CREATE TABLE staff_new ("
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  person_id INTEGER NOT NULL REFERENCES persons(id),"
	 "  position_id INTEGER NOT NULL,"
	 "  PRIMARY KEY (person_id, position_id)"
	 ");"
	 "INSERT INTO staff_new SELECT org_id, person_id, position_id FROM staff;"
	 "DROP TABLE staff;"
	 "ALTER TABLE staff_new RENAME TO staff;"
	 "CREATE TABLE rights_groups ("
	 "  id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  name TEXT NOT NULL, UNIQUE (org_id, name)"
	 ");"
	 "CREATE TABLE rights_group_rights ("
	 "  group_id INTEGER NOT NULL REFERENCES rights_groups(id) ON DELETE CASCADE,"
	 "  right_code TEXT NOT NULL, PRIMARY KEY (group_id, right_code)"
	 ");"
	 "ALTER TABLE positions ADD COLUMN rights_group_id INTEGER REFERENCES rights_groups(id);"},
	{6,
	 /* Chats derived from the roster (SPEC §4). A default chat is keyed by its kind and class
	  * or load (0: none); a member row keeps where the membership comes from as flags
	  * (core/chatplan.h), so that rule, hand and exclusions stay apart. A person is pending
	  * until they link a messenger profile; the bars chats administrator is an org setting. */
	 "CREATE TABLE chats ("
	 "  id INTEGER PRIMARY KEY,"
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('staff','class','parents','subject','other')),"
	 "  class_id INTEGER NOT NULL DEFAULT 0, load_id INTEGER NOT NULL DEFAULT 0,"
	 "  subject_id INTEGER NOT NULL DEFAULT 0, year INTEGER NOT NULL DEFAULT 0,"
	 "  name TEXT NOT NULL, is_default INTEGER NOT NULL,"
	 "  archived_at INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL"
	 ");"
	 "CREATE UNIQUE INDEX chats_default ON chats(org_id, kind, class_id, load_id)"
	 "  WHERE is_default = 1;"
	 "CREATE INDEX chats_org_class ON chats(org_id, class_id);"
	 "CREATE TABLE chat_members ("
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  person_id INTEGER NOT NULL REFERENCES persons(id),"
	 "  flags INTEGER NOT NULL CHECK (flags > 0),"
	 "  PRIMARY KEY (chat_id, person_id)"
	 ") WITHOUT ROWID;"
	 "CREATE INDEX chat_members_person ON chat_members(person_id);"
	 "ALTER TABLE persons ADD COLUMN linked INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE orgs ADD COLUMN chats_admin_id INTEGER REFERENCES persons(id);"},
	{7,
	 /* OneRoster imports: which local person, class or load each sourcedId became, so that
	  * importing again updates instead of duplicating (docs/oneroster.md). */
	 "CREATE TABLE oneroster_ids ("
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('user', 'class', 'load')),"
	 "  source_id TEXT NOT NULL,"
	 "  local_id INTEGER NOT NULL,"
	 "  PRIMARY KEY (org_id, kind, source_id)"
	 ") WITHOUT ROWID;"},
	{8,
	 /* Reading one organisation's roster must not scan the others': a region holds many. */
	 "CREATE INDEX enrolments_org ON enrolments(org_id, student_id);"
	 "CREATE INDEX staff_org ON staff(org_id, person_id, position_id);"
	 "CREATE INDEX guardians_org ON guardians(org_id, parent_id, student_id);"
	 "CREATE INDEX loads_org ON loads(org_id, id);"
	 /* Bumped by every write of the materialized roster: a cached copy is current while
	  * its version matches (app/rcache.h). */
	 "ALTER TABLE orgs ADD COLUMN roster_version INTEGER NOT NULL DEFAULT 0;"},
	{10,
	 /* The development SMS inbox ([sms] gateway = dev, app/sms.h): what would have been
	  * sent, readable at GET /api/v1/dev/sms in demo and test mode only. */
	 "CREATE TABLE sms_outbox ("
	 "  id INTEGER PRIMARY KEY,"
	 "  phone TEXT NOT NULL,"
	 "  text TEXT NOT NULL,"
	 "  created_at INTEGER NOT NULL"
	 ");"
	 "CREATE INDEX sms_outbox_phone ON sms_outbox(phone, id);"},
};

const size_t migrations_count = sizeof migrations / sizeof migrations[0];
