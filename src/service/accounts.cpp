// Accounts: login and blocking, password changes, admin resets, bulk credentials, RGPD.
#include <algorithm>
#include <tuple>

#include "inscrire/limits.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "service/access.hpp"
#include "service/login_failures.hpp"
#include "service/state.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

constexpr std::string_view kChangePurpose = "password_change";

// The personal-information and common-password policy for a new password of `user` (the rule
// itself is checked before anything is looked up, so its answer says nothing about the user).
void check_new_password(const Service::State& state, StoreTransaction& tx, const User& user,
                        std::string_view password) {
  if (!state.options.refuse_weak_passwords) return;
  const auto learners = tx.learners_of_user(user.id);
  if (learners.empty()) {
    check_password_policy(password, {{}, {}, user.username});
    return;
  }
  for (const auto& learner : learners) {
    check_password_policy(password,
                          {learner.entry.first_name, learner.entry.last_name, user.username});
  }
}

// Checks `password` for `username` the way login does, at the same cost and with the same
// answers whether or not an account holds the username (login_failures.hpp): the username's
// failures are read first and a blocked one is refused before any hashing; then one hash
// verification (of the account's hash, or of a dummy at the configured parameters); a failure
// is counted in the same single write on both paths.
User authenticate(Service::State& state, std::string_view username, std::string_view password) {
  const auto key = failure_key(username);
  std::optional<User> found;
  LoginFailures failures;
  state.read([&](StoreTransaction& tx) {
    found = tx.user_by_username(key);
    failures = tx.login_failures(key);
  });
  refuse_if_blocked(failures, state.now());
  if (!found || found->password_hash.empty()) {  // unknown, or anonymised: no password matches
    burn_verification_time(password, state.options.hash_parameters);
  } else if (verify_password(password, found->password_hash)) {
    return *found;
  }
  throw record_login_failure(state, kPupilLogins, key);
}

// A hash import_account accepts: an Argon2id PHC string, or bcrypt $2a$/$2b$/$2y$ with a cost
// of 4 to 16 and 53 characters of bcrypt's base64 alphabet.
bool importable_hash(std::string_view hash) {
  if (hash.starts_with("$argon2id$")) {
    const auto params = parse_hash_parameters(hash);
    return params && is_supported(*params);
  }
  if (hash.size() != 60) return false;
  if (!(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"))) {
    return false;
  }
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(hash[4]) || !digit(hash[5]) || hash[6] != '$') return false;
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 16) return false;
  return std::all_of(hash.begin() + 7, hash.end(), [&](char c) {
    return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '/';
  });
}

// A password the pupil chose: the must-change flag, the failure count and a temporary block
// are cleared (a permanent block stays until an admin lifts it).
void set_chosen_password(StoreTransaction& tx, User& user, const std::string& hash) {
  user.password_hash = hash;
  user.must_change_password = false;
  user.temporary_expires_at = 0;
  tx.save_user(user);
  lift_temporary_block(tx, kPupilLogins, user.username);
}

// A temporary password given by an admin, who has checked who the pupil is: to change at the
// next login, and every block lifted.
void set_temporary_password(StoreTransaction& tx, User& user, const std::string& hash,
                            std::int64_t expires_at) {
  user.password_hash = hash;
  user.must_change_password = true;
  user.temporary_expires_at = expires_at;
  tx.save_user(user);
  tx.clear_login_failures(user.username);
}

// When a temporary password given now stops working (docs/rules.md §4).
std::int64_t temporary_expiry(const Service::State& state, std::int64_t now) {
  return now + std::int64_t{state.options.login.temporary_password_days} * 24 * 3600;
}

AccountState account_state(StoreTransaction& tx, const User& user) {
  const auto failures = tx.login_failures(user.username);
  return {user.username, user.must_change_password, failures.failed_attempts, failures.blocked,
          user.disabled};
}

// The participations of `learner` with their campaigns among those of the school.
std::vector<CampaignParticipation> participations_of(StoreTransaction& tx,
                                                     const Organization& organization,
                                                     const Learner& learner) {
  const auto campaigns = tx.campaigns(organization.id);
  std::vector<CampaignParticipation> participations;
  for (const auto& participation : tx.participations_of_learner(learner.id)) {
    const auto campaign = std::find_if(campaigns.begin(), campaigns.end(), [&](const auto& c) {
      return c.id == participation.campaign_id;
    });
    participations.push_back({campaign != campaigns.end() ? std::optional(*campaign) : std::nullopt,
                              participation.status});
  }
  return participations;
}

// The anonymous form of a roster row (service.hpp, anonymize_learner): "Anonyme" for names,
// "ANONYME-<row id>" for the INE, the birth year only (as 1 January), nothing else that could
// name or place the pupil; sex and status, which name nobody, stay.
RosterEntry anonymous_entry(const Learner& learner) {
  RosterEntry anonymous;
  anonymous.ine = "ANONYME-" + std::to_string(learner.id);
  anonymous.first_name = "Anonyme";
  anonymous.last_name = "Anonyme";
  anonymous.birthdate =
      BirthDate::from_trusted_iso(std::to_string(learner.entry.birthdate.year()).append("-01-01"));
  anonymous.sex = learner.entry.sex;
  anonymous.status = learner.entry.status;
  return anonymous;
}

// The row loses everything that names the pupil, is disabled and unlinked; its participations
// stay, attached to it.
void erase_learner(StoreTransaction& tx, const Learner& learner, std::int64_t now) {
  const auto anonymous = anonymous_entry(learner);
  const auto keys = keys_of(anonymous);
  tx.update_learner(learner.id, {anonymous, keys}, now);
  tx.set_learner_disabled(learner.id, true, now);
  tx.unlink_learner(learner.id);
}

// The account loses everything that names its owner: username "anonyme-<id>" (also in the
// audit rows that named it), no password hash (so no password matches), disabled, no tokens.
void erase_account(StoreTransaction& tx, Id user_id) {
  auto user = *tx.user(user_id);
  const auto renamed = "anonyme-" + std::to_string(user_id);
  if (!tx.rename_user(user_id, renamed)) throw Error(ErrorCode::USERNAME_TAKEN, renamed);
  tx.retarget_audit(user.username, renamed);
  user.password_hash.clear();
  user.must_change_password = false;
  user.disabled = true;
  tx.save_user(user);
  tx.clear_login_failures(user.username);
  tx.revoke_tokens(user_id, {});
}

// The account `username` and its learner in the school. For the operator, USER_NOT_FOUND and
// LEARNER_NOT_FOUND as the look-ups say; for anybody else both are Forbidden: a username of
// another school and one that does not exist must read the same.
std::tuple<Organization, User, Learner> pupil_of_school(StoreTransaction& tx, const Access& access,
                                                        std::string_view school,
                                                        std::string_view username) {
  try {
    const auto organization = require_organization(tx, school);
    auto user = require_user(tx, username);
    auto learner = require_linked_learner(tx, organization, user);
    return {organization, std::move(user), std::move(learner)};
  } catch (const Error& error) {
    const bool elsewhere =
        error.code() == ErrorCode::USER_NOT_FOUND || error.code() == ErrorCode::LEARNER_NOT_FOUND;
    if (!elsewhere || access.is_operator()) throw;
    throw Forbidden(std::string(school), echo(trim(username)));
  }
}

}  // namespace

// "(3 attempt(s) left)" or "(retry in 120 s)". Built by appending: GCC 12 at -O3 reports a
// false -Wrestrict on the equivalent chain of operator+.
std::string login_detail(std::optional<int> remaining_attempts, std::int64_t retry_after) {
  std::string detail;
  if (remaining_attempts) {
    detail.append("(").append(std::to_string(*remaining_attempts)).append(" attempt(s) left)");
  } else if (retry_after > 0) {
    detail.append("(retry in ").append(std::to_string(retry_after)).append(" s)");
  }
  return detail;
}

std::string_view login_status_name(LoginStatus status) noexcept {
  return status == LoginStatus::Success ? "success" : "password_change_required";
}

LoginError::LoginError(ErrorCode code, std::optional<int> remaining_attempts,
                       std::int64_t retry_after)
    : Error(code, login_detail(remaining_attempts, retry_after)),
      remaining_attempts_(remaining_attempts),
      retry_after_(retry_after) {}

namespace {

// Service::login without its counters.
LoginResult log_in(Service::State& state, std::string_view username, std::string_view password,
                   std::string_view client_key) {
  const auto& options = state.options;
  refuse_if_login_throttled(state, kPupilLogins, client_key);
  const auto found = [&] {
    try {
      return inscrire::authenticate(state, username, password);
    } catch (const LoginError&) {  // wrong password, unknown or blocked username alike
      record_client_login_failure(state, kPupilLogins, client_key);
      throw;
    }
  }();
  std::string rehashed;
  if (needs_rehash(found.password_hash, options.hash_parameters)) {
    rehashed = hash_password(password, options.hash_parameters);
  }
  LoginResult result;
  state.durable([&](StoreTransaction& tx) {
    auto user = *tx.user(found.id);
    const auto now = state.now();
    refuse_if_blocked(tx.login_failures(user.username), now);
    // The password was reset or changed since it was verified: the old one is no longer good.
    if (user.password_hash != found.password_hash) {
      throw LoginError(ErrorCode::INVALID_CREDENTIALS, std::nullopt, 0);
    }
    if (user.disabled) throw LoginError(ErrorCode::ACCOUNT_DISABLED, std::nullopt, 0);
    if (user.must_change_password && user.temporary_expires_at != 0 &&
        user.temporary_expires_at <= now) {
      throw LoginError(ErrorCode::TEMPORARY_PASSWORD_EXPIRED, std::nullopt, 0);
    }
    tx.clear_login_failures(user.username);
    user.last_login_at = now;
    if (!rehashed.empty()) user.password_hash = rehashed;
    tx.save_user(user);
    const auto token = random_token();
    result.username = user.username;
    if (user.must_change_password) {
      result.status = LoginStatus::PasswordChangeRequired;
      result.change_token = token;
      tx.insert_token(token_digest(token), user.id, kChangePurpose,
                      now + options.login.change_token_seconds);
    } else {
      result.session_token = token;
      tx.insert_token(token_digest(token), user.id, kSessionPurpose,
                      now + options.login.session_seconds);
    }
  });
  return result;
}

}  // namespace

LoginResult Service::login(std::string_view username, std::string_view password,
                           std::string_view client_key) {
  try {
    auto result = log_in(*state_, username, password, client_key);
    bump(state_->counters.logins);
    return result;
  } catch (const LoginError& e) {
    const bool blocked = e.code() == ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED ||
                         e.code() == ErrorCode::ACCOUNT_BLOCKED;
    bump(blocked ? state_->counters.logins_blocked : state_->counters.login_failures);
    throw;
  }
}

void Service::change_password(std::string_view username, std::string_view old_password,
                              std::string_view new_password) {
  check_password_rule(new_password);  // before any look-up: says nothing about the account
  const auto found = inscrire::authenticate(*state_, username, old_password);
  if (found.disabled) throw Error(ErrorCode::ACCOUNT_DISABLED);
  state_->read([&](StoreTransaction& tx) { check_new_password(*state_, tx, found, new_password); });
  const auto hash = hash_password(new_password, state_->options.hash_parameters);
  state_->durable([&](StoreTransaction& tx) {
    auto user = *tx.user(found.id);
    if (user.password_hash != found.password_hash) {  // reset or changed meanwhile
      throw LoginError(ErrorCode::INVALID_CREDENTIALS, std::nullopt, 0);
    }
    set_chosen_password(tx, user, hash);
    tx.revoke_tokens(user.id, {});  // every session and change token (docs/rules.md §4)
  });
}

void Service::change_password_with_token(std::string_view change_token,
                                         std::string_view new_password) {
  check_password_rule(new_password);
  const auto digest = token_digest(change_token);
  std::optional<User> found;
  state_->read([&](StoreTransaction& tx) {
    const auto token = tx.token(digest, kChangePurpose, state_->now());
    if (!token) throw Error(ErrorCode::INVALID_TOKEN);
    found = tx.user(token->user_id);
    if (!found || found->disabled) throw Error(ErrorCode::INVALID_TOKEN);
    check_new_password(*state_, tx, *found, new_password);
  });
  const auto hash = hash_password(new_password, state_->options.hash_parameters);
  state_->durable([&](StoreTransaction& tx) {
    // Consumed here, in the writing transaction: a token works once even under a race.
    const auto user_id = tx.consume_token(digest, kChangePurpose, state_->now());
    if (!user_id) throw Error(ErrorCode::INVALID_TOKEN);
    auto user = *tx.user(*user_id);
    set_chosen_password(tx, user, hash);
    tx.revoke_tokens(user.id, {});  // other tokens of earlier logins and every session die too
  });
}

std::string Service::reset_password(std::string_view uai, std::string_view username,
                                    const Actor& actor) {
  constexpr auto kOperation = Operation::ResetPassword;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    // Checked before the (slow) hashing, then again under the write lock.
    const auto check = [&](StoreTransaction& tx) {
      auto [organization, user, learner] = pupil_of_school(tx, access, school, username);
      if (learner.disabled) throw Error(ErrorCode::LEARNER_DISABLED);
      if (user.disabled) throw Error(ErrorCode::ACCOUNT_DISABLED);
      return std::tuple{organization, user, learner};
    };
    state_->read([&](StoreTransaction& tx) { check(tx); });
    auto temporary = temporary_password();
    const auto hash = hash_password(temporary, state_->options.hash_parameters);
    state_->durable([&](StoreTransaction& tx) {
      auto [organization, user, learner] = check(tx);
      set_temporary_password(tx, user, hash, temporary_expiry(*state_, state_->now()));
      tx.revoke_tokens(user.id, {});  // sessions and change tokens of the old password
      tx.audit(audit_entry(access, school, permission(kOperation).name, user.username,
                           learner_ref(organization, learner)),
               state_->now());
    });
    return temporary;
  });
}

void Service::unblock(std::string_view uai, std::string_view username, const Actor& actor) {
  constexpr auto kOperation = Operation::Unblock;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    state_->write([&](StoreTransaction& tx) {
      const auto [organization, user, learner] = pupil_of_school(tx, access, school, username);
      tx.clear_login_failures(user.username);
      tx.audit(audit_entry(access, school, permission(kOperation).name, user.username,
                           learner_ref(organization, learner)),
               state_->now());
    });
  });
}

std::string Service::import_account(std::string_view uai, std::string_view ine,
                                    std::string_view username, std::string_view password_hash,
                                    const Actor& actor) {
  constexpr auto kOperation = Operation::ImportAccount;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    auto name = lower_ascii(trim(username));
    if (!is_valid_username(name)) throw Error(ErrorCode::INVALID_ARGUMENT, "username");
    // The detail never quotes the hash: it is a secret too (it can be attacked offline).
    if (!importable_hash(password_hash)) throw Error(ErrorCode::INVALID_ARGUMENT, "password hash");
    state_->durable([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      const auto learner = tx.learner_by_ine(organization.id, canonical_ine(ine));
      if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
      if (learner->disabled) throw Error(ErrorCode::LEARNER_DISABLED);
      if (learner->user_id) throw Error(ErrorCode::LEARNER_ALREADY_LINKED);
      if (tx.username_linked_elsewhere(learner->entry.ine, organization.id)) {
        throw Error(ErrorCode::LEARNER_HAS_ACCOUNT_ELSEWHERE);
      }
      const auto user = insert_account(tx, name, password_hash, false, state_->now());
      if (!user) throw Error(ErrorCode::USERNAME_TAKEN);
      if (!tx.link_learner(learner->id, user->id)) throw Error(ErrorCode::LEARNER_ALREADY_LINKED);
      tx.audit(
          audit_entry(access, school, permission(kOperation).name, user->username,
                      learner_ref(organization, *learner) +
                          (password_hash.starts_with("$argon2id$") ? " (argon2id)" : " (bcrypt)")),
          state_->now());
    });
    return name;
  });
}

Credentials Service::generate_credentials(std::string_view uai, std::string_view division,
                                          const Actor& actor) {
  return generate_credentials(uai, division, CredentialOptions{}, actor);
}

namespace {

// What generate_credentials does to one learner of the class (docs/rules.md §1.8).
enum class CredentialAction { Create, Reset, Leave };

// Learners without an account get one, unless their INE has one in another school; existing
// accounts are reset only when asked, for the whole class or for the listed INEs.
std::vector<CredentialAction> plan_credentials(StoreTransaction& tx,
                                               const Organization& organization,
                                               const std::vector<Learner>& learners,
                                               const CredentialOptions& options,
                                               const std::vector<std::string>& selected) {
  const auto action = [&](const Learner& learner) {
    const bool listed =
        std::find(selected.begin(), selected.end(), learner.entry.ine) != selected.end();
    if (!selected.empty() && !listed) return CredentialAction::Leave;
    if (learner.user_id) {
      return options.reset_existing || listed ? CredentialAction::Reset : CredentialAction::Leave;
    }
    const bool account_elsewhere =
        tx.username_linked_elsewhere(learner.entry.ine, organization.id).has_value();
    return account_elsewhere ? CredentialAction::Leave : CredentialAction::Create;
  };
  std::vector<CredentialAction> plan;
  plan.reserve(learners.size());
  for (const auto& learner : learners) plan.push_back(action(learner));
  return plan;
}

}  // namespace

Credentials Service::generate_credentials(std::string_view uai, std::string_view division,
                                          const CredentialOptions& options, const Actor& actor) {
  constexpr auto kOperation = Operation::GenerateCredentials;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    const std::string wanted = checked_label(division, "division", kMaxDivisionCharacters);
    if (wanted.empty()) throw Error(ErrorCode::INVALID_ARGUMENT, "division");
    std::vector<std::string> selected;
    for (const auto& ine : options.ines) selected.push_back(canonical_ine(ine));
    const auto read_class = [&](StoreTransaction& tx, Organization& organization) {
      organization = require_organization(tx, school);
      auto learners = tx.learners(organization.id, &wanted, false);
      if (learners.empty()) throw Error(ErrorCode::LEARNER_NOT_FOUND, "division " + wanted);
      for (const auto& ine : selected) {
        if (std::none_of(learners.begin(), learners.end(),
                         [&](const Learner& l) { return l.entry.ine == ine; })) {
          throw Error(ErrorCode::LEARNER_NOT_FOUND, "INE " + ine);
        }
      }
      return learners;
    };
    std::size_t needed = 0;
    state_->read([&](StoreTransaction& tx) {
      Organization organization;
      const auto learners = read_class(tx, organization);
      for (const auto action : plan_credentials(tx, organization, learners, options, selected)) {
        if (action != CredentialAction::Leave) ++needed;
      }
    });
    // Hashing is the slow part: done before taking the write lock, for as many accounts as the
    // plan read above wants (a few spare ones cover a class that changed meanwhile).
    std::vector<std::pair<std::string, std::string>> secrets;  // temporary password, its hash
    const auto make_secret = [&] {
      auto temporary = temporary_password();
      auto hash = hash_password(temporary, state_->options.hash_parameters);
      secrets.emplace_back(std::move(temporary), std::move(hash));
    };
    for (std::size_t i = 0; i < needed; ++i) make_secret();
    Credentials credentials;
    state_->durable([&](StoreTransaction& tx) {
      Organization organization;
      const auto learners = read_class(tx, organization);
      const auto plan = plan_credentials(tx, organization, learners, options, selected);
      const auto now = state_->now();
      credentials = {};
      credentials.uai = organization.uai;
      credentials.school = organization.name;
      std::size_t next_secret = 0;
      for (std::size_t i = 0; i < learners.size(); ++i) {
        const auto& learner = learners[i];
        const auto& e = learner.entry;
        if (plan[i] == CredentialAction::Leave) {
          ++credentials.unchanged;
          if (learner.username) {
            credentials.rows.push_back(
                {e.division, e.last_name, e.first_name, *learner.username, {}});
          }
          continue;
        }
        if (next_secret == secrets.size()) make_secret();  // rare: the class grew meanwhile
        const auto& [temporary, hash] = secrets[next_secret++];
        User user;
        if (plan[i] == CredentialAction::Reset) {
          user = *tx.user(*learner.user_id);
          ++credentials.reset;
        } else {
          user = create_account(tx, e, hash, true, state_->options.username_policy, now);
          tx.link_learner(learner.id, user.id);
          ++credentials.created;
        }
        credentials.temporary_expires_at = temporary_expiry(*state_, now);
        set_temporary_password(tx, user, hash, credentials.temporary_expires_at);
        tx.revoke_tokens(user.id, {});
        credentials.rows.push_back(
            {e.division, e.last_name, e.first_name, user.username, temporary});
      }
      tx.audit(
          audit_entry(access, school, permission(kOperation).name, organization.uai + " " + wanted,
                      std::to_string(credentials.created) + " created, " +
                          std::to_string(credentials.reset) + " reset, " +
                          std::to_string(credentials.unchanged) + " unchanged"),
          now);
    });
    return credentials;
  });
}

void Service::anonymize_learner(std::string_view uai, std::string_view ine, const Actor& actor) {
  constexpr auto kOperation = Operation::AnonymizeLearner;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      const auto learner = tx.learner_by_ine(organization.id, canonical_ine(ine));
      if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
      const auto now = state_->now();
      erase_learner(tx, *learner, now);
      // The account goes with the learner unless another school's row still uses it: that
      // school's data is not this admin's to erase.
      if (learner->user_id && tx.learners_of_user(*learner->user_id).empty()) {
        erase_account(tx, *learner->user_id);
      }
      // The audit names the row, not the person: the INE is gone from the database.
      tx.audit(audit_entry(access, school, permission(kOperation).name, organization.uai,
                           learner_ref(organization, *learner)),
               state_->now());
    });
  });
}

LearnerExport Service::export_learner(std::string_view uai, std::string_view ine,
                                      const Actor& actor) {
  constexpr auto kOperation = Operation::ExportLearner;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    LearnerExport exported;
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      const auto learner = tx.learner_by_ine(organization.id, canonical_ine(ine));
      if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
      std::optional<AccountState> account;
      if (learner->user_id) account = account_state(tx, *tx.user(*learner->user_id));
      exported = {organization, *learner, std::move(account),
                  participations_of(tx, organization, *learner)};
      tx.audit(audit_entry(access, school, permission(kOperation).name, organization.uai,
                           learner_ref(organization, *learner)),
               state_->now());
    });
    return exported;
  });
}

}  // namespace inscrire
