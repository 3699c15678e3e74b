// Storage behind the use cases. The service talks to a Store only; SQLite implements it
// (src/sqlite/), and another engine can be added by implementing these two classes.
//
// Every use case runs inside one StoreTransaction; a Store hands out one transaction at a time
// per instance and retries nothing itself: UNIQUE constraints are the final arbiters of races.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "inscrire/campaign.hpp"
#include "inscrire/reconciliation.hpp"
#include "inscrire/roster.hpp"
#include "inscrire/username.hpp"

namespace inscrire {

using Id = std::int64_t;

struct Organization {
  Id id = 0;
  std::string uai;
  std::string name;
};

// A roster row as stored: the imported fields, their comparison keys and the row's state.
struct Learner {
  Id id = 0;
  Id organization_id = 0;
  RosterEntry entry;
  MatchCandidate keys;  // comparison keys of the names, computed at import
  bool disabled = false;
  std::optional<Id> user_id;            // the linked account, if any
  std::optional<std::string> username;  // its username
};

struct User {
  Id id = 0;
  std::string username;
  std::string password_hash;
  bool must_change_password = false;
  int failed_attempts = 0;
  std::int64_t blocked_until = 0;  // unix seconds; 0 = not temporarily blocked
  bool blocked = false;            // until an admin unblocks
  bool disabled = false;
};

struct Participation {
  Id id = 0;
  Id campaign_id = 0;
  Id learner_id = 0;
  Id user_id = 0;
  std::string status;  // "STARTED"
};

// Where an import writes: counts of what changed (see siecle.md, re-import semantics).
struct UpsertCounts {
  int created = 0;
  int updated = 0;
  int disabled = 0;
  int reenabled = 0;
  int linked = 0;  // rows that received an account automatically (step 3)
};

struct AuditEntry {
  std::string actor;
  std::string action;
  std::string target;
  std::string detail;  // never a password
};

enum class TransactionKind {
  Read,     // BEGIN (deferred): reads only
  Write,    // BEGIN IMMEDIATE: reads then writes, takes the write lock first
  Durable,  // like Write, and the commit survives power loss (creates credentials)
};

class StoreTransaction : public UsernameRegistry {
 public:
  // Organizations
  virtual std::optional<Organization> organization(std::string_view uai) = 0;
  virtual std::optional<Organization> organization_by_id(Id id) = 0;
  virtual Organization insert_organization(std::string_view uai, std::string_view name) = 0;
  virtual std::vector<Organization> organizations() = 0;

  // Learners
  virtual std::optional<Learner> learner(Id id) = 0;
  virtual std::optional<Learner> learner_by_user(Id organization_id, Id user_id) = 0;
  virtual std::optional<Learner> learner_by_ine(Id organization_id, std::string_view ine) = 0;
  virtual std::vector<Learner> learners_of_user(Id user_id) = 0;
  // The matching candidates: ids and name keys of the enabled learners of a school born on
  // `birthdate` (read through the (school, birthdate) index).
  virtual std::vector<MatchCandidate> match_candidates(Id organization_id,
                                                       const BirthDate& birthdate) = 0;
  virtual std::vector<Learner> learners(Id organization_id, const std::string* division,
                                        bool include_disabled) = 0;
  // Upserts the file's rows on (school, INE) and disables the school's rows not in it.
  virtual UpsertCounts replace_roster(Id organization_id,
                                      const std::vector<RosterEntry>& entries) = 0;
  // Links a learner to an account only if it has none; false if it already had one.
  virtual bool link_learner(Id learner_id, Id user_id) = 0;
  virtual void unlink_learner(Id learner_id) = 0;
  // The username of an account linked to a learner holding `ine` in another school, if any.
  virtual std::optional<std::string> username_linked_elsewhere(std::string_view ine,
                                                               Id excluded_organization_id) = 0;
  virtual void anonymize_learner(Id learner_id) = 0;

  // Users
  virtual std::optional<User> user(Id id) = 0;
  virtual std::optional<User> user_by_username(std::string_view username) = 0;
  // Inserts an account; throws Error(DATABASE_ERROR) on failure, returns nullopt when the
  // username was taken meanwhile (UNIQUE constraint).
  virtual std::optional<User> insert_user(std::string_view username, std::string_view password_hash,
                                          bool must_change_password) = 0;
  virtual void save_user(const User& user) = 0;
  // RGPD: the account loses everything that names its owner. Its username becomes
  // "anonyme-<id>" (also in the audit rows that named it as their target), its password hash
  // is cleared so no password matches, it is disabled and its tokens are deleted.
  virtual void anonymize_user(Id user_id) = 0;

  // Campaigns
  virtual std::optional<Campaign> campaign(std::string_view canonical_code) = 0;
  virtual std::vector<Campaign> campaigns(Id organization_id) = 0;
  // Inserts a campaign; nullopt when the code was taken (UNIQUE constraint).
  virtual std::optional<Campaign> insert_campaign(Id organization_id, const Campaign& campaign) = 0;
  virtual void set_campaign_status(Id campaign_id, CampaignStatus status) = 0;

  // Participations
  virtual std::optional<Participation> participation(Id campaign_id, Id learner_id) = 0;
  // Starts a participation; an existing one is kept and returned.
  virtual Participation insert_participation(Id campaign_id, Id learner_id, Id user_id) = 0;
  virtual std::vector<Participation> participations_of_learner(Id learner_id) = 0;
  // Enabled learners of the campaign's division (or school) without a participation in it.
  virtual std::vector<Learner> learners_without_participation(const Campaign& campaign) = 0;

  // One-time tokens (stored as digests) and sessions.
  virtual void insert_token(std::string_view digest, Id user_id, std::string_view purpose,
                            std::int64_t expires_at) = 0;
  // Consumes a token: returns its user if it exists, has this purpose, is unexpired at `now`,
  // and was not used; marks it used.
  virtual std::optional<Id> consume_token(std::string_view digest, std::string_view purpose,
                                          std::int64_t now) = 0;
  virtual std::optional<Id> token_user(std::string_view digest, std::string_view purpose,
                                       std::int64_t now) = 0;
  // Deletes the user's tokens of `purpose` (every purpose when empty).
  virtual void revoke_tokens(Id user_id, std::string_view purpose) = 0;

  // Throttling: events of `kind` for `client_key` at or after `since`.
  virtual int count_events(std::string_view client_key, std::string_view kind,
                           std::int64_t since) = 0;
  virtual std::optional<std::int64_t> oldest_event(std::string_view client_key,
                                                   std::string_view kind, std::int64_t since) = 0;
  // Records one event at `at` and forgets this key's events older than `forget_before`.
  virtual void record_event(std::string_view client_key, std::string_view kind, std::int64_t at,
                            std::int64_t forget_before) = 0;

  virtual void audit(const AuditEntry& entry, std::int64_t at) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `work` in one transaction of the given kind: committed if it returns, rolled back if
  // it throws (the exception propagates). Waits for other writers rather than failing.
  virtual void transact(TransactionKind kind,
                        const std::function<void(StoreTransaction&)>& work) = 0;
};

struct StoreOptions {
  int busy_timeout_ms = 10000;
};

// Opens (creating if needed) a SQLite database file and migrates its schema.
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path,
                                         const StoreOptions& options = {});

}  // namespace inscrire
