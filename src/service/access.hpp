// Who acts in an admin operation and what they may do (docs/rules.md §9): the actor resolved
// against the database once per operation, the checks of the permission table (staff.hpp,
// kPermissions), the audit rows an operation writes, and refusals audited on their own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/state.hpp"

namespace inscrire::service_detail {

// An actor as an operation sees it.
struct Access {
  std::string kind;          // "operator", "staff", "asserted"; "unspecified" under require_staff
  std::string ref;           // the operator's name, a username, or "issuer:subject"
  std::string display_name;  // what the audit rows show
  std::optional<Id> staff_id;
  std::string subject;                  // asserted: "issuer\nsubject", its campaigns' owner mark
  std::vector<Membership> memberships;  // staff: as the database holds them now; asserted: vouched
  std::string client;                   // the pseudonymous client key, for the audit

  bool is_operator() const noexcept { return kind == "operator"; }
  std::optional<StaffRole> role_in(std::string_view uai) const noexcept;
  // What the audit records as the actor's role in the school: "OPERATOR", "ADMIN", "MEMBER", "".
  std::string role_label(std::string_view uai) const;
};

// A refusal: FORBIDDEN with no detail (it must say nothing), and what its audit row records.
class Forbidden : public Error {
 public:
  Forbidden(std::string uai, std::string target)
      : Error(ErrorCode::FORBIDDEN), uai_(std::move(uai)), target_(std::move(target)) {}
  const std::string& uai() const noexcept { return uai_; }
  const std::string& target() const noexcept { return target_; }

 private:
  std::string uai_;
  std::string target_;
};

// The account of a live staff session (not expired, used within the idle limit, account not
// disabled) and the session; SESSION_INVALID otherwise. The purpose sessions are stored under.
std::pair<StaffAccount, StoredStaffToken> live_staff_session(StoreTransaction& tx,
                                                             const Service::State& state,
                                                             std::string_view session_token);
std::string_view staff_session_purpose() noexcept;
// Whether the second-factor policy wants this account to enrol before doing anything else:
// `admins`, an account that is ADMIN of a school; `all`, every account; never once enrolled.
bool must_enrol(SecondFactorPolicy policy, const StaffAccount& account,
                const std::vector<Membership>& memberships);

// The actor for this operation: SESSION_INVALID for a staff session that is not live (or an
// account disabled), SECOND_FACTOR_ENROLMENT_REQUIRED when the policy wants the account to
// enrol first, INVALID_ARGUMENT for an asserted identity without issuer, subject or name.
Access resolve_actor(Service::State& state, const Actor& actor);

// Forbidden unless the actor holds the rank `operation` needs in the school `uai` (canonical).
// An Owner-rank operation needs the campaign: permit_campaign.
void permit(const Access& access, Operation operation, std::string_view uai);
void permit_campaign(const Access& access, Operation operation, const Campaign& campaign);
// The campaign a code names, for an operation of `access`: an unknown code is
// CAMPAIGN_NOT_FOUND for the operator and Forbidden for anybody else (as another school's).
Campaign campaign_for(StoreTransaction& tx, const Access& access, Operation operation,
                      std::string_view code);

// An audit row of `access` acting on the school `uai`.
AuditEntry audit_entry(const Access& access, std::string_view uai, std::string_view action,
                       std::string target, std::string detail);
// The first 16 hex characters of SHA-256 of a client key ("" for none).
std::string pseudonymous_client(std::string_view client_key);

// Writes the audit row of a refusal in a transaction of its own.
void audit_refusal(Service::State& state, const Access& access, Operation operation,
                   const Forbidden& refused);

// Runs an admin operation: resolves the actor, then `work(access)`; a refusal (Forbidden) is
// audited and rethrown, having changed nothing.
template <class Work>
auto administer(Service::State& state, const Actor& actor, Operation operation, Work&& work) {
  const auto access = resolve_actor(state, actor);
  try {
    return work(access);
  } catch (const Forbidden& refused) {
    audit_refusal(state, access, operation, refused);
    throw;
  }
}

}  // namespace inscrire::service_detail
