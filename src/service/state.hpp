// What the Service's use cases share: the store, the options, and small helpers.
#pragma once

#include <chrono>
#include <span>
#include <string>

#include "inscrire/second_factor.hpp"
#include "inscrire/service.hpp"
#include "service/counters.hpp"

namespace inscrire {

struct Service::State {
  State(std::unique_ptr<Store> store_, ServiceOptions options_);

  std::unique_ptr<Store> store;
  ServiceOptions options;
  // The key TOTP secrets are sealed under (StaffPolicy::second_factor_key_file), if any.
  std::optional<SecretKey> totp_key;
  service_detail::Counters counters;  // Service::stats()

  std::int64_t now() const {
    if (options.clock) return options.clock();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  template <typename Work>
  void read(Work&& work) {
    transact(TransactionKind::Read, work);
  }
  template <typename Work>
  void write(Work&& work) {
    transact(TransactionKind::Write, work);
  }
  template <typename Work>
  void durable(Work&& work) {
    transact(TransactionKind::Durable, work);
  }

 private:
  // Every transaction of the use cases passes here: the database's own failures are counted
  // once, where they happen.
  void transact(TransactionKind kind, const std::function<void(StoreTransaction&)>& work) {
    try {
      store->transact(kind, work);
    } catch (const Error& e) {
      service_detail::count_database_error(counters, e.code());
      throw;
    }
  }
};

namespace service_detail {

// "0751234a" -> "0751234A"; throws INVALID_UAI unless 7 digits and a letter.
std::string canonical_uai(std::string_view uai);
Organization require_organization(StoreTransaction& tx, std::string_view uai);
User require_user(StoreTransaction& tx, std::string_view username);
// The learner of this school linked to `user`; LEARNER_NOT_FOUND if none.
Learner require_linked_learner(StoreTransaction& tx, const Organization& organization,
                               const User& user);
// A campaign by the code as typed: CAMPAIGN_NOT_FOUND; the open one refuses archived and
// deleted campaigns too (CAMPAIGN_ARCHIVED, CAMPAIGN_DELETED).
Campaign require_campaign(StoreTransaction& tx, std::string_view code);
Campaign require_open_campaign(StoreTransaction& tx, std::string_view code);
// The same checks on a campaign already looked up (nullopt: CAMPAIGN_NOT_FOUND).
Campaign open_campaign(std::optional<Campaign> campaign);
// How the audit trail names a learner: by row id, never by INE or name (an anonymised learner
// must not stay identifiable through the audit rows).
std::string learner_ref(const Organization& organization, const Learner& learner);
// A label an admin typed (a school or campaign name): valid UTF-8, trimmed, not empty.
std::string required_label(std::string_view text, const char* what);
LearnerView view_of(const Learner& learner);
// What a pupil-facing result may show of the row (docs/rules.md §8).
PupilLearner pupil_view_of(const Learner& learner);
// A pupil of 5G who typed 3H's code: matching searches the whole school (docs/rules.md §10).
bool in_other_division(const Campaign& campaign, const Learner& learner);
// The purpose under which sessions are stored among the tokens.
inline constexpr std::string_view kSessionPurpose = "session";
// The live session's account (its expiry in `expires_at` when given); SESSION_INVALID when the
// token is unknown, expired or ended, or its account disabled.
User session_user(StoreTransaction& tx, std::string_view session_token, std::int64_t now,
                  std::int64_t* expires_at = nullptr);
UsernameSource username_source(const RosterEntry& entry);
// The comparison keys of the entry's names (text.hpp), as the learners table keeps them.
MatchCandidate keys_of(const RosterEntry& entry);
// Inserts an account and marks its suffix taken in its stem's bitmap; nullopt when the username
// is taken (the UNIQUE constraint decides).
std::optional<User> insert_account(StoreTransaction& tx, std::string_view username,
                                   std::string_view hash, bool must_change_password,
                                   std::int64_t now);
// Creates an account with a fresh username for `entry`, retrying if a concurrent writer took
// the chosen name (the UNIQUE constraint decides).
User create_account(StoreTransaction& tx, const RosterEntry& entry, std::string_view hash,
                    bool must_change_password, CollisionPolicy policy, std::int64_t now);

// What an import changed, as its report counts it (docs/rules.md §R, re-import semantics).
struct ImportCounts {
  int created = 0;
  int updated = 0;
  int disabled = 0;
  int reenabled = 0;
  int linked = 0;
};
// The write phase of an import, inside the caller's write transaction: reads the school and
// the accounts the file's INEs have elsewhere, plans (roster_import.hpp) and writes the plan.
ImportCounts write_roster(StoreTransaction& tx, Id organization_id,
                          std::span<const RosterEntry> entries, std::int64_t now);

}  // namespace service_detail
}  // namespace inscrire
