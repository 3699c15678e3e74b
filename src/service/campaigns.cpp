// Campaigns: creation, look-up by code, archive, unarchive and delete, and what a teacher sees
// of one (participants, who has not joined, the printable class sheet).
#include <algorithm>

#include "inscrire/limits.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "service/access.hpp"
#include "service/state.hpp"
#include "service/throttle.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

// The owner a new campaign gets: the one an ADMIN or the operator names (a member of the school),
// else its creator (a staff member or an asserted identity; the operator owns nothing).
void set_owner(StoreTransaction& tx, const Access& access, const Campaign& campaign,
               const std::optional<std::string>& owner) {
  if (owner) {
    const auto role = access.role_in(campaign.uai);
    if (!access.is_operator() && role != StaffRole::Admin)
      throw Forbidden(campaign.uai, campaign.code);
    const auto account = tx.staff_by_username(lower_ascii(trim(*owner)));
    const auto memberships =
        account ? tx.memberships_of_staff(account->id) : std::vector<StaffMembership>{};
    if (std::none_of(memberships.begin(), memberships.end(),
                     [&](const StaffMembership& m) { return m.uai == campaign.uai; })) {
      throw Error(ErrorCode::INVALID_ARGUMENT, "owner: not a member of " + campaign.uai);
    }
    tx.set_campaign_owner(campaign.id, account->id, {});
  } else if (access.staff_id || !access.subject.empty()) {
    tx.set_campaign_owner(campaign.id, access.staff_id, access.subject);
  }
}

// A campaign's new status, audited under the operation's name.
Campaign change_status(Service::State& state, const Actor& actor, Operation operation,
                       std::string_view code, CampaignStatus status) {
  return administer(state, actor, operation, [&](const Access& access) {
    Campaign campaign;
    state.write([&](StoreTransaction& tx) {
      campaign = campaign_for(tx, access, operation, code);
      if (campaign.status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
      tx.set_campaign_status(campaign.id, status);
      campaign.status = status;
      tx.audit(audit_entry(access, campaign.uai, permission(operation).name, campaign.code, {}),
               state.now());
    });
    return campaign;
  });
}

}  // namespace

Campaign Service::create_campaign(std::string_view uai, std::string_view name,
                                  const std::optional<std::string>& division,
                                  const std::optional<std::string>& target_profile,
                                  const Actor& actor, const std::optional<std::string>& owner) {
  constexpr auto kOperation = Operation::CreateCampaign;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    Campaign campaign;
    campaign.name = required_label(name, "campaign name");
    if (division) campaign.division = checked_label(*division, "division", kMaxDivisionCharacters);
    if (target_profile) {
      campaign.target_profile =
          checked_label(*target_profile, "target profile", kMaxLabelCharacters);
    }
    Campaign created;
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      // A fresh code collides with probability ~n / (23^6 * 8^3); the UNIQUE constraint decides.
      for (int attempt = 0; attempt < 16 && created.code.empty(); ++attempt) {
        campaign.code = generate_campaign_code();
        if (auto inserted = tx.insert_campaign(organization.id, campaign, state_->now())) {
          created = *inserted;
        }
      }
      if (created.code.empty()) throw Error(ErrorCode::INTERNAL_ERROR, "no free campaign code");
      set_owner(tx, access, created, owner);
      created = *tx.campaign_by_id(created.id);
      tx.audit(
          audit_entry(access, school, permission(kOperation).name, created.code,
                      created.division.empty() ? std::string() : "division " + created.division),
          state_->now());
    });
    return created;
  });
}

Campaign Service::find_campaign(std::string_view code, std::string_view client_key) {
  return throttled(*state_, client_key, [&] {
    Campaign found;
    state_->read([&](StoreTransaction& tx) { found = require_open_campaign(tx, code); });
    return found;
  });
}

std::vector<Campaign> Service::campaigns(std::string_view uai, const Actor& actor) {
  constexpr auto kOperation = Operation::ListCampaigns;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    permit(access, kOperation, canonical_uai(uai));
    std::vector<Campaign> found;
    state_->read(
        [&](StoreTransaction& tx) { found = tx.campaigns(require_organization(tx, uai).id); });
    return found;
  });
}

Campaign Service::archive_campaign(std::string_view code, const Actor& actor) {
  return change_status(*state_, actor, Operation::ArchiveCampaign, code, CampaignStatus::Archived);
}

Campaign Service::unarchive_campaign(std::string_view code, const Actor& actor) {
  return change_status(*state_, actor, Operation::UnarchiveCampaign, code, CampaignStatus::Active);
}

void Service::delete_campaign(std::string_view code, const Actor& actor) {
  constexpr auto kOperation = Operation::DeleteCampaign;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    state_->write([&](StoreTransaction& tx) {
      const auto campaign = campaign_for(tx, access, kOperation, code);
      if (campaign.status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
      if (tx.campaign_has_participations(campaign.id)) {
        throw Error(ErrorCode::CAMPAIGN_HAS_PARTICIPATIONS);
      }
      tx.set_campaign_status(campaign.id, CampaignStatus::Deleted);
      tx.audit(audit_entry(access, campaign.uai, permission(kOperation).name, campaign.code, {}),
               state_->now());
    });
  });
}

Campaign Service::update_campaign(std::string_view code, const Actor& actor,
                                  const std::optional<std::string>& name,
                                  const std::optional<std::string>& owner) {
  constexpr auto kOperation = Operation::UpdateCampaign;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto label = name ? std::optional(required_label(*name, "campaign name")) : std::nullopt;
    Campaign campaign;
    state_->write([&](StoreTransaction& tx) {
      campaign = campaign_for(tx, access, kOperation, code);
      if (campaign.status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
      std::string detail;
      if (label && *label != campaign.name) {
        tx.rename_campaign(campaign.id, *label);
        detail = "renamed";
      }
      if (owner) {
        set_owner(tx, access, campaign, owner);
        detail += detail.empty() ? "owner " : ", owner ";
        detail += echo(trim(*owner));
      }
      campaign = *tx.campaign_by_id(campaign.id);
      tx.audit(
          audit_entry(access, campaign.uai, permission(kOperation).name, campaign.code, detail),
          state_->now());
    });
    return campaign;
  });
}

void Service::delete_participation(std::string_view code, std::string_view ine,
                                   const Actor& actor) {
  constexpr auto kOperation = Operation::DeleteParticipation;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto wanted = canonical_ine(ine);
    state_->write([&](StoreTransaction& tx) {
      const auto campaign = campaign_for(tx, access, kOperation, code);
      const auto learner = tx.learner_by_ine(campaign.organization_id, wanted);
      if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
      if (!tx.delete_participation(campaign.id, learner->id)) {
        throw Error(ErrorCode::PARTICIPATION_NOT_FOUND);
      }
      const auto organization = *tx.organization_by_id(campaign.organization_id);
      tx.audit(audit_entry(access, campaign.uai, permission(kOperation).name, campaign.code,
                           learner_ref(organization, *learner)),
               state_->now());
    });
  });
}

std::vector<LearnerView> Service::not_joined(std::string_view code, const Actor& actor) {
  constexpr auto kOperation = Operation::ViewNotJoined;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    std::vector<LearnerView> views;
    state_->read([&](StoreTransaction& tx) {
      const auto campaign = campaign_for(tx, access, kOperation, code);
      for (const auto& learner : tx.learners_without_participation(campaign)) {
        views.push_back(view_of(learner));
      }
    });
    return views;
  });
}

std::vector<Participant> Service::campaign_participants(std::string_view code, const Actor& actor) {
  constexpr auto kOperation = Operation::ViewParticipants;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    std::vector<Participant> participants;
    state_->read([&](StoreTransaction& tx) {
      const auto campaign = campaign_for(tx, access, kOperation, code);
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
  });
}

ClassSheet Service::class_sheet(std::string_view code, std::string_view base_url,
                                const Actor& actor) {
  constexpr auto kOperation = Operation::ClassSheet;
  const auto url_prefix =
      base_url.empty() ? std::nullopt : std::optional(checked_base_url(base_url));
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    ClassSheet sheet;
    state_->read([&](StoreTransaction& tx) {
      const auto found = campaign_for(tx, access, kOperation, code);
      sheet = {tx.organization(found.uai)->name, found, std::nullopt};
    });
    if (url_prefix) sheet.link = *url_prefix + sheet.campaign.code;
    return sheet;
  });
}

}  // namespace inscrire
