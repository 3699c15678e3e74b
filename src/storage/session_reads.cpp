// The session reads of StoreTransaction (store.hpp) composed of its other calls: what SQLite
// does (each call a prepared statement in process, no round trip to save) and what PostgreSQL
// does inside a write transaction (docs/architecture.md, "PostgreSQL").
#include <map>
#include <utility>

#include "inscrire/store.hpp"

namespace inscrire {
namespace {

// The token of `digest` and its account; nullopt without either.
std::optional<std::pair<StoredToken, User>> token_account(StoreTransaction& tx,
                                                          std::string_view digest,
                                                          std::string_view purpose,
                                                          std::int64_t now) {
  const auto token = tx.token(digest, purpose, now);
  if (!token) return std::nullopt;
  auto user = tx.user(token->user_id);
  if (!user) return std::nullopt;
  return std::pair{*token, std::move(*user)};
}

}  // namespace

std::optional<SessionAccount> StoreTransaction::session_account(std::string_view digest,
                                                                std::string_view purpose,
                                                                std::int64_t now) {
  auto found = token_account(*this, digest, purpose, now);
  if (!found) return std::nullopt;
  SessionAccount account{found->first, std::move(found->second), {}};
  for (auto& learner : learners_of_user(account.user.id)) {
    auto organization = organization_by_id(learner.organization_id);
    account.learners.emplace_back(std::move(learner), std::move(*organization));
  }
  return account;
}

std::optional<SessionParticipations> StoreTransaction::session_participations(
    std::string_view digest, std::string_view purpose, std::int64_t now) {
  auto account = token_account(*this, digest, purpose, now);
  if (!account) return std::nullopt;
  SessionParticipations found{account->first, std::move(account->second), {}};
  std::map<Id, std::pair<Campaign, std::string>> campaigns;  // each read once
  for (auto& participation : participations_of_user(found.user.id)) {
    auto campaign = campaigns.find(participation.campaign_id);
    if (campaign == campaigns.end()) {
      auto read = *campaign_by_id(participation.campaign_id);
      auto school = organization_by_id(read.organization_id)->name;
      campaign =
          campaigns
              .emplace(participation.campaign_id, std::pair{std::move(read), std::move(school)})
              .first;
    }
    found.participations.push_back(
        {std::move(participation), campaign->second.first, campaign->second.second});
  }
  return found;
}

}  // namespace inscrire
