// Matching latency (product.md §3): one Service::match (the pupil's step 4, a read transaction
// on SQLite: campaign, learners born that day through the (school, birthdate) index, the
// two-pass match, the username that would be given) in schools of 500, 2 500 and 10 000
// learners; the in-memory match over one birth date's candidates; and Levenshtein alone.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <vector>

#include "bench_data.hpp"
#include "inscrire/reconciliation.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"

namespace {

using namespace inscrire;

struct School {
  bench::ScratchDirectory directory;
  std::unique_ptr<Service> service;
  std::string code;
  std::vector<LearnerView> learners;
};

// One school per size, built once per process.
School& school(int pupils) {
  static std::map<int, std::unique_ptr<School>> schools;
  auto& slot = schools[pupils];
  if (!slot) {
    slot = std::make_unique<School>();
    slot->service = std::make_unique<Service>(Service::open(slot->directory.path() / "b.db"));
    slot->service->create_organization("0751234A", "Bench");
    slot->service->import_roster("0751234A", bench::roster_file(pupils));
    slot->code = slot->service->create_campaign("0751234A", "all").code;
    slot->learners = slot->service->learners("0751234A");
  }
  return *slot;
}

// A typo: one letter too many at the end ("Martin" -> "Martine"); names of four letters or
// more stay within the tolerance (1 error per 4 letters typed).
std::string with_typo(const std::string& name) { return name + "e"; }

void BM_ServiceMatch(benchmark::State& state) {
  auto& s = school(static_cast<int>(state.range(0)));
  const bool typo = state.range(1) != 0;
  std::size_t i = 0;
  int matched = 0;
  for (auto _ : state) {
    const auto& learner = s.learners[i++ % s.learners.size()];
    const auto report = s.service->match(s.code, learner.first_name,
                                         typo ? with_typo(learner.last_name) : learner.last_name,
                                         learner.birthdate.french());
    matched += report.status == MatchStatus::Matched;
    benchmark::DoNotOptimize(report);
  }
  state.counters["learners"] = static_cast<double>(s.learners.size());
  state.counters["matched_pct"] = 100.0 * matched / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ServiceMatch)
    ->ArgsProduct({{500, 2500, 10000}, {0, 1}})
    ->ArgNames({"learners", "typo"})
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

// The two passes alone, over the candidates of one birth date (keys precomputed, as stored).
void BM_MatchLearnerInMemory(benchmark::State& state) {
  std::vector<MatchCandidate> candidates;
  const char* names[][2] = {{"Lucas", "Martin"},
                            {"Léa", "Bernard"},
                            {"Hugo", "Petit"},
                            {"Emma", "Durand"},
                            {"Noah", "Martin"}};
  std::int64_t id = 1;
  for (const auto& [first, last] : names) {
    candidates.push_back({id++, comparison_key(first), "", "", comparison_key(last), ""});
  }
  const auto first = comparison_key("Noa");
  const auto last = comparison_key("Martin");
  for (auto _ : state) benchmark::DoNotOptimize(match_learner(first, last, candidates));
}
BENCHMARK(BM_MatchLearnerInMemory);

void BM_Levenshtein(benchmark::State& state) {
  const std::string a = "frederique", b = "frederic";
  for (auto _ : state) {
    benchmark::DoNotOptimize(levenshtein(a, b));
  }
}
BENCHMARK(BM_Levenshtein);

}  // namespace
