// Staff roles, the actor value and the permission table (staff.hpp; docs/rules.md §9).
#include "inscrire/staff.hpp"

#include <array>

#include "inscrire/text.hpp"

namespace inscrire {

std::string_view staff_role_name(StaffRole role) noexcept {
  return role == StaffRole::Admin ? "ADMIN" : "MEMBER";
}

std::optional<StaffRole> staff_role_from_name(std::string_view name) noexcept {
  const auto upper = upper_ascii(trim(name));
  if (upper == "ADMIN") return StaffRole::Admin;
  if (upper == "MEMBER") return StaffRole::Member;
  return std::nullopt;
}

std::string_view second_factor_policy_name(SecondFactorPolicy policy) noexcept {
  switch (policy) {
    case SecondFactorPolicy::Off: return "off";
    case SecondFactorPolicy::Admins: return "admins";
    case SecondFactorPolicy::All: return "all";
  }
  return "off";
}

std::optional<SecondFactorPolicy> second_factor_policy_from_name(std::string_view name) noexcept {
  for (const auto policy :
       {SecondFactorPolicy::Off, SecondFactorPolicy::Admins, SecondFactorPolicy::All}) {
    if (second_factor_policy_name(policy) == name) return policy;
  }
  return std::nullopt;
}

Actor Actor::named(std::string name) {
  Actor actor;
  actor.name_ = std::move(name);
  return actor;
}

Actor Actor::as_operator(std::string name) {
  Actor actor;
  actor.kind_ = Kind::Operator;
  actor.name_ = std::move(name);
  return actor;
}

Actor Actor::staff(std::string session_token) {
  Actor actor;
  actor.kind_ = Kind::Staff;
  actor.name_ = std::move(session_token);
  return actor;
}

Actor Actor::asserted(std::string issuer, std::string subject, std::string display_name,
                      std::vector<Membership> memberships) {
  Actor actor;
  actor.kind_ = Kind::Asserted;
  actor.name_.clear();
  actor.issuer_ = std::move(issuer);
  actor.subject_ = std::move(subject);
  actor.display_name_ = std::move(display_name);
  actor.memberships_ = std::move(memberships);
  return actor;
}

Actor Actor::with_client_key(std::string client_key) const {
  Actor copy = *this;
  copy.client_key_ = std::move(client_key);
  return copy;
}

namespace {

using enum Operation;
using enum Rank;

// docs/rules.md §9 is this table, written out; tests/cpp/test_permissions.cpp runs every row
// for every kind of actor.
constexpr std::array kTable{
    Permission{ListLearners, "learners", Member},
    Permission{ViewLearner, "learner", Member},
    Permission{ViewAccount, "account", Member},
    Permission{ListCampaigns, "campaigns", Member},
    Permission{ViewParticipants, "campaign_participants", Member},
    Permission{ViewNotJoined, "not_joined", Member},
    Permission{ClassSheet, "class_sheet", Member},
    Permission{ResetPassword, "reset_password", Member},
    Permission{Unblock, "unblock", Member},
    Permission{GenerateCredentials, "generate_credentials", Member},
    Permission{CreateCampaign, "create_campaign", Member},
    Permission{UpdateCampaign, "update_campaign", Owner},
    Permission{ArchiveCampaign, "archive_campaign", Owner},
    Permission{UnarchiveCampaign, "unarchive_campaign", Owner},
    Permission{DeleteCampaign, "delete_campaign", Owner},
    Permission{DeleteParticipation, "delete_participation", Owner},
    Permission{ImportRoster, "import_roster", Admin},
    Permission{ImportAccount, "import_account", Admin},
    Permission{Dissociate, "dissociate", Admin},
    Permission{ExportLearner, "export_learner", Admin},
    Permission{AnonymizeLearner, "anonymize_learner", Admin},
    Permission{InviteStaff, "invite_staff", Admin},
    Permission{ListMembers, "members", Admin},
    Permission{ListInvitations, "invitations", Admin},
    Permission{SetMemberRole, "set_member_role", Admin},
    Permission{RemoveMember, "remove_member", Admin},
    Permission{RevokeInvitation, "revoke_staff_invitation", Admin},
    Permission{ResetStaffPassword, "reset_staff_password", Admin},
    Permission{ResetSecondFactor, "reset_second_factor", Admin},
    Permission{ReadAuditLog, "audit_log", Admin},
    Permission{CreateOrganization, "create_organization", Operator},
    Permission{PurgeAuditLog, "purge_audit", Operator},
};

constexpr bool in_operation_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].operation) != i) return false;
  }
  return true;
}
static_assert(in_operation_order(), "one row per Operation, in its order");

}  // namespace

std::span<const Permission> permissions() noexcept { return kTable; }

const Permission& permission(Operation operation) noexcept {
  return kTable[static_cast<std::size_t>(operation)];
}

std::string_view rank_name(Rank rank) noexcept {
  switch (rank) {
    case Rank::Member: return "MEMBER";
    case Rank::Owner: return "OWNER";
    case Rank::Admin: return "ADMIN";
    case Rank::Operator: return "OPERATOR";
  }
  return "OPERATOR";
}

}  // namespace inscrire
