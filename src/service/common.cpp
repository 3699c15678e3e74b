// What the use cases of every area share (service/state.hpp): canonical identifiers, look-ups that
// refuse with the right code, the views results are made of, and account creation.
#include "inscrire/limits.hpp"
#include "inscrire/text.hpp"
#include "service/state.hpp"

namespace inscrire::service_detail {

std::string canonical_uai(std::string_view uai) {
  std::string canonical = upper_ascii(trim(uai));
  bool valid = canonical.size() == 8 && canonical[7] >= 'A' && canonical[7] <= 'Z';
  for (std::size_t i = 0; valid && i < 7; ++i) valid = canonical[i] >= '0' && canonical[i] <= '9';
  if (!valid) throw Error(ErrorCode::INVALID_UAI);
  return canonical;
}

Organization require_organization(StoreTransaction& tx, std::string_view uai) {
  const auto canonical = canonical_uai(uai);
  auto organization = tx.organization(canonical);
  if (!organization) throw Error(ErrorCode::ORGANIZATION_NOT_FOUND, canonical);
  return *organization;
}

User require_user(StoreTransaction& tx, std::string_view username) {
  check_typed_username(trim(username));
  auto user = tx.user_by_username(trim(username));
  if (!user) throw Error(ErrorCode::USER_NOT_FOUND);
  return *user;
}

Learner require_linked_learner(StoreTransaction& tx, const Organization& organization,
                               const User& user) {
  auto learner = tx.learner_by_user(organization.id, user.id);
  if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
  return *learner;
}

Campaign require_campaign(StoreTransaction& tx, std::string_view code) {
  const auto campaign = tx.campaign(canonical_campaign_code(code));
  if (!campaign) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
  return *campaign;
}

Campaign require_open_campaign(StoreTransaction& tx, std::string_view code) {
  return open_campaign(tx.campaign(canonical_campaign_code(code)));
}

Campaign open_campaign(std::optional<Campaign> campaign) {
  if (!campaign) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
  if (campaign->status == CampaignStatus::Archived) throw Error(ErrorCode::CAMPAIGN_ARCHIVED);
  if (campaign->status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
  return std::move(*campaign);
}

User session_user(StoreTransaction& tx, std::string_view session_token, std::int64_t now,
                  std::int64_t* expires_at) {
  const auto token = tx.token(token_digest(session_token), kSessionPurpose, now);
  if (!token) throw Error(ErrorCode::SESSION_INVALID);
  auto user = tx.user(token->user_id);
  if (!user || user->disabled) throw Error(ErrorCode::SESSION_INVALID);
  if (expires_at != nullptr) *expires_at = token->expires_at;
  return *user;
}

LearnerView view_of(const Learner& learner) {
  const auto& e = learner.entry;
  return LearnerView{e.ine,        e.first_name, e.second_name, e.third_name,     e.last_name,
                     e.usage_name, e.birthdate,  e.division,    learner.disabled, learner.username};
}

bool in_other_division(const Campaign& campaign, const Learner& learner) {
  return !campaign.division.empty() && learner.entry.division != campaign.division;
}

PupilLearner pupil_view_of(const Learner& learner) {
  return {learner.entry.first_name, learner.entry.last_name, learner.entry.division};
}

std::string learner_ref(const Organization& organization, const Learner& learner) {
  return organization.uai + " learner #" + std::to_string(learner.id);
}

UsernameSource username_source(const RosterEntry& entry) {
  return {.first_name = entry.first_name,
          .last_name = entry.last_name,
          .second_name = entry.second_name,
          .third_name = entry.third_name,
          .usage_name = entry.usage_name};
}

MatchCandidate keys_of(const RosterEntry& entry) {
  return MatchCandidate{0,
                        comparison_key(entry.first_name),
                        comparison_key(entry.second_name),
                        comparison_key(entry.third_name),
                        comparison_key(entry.last_name),
                        comparison_key(entry.usage_name)};
}

// A label an admin typed (a school or campaign name): valid UTF-8, trimmed, not empty.
std::string required_label(std::string_view text, const char* what) {
  auto label = checked_label(text, what, kMaxLabelCharacters);
  if (label.empty()) throw Error(ErrorCode::INVALID_ARGUMENT, what);
  return label;
}

std::optional<User> insert_account(StoreTransaction& tx, std::string_view username,
                                   std::string_view hash, bool must_change_password,
                                   std::int64_t now) {
  auto user = tx.insert_user(username, hash, must_change_password, now);
  if (!user) return std::nullopt;
  // Failures typed at this username before it was anyone's (usernames are predictable) must
  // not block the new account.
  tx.clear_login_failures(username);
  // The bitmap lets the next homonym's username cost one read (docs/architecture.md).
  const auto lowered = lower_ascii(username);
  if (is_valid_username(lowered)) {
    const auto [stem, suffix] = split_username(lowered);
    tx.add_taken_suffix(stem, suffix);
  }
  return user;
}

User create_account(StoreTransaction& tx, const RosterEntry& entry, std::string_view hash,
                    bool must_change_password, CollisionPolicy policy, std::int64_t now) {
  // Inside a write transaction nobody else can take the name, so one attempt suffices with
  // SQLite; the loop keeps other engines, where the UNIQUE constraint is the arbiter, correct.
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto username = generate_username(tx, username_source(entry), entry.birthdate, policy);
    if (auto user = insert_account(tx, username, hash, must_change_password, now)) return *user;
  }
  throw Error(ErrorCode::DATABASE_BUSY, "username allocation kept colliding");
}

}  // namespace inscrire::service_detail
