// The one check of ServiceOptions, made when a Service is built (every surface goes through it).
#include <cstdint>
#include <string>

#include "inscrire/service.hpp"

namespace inscrire {
namespace {

void expect(bool valid, const char* option, const char* range) {
  if (!valid) throw Error(ErrorCode::INVALID_ARGUMENT, std::string(option) + " must be " + range);
}

constexpr int kDay = 24 * 3600;

}  // namespace

void ServiceOptions::validate() const {
  expect(is_supported(hash_parameters), "hash parameters",
         "1 <= iterations <= 256, 1 <= parallelism <= 64, 8 * parallelism <= memory KiB <= 4 GiB");
  expect(busy_timeout_ms >= 0 && busy_timeout_ms <= 3600 * 1000, "busy_timeout_ms",
         "between 0 and 3600000");
  expect(throttle.max_failures >= 1 && throttle.max_failures <= 1000000, "throttle.max_failures",
         "between 1 and 1000000");
  expect(throttle.window_seconds >= 1 && throttle.window_seconds <= 7 * kDay,
         "throttle.window_seconds", "between 1 and 604800");
  expect(throttle.max_login_failures >= 1 && throttle.max_login_failures <= 1000000,
         "throttle.max_login_failures", "between 1 and 1000000");
  expect(throttle.login_window_seconds >= 1 && throttle.login_window_seconds <= 7 * kDay,
         "throttle.login_window_seconds", "between 1 and 604800");
  expect(login.failures_per_block >= 1 && login.failures_per_block <= 1000,
         "login.failures_per_block", "between 1 and 1000");
  // The n-th temporary block lasts first_block_seconds << (n - 1): bounded so that it fits.
  expect(login.first_block_seconds >= 1 && login.first_block_seconds <= kDay,
         "login.first_block_seconds", "between 1 and 86400");
  expect(login.permanent_block_failures >= login.failures_per_block &&
             login.permanent_block_failures <= 20 * login.failures_per_block,
         "login.permanent_block_failures",
         "between failures_per_block and 20 * failures_per_block");
  expect(login.change_token_seconds >= 1 && login.change_token_seconds <= 7 * kDay,
         "login.change_token_seconds", "between 1 and 604800");
  expect(login.session_seconds >= 1 && login.session_seconds <= 30 * kDay, "login.session_seconds",
         "between 1 and 2592000");
  expect(login.temporary_password_days >= 1 && login.temporary_password_days <= 365,
         "login.temporary_password_days", "between 1 and 365");
  expect(staff.session_idle_seconds >= 60 && staff.session_idle_seconds <= kDay,
         "staff.session_idle_seconds", "between 60 and 86400");
  expect(staff.session_seconds >= staff.session_idle_seconds && staff.session_seconds <= 7 * kDay,
         "staff.session_seconds", "between session_idle_seconds and 604800");
  expect(staff.invitation_days >= 1 && staff.invitation_days <= 90, "staff.invitation_days",
         "between 1 and 90");
  expect(staff.audit_retention_days >= 1 && staff.audit_retention_days <= 3650,
         "staff.audit_retention_days", "between 1 and 3650");
}

}  // namespace inscrire
