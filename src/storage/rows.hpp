// What both engines read and write the same way: the columns each record is stored in, in
// order, and one mapper per record from a row to the record. A row is anything with
// integer(i), optional_integer(i), text(i), flag(i) and is_null(i) on its columns: a SQLite
// statement (src/sqlite/sqlite.hpp) or a row of a PostgreSQL result (src/postgresql/libpq.hpp).
// The engines differ only in what surrounds these lists: parameters (?1 or $1), the schema
// prefix of PostgreSQL's tables, and table aliases.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "inscrire/store.hpp"
#include "inscrire/username.hpp"

namespace inscrire::storage {

// The roster columns of learners, in the order of LearnerFieldValues.
#define INSCRIRE_LEARNER_FIELD_COLUMNS                                                          \
  "ine, first_name, second_name, third_name, last_name, usage_name, birthdate, sex, division, " \
  "birth_country_code, birth_department_code, birth_city_code, birth_city_name, mef_code, "     \
  "status, first_key, second_key, third_key, last_key, usage_key"
inline constexpr int kLearnerFieldCount = 20;
// What a write of the roster fields writes: those columns, then the username stem derived from
// the names (read by the PostgreSQL match, which joins the stem's bitmap in the same statement).
#define INSCRIRE_LEARNER_WRITTEN_COLUMNS INSCRIRE_LEARNER_FIELD_COLUMNS ", username_stem"
inline constexpr int kLearnerWrittenCount = kLearnerFieldCount + 1;

// Every column read_learner reads (without the username), each qualified by ALIAS ("" or "l.").
#define INSCRIRE_LEARNER_COLUMNS(ALIAS)                                            \
  ALIAS "id, " ALIAS "organization_id, " INSCRIRE_LEARNER_FIELD_COLUMNS ", " ALIAS \
        "disabled, " ALIAS "user_id"
// The column after INSCRIRE_LEARNER_COLUMNS: the username of the learner's account, if read.
inline constexpr int kLearnerUsernameColumn = 2 + kLearnerFieldCount + 2;

#define INSCRIRE_USER_COLUMNS                                                           \
  "id, username, password_hash, must_change_password, failed_attempts, blocked_until, " \
  "blocked, disabled, temporary_expires_at, last_login_at"

#define INSCRIRE_PARTICIPATION_COLUMNS                                                  \
  "id, campaign_id, learner_id, user_id, status, created_at, completed_at, shared_at, " \
  "dissociated"

// A campaign with its school's UAI and its owner's username; PREFIX is what names the tables
// ("" or "@").
#define INSCRIRE_CAMPAIGN_SELECT(PREFIX)                                                       \
  "SELECT c.id, c.code, c.name, o.uai, c.division, c.target_profile, c.status, c.created_at, " \
  "c.organization_id, c.owner_staff_id, c.owner_subject, s.username FROM " PREFIX              \
  "campaigns c JOIN " PREFIX "organizations o ON o.id = c.organization_id LEFT JOIN " PREFIX   \
  "staff s ON s.id = c.owner_staff_id "

// The username stem of a learner's names ("first.last", username.hpp), as learners.username_stem
// keeps it: the store derives it on every write of the names, so that no caller can store a
// stem that disagrees with them, and the migrations that added the column fill it the same way.
inline std::string learner_username_stem(const RosterEntry& entry) {
  return username_stem({.first_name = entry.first_name,
                        .last_name = entry.last_name,
                        .second_name = entry.second_name,
                        .third_name = entry.third_name,
                        .usage_name = entry.usage_name});
}

// What the migration that added learners.username_stem reads to fill it, on both engines: each
// learner's id and names.
#define INSCRIRE_STEM_SOURCE_COLUMNS \
  "id, first_name, second_name, third_name, last_name, usage_name"

// The stem of a row of INSCRIRE_STEM_SOURCE_COLUMNS, as learner_username_stem derives it.
template <class Row>
std::string stored_username_stem(const Row& row) {
  // Owned here: the source views them.
  const std::string first = row.text(1);
  const std::string second = row.text(2);
  const std::string third = row.text(3);
  const std::string last = row.text(4);
  const std::string usage = row.text(5);
  return username_stem({.first_name = first,
                        .last_name = last,
                        .second_name = second,
                        .third_name = third,
                        .usage_name = usage});
}

// The values of INSCRIRE_LEARNER_WRITTEN_COLUMNS for one learner, in order. They view `fields`
// (and a birth date and stem of their own), so they are valid while both live; not copyable.
class LearnerFieldValues {
 public:
  explicit LearnerFieldValues(const LearnerFields& fields);
  LearnerFieldValues(const LearnerFieldValues&) = delete;
  LearnerFieldValues& operator=(const LearnerFieldValues&) = delete;

  const std::array<std::string_view, kLearnerWrittenCount>& values() const noexcept {
    return values_;
  }

 private:
  std::string birthdate_;  // ISO, as stored
  std::string stem_;
  std::array<std::string_view, kLearnerWrittenCount> values_;
};

inline LearnerFieldValues::LearnerFieldValues(const LearnerFields& fields)
    : birthdate_(fields.entry.birthdate.iso()), stem_(learner_username_stem(fields.entry)) {
  const auto& e = fields.entry;
  const auto& k = fields.keys;
  values_ = {e.ine,
             e.first_name,
             e.second_name,
             e.third_name,
             e.last_name,
             e.usage_name,
             birthdate_,
             e.sex == Sex::Female ? "F" : "M",
             e.division,
             e.birth_country_code,
             e.birth_department_code,
             e.birth_city_code,
             e.birth_city_name,
             e.mef_code,
             e.status,
             k.first_name,
             k.second_name,
             k.third_name,
             k.last_name,
             k.usage_name,
             stem_};
}

// A learner from INSCRIRE_LEARNER_COLUMNS, then its account's username when `with_username`.
template <class Row>
Learner read_learner(const Row& row, bool with_username = true) {
  Learner learner;
  learner.id = row.integer(0);
  learner.organization_id = row.integer(1);
  auto& entry = learner.entry;
  entry.ine = row.text(2);
  entry.first_name = row.text(3);
  entry.second_name = row.text(4);
  entry.third_name = row.text(5);
  entry.last_name = row.text(6);
  entry.usage_name = row.text(7);
  entry.birthdate = BirthDate::from_trusted_iso(row.text(8));
  entry.sex = row.text(9) == "F" ? Sex::Female : Sex::Male;
  entry.division = row.text(10);
  entry.birth_country_code = row.text(11);
  entry.birth_department_code = row.text(12);
  entry.birth_city_code = row.text(13);
  entry.birth_city_name = row.text(14);
  entry.mef_code = row.text(15);
  entry.status = row.text(16);
  learner.keys = MatchCandidate{learner.id,   row.text(17), row.text(18),
                                row.text(19), row.text(20), row.text(21)};
  learner.disabled = row.flag(22);
  learner.user_id = row.optional_integer(23);
  if (with_username && !row.is_null(kLearnerUsernameColumn)) {
    learner.username = row.text(kLearnerUsernameColumn);
  }
  return learner;
}

// A user from INSCRIRE_USER_COLUMNS.
template <class Row>
User read_user(const Row& row) {
  User user;
  user.id = row.integer(0);
  user.username = row.text(1);
  user.password_hash = row.text(2);
  user.must_change_password = row.flag(3);
  user.failed_attempts = static_cast<int>(row.integer(4));
  user.blocked_until = row.integer(5);
  user.blocked = row.flag(6);
  user.disabled = row.flag(7);
  user.temporary_expires_at = row.integer(8);
  user.last_login_at = row.optional_integer(9);
  return user;
}

// A participation from INSCRIRE_PARTICIPATION_COLUMNS.
template <class Row>
Participation read_participation(const Row& row) {
  Participation participation;
  participation.id = row.integer(0);
  participation.campaign_id = row.integer(1);
  participation.learner_id = row.integer(2);
  participation.user_id = row.integer(3);
  participation.status = row.text(4);
  participation.started_at = row.integer(5);
  participation.completed_at = row.optional_integer(6);
  participation.shared_at = row.optional_integer(7);
  participation.dissociated = row.flag(8);
  return participation;
}

// A campaign from INSCRIRE_CAMPAIGN_SELECT.
template <class Row>
Campaign read_campaign(const Row& row) {
  Campaign campaign;
  campaign.id = row.integer(0);
  campaign.code = row.text(1);
  campaign.name = row.text(2);
  campaign.uai = row.text(3);
  campaign.division = row.text(4);
  campaign.target_profile = row.text(5);
  // The CHECK constraint of both schemas admits only the three names.
  campaign.status = campaign_status_from_name(row.text(6)).value_or(CampaignStatus::Active);
  campaign.created_at = row.text(7);
  campaign.organization_id = row.integer(8);
  campaign.owner_staff_id = row.optional_integer(9);
  campaign.owner_subject = row.text(10);
  if (!row.is_null(11)) {
    campaign.owner = row.text(11);
  } else if (const auto line = campaign.owner_subject.find('\n'); line != std::string::npos) {
    campaign.owner = campaign.owner_subject.substr(line + 1);
  }
  return campaign;
}

#define INSCRIRE_STAFF_COLUMNS                                                              \
  "id, username, display_name, password_hash, must_change_password, temporary_expires_at, " \
  "disabled, totp_secret, totp_pending, totp_last_step, created_at, last_login_at"

// A staff account from INSCRIRE_STAFF_COLUMNS.
template <class Row>
StaffAccount read_staff(const Row& row) {
  StaffAccount account;
  account.id = row.integer(0);
  account.username = row.text(1);
  account.display_name = row.text(2);
  account.password_hash = row.text(3);
  account.must_change_password = row.flag(4);
  account.temporary_expires_at = row.integer(5);
  account.disabled = row.flag(6);
  account.totp_secret = row.text(7);
  account.totp_pending = row.text(8);
  account.totp_last_step = row.optional_integer(9);
  account.created_at = row.integer(10);
  account.last_login_at = row.optional_integer(11);
  return account;
}

// A role as stored ("ADMIN", "MEMBER"; the CHECK constraint admits no other).
template <class Row>
StaffRole read_role(const Row& row, int column) {
  return staff_role_from_name(row.text(column)).value_or(StaffRole::Member);
}

#define INSCRIRE_INVITATION_COLUMNS "id, organization_id, role, created_by, created_at, expires_at"

// An invitation from INSCRIRE_INVITATION_COLUMNS.
template <class Row>
StoredInvitation read_invitation(const Row& row) {
  return {row.integer(0), row.integer(1), read_role(row, 2),
          row.text(3),    row.integer(4), row.integer(5)};
}

#define INSCRIRE_AUDIT_COLUMNS \
  "at, uai, actor_kind, actor_ref, actor, actor_role, action, target, detail, outcome, client"

// An audit row from INSCRIRE_AUDIT_COLUMNS (the column `actor` holds the actor's name).
template <class Row>
AuditRow read_audit_row(const Row& row) {
  return {row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5),
          row.text(6),    row.text(7), row.text(8), row.text(9), row.text(10)};
}

}  // namespace inscrire::storage
