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
	{9,
	 /* Messenger profiles (SPEC §2): one per phone, linked to at most one account per
	  * organisation; the link flow's current step behind a token; one-time SMS codes, kept
	  * hashed, counted for the rate limits. */
	 "CREATE TABLE profiles ("
	 "  id INTEGER PRIMARY KEY, phone TEXT NOT NULL UNIQUE,"
	 "  surname TEXT NOT NULL, first_name TEXT NOT NULL, patronymic TEXT NOT NULL DEFAULT '',"
	 "  birth_date TEXT NOT NULL DEFAULT '',"
	 "  gender TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'm', 'f')),"
	 "  pw_hash TEXT, created_at INTEGER NOT NULL"
	 ");"
	 "ALTER TABLE accounts ADD COLUMN profile_id INTEGER REFERENCES profiles(id);"
	 "CREATE UNIQUE INDEX accounts_org_profile ON accounts(org_id, profile_id)"
	 "  WHERE profile_id IS NOT NULL;"
	 "CREATE TABLE link_flows ("
	 "  token_hash BLOB PRIMARY KEY,"
	 "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	 "  step TEXT NOT NULL, phone TEXT NOT NULL, profile_id INTEGER REFERENCES profiles(id),"
	 "  has_password INTEGER NOT NULL, expires_at INTEGER NOT NULL"
	 ");"
	 "CREATE INDEX link_flows_account ON link_flows(account_id);"
	 "CREATE TABLE sms_codes ("
	 "  id INTEGER PRIMARY KEY, phone TEXT NOT NULL, addr TEXT NOT NULL,"
	 "  code_hash BLOB NOT NULL, created_at INTEGER NOT NULL,"
	 "  attempts INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0"
	 ");"
	 "CREATE INDEX sms_codes_phone ON sms_codes(phone, created_at);"
	 "CREATE INDEX sms_codes_addr ON sms_codes(addr, created_at);"},
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
	{11,
	 /* A session belongs to a journal account or, in the messenger face, to a profile; the
	  * messenger's sign-in flow (phone, then password or code) keeps its step like linking. */
	 "CREATE TABLE sessions_new ("
	 "  id INTEGER PRIMARY KEY,"
	 "  token_hash BLOB NOT NULL UNIQUE,"
	 "  csrf_hash BLOB NOT NULL,"
	 "  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,"
	 "  profile_id INTEGER REFERENCES profiles(id) ON DELETE CASCADE,"
	 "  created_at INTEGER NOT NULL,"
	 "  last_seen_at INTEGER NOT NULL,"
	 "  expires_at INTEGER NOT NULL,"
	 "  revoked_at INTEGER NOT NULL DEFAULT 0,"
	 "  addr TEXT NOT NULL DEFAULT '',"
	 "  CHECK ((account_id IS NULL) != (profile_id IS NULL))"
	 ");"
	 "INSERT INTO sessions_new(id, token_hash, csrf_hash, account_id, created_at, last_seen_at,"
	 "  expires_at, revoked_at, addr) SELECT id, token_hash, csrf_hash, account_id, created_at,"
	 "  last_seen_at, expires_at, revoked_at, addr FROM sessions;"
	 "DROP TABLE sessions;"
	 "ALTER TABLE sessions_new RENAME TO sessions;"
	 "CREATE INDEX sessions_account ON sessions(account_id);"
	 "CREATE INDEX sessions_profile ON sessions(profile_id);"
	 "CREATE TABLE login_flows ("
	 "  token_hash BLOB PRIMARY KEY,"
	 "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	 "  step TEXT NOT NULL, has_password INTEGER NOT NULL, expires_at INTEGER NOT NULL"
	 ");"},
	{12,
	 /* Messages (SPEC §6). Every event of a chat — a message, an edit, a deletion — takes the
	  * chat's next sequence number in chat_log, so that a reconnecting client receives exactly
	  * what it missed, in order; messages holds their current state. A client's command id
	  * makes a retried send land once. */
	 "ALTER TABLE chats ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;"
	 "CREATE TABLE messages ("
	 "  id INTEGER PRIMARY KEY,"
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  seq INTEGER NOT NULL,"
	 "  sender_person INTEGER NOT NULL REFERENCES persons(id),"
	 "  sender_profile INTEGER NOT NULL REFERENCES profiles(id),"
	 "  client_id TEXT NOT NULL,"
	 "  text TEXT NOT NULL, reply_to INTEGER,"
	 "  created_at INTEGER NOT NULL, edited_at INTEGER NOT NULL DEFAULT 0,"
	 "  deleted_at INTEGER NOT NULL DEFAULT 0,"
	 "  UNIQUE (chat_id, seq), UNIQUE (sender_profile, client_id)"
	 ");"
	 "CREATE TABLE chat_log ("
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  seq INTEGER NOT NULL,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('message', 'edit', 'delete')),"
	 "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	 "  at INTEGER NOT NULL,"
	 "  PRIMARY KEY (chat_id, seq)"
	 ") WITHOUT ROWID;"},
	{13,
	 /* Read marks per member profile (unread counts, «кто прочитал») and reactions; a
	  * reaction is an event of its chat like an edit. */
	 "CREATE TABLE chat_reads ("
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	 "  read_seq INTEGER NOT NULL, PRIMARY KEY (chat_id, profile_id)"
	 ") WITHOUT ROWID;"
	 "CREATE TABLE message_reactions ("
	 "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	 "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	 "  emoji TEXT NOT NULL, PRIMARY KEY (message_id, profile_id, emoji)"
	 ") WITHOUT ROWID;"
	 "CREATE TABLE chat_log_new ("
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  seq INTEGER NOT NULL,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('message', 'edit', 'delete', 'reaction')),"
	 "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	 "  at INTEGER NOT NULL,"
	 "  PRIMARY KEY (chat_id, seq)"
	 ") WITHOUT ROWID;"
	 "INSERT INTO chat_log_new SELECT * FROM chat_log;"
	 "DROP TABLE chat_log;"
	 "ALTER TABLE chat_log_new RENAME TO chat_log;"},
	{14,
	 /* Moderation: a chat's admins forbid writing to everyone (chats.muted_until) or to one
	  * member (chat_mutes) until a time, -1 for good; forwarded messages name their origin. */
	 "ALTER TABLE chats ADD COLUMN muted_until INTEGER NOT NULL DEFAULT 0;"
	 "CREATE TABLE chat_mutes ("
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  person_id INTEGER NOT NULL REFERENCES persons(id),"
	 "  until INTEGER NOT NULL, PRIMARY KEY (chat_id, person_id)"
	 ") WITHOUT ROWID;"
	 "ALTER TABLE messages ADD COLUMN forwarded_from INTEGER;"},
	{15,
	 /* Search within a chat (FTS5 over the messages' text, kept by triggers; Russian letters
	  * fold case and ё), pins of a chat, one's «важное» marks and drafts per chat. */
	 /* unicode61 folds case but keeps ё apart from е: the index holds е for both. */
	 "CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', "
	 "  content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
	 "INSERT INTO messages_fts(rowid, text) SELECT id,"
	 "  replace(replace(text, 'ё', 'е'), 'Ё', 'Е') FROM messages;"
	 "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"
	 "  INSERT INTO messages_fts(rowid, text)"
	 "  VALUES (new.id, replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е')); END;"
	 "CREATE TRIGGER messages_fts_au AFTER UPDATE OF text ON messages BEGIN"
	 "  INSERT INTO messages_fts(messages_fts, rowid, text)"
	 "  VALUES ('delete', old.id, replace(replace(old.text, 'ё', 'е'), 'Ё', 'Е'));"
	 "  INSERT INTO messages_fts(rowid, text)"
	 "  VALUES (new.id, replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е')); END;"
	 "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN"
	 "  INSERT INTO messages_fts(messages_fts, rowid, text)"
	 "  VALUES ('delete', old.id, replace(replace(old.text, 'ё', 'е'), 'Ё', 'Е')); END;"
	 "CREATE TABLE chat_pins ("
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	 "  pinned_at INTEGER NOT NULL, PRIMARY KEY (chat_id, message_id)"
	 ") WITHOUT ROWID;"
	 "CREATE TABLE message_marks ("
	 "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	 "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	 "  PRIMARY KEY (profile_id, message_id)"
	 ") WITHOUT ROWID;"
	 "CREATE TABLE chat_drafts ("
	 "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  text TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (profile_id, chat_id)"
	 ") WITHOUT ROWID;"},
	{16,
	 /* A message's recipients and a person's messenger connections are found through the
	  * accounts of a person and of a profile: without these, every message scanned them all. */
	 "CREATE INDEX accounts_person ON accounts(person_id);"
	 "CREATE INDEX accounts_profile ON accounts(profile_id);"},
	{17,
	 /* «Управление чатами»: the person who made a chat by hand may delete it (0: the rules
	  * made it); the picker's class filter finds a class's parents and teachers. */
	 "ALTER TABLE chats ADD COLUMN created_by INTEGER NOT NULL DEFAULT 0;"
	 "CREATE INDEX guardians_student ON guardians(student_id);"
	 "CREATE INDEX loads_class ON loads(class_id, teacher_id);"},
	{18,
	 /* Messages that ask for a read confirmation and who confirmed them; the event log also
	  * carries confirmations and pins (with who did it, profile_id), so that a resuming
	  * client gets them; «Избранное»: a profile's own saved copies of messages and notes,
	  * each keeping what it was saved from (text, chat, author) — readable after the
	  * original is deleted or its owner leaves the chat. */
	 "ALTER TABLE messages ADD COLUMN confirm INTEGER NOT NULL DEFAULT 0;"
	 "CREATE TABLE message_confirms ("
	 "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	 "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	 "  at INTEGER NOT NULL, PRIMARY KEY (message_id, profile_id)"
	 ") WITHOUT ROWID;"
	 "CREATE TABLE chat_log_new ("
	 "  chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	 "  seq INTEGER NOT NULL,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('message', 'edit', 'delete', 'reaction', 'confirm',"
	 "    'pin', 'unpin')),"
	 "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	 "  at INTEGER NOT NULL, profile_id INTEGER NOT NULL DEFAULT 0,"
	 "  PRIMARY KEY (chat_id, seq)"
	 ") WITHOUT ROWID;"
	 "INSERT INTO chat_log_new(chat_id, seq, kind, message_id, at)"
	 "  SELECT chat_id, seq, kind, message_id, at FROM chat_log;"
	 "DROP TABLE chat_log;"
	 "ALTER TABLE chat_log_new RENAME TO chat_log;"
	 "CREATE TABLE saved_messages ("
	 "  id INTEGER PRIMARY KEY,"
	 "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
	 "  text TEXT NOT NULL,"
	 "  origin_message INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
	 "  origin_chat INTEGER NOT NULL DEFAULT 0,"
	 "  origin_chat_name TEXT NOT NULL DEFAULT '',"
	 "  origin_sender TEXT NOT NULL DEFAULT '',"
	 "  origin_created_at INTEGER NOT NULL DEFAULT 0,"
	 "  created_at INTEGER NOT NULL"
	 ");"
	 "CREATE INDEX saved_messages_profile ON saved_messages(profile_id, id);"
	 "CREATE UNIQUE INDEX saved_messages_origin ON saved_messages(profile_id, origin_message)"
	 "  WHERE origin_message IS NOT NULL;"
	 "CREATE INDEX saved_messages_message ON saved_messages(origin_message);"},
	{19,
	 /* Distance lessons and video conferences (SPEC §7): one row each, a distance lesson
	  * (kind lesson) tied to its lesson, a video call (kind call) to a chat only. The state
	  * moves planned → active → finished by itself at the row's times (app/vconf.h); while
	  * active its Janus room exists (room, secret, pin). Participants are fixed when the
	  * conference is saved (the registry's tabs), with who may moderate. Join grants are
	  * the room tokens handed out to participants, taken off the room's allowed list once
	  * expired (revoked); attendance keeps each stay in the call.
	  * A chat's system message that a conference started names it (conference_id). */
	 "CREATE TABLE conferences ("
	 "  id INTEGER PRIMARY KEY,"
	 "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
	 "  kind TEXT NOT NULL CHECK (kind IN ('lesson', 'call')),"
	 "  name TEXT NOT NULL,"
	 "  chat_id INTEGER NOT NULL DEFAULT 0, lesson_id INTEGER NOT NULL DEFAULT 0,"
	 "  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
	 "  state TEXT NOT NULL DEFAULT 'planned'"
	 "    CHECK (state IN ('planned', 'active', 'finished')),"
	 "  room INTEGER NOT NULL UNIQUE, room_secret TEXT NOT NULL, room_pin TEXT NOT NULL,"
	 "  room_ready INTEGER NOT NULL DEFAULT 0, media_error TEXT NOT NULL DEFAULT '',"
	 "  created_by INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
	 "  started_at INTEGER NOT NULL DEFAULT 0, finished_at INTEGER NOT NULL DEFAULT 0"
	 ");"
	 "CREATE INDEX conferences_org ON conferences(org_id, starts_at);"
	 "CREATE INDEX conferences_due ON conferences(state, starts_at);"
	 "CREATE INDEX conferences_ending ON conferences(state, ends_at);"
	 "CREATE UNIQUE INDEX conferences_lesson ON conferences(lesson_id)"
	 "  WHERE kind = 'lesson';"
	 "CREATE TABLE conference_members ("
	 "  conference_id INTEGER NOT NULL REFERENCES conferences(id) ON DELETE CASCADE,"
	 "  person_id INTEGER NOT NULL REFERENCES persons(id),"
	 "  role TEXT NOT NULL CHECK (role IN ('student', 'staff', 'parent')),"
	 "  moderator INTEGER NOT NULL DEFAULT 0,"
	 "  PRIMARY KEY (conference_id, person_id)"
	 ") WITHOUT ROWID;"
	 "CREATE INDEX conference_members_person ON conference_members(person_id);"
	 "CREATE TABLE conference_grants ("
	 "  token TEXT PRIMARY KEY,"
	 "  conference_id INTEGER NOT NULL REFERENCES conferences(id) ON DELETE CASCADE,"
	 "  person_id INTEGER NOT NULL, feed INTEGER NOT NULL,"
	 "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	 "  revoked INTEGER NOT NULL DEFAULT 0"
	 ");"
	 "CREATE INDEX conference_grants_conf ON conference_grants(conference_id, person_id);"
	 "CREATE INDEX conference_grants_expiry ON conference_grants(revoked, expires_at);"
	 "CREATE TABLE conference_attendance ("
	 "  conference_id INTEGER NOT NULL REFERENCES conferences(id) ON DELETE CASCADE,"
	 "  person_id INTEGER NOT NULL, joined_at INTEGER NOT NULL,"
	 "  seen_at INTEGER NOT NULL, left_at INTEGER NOT NULL DEFAULT 0,"
	 "  PRIMARY KEY (conference_id, person_id, joined_at)"
	 ") WITHOUT ROWID;"
	 "ALTER TABLE messages ADD COLUMN conference_id INTEGER NOT NULL DEFAULT 0;"},
	{20,
	 /* New messages are indexed for search by the code that inserts them, a whole batch of
	  * sends in one statement (mstore_index_from): a trigger ran once per message, and FTS5
	  * wrote a new index segment for each. Edits and deletions keep their triggers. */
	 "DROP TRIGGER messages_fts_ai;"},
};

const size_t migrations_count = sizeof migrations / sizeof migrations[0];
