// The SQLite Store: one database file, WAL, foreign keys, a busy timeout, versioned migrations.
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "inscrire/error.hpp"
#include "inscrire/store.hpp"
#include "inscrire/text.hpp"
#include "sqlite/schema.hpp"
#include "sqlite/sqlite.hpp"

namespace inscrire {
namespace {

using sqlite::Connection;
using sqlite::Statement;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

#define LEARNER_SELECT                                                                     \
  "SELECT id, organization_id, ine, first_name, second_name, third_name, last_name, "      \
  "usage_name, birthdate, sex, division, birth_country_code, birth_department_code, "      \
  "birth_city_code, birth_city_name, mef_code, status, first_key, second_key, third_key, " \
  "last_key, usage_key, disabled, user_id, "                                               \
  "(SELECT u.username FROM users u WHERE u.id = learners.user_id) FROM learners "

Learner read_learner(const Statement& row) {
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
  learner.disabled = row.integer(22) != 0;
  learner.user_id = row.optional_integer(23);
  if (!row.is_null(24)) learner.username = row.text(24);
  return learner;
}

std::vector<Learner> read_learners(Statement& statement) {
  std::vector<Learner> learners;
  while (statement.step()) learners.push_back(read_learner(statement));
  return learners;
}

User read_user(const Statement& row) {
  User user;
  user.id = row.integer(0);
  user.username = row.text(1);
  user.password_hash = row.text(2);
  user.must_change_password = row.integer(3) != 0;
  user.failed_attempts = static_cast<int>(row.integer(4));
  user.blocked_until = row.integer(5);
  user.blocked = row.integer(6) != 0;
  user.disabled = row.integer(7) != 0;
  return user;
}

#define USER_SELECT                                                                            \
  "SELECT id, username, password_hash, must_change_password, failed_attempts, blocked_until, " \
  "blocked, disabled FROM users "

#define CAMPAIGN_SELECT                                                                        \
  "SELECT c.id, c.code, c.name, o.uai, c.division, c.target_profile, c.status, c.created_at, " \
  "c.organization_id FROM campaigns c JOIN organizations o ON o.id = c.organization_id "

Campaign read_campaign(const Statement& row) {
  Campaign campaign;
  campaign.id = row.integer(0);
  campaign.code = row.text(1);
  campaign.name = row.text(2);
  campaign.uai = row.text(3);
  campaign.division = row.text(4);
  campaign.target_profile = row.text(5);
  // The CHECK constraint of the schema admits only the three names.
  campaign.status = campaign_status_from_name(row.text(6)).value_or(CampaignStatus::Active);
  campaign.created_at = std::to_string(row.integer(7));
  campaign.organization_id = row.integer(8);
  return campaign;
}

MatchCandidate keys_of(const RosterEntry& entry) {
  return MatchCandidate{0,
                        comparison_key(entry.first_name),
                        comparison_key(entry.second_name),
                        comparison_key(entry.third_name),
                        comparison_key(entry.last_name),
                        comparison_key(entry.usage_name)};
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

  Organization insert_organization(std::string_view uai, std::string_view name) override {
    auto insert = db_.prepare(
        "INSERT INTO organizations(uai, name, created_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(uai) DO NOTHING");
    insert.bind(1, uai).bind(2, name).bind(3, unix_now()).run();
    if (db_.changes() == 0) throw Error(ErrorCode::ORGANIZATION_EXISTS, std::string(uai));
    return Organization{db_.last_insert_id(), std::string(uai), std::string(name)};
  }

  // --- Learners
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

  // One pass over the school's rows loaded in memory (the rows themselves, nothing more):
  // unchanged rows cost no statement, new rows one INSERT, and only INEs that have an account
  // in another school are looked at for an automatic link.
  UpsertCounts replace_roster(Id organization_id,
                              const std::vector<RosterEntry>& entries) override {
    UpsertCounts counts;
    auto existing = school_rows(organization_id);
    const auto linked_elsewhere = ines_linked_elsewhere(organization_id);
    const auto now = unix_now();
    for (const auto& entry : entries) {
      const auto found = existing.find(entry.ine);
      if (found == existing.end()) {
        insert_learner(organization_id, entry, now);
        ++counts.created;
        if (linked_elsewhere.contains(entry.ine) &&
            auto_link(db_.last_insert_id(), organization_id, entry)) {
          ++counts.linked;
        }
        continue;
      }
      auto& row = found->second;
      row.seen = true;
      if (row.disabled || row.fingerprint != fingerprint(entry)) {
        update_learner(row.id, entry, now);
        ++(row.disabled ? counts.reenabled : counts.updated);
      }
      if (!row.linked && linked_elsewhere.contains(entry.ine) &&
          auto_link(row.id, organization_id, entry)) {
        ++counts.linked;
      }
    }
    counts.disabled = disable_unseen(existing, now);
    return counts;
  }

  bool link_learner(Id learner_id, Id user_id) override {
    auto update = db_.prepare("UPDATE learners SET user_id = ?2 WHERE id = ?1 AND user_id IS NULL");
    update.bind(1, learner_id).bind(2, user_id).run();
    return db_.changes() == 1;
  }

  void unlink_learner(Id learner_id) override {
    db_.prepare("UPDATE learners SET user_id = NULL WHERE id = ?1").bind(1, learner_id).run();
  }

  std::optional<std::string> username_linked_elsewhere(std::string_view ine,
                                                       Id excluded_organization_id) override {
    auto query = db_.prepare(
        "SELECT u.username FROM learners l JOIN users u ON u.id = l.user_id "
        "WHERE l.ine = ?1 AND l.organization_id <> ?2 ORDER BY l.id LIMIT 1");
    query.bind(1, ine).bind(2, excluded_organization_id);
    if (!query.step()) return std::nullopt;
    return query.text(0);
  }

  std::vector<Learner> learners_of_user(Id user_id) override {
    auto query = db_.prepare(LEARNER_SELECT "WHERE user_id = ?1 ORDER BY id");
    query.bind(1, user_id);
    return read_learners(query);
  }

  std::optional<Learner> learner_by_ine(Id organization_id, std::string_view ine) override {
    auto query = db_.prepare(LEARNER_SELECT "WHERE organization_id = ?1 AND ine = ?2");
    query.bind(1, organization_id).bind(2, ine);
    if (!query.step()) return std::nullopt;
    return read_learner(query);
  }

  std::vector<Organization> organizations() override {
    auto query = db_.prepare("SELECT id, uai, name FROM organizations ORDER BY uai");
    std::vector<Organization> found;
    while (query.step()) found.push_back({query.integer(0), query.text(1), query.text(2)});
    return found;
  }

  std::vector<Participation> participations_of_learner(Id learner_id) override {
    auto query = db_.prepare(
        "SELECT id, campaign_id, learner_id, user_id, status FROM participations "
        "WHERE learner_id = ?1 ORDER BY id");
    query.bind(1, learner_id);
    std::vector<Participation> found;
    while (query.step()) {
      found.push_back(
          {query.integer(0), query.integer(1), query.integer(2), query.integer(3), query.text(4)});
    }
    return found;
  }

  void anonymize_learner(Id learner_id) override {
    db_.prepare(
           "UPDATE learners SET ine = 'ANONYME-' || id, first_name = 'Anonyme', "
           "second_name = '', third_name = '', last_name = 'Anonyme', usage_name = '', "
           "birthdate = substr(birthdate, 1, 4) || '-01-01', division = '', "
           "birth_country_code = '', birth_department_code = '', birth_city_code = '', "
           "birth_city_name = '', mef_code = '', first_key = 'anonyme', second_key = '', "
           "third_key = '', last_key = 'anonyme', usage_key = '', disabled = 1, "
           "user_id = NULL WHERE id = ?1")
        .bind(1, learner_id)
        .run();
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
                                  bool must_change_password) override {
    auto insert = db_.prepare(
        "INSERT INTO users(username, password_hash, must_change_password, created_at) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(username) DO NOTHING");
    insert.bind(1, username).bind(2, password_hash).bind(3, must_change_password);
    insert.bind(4, unix_now()).run();
    if (db_.changes() == 0) return std::nullopt;
    const Id id = db_.last_insert_id();
    mark_username_taken(username);
    return user(id);
  }

  void save_user(const User& user) override {
    db_.prepare(
           "UPDATE users SET password_hash = ?2, must_change_password = ?3, "
           "failed_attempts = ?4, blocked_until = ?5, blocked = ?6, disabled = ?7 WHERE id = ?1")
        .bind(1, user.id)
        .bind(2, user.password_hash)
        .bind(3, user.must_change_password)
        .bind(4, user.failed_attempts)
        .bind(5, user.blocked_until)
        .bind(6, user.blocked)
        .bind(7, user.disabled)
        .run();
  }

  void anonymize_user(Id user_id) override {
    const auto old = user(user_id);
    if (!old) return;
    const std::string renamed = "anonyme-" + std::to_string(user_id);
    db_.prepare(
           "UPDATE users SET username = ?2, password_hash = '', must_change_password = 0, "
           "failed_attempts = 0, blocked_until = 0, blocked = 0, disabled = 1 WHERE id = ?1")
        .bind(1, user_id)
        .bind(2, renamed)
        .run();
    db_.prepare("UPDATE audit_log SET target = ?2 WHERE target = ?1 COLLATE NOCASE")
        .bind(1, old->username)
        .bind(2, renamed)
        .run();
    revoke_tokens(user_id, {});
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

  std::optional<Campaign> insert_campaign(Id organization_id, const Campaign& campaign) override {
    auto insert = db_.prepare(
        "INSERT INTO campaigns(organization_id, code, name, division, target_profile, status, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(code) DO NOTHING");
    insert.bind(1, organization_id).bind(2, campaign.code).bind(3, campaign.name);
    insert.bind(4, campaign.division).bind(5, campaign.target_profile);
    insert.bind(6, campaign_status_name(campaign.status)).bind(7, unix_now()).run();
    if (db_.changes() == 0) return std::nullopt;
    return this->campaign(campaign.code);
  }

  void set_campaign_status(Id campaign_id, CampaignStatus status) override {
    db_.prepare("UPDATE campaigns SET status = ?2 WHERE id = ?1")
        .bind(1, campaign_id)
        .bind(2, campaign_status_name(status))
        .run();
  }

  // --- Participations
  std::optional<Participation> participation(Id campaign_id, Id learner_id) override {
    auto query = db_.prepare(
        "SELECT id, campaign_id, learner_id, user_id, status FROM participations "
        "WHERE campaign_id = ?1 AND learner_id = ?2");
    query.bind(1, campaign_id).bind(2, learner_id);
    if (!query.step()) return std::nullopt;
    return Participation{query.integer(0), query.integer(1), query.integer(2), query.integer(3),
                         query.text(4)};
  }

  Participation insert_participation(Id campaign_id, Id learner_id, Id user_id) override {
    db_.prepare(
           "INSERT INTO participations(campaign_id, learner_id, user_id, status, created_at) "
           "VALUES (?1, ?2, ?3, 'STARTED', ?4) ON CONFLICT(campaign_id, learner_id) DO NOTHING")
        .bind(1, campaign_id)
        .bind(2, learner_id)
        .bind(3, user_id)
        .bind(4, unix_now())
        .run();
    return *participation(campaign_id, learner_id);
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

  std::optional<Id> token_user(std::string_view digest, std::string_view purpose,
                               std::int64_t now) override {
    auto query = db_.prepare(
        "SELECT user_id FROM tokens WHERE digest = ?1 AND purpose = ?2 AND used = 0 "
        "AND expires_at > ?3");
    query.bind(1, digest).bind(2, purpose).bind(3, now);
    if (!query.step()) return std::nullopt;
    return query.integer(0);
  }

  void revoke_tokens(Id user_id, std::string_view purpose) override {
    db_.prepare("DELETE FROM tokens WHERE user_id = ?1 AND (coalesce(?2, '') = '' OR purpose = ?2)")
        .bind(1, user_id)
        .bind(2, purpose)
        .run();
  }

  // --- Throttling and audit
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

  void audit(const AuditEntry& entry, std::int64_t at) override {
    db_.prepare(
           "INSERT INTO audit_log(at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, at)
        .bind(2, entry.actor)
        .bind(3, entry.action)
        .bind(4, entry.target)
        .bind(5, entry.detail)
        .run();
  }

 private:
  void mark_username_taken(std::string_view username) {
    std::string lowered(username);
    for (auto& c : lowered) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!is_valid_username(lowered)) return;
    const auto [stem, suffix] = split_username(lowered);
    auto taken = taken_suffixes(stem);
    taken.insert(suffix);
    const auto bytes = taken.to_bytes();
    db_.prepare(
           "INSERT INTO username_stems(stem, taken) VALUES (?1, ?2) "
           "ON CONFLICT(stem) DO UPDATE SET taken = excluded.taken")
        .bind(1, stem)
        .bind_blob(2, bytes.data(), static_cast<int>(bytes.size()))
        .run();
  }

  struct SchoolRow {
    Id id = 0;
    bool disabled = false;
    bool linked = false;
    bool seen = false;
    std::string fingerprint;
  };

  // The imported fields of a row, joined: equal fingerprints mean nothing to update.
  static std::string fingerprint(const RosterEntry& e) {
    const auto birthdate = e.birthdate.iso();  // outlives the loop below
    std::string joined;
    for (const std::string_view field :
         {std::string_view(e.first_name), std::string_view(e.second_name),
          std::string_view(e.third_name), std::string_view(e.last_name),
          std::string_view(e.usage_name), std::string_view(birthdate),
          std::string_view(e.sex == Sex::Female ? "F" : "M"), std::string_view(e.division),
          std::string_view(e.birth_country_code), std::string_view(e.birth_department_code),
          std::string_view(e.birth_city_code), std::string_view(e.birth_city_name),
          std::string_view(e.mef_code), std::string_view(e.status)}) {
      joined.append(field).push_back('\x1f');
    }
    return joined;
  }

  std::unordered_map<std::string, SchoolRow> school_rows(Id organization_id) {
    auto query = db_.prepare(LEARNER_SELECT "WHERE organization_id = ?1");
    query.bind(1, organization_id);
    std::unordered_map<std::string, SchoolRow> rows;
    while (query.step()) {
      const auto learner = read_learner(query);
      rows.emplace(learner.entry.ine,
                   SchoolRow{learner.id, learner.disabled, learner.user_id.has_value(), false,
                             fingerprint(learner.entry)});
    }
    return rows;
  }

  std::unordered_set<std::string> ines_linked_elsewhere(Id organization_id) {
    auto query = db_.prepare(
        "SELECT DISTINCT ine FROM learners WHERE organization_id <> ?1 AND user_id IS NOT NULL");
    query.bind(1, organization_id);
    std::unordered_set<std::string> ines;
    while (query.step()) ines.insert(query.text(0));
    return ines;
  }

  // Step 1 of re-import: rows of the school whose INE is not in the file are disabled (row,
  // link and participations kept).
  int disable_unseen(const std::unordered_map<std::string, SchoolRow>& rows, std::int64_t now) {
    int disabled = 0;
    for (const auto& [ine, row] : rows) {
      if (row.seen || row.disabled) continue;
      db_.prepare("UPDATE learners SET disabled = 1, updated_at = ?2 WHERE id = ?1")
          .bind(1, row.id)
          .bind(2, now)
          .run();
      ++disabled;
    }
    return disabled;
  }

  // Binds the imported fields and keys of `entry` to ?3..?21 (same order in both statements).
  static void bind_fields(Statement& statement, const RosterEntry& entry) {
    const auto keys = keys_of(entry);
    statement.bind(3, entry.first_name).bind(4, entry.second_name).bind(5, entry.third_name);
    statement.bind(6, entry.last_name).bind(7, entry.usage_name).bind(8, entry.birthdate.iso());
    statement.bind(9, entry.sex == Sex::Female ? "F" : "M").bind(10, entry.division);
    statement.bind(11, entry.birth_country_code).bind(12, entry.birth_department_code);
    statement.bind(13, entry.birth_city_code).bind(14, entry.birth_city_name);
    statement.bind(15, entry.mef_code).bind(16, entry.status);
    statement.bind(17, keys.first_name).bind(18, keys.second_name).bind(19, keys.third_name);
    statement.bind(20, keys.last_name).bind(21, keys.usage_name);
  }

  // Step 2 for an existing row: every imported field overwritten, re-enabled, id kept.
  void update_learner(Id id, const RosterEntry& entry, std::int64_t now) {
    auto update = db_.prepare(
        "UPDATE learners SET first_name = ?3, second_name = ?4, third_name = ?5, "
        "last_name = ?6, usage_name = ?7, birthdate = ?8, sex = ?9, division = ?10, "
        "birth_country_code = ?11, birth_department_code = ?12, birth_city_code = ?13, "
        "birth_city_name = ?14, mef_code = ?15, status = ?16, first_key = ?17, "
        "second_key = ?18, third_key = ?19, last_key = ?20, usage_key = ?21, disabled = 0, "
        "updated_at = ?2 WHERE id = ?1");
    update.bind(1, id).bind(2, now);
    bind_fields(update, entry);
    update.run();
  }

  void insert_learner(Id organization_id, const RosterEntry& entry, std::int64_t now) {
    auto insert = db_.prepare(
        "INSERT INTO learners(organization_id, updated_at, ine, first_name, second_name, "
        "third_name, last_name, usage_name, birthdate, sex, division, birth_country_code, "
        "birth_department_code, birth_city_code, birth_city_name, mef_code, status, first_key, "
        "second_key, third_key, last_key, usage_key) VALUES (?1, ?2, ?22, ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)");
    insert.bind(1, organization_id).bind(2, now).bind(22, entry.ine);
    bind_fields(insert, entry);
    insert.run();
  }

  // Step 3 of re-import: an INE already linked to an account in another school gives this row
  // that account when the birth dates agree, unless the account already belongs to another
  // learner of this school or to several different INEs.
  bool auto_link(Id learner_id, Id organization_id, const RosterEntry& entry) {
    auto candidates = db_.prepare(
        "SELECT DISTINCT user_id FROM learners WHERE ine = ?1 AND organization_id <> ?2 "
        "AND user_id IS NOT NULL AND birthdate = ?3");
    candidates.bind(1, entry.ine).bind(2, organization_id).bind(3, entry.birthdate.iso());
    std::optional<Id> user_id;
    while (candidates.step()) {
      if (user_id) return false;  // several accounts for one INE: a person must decide
      user_id = candidates.integer(0);
    }
    if (!user_id) return false;
    auto conflicts = db_.prepare(
        "SELECT 1 FROM learners WHERE user_id = ?1 AND (ine <> ?2 OR organization_id = ?3) "
        "LIMIT 1");
    conflicts.bind(1, *user_id).bind(2, entry.ine).bind(3, organization_id);
    if (conflicts.step()) return false;
    return link_learner(learner_id, *user_id);
  }

  Connection& db_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::filesystem::path& path, const StoreOptions& options)
      : db_(path, options.busy_timeout_ms) {
    db_.exec("PRAGMA foreign_keys = ON;");
    db_.exec("PRAGMA journal_mode = WAL;");
    db_.exec("PRAGMA synchronous = NORMAL;");
    // A national platform's learners table outgrows SQLite's 2 MiB default cache: page misses
    // then cost a pread each. 64 MiB of cache and memory-mapped reads keep lookups in memory.
    db_.exec("PRAGMA cache_size = -65536;");
    db_.exec("PRAGMA mmap_size = 1073741824;");
    migrate();
  }

  void transact(TransactionKind kind, const std::function<void(StoreTransaction&)>& work) override {
    std::lock_guard lock(mutex_);
    set_durability(kind == TransactionKind::Durable);
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
  // BEGIN IMMEDIATE waits through the busy handler; a few more tries cover the rare cases
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
    db_.exec(full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
    synchronous_full_ = full;
  }

  void migrate() {
    db_.exec("BEGIN IMMEDIATE");
    try {
      auto version_query = db_.prepare("PRAGMA user_version");
      version_query.step();
      const auto version = static_cast<std::size_t>(version_query.integer(0));
      db_.reset_statements();
      if (version > sqlite::kMigrations.size()) throw Error(ErrorCode::SCHEMA_TOO_NEW);
      for (auto next = version; next < sqlite::kMigrations.size(); ++next) {
        db_.exec(sqlite::kMigrations[next]);
        db_.exec(("PRAGMA user_version = " + std::to_string(next + 1)).c_str());
      }
      db_.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  Connection db_;
  std::mutex mutex_;
  bool synchronous_full_ = false;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path,
                                         const StoreOptions& options) {
  return std::make_unique<SqliteStore>(path, options);
}

}  // namespace inscrire
