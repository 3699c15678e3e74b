// The SQLite schema as an ordered list of migrations. Migration i brings a database from
// user_version i to i + 1; a database newer than the last one is refused (SCHEMA_TOO_NEW).
// Append only: never edit a migration that has shipped.
#pragma once

#include <array>
#include <cstddef>

namespace inscrire::sqlite {

inline constexpr std::array kMigrations{
    // 1: the pupil flow.
    R"sql(
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY,
  uai TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL COLLATE NOCASE UNIQUE,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  blocked_until INTEGER NOT NULL DEFAULT 0,
  blocked INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- Which four-digit suffixes each username stem uses, as a 10 000-bit bitmap: the username
-- generator reads one row instead of scanning every account of a crowded stem.
CREATE TABLE username_stems (
  stem TEXT PRIMARY KEY COLLATE NOCASE,
  taken BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE learners (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  ine TEXT NOT NULL,
  first_name TEXT NOT NULL DEFAULT '',
  second_name TEXT NOT NULL DEFAULT '',
  third_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  usage_name TEXT NOT NULL DEFAULT '',
  birthdate TEXT NOT NULL,
  sex TEXT NOT NULL DEFAULT '',
  division TEXT NOT NULL DEFAULT '',
  birth_country_code TEXT NOT NULL DEFAULT '',
  birth_department_code TEXT NOT NULL DEFAULT '',
  birth_city_code TEXT NOT NULL DEFAULT '',
  birth_city_name TEXT NOT NULL DEFAULT '',
  mef_code TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  first_key TEXT NOT NULL DEFAULT '',
  second_key TEXT NOT NULL DEFAULT '',
  third_key TEXT NOT NULL DEFAULT '',
  last_key TEXT NOT NULL DEFAULT '',
  usage_key TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0,
  user_id INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL,
  -- INE first: the same index serves look-ups by INE across schools (automatic links).
  UNIQUE (ine, organization_id)
);
-- Covers the matching query: the candidates' keys are read from the index alone.
CREATE INDEX learners_by_birthdate ON learners(organization_id, birthdate, disabled, first_key,
                                               second_key, third_key, last_key, usage_key);
CREATE INDEX learners_by_division ON learners(organization_id, division);
CREATE INDEX learners_by_user ON learners(user_id);

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  division TEXT NOT NULL DEFAULT '',
  target_profile TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'deleted')),
  created_at INTEGER NOT NULL
);
CREATE INDEX campaigns_by_organization ON campaigns(organization_id);

CREATE TABLE participations (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  learner_id INTEGER NOT NULL REFERENCES learners(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  status TEXT NOT NULL DEFAULT 'STARTED',
  created_at INTEGER NOT NULL,
  UNIQUE (campaign_id, learner_id)
);
CREATE INDEX participations_by_learner ON participations(learner_id);

-- One-time password-change tokens and sessions, stored as SHA-256 digests.
CREATE TABLE tokens (
  digest TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  purpose TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Failed code look-ups and matches per caller-supplied client key (throttling).
CREATE TABLE attempt_events (
  client_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX attempt_events_by_key ON attempt_events(client_key, kind, at);

-- Admin actions: who, what, when, on whom. Never a password.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
)sql",
    // 2: the index of links holds linked learners only, so that an import inserting 100 000
    // unlinked pupils maintains one index fewer; and indexes for the two writes that read a
    // whole table: revoking an account's tokens (on every password change, reset and
    // anonymisation; sessions accumulate) and re-pointing the audit rows that name an
    // anonymised account (case-insensitively).
    R"sql(
DROP INDEX learners_by_user;
CREATE INDEX learners_by_user ON learners(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX tokens_by_user ON tokens(user_id);
CREATE INDEX audit_log_by_target ON audit_log(target COLLATE NOCASE);
)sql",
    // 3: the pupil's journey (docs/architecture.md, schema 3). Accounts get the expiry of their
    // temporary password (0: none, which is what accounts reset before this version keep) and
    // their last login. Participations get their steps' times and a dissociated mark; the
    // table is rebuilt because its UNIQUE (campaign_id, learner_id) becomes a partial index
    // (one current participation per learner and campaign: a dissociated one stays with its
    // account while the learner starts again with another). Existing rows keep their ids and
    // status (STARTED, the only one the first schema wrote); created_at is the start time.
    R"sql(
ALTER TABLE users ADD COLUMN temporary_expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login_at INTEGER;

CREATE TABLE participations_v3 (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  learner_id INTEGER NOT NULL REFERENCES learners(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  status TEXT NOT NULL DEFAULT 'STARTED' CHECK (status IN ('STARTED', 'TO_SHARE', 'SHARED')),
  created_at INTEGER NOT NULL,
  completed_at INTEGER,
  shared_at INTEGER,
  dissociated INTEGER NOT NULL DEFAULT 0
);
INSERT INTO participations_v3(id, campaign_id, learner_id, user_id, status, created_at)
  SELECT id, campaign_id, learner_id, user_id, status, created_at FROM participations;
DROP TABLE participations;
ALTER TABLE participations_v3 RENAME TO participations;
CREATE UNIQUE INDEX participations_current ON participations(campaign_id, learner_id)
  WHERE dissociated = 0;
CREATE INDEX participations_by_campaign ON participations(campaign_id);
CREATE INDEX participations_by_learner ON participations(learner_id);
CREATE INDEX participations_by_user ON participations(user_id);
)sql",
    // 4: login failures per normalised username, whether an account holds it or not, so that
    // an unknown username is blocked exactly as an account (docs/rules.md §4); the counters
    // accounts had move there.
    R"sql(
CREATE TABLE login_failures (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  blocked_until INTEGER NOT NULL DEFAULT 0,
  blocked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO login_failures(username, failed_attempts, blocked_until, blocked)
  SELECT lower(username), failed_attempts, blocked_until, blocked FROM users
  WHERE failed_attempts > 0 OR blocked_until > 0 OR blocked != 0;
UPDATE users SET failed_attempts = 0, blocked_until = 0, blocked = 0
  WHERE failed_attempts > 0 OR blocked_until > 0 OR blocked != 0;
)sql",
    // 5: school staff (docs/rules.md §9): accounts with a role per school, invitations,
    // sessions and one-time tokens, recovery codes (all secrets as SHA-256 digests), login
    // failures of their own (a namespace apart from pupils'); campaign owners; the audit log a
    // school reads. Rows of earlier versions stay, marked legacy; their school is read where
    // they named it, at the start of the detail ("0751234A learner #12") or of the target.
    R"sql(
CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL COLLATE NOCASE UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  temporary_expires_at INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  -- The TOTP secret: sealed ("v1:...") under the key file, or as is; '' without one.
  totp_secret TEXT NOT NULL DEFAULT '',
  totp_pending TEXT NOT NULL DEFAULT '',
  totp_last_step INTEGER,
  created_at INTEGER NOT NULL,
  last_login_at INTEGER
);
CREATE TABLE staff_memberships (
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  role TEXT NOT NULL CHECK (role IN ('ADMIN', 'MEMBER')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (staff_id, organization_id)
) WITHOUT ROWID;
CREATE INDEX staff_memberships_by_organization ON staff_memberships(organization_id, role);
CREATE TABLE staff_invitations (
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  role TEXT NOT NULL CHECK (role IN ('ADMIN', 'MEMBER')),
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX staff_invitations_by_organization ON staff_invitations(organization_id);
CREATE TABLE staff_tokens (
  digest TEXT PRIMARY KEY,
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  purpose TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX staff_tokens_by_staff ON staff_tokens(staff_id);
CREATE TABLE staff_recovery_codes (
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  digest TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (staff_id, digest)
) WITHOUT ROWID;
CREATE TABLE staff_login_failures (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  blocked_until INTEGER NOT NULL DEFAULT 0,
  blocked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
ALTER TABLE campaigns ADD COLUMN owner_staff_id INTEGER REFERENCES staff(id);
ALTER TABLE campaigns ADD COLUMN owner_subject TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN uai TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE audit_log ADD COLUMN actor_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN actor_role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE audit_log ADD COLUMN client TEXT NOT NULL DEFAULT '';
UPDATE audit_log SET uai = substr(detail, 1, 8)
  WHERE detail GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][A-Z]*'
    AND (length(detail) = 8 OR substr(detail, 9, 1) = ' ');
UPDATE audit_log SET uai = substr(target, 1, 8)
  WHERE uai = '' AND target GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][A-Z]*'
    AND (length(target) = 8 OR substr(target, 9, 1) = ' ');
CREATE INDEX audit_log_by_school ON audit_log(uai, at);
CREATE INDEX audit_log_by_time ON audit_log(at);
)sql",
    // 6: each learner's username stem ("first.last" of its names), written with the names by
    // every insert and update (src/storage/rows.hpp), so that PostgreSQL's match reads the
    // stem's bitmap in the statement that reads the candidates (docs/architecture.md). The
    // stem needs ICU: the store fills it for the rows already there right after this SQL, in
    // the migration's transaction (kUsernameStemVersion).
    R"sql(
ALTER TABLE learners ADD COLUMN username_stem TEXT NOT NULL DEFAULT '';
)sql",
};

// The version whose migration added learners.username_stem, filled by code after its SQL.
inline constexpr std::size_t kUsernameStemVersion = 6;

}  // namespace inscrire::sqlite
