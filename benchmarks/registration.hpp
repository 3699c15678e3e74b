// One pupil registered by a benchmark, as the registration benchmarks of both engines do it.
#pragma once

#include <benchmark/benchmark.h>

#include <string>

#include "inscrire/error.hpp"
#include "inscrire/service.hpp"

namespace inscrire::bench {

// True if registered; false for homonyms born the same day (AMBIGUOUS_MATCH, as the rules
// want).
inline bool register_one(Service& service, const std::string& code, const LearnerView& learner) {
  try {
    benchmark::DoNotOptimize(service.register_pupil(code, learner.first_name, learner.last_name,
                                                    learner.birthdate.french(), "Tournesol42"));
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace inscrire::bench
