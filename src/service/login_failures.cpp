// Failed logins per username and per client key (login_failures.hpp).
#include "service/login_failures.hpp"

#include <algorithm>

#include "inscrire/limits.hpp"
#include "inscrire/text.hpp"

namespace inscrire::service_detail {
namespace {

void apply_failure(LoginFailures& failures, const LoginPolicy& policy, std::int64_t now) {
  ++failures.failed_attempts;
  if (failures.failed_attempts >= policy.permanent_block_failures) {
    failures.blocked = true;
  } else if (failures.failed_attempts % policy.failures_per_block == 0) {
    const int level = failures.failed_attempts / policy.failures_per_block - 1;
    failures.blocked_until = now + (std::int64_t{policy.first_block_seconds} << level);
  }
}

std::optional<int> remaining_attempts(const LoginFailures& failures, const LoginPolicy& policy) {
  const int remaining = policy.permanent_block_failures - failures.failed_attempts;
  if (remaining > policy.failures_per_block) return std::nullopt;
  return remaining;
}

}  // namespace

std::string failure_key(std::string_view typed_username) {
  const auto trimmed = trim(typed_username);
  check_typed_username(trimmed);
  return lower_ascii(trimmed);
}

void refuse_if_blocked(const LoginFailures& failures, std::int64_t now) {
  if (failures.blocked) throw LoginError(ErrorCode::ACCOUNT_BLOCKED, std::nullopt, 0);
  if (failures.blocked_until > now) {
    throw LoginError(ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED, std::nullopt,
                     failures.blocked_until - now);
  }
}

LoginError record_login_failure(Service::State& state, const LoginRealm& realm,
                                std::string_view key) {
  std::optional<LoginError> refusal;
  state.durable([&](StoreTransaction& tx) {
    auto failures = (tx.*realm.read)(key);  // fresh: other attempts may have run meanwhile
    const auto now = state.now();
    refuse_if_blocked(failures, now);
    apply_failure(failures, state.options.login, now);
    (tx.*realm.save)(key, failures);
    if (failures.blocked) {
      refusal.emplace(ErrorCode::ACCOUNT_BLOCKED, std::nullopt, 0);
    } else if (failures.blocked_until > now) {
      refusal.emplace(ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED, std::nullopt,
                      failures.blocked_until - now);
    } else {
      refusal.emplace(ErrorCode::INVALID_CREDENTIALS,
                      remaining_attempts(failures, state.options.login), 0);
    }
  });
  return *refusal;
}

void lift_temporary_block(StoreTransaction& tx, const LoginRealm& realm, std::string_view key) {
  if ((tx.*realm.read)(key).blocked) {
    (tx.*realm.save)(key, {0, 0, true});
  } else {
    (tx.*realm.clear)(key);
  }
}

void refuse_if_login_throttled(Service::State& state, const LoginRealm& realm,
                               std::string_view client_key) {
  check_client_key(client_key);
  if (client_key.empty()) return;
  const auto& limits = state.options.throttle;
  const auto since = state.now() - limits.login_window_seconds;
  std::optional<std::int64_t> oldest;
  state.read([&](StoreTransaction& tx) {
    if (tx.count_events(client_key, realm.event, since) >= limits.max_login_failures) {
      oldest = tx.oldest_event(client_key, realm.event, since);
    }
  });
  // The oldest failure still counts at `since` (at >= since) and leaves one second later.
  if (oldest) {
    bump(state.counters.throttled);
    throw ThrottledError(std::max<std::int64_t>(1, *oldest - since + 1));
  }
}

void record_client_login_failure(Service::State& state, const LoginRealm& realm,
                                 std::string_view client_key) {
  if (client_key.empty()) return;
  const auto now = state.now();
  state.write([&](StoreTransaction& tx) {
    tx.record_event(client_key, realm.event, now,
                    now - state.options.throttle.login_window_seconds);
  });
}

}  // namespace inscrire::service_detail
