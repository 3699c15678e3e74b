// School staff (docs/rules.md §9): invitations, staff login and sessions, the team, passwords
// and the second factor.
#include <algorithm>

#include "inscrire/limits.hpp"
#include "inscrire/qr_code.hpp"
#include "inscrire/random.hpp"
#include "inscrire/second_factor.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "service/access.hpp"
#include "service/login_failures.hpp"
#include "service/state.hpp"
#include "service/throttle.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

constexpr std::string_view kChangePurpose = "staff_password_change";
constexpr int kMaxInvitationDays = 90;
constexpr std::size_t kInvitationCodeLength = 12;
constexpr std::size_t kMinStaffUsername = 3;
constexpr std::int64_t kDay = std::int64_t{24} * 3600;

// A staff username as stored: trimmed, lower-cased, 3 to 64 characters of a-z 0-9 . _ -.
std::string staff_username(std::string_view typed) {
  auto name = lower_ascii(trim(typed));
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
  if (name.size() > kMaxUsernameCharacters) throw Error(ErrorCode::FIELD_TOO_LONG, "username");
  if (!allowed || name.size() < kMinStaffUsername) {
    throw Error(ErrorCode::INVALID_VALUE, "username: 3 to 64 characters of a-z 0-9 . _ -");
  }
  return name;
}

std::string display_name_of(std::string_view typed) {
  auto name = checked_label(typed, "display name", kMaxNameCharacters);
  if (name.empty()) throw Error(ErrorCode::INVALID_ARGUMENT, "display name");
  return name;
}

// "ABCD-EFGH-2345": the code as shown, in groups of four.
std::string shown_code(std::string_view code) {
  std::string shown;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 4 == 0) shown += '-';
    shown += code[i];
  }
  return shown;
}

// The digest an invitation is stored under, from the code as typed (spaces, hyphens and case
// ignored); "" when it cannot be a code, which no invitation has.
std::string invitation_digest(std::string_view typed) {
  const auto code = canonical_campaign_code(typed);
  const bool shaped = code.size() == kInvitationCodeLength &&
                      code.find_first_not_of(kRecoveryCodeAlphabet) == std::string::npos;
  return shaped ? token_digest(code) : std::string();
}

// The TOTP secret as stored: sealed under the key file when there is one, else base32.
std::string stored_secret(const Service::State& state, std::string_view secret) {
  return state.totp_key ? seal(*state.totp_key, secret) : base32_encode(secret);
}

std::string secret_of(const Service::State& state, std::string_view stored) {
  if (is_sealed(stored)) {
    if (!state.totp_key) {
      throw Error(ErrorCode::INTERNAL_ERROR, "a sealed second-factor secret and no key file");
    }
    return open_sealed(*state.totp_key, stored);
  }
  auto secret = base32_decode(stored);
  if (!secret) throw Error(ErrorCode::INTERNAL_ERROR, "a stored second-factor secret is damaged");
  return *secret;
}

StaffLogin open_session(StoreTransaction& tx, const Service::State& state,
                        const StaffAccount& account, std::int64_t now) {
  const auto token = random_token();
  const auto expires_at = now + state.options.staff.session_seconds;
  tx.insert_staff_token(token_digest(token), account.id, staff_session_purpose(), now, expires_at);
  return {token, account.username, expires_at, false, {}};
}

std::vector<Membership> memberships_of(StoreTransaction& tx, Id staff_id) {
  std::vector<Membership> memberships;
  for (const auto& m : tx.memberships_of_staff(staff_id)) memberships.push_back({m.uai, m.role});
  return memberships;
}

StaffSession session_view(StoreTransaction& tx, const Service::State& state,
                          const StaffAccount& account, const StoredStaffToken& token,
                          std::int64_t now) {
  return {account.username, account.display_name, memberships_of(tx, account.id),
          std::min(token.expires_at, now + state.options.staff.session_idle_seconds),
          !account.totp_secret.empty()};
}

// The audit row of what a staff member did to their own account (no school).
AuditEntry self_entry(const StaffAccount& account, std::string_view action,
                      std::string_view client_key) {
  AuditEntry entry;
  entry.actor_kind = "staff";
  entry.actor_ref = account.username;
  entry.actor_name = account.display_name;
  entry.action = std::string(action);
  entry.target = account.username;
  entry.client = pseudonymous_client(client_key);
  return entry;
}

// The member `username` of the school, with their role; for the operator an unknown username
// is USER_NOT_FOUND, for anybody else one outside the school and one unknown are Forbidden.
std::pair<StaffAccount, StaffRole> member_of_school(StoreTransaction& tx, const Access& access,
                                                    const Organization& school,
                                                    std::string_view username) {
  const auto name = lower_ascii(trim(username));
  check_typed_username(name);
  auto account = tx.staff_by_username(name);
  if (account) {
    for (const auto& m : tx.memberships_of_staff(account->id)) {
      if (m.organization_id == school.id) return {std::move(*account), m.role};
    }
  }
  if (access.is_operator()) throw Error(ErrorCode::USER_NOT_FOUND);
  throw Forbidden(school.uai, echo(name));
}

// Refuses to leave the school without an active ADMIN (LAST_ADMIN).
void keep_an_admin(StoreTransaction& tx, const Organization& school, StaffRole role) {
  if (role == StaffRole::Admin && tx.count_admins(school.id) <= 1) {
    throw Error(ErrorCode::LAST_ADMIN);
  }
}

// Checks `password` for the staff `key` as login does: blocked usernames refused before any
// hashing, one verification (a dummy one for an unknown, disabled or membership-less account),
// one failure counted on every wrong path, the same answers (docs/rules.md §4, §9).
StaffAccount check_staff_password(Service::State& state, std::string_view key,
                                  std::string_view password, std::string_view client_key) {
  std::optional<StaffAccount> found;
  LoginFailures failures;
  bool member = false;
  state.read([&](StoreTransaction& tx) {
    found = tx.staff_by_username(key);
    failures = tx.staff_login_failures(key);
    member = found && !tx.memberships_of_staff(found->id).empty();
  });
  refuse_if_blocked(failures, state.now());
  const bool usable = found && !found->disabled && member && !found->password_hash.empty();
  if (!usable) {
    burn_verification_time(password, state.options.hash_parameters);
  } else if (verify_password(password, found->password_hash)) {
    return *found;
  }
  record_client_login_failure(state, kStaffLogins, client_key);
  throw record_login_failure(state, kStaffLogins, key);
}

// The second factor of a login: the TOTP code of a step not accepted before, or an unused
// recovery code. A wrong one counts as a failed login.
void check_second_factor(Service::State& state, const StaffAccount& account, std::string_view key,
                         std::string_view code, std::string_view client_key) {
  if (trim(code).empty()) throw Error(ErrorCode::SECOND_FACTOR_REQUIRED);
  const auto secret = secret_of(state, account.totp_secret);
  const auto now = state.now();
  bool accepted = false;
  state.durable([&](StoreTransaction& tx) {
    const auto current = tx.staff(account.id);
    const auto step =
        verify_totp(secret, code, now, current ? current->totp_last_step : std::nullopt);
    if (step) {
      accepted = tx.advance_totp_step(account.id, *step);  // one login per step: no replay
    } else if (const auto recovery = canonical_recovery_code(code)) {
      accepted = tx.use_recovery_code(account.id, token_digest(*recovery), now);
    }
  });
  if (accepted) return;
  record_client_login_failure(state, kStaffLogins, client_key);
  const auto refusal = record_login_failure(state, kStaffLogins, key);
  // A throttled login keeps its code; a wrong code is told apart from a wrong password.
  const auto refused_as = refusal.code() == ErrorCode::INVALID_CREDENTIALS
                              ? ErrorCode::SECOND_FACTOR_INVALID
                              : refusal.code();
  throw LoginError(refused_as, refusal.remaining_attempts(), refusal.retry_after_seconds());
}

// Sets a password the member chose: the must-change flag and temporary expiry go, every
// session and token of the account ends (docs/rules.md §9).
void set_chosen_staff_password(StoreTransaction& tx, StaffAccount& account, std::string hash) {
  account.password_hash = std::move(hash);
  account.must_change_password = false;
  account.temporary_expires_at = 0;
  tx.save_staff(account);
  tx.revoke_staff_tokens(account.id, {});
  lift_temporary_block(tx, kStaffLogins, account.username);
}

}  // namespace

StaffInvitation Service::invite_staff(std::string_view uai, StaffRole role, const Actor& actor,
                                      int valid_days) {
  constexpr auto kOperation = Operation::InviteStaff;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    const int days = valid_days == 0 ? state_->options.staff.invitation_days : valid_days;
    if (days < 1 || days > kMaxInvitationDays) {
      throw Error(ErrorCode::INVALID_ARGUMENT, "an invitation is valid 1 to 90 days");
    }
    const auto code = random_string(kRecoveryCodeAlphabet, kInvitationCodeLength);
    StaffInvitation invitation;
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      const auto now = state_->now();
      const auto stored = tx.insert_invitation(
          token_digest(code), {0, organization.id, role, access.ref, now, now + days * kDay});
      invitation = {RecordId{stored.id}, shown_code(code), school, role, stored.expires_at};
      tx.audit(audit_entry(access, school, permission(kOperation).name,
                           "invitation #" + std::to_string(stored.id),
                           "role " + std::string(staff_role_name(role)) + ", " +
                               std::to_string(days) + " days"),
               now);
    });
    return invitation;
  });
}

StaffLogin Service::accept_staff_invitation(std::string_view code, std::string_view username,
                                            std::string_view display_name,
                                            std::string_view password,
                                            std::string_view client_key) {
  const auto name = staff_username(username);
  const auto display = display_name_of(display_name);
  check_staff_password_rule(password, name);
  const auto digest = invitation_digest(code);
  return throttled(*state_, client_key, [&] {
    // The invitation first, so that a wrong code costs no hashing.
    state_->read([&](StoreTransaction& tx) {
      if (!tx.live_invitation(digest, state_->now())) throw Error(ErrorCode::INVITATION_INVALID);
    });
    const auto hash = hash_password(password, state_->options.hash_parameters);
    StaffLogin login;
    state_->durable([&](StoreTransaction& tx) {
      const auto now = state_->now();
      const auto invitation = tx.consume_invitation(digest, now);
      if (!invitation) throw Error(ErrorCode::INVITATION_INVALID);
      const auto account = tx.insert_staff(name, display, hash, now);
      if (!account) throw Error(ErrorCode::STAFF_USERNAME_TAKEN);
      tx.insert_membership({account->id, invitation->organization_id, {}, invitation->role, now});
      // Failures typed at this username before it was anyone's must not block the account.
      tx.clear_staff_login_failures(name);
      auto entry = self_entry(*account, "accept_staff_invitation", client_key);
      entry.uai = tx.organization_by_id(invitation->organization_id)->uai;
      entry.actor_role = staff_role_name(invitation->role);
      entry.detail = "invitation #" + std::to_string(invitation->id);
      tx.audit(entry, now);
      login = open_session(tx, *state_, *account, now);
    });
    return login;
  });
}

StaffSession Service::accept_staff_invitation(std::string_view code, const Actor& staff_session,
                                              std::string_view client_key) {
  if (staff_session.kind() != Actor::Kind::Staff) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "a staff session accepts an invitation");
  }
  const auto digest = invitation_digest(code);
  return throttled(*state_, client_key, [&] {
    StaffSession session;
    state_->durable([&](StoreTransaction& tx) {
      const auto now = state_->now();
      const auto [account, token] = live_staff_session(tx, *state_, staff_session.session_token());
      const auto invitation = tx.consume_invitation(digest, now);
      if (!invitation) throw Error(ErrorCode::INVITATION_INVALID);
      const auto organization = *tx.organization_by_id(invitation->organization_id);
      if (!tx.insert_membership({account.id, organization.id, {}, invitation->role, now})) {
        // A member already: the invitation gives its role, an ADMIN kept if the last one.
        const auto current = memberships_of(tx, account.id);
        const auto here = std::find_if(current.begin(), current.end(), [&](const Membership& m) {
          return m.uai == organization.uai;
        });
        if (here != current.end() && here->role != invitation->role) {
          keep_an_admin(tx, organization, here->role);
          tx.set_membership_role(account.id, organization.id, invitation->role);
        }
      }
      auto entry = self_entry(account, "accept_staff_invitation", client_key);
      entry.uai = organization.uai;
      entry.actor_role = staff_role_name(invitation->role);
      entry.detail = "invitation #" + std::to_string(invitation->id);
      tx.audit(entry, now);
      tx.touch_staff_token(token_digest(staff_session.session_token()), now);
      session = session_view(tx, *state_, account, token, now);
    });
    return session;
  });
}

namespace {

// Service::staff_login without its counters.
StaffLogin log_staff_in(Service::State& state, std::string_view username, std::string_view password,
                        std::string_view client_key, std::string_view totp) {
  refuse_if_login_throttled(state, kStaffLogins, client_key);
  const auto key = failure_key(username);
  const auto found = check_staff_password(state, key, password, client_key);
  if (!found.totp_secret.empty()) check_second_factor(state, found, key, totp, client_key);
  std::string rehashed;
  if (needs_rehash(found.password_hash, state.options.hash_parameters)) {
    rehashed = hash_password(password, state.options.hash_parameters);
  }
  StaffLogin login;
  state.durable([&](StoreTransaction& tx) {
    const auto now = state.now();
    auto account = *tx.staff(found.id);
    refuse_if_blocked(tx.staff_login_failures(key), now);
    // Reset or changed since it was verified: the old password is no longer good.
    if (account.password_hash != found.password_hash) {
      throw LoginError(ErrorCode::INVALID_CREDENTIALS, std::nullopt, 0);
    }
    if (account.must_change_password && account.temporary_expires_at != 0 &&
        account.temporary_expires_at <= now) {
      throw LoginError(ErrorCode::TEMPORARY_PASSWORD_EXPIRED, std::nullopt, 0);
    }
    tx.clear_staff_login_failures(key);
    account.last_login_at = now;
    if (!rehashed.empty()) account.password_hash = rehashed;
    tx.save_staff(account);
    if (account.must_change_password) {
      const auto token = random_token();
      tx.insert_staff_token(token_digest(token), account.id, kChangePurpose, now,
                            now + state.options.login.change_token_seconds);
      login = {{}, account.username, 0, true, token};
    } else {
      login = open_session(tx, state, account, now);
    }
  });
  return login;
}

}  // namespace

StaffLogin Service::staff_login(std::string_view username, std::string_view password,
                                std::string_view client_key, std::string_view totp) {
  try {
    auto login = log_staff_in(*state_, username, password, client_key, totp);
    bump(state_->counters.staff_logins);
    return login;
  } catch (const Error& e) {
    // Asking for the code is a step, not a failure; throttling is counted where it refuses.
    if (e.code() != ErrorCode::SECOND_FACTOR_REQUIRED && e.code() != ErrorCode::TOO_MANY_ATTEMPTS) {
      bump(state_->counters.staff_login_failures);
    }
    throw;
  }
}

StaffSession Service::staff_authenticate(std::string_view session_token) {
  StaffSession session;
  state_->write([&](StoreTransaction& tx) {
    const auto now = state_->now();
    const auto [account, token] = live_staff_session(tx, *state_, session_token);
    tx.touch_staff_token(token_digest(session_token), now);
    session = session_view(tx, *state_, account, token, now);
    if (session.memberships.empty()) throw Error(ErrorCode::SESSION_INVALID);
  });
  return session;
}

void Service::staff_logout(std::string_view session_token) {
  state_->write([&](StoreTransaction& tx) {
    live_staff_session(tx, *state_, session_token);
    tx.delete_staff_token(token_digest(session_token));
  });
}

std::vector<StaffMember> Service::members(std::string_view uai, const Actor& actor) {
  constexpr auto kOperation = Operation::ListMembers;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    permit(access, kOperation, canonical_uai(uai));
    std::vector<StaffMember> members;
    state_->read([&](StoreTransaction& tx) {
      for (const auto& [membership, account] : tx.members(require_organization(tx, uai).id)) {
        members.push_back({account.username, account.display_name, membership.role,
                           membership.since, account.last_login_at, !account.totp_secret.empty()});
      }
    });
    return members;
  });
}

std::vector<PendingInvitation> Service::invitations(std::string_view uai, const Actor& actor) {
  constexpr auto kOperation = Operation::ListInvitations;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    permit(access, kOperation, canonical_uai(uai));
    std::vector<PendingInvitation> pending;
    state_->read([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, uai);
      for (const auto& invitation : tx.pending_invitations(organization.id, state_->now())) {
        pending.push_back({RecordId{invitation.id}, invitation.role, invitation.created_by,
                           invitation.expires_at});
      }
    });
    return pending;
  });
}

void Service::set_member_role(std::string_view uai, std::string_view username, StaffRole role,
                              const Actor& actor) {
  constexpr auto kOperation = Operation::SetMemberRole;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      const auto [account, current] = member_of_school(tx, access, organization, username);
      if (current == role) return;
      keep_an_admin(tx, organization, current);
      tx.set_membership_role(account.id, organization.id, role);
      tx.audit(audit_entry(access, school, permission(kOperation).name, account.username,
                           std::string(staff_role_name(current)) + " -> " +
                               std::string(staff_role_name(role))),
               state_->now());
    });
  });
}

void Service::remove_member(std::string_view uai, std::string_view username, const Actor& actor) {
  constexpr auto kOperation = Operation::RemoveMember;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      const auto [account, role] = member_of_school(tx, access, organization, username);
      keep_an_admin(tx, organization, role);
      tx.delete_membership(account.id, organization.id);
      // Without a school left, the account cannot act: its sessions end.
      if (tx.memberships_of_staff(account.id).empty()) tx.revoke_staff_tokens(account.id, {});
      tx.audit(audit_entry(access, school, permission(kOperation).name, account.username,
                           "was " + std::string(staff_role_name(role))),
               state_->now());
    });
  });
}

void Service::revoke_staff_invitation(std::string_view uai, RecordId invitation_id,
                                      const Actor& actor) {
  constexpr auto kOperation = Operation::RevokeInvitation;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      const auto now = state_->now();
      const auto id = static_cast<Id>(invitation_id);
      if (!tx.revoke_invitation(organization.id, id, now)) {
        throw Error(ErrorCode::INVITATION_INVALID);
      }
      tx.audit(audit_entry(access, school, permission(kOperation).name,
                           "invitation #" + std::to_string(id), {}),
               now);
    });
  });
}

std::string Service::reset_staff_password(std::string_view uai, std::string_view username,
                                          const Actor& actor) {
  constexpr auto kOperation = Operation::ResetStaffPassword;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    state_->read([&](StoreTransaction& tx) {
      member_of_school(tx, access, require_organization(tx, school), username);
    });
    auto temporary = temporary_password() + temporary_password();  // 16 characters: 12 at least
    const auto hash = hash_password(temporary, state_->options.hash_parameters);
    state_->durable([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      auto [account, role] = member_of_school(tx, access, organization, username);
      const auto now = state_->now();
      account.password_hash = hash;
      account.must_change_password = true;
      account.temporary_expires_at =
          now + std::int64_t{state_->options.login.temporary_password_days} * kDay;
      tx.save_staff(account);
      tx.revoke_staff_tokens(account.id, {});
      tx.clear_staff_login_failures(account.username);
      tx.audit(audit_entry(access, school, permission(kOperation).name, account.username, {}), now);
    });
    return temporary;
  });
}

void Service::change_staff_password(std::string_view username, std::string_view old_password,
                                    std::string_view new_password) {
  const auto key = failure_key(username);
  check_staff_password_rule(new_password, key);  // before any look-up: says nothing of the account
  const auto found = check_staff_password(*state_, key, old_password, {});
  const auto hash = hash_password(new_password, state_->options.hash_parameters);
  state_->durable([&](StoreTransaction& tx) {
    auto account = *tx.staff(found.id);
    if (account.password_hash != found.password_hash) {  // reset or changed meanwhile
      throw LoginError(ErrorCode::INVALID_CREDENTIALS, std::nullopt, 0);
    }
    set_chosen_staff_password(tx, account, hash);
    tx.audit(self_entry(account, "change_staff_password", {}), state_->now());
  });
}

void Service::change_staff_password_with_token(std::string_view change_token,
                                               std::string_view new_password) {
  const auto digest = token_digest(change_token);
  std::optional<StaffAccount> found;
  state_->read([&](StoreTransaction& tx) {
    const auto token = tx.staff_token(digest, kChangePurpose, state_->now());
    if (token) found = tx.staff(token->staff_id);
  });
  if (!found || found->disabled) throw Error(ErrorCode::INVALID_TOKEN);
  check_staff_password_rule(new_password, found->username);
  const auto hash = hash_password(new_password, state_->options.hash_parameters);
  state_->durable([&](StoreTransaction& tx) {
    // Consumed here, in the writing transaction: a token works once even under a race.
    const auto staff_id = tx.consume_staff_token(digest, kChangePurpose, state_->now());
    if (!staff_id) throw Error(ErrorCode::INVALID_TOKEN);
    auto account = *tx.staff(*staff_id);
    set_chosen_staff_password(tx, account, hash);
    tx.audit(self_entry(account, "change_staff_password", {}), state_->now());
  });
}

SecondFactorEnrolment Service::begin_second_factor(std::string_view session_token) {
  const auto secret = new_totp_secret();
  SecondFactorEnrolment enrolment;
  state_->write([&](StoreTransaction& tx) {
    auto [account, token] = live_staff_session(tx, *state_, session_token);
    account.totp_pending = stored_secret(*state_, secret);
    tx.save_staff(account);
    tx.touch_staff_token(token_digest(session_token), state_->now());
    const auto uri = otpauth_uri(account.username, secret);
    enrolment = {base32_encode(secret), uri,
                 qr_code_svg(uri, "Code QR à scanner avec l'application d'authentification")};
  });
  return enrolment;
}

std::vector<std::string> Service::confirm_second_factor(std::string_view session_token,
                                                        std::string_view code) {
  auto codes = new_recovery_codes();
  std::vector<std::string> digests;
  digests.reserve(codes.size());
  for (const auto& shown : codes) digests.push_back(token_digest(*canonical_recovery_code(shown)));
  state_->durable([&](StoreTransaction& tx) {
    const auto now = state_->now();
    auto [account, token] = live_staff_session(tx, *state_, session_token);
    if (account.totp_pending.empty()) throw Error(ErrorCode::SECOND_FACTOR_INVALID);
    const auto step =
        verify_totp(secret_of(*state_, account.totp_pending), code, now, std::nullopt);
    if (!step) throw Error(ErrorCode::SECOND_FACTOR_INVALID);
    account.totp_secret = account.totp_pending;
    account.totp_pending.clear();
    account.totp_last_step = *step;
    tx.save_staff(account);
    tx.replace_recovery_codes(account.id, digests);
    // A new factor ends every other session; this one goes on.
    tx.revoke_staff_tokens(account.id, {});
    tx.insert_staff_token(token_digest(session_token), account.id, staff_session_purpose(),
                          token.created_at, token.expires_at);
    tx.touch_staff_token(token_digest(session_token), now);
    tx.audit(self_entry(account, "confirm_second_factor", {}), now);
  });
  return codes;
}

void Service::reset_second_factor(std::string_view uai, std::string_view username,
                                  const Actor& actor) {
  constexpr auto kOperation = Operation::ResetSecondFactor;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      auto [account, role] = member_of_school(tx, access, organization, username);
      // An ADMIN resets a member's second factor; only the operator resets an ADMIN's.
      if (role == StaffRole::Admin && !access.is_operator()) {
        throw Forbidden(school, account.username);
      }
      account.totp_secret.clear();
      account.totp_pending.clear();
      account.totp_last_step.reset();
      tx.save_staff(account);
      tx.replace_recovery_codes(account.id, {});
      tx.revoke_staff_tokens(account.id, {});
      tx.audit(audit_entry(access, school, permission(kOperation).name, account.username, {}),
               state_->now());
    });
  });
}

}  // namespace inscrire
