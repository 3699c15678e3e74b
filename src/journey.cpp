// The pupil's journey after registration and the school's view of it: sessions, participation
// steps, the teacher's participant list, the admin learner list and look-ups, dissociation,
// and the campaign corrections (docs/rules.md §4 and §7).
#include <algorithm>
#include <map>

#include "inscrire/limits.hpp"
#include "inscrire/service.hpp"
#include "service_state.hpp"

namespace inscrire {

using namespace service_detail;

std::string_view learner_state_name(LearnerState state) noexcept {
  switch (state) {
    case LearnerState::NoAccount: return "no_account";
    case LearnerState::Active: return "active";
    case LearnerState::MustChangePassword: return "must_change_password";
    case LearnerState::Blocked: return "blocked";
    case LearnerState::Disabled: return "disabled";
  }
  return "no_account";
}

std::optional<LearnerState> learner_state_from_name(std::string_view name) noexcept {
  for (const auto state :
       {LearnerState::NoAccount, LearnerState::Active, LearnerState::MustChangePassword,
        LearnerState::Blocked, LearnerState::Disabled}) {
    if (learner_state_name(state) == name) return state;
  }
  return std::nullopt;
}

std::string_view block_state_name(BlockState state) noexcept {
  switch (state) {
    case BlockState::None: return "none";
    case BlockState::Temporary: return "temporary";
    case BlockState::Permanent: return "permanent";
  }
  return "none";
}

namespace {

BlockState block_state(const User& user, std::int64_t now) {
  if (user.blocked) return BlockState::Permanent;
  if (user.blocked_until > now) return BlockState::Temporary;
  return BlockState::None;
}

AccountView account_view(const User& user, int participations, std::int64_t now) {
  const auto blocked = block_state(user, now);
  return {user.username,
          user.must_change_password,
          blocked,
          blocked == BlockState::Temporary ? user.blocked_until : 0,
          user.failed_attempts,
          user.disabled,
          user.last_login_at,
          user.temporary_expires_at,
          participations};
}

// The one state of a learner, in the precedence store.hpp gives (LearnerState): the store's
// filter and this function must agree (tests/cpp/test_journey.cpp checks both on each state).
LearnerState learner_state(const Learner& learner, const std::optional<User>& account,
                           std::int64_t now) {
  if (learner.disabled || (account && account->disabled)) return LearnerState::Disabled;
  if (!account) return LearnerState::NoAccount;
  if (block_state(*account, now) != BlockState::None) return LearnerState::Blocked;
  if (account->must_change_password) return LearnerState::MustChangePassword;
  return LearnerState::Active;
}

LearnerAccountView learner_account_view(const LearnerAccount& row, std::int64_t now) {
  LearnerAccountView view{view_of(row.learner), learner_state(row.learner, row.account, now),
                          std::nullopt};
  if (row.account) view.account = account_view(*row.account, row.participations, now);
  return view;
}

Campaign require_campaign(StoreTransaction& tx, std::string_view code) {
  const auto campaign = tx.campaign(canonical_campaign_code(code));
  if (!campaign) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
  return *campaign;
}

Campaign require_open_campaign(StoreTransaction& tx, std::string_view code) {
  auto campaign = require_campaign(tx, code);
  if (campaign.status == CampaignStatus::Archived) throw Error(ErrorCode::CAMPAIGN_ARCHIVED);
  if (campaign.status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
  return campaign;
}

// Campaigns and schools of a pupil's participations, each read once.
class CampaignNames {
 public:
  explicit CampaignNames(StoreTransaction& tx) : tx_(tx) {}

  ParticipationView view(const Participation& participation) {
    auto campaign = campaigns_.find(participation.campaign_id);
    if (campaign == campaigns_.end()) {
      campaign =
          campaigns_
              .emplace(participation.campaign_id, *tx_.campaign_by_id(participation.campaign_id))
              .first;
    }
    const auto& c = campaign->second;
    auto school = schools_.find(c.organization_id);
    if (school == schools_.end()) {
      school = schools_.emplace(c.organization_id, tx_.organization_by_id(c.organization_id)->name)
                   .first;
    }
    return {c.code,
            c.name,
            c.uai,
            school->second,
            participation.status,
            participation.started_at,
            participation.completed_at,
            participation.shared_at};
  }

 private:
  StoreTransaction& tx_;
  std::map<Id, Campaign> campaigns_;
  std::map<Id, std::string> schools_;
};

// The account's participation in the campaign: its current one (the learner still linked)
// before one it kept from a dissociated learner. PARTICIPATION_NOT_FOUND when none.
Participation require_participation(StoreTransaction& tx, const User& user,
                                    const Campaign& campaign) {
  std::optional<Participation> found;
  for (const auto& participation : tx.participations_of_user(user.id)) {
    if (participation.campaign_id != campaign.id) continue;
    if (!found || (found->dissociated && !participation.dissociated)) found = participation;
  }
  if (!found) throw Error(ErrorCode::PARTICIPATION_NOT_FOUND);
  return *found;
}

std::string learner_ref(const Organization& organization, const Learner& learner) {
  return organization.uai + " learner #" + std::to_string(learner.id);
}

}  // namespace

// --- Sessions -----------------------------------------------------------------------------

Session Service::authenticate(std::string_view session_token) {
  Session session;
  state_->read([&](StoreTransaction& tx) {
    const auto user = session_user(tx, session_token, state_->now(), &session.expires_at);
    session.username = user.username;
    for (const auto& learner : tx.learners_of_user(user.id)) {
      const auto organization = tx.organization_by_id(learner.organization_id);
      session.learners.push_back({organization->uai, organization->name, learner.entry.division,
                                  learner.entry.first_name, learner.entry.last_name,
                                  learner.disabled});
    }
  });
  return session;
}

void Service::logout(std::string_view session_token) {
  state_->write([&](StoreTransaction& tx) {
    const auto digest = token_digest(session_token);
    if (!tx.token(digest, kSessionPurpose, state_->now())) {
      throw Error(ErrorCode::SESSION_INVALID);
    }
    tx.delete_token(digest);
  });
}

// --- Participations -----------------------------------------------------------------------

std::vector<ParticipationView> Service::participations(std::string_view session_token) {
  std::vector<ParticipationView> views;
  state_->read([&](StoreTransaction& tx) {
    const auto user = session_user(tx, session_token, state_->now());
    CampaignNames names(tx);
    for (const auto& participation : tx.participations_of_user(user.id)) {
      views.push_back(names.view(participation));
    }
  });
  return views;
}

namespace {

// Moves the session's participation in the campaign from `from` to `to`, timestamped.
ParticipationView advance_participation(Service::State& state, std::string_view session_token,
                                        std::string_view code, std::string_view from,
                                        std::string_view to) {
  ParticipationView view;
  state.write([&](StoreTransaction& tx) {
    const auto now = state.now();
    const auto user = session_user(tx, session_token, now);
    const auto campaign = require_open_campaign(tx, code);
    auto participation = require_participation(tx, user, campaign);
    if (participation.status != from) {
      throw Error(ErrorCode::INVALID_PARTICIPATION_STATUS,
                  "(" + participation.status + " -> " + std::string(to) + ")");
    }
    participation.status = std::string(to);
    (to == kToShare ? participation.completed_at : participation.shared_at) = now;
    tx.save_participation(participation);
    view = CampaignNames(tx).view(participation);
  });
  return view;
}

}  // namespace

ParticipationView Service::complete_participation(std::string_view session_token,
                                                  std::string_view code) {
  return advance_participation(*state_, session_token, code, kStarted, kToShare);
}

ParticipationView Service::share_participation(std::string_view session_token,
                                               std::string_view code) {
  return advance_participation(*state_, session_token, code, kToShare, kShared);
}

std::vector<Participant> Service::campaign_participants(std::string_view code) {
  std::vector<Participant> participants;
  state_->read([&](StoreTransaction& tx) {
    const auto campaign = require_campaign(tx, code);
    for (const auto& [learner, participation] : tx.campaign_participants(campaign)) {
      Participant row;
      row.division = learner.entry.division;
      row.last_name = learner.entry.last_name;
      row.first_name = learner.entry.first_name;
      row.username = learner.username;
      row.status = kNotJoined;
      if (participation) {
        row.status = participation->status;
        row.started_at = participation->started_at;
        row.completed_at = participation->completed_at;
        row.shared_at = participation->shared_at;
      }
      participants.push_back(std::move(row));
    }
  });
  return participants;
}

// --- Admin views --------------------------------------------------------------------------

std::vector<LearnerAccountView> Service::learners(std::string_view uai, const LearnerQuery& query) {
  if (query.limit < 1 || query.limit > kMaxLearnerPage) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "limit must be between 1 and " + std::to_string(kMaxLearnerPage));
  }
  if (query.offset < 0 || query.offset > kMaxLearnerOffset) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "offset must be between 0 and " + std::to_string(kMaxLearnerOffset));
  }
  std::optional<std::string> division;
  if (query.division) {
    division = checked_label(*query.division, "division", kMaxDivisionCharacters);
  }
  std::vector<LearnerAccountView> views;
  state_->read([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    const auto now = state_->now();
    const LearnerPageQuery page{division ? &*division : nullptr, query.state, now, query.limit,
                                query.offset};
    for (const auto& row : tx.learner_accounts(organization.id, page)) {
      views.push_back(learner_account_view(row, now));
    }
  });
  return views;
}

LearnerAccountView Service::learner(std::string_view uai, std::string_view ine) {
  const auto wanted = canonical_ine(ine);
  LearnerAccountView view;
  state_->read([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    auto learner = tx.learner_by_ine(organization.id, wanted);
    if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
    LearnerAccount row{std::move(*learner), std::nullopt, 0};
    if (row.learner.user_id) {
      row.account = tx.user(*row.learner.user_id);
      row.participations = tx.count_participations_of_user(*row.learner.user_id);
    }
    view = learner_account_view(row, state_->now());
  });
  return view;
}

AccountDetails Service::account(std::string_view username) {
  AccountDetails details;
  state_->read([&](StoreTransaction& tx) {
    const auto user = require_user(tx, username);
    details.account = account_view(user, tx.count_participations_of_user(user.id), state_->now());
    for (const auto& learner : tx.learners_of_user(user.id)) {
      const auto organization = tx.organization_by_id(learner.organization_id);
      details.learners.push_back({organization->uai, organization->name, view_of(learner)});
    }
  });
  return details;
}

// --- Corrections --------------------------------------------------------------------------

void Service::dissociate(std::string_view uai, std::string_view ine, std::string_view actor) {
  const auto wanted = canonical_ine(ine);
  state_->write([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    const auto learner = tx.learner_by_ine(organization.id, wanted);
    if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
    if (!learner->user_id) throw Error(ErrorCode::LEARNER_NOT_LINKED);
    tx.unlink_learner(learner->id);
    const auto kept = tx.dissociate_participations(learner->id);
    tx.audit({std::string(actor), "dissociate", learner->username.value_or(""),
              learner_ref(organization, *learner) + " (" + std::to_string(kept) +
                  " participation(s) kept by the account)"},
             state_->now());
  });
}

Campaign Service::unarchive_campaign(std::string_view code) {
  Campaign campaign;
  state_->write([&](StoreTransaction& tx) {
    campaign = require_campaign(tx, code);
    if (campaign.status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
    tx.set_campaign_status(campaign.id, CampaignStatus::Active);
    campaign.status = CampaignStatus::Active;
  });
  return campaign;
}

void Service::delete_campaign(std::string_view code, std::string_view actor) {
  state_->write([&](StoreTransaction& tx) {
    const auto campaign = require_campaign(tx, code);
    if (campaign.status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
    if (tx.campaign_has_participations(campaign.id)) {
      throw Error(ErrorCode::CAMPAIGN_HAS_PARTICIPATIONS);
    }
    tx.set_campaign_status(campaign.id, CampaignStatus::Deleted);
    tx.audit({std::string(actor), "delete_campaign", campaign.code, campaign.uai}, state_->now());
  });
}

}  // namespace inscrire
