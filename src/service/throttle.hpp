// Failed campaign-code look-ups and failed matches are counted per caller-supplied client key
// over a sliding window (ThrottleOptions); past the limit the key is refused with
// TOO_MANY_ATTEMPTS until its oldest failure leaves the window (docs/rules.md §4).
#pragma once

#include <string_view>

#include "service/state.hpp"

namespace inscrire::service_detail {

// The failures that count: a code nobody has, a birth date or a name nobody of the school has,
// an identity several learners share, an invitation code that is not a live one.
bool counts_as_failure(ErrorCode code);
// Counts one failure of `client_key` in its own transaction (nothing for an empty key).
void record_failure(Service::State& state, std::string_view client_key);
// ThrottledError when `client_key` is past its limit; checks the key's length first.
void refuse_if_throttled(Service::State& state, std::string_view client_key);

// Runs `work` for `client_key` unless it is throttled, counting the failure it may throw.
template <typename Work>
auto throttled(Service::State& state, std::string_view client_key, Work&& work) {
  refuse_if_throttled(state, client_key);
  try {
    return work();
  } catch (const Error& e) {
    if (counts_as_failure(e.code())) record_failure(state, client_key);
    throw;
  }
}

}  // namespace inscrire::service_detail
