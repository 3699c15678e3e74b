// Who acts and what they may do (service/access.hpp; docs/rules.md §9).
#include "service/access.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "inscrire/limits.hpp"
#include "inscrire/password.hpp"

namespace inscrire::service_detail {
namespace {

constexpr std::string_view kStaffSessionPurpose = "staff_session";

// The operator's name goes into audit rows: a label as an admin types one (no control
// character, 200 characters at most), "admin" when empty.
Access operator_access(std::string_view typed) {
  auto name = checked_label(typed, "actor", kMaxLabelCharacters);
  if (name.empty()) name = "admin";
  Access access;
  access.kind = "operator";
  access.ref = name;
  access.display_name = std::move(name);
  return access;
}

// Using a session counts as use: the idle limit starts again. Written at most once a minute, so
// that a page of reads costs no write each.
constexpr std::int64_t kTouchEverySeconds = 60;

Access staff_access(Service::State& state, const Actor& actor) {
  Access access;
  bool stale = false;
  state.read([&](StoreTransaction& tx) {
    const auto [account, token] = live_staff_session(tx, state, actor.session_token());
    stale = state.now() - token.last_used_at >= kTouchEverySeconds;
    access.kind = "staff";
    access.ref = account.username;
    access.display_name = account.display_name;
    access.staff_id = account.id;
    access.memberships.clear();
    for (const auto& membership : tx.memberships_of_staff(account.id)) {
      access.memberships.push_back({membership.uai, membership.role});
    }
    if (must_enrol(state.options.staff.second_factor, account, access.memberships)) {
      throw Error(ErrorCode::SECOND_FACTOR_ENROLMENT_REQUIRED);
    }
  });
  if (stale) {
    state.write([&](StoreTransaction& tx) {
      tx.touch_staff_token(token_digest(actor.session_token()), state.now());
    });
  }
  return access;
}

// A platform vouches for this identity and its memberships: they are checked as given.
Access asserted_access(const Actor& actor) {
  const auto issuer = checked_label(actor.issuer(), "issuer", kMaxLabelCharacters);
  const auto subject = checked_label(actor.subject(), "subject", kMaxLabelCharacters);
  const auto name = checked_label(actor.display_name(), "display name", kMaxNameCharacters);
  if (issuer.empty() || subject.empty() || name.empty()) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "an asserted actor needs an issuer, a subject and a "
                "display name");
  }
  Access access;
  access.kind = "asserted";
  access.ref = issuer + ":" + subject;
  access.display_name = name;
  access.subject = issuer + "\n" + subject;
  for (const auto& membership : actor.memberships()) {
    access.memberships.push_back({canonical_uai(membership.uai), membership.role});
  }
  return access;
}

bool owns(const Access& access, const Campaign& campaign) {
  if (access.staff_id) return campaign.owner_staff_id == access.staff_id;
  return !access.subject.empty() && campaign.owner_subject == access.subject;
}

}  // namespace

std::optional<StaffRole> Access::role_in(std::string_view uai) const noexcept {
  for (const auto& membership : memberships) {
    if (membership.uai == uai) return membership.role;
  }
  return std::nullopt;
}

std::string Access::role_label(std::string_view uai) const {
  if (is_operator()) return "OPERATOR";
  const auto role = role_in(uai);
  return role ? std::string(staff_role_name(*role)) : std::string();
}

bool must_enrol(SecondFactorPolicy policy, const StaffAccount& account,
                const std::vector<Membership>& memberships) {
  if (!account.totp_secret.empty()) return false;
  if (policy == SecondFactorPolicy::All) return true;
  return policy == SecondFactorPolicy::Admins &&
         std::any_of(memberships.begin(), memberships.end(),
                     [](const Membership& m) { return m.role == StaffRole::Admin; });
}

std::pair<StaffAccount, StoredStaffToken> live_staff_session(StoreTransaction& tx,
                                                             const Service::State& state,
                                                             std::string_view session_token) {
  const auto now = state.now();
  const auto token = tx.staff_token(token_digest(session_token), kStaffSessionPurpose, now);
  if (!token || token->last_used_at + state.options.staff.session_idle_seconds <= now) {
    throw Error(ErrorCode::SESSION_INVALID);
  }
  auto account = tx.staff(token->staff_id);
  if (!account || account->disabled) throw Error(ErrorCode::SESSION_INVALID);
  return {std::move(*account), *token};
}

std::string_view staff_session_purpose() noexcept { return kStaffSessionPurpose; }

Access resolve_actor(Service::State& state, const Actor& actor) {
  Access access;
  switch (actor.kind()) {
    case Actor::Kind::Unspecified:
      access = operator_access(actor.name());
      if (state.options.require_staff) access.kind = "unspecified";
      break;
    case Actor::Kind::Operator: access = operator_access(actor.name()); break;
    case Actor::Kind::Staff: access = staff_access(state, actor); break;
    case Actor::Kind::Asserted: access = asserted_access(actor); break;
  }
  access.client = pseudonymous_client(actor.client_key());
  return access;
}

void permit(const Access& access, Operation operation, std::string_view uai) {
  if (access.is_operator()) return;
  const auto rank = permission(operation).rank;
  const auto role = access.role_in(uai);
  const bool allowed = access.kind != "unspecified" && role && rank != Rank::Operator &&
                       (rank == Rank::Member || *role == StaffRole::Admin);
  if (!allowed) throw Forbidden(std::string(uai), {});
}

void permit_campaign(const Access& access, Operation operation, const Campaign& campaign) {
  if (access.is_operator()) return;
  if (permission(operation).rank != Rank::Owner) {
    try {
      permit(access, operation, campaign.uai);
      return;
    } catch (const Forbidden&) {
      throw Forbidden(campaign.uai, campaign.code);
    }
  }
  const auto role = access.role_in(campaign.uai);
  const bool allowed =
      access.kind != "unspecified" && role && (*role == StaffRole::Admin || owns(access, campaign));
  if (!allowed) throw Forbidden(campaign.uai, campaign.code);
}

Campaign campaign_for(StoreTransaction& tx, const Access& access, Operation operation,
                      std::string_view code) {
  const auto canonical = canonical_campaign_code(code);
  auto campaign = tx.campaign(canonical);
  if (!campaign) {
    if (access.is_operator()) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
    throw Forbidden({}, echo(canonical));
  }
  permit_campaign(access, operation, *campaign);
  return *campaign;
}

AuditEntry audit_entry(const Access& access, std::string_view uai, std::string_view action,
                       std::string target, std::string detail) {
  AuditEntry entry;
  entry.uai = std::string(uai);
  entry.actor_kind = access.kind;
  entry.actor_ref = access.ref;
  entry.actor_name = access.display_name;
  entry.actor_role = access.role_label(uai);
  entry.action = std::string(action);
  entry.target = std::move(target);
  entry.detail = std::move(detail);
  entry.client = access.client;
  return entry;
}

std::string pseudonymous_client(std::string_view client_key) {
  if (client_key.empty()) return {};
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(client_key.data(), client_key.size(), digest.data(), &size, EVP_sha256(),
                 nullptr) != 1) {
    throw Error(ErrorCode::INTERNAL_ERROR, "SHA-256");
  }
  std::string hex;
  for (std::size_t i = 0; i < 8; ++i) {
    std::array<char, 3> pair{};
    std::snprintf(pair.data(), pair.size(), "%02x", digest[i]);
    hex += pair.data();
  }
  return hex;
}

void audit_refusal(Service::State& state, const Access& access, Operation operation,
                   const Forbidden& refused) {
  auto entry = audit_entry(access, refused.uai(), permission(operation).name, refused.target(), {});
  entry.outcome = "forbidden";
  state.write([&](StoreTransaction& tx) { tx.audit(entry, state.now()); });
}

}  // namespace inscrire::service_detail
