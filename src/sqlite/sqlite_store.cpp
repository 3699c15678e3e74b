// The SQLite Store: one database file, WAL, foreign keys, a busy timeout, versioned migrations,
// and a writer lock shared by every process using the file. Storage only: the rules live in the
// service (store.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "inscrire/error.hpp"
#include "inscrire/store.hpp"
#include "sqlite/schema.hpp"
#include "sqlite/sqlite.hpp"
#include "sqlite/writer_lock.hpp"
#include "storage/learner_search.hpp"
#include "storage/learner_state.hpp"
#include "storage/rows.hpp"

namespace inscrire {
namespace {

using sqlite::Connection;
using sqlite::Statement;

using storage::kLearnerWrittenCount;
using storage::read_campaign;
using storage::read_learner;
using storage::read_participation;
using storage::read_user;

#define LEARNER_COLUMNS INSCRIRE_LEARNER_COLUMNS("")
#define LEARNER_SELECT                                                \
  "SELECT " LEARNER_COLUMNS                                           \
  ", (SELECT u.username FROM users u WHERE u.id = learners.user_id) " \
  "FROM learners "

std::vector<Learner> read_learners(Statement& statement) {
  std::vector<Learner> learners;
  while (statement.step()) learners.push_back(read_learner(statement));
  return learners;
}

// Binds the roster fields, keys and stem to ?first..?first+20, in
// INSCRIRE_LEARNER_WRITTEN_COLUMNS order, without copying them: `values` must outlive the
// statement's run.
void bind_fields(Statement& statement, int first, const storage::LearnerFieldValues& values) {
  for (int i = 0; i < kLearnerWrittenCount; ++i) {
    statement.bind_static(first + i, values.values()[static_cast<std::size_t>(i)]);
  }
}

// One row per statement, prepared once: SQLite runs a multi-row INSERT with a statement
// journal (a copy of every page the statement touches, to undo it alone if a later row
// fails), which costs more than the per-row steps it saves (docs/benchmarks.md, bench_scale).
constexpr char kInsertLearner[] =
    "INSERT INTO learners(organization_id, updated_at, " INSCRIRE_LEARNER_WRITTEN_COLUMNS
    ", user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
    "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)";

// Values per IN (...) list of the look-ups by INE or account: one statement probes the index
// once per value; unused slots are bound to NULL, which equals nothing.
constexpr int kProbeBatch = 100;

// `head` followed by "(?first, ..., ?first+kProbeBatch-1)" and `tail`.
std::string in_list_sql(std::string_view head, int first, std::string_view tail) {
  std::string sql(head);
  for (int i = 0; i < kProbeBatch; ++i) sql += (i == 0 ? "(?" : ", ?") + std::to_string(first + i);
  return sql.append(")").append(tail);
}

// inscrire_add_suffix(taken, suffix): the bitmap `taken` (a blob, or NULL for none) with
// `suffix` (0..9999) added.
void add_suffix_function(sqlite3_context* context, int /*count*/, sqlite3_value** values) {
  const auto* data = static_cast<const char*>(sqlite3_value_blob(values[0]));
  auto taken = TakenSuffixes::from_bytes(
      data == nullptr
          ? std::string_view()
          : std::string_view(data, static_cast<std::size_t>(sqlite3_value_bytes(values[0]))));
  const auto suffix = sqlite3_value_int(values[1]);
  if (suffix < 0 || suffix >= kSuffixCount) {
    sqlite3_result_error(context, "suffix out of range", -1);
    return;
  }
  taken.insert(suffix);
  const auto bytes = taken.to_bytes();
  sqlite3_result_blob(context, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

#define USER_SELECT "SELECT " INSCRIRE_USER_COLUMNS " FROM users "
#define PARTICIPATION_SELECT "SELECT " INSCRIRE_PARTICIPATION_COLUMNS " FROM participations "

std::vector<Participation> read_participations(Statement& statement) {
  std::vector<Participation> found;
  while (statement.step()) found.push_back(read_participation(statement));
  return found;
}

#define LEARNER_STATE_SQL INSCRIRE_LEARNER_STATE_SQL("learners", "", "?4")
// learner_accounts reads the state after the username.
constexpr int kStateColumn = storage::kLearnerUsernameColumn + 1;
#define CAMPAIGN_SELECT INSCRIRE_CAMPAIGN_SELECT("")

// A username's failures (zeros when the query found no row).
LoginFailures read_failures(Statement& query) {
  LoginFailures failures;
  if (query.step()) {
    failures.failed_attempts = static_cast<int>(query.integer(0));
    failures.blocked_until = query.integer(1);
    failures.blocked = query.flag(2);
  }
  return failures;
}

class SqliteTransaction final : public StoreTransaction {
 public:
  explicit SqliteTransaction(Connection& db) : db_(db) {}

  // --- UsernameRegistry
  TakenSuffixes taken_suffixes(std::string_view stem) override {
    auto query = db_.prepare("SELECT taken FROM username_stems WHERE stem = ?1");
    query.bind(1, stem);
    return query.step() ? TakenSuffixes::from_bytes(query.blob(0)) : TakenSuffixes{};
  }

  bool is_taken(std::string_view username) override {
    auto query = db_.prepare("SELECT 1 FROM users WHERE username = ?1");
    query.bind(1, username);
    return query.step();
  }

  // --- Organizations
  std::optional<Organization> organization(std::string_view uai) override {
    auto query = db_.prepare("SELECT id, uai, name FROM organizations WHERE uai = ?1");
    query.bind(1, uai);
    if (!query.step()) return std::nullopt;
    return Organization{query.integer(0), query.text(1), query.text(2)};
  }

  std::optional<Organization> organization_by_id(Id id) override {
    auto query = db_.prepare("SELECT id, uai, name FROM organizations WHERE id = ?1");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return Organization{query.integer(0), query.text(1), query.text(2)};
  }

  std::vector<Organization> organizations() override {
    auto query = db_.prepare("SELECT id, uai, name FROM organizations ORDER BY uai");
    std::vector<Organization> found;
    while (query.step()) found.push_back({query.integer(0), query.text(1), query.text(2)});
    return found;
  }

  std::optional<Organization> insert_organization(std::string_view uai, std::string_view name,
                                                  std::int64_t created_at) override {
    auto insert = db_.prepare(
        "INSERT INTO organizations(uai, name, created_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(uai) DO NOTHING");
    insert.bind(1, uai).bind(2, name).bind(3, created_at).run();
    if (db_.changes() == 0) return std::nullopt;
    return Organization{db_.last_insert_id(), std::string(uai), std::string(name)};
  }

  // --- Learners: reads
  std::optional<Learner> learner(Id id) override {
    auto query = db_.prepare(LEARNER_SELECT "WHERE id = ?1");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_learner(query);
  }

  std::optional<Learner> learner_by_user(Id organization_id, Id user_id) override {
    auto query = db_.prepare(LEARNER_SELECT "WHERE organization_id = ?1 AND user_id = ?2");
    query.bind(1, organization_id).bind(2, user_id);
    if (!query.step()) return std::nullopt;
    return read_learner(query);
  }

  std::optional<Learner> learner_by_ine(Id organization_id, std::string_view ine) override {
    auto query = db_.prepare(LEARNER_SELECT "WHERE organization_id = ?1 AND ine = ?2");
    query.bind(1, organization_id).bind(2, ine);
    if (!query.step()) return std::nullopt;
    return read_learner(query);
  }

  std::vector<Learner> learners_of_user(Id user_id) override {
    auto query = db_.prepare(LEARNER_SELECT "WHERE user_id = ?1 ORDER BY id");
    query.bind(1, user_id);
    return read_learners(query);
  }

  std::vector<MatchCandidate> match_candidates(Id organization_id,
                                               const BirthDate& birthdate) override {
    auto query = db_.prepare(
        "SELECT id, first_key, second_key, third_key, last_key, usage_key FROM learners "
        "WHERE organization_id = ?1 AND birthdate = ?2 AND disabled = 0");
    query.bind(1, organization_id).bind(2, birthdate.iso());
    std::vector<MatchCandidate> candidates;
    while (query.step()) {
      candidates.push_back({query.integer(0), query.text(1), query.text(2), query.text(3),
                            query.text(4), query.text(5)});
    }
    return candidates;
  }

  // Two statements: SQLite's are function calls, with nothing to save by joining them.
  CampaignCandidates campaign_candidates(std::string_view canonical_code,
                                         const BirthDate& birthdate) override {
    CampaignCandidates found{campaign(canonical_code), {}};
    if (found.campaign)
      found.candidates = match_candidates(found.campaign->organization_id, birthdate);
    return found;
  }

  std::vector<Learner> learners(Id organization_id, const std::string* division,
                                bool include_disabled) override {
    auto query = db_.prepare(LEARNER_SELECT
                             "WHERE organization_id = ?1 AND (?2 IS NULL OR division = ?2) "
                             "AND (?3 OR disabled = 0) "
                             "ORDER BY division, last_name, first_name, id");
    query.bind(1, organization_id).bind(3, include_disabled);
    if (division != nullptr) query.bind(2, *division);
    return read_learners(query);
  }

  void visit_learners(Id organization_id,
                      const std::function<void(const Learner&)>& visit) override {
    auto query = db_.prepare("SELECT " LEARNER_COLUMNS " FROM learners WHERE organization_id = ?1");
    query.bind(1, organization_id);
    while (query.step()) visit(read_learner(query, false));
  }

  std::vector<Learner> learners_without_participation(const Campaign& campaign) override {
    auto query = db_.prepare(LEARNER_SELECT
                             "WHERE organization_id = (SELECT organization_id FROM campaigns "
                             "WHERE id = ?1) AND disabled = 0 AND (?2 = '' OR division = ?2) "
                             "AND NOT EXISTS (SELECT 1 FROM participations p WHERE "
                             "p.campaign_id = ?1 AND p.learner_id = learners.id) "
                             "ORDER BY division, last_name, first_name, id");
    query.bind(1, campaign.id).bind(2, campaign.division);
    return read_learners(query);
  }

  std::vector<CampaignParticipant> campaign_participants(const Campaign& campaign) override {
    auto query = db_.prepare(LEARNER_SELECT
                             "WHERE organization_id = ?3 AND (((?2 = '' OR division = ?2) AND "
                             "disabled = 0) OR EXISTS (SELECT 1 FROM participations p WHERE "
                             "p.campaign_id = ?1 AND p.learner_id = learners.id AND "
                             "p.dissociated = 0)) ORDER BY division, last_name, first_name, id");
    query.bind(1, campaign.id).bind(2, campaign.division).bind(3, campaign.organization_id);
    std::vector<CampaignParticipant> found;
    for (auto& learner : read_learners(query)) {
      auto participation = this->participation(campaign.id, learner.id);
      found.push_back({std::move(learner), std::move(participation)});
    }
    return found;
  }

  std::vector<LearnerAccount> learner_accounts(Id organization_id,
                                               const LearnerPageQuery& filter) override {
    static const auto sql = storage::StaticSql::keep(
        "SELECT * FROM (SELECT " LEARNER_COLUMNS
        ", (SELECT u.username FROM users u WHERE u.id = learners.user_id) AS "
        "username, " LEARNER_STATE_SQL
        " AS state FROM learners WHERE organization_id = ?1 AND (?2 IS NULL OR division = ?2) "
        "AND (?7 IS NULL OR ine = ?7)) WHERE (?3 IS NULL OR state = ?3) AND " +
        storage::learner_search_sql("?", "", 8) +
        " ORDER BY last_name, first_name, ine, id "
        "LIMIT ?5 OFFSET ?6");
    auto query = db_.prepare(sql);
    query.bind(1, organization_id).bind(4, filter.now);
    if (filter.division != nullptr) query.bind(2, *filter.division);
    if (filter.state) query.bind(3, static_cast<std::int64_t>(*filter.state));
    query.bind(5, filter.limit).bind(6, filter.offset);
    if (filter.ine != nullptr) query.bind(7, *filter.ine);
    if (const auto* search = filter.search) {
      query.bind(8, search->ine).bind(9, search->username).bind(10, search->name);
      for (std::size_t i = 0; i < search->words.size(); ++i) {
        query.bind(11 + static_cast<int>(i), search->words[i]);
      }
    }
    std::vector<LearnerAccount> found;
    while (query.step()) {
      LearnerAccount row{read_learner(query),
                         storage::learner_state_of(query.integer(kStateColumn)), std::nullopt, 0};
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
    auto query = db_.prepare(
        "SELECT u.username FROM learners l JOIN users u ON u.id = l.user_id "
        "WHERE l.ine = ?1 AND l.organization_id <> ?2 ORDER BY l.organization_id LIMIT 1");
    query.bind(1, ine).bind(2, excluded_organization_id);
    if (!query.step()) return std::nullopt;
    return query.text(0);
  }

  std::vector<Id> users_linked_by_ine(std::span<const std::string_view> ines,
                                      Id excluded_organization_id) override {
    static const auto sql =
        storage::StaticSql::keep(in_list_sql("SELECT user_id FROM learners WHERE ine IN ", 2,
                                             " AND organization_id <> ?1 AND user_id IS NOT NULL"));
    std::vector<Id> users;
    for (std::size_t first = 0; first < ines.size(); first += kProbeBatch) {
      auto query = db_.prepare(sql);
      query.bind(1, excluded_organization_id);
      const auto batch =
          ines.subspan(first, std::min<std::size_t>(kProbeBatch, ines.size() - first));
      for (std::size_t i = 0; i < batch.size(); ++i) {
        query.bind_static(2 + static_cast<int>(i), batch[i]);
      }
      while (query.step()) users.push_back(query.integer(0));
    }
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    return users;
  }

  std::vector<LinkedLearner> learners_linked_to(std::span<const Id> user_ids) override {
    static const auto sql = storage::StaticSql::keep(in_list_sql(
        "SELECT id, organization_id, ine, birthdate, user_id FROM learners WHERE user_id IN ", 1,
        ""));
    std::vector<LinkedLearner> found;
    for (std::size_t first = 0; first < user_ids.size(); first += kProbeBatch) {
      auto query = db_.prepare(sql);
      const auto count = std::min<std::size_t>(kProbeBatch, user_ids.size() - first);
      for (std::size_t i = 0; i < count; ++i) {
        query.bind(1 + static_cast<int>(i), user_ids[first + i]);
      }
      while (query.step()) {
        found.push_back({query.integer(0), query.integer(1), query.text(2),
                         BirthDate::from_trusted_iso(query.text(3)), query.integer(4)});
      }
    }
    return found;
  }

  // --- Learners: writes
  int insert_learners(Id organization_id, std::span<const NewLearner> rows,
                      std::int64_t updated_at) override {
    int inserted = 0;
    for (const auto& row : rows) {
      auto insert = db_.prepare(kInsertLearner);
      insert.bind(1, organization_id).bind(2, updated_at);
      const storage::LearnerFieldValues values(row.fields);
      bind_fields(insert, 3, values);
      insert.bind(3 + kLearnerWrittenCount, row.user_id).run();
      inserted += db_.changes();
    }
    return inserted;
  }

  void update_learner(Id learner_id, const LearnerFields& fields,
                      std::int64_t updated_at) override {
    auto update = db_.prepare(
        "UPDATE learners SET (" INSCRIRE_LEARNER_WRITTEN_COLUMNS
        ") = (?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
        "?21, ?22, ?23), updated_at = ?2 WHERE id = ?1");
    update.bind(1, learner_id).bind(2, updated_at);
    const storage::LearnerFieldValues values(fields);
    bind_fields(update, 3, values);
    update.run();
  }

  void set_learner_disabled(Id learner_id, bool disabled, std::int64_t updated_at) override {
    db_.prepare("UPDATE learners SET disabled = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(1, learner_id)
        .bind(2, disabled)
        .bind(3, updated_at)
        .run();
  }

  bool link_learner(Id learner_id, Id user_id) override {
    auto update = db_.prepare("UPDATE learners SET user_id = ?2 WHERE id = ?1 AND user_id IS NULL");
    update.bind(1, learner_id).bind(2, user_id).run();
    return db_.changes() == 1;
  }

  void unlink_learner(Id learner_id) override {
    db_.prepare("UPDATE learners SET user_id = NULL WHERE id = ?1").bind(1, learner_id).run();
  }

  int dissociate_participations(Id learner_id) override {
    db_.prepare(
           "UPDATE participations SET dissociated = 1 WHERE learner_id = ?1 AND dissociated = 0")
        .bind(1, learner_id)
        .run();
    return db_.changes();
  }

  // --- Users
  std::optional<User> user(Id id) override {
    auto query = db_.prepare(USER_SELECT "WHERE id = ?1");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_user(query);
  }

  std::optional<User> user_by_username(std::string_view username) override {
    auto query = db_.prepare(USER_SELECT "WHERE username = ?1");
    query.bind(1, username);
    if (!query.step()) return std::nullopt;
    return read_user(query);
  }

  std::optional<User> insert_user(std::string_view username, std::string_view password_hash,
                                  bool must_change_password, std::int64_t created_at) override {
    auto insert = db_.prepare(
        "INSERT INTO users(username, password_hash, must_change_password, created_at) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(username) DO NOTHING");
    insert.bind(1, username).bind(2, password_hash).bind(3, must_change_password);
    insert.bind(4, created_at).run();
    if (db_.changes() == 0) return std::nullopt;
    User inserted;
    inserted.id = db_.last_insert_id();
    inserted.username = username;
    inserted.password_hash = password_hash;
    inserted.must_change_password = must_change_password;
    return inserted;
  }

  void save_user(const User& user) override {
    db_.prepare(
           "UPDATE users SET password_hash = ?2, must_change_password = ?3, "
           "failed_attempts = ?4, blocked_until = ?5, blocked = ?6, disabled = ?7, "
           "temporary_expires_at = ?8, last_login_at = ?9 WHERE id = ?1")
        .bind(1, user.id)
        .bind(8, user.temporary_expires_at)
        .bind(9, user.last_login_at)
        .bind(2, user.password_hash)
        .bind(3, user.must_change_password)
        .bind(4, user.failed_attempts)
        .bind(5, user.blocked_until)
        .bind(6, user.blocked)
        .bind(7, user.disabled)
        .run();
  }

  bool rename_user(Id user_id, std::string_view username) override {
    db_.prepare("UPDATE OR IGNORE users SET username = ?2 WHERE id = ?1")
        .bind(1, user_id)
        .bind(2, username)
        .run();
    return db_.changes() == 1;
  }

  // One statement, like PostgreSQL's set_bit: the bit is set by the SQL function
  // inscrire_add_suffix on the bitmap as stored, never on a copy read earlier.
  void add_taken_suffix(std::string_view stem, int suffix) override {
    db_.prepare(
           "INSERT INTO username_stems(stem, taken) VALUES (?1, inscrire_add_suffix(NULL, ?2)) "
           "ON CONFLICT(stem) DO UPDATE SET taken = inscrire_add_suffix(taken, ?2)")
        .bind(1, stem)
        .bind(2, suffix)
        .run();
  }

  // --- Campaigns
  std::optional<Campaign> campaign(std::string_view canonical_code) override {
    auto query = db_.prepare(CAMPAIGN_SELECT "WHERE c.code = ?1");
    query.bind(1, canonical_code);
    if (!query.step()) return std::nullopt;
    return read_campaign(query);
  }

  std::vector<Campaign> campaigns(Id organization_id) override {
    auto query = db_.prepare(CAMPAIGN_SELECT "WHERE c.organization_id = ?1 ORDER BY c.id");
    query.bind(1, organization_id);
    std::vector<Campaign> found;
    while (query.step()) found.push_back(read_campaign(query));
    return found;
  }

  std::optional<Campaign> insert_campaign(Id organization_id, const Campaign& campaign,
                                          std::int64_t created_at) override {
    auto insert = db_.prepare(
        "INSERT INTO campaigns(organization_id, code, name, division, target_profile, status, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(code) DO NOTHING");
    insert.bind(1, organization_id).bind(2, campaign.code).bind(3, campaign.name);
    insert.bind(4, campaign.division).bind(5, campaign.target_profile);
    insert.bind(6, campaign_status_name(campaign.status)).bind(7, created_at).run();
    if (db_.changes() == 0) return std::nullopt;
    return this->campaign(campaign.code);
  }

  void set_campaign_status(Id campaign_id, CampaignStatus status) override {
    db_.prepare("UPDATE campaigns SET status = ?2 WHERE id = ?1")
        .bind(1, campaign_id)
        .bind(2, campaign_status_name(status))
        .run();
  }

  std::optional<Campaign> campaign_by_id(Id campaign_id) override {
    auto query = db_.prepare(CAMPAIGN_SELECT "WHERE c.id = ?1");
    query.bind(1, campaign_id);
    if (!query.step()) return std::nullopt;
    return read_campaign(query);
  }

  bool campaign_has_participations(Id campaign_id) override {
    auto query = db_.prepare("SELECT 1 FROM participations WHERE campaign_id = ?1 LIMIT 1");
    query.bind(1, campaign_id);
    return query.step();
  }

  // --- Participations
  std::optional<Participation> participation(Id campaign_id, Id learner_id) override {
    auto query = db_.prepare(PARTICIPATION_SELECT
                             "WHERE campaign_id = ?1 AND learner_id = ?2 AND dissociated = 0");
    query.bind(1, campaign_id).bind(2, learner_id);
    if (!query.step()) return std::nullopt;
    return read_participation(query);
  }

  bool insert_participation(Id campaign_id, Id learner_id, Id user_id,
                            std::int64_t created_at) override {
    db_.prepare(
           "INSERT INTO participations(campaign_id, learner_id, user_id, status, created_at) "
           "VALUES (?1, ?2, ?3, 'STARTED', ?4) "
           "ON CONFLICT(campaign_id, learner_id) WHERE dissociated = 0 DO NOTHING")
        .bind(1, campaign_id)
        .bind(2, learner_id)
        .bind(3, user_id)
        .bind(4, created_at)
        .run();
    return db_.changes() == 1;
  }

  std::vector<Participation> participations_of_learner(Id learner_id) override {
    auto query = db_.prepare(PARTICIPATION_SELECT "WHERE learner_id = ?1 ORDER BY id");
    query.bind(1, learner_id);
    return read_participations(query);
  }

  std::vector<Participation> participations_of_user(Id user_id) override {
    auto query = db_.prepare(PARTICIPATION_SELECT "WHERE user_id = ?1 ORDER BY id");
    query.bind(1, user_id);
    return read_participations(query);
  }

  int count_participations_of_user(Id user_id) override {
    auto query = db_.prepare("SELECT count(*) FROM participations WHERE user_id = ?1");
    query.bind(1, user_id);
    query.step();
    return static_cast<int>(query.integer(0));
  }

  void save_participation(const Participation& participation) override {
    db_.prepare(
           "UPDATE participations SET status = ?2, completed_at = ?3, shared_at = ?4 "
           "WHERE id = ?1")
        .bind(1, participation.id)
        .bind(2, participation.status)
        .bind(3, participation.completed_at)
        .bind(4, participation.shared_at)
        .run();
  }

  // --- Tokens
  void insert_token(std::string_view digest, Id user_id, std::string_view purpose,
                    std::int64_t expires_at) override {
    db_.prepare("INSERT INTO tokens(digest, user_id, purpose, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, digest)
        .bind(2, user_id)
        .bind(3, purpose)
        .bind(4, expires_at)
        .run();
  }

  std::optional<Id> consume_token(std::string_view digest, std::string_view purpose,
                                  std::int64_t now) override {
    auto update = db_.prepare(
        "UPDATE tokens SET used = 1 WHERE digest = ?1 AND purpose = ?2 AND used = 0 "
        "AND expires_at > ?3 RETURNING user_id");
    update.bind(1, digest).bind(2, purpose).bind(3, now);
    if (!update.step()) return std::nullopt;
    const Id user_id = update.integer(0);
    update.run();
    return user_id;
  }

  std::optional<StoredToken> token(std::string_view digest, std::string_view purpose,
                                   std::int64_t now) override {
    auto query = db_.prepare(
        "SELECT user_id, expires_at FROM tokens WHERE digest = ?1 AND purpose = ?2 AND used = 0 "
        "AND expires_at > ?3");
    query.bind(1, digest).bind(2, purpose).bind(3, now);
    if (!query.step()) return std::nullopt;
    return StoredToken{query.integer(0), query.integer(1)};
  }

  bool delete_token(std::string_view digest) override {
    db_.prepare("DELETE FROM tokens WHERE digest = ?1").bind(1, digest).run();
    return db_.changes() == 1;
  }

  void revoke_tokens(Id user_id, std::string_view purpose) override {
    db_.prepare("DELETE FROM tokens WHERE user_id = ?1 AND (coalesce(?2, '') = '' OR purpose = ?2)")
        .bind(1, user_id)
        .bind(2, purpose)
        .run();
  }

  // --- Throttling and audit
  LoginFailures login_failures(std::string_view username) override {
    auto query = db_.prepare(
        "SELECT failed_attempts, blocked_until, blocked FROM login_failures WHERE username = ?1");
    query.bind(1, username);
    return read_failures(query);
  }

  void save_login_failures(std::string_view username, const LoginFailures& failures) override {
    db_.prepare(
           "INSERT INTO login_failures(username, failed_attempts, blocked_until, blocked) "
           "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(username) DO UPDATE SET "
           "failed_attempts = excluded.failed_attempts, blocked_until = excluded.blocked_until, "
           "blocked = excluded.blocked")
        .bind(1, username)
        .bind(2, failures.failed_attempts)
        .bind(3, failures.blocked_until)
        .bind(4, failures.blocked)
        .run();
  }

  void clear_login_failures(std::string_view username) override {
    db_.prepare("DELETE FROM login_failures WHERE username = ?1").bind(1, username).run();
  }

  int count_events(std::string_view client_key, std::string_view kind,
                   std::int64_t since) override {
    auto query = db_.prepare(
        "SELECT count(*) FROM attempt_events WHERE client_key = ?1 AND kind = ?2 AND at >= ?3");
    query.bind(1, client_key).bind(2, kind).bind(3, since);
    query.step();
    return static_cast<int>(query.integer(0));
  }

  void record_event(std::string_view client_key, std::string_view kind, std::int64_t at,
                    std::int64_t forget_before) override {
    db_.prepare("DELETE FROM attempt_events WHERE client_key = ?1 AND kind = ?2 AND at < ?3")
        .bind(1, client_key)
        .bind(2, kind)
        .bind(3, forget_before)
        .run();
    db_.prepare("INSERT INTO attempt_events(client_key, kind, at) VALUES (?1, ?2, ?3)")
        .bind(1, client_key)
        .bind(2, kind)
        .bind(3, at)
        .run();
  }

  std::optional<std::int64_t> oldest_event(std::string_view client_key, std::string_view kind,
                                           std::int64_t since) override {
    auto query = db_.prepare(
        "SELECT min(at) FROM attempt_events WHERE client_key = ?1 AND kind = ?2 AND at >= ?3");
    query.bind(1, client_key).bind(2, kind).bind(3, since);
    query.step();
    return query.optional_integer(0);
  }

  // --- Staff accounts
  std::optional<StaffAccount> staff(Id id) override {
    auto query = db_.prepare("SELECT " INSCRIRE_STAFF_COLUMNS " FROM staff WHERE id = ?1");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return storage::read_staff(query);
  }

  std::optional<StaffAccount> staff_by_username(std::string_view username) override {
    auto query = db_.prepare("SELECT " INSCRIRE_STAFF_COLUMNS " FROM staff WHERE username = ?1");
    query.bind(1, username);
    if (!query.step()) return std::nullopt;
    return storage::read_staff(query);
  }

  std::optional<StaffAccount> insert_staff(std::string_view username, std::string_view display_name,
                                           std::string_view password_hash,
                                           std::int64_t created_at) override {
    db_.prepare(
           "INSERT INTO staff(username, display_name, password_hash, created_at) "
           "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(username) DO NOTHING")
        .bind(1, username)
        .bind(2, display_name)
        .bind(3, password_hash)
        .bind(4, created_at)
        .run();
    if (db_.changes() == 0) return std::nullopt;
    return staff(db_.last_insert_id());
  }

  void save_staff(const StaffAccount& a) override {
    db_.prepare(
           "UPDATE staff SET display_name = ?2, password_hash = ?3, must_change_password = ?4, "
           "temporary_expires_at = ?5, disabled = ?6, totp_secret = ?7, totp_pending = ?8, "
           "totp_last_step = ?9, last_login_at = ?10 WHERE id = ?1")
        .bind(1, a.id)
        .bind(2, a.display_name)
        .bind(3, a.password_hash)
        .bind(4, a.must_change_password)
        .bind(5, a.temporary_expires_at)
        .bind(6, a.disabled)
        .bind(7, a.totp_secret)
        .bind(8, a.totp_pending)
        .bind(9, a.totp_last_step)
        .bind(10, a.last_login_at)
        .run();
  }

  bool advance_totp_step(Id staff_id, std::int64_t step) override {
    db_.prepare(
           "UPDATE staff SET totp_last_step = ?2 WHERE id = ?1 AND "
           "(totp_last_step IS NULL OR totp_last_step < ?2)")
        .bind(1, staff_id)
        .bind(2, step)
        .run();
    return db_.changes() == 1;
  }

  // --- Memberships
  std::vector<StaffMembership> memberships_of_staff(Id staff_id) override {
    auto query = db_.prepare(
        "SELECT m.staff_id, m.organization_id, o.uai, m.role, m.created_at FROM "
        "staff_memberships m JOIN organizations o ON o.id = m.organization_id "
        "WHERE m.staff_id = ?1 ORDER BY o.uai");
    query.bind(1, staff_id);
    std::vector<StaffMembership> found;
    while (query.step()) {
      found.push_back({query.integer(0), query.integer(1), query.text(2),
                       storage::read_role(query, 3), query.integer(4)});
    }
    return found;
  }

  std::vector<std::pair<StaffMembership, StaffAccount>> members(Id organization_id) override {
    auto query = db_.prepare(
        "SELECT m.staff_id, m.organization_id, o.uai, m.role, m.created_at FROM "
        "staff_memberships m JOIN organizations o ON o.id = m.organization_id "
        "JOIN staff s ON s.id = m.staff_id WHERE m.organization_id = ?1 ORDER BY s.username");
    query.bind(1, organization_id);
    std::vector<StaffMembership> memberships;
    while (query.step()) {
      memberships.push_back({query.integer(0), query.integer(1), query.text(2),
                             storage::read_role(query, 3), query.integer(4)});
    }
    std::vector<std::pair<StaffMembership, StaffAccount>> found;
    found.reserve(memberships.size());
    for (auto& membership : memberships) {
      auto account = *staff(membership.staff_id);
      found.emplace_back(std::move(membership), std::move(account));
    }
    return found;
  }

  bool insert_membership(const StaffMembership& m) override {
    db_.prepare(
           "INSERT INTO staff_memberships(staff_id, organization_id, role, created_at) "
           "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(staff_id, organization_id) DO NOTHING")
        .bind(1, m.staff_id)
        .bind(2, m.organization_id)
        .bind(3, staff_role_name(m.role))
        .bind(4, m.since)
        .run();
    return db_.changes() == 1;
  }

  void set_membership_role(Id staff_id, Id organization_id, StaffRole role) override {
    db_.prepare(
           "UPDATE staff_memberships SET role = ?3 WHERE staff_id = ?1 AND organization_id = ?2")
        .bind(1, staff_id)
        .bind(2, organization_id)
        .bind(3, staff_role_name(role))
        .run();
  }

  void delete_membership(Id staff_id, Id organization_id) override {
    db_.prepare("DELETE FROM staff_memberships WHERE staff_id = ?1 AND organization_id = ?2")
        .bind(1, staff_id)
        .bind(2, organization_id)
        .run();
  }

  int count_admins(Id organization_id) override {
    auto query = db_.prepare(
        "SELECT count(*) FROM staff_memberships m JOIN staff s ON s.id = m.staff_id "
        "WHERE m.organization_id = ?1 AND m.role = 'ADMIN' AND s.disabled = 0");
    query.bind(1, organization_id);
    query.step();
    return static_cast<int>(query.integer(0));
  }

  // --- Invitations
  StoredInvitation insert_invitation(std::string_view digest,
                                     const StoredInvitation& invitation) override {
    db_.prepare(
           "INSERT INTO staff_invitations(digest, organization_id, role, created_by, created_at, "
           "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, digest)
        .bind(2, invitation.organization_id)
        .bind(3, staff_role_name(invitation.role))
        .bind(4, invitation.created_by)
        .bind(5, invitation.created_at)
        .bind(6, invitation.expires_at)
        .run();
    auto stored = invitation;
    stored.id = db_.last_insert_id();
    return stored;
  }

  std::optional<StoredInvitation> live_invitation(std::string_view digest,
                                                  std::int64_t now) override {
    auto query = db_.prepare("SELECT " INSCRIRE_INVITATION_COLUMNS
                             " FROM staff_invitations WHERE digest = ?1 AND used_at IS NULL AND "
                             "revoked_at IS NULL AND expires_at > ?2");
    query.bind(1, digest).bind(2, now);
    if (!query.step()) return std::nullopt;
    return storage::read_invitation(query);
  }

  std::optional<StoredInvitation> consume_invitation(std::string_view digest,
                                                     std::int64_t now) override {
    auto query = db_.prepare(
        "UPDATE staff_invitations SET used_at = ?2 WHERE digest = ?1 AND used_at IS NULL AND "
        "revoked_at IS NULL AND expires_at > ?2 RETURNING " INSCRIRE_INVITATION_COLUMNS);
    query.bind(1, digest).bind(2, now);
    if (!query.step()) return std::nullopt;
    auto consumed = storage::read_invitation(query);
    query.run();
    return consumed;
  }

  std::vector<StoredInvitation> pending_invitations(Id organization_id, std::int64_t now) override {
    auto query = db_.prepare("SELECT " INSCRIRE_INVITATION_COLUMNS
                             " FROM staff_invitations WHERE organization_id = ?1 AND used_at IS "
                             "NULL AND revoked_at IS NULL AND expires_at > ?2 ORDER BY id");
    query.bind(1, organization_id).bind(2, now);
    std::vector<StoredInvitation> found;
    while (query.step()) found.push_back(storage::read_invitation(query));
    return found;
  }

  bool revoke_invitation(Id organization_id, Id invitation_id, std::int64_t now) override {
    db_.prepare(
           "UPDATE staff_invitations SET revoked_at = ?3 WHERE id = ?2 AND organization_id = ?1 "
           "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?3")
        .bind(1, organization_id)
        .bind(2, invitation_id)
        .bind(3, now)
        .run();
    return db_.changes() == 1;
  }

  // --- Staff tokens
  void insert_staff_token(std::string_view digest, Id staff_id, std::string_view purpose,
                          std::int64_t created_at, std::int64_t expires_at) override {
    db_.prepare(
           "INSERT INTO staff_tokens(digest, staff_id, purpose, created_at, last_used_at, "
           "expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5)")
        .bind(1, digest)
        .bind(2, staff_id)
        .bind(3, purpose)
        .bind(4, created_at)
        .bind(5, expires_at)
        .run();
  }

  std::optional<StoredStaffToken> staff_token(std::string_view digest, std::string_view purpose,
                                              std::int64_t now) override {
    auto query = db_.prepare(
        "SELECT staff_id, created_at, last_used_at, expires_at FROM staff_tokens WHERE "
        "digest = ?1 AND purpose = ?2 AND used = 0 AND expires_at > ?3");
    query.bind(1, digest).bind(2, purpose).bind(3, now);
    if (!query.step()) return std::nullopt;
    return StoredStaffToken{query.integer(0), query.integer(1), query.integer(2), query.integer(3)};
  }

  void touch_staff_token(std::string_view digest, std::int64_t now) override {
    db_.prepare("UPDATE staff_tokens SET last_used_at = max(last_used_at, ?2) WHERE digest = ?1")
        .bind(1, digest)
        .bind(2, now)
        .run();
  }

  std::optional<Id> consume_staff_token(std::string_view digest, std::string_view purpose,
                                        std::int64_t now) override {
    auto query = db_.prepare(
        "UPDATE staff_tokens SET used = 1 WHERE digest = ?1 AND purpose = ?2 AND used = 0 AND "
        "expires_at > ?3 RETURNING staff_id");
    query.bind(1, digest).bind(2, purpose).bind(3, now);
    if (!query.step()) return std::nullopt;
    const Id staff_id = query.integer(0);
    query.run();
    return staff_id;
  }

  bool delete_staff_token(std::string_view digest) override {
    db_.prepare("DELETE FROM staff_tokens WHERE digest = ?1").bind(1, digest).run();
    return db_.changes() == 1;
  }

  void revoke_staff_tokens(Id staff_id, std::string_view purpose) override {
    db_.prepare(
           "DELETE FROM staff_tokens WHERE staff_id = ?1 AND (coalesce(?2, '') = '' OR "
           "purpose = ?2)")
        .bind(1, staff_id)
        .bind(2, purpose)
        .run();
  }

  // --- Recovery codes
  void replace_recovery_codes(Id staff_id, std::span<const std::string> digests) override {
    db_.prepare("DELETE FROM staff_recovery_codes WHERE staff_id = ?1").bind(1, staff_id).run();
    for (const auto& digest : digests) {
      db_.prepare("INSERT INTO staff_recovery_codes(staff_id, digest) VALUES (?1, ?2)")
          .bind(1, staff_id)
          .bind(2, digest)
          .run();
    }
  }

  bool use_recovery_code(Id staff_id, std::string_view digest, std::int64_t now) override {
    db_.prepare(
           "UPDATE staff_recovery_codes SET used_at = ?3 WHERE staff_id = ?1 AND digest = ?2 "
           "AND used_at IS NULL")
        .bind(1, staff_id)
        .bind(2, digest)
        .bind(3, now)
        .run();
    return db_.changes() == 1;
  }

  // --- Staff login failures
  LoginFailures staff_login_failures(std::string_view username) override {
    auto query = db_.prepare(
        "SELECT failed_attempts, blocked_until, blocked FROM staff_login_failures "
        "WHERE username = ?1");
    query.bind(1, username);
    return read_failures(query);
  }

  void save_staff_login_failures(std::string_view username,
                                 const LoginFailures& failures) override {
    db_.prepare(
           "INSERT INTO staff_login_failures(username, failed_attempts, blocked_until, blocked) "
           "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(username) DO UPDATE SET "
           "failed_attempts = excluded.failed_attempts, blocked_until = excluded.blocked_until, "
           "blocked = excluded.blocked")
        .bind(1, username)
        .bind(2, failures.failed_attempts)
        .bind(3, failures.blocked_until)
        .bind(4, failures.blocked)
        .run();
  }

  void clear_staff_login_failures(std::string_view username) override {
    db_.prepare("DELETE FROM staff_login_failures WHERE username = ?1").bind(1, username).run();
  }

  void rename_campaign(Id campaign_id, std::string_view name) override {
    db_.prepare("UPDATE campaigns SET name = ?2 WHERE id = ?1")
        .bind(1, campaign_id)
        .bind(2, name)
        .run();
  }

  bool delete_participation(Id campaign_id, Id learner_id) override {
    db_.prepare(
           "DELETE FROM participations WHERE campaign_id = ?1 AND learner_id = ?2 AND "
           "dissociated = 0")
        .bind(1, campaign_id)
        .bind(2, learner_id)
        .run();
    return db_.changes() == 1;
  }

  void set_campaign_owner(Id campaign_id, std::optional<Id> staff_id,
                          std::string_view subject) override {
    db_.prepare("UPDATE campaigns SET owner_staff_id = ?2, owner_subject = ?3 WHERE id = ?1")
        .bind(1, campaign_id)
        .bind(2, staff_id)
        .bind(3, subject)
        .run();
  }

  // --- Audit
  void audit(const AuditEntry& e, std::int64_t at) override {
    db_.prepare(
           "INSERT INTO audit_log(at, uai, actor_kind, actor_ref, actor, actor_role, action, "
           "target, detail, outcome, client) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
           "?11)")
        .bind(1, at)
        .bind(2, e.uai)
        .bind(3, e.actor_kind)
        .bind(4, e.actor_ref)
        .bind(5, e.actor_name)
        .bind(6, e.actor_role)
        .bind(7, e.action)
        .bind(8, e.target)
        .bind(9, e.detail)
        .bind(10, e.outcome)
        .bind(11, e.client)
        .run();
  }

  std::vector<AuditRow> audit_rows(std::string_view uai, const AuditQuery& q) override {
    auto query = db_.prepare("SELECT " INSCRIRE_AUDIT_COLUMNS
                             " FROM audit_log WHERE uai = ?1 AND at >= ?2 AND (?3 IS NULL OR "
                             "action = ?3) ORDER BY at DESC, id DESC LIMIT ?4 OFFSET ?5");
    query.bind(1, uai).bind(2, q.since.value_or(std::numeric_limits<std::int64_t>::min()));
    if (q.action) query.bind(3, *q.action);
    query.bind(4, q.limit).bind(5, q.offset);
    std::vector<AuditRow> found;
    while (query.step()) found.push_back(storage::read_audit_row(query));
    return found;
  }

  int purge_audit(std::int64_t before) override {
    db_.prepare("DELETE FROM audit_log WHERE at < ?1").bind(1, before).run();
    return db_.changes();
  }

  void retarget_audit(std::string_view from, std::string_view to) override {
    db_.prepare(
           "UPDATE audit_log SET target = ?2, actor_ref = CASE WHEN actor_kind = 'pupil' THEN ?2 "
           "ELSE actor_ref END WHERE target = ?1 COLLATE NOCASE")
        .bind(1, from)
        .bind(2, to)
        .run();
  }

 private:
  Connection& db_;
};

// The path to open: a store that does not migrate never creates a database.
const std::filesystem::path& existing(const std::filesystem::path& path, SchemaPolicy policy) {
  if (policy == SchemaPolicy::Migrate || std::filesystem::exists(path)) return path;
  if (policy == SchemaPolicy::Refuse) {
    throw Error(ErrorCode::SCHEMA_TOO_OLD, "no database at " + path.string() + " yet");
  }
  throw Error(ErrorCode::DATABASE_ERROR, "no database at " + path.string());
}

// A descriptive line per row of a PRAGMA that reports problems.
std::vector<std::string> foreign_key_problems(Connection& db) {
  std::vector<std::string> problems;
  auto rows = db.prepare("PRAGMA foreign_key_check");
  while (rows.step()) {
    problems.push_back("foreign key: " + rows.text(0) + " row " + std::to_string(rows.integer(1)) +
                       " refers to a missing " + rows.text(2) + " row");
  }
  return problems;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::filesystem::path& path, const StoreOptions& options)
      : db_(existing(path, options.schema), options.busy_timeout_ms, options.on_statement),
        writers_(path),
        policy_(options.schema) {
    db_.exec("PRAGMA foreign_keys = ON;");
    db_.exec("PRAGMA journal_mode = WAL;");
    db_.exec("PRAGMA synchronous = NORMAL;");
    // A national platform's learners table outgrows SQLite's 2 MiB default cache: page misses
    // then cost a pread each; 64 MiB of cache keeps lookups in memory. No memory mapping: a
    // connection drops its cache whenever another process has committed, and with a mapping
    // every page read again was a page fault, every growth of the file a remap (a quarter of
    // the CPU of four processes registering at once; docs/benchmarks.md, bench_register).
    db_.exec("PRAGMA cache_size = -65536;");
    db_.exec("PRAGMA mmap_size = 0;");
    // Direct only: no schema object (view, trigger) of a crafted file can call it.
    sqlite3_create_function_v2(db_.handle(), "inscrire_add_suffix", 2,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                               add_suffix_function, nullptr, nullptr, nullptr);
    if (policy_ != SchemaPolicy::Leave) migrate();
  }

  std::string_view engine() const noexcept override { return "sqlite"; }

  SchemaVersions schema_versions() override {
    std::lock_guard lock(mutex_);
    return {user_version(), sqlite::kMigrations.size()};
  }

  // A page SQLite cannot read stops a check with SQLITE_CORRUPT: that is a problem found too.
  std::vector<std::string> check() override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> problems;
    try {
      auto integrity = db_.prepare("PRAGMA integrity_check");
      while (integrity.step()) {
        if (integrity.text(0) != "ok") problems.push_back("integrity: " + integrity.text(0));
      }
      db_.reset_statements();
      for (auto& problem : foreign_key_problems(db_)) problems.push_back(std::move(problem));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::DATABASE_ERROR) throw;
      problems.push_back("integrity: " + e.detail());
    }
    db_.reset_statements();
    return problems;
  }

  void backup(const std::filesystem::path& target) override {
    create_backup_file(target);
    try {
      std::lock_guard lock(mutex_);
      copy_into(target);
    } catch (...) {
      std::error_code ignored;
      std::filesystem::remove(target, ignored);
      throw;
    }
  }

  void transact(TransactionKind kind, const std::function<void(StoreTransaction&)>& work) override {
    std::lock_guard lock(mutex_);
    std::optional<sqlite::WriterTurn> turn;
    if (kind != TransactionKind::Read) {
      turn.emplace(writers_);
      set_durability(kind == TransactionKind::Durable);  // commits only: reads leave it
    }
    begin(kind);
    try {
      SqliteTransaction transaction(db_);
      work(transaction);
      db_.reset_statements();
      db_.prepare("COMMIT").run();
    } catch (...) {
      db_.reset_statements();
      if (sqlite3_get_autocommit(db_.handle()) == 0) {
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      }
      throw;
    }
  }

 private:
  // Among writers of the lock protocol BEGIN IMMEDIATE finds the database free; against other
  // programs it waits through the busy handler, and a few more tries cover the rare cases
  // where SQLite returns BUSY without calling it (a WAL recovery in another process).
  void begin(TransactionKind kind) {
    for (int attempt = 0;; ++attempt) {
      try {
        // Prepared once: the statements of a transaction's edges run on every operation.
        (kind == TransactionKind::Read ? db_.prepare("BEGIN") : db_.prepare("BEGIN IMMEDIATE"))
            .run();
        return;
      } catch (const Error& e) {
        if (e.code() != ErrorCode::DATABASE_BUSY || attempt >= 50) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }

  // Commits that create credentials are synced fully: a username shown to a pupil is never
  // lost on power failure. Others use NORMAL, which in WAL is safe from corruption.
  void set_durability(bool full) {
    if (full == synchronous_full_) return;
    (full ? db_.prepare("PRAGMA synchronous = FULL") : db_.prepare("PRAGMA synchronous = NORMAL"))
        .run();
    synchronous_full_ = full;
  }

  std::size_t user_version() {
    auto version_query = db_.prepare("PRAGMA user_version");
    version_query.step();
    const auto version = static_cast<std::size_t>(version_query.integer(0));
    db_.reset_statements();
    return version;
  }

  // The new file, 0600, never one that exists (a backup holds every account: it must not land
  // in a file others can read, nor replace another backup).
  static void create_backup_file(const std::filesystem::path& target) {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int error = errno;
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  error == EEXIST
                      ? target.string() + " exists: a backup never overwrites a file"
                      : target.string() + ": " + std::generic_category().message(error));
    }
    ::close(fd);
  }

  // SQLite's online backup in one step: one read transaction on this connection, so the copy
  // is the database as of one instant (in WAL, writers go on meanwhile).
  void copy_into(const std::filesystem::path& target) {
    sqlite::Connection copy(target, 0);
    sqlite3_backup* backup = sqlite3_backup_init(copy.handle(), "main", db_.handle(), "main");
    if (backup == nullptr) sqlite::fail(copy.handle(), sqlite3_errcode(copy.handle()), "backup");
    int result = SQLITE_OK;
    for (int attempt = 0; attempt < 100; ++attempt) {
      result = sqlite3_backup_step(backup, -1);
      if (result != SQLITE_BUSY && result != SQLITE_LOCKED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    sqlite3_backup_finish(backup);
    if (result != SQLITE_DONE) sqlite::fail(copy.handle(), result, "backup");
  }

  void migrate() {
    const sqlite::WriterTurn turn(writers_);
    db_.exec("BEGIN IMMEDIATE");
    try {
      const auto version = user_version();
      if (version > sqlite::kMigrations.size()) throw Error(ErrorCode::SCHEMA_TOO_NEW);
      if (version < sqlite::kMigrations.size() && policy_ == SchemaPolicy::Refuse) {
        throw Error(ErrorCode::SCHEMA_TOO_OLD, "schema version " + std::to_string(version) +
                                                   ", the library's " +
                                                   std::to_string(sqlite::kMigrations.size()));
      }
      for (auto next = version; next < sqlite::kMigrations.size(); ++next) {
        db_.exec(sqlite::kMigrations[next]);
        if (next + 1 == sqlite::kUsernameStemVersion) fill_username_stems();
        db_.exec(("PRAGMA user_version = " + std::to_string(next + 1)).c_str());
      }
      db_.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  // The learners of a database older than the stem column get theirs, computed as every write
  // of the names computes it (storage::stored_username_stem), in the migration's transaction.
  void fill_username_stems() {
    std::vector<std::pair<Id, std::string>> stems;
    auto select = db_.prepare("SELECT " INSCRIRE_STEM_SOURCE_COLUMNS " FROM learners");
    while (select.step()) {
      stems.emplace_back(select.integer(0), storage::stored_username_stem(select));
    }
    db_.reset_statements();
    for (const auto& [id, stem] : stems) {
      db_.prepare("UPDATE learners SET username_stem = ?2 WHERE id = ?1")
          .bind(1, id)
          .bind(2, stem)
          .run();
    }
    db_.reset_statements();
  }

  Connection db_;
  sqlite::WriterLock writers_;
  SchemaPolicy policy_;
  std::mutex mutex_;
  bool synchronous_full_ = false;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path,
                                         const StoreOptions& options) {
  return std::make_unique<SqliteStore>(path, options);
}

}  // namespace inscrire
