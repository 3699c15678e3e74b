// Accounts: login and blocking, password changes, admin resets, bulk credentials, RGPD.
#include <algorithm>

#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "json.hpp"
#include "service_state.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

constexpr std::string_view kSessionPurpose = "session";
constexpr std::string_view kChangePurpose = "password_change";

// The block a failure count earns: every `failures_per_block`-th consecutive failure blocks for
// first_block_seconds, doubled at each further threshold; permanent from
// permanent_block_failures on.
void apply_failure(User& user, const LoginPolicy& policy, std::int64_t now) {
  ++user.failed_attempts;
  if (user.failed_attempts >= policy.permanent_block_failures) {
    user.blocked = true;
  } else if (user.failed_attempts % policy.failures_per_block == 0) {
    const int level = user.failed_attempts / policy.failures_per_block - 1;
    user.blocked_until = now + (std::int64_t{policy.first_block_seconds} << level);
  }
}

std::optional<int> remaining_attempts(const User& user, const LoginPolicy& policy) {
  const int remaining = policy.permanent_block_failures - user.failed_attempts;
  if (remaining > policy.failures_per_block) return std::nullopt;
  return remaining;
}

// Refuses a blocked account before its password is even looked at.
void refuse_if_blocked(const User& user, std::int64_t now) {
  if (user.blocked) throw LoginError(ErrorCode::ACCOUNT_BLOCKED, std::nullopt, 0);
  if (user.blocked_until > now) {
    throw LoginError(ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED, std::nullopt,
                     user.blocked_until - now);
  }
}

void check_new_password(const Service::State& state, StoreTransaction& tx, const User& user,
                        std::string_view password) {
  check_password_rule(password);
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

std::string csv_field(std::string_view value) {
  if (value.find_first_of(";\"\r\n") == std::string_view::npos) return std::string(value);
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

Json learner_json(const Learner& learner) {
  const auto& e = learner.entry;
  return Json::object()
      .set("ine", e.ine)
      .set("first_name", e.first_name)
      .set("second_name", e.second_name)
      .set("third_name", e.third_name)
      .set("last_name", e.last_name)
      .set("usage_name", e.usage_name)
      .set("birthdate", e.birthdate.iso())
      .set("sex", e.sex == Sex::Female ? "F" : "M")
      .set("division", e.division)
      .set("birth_country_code", e.birth_country_code)
      .set("birth_department_code", e.birth_department_code)
      .set("birth_city_code", e.birth_city_code)
      .set("birth_city_name", e.birth_city_name)
      .set("mef_code", e.mef_code)
      .set("status", e.status)
      .set("disabled", learner.disabled);
}

}  // namespace

LoginError::LoginError(ErrorCode code, std::optional<int> remaining_attempts,
                       std::int64_t retry_after)
    : Error(code, remaining_attempts
                      ? "(" + std::to_string(*remaining_attempts) + " attempt(s) left)"
                      : (retry_after > 0 ? "(retry in " + std::to_string(retry_after) + " s)"
                                         : std::string())),
      remaining_attempts_(remaining_attempts),
      retry_after_(retry_after) {}

LoginResult Service::login(std::string_view username, std::string_view password) {
  const auto& options = state_->options;
  std::optional<User> found;
  state_->read([&](StoreTransaction& tx) { found = tx.user_by_username(trim(username)); });
  if (!found) {
    // Same cost and answer as a wrong password: no way to learn which usernames exist.
    burn_verification_time(password, options.hash_parameters);
    throw LoginError(ErrorCode::INVALID_CREDENTIALS, std::nullopt, 0);
  }
  refuse_if_blocked(*found, state_->now());
  const bool good = verify_password(password, found->password_hash);
  std::string rehashed;
  if (good && needs_rehash(found->password_hash, options.hash_parameters)) {
    rehashed = hash_password(password, options.hash_parameters);
  }
  LoginResult result;
  std::optional<LoginError> refusal;
  state_->durable([&](StoreTransaction& tx) {
    auto user = *tx.user(found->id);  // fresh counters: other attempts may have run meanwhile
    const auto now = state_->now();
    refuse_if_blocked(user, now);
    if (!good) {
      apply_failure(user, options.login, now);
      tx.save_user(user);
      if (user.blocked) {
        refusal.emplace(ErrorCode::ACCOUNT_BLOCKED, std::nullopt, 0);
      } else if (user.blocked_until > now) {
        refusal.emplace(ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED, std::nullopt,
                        user.blocked_until - now);
      } else {
        refusal.emplace(ErrorCode::INVALID_CREDENTIALS, remaining_attempts(user, options.login),
                        0);
      }
      return;  // commit the failure count
    }
    if (user.disabled) throw LoginError(ErrorCode::ACCOUNT_DISABLED, std::nullopt, 0);
    user.failed_attempts = 0;
    user.blocked_until = 0;
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
  if (refusal) throw *refusal;
  return result;
}

void Service::change_password(std::string_view username, std::string_view old_password,
                              std::string_view new_password) {
  std::optional<User> found;
  state_->read([&](StoreTransaction& tx) {
    found = tx.user_by_username(trim(username));
    if (found) check_new_password(*state_, tx, *found, new_password);
  });
  if (!found) {
    burn_verification_time(old_password, state_->options.hash_parameters);
    throw Error(ErrorCode::INVALID_CREDENTIALS);
  }
  refuse_if_blocked(*found, state_->now());
  if (!verify_password(old_password, found->password_hash)) {
    throw Error(ErrorCode::INVALID_CREDENTIALS);
  }
  const auto hash = hash_password(new_password, state_->options.hash_parameters);
  state_->durable([&](StoreTransaction& tx) {
    auto user = *tx.user(found->id);
    user.password_hash = hash;
    user.must_change_password = false;
    user.failed_attempts = 0;
    tx.save_user(user);
  });
}

void Service::change_password_with_token(std::string_view change_token,
                                         std::string_view new_password) {
  const auto digest = token_digest(change_token);
  std::optional<User> found;
  state_->read([&](StoreTransaction& tx) {
    const auto user_id = tx.token_user(digest, kChangePurpose, state_->now());
    if (!user_id) throw Error(ErrorCode::INVALID_TOKEN);
    found = tx.user(*user_id);
    check_new_password(*state_, tx, *found, new_password);
  });
  const auto hash = hash_password(new_password, state_->options.hash_parameters);
  state_->durable([&](StoreTransaction& tx) {
    // Consumed here, in the writing transaction: a token works once even under a race.
    const auto user_id = tx.consume_token(digest, kChangePurpose, state_->now());
    if (!user_id) throw Error(ErrorCode::INVALID_TOKEN);
    auto user = *tx.user(*user_id);
    user.password_hash = hash;
    user.must_change_password = false;
    user.failed_attempts = 0;
    user.blocked_until = 0;
    tx.save_user(user);
  });
}

std::string Service::reset_password(std::string_view uai, std::string_view username,
                                    std::string_view actor) {
  state_->read([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    require_linked_learner(tx, organization, require_user(tx, username));
  });
  const auto temporary = temporary_password();
  const auto hash = hash_password(temporary, state_->options.hash_parameters);
  state_->durable([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    auto user = require_user(tx, username);
    const auto learner = require_linked_learner(tx, organization, user);
    user.password_hash = hash;
    user.must_change_password = true;
    user.failed_attempts = 0;
    user.blocked_until = 0;
    user.blocked = false;
    tx.save_user(user);
    tx.audit({std::string(actor), "reset_password", user.username,
              organization.uai + " " + learner.entry.ine},
             state_->now());
  });
  return temporary;
}

void Service::unblock(std::string_view uai, std::string_view username, std::string_view actor) {
  state_->write([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    auto user = require_user(tx, username);
    require_linked_learner(tx, organization, user);
    user.failed_attempts = 0;
    user.blocked_until = 0;
    user.blocked = false;
    tx.save_user(user);
    tx.audit({std::string(actor), "unblock", user.username, organization.uai}, state_->now());
  });
}

Credentials Service::generate_credentials(std::string_view uai, std::string_view division,
                                          std::string_view actor) {
  const std::string wanted(trim(division));
  std::vector<Learner> learners;
  state_->read([&](StoreTransaction& tx) {
    learners = tx.learners(require_organization(tx, uai).id, &wanted, false);
  });
  if (learners.empty()) throw Error(ErrorCode::LEARNER_NOT_FOUND, "division " + wanted);
  // Hashing is the slow part: done before taking the write lock.
  std::vector<std::pair<std::string, std::string>> secrets;  // temporary password, its hash
  secrets.reserve(learners.size());
  for (std::size_t i = 0; i < learners.size(); ++i) {
    auto temporary = temporary_password();
    auto hash = hash_password(temporary, state_->options.hash_parameters);
    secrets.emplace_back(std::move(temporary), std::move(hash));
  }
  Credentials credentials;
  state_->durable([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    credentials.rows.clear();
    for (std::size_t i = 0; i < learners.size(); ++i) {
      const auto learner = *tx.learner(learners[i].id);
      const auto& [temporary, hash] = secrets[i];
      User user;
      if (learner.user_id) {
        user = *tx.user(*learner.user_id);
        user.password_hash = hash;
        user.must_change_password = true;
        user.failed_attempts = 0;
        user.blocked_until = 0;
        user.blocked = false;
        tx.save_user(user);
      } else {
        user = create_account(tx, learner.entry, hash, true, state_->options.username_policy);
        tx.link_learner(learner.id, user.id);
      }
      credentials.rows.push_back({learner.entry.division, learner.entry.last_name,
                                  learner.entry.first_name, user.username, temporary});
    }
    tx.audit({std::string(actor), "generate_credentials", organization.uai + " " + wanted,
              std::to_string(credentials.rows.size()) + " account(s)"},
             state_->now());
  });
  return credentials;
}

std::string Credentials::csv() const {
  std::string out = "\xEF\xBB\xBF" "Classe;Nom;Prénom;Identifiant;Mot de passe\r\n";
  for (const auto& row : rows) {
    out += csv_field(row.division) + ";" + csv_field(row.last_name) + ";" +
           csv_field(row.first_name) + ";" + csv_field(row.username) + ";" +
           csv_field(row.temporary_password) + "\r\n";
  }
  return out;
}

void Service::anonymize_learner(std::string_view uai, std::string_view ine,
                                std::string_view actor) {
  state_->write([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    const auto learner = tx.learner_by_ine(organization.id, trim(ine));
    if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
    if (learner->user_id) {
      auto user = *tx.user(*learner->user_id);
      user.disabled = true;
      tx.save_user(user);
    }
    tx.anonymize_learner(learner->id);
    // The audit names the row, not the person: the INE is gone from the database.
    tx.audit({std::string(actor), "anonymize_learner", organization.uai,
              "learner #" + std::to_string(learner->id)},
             state_->now());
  });
}

std::string Service::export_learner(std::string_view uai, std::string_view ine,
                                    std::string_view actor) {
  Json document = Json::object();
  state_->write([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    const auto learner = tx.learner_by_ine(organization.id, trim(ine));
    if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
    document.set("school", Json::object().set("uai", organization.uai).set("name", organization.name));
    document.set("learner", learner_json(*learner));
    if (learner->user_id) {
      const auto user = *tx.user(*learner->user_id);
      document.set("account", Json::object()
                                  .set("username", user.username)
                                  .set("must_change_password", user.must_change_password)
                                  .set("failed_attempts", user.failed_attempts)
                                  .set("blocked", user.blocked)
                                  .set("disabled", user.disabled));
    }
    auto participations = Json::array();
    for (const auto& participation : tx.participations_of_learner(learner->id)) {
      participations.push(Json::object()
                              .set("campaign_id", participation.campaign_id)
                              .set("status", participation.status));
    }
    document.set("participations", participations);
    tx.audit({std::string(actor), "export_learner", organization.uai,
              "learner #" + std::to_string(learner->id)},
             state_->now());
  });
  return document.dump();
}

}  // namespace inscrire
