// Registration end to end on SQLite (Service::register_pupil: validation, match, Argon2id,
// then one durable transaction creating the account, the link and the participation), with the
// KDF at its cheapest setting to measure everything else; and the KDF at default parameters.
#include <benchmark/benchmark.h>

#include <memory>

#include "bench_data.hpp"
#include "inscrire/password.hpp"
#include "inscrire/service.hpp"

namespace {

using namespace inscrire;

constexpr int kPupils = 20000;

struct Registrations {
  std::unique_ptr<bench::ScratchDirectory> directory;
  std::unique_ptr<Service> service;
  std::string code;
  std::vector<LearnerView> learners;
  std::size_t next = 0;
};

// A school of kPupils with a school-wide campaign, on disk (`parent` = temp dir) or in memory
// (`/dev/shm`, to separate the cost of fsync from the rest).
Registrations prepare(const std::filesystem::path& parent) {
  Registrations r;
  r.directory = std::make_unique<bench::ScratchDirectory>(parent);
  ServiceOptions options;
  options.hash_parameters = {8, 1, 1};  // Argon2id's minimum: the KDF aside
  options.refuse_weak_passwords = false;
  r.service = std::make_unique<Service>(Service::open(r.directory->path() / "r.db", options));
  r.service->create_organization("0751234A", "Bench");
  r.service->import_roster("0751234A", bench::roster_file(kPupils));
  r.code = r.service->create_campaign("0751234A", "all").code;
  r.learners = r.service->learners("0751234A");
  return r;
}

void register_all(benchmark::State& state, const std::filesystem::path& parent) {
  auto r = prepare(parent);
  int refused = 0;
  for (auto _ : state) {
    if (r.next == r.learners.size()) {
      state.SkipWithError("ran out of pupils");
      break;
    }
    const auto& learner = r.learners[r.next++];
    try {
      benchmark::DoNotOptimize(
          r.service->register_pupil(r.code, learner.first_name, learner.last_name,
                                    learner.birthdate.french(), "Tournesol42"));
    } catch (const Error&) {
      ++refused;  // homonyms born the same day: AMBIGUOUS_MATCH, as the spec wants
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["refused"] = refused;
}

void BM_RegisterOnDisk(benchmark::State& state) {
  register_all(state, std::filesystem::temp_directory_path());
}
BENCHMARK(BM_RegisterOnDisk)->Unit(benchmark::kMicrosecond)->Iterations(3000);

void BM_RegisterInMemoryFilesystem(benchmark::State& state) { register_all(state, "/dev/shm"); }
BENCHMARK(BM_RegisterInMemoryFilesystem)->Unit(benchmark::kMicrosecond)->Iterations(10000);

void BM_KdfDefault(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(hash_password("Tournesol42"));
}
BENCHMARK(BM_KdfDefault)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_VerifyDefault(benchmark::State& state) {
  const auto stored = hash_password("Tournesol42");
  for (auto _ : state) benchmark::DoNotOptimize(verify_password("Tournesol42", stored));
}
BENCHMARK(BM_VerifyDefault)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
