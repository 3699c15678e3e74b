// Throttling of failed code look-ups and matches per client key (service/throttle.hpp).
#include "service/throttle.hpp"

#include <algorithm>

#include "inscrire/limits.hpp"

namespace inscrire {

ThrottledError::ThrottledError(std::int64_t retry_after)
    : Error(ErrorCode::TOO_MANY_ATTEMPTS, "(retry in " + std::to_string(retry_after) + " s)"),
      retry_after_(retry_after) {}

namespace service_detail {
namespace {

constexpr std::string_view kFailureEvent = "failure";

}  // namespace

bool counts_as_failure(ErrorCode code) {
  switch (code) {
    case ErrorCode::CAMPAIGN_NOT_FOUND:
    case ErrorCode::NO_LEARNER_FOR_BIRTHDATE:
    case ErrorCode::NO_NAME_MATCH:
    case ErrorCode::AMBIGUOUS_MATCH:
    case ErrorCode::INVITATION_INVALID: return true;
    default: return false;
  }
}

void record_failure(Service::State& state, std::string_view client_key) {
  if (client_key.empty()) return;
  const auto now = state.now();
  state.write([&](StoreTransaction& tx) {
    tx.record_event(client_key, kFailureEvent, now, now - state.options.throttle.window_seconds);
  });
}

void refuse_if_throttled(Service::State& state, std::string_view client_key) {
  check_client_key(client_key);
  if (client_key.empty()) return;
  const auto& limits = state.options.throttle;
  const auto since = state.now() - limits.window_seconds;
  std::optional<std::int64_t> oldest;
  int failures = 0;
  state.read([&](StoreTransaction& tx) {
    failures = tx.count_events(client_key, kFailureEvent, since);
    if (failures >= limits.max_failures) oldest = tx.oldest_event(client_key, kFailureEvent, since);
  });
  if (failures >= limits.max_failures) {
    // The oldest failure still counts at `since` (at >= since) and leaves one second later.
    bump(state.counters.throttled);
    throw ThrottledError(std::max<std::int64_t>(1, oldest.value_or(since) - since + 1));
  }
}

}  // namespace service_detail
}  // namespace inscrire
