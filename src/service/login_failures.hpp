// Failed logins, counted per normalised username whether or not an account holds it, and per
// client key across usernames (docs/rules.md §4). Both paths of a failed login, unknown
// username or wrong password, run the same statements and the same hash work, so neither the
// answer nor its cost tells whether an account exists (docs/security.md).
#pragma once

#include <string>
#include <string_view>

#include "service/state.hpp"

namespace inscrire::service_detail {

// Whose logins: pupils' or staff's, each with failure counters of its own (a staff username
// and a pupil's never share one) and its own throttling events per client key.
struct LoginRealm {
  LoginFailures (StoreTransaction::*read)(std::string_view username);
  void (StoreTransaction::*save)(std::string_view username, const LoginFailures& failures);
  void (StoreTransaction::*clear)(std::string_view username);
  std::string_view event;  // the kind of the client key's failure events
};
inline constexpr LoginRealm kPupilLogins{&StoreTransaction::login_failures,
                                         &StoreTransaction::save_login_failures,
                                         &StoreTransaction::clear_login_failures, "login_failure"};
inline constexpr LoginRealm kStaffLogins{
    &StoreTransaction::staff_login_failures, &StoreTransaction::save_staff_login_failures,
    &StoreTransaction::clear_staff_login_failures, "staff_login_failure"};

// The key failures are counted under: the typed username trimmed and lower-cased (ASCII),
// after check_typed_username (FIELD_TOO_LONG beyond 64 characters).
std::string failure_key(std::string_view typed_username);

// Refuses a blocked username before its password is even looked at: ACCOUNT_BLOCKED, or
// ACCOUNT_TEMPORARILY_BLOCKED with the time the block still lasts.
void refuse_if_blocked(const LoginFailures& failures, std::int64_t now);

// Counts one failed login of `key` in its own durable transaction and returns the refusal it
// earns: every failures_per_block-th consecutive failure blocks for first_block_seconds,
// doubled at each further threshold, permanently from permanent_block_failures on.
LoginError record_login_failure(Service::State& state, const LoginRealm& realm,
                                std::string_view key);

// A password the pupil chose: the count and a temporary block go, a permanent block stays.
void lift_temporary_block(StoreTransaction& tx, const LoginRealm& realm, std::string_view key);

// TOO_MANY_ATTEMPTS when `client_key` has failed max_login_failures logins (of any usernames)
// within login_window_seconds. An empty key is not throttled.
void refuse_if_login_throttled(Service::State& state, const LoginRealm& realm,
                               std::string_view client_key);
// Counts a failed login of `client_key` (nothing for an empty key).
void record_client_login_failure(Service::State& state, const LoginRealm& realm,
                                 std::string_view client_key);

}  // namespace inscrire::service_detail
