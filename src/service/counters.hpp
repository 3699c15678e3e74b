// The atomic counters behind Service::stats(): one per field of ServiceStats, made from its
// list, bumped by the use cases from any thread (relaxed: each is a tally, none orders memory).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "inscrire/service.hpp"

namespace inscrire::service_detail {

// NOLINTNEXTLINE(bugprone-macro-parentheses): a member's name, which parentheses cannot hold
#define INSCRIRE_COUNTER_MEMBER(type, name, presence) std::atomic<std::int64_t> name{0};
#define INSCRIRE_COUNTER_READ(type, name, presence) stats.name = value(name);

struct Counters {
  INSCRIRE_SERVICE_STATS_FIELDS(INSCRIRE_COUNTER_MEMBER, INSCRIRE_COUNTER_MEMBER)

  static Count value(const std::atomic<std::int64_t>& counter) {
    return Count{counter.load(std::memory_order_relaxed)};
  }

  ServiceStats read() const {
    ServiceStats stats;
    INSCRIRE_SERVICE_STATS_FIELDS(INSCRIRE_COUNTER_READ, INSCRIRE_COUNTER_READ)
    return stats;
  }
};

#undef INSCRIRE_COUNTER_MEMBER
#undef INSCRIRE_COUNTER_READ

inline void bump(std::atomic<std::int64_t>& counter) {
  counter.fetch_add(1, std::memory_order_relaxed);
}

// The counter of a match outcome: the stage that matched, or the code that refused.
void count_match(Counters& counters, std::optional<MatchStage> stage);
void count_match_refusal(Counters& counters, ErrorCode code);
// DATABASE_BUSY and DATABASE_UNAVAILABLE, whichever operation met them.
void count_database_error(Counters& counters, ErrorCode code);

}  // namespace inscrire::service_detail
