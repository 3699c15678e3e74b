// Campaigns: creation, look-up by code, archive, unarchive and delete, and what a teacher sees
// of one (participants, who has not joined, the printable class sheet).
#include <algorithm>

#include "inscrire/limits.hpp"
#include "inscrire/service.hpp"
#include "service/state.hpp"
#include "service/throttle.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

// The platform's sign-up address for class sheets: http(s), printable ASCII, nothing that could
// end an HTML attribute or hide in a printed link. Empty: no link.
std::optional<std::string> checked_base_url(std::string_view base_url) {
  if (base_url.empty()) return std::nullopt;
  constexpr std::size_t kMaxBaseUrl = 200;
  const bool web = base_url.starts_with("https://") || base_url.starts_with("http://");
  const bool printable = std::all_of(base_url.begin(), base_url.end(), [](char c) {
    return c > ' ' && c < 0x7F && c != '"' && c != '\'' && c != '<' && c != '>' && c != '\\';
  });
  if (!web || !printable || base_url.size() > kMaxBaseUrl) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "base URL");
  }
  return std::string(base_url);
}

}  // namespace

Campaign Service::create_campaign(std::string_view uai, std::string_view name,
                                  const std::optional<std::string>& division,
                                  const std::optional<std::string>& target_profile) {
  Campaign campaign;
  campaign.name = required_label(name, "campaign name");
  if (division) campaign.division = checked_label(*division, "division", kMaxDivisionCharacters);
  if (target_profile) {
    campaign.target_profile = checked_label(*target_profile, "target profile", kMaxLabelCharacters);
  }
  Campaign created;
  state_->write([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    // A fresh code collides with probability ~n / (23^6 * 8^3); the UNIQUE constraint decides.
    for (int attempt = 0; attempt < 16; ++attempt) {
      campaign.code = generate_campaign_code();
      if (auto inserted = tx.insert_campaign(organization.id, campaign, state_->now())) {
        created = *inserted;
        return;
      }
    }
    throw Error(ErrorCode::INTERNAL_ERROR, "no free campaign code");
  });
  return created;
}

Campaign Service::find_campaign(std::string_view code, std::string_view client_key) {
  return throttled(*state_, client_key, [&] {
    Campaign found;
    state_->read([&](StoreTransaction& tx) { found = require_open_campaign(tx, code); });
    return found;
  });
}

std::vector<Campaign> Service::campaigns(std::string_view uai) {
  std::vector<Campaign> found;
  state_->read(
      [&](StoreTransaction& tx) { found = tx.campaigns(require_organization(tx, uai).id); });
  return found;
}

Campaign Service::archive_campaign(std::string_view code) {
  Campaign archived;
  state_->write([&](StoreTransaction& tx) {
    auto campaign = tx.campaign(canonical_campaign_code(code));
    if (!campaign) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
    if (campaign->status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
    tx.set_campaign_status(campaign->id, CampaignStatus::Archived);
    campaign->status = CampaignStatus::Archived;
    archived = *campaign;
  });
  return archived;
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

std::vector<LearnerView> Service::not_joined(std::string_view code) {
  std::vector<LearnerView> views;
  state_->read([&](StoreTransaction& tx) {
    const auto campaign = tx.campaign(canonical_campaign_code(code));
    if (!campaign) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
    for (const auto& learner : tx.learners_without_participation(*campaign)) {
      views.push_back(view_of(learner));
    }
  });
  return views;
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

ClassSheet Service::class_sheet(std::string_view code, std::string_view base_url) {
  const auto url_prefix = checked_base_url(base_url);
  ClassSheet sheet;
  state_->read([&](StoreTransaction& tx) {
    const auto found = tx.campaign(canonical_campaign_code(code));
    if (!found) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
    sheet = {tx.organization(found->uai)->name, *found, std::nullopt};
  });
  if (url_prefix) sheet.link = *url_prefix + sheet.campaign.code;
  return sheet;
}

}  // namespace inscrire
