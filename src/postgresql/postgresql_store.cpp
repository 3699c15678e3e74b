// The PostgreSQL Store: a small pool of libpq connections, prepared statements, versioned
// migrations under an advisory lock, READ COMMITTED writers arbitrated by the UNIQUE
// constraints and conditional updates, and imports serialised per school by an advisory lock.
// Storage only: the rules live in the service (store.hpp). docs/architecture.md, "PostgreSQL".
#include <algorithm>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <set>

#include "inscrire/error.hpp"
#include "inscrire/store.hpp"
#include "postgresql/libpq.hpp"
#include "postgresql/schema.hpp"
#include "storage/learner_search.hpp"
#include "storage/learner_state.hpp"
#include "storage/rows.hpp"

namespace inscrire {
namespace {

using postgresql::Connection;
using postgresql::ConnectionSettings;
using postgresql::Params;
using postgresql::Result;
using postgresql::TextArray;

using postgresql::Row;
using storage::kLearnerWrittenCount;
using storage::read_campaign;
using storage::read_participation;
using storage::read_user;

#define LEARNER_WRITTEN_COLUMNS INSCRIRE_LEARNER_WRITTEN_COLUMNS
#define LEARNER_COLUMNS INSCRIRE_LEARNER_COLUMNS("l.")
#define LEARNER_SELECT                                               \
  "SELECT " LEARNER_COLUMNS                                          \
  ", (SELECT u.username FROM @users u WHERE u.id = l.user_id) FROM " \
  "@learners l "
#define CAMPAIGN_SELECT INSCRIRE_CAMPAIGN_SELECT("@")

// Everything a pupil's match reads, in one statement (campaign_candidates): the campaign of
// the code ($1), then one row per candidate of its school born on $2 (one row of NULLs when it
// has none; no row without the campaign) with the candidate's whole row and username, the
// username of the account its INE has in another school (username_linked_elsewhere's query),
// its username stem and that stem's bitmap of taken suffixes (taken_suffixes' row). The
// campaign's columns are renamed: the learner's (unqualified) share some of their names.
constexpr char kCampaignCandidates[] =
    "SELECT k.*, " LEARNER_COLUMNS
    ", (SELECT u.username FROM @users u WHERE u.id = l.user_id), (SELECT u.username FROM "
    "@learners o JOIN @users u ON u.id = o.user_id WHERE o.ine = l.ine AND o.organization_id <> "
    "l.organization_id ORDER BY o.organization_id LIMIT 1), l.username_stem, t.taken FROM "
    "(" CAMPAIGN_SELECT
    "WHERE c.code = $1) k(k_id, k_code, k_name, k_uai, k_division, k_target_profile, k_status, "
    "k_created_at, k_organization_id, k_owner_staff_id, k_owner_subject, k_owner) LEFT JOIN "
    "@learners l ON l.organization_id = k.k_organization_id AND "
    "l.birthdate = $2 AND l.disabled = 0 LEFT JOIN @username_stems t ON t.stem = l.username_stem";
// Where each part starts in a row of kCampaignCandidates.
constexpr int kCampaignColumns = 12;
constexpr int kCandidateColumn = kCampaignColumns;
constexpr int kElsewhereColumn = kCandidateColumn + storage::kLearnerUsernameColumn + 1;
constexpr int kStemColumn = kElsewhereColumn + 1;
constexpr int kTakenColumn = kStemColumn + 1;

// A stable 64-bit FNV-1a hash: advisory-lock keys derived from the schema's name, so that two
// schemas of one database never share a key by design.
std::int64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(hash);
}

Learner read_learner(const Result& r, int row, bool with_username = true) {
  return storage::read_learner(Row(r, row), with_username);
}

std::vector<Learner> read_learners(const Result& r) {
  std::vector<Learner> learners;
  learners.reserve(static_cast<std::size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) learners.push_back(read_learner(r, row));
  return learners;
}

std::optional<Learner> first_learner(const Result& r) {
  if (r.rows() == 0) return std::nullopt;
  return read_learner(r, 0);
}

// Appends the roster fields, keys and stem as 21 parameters, in LEARNER_WRITTEN_COLUMNS order.
void add_fields(Params& params, const LearnerFields& fields) {
  const storage::LearnerFieldValues values(fields);
  for (const auto value : values.values()) params.add(value);
}

// Appends the storage::learner_search_sql parameters: all null without a search.
void add_search(Params& params, const LearnerSearch* search) {
  if (search == nullptr) {
    for (int i = 0; i < storage::kLearnerSearchParameters; ++i) params.add_null();
    return;
  }
  params.add(search->ine).add(search->username).add(search->name);
  for (const auto& word : search->words) params.add(word);
}

// The new rows of an import, copied in PostgreSQL's binary format: organization_id, updated_at,
// the written columns, user_id.
constexpr char kCopyLearners[] =
    "COPY @learners (organization_id, updated_at, " LEARNER_WRITTEN_COLUMNS
    ", user_id) FROM STDIN (FORMAT binary)";
constexpr int kCopiedColumns = kLearnerWrittenCount + 3;

std::string id_array(std::span<const Id> ids) {
  std::string literal = "{";
  for (const auto id : ids) {
    if (literal.size() > 1) literal += ',';
    literal += std::to_string(id);
  }
  return literal + "}";
}

#define USER_SELECT "SELECT " INSCRIRE_USER_COLUMNS " FROM @users "
#define PARTICIPATION_SELECT "SELECT " INSCRIRE_PARTICIPATION_COLUMNS " FROM @participations "

// What a pupil's page reads (session_account, session_participations), each in one statement:
// the session's token (as token()), its account, then one row per learner of the account with
// its school, or per participation with its campaign and the campaign's school's name (one row
// of NULLs after the account when it has none; no row without the token or the account).
#define SESSION_TOKEN_AND_USER                                                                 \
  "FROM (SELECT user_id, expires_at FROM @tokens WHERE digest = $1 AND purpose = $2 AND used " \
  "= 0 AND expires_at > $3) t JOIN LATERAL (" USER_SELECT "WHERE id = t.user_id) u ON true "
constexpr char kSessionAccount[] = "SELECT t.user_id, t.expires_at, u.*, " LEARNER_COLUMNS
                                   ", o.id, o.uai, o.name " SESSION_TOKEN_AND_USER
                                   "LEFT JOIN @learners l ON l.user_id = u.id LEFT JOIN "
                                   "@organizations o ON o.id = l.organization_id ORDER BY l.id";
constexpr char kSessionParticipations[] =
    "SELECT t.user_id, t.expires_at, u.*, p.*, k.*, (SELECT o.name FROM @organizations o WHERE "
    "o.id = k.organization_id) " SESSION_TOKEN_AND_USER "LEFT JOIN LATERAL (" PARTICIPATION_SELECT
    "WHERE user_id = u.id) p ON true LEFT JOIN LATERAL (" CAMPAIGN_SELECT
    "WHERE c.id = p.campaign_id) k ON true ORDER BY p.id";
// Where each part starts in their rows.
constexpr int kSessionUserColumn = 2;
constexpr int kSessionRestColumn = kSessionUserColumn + 10;  // INSCRIRE_USER_COLUMNS
constexpr int kSessionSchoolColumn = kSessionRestColumn + storage::kLearnerUsernameColumn;
constexpr int kSessionCampaignColumn = kSessionRestColumn + 9;  // INSCRIRE_PARTICIPATION_COLUMNS
constexpr int kSessionCampaignSchoolColumn = kSessionCampaignColumn + 12;  // CAMPAIGN_SELECT's

#define LEARNER_STATE_SQL INSCRIRE_LEARNER_STATE_SQL("l", "@", "$4")
// learner_accounts reads the state after the username.
constexpr int kStateColumn = storage::kLearnerUsernameColumn + 1;

// Memberships from (staff_id, organization_id, uai, role, created_at) rows.
std::vector<StaffMembership> read_memberships(const Result& r) {
  std::vector<StaffMembership> found;
  found.reserve(static_cast<std::size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) {
    const Row at(r, row);
    found.push_back(
        {at.integer(0), at.integer(1), at.text(2), storage::read_role(at, 3), at.integer(4)});
  }
  return found;
}

std::vector<Participation> read_participations(const Result& r) {
  std::vector<Participation> found;
  found.reserve(static_cast<std::size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) found.push_back(read_participation(Row(r, row)));
  return found;
}

class PostgresTransaction final : public StoreTransaction {
 public:
  PostgresTransaction(Connection& db, TransactionKind kind, std::int32_t school_lock_space)
      : db_(db), writing_(kind != TransactionKind::Read), school_lock_space_(school_lock_space) {}

  // --- UsernameRegistry
  TakenSuffixes taken_suffixes(std::string_view stem) override {
    if (const auto read = prefetched_stems_.find(stem); read != prefetched_stems_.end()) {
      return read->second;
    }
    const auto r =
        db_.run("SELECT taken FROM @username_stems WHERE stem = lower($1)", Params().add(stem));
    return r.rows() > 0 ? TakenSuffixes::from_bytes(r.bytes(0, 0)) : TakenSuffixes{};
  }

  bool is_taken(std::string_view username) override {
    return db_.run("SELECT 1 FROM @users WHERE lower(username) = lower($1::text COLLATE \"C\")",
                   Params().add(username))
               .rows() > 0;
  }

  // --- Organizations
  std::optional<Organization> organization(std::string_view uai) override {
    return first_organization(
        db_.run("SELECT id, uai, name FROM @organizations WHERE uai = $1", Params().add(uai)));
  }

  std::optional<Organization> organization_by_id(Id id) override {
    return first_organization(
        db_.run("SELECT id, uai, name FROM @organizations WHERE id = $1", Params().add(id)));
  }

  std::vector<Organization> organizations() override {
    const auto r = db_.run("SELECT id, uai, name FROM @organizations ORDER BY uai");
    std::vector<Organization> found;
    found.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) {
      found.push_back({r.integer(row, 0), r.text(row, 1), r.text(row, 2)});
    }
    return found;
  }

  std::optional<Organization> insert_organization(std::string_view uai, std::string_view name,
                                                  std::int64_t created_at) override {
    return first_organization(
        db_.run("INSERT INTO @organizations(uai, name, created_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (uai) DO NOTHING RETURNING id, uai, name",
                Params().add(uai).add(name).add(created_at)));
  }

  // --- Learners: reads
  std::optional<Learner> learner(Id id) override {
    if (const auto* read = prefetched(id)) return read->learner;
    return first_learner(db_.run(LEARNER_SELECT "WHERE l.id = $1", Params().add(id)));
  }

  std::optional<Learner> learner_by_user(Id organization_id, Id user_id) override {
    return first_learner(db_.run(LEARNER_SELECT "WHERE l.organization_id = $1 AND l.user_id = $2",
                                 Params().add(organization_id).add(user_id)));
  }

  std::optional<Learner> learner_by_ine(Id organization_id, std::string_view ine) override {
    return first_learner(db_.run(LEARNER_SELECT "WHERE l.organization_id = $1 AND l.ine = $2",
                                 Params().add(organization_id).add(ine)));
  }

  std::vector<Learner> learners_of_user(Id user_id) override {
    return read_learners(
        db_.run(LEARNER_SELECT "WHERE l.user_id = $1 ORDER BY l.id", Params().add(user_id)));
  }

  std::vector<MatchCandidate> match_candidates(Id organization_id,
                                               const BirthDate& birthdate) override {
    const auto r = db_.run(
        "SELECT id, first_key, second_key, third_key, last_key, usage_key FROM @learners "
        "WHERE organization_id = $1 AND birthdate = $2 AND disabled = 0",
        Params().add(organization_id).add(birthdate.iso()));
    std::vector<MatchCandidate> candidates;
    candidates.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) {
      candidates.push_back({r.integer(row, 0), r.text(row, 1), r.text(row, 2), r.text(row, 3),
                            r.text(row, 4), r.text(row, 5)});
    }
    return candidates;
  }

  // A read transaction's campaign_candidates is one statement, with what the rest of the match
  // reads (kCampaignCandidates); run first, it is a transaction of its own (one statement sees
  // one snapshot), without BEGIN and COMMIT: a match is one round trip. A write transaction
  // reads afresh at each step: under READ COMMITTED a row may change between two statements.
  CampaignCandidates campaign_candidates(std::string_view canonical_code,
                                         const BirthDate& birthdate) override {
    CampaignCandidates found;
    if (writing_) {
      found.campaign = campaign(canonical_code);
      if (found.campaign) {
        found.candidates = match_candidates(found.campaign->organization_id, birthdate);
      }
      return found;
    }
    Params params;
    params.add(canonical_code).add(birthdate.iso());
    const auto r = read_alone(kCampaignCandidates, params);
    if (r.rows() == 0) return found;
    found.campaign = read_campaign(Row(r, 0));
    for (int row = 0; row < r.rows(); ++row) {
      if (!r.is_null(row, kCandidateColumn)) found.candidates.push_back(remember(r, row));
    }
    return found;
  }

  std::vector<Learner> learners(Id organization_id, const std::string* division,
                                bool include_disabled) override {
    Params params;
    params.add(organization_id);
    if (division != nullptr) {
      params.add(*division);
    } else {
      params.add_null();
    }
    params.add(include_disabled);
    return read_learners(db_.run(LEARNER_SELECT
                                 "WHERE l.organization_id = $1 AND ($2::text IS NULL OR "
                                 "l.division = $2) AND ($3::integer = 1 OR l.disabled = 0) "
                                 "ORDER BY l.division, l.last_name, l.first_name, l.id",
                                 params));
  }

  void visit_learners(Id organization_id,
                      const std::function<void(const Learner&)>& visit) override {
    lock_school(organization_id);
    const auto r =
        db_.run("SELECT " LEARNER_COLUMNS " FROM @learners l WHERE l.organization_id = $1",
                Params().add(organization_id));
    for (int row = 0; row < r.rows(); ++row) visit(read_learner(r, row, false));
  }

  std::vector<Learner> learners_without_participation(const Campaign& campaign) override {
    return read_learners(db_.run(LEARNER_SELECT
                                 "WHERE l.organization_id = (SELECT organization_id FROM "
                                 "@campaigns WHERE id = $1) AND l.disabled = 0 AND ($2::text = '' "
                                 "OR l.division = $2) AND NOT EXISTS (SELECT 1 FROM "
                                 "@participations p WHERE p.campaign_id = $1 AND p.learner_id = "
                                 "l.id) ORDER BY l.division, l.last_name, l.first_name, l.id",
                                 Params().add(campaign.id).add(campaign.division)));
  }

  std::vector<CampaignParticipant> campaign_participants(const Campaign& campaign) override {
    auto learners = read_learners(db_.run(
        LEARNER_SELECT
        "WHERE l.organization_id = $3 AND ((($2::text = '' OR l.division = $2) AND l.disabled = "
        "0) OR EXISTS (SELECT 1 FROM @participations p WHERE p.campaign_id = $1 AND p.learner_id = "
        "l.id AND p.dissociated = 0)) ORDER BY l.division, l.last_name, l.first_name, l.id",
        Params().add(campaign.id).add(campaign.division).add(campaign.organization_id)));
    std::vector<CampaignParticipant> found;
    found.reserve(learners.size());
    for (auto& learner : learners) {
      auto participation = this->participation(campaign.id, learner.id);
      found.push_back({std::move(learner), std::move(participation)});
    }
    return found;
  }

  std::vector<LearnerAccount> learner_accounts(Id organization_id,
                                               const LearnerPageQuery& filter) override {
    Params params;
    params.add(organization_id);
    if (filter.division != nullptr) {
      params.add(*filter.division);
    } else {
      params.add_null();
    }
    if (filter.state) {
      params.add(static_cast<std::int64_t>(*filter.state));
    } else {
      params.add_null();
    }
    params.add(filter.now).add(filter.limit).add(filter.offset);
    if (filter.ine != nullptr) {
      params.add(*filter.ine);
    } else {
      params.add_null();
    }
    add_search(params, filter.search);
    static const auto sql = storage::StaticSql::keep(
        "SELECT * FROM (SELECT " LEARNER_COLUMNS
        ", (SELECT u.username FROM @users u WHERE u.id = l.user_id) AS username, " LEARNER_STATE_SQL
        " AS state FROM @learners l WHERE l.organization_id = $1 AND ($2::text IS NULL OR "
        "l.division = $2) AND ($7::text IS NULL OR l.ine = $7)) s WHERE ($3::integer IS NULL OR "
        "s.state = $3) AND " +
        storage::learner_search_sql("$", "::text", 8) +
        " ORDER BY s.last_name, s.first_name, s.ine, s.id LIMIT $5 OFFSET $6");
    const auto r = db_.run(sql, params);
    std::vector<LearnerAccount> found;
    found.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      LearnerAccount row{read_learner(r, i), storage::learner_state_of(r.integer(i, kStateColumn)),
                         std::nullopt, 0};
      if (row.learner.user_id) {
        row.account = user(*row.learner.user_id);
        row.participations = count_participations_of_user(*row.learner.user_id);
      }
      found.push_back(std::move(row));
    }
    return found;
  }

  std::optional<std::string> username_linked_elsewhere(std::string_view ine,
                                                       Id excluded_organization_id) override {
    for (const auto& [id, read] : prefetched_) {
      if (read.learner.entry.ine == ine &&
          read.learner.organization_id == excluded_organization_id) {
        return read.elsewhere;
      }
    }
    const auto r = db_.run(
        "SELECT u.username FROM @learners l JOIN @users u ON u.id = l.user_id "
        "WHERE l.ine = $1 AND l.organization_id <> $2 ORDER BY l.organization_id LIMIT 1",
        Params().add(ine).add(excluded_organization_id));
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
  }

  // One statement: `ine = ANY(array)` probes the (ine, organization_id) index once per INE.
  std::vector<Id> users_linked_by_ine(std::span<const std::string_view> ines,
                                      Id excluded_organization_id) override {
    if (ines.empty()) return {};
    TextArray array;
    for (const auto ine : ines) array.add(ine);
    const auto r = db_.run(
        "SELECT DISTINCT user_id FROM @learners WHERE ine = ANY($1::text[]) "
        "AND organization_id <> $2 AND user_id IS NOT NULL ORDER BY user_id",
        Params().add_owned(std::move(array).take()).add(excluded_organization_id));
    std::vector<Id> users;
    users.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) users.push_back(r.integer(row, 0));
    return users;
  }

  std::vector<LinkedLearner> learners_linked_to(std::span<const Id> user_ids) override {
    if (user_ids.empty()) return {};
    const auto r = db_.run(
        "SELECT id, organization_id, ine, birthdate, user_id FROM @learners "
        "WHERE user_id = ANY($1::bigint[])",
        Params().add_owned(id_array(user_ids)));
    std::vector<LinkedLearner> found;
    found.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) {
      found.push_back({r.integer(row, 0), r.integer(row, 1), r.text(row, 2),
                       BirthDate::from_trusted_iso(r.text(row, 3)), r.integer(row, 4)});
    }
    return found;
  }

  // --- Learners: writes
  int insert_learners(Id organization_id, std::span<const NewLearner> rows,
                      std::int64_t updated_at) override {
    if (rows.empty()) return 0;
    lock_school(organization_id);
    postgresql::BinaryCopy copy;
    for (const auto& row : rows) {
      const storage::LearnerFieldValues values(row.fields);
      copy.begin_row(kCopiedColumns);
      copy.add(organization_id);
      copy.add(updated_at);
      for (const auto value : values.values()) copy.add(value);
      if (row.user_id) {
        copy.add(*row.user_id);
      } else {
        copy.add_null();
      }
    }
    return db_.copy_in(kCopyLearners, std::move(copy).take());
  }

  void update_learner(Id learner_id, const LearnerFields& fields,
                      std::int64_t updated_at) override {
    Params params;
    params.add(learner_id).add(updated_at);
    add_fields(params, fields);
    db_.run("UPDATE @learners SET (" LEARNER_WRITTEN_COLUMNS
            ") = ($3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
            "$20, $21, $22, $23), updated_at = $2 WHERE id = $1",
            params);
  }

  void set_learner_disabled(Id learner_id, bool disabled, std::int64_t updated_at) override {
    db_.run("UPDATE @learners SET disabled = $2, updated_at = $3 WHERE id = $1",
            Params().add(learner_id).add(disabled).add(updated_at));
  }

  // READ COMMITTED re-checks the condition on the row as the first writer committed it: of
  // two transactions linking one learner, the second finds user_id set and updates nothing.
  bool link_learner(Id learner_id, Id user_id) override {
    return db_.run("UPDATE @learners SET user_id = $2 WHERE id = $1 AND user_id IS NULL",
                   Params().add(learner_id).add(user_id))
               .affected() == 1;
  }

  void unlink_learner(Id learner_id) override {
    db_.run("UPDATE @learners SET user_id = NULL WHERE id = $1", Params().add(learner_id));
  }

  int dissociate_participations(Id learner_id) override {
    return db_
        .run(
            "UPDATE @participations SET dissociated = 1 WHERE learner_id = $1 AND "
            "dissociated = 0",
            Params().add(learner_id))
        .affected();
  }

  // --- Users. A writing transaction locks the row it reads: what it writes back (failure
  // counters, blocks) is computed from a value no other server changes meanwhile.
  std::optional<User> user(Id id) override {
    const auto r = writing_ ? db_.run(USER_SELECT "WHERE id = $1 FOR UPDATE", Params().add(id))
                            : db_.run(USER_SELECT "WHERE id = $1", Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    return read_user(Row(r, 0));
  }

  std::optional<User> user_by_username(std::string_view username) override {
    const auto r =
        writing_ ? db_.run(USER_SELECT
                           "WHERE lower(username) = lower($1::text COLLATE \"C\") "
                           "FOR UPDATE",
                           Params().add(username))
                 : db_.run(USER_SELECT "WHERE lower(username) = lower($1::text COLLATE \"C\")",
                           Params().add(username));
    if (r.rows() == 0) return std::nullopt;
    return read_user(Row(r, 0));
  }

  // ON CONFLICT DO NOTHING waits for a concurrent insert of the same name and, if it commits,
  // inserts nothing: the race is arbitrated by the UNIQUE index without aborting the
  // transaction (the service then picks another suffix).
  std::optional<User> insert_user(std::string_view username, std::string_view password_hash,
                                  bool must_change_password, std::int64_t created_at) override {
    const auto r = db_.run(
        "INSERT INTO @users(username, password_hash, must_change_password, created_at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT ((lower(username))) DO NOTHING RETURNING id",
        Params().add(username).add(password_hash).add(must_change_password).add(created_at));
    if (r.rows() == 0) return std::nullopt;
    User inserted;
    inserted.id = r.integer(0, 0);
    inserted.username = username;
    inserted.password_hash = password_hash;
    inserted.must_change_password = must_change_password;
    return inserted;
  }

  void save_user(const User& user) override {
    db_.run(
        "UPDATE @users SET password_hash = $2, must_change_password = $3, failed_attempts = $4, "
        "blocked_until = $5, blocked = $6, disabled = $7, temporary_expires_at = $8, "
        "last_login_at = $9 WHERE id = $1",
        Params()
            .add(user.id)
            .add(user.password_hash)
            .add(user.must_change_password)
            .add(user.failed_attempts)
            .add(user.blocked_until)
            .add(user.blocked)
            .add(user.disabled)
            .add(user.temporary_expires_at)
            .add(user.last_login_at));
  }

  // The UPDATE skips the row when another account holds the name, so no unique violation
  // aborts the transaction; a concurrent rename to the same name may still raise 23505, which
  // fails the transaction whole (DATABASE_ERROR) as SQLite's writer lock never would.
  bool rename_user(Id user_id, std::string_view username) override {
    return db_.run(
                  "UPDATE @users SET username = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM "
                  "@users o WHERE lower(o.username) = lower($2::text COLLATE \"C\") AND o.id <> "
                  "$1)",
                  Params().add(user_id).add(username))
               .affected() == 1;
  }

  // One statement: set_bit on the bitmap as stored, under the row's lock, never on a copy.
  void add_taken_suffix(std::string_view stem, int suffix) override {
    if (suffix < 0 || suffix >= kSuffixCount) {
      throw Error(ErrorCode::DATABASE_ERROR, "suffix out of range");
    }
    db_.run(
        "INSERT INTO @username_stems AS s (stem, taken) VALUES (lower($1), "
        "set_bit(decode(repeat('00', 1256), 'hex'), $2, 1)) "
        "ON CONFLICT (stem) DO UPDATE SET taken = set_bit(s.taken, $2, 1)",
        Params().add(stem).add(suffix));
  }

  // --- Campaigns
  std::optional<Campaign> campaign(std::string_view canonical_code) override {
    const auto r = db_.run(CAMPAIGN_SELECT "WHERE c.code = $1", Params().add(canonical_code));
    if (r.rows() == 0) return std::nullopt;
    return read_campaign(Row(r, 0));
  }

  std::vector<Campaign> campaigns(Id organization_id) override {
    const auto r = db_.run(CAMPAIGN_SELECT "WHERE c.organization_id = $1 ORDER BY c.id",
                           Params().add(organization_id));
    std::vector<Campaign> found;
    found.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) found.push_back(read_campaign(Row(r, row)));
    return found;
  }

  std::optional<Campaign> insert_campaign(Id organization_id, const Campaign& campaign,
                                          std::int64_t created_at) override {
    const auto r = db_.run(
        "INSERT INTO @campaigns(organization_id, code, name, division, target_profile, status, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING "
        "RETURNING id",
        Params()
            .add(organization_id)
            .add(campaign.code)
            .add(campaign.name)
            .add(campaign.division)
            .add(campaign.target_profile)
            .add(campaign_status_name(campaign.status))
            .add(created_at));
    if (r.rows() == 0) return std::nullopt;
    return this->campaign(campaign.code);
  }

  void set_campaign_status(Id campaign_id, CampaignStatus status) override {
    db_.run("UPDATE @campaigns SET status = $2 WHERE id = $1",
            Params().add(campaign_id).add(campaign_status_name(status)));
  }

  std::optional<Campaign> campaign_by_id(Id campaign_id) override {
    const auto r = db_.run(CAMPAIGN_SELECT "WHERE c.id = $1", Params().add(campaign_id));
    if (r.rows() == 0) return std::nullopt;
    return read_campaign(Row(r, 0));
  }

  bool campaign_has_participations(Id campaign_id) override {
    return db_.run("SELECT 1 FROM @participations WHERE campaign_id = $1 LIMIT 1",
                   Params().add(campaign_id))
               .rows() > 0;
  }

  // --- Participations
  std::optional<Participation> participation(Id campaign_id, Id learner_id) override {
    const auto found = read_participations(db_.run(
        PARTICIPATION_SELECT "WHERE campaign_id = $1 AND learner_id = $2 AND dissociated = 0",
        Params().add(campaign_id).add(learner_id)));
    if (found.empty()) return std::nullopt;
    return found.front();
  }

  bool insert_participation(Id campaign_id, Id learner_id, Id user_id,
                            std::int64_t created_at) override {
    return db_.run(
                  "INSERT INTO @participations(campaign_id, learner_id, user_id, status, "
                  "created_at) VALUES ($1, $2, $3, 'STARTED', $4) "
                  "ON CONFLICT (campaign_id, learner_id) WHERE dissociated = 0 DO NOTHING",
                  Params().add(campaign_id).add(learner_id).add(user_id).add(created_at))
               .affected() == 1;
  }

  std::vector<Participation> participations_of_learner(Id learner_id) override {
    return read_participations(db_.run(PARTICIPATION_SELECT "WHERE learner_id = $1 ORDER BY id",
                                       Params().add(learner_id)));
  }

  std::vector<Participation> participations_of_user(Id user_id) override {
    return read_participations(
        db_.run(PARTICIPATION_SELECT "WHERE user_id = $1 ORDER BY id", Params().add(user_id)));
  }

  int count_participations_of_user(Id user_id) override {
    return static_cast<int>(
        db_.run("SELECT count(*) FROM @participations WHERE user_id = $1", Params().add(user_id))
            .integer(0, 0));
  }

  void save_participation(const Participation& participation) override {
    db_.run(
        "UPDATE @participations SET status = $2, completed_at = $3, shared_at = $4 WHERE id = $1",
        Params()
            .add(participation.id)
            .add(participation.status)
            .add(participation.completed_at)
            .add(participation.shared_at));
  }

  // --- Tokens
  void insert_token(std::string_view digest, Id user_id, std::string_view purpose,
                    std::int64_t expires_at) override {
    db_.run("INSERT INTO @tokens(digest, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
            Params().add(digest).add(user_id).add(purpose).add(expires_at));
  }

  std::optional<Id> consume_token(std::string_view digest, std::string_view purpose,
                                  std::int64_t now) override {
    const auto r = db_.run(
        "UPDATE @tokens SET used = 1 WHERE digest = $1 AND purpose = $2 AND used = 0 "
        "AND expires_at > $3 RETURNING user_id",
        Params().add(digest).add(purpose).add(now));
    if (r.rows() == 0) return std::nullopt;
    return r.integer(0, 0);
  }

  std::optional<StoredToken> token(std::string_view digest, std::string_view purpose,
                                   std::int64_t now) override {
    const auto r = db_.run(
        "SELECT user_id, expires_at FROM @tokens WHERE digest = $1 AND purpose = $2 AND used = 0 "
        "AND expires_at > $3",
        Params().add(digest).add(purpose).add(now));
    if (r.rows() == 0) return std::nullopt;
    return StoredToken{r.integer(0, 0), r.integer(0, 1)};
  }

  // In a read transaction, first: one statement, one round trip (kSessionAccount). A write
  // transaction reads afresh at each step (campaign_candidates says why).
  std::optional<SessionAccount> session_account(std::string_view digest, std::string_view purpose,
                                                std::int64_t now) override {
    if (writing_) return StoreTransaction::session_account(digest, purpose, now);
    const auto r = read_alone(kSessionAccount, Params().add(digest).add(purpose).add(now));
    if (r.rows() == 0) return std::nullopt;
    SessionAccount account{StoredToken{r.integer(0, 0), r.integer(0, 1)},
                           read_user(Row(r, 0, kSessionUserColumn)),
                           {}};
    for (int row = 0; row < r.rows(); ++row) {
      if (r.is_null(row, kSessionRestColumn)) continue;
      account.learners.emplace_back(
          storage::read_learner(Row(r, row, kSessionRestColumn), false),
          Organization{r.integer(row, kSessionSchoolColumn), r.text(row, kSessionSchoolColumn + 1),
                       r.text(row, kSessionSchoolColumn + 2)});
    }
    return account;
  }

  std::optional<SessionParticipations> session_participations(std::string_view digest,
                                                              std::string_view purpose,
                                                              std::int64_t now) override {
    if (writing_) return StoreTransaction::session_participations(digest, purpose, now);
    const auto r = read_alone(kSessionParticipations, Params().add(digest).add(purpose).add(now));
    if (r.rows() == 0) return std::nullopt;
    SessionParticipations found{StoredToken{r.integer(0, 0), r.integer(0, 1)},
                                read_user(Row(r, 0, kSessionUserColumn)),
                                {}};
    for (int row = 0; row < r.rows(); ++row) {
      if (r.is_null(row, kSessionRestColumn)) continue;
      found.participations.push_back({storage::read_participation(Row(r, row, kSessionRestColumn)),
                                      read_campaign(Row(r, row, kSessionCampaignColumn)),
                                      r.text(row, kSessionCampaignSchoolColumn)});
    }
    return found;
  }

  bool delete_token(std::string_view digest) override {
    return db_.run("DELETE FROM @tokens WHERE digest = $1", Params().add(digest)).affected() == 1;
  }

  void revoke_tokens(Id user_id, std::string_view purpose) override {
    db_.run("DELETE FROM @tokens WHERE user_id = $1 AND ($2::text = '' OR purpose = $2)",
            Params().add(user_id).add(purpose));
  }

  // --- Login failures, per lower-case username
  LoginFailures login_failures(std::string_view username) override {
    const auto r = db_.run(
        "SELECT failed_attempts, blocked_until, blocked FROM @login_failures "
        "WHERE username = lower($1::text COLLATE \"C\")",
        Params().add(username));
    if (r.rows() == 0) return {};
    return {static_cast<int>(r.integer(0, 0)), r.integer(0, 1), r.boolean(0, 2)};
  }

  void save_login_failures(std::string_view username, const LoginFailures& failures) override {
    db_.run(
        "INSERT INTO @login_failures(username, failed_attempts, blocked_until, blocked) "
        "VALUES (lower($1::text COLLATE \"C\"), $2, $3, $4) ON CONFLICT (username) DO UPDATE SET "
        "failed_attempts = excluded.failed_attempts, blocked_until = excluded.blocked_until, "
        "blocked = excluded.blocked",
        Params()
            .add(username)
            .add(failures.failed_attempts)
            .add(failures.blocked_until)
            .add(failures.blocked));
  }

  void clear_login_failures(std::string_view username) override {
    db_.run("DELETE FROM @login_failures WHERE username = lower($1::text COLLATE \"C\")",
            Params().add(username));
  }

  // --- Throttling and audit
  // The throttle's check before a match or a code look-up is a read transaction of this one
  // statement (oldest_event follows only past the limit): read alone, one round trip.
  int count_events(std::string_view client_key, std::string_view kind,
                   std::int64_t since) override {
    const auto r = read_alone(
        "SELECT count(*) FROM @attempt_events WHERE client_key = $1 AND kind = $2 AND at >= $3",
        Params().add(client_key).add(kind).add(since));
    return static_cast<int>(r.integer(0, 0));
  }

  void record_event(std::string_view client_key, std::string_view kind, std::int64_t at,
                    std::int64_t forget_before) override {
    db_.run("DELETE FROM @attempt_events WHERE client_key = $1 AND kind = $2 AND at < $3",
            Params().add(client_key).add(kind).add(forget_before));
    db_.run("INSERT INTO @attempt_events(client_key, kind, at) VALUES ($1, $2, $3)",
            Params().add(client_key).add(kind).add(at));
  }

  std::optional<std::int64_t> oldest_event(std::string_view client_key, std::string_view kind,
                                           std::int64_t since) override {
    const auto r = db_.run(
        "SELECT min(at) FROM @attempt_events WHERE client_key = $1 AND kind = $2 AND at >= $3",
        Params().add(client_key).add(kind).add(since));
    return r.optional_integer(0, 0);
  }

  // --- Staff accounts (rows read FOR UPDATE in writing transactions, as users)
  std::optional<StaffAccount> staff(Id id) override {
    const auto r =
        writing_ ? db_.run("SELECT " INSCRIRE_STAFF_COLUMNS " FROM @staff WHERE id = $1 FOR UPDATE",
                           Params().add(id))
                 : db_.run("SELECT " INSCRIRE_STAFF_COLUMNS " FROM @staff WHERE id = $1",
                           Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    return storage::read_staff(Row(r, 0));
  }

  std::optional<StaffAccount> staff_by_username(std::string_view username) override {
    const auto r =
        writing_ ? db_.run("SELECT " INSCRIRE_STAFF_COLUMNS
                           " FROM @staff WHERE lower(username) = lower($1::text COLLATE \"C\") "
                           "FOR UPDATE",
                           Params().add(username))
                 : db_.run("SELECT " INSCRIRE_STAFF_COLUMNS
                           " FROM @staff WHERE lower(username) = lower($1::text COLLATE \"C\")",
                           Params().add(username));
    if (r.rows() == 0) return std::nullopt;
    return storage::read_staff(Row(r, 0));
  }

  std::optional<StaffAccount> insert_staff(std::string_view username, std::string_view display_name,
                                           std::string_view password_hash,
                                           std::int64_t created_at) override {
    const auto r = db_.run(
        "INSERT INTO @staff(username, display_name, password_hash, created_at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (lower(username)) DO NOTHING RETURNING id",
        Params().add(username).add(display_name).add(password_hash).add(created_at));
    if (r.rows() == 0) return std::nullopt;
    return staff(r.integer(0, 0));
  }

  void save_staff(const StaffAccount& a) override {
    db_.run(
        "UPDATE @staff SET display_name = $2, password_hash = $3, must_change_password = $4, "
        "temporary_expires_at = $5, disabled = $6, totp_secret = $7, totp_pending = $8, "
        "totp_last_step = $9, last_login_at = $10 WHERE id = $1",
        Params()
            .add(a.id)
            .add(a.display_name)
            .add(a.password_hash)
            .add(a.must_change_password)
            .add(a.temporary_expires_at)
            .add(a.disabled)
            .add(a.totp_secret)
            .add(a.totp_pending)
            .add(a.totp_last_step)
            .add(a.last_login_at));
  }

  bool advance_totp_step(Id staff_id, std::int64_t step) override {
    return db_.run(
                  "UPDATE @staff SET totp_last_step = $2 WHERE id = $1 AND "
                  "(totp_last_step IS NULL OR totp_last_step < $2)",
                  Params().add(staff_id).add(step))
               .affected() == 1;
  }

  // --- Memberships
  std::vector<StaffMembership> memberships_of_staff(Id staff_id) override {
    return read_memberships(
        db_.run("SELECT m.staff_id, m.organization_id, o.uai, m.role, m.created_at FROM "
                "@staff_memberships m JOIN @organizations o ON o.id = m.organization_id "
                "WHERE m.staff_id = $1 ORDER BY o.uai",
                Params().add(staff_id)));
  }

  std::vector<std::pair<StaffMembership, StaffAccount>> members(Id organization_id) override {
    const auto memberships = read_memberships(db_.run(
        "SELECT m.staff_id, m.organization_id, o.uai, m.role, m.created_at FROM "
        "@staff_memberships m JOIN @organizations o ON o.id = m.organization_id JOIN @staff s "
        "ON s.id = m.staff_id WHERE m.organization_id = $1 ORDER BY s.username",
        Params().add(organization_id)));
    std::vector<std::pair<StaffMembership, StaffAccount>> found;
    found.reserve(memberships.size());
    for (const auto& membership : memberships) {
      found.emplace_back(membership, *staff(membership.staff_id));
    }
    return found;
  }

  bool insert_membership(const StaffMembership& m) override {
    return db_.run(
                  "INSERT INTO @staff_memberships(staff_id, organization_id, role, created_at) "
                  "VALUES ($1, $2, $3, $4) ON CONFLICT (staff_id, organization_id) DO NOTHING",
                  Params()
                      .add(m.staff_id)
                      .add(m.organization_id)
                      .add(staff_role_name(m.role))
                      .add(m.since))
               .affected() == 1;
  }

  void set_membership_role(Id staff_id, Id organization_id, StaffRole role) override {
    db_.run("UPDATE @staff_memberships SET role = $3 WHERE staff_id = $1 AND organization_id = $2",
            Params().add(staff_id).add(organization_id).add(staff_role_name(role)));
  }

  void delete_membership(Id staff_id, Id organization_id) override {
    db_.run("DELETE FROM @staff_memberships WHERE staff_id = $1 AND organization_id = $2",
            Params().add(staff_id).add(organization_id));
  }

  int count_admins(Id organization_id) override {
    // FOR UPDATE: a concurrent demotion of another ADMIN waits, then counts without this one.
    const auto r = db_.run(
        "SELECT count(*) FROM (SELECT 1 FROM @staff_memberships m JOIN @staff s ON s.id = "
        "m.staff_id WHERE m.organization_id = $1 AND m.role = 'ADMIN' AND s.disabled = 0 "
        "FOR UPDATE OF m) admins",
        Params().add(organization_id));
    return static_cast<int>(r.integer(0, 0));
  }

  // --- Invitations
  StoredInvitation insert_invitation(std::string_view digest,
                                     const StoredInvitation& invitation) override {
    const auto r = db_.run(
        "INSERT INTO @staff_invitations(digest, organization_id, role, created_by, created_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        Params()
            .add(digest)
            .add(invitation.organization_id)
            .add(staff_role_name(invitation.role))
            .add(invitation.created_by)
            .add(invitation.created_at)
            .add(invitation.expires_at));
    auto stored = invitation;
    stored.id = r.integer(0, 0);
    return stored;
  }

  std::optional<StoredInvitation> live_invitation(std::string_view digest,
                                                  std::int64_t now) override {
    const auto r = db_.run("SELECT " INSCRIRE_INVITATION_COLUMNS
                           " FROM @staff_invitations WHERE digest = $1 AND used_at IS NULL AND "
                           "revoked_at IS NULL AND expires_at > $2",
                           Params().add(digest).add(now));
    if (r.rows() == 0) return std::nullopt;
    return storage::read_invitation(Row(r, 0));
  }

  std::optional<StoredInvitation> consume_invitation(std::string_view digest,
                                                     std::int64_t now) override {
    const auto r = db_.run(
        "UPDATE @staff_invitations SET used_at = $2 WHERE digest = $1 AND used_at IS NULL AND "
        "revoked_at IS NULL AND expires_at > $2 RETURNING " INSCRIRE_INVITATION_COLUMNS,
        Params().add(digest).add(now));
    if (r.rows() == 0) return std::nullopt;
    return storage::read_invitation(Row(r, 0));
  }

  std::vector<StoredInvitation> pending_invitations(Id organization_id, std::int64_t now) override {
    const auto r = db_.run("SELECT " INSCRIRE_INVITATION_COLUMNS
                           " FROM @staff_invitations WHERE organization_id = $1 AND used_at IS "
                           "NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY id",
                           Params().add(organization_id).add(now));
    std::vector<StoredInvitation> found;
    found.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) found.push_back(storage::read_invitation(Row(r, row)));
    return found;
  }

  bool revoke_invitation(Id organization_id, Id invitation_id, std::int64_t now) override {
    return db_.run(
                  "UPDATE @staff_invitations SET revoked_at = $3 WHERE id = $2 AND "
                  "organization_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND "
                  "expires_at > $3",
                  Params().add(organization_id).add(invitation_id).add(now))
               .affected() == 1;
  }

  // --- Staff tokens
  void insert_staff_token(std::string_view digest, Id staff_id, std::string_view purpose,
                          std::int64_t created_at, std::int64_t expires_at) override {
    db_.run(
        "INSERT INTO @staff_tokens(digest, staff_id, purpose, created_at, last_used_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
        Params().add(digest).add(staff_id).add(purpose).add(created_at).add(expires_at));
  }

  std::optional<StoredStaffToken> staff_token(std::string_view digest, std::string_view purpose,
                                              std::int64_t now) override {
    const auto r = db_.run(
        "SELECT staff_id, created_at, last_used_at, expires_at FROM @staff_tokens WHERE "
        "digest = $1 AND purpose = $2 AND used = 0 AND expires_at > $3",
        Params().add(digest).add(purpose).add(now));
    if (r.rows() == 0) return std::nullopt;
    return StoredStaffToken{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.integer(0, 3)};
  }

  void touch_staff_token(std::string_view digest, std::int64_t now) override {
    db_.run("UPDATE @staff_tokens SET last_used_at = greatest(last_used_at, $2) WHERE digest = $1",
            Params().add(digest).add(now));
  }

  std::optional<Id> consume_staff_token(std::string_view digest, std::string_view purpose,
                                        std::int64_t now) override {
    const auto r = db_.run(
        "UPDATE @staff_tokens SET used = 1 WHERE digest = $1 AND purpose = $2 AND used = 0 AND "
        "expires_at > $3 RETURNING staff_id",
        Params().add(digest).add(purpose).add(now));
    if (r.rows() == 0) return std::nullopt;
    return r.integer(0, 0);
  }

  bool delete_staff_token(std::string_view digest) override {
    return db_.run("DELETE FROM @staff_tokens WHERE digest = $1", Params().add(digest))
               .affected() == 1;
  }

  void revoke_staff_tokens(Id staff_id, std::string_view purpose) override {
    db_.run("DELETE FROM @staff_tokens WHERE staff_id = $1 AND ($2::text = '' OR purpose = $2)",
            Params().add(staff_id).add(purpose));
  }

  // --- Recovery codes
  void replace_recovery_codes(Id staff_id, std::span<const std::string> digests) override {
    db_.run("DELETE FROM @staff_recovery_codes WHERE staff_id = $1", Params().add(staff_id));
    for (const auto& digest : digests) {
      db_.run("INSERT INTO @staff_recovery_codes(staff_id, digest) VALUES ($1, $2)",
              Params().add(staff_id).add(digest));
    }
  }

  bool use_recovery_code(Id staff_id, std::string_view digest, std::int64_t now) override {
    return db_.run(
                  "UPDATE @staff_recovery_codes SET used_at = $3 WHERE staff_id = $1 AND "
                  "digest = $2 AND used_at IS NULL",
                  Params().add(staff_id).add(digest).add(now))
               .affected() == 1;
  }

  // --- Staff login failures, per lower-case username
  LoginFailures staff_login_failures(std::string_view username) override {
    const auto r = db_.run(
        "SELECT failed_attempts, blocked_until, blocked FROM @staff_login_failures "
        "WHERE username = lower($1::text COLLATE \"C\")",
        Params().add(username));
    if (r.rows() == 0) return {};
    return {static_cast<int>(r.integer(0, 0)), r.integer(0, 1), r.boolean(0, 2)};
  }

  void save_staff_login_failures(std::string_view username,
                                 const LoginFailures& failures) override {
    db_.run(
        "INSERT INTO @staff_login_failures(username, failed_attempts, blocked_until, blocked) "
        "VALUES (lower($1::text COLLATE \"C\"), $2, $3, $4) ON CONFLICT (username) DO UPDATE "
        "SET failed_attempts = excluded.failed_attempts, blocked_until = "
        "excluded.blocked_until, blocked = excluded.blocked",
        Params()
            .add(username)
            .add(failures.failed_attempts)
            .add(failures.blocked_until)
            .add(failures.blocked));
  }

  void clear_staff_login_failures(std::string_view username) override {
    db_.run("DELETE FROM @staff_login_failures WHERE username = lower($1::text COLLATE \"C\")",
            Params().add(username));
  }

  void rename_campaign(Id campaign_id, std::string_view name) override {
    db_.run("UPDATE @campaigns SET name = $2 WHERE id = $1", Params().add(campaign_id).add(name));
  }

  bool delete_participation(Id campaign_id, Id learner_id) override {
    return db_.run(
                  "DELETE FROM @participations WHERE campaign_id = $1 AND learner_id = $2 AND "
                  "dissociated = 0",
                  Params().add(campaign_id).add(learner_id))
               .affected() == 1;
  }

  void set_campaign_owner(Id campaign_id, std::optional<Id> staff_id,
                          std::string_view subject) override {
    db_.run("UPDATE @campaigns SET owner_staff_id = $2, owner_subject = $3 WHERE id = $1",
            Params().add(campaign_id).add(staff_id).add(subject));
  }

  // --- Audit
  void audit(const AuditEntry& e, std::int64_t at) override {
    db_.run(
        "INSERT INTO @audit_log(at, uai, actor_kind, actor_ref, actor, actor_role, action, "
        "target, detail, outcome, client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        Params()
            .add(at)
            .add(e.uai)
            .add(e.actor_kind)
            .add(e.actor_ref)
            .add(e.actor_name)
            .add(e.actor_role)
            .add(e.action)
            .add(e.target)
            .add(e.detail)
            .add(e.outcome)
            .add(e.client));
  }

  std::vector<AuditRow> audit_rows(std::string_view uai, const AuditQuery& q) override {
    Params params;
    params.add(uai).add(q.since.value_or(std::numeric_limits<std::int64_t>::min()));
    if (q.action) {
      params.add(*q.action);
    } else {
      params.add_null();
    }
    params.add(q.limit).add(q.offset);
    const auto r = db_.run("SELECT " INSCRIRE_AUDIT_COLUMNS
                           " FROM @audit_log WHERE uai = $1 AND at >= $2 AND ($3::text IS NULL "
                           "OR action = $3) ORDER BY at DESC, id DESC LIMIT $4 OFFSET $5",
                           params);
    std::vector<AuditRow> found;
    found.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) found.push_back(storage::read_audit_row(Row(r, row)));
    return found;
  }

  int purge_audit(std::int64_t before) override {
    return db_.run("DELETE FROM @audit_log WHERE at < $1", Params().add(before)).affected();
  }

  void retarget_audit(std::string_view from, std::string_view to) override {
    db_.run(
        "UPDATE @audit_log SET target = $2, actor_ref = CASE WHEN actor_kind = 'pupil' THEN $2 "
        "ELSE actor_ref END WHERE lower(target) = lower($1::text COLLATE \"C\")",
        Params().add(from).add(to));
  }

 private:
  // A candidate's row as a read transaction read it with the candidates.
  struct PrefetchedLearner {
    Learner learner;
    std::optional<std::string> elsewhere;  // the username of the same INE in another school
  };

  // A read that is the whole transaction when it comes first in a read transaction: sent then
  // without BEGIN and COMMIT, as a transaction of its own (one statement sees one snapshot);
  // BEGIN stays pending for the next statement, if any, which sees a later snapshot. Used where
  // a use case's first read answers it alone or carries what the rest reads.
  Result read_alone(storage::StaticSql sql, const Params& params) {
    return !writing_ && db_.has_pending() ? db_.run_alone(sql, params) : db_.run(sql, params);
  }

  // Keeps what a row of kCampaignCandidates read about its candidate, for the rest of the
  // match (learner(), username_linked_elsewhere(), taken_suffixes()), and returns its keys.
  MatchCandidate remember(const Result& r, int row) {
    auto learner = storage::read_learner(Row(r, row, kCandidateColumn));
    auto keys = learner.keys;
    std::optional<std::string> elsewhere;
    if (!r.is_null(row, kElsewhereColumn)) elsewhere = r.text(row, kElsewhereColumn);
    prefetched_stems_[r.text(row, kStemColumn)] =
        r.is_null(row, kTakenColumn) ? TakenSuffixes{}
                                     : TakenSuffixes::from_bytes(r.bytes(row, kTakenColumn));
    const Id id = learner.id;
    prefetched_[id] = PrefetchedLearner{std::move(learner), std::move(elsewhere)};
    return keys;
  }

  const PrefetchedLearner* prefetched(Id id) const {
    const auto found = prefetched_.find(id);
    return found == prefetched_.end() ? nullptr : &found->second;
  }

  static std::optional<Organization> first_organization(const Result& r) {
    if (r.rows() == 0) return std::nullopt;
    return Organization{r.integer(0, 0), r.text(0, 1), r.text(0, 2)};
  }

  // Two imports of one school run one after the other; other schools never wait. The lock is
  // the transaction's: released at commit or rollback, or when the connection dies.
  void lock_school(Id organization_id) {
    if (!writing_ || !locked_schools_.insert(organization_id).second) return;
    db_.run("SELECT pg_advisory_xact_lock($1, $2)",
            Params()
                .add(std::int64_t{school_lock_space_})
                .add(static_cast<std::int64_t>(static_cast<std::int32_t>(organization_id))));
  }

  Connection& db_;
  bool writing_;
  std::int32_t school_lock_space_;
  std::set<Id> locked_schools_;
  // Read transactions only, filled by campaign_candidates.
  std::map<Id, PrefetchedLearner> prefetched_;
  std::map<std::string, TakenSuffixes, std::less<>> prefetched_stems_;
};

// Connections made on demand up to the pool's size; a caller waits when all are busy. A
// connection that lost its server is dropped, and the next caller opens a fresh one.
class Pool {
 public:
  Pool(ConnectionSettings settings, std::function<void(std::string_view)> on_statement,
       std::function<void()> on_round_trip)
      : settings_(std::move(settings)),
        on_statement_(std::move(on_statement)),
        on_round_trip_(std::move(on_round_trip)) {}

  std::unique_ptr<Connection> acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < settings_.pool_size; });
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;
    lock.unlock();
    try {
      return std::make_unique<Connection>(settings_, on_statement_, on_round_trip_);
    } catch (...) {
      release(nullptr);
      throw;
    }
  }

  // Gives a connection back; a null or broken one is closed and its slot freed.
  void release(std::unique_ptr<Connection> connection) {
    {
      const std::lock_guard lock(mutex_);
      if (connection && connection->healthy() && !connection->in_transaction()) {
        idle_.push_back(std::move(connection));
      } else {
        --open_;
      }
    }
    available_.notify_one();
  }

  const ConnectionSettings& settings() const noexcept { return settings_; }

 private:
  ConnectionSettings settings_;
  std::function<void(std::string_view)> on_statement_;
  std::function<void()> on_round_trip_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

// Deadlocks and serialization failures roll the transaction back whole; it is run again this
// many times before DATABASE_BUSY reaches the caller.
constexpr int kMaxAttempts = 5;

bool is_retryable(const Error& e) {
  return e.code() == ErrorCode::DATABASE_BUSY &&
         (e.detail().ends_with("(SQLSTATE 40P01)") || e.detail().ends_with("(SQLSTATE 40001)"));
}

class PostgresStore final : public Store {
 public:
  PostgresStore(ConnectionSettings settings, const StoreOptions& options)
      : pool_(std::move(settings), options.on_statement, options.on_round_trip),
        school_lock_space_(static_cast<std::int32_t>(fnv1a("school:" + pool_.settings().schema))),
        lock_timeout_ms_(options.busy_timeout_ms) {
    if (options.schema == SchemaPolicy::Migrate) migrate();
    if (options.schema == SchemaPolicy::Refuse) refuse_unless_current();
  }

  std::string_view engine() const noexcept override { return "postgresql"; }

  SchemaVersions schema_versions() override {
    return with_connection([](Connection& db) {
      // The schema or its version table may not exist yet: version 0, nothing created.
      const auto exists =
          db.exec("SELECT to_regclass('" + db.prefix() + "schema_version') IS NULL");
      std::size_t version = 0;
      if (exists.text(0, 0) == "f") {
        const auto found = db.exec("SELECT version FROM @schema_version");
        if (found.rows() > 0) version = static_cast<std::size_t>(found.integer(0, 0));
      }
      return SchemaVersions{version, postgresql::kMigrations.size()};
    });
  }

  // The server keeps its pages and constraints sound itself (pg_amcheck checks the former);
  // what only inscrire knows is that its version table holds one row.
  std::vector<std::string> check() override {
    return with_connection([](Connection& db) {
      std::vector<std::string> problems;
      const auto rows = db.exec("SELECT count(*) FROM @schema_version");
      if (rows.integer(0, 0) != 1) {
        problems.push_back("schema_version holds " + std::to_string(rows.integer(0, 0)) +
                           " rows, not 1");
      }
      return problems;
    });
  }

  void backup(const std::filesystem::path&) override {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "a PostgreSQL database is backed up with pg_dump (docs/deployment.md, "
                "\"Backups\"): inscrire db backup copies SQLite files");
  }

  void transact(TransactionKind kind, const std::function<void(StoreTransaction&)>& work) override {
    for (int attempt = 1;; ++attempt) {
      try {
        run_once(kind, work);
        return;
      } catch (const Error& e) {
        if (!is_retryable(e) || attempt >= kMaxAttempts) throw;
      }
    }
  }

 private:
  void run_once(TransactionKind kind, const std::function<void(StoreTransaction&)>& work) {
    auto connection = pool_.acquire();
    try {
      connection->send_with_next(begin_statements(kind));
      PostgresTransaction transaction(*connection, kind, school_lock_space_);
      work(transaction);
      // Nothing sent yet (no statement, or only reads that were transactions of their own,
      // Connection::run_alone): there is no transaction to commit.
      if (connection->has_pending()) {
        connection->drop_pending();
      } else {
        connection->run("COMMIT");
      }
    } catch (...) {
      connection->drop_pending();
      if (connection->healthy() && connection->in_transaction()) {
        try {
          connection->exec("ROLLBACK");
        } catch (...) {
          // A connection that cannot roll back is dropped by release().
        }
      }
      pool_.release(std::move(connection));
      throw;
    }
    pool_.release(std::move(connection));
  }

  // Reads see one snapshot and never wait. Writes run READ COMMITTED: each statement sees
  // what others committed, conflicts wait on row locks and are settled by the constraints.
  // A Write commit may skip the wait for the WAL flush (as SQLite's synchronous = NORMAL):
  // a crash of the server may lose it, never corrupt; a Durable one is flushed first. Sent in
  // one pipeline with the transaction's first statement (no round trip of their own).
  std::vector<std::string> begin_statements(TransactionKind kind) const {
    if (kind == TransactionKind::Read) return {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"};
    const auto timeout = std::to_string(lock_timeout_ms_);
    return {"BEGIN", kind == TransactionKind::Write
                         ? "SELECT set_config('lock_timeout', '" + timeout +
                               "', true), set_config('synchronous_commit', 'off', true)"
                         : "SELECT set_config('lock_timeout', '" + timeout + "', true)"};
  }

  // Runs `work` on a connection of the pool, outside any transaction of `transact`.
  template <typename Work>
  auto with_connection(Work&& work) -> decltype(work(std::declval<Connection&>())) {
    auto connection = pool_.acquire();
    try {
      auto result = work(*connection);
      pool_.release(std::move(connection));
      return result;
    } catch (...) {
      pool_.release(std::move(connection));
      throw;
    }
  }

  // A server told not to migrate starts only on the schema its library writes.
  void refuse_unless_current() {
    const auto versions = schema_versions();
    if (versions.database > versions.library) {
      throw Error(ErrorCode::SCHEMA_TOO_NEW, "schema version " + std::to_string(versions.database));
    }
    if (versions.database < versions.library) {
      throw Error(ErrorCode::SCHEMA_TOO_OLD, "schema version " + std::to_string(versions.database) +
                                                 ", the library's " +
                                                 std::to_string(versions.library));
    }
  }

  // Ten servers starting at once: the first takes the lock and migrates, the others wait for
  // it and find the schema current. The lock is the transaction's (safe behind PgBouncer).
  void migrate() {
    auto connection = pool_.acquire();
    auto& db = *connection;
    try {
      db.exec("BEGIN");
      db.run("SELECT pg_advisory_xact_lock($1)",
             Params().add(fnv1a("migrations:" + pool_.settings().schema)));
      db.exec("CREATE SCHEMA IF NOT EXISTS " + db.prefix().substr(0, db.prefix().size() - 1));
      db.exec("CREATE TABLE IF NOT EXISTS @schema_version (version integer NOT NULL)");
      const auto found = db.run("SELECT version FROM @schema_version");
      const auto version = found.rows() > 0 ? static_cast<std::size_t>(found.integer(0, 0)) : 0;
      if (found.rows() == 0) db.exec("INSERT INTO @schema_version VALUES (0)");
      if (version > postgresql::kMigrations.size()) {
        throw Error(ErrorCode::SCHEMA_TOO_NEW, "schema version " + std::to_string(version));
      }
      for (auto next = version; next < postgresql::kMigrations.size(); ++next) {
        db.exec(postgresql::kMigrations[next]);
        if (next + 1 == postgresql::kUsernameStemVersion) fill_username_stems(db);
      }
      db.run("UPDATE @schema_version SET version = $1",
             Params().add(static_cast<std::int64_t>(postgresql::kMigrations.size())));
      db.run("COMMIT");
    } catch (...) {
      if (db.healthy() && db.in_transaction()) {
        try {
          db.exec("ROLLBACK");
        } catch (...) {
        }
      }
      pool_.release(std::move(connection));
      throw;
    }
    pool_.release(std::move(connection));
  }

  // The learners of a schema older than the stem column get theirs, computed as every write of
  // the names computes it (storage::stored_username_stem), in the migration's transaction:
  // read whole, written back by batches of one UPDATE ... FROM unnest each.
  static void fill_username_stems(Connection& db) {
    constexpr int kBatch = 10000;
    const auto r = db.run("SELECT " INSCRIRE_STEM_SOURCE_COLUMNS " FROM @learners");
    for (int first = 0; first < r.rows(); first += kBatch) {
      std::string ids = "{";
      TextArray stems;
      for (int row = first; row < std::min(r.rows(), first + kBatch); ++row) {
        if (ids.size() > 1) ids += ',';
        ids += r.text(row, 0);
        stems.add(storage::stored_username_stem(Row(r, row)));
      }
      db.run(
          "UPDATE @learners l SET username_stem = t.stem FROM unnest($1::bigint[], $2::text[]) "
          "AS t(id, stem) WHERE l.id = t.id",
          Params().add_owned(ids + "}").add_owned(std::move(stems).take()));
    }
  }

  Pool pool_;
  std::int32_t school_lock_space_;
  int lock_timeout_ms_;
};

}  // namespace

bool is_postgresql_url(std::string_view location) {
  return location.starts_with("postgresql:") || location.starts_with("postgres://");
}

std::unique_ptr<Store> open_postgresql_store(std::string_view url, const StoreOptions& options) {
  return std::make_unique<PostgresStore>(postgresql::parse_connection_url(url), options);
}

}  // namespace inscrire
