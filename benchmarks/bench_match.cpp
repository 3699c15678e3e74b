// Matching latency (docs/rules.md §3): one Service::match (the pupil's step 4, a read transaction
// on SQLite: campaign, learners born that day through the (school, birthdate) index, the
// two-pass match, the username that would be given) in schools of 500, 2 500 and 10 000
// learners; the same for pupils nobody fits, through every later stage of docs/rules.md §3 or with
// the Pix rules; the in-memory match over one birth date's candidates; and the distances alone.
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

// A second connection to a school's database, with the Pix rules alone.
Service& pix_service(int pupils) {
  static std::map<int, std::unique_ptr<Service>> services;
  auto& slot = services[pupils];
  if (!slot) {
    ServiceOptions options;
    options.matching = MatchRules::Pix;
    slot =
        std::make_unique<Service>(Service::open(school(pupils).directory.path() / "b.db", options));
  }
  return *slot;
}

// A pupil nobody fits, typed with a learner's birth date, so that there are candidates:
// case 0, names on nobody's row (a pupil not on the roster); case 1, the learner's own first
// name with a last name that fits nobody (stage 2 then reads the rows of the candidates whose
// first name fits). rules 0: Extended (the two passes, then the four later stages); 1: Pix.
void BM_ServiceMatchNobody(benchmark::State& state) {
  const int pupils = static_cast<int>(state.range(0));
  auto& s = school(pupils);
  const bool own_first_name = state.range(1) != 0;
  Service* service = s.service.get();  // default options: MatchRules::Extended
  if (state.range(2) != 0) service = &pix_service(pupils);
  std::size_t i = 0;
  int refused = 0;
  for (auto _ : state) {
    const auto& learner = s.learners[i++ % s.learners.size()];
    const auto report = service->match(s.code, own_first_name ? learner.first_name : "Wanda",
                                       "Quenouille", learner.birthdate.french());
    refused += report.status == MatchStatus::NoNameMatch;
    benchmark::DoNotOptimize(report);
  }
  state.counters["refused_pct"] = 100.0 * refused / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ServiceMatchNobody)
    ->ArgsProduct({{2500, 10000}, {0, 1}, {0, 1}})
    ->ArgNames({"learners", "own_first_name", "pix"})
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

// One birth date's candidates (keys precomputed, as stored) and their roster names.
struct Candidates {
  std::vector<MatchCandidate> keys;
  std::vector<RosterNames> names;
};

const Candidates& in_memory_candidates() {
  static const Candidates candidates = [] {
    Candidates built;
    const char* names[][2] = {{"Lucas", "Martin"},
                              {"Léa", "Bernard"},
                              {"Hugo", "Petit"},
                              {"Emma", "Durand"},
                              {"Noah", "Martin"}};
    std::int64_t id = 1;
    for (const auto& [first, last] : names) {
      built.keys.push_back({id++, comparison_key(first), "", "", comparison_key(last), ""});
      built.names.push_back({first, "", "", last, ""});
    }
    return built;
  }();
  return candidates;
}

// The two passes alone (Pix rules) over the candidates of one birth date; "Noa" is 1 error in
// 3 letters from "Noah": nobody fits.
void BM_MatchLearnerInMemory(benchmark::State& state) {
  const auto& candidates = in_memory_candidates().keys;
  const auto first = comparison_key("Noa");
  const auto last = comparison_key("Martin");
  for (auto _ : state) {
    benchmark::DoNotOptimize(match_learner(first, last, candidates, MatchRules::Pix));
  }
}
BENCHMARK(BM_MatchLearnerInMemory);

// A match in the tolerant pass ("Martine" for "Martin"): the later stages never run, so both
// rules cost the same; rules 0: Extended, 1: Pix.
void BM_MatchLearnerInMemoryMatched(benchmark::State& state) {
  const auto& candidates = in_memory_candidates();
  const auto rules = state.range(0) == 0 ? MatchRules::Extended : MatchRules::Pix;
  const RosterNamesOf names = [&](std::int64_t id) {
    return candidates.names[static_cast<std::size_t>(id - 1)];
  };
  const auto first = comparison_key("Noah");
  const auto last = comparison_key("Martine");
  for (auto _ : state) {
    benchmark::DoNotOptimize(match_learner(first, last, candidates.keys, rules, names));
  }
}
BENCHMARK(BM_MatchLearnerInMemoryMatched)->ArgName("pix")->Arg(0)->Arg(1);

// Nobody fits the same candidates (the learner's own first name, a last name on nobody's row):
// every later stage runs, and stage 2 splits the names of the one candidate whose first name
// fits; rules 0: Extended, 1: Pix.
void BM_MatchLearnerInMemoryNobody(benchmark::State& state) {
  const auto& candidates = in_memory_candidates();
  const auto rules = state.range(0) == 0 ? MatchRules::Extended : MatchRules::Pix;
  const RosterNamesOf names = [&](std::int64_t id) {
    return candidates.names[static_cast<std::size_t>(id - 1)];
  };
  const auto first = comparison_key("Noah");
  const auto last = comparison_key("Quenouille");
  for (auto _ : state) {
    benchmark::DoNotOptimize(match_learner(first, last, candidates.keys, rules, names));
  }
}
BENCHMARK(BM_MatchLearnerInMemoryNobody)->ArgName("pix")->Arg(0)->Arg(1);

void BM_Levenshtein(benchmark::State& state) {
  const std::string a = "frederique", b = "frederic";
  for (auto _ : state) {
    benchmark::DoNotOptimize(levenshtein(a, b));
  }
}
BENCHMARK(BM_Levenshtein);

void BM_OsaDistance(benchmark::State& state) {
  const std::string a = "frederique", b = "frederic";
  for (auto _ : state) {
    benchmark::DoNotOptimize(osa_distance(a, b));
  }
}
BENCHMARK(BM_OsaDistance);

}  // namespace
