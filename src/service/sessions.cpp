// A pupil's session and participations (docs/rules.md §1.6, §4): authenticate, logout, the
// pupil's own participations and their steps STARTED -> TO_SHARE -> SHARED.
#include <map>

#include "inscrire/service.hpp"
#include "service/state.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

ParticipationView view_of(const Participation& participation, const Campaign& campaign,
                          const std::string& school) {
  return {campaign.code,
          campaign.name,
          campaign.uai,
          school,
          participation.status,
          participation.started_at,
          participation.completed_at,
          participation.shared_at};
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
    return view_of(participation, c, school->second);
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

// A pupil's page reads its session with what it shows in one call of the store (PostgreSQL:
// one statement, one round trip); the account checks are session_user's.
Session Service::authenticate(std::string_view session_token) {
  Session session;
  state_->read([&](StoreTransaction& tx) {
    const auto account =
        tx.session_account(token_digest(session_token), kSessionPurpose, state_->now());
    if (!account || account->user.disabled) throw Error(ErrorCode::SESSION_INVALID);
    session.expires_at = account->token.expires_at;
    session.username = account->user.username;
    for (const auto& [learner, organization] : account->learners) {
      session.learners.push_back({organization.uai, organization.name, learner.entry.division,
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

std::vector<ParticipationView> Service::participations(std::string_view session_token) {
  std::vector<ParticipationView> views;
  state_->read([&](StoreTransaction& tx) {
    const auto found =
        tx.session_participations(token_digest(session_token), kSessionPurpose, state_->now());
    if (!found || found->user.disabled) throw Error(ErrorCode::SESSION_INVALID);
    for (const auto& [participation, campaign, school] : found->participations) {
      views.push_back(view_of(participation, campaign, school));
    }
  });
  return views;
}

ParticipationView Service::complete_participation(std::string_view session_token,
                                                  std::string_view code) {
  return advance_participation(*state_, session_token, code, kStarted, kToShare);
}

ParticipationView Service::share_participation(std::string_view session_token,
                                               std::string_view code) {
  return advance_participation(*state_, session_token, code, kToShare, kShared);
}

}  // namespace inscrire
