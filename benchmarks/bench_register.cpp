// Registration end to end on SQLite (Service::register_pupil: validation, match, Argon2id,
// then one durable transaction creating the account, the link and the participation), with the
// KDF at its cheapest setting to measure everything else; and the KDF at default parameters.
// BM_RegisterProcesses: 1, 2 and 4 processes registering into one database file at once, each
// with its own Service (the writer lock of docs/architecture.md, SQLite).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <functional>
#include <memory>

#include "bench_data.hpp"
#include "inscrire/password.hpp"
#include "inscrire/service.hpp"
#include "processes.hpp"
#include "registration.hpp"

namespace {

using namespace inscrire;

constexpr int kPupils = 20000;
constexpr HashParameters kCheapestKdf{8, 1, 1};  // Argon2id's minimum: the KDF aside

struct Registrations {
  std::unique_ptr<bench::ScratchDirectory> directory;
  std::unique_ptr<Service> service;
  std::string code;
  std::vector<LearnerView> learners;
  std::size_t next = 0;
};

ServiceOptions options_with(const HashParameters& kdf) {
  ServiceOptions options;
  options.hash_parameters = kdf;
  options.refuse_weak_passwords = false;
  return options;
}

// A school of kPupils with a school-wide campaign, on disk (`parent` = temp dir) or in memory
// (`/dev/shm`, to separate the cost of fsync from the rest).
Registrations prepare(const std::filesystem::path& parent) {
  Registrations r;
  r.directory = std::make_unique<bench::ScratchDirectory>(parent);
  r.service = std::make_unique<Service>(
      Service::open(r.directory->path() / "r.db", options_with(kCheapestKdf)));
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
    if (!bench::register_one(*r.service, r.code, r.learners[r.next++])) ++refused;
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

// --- Several processes on one file ------------------------------------------------------------

// Forks `workers` processes on the database of `r`, each with its own Service registering
// pupils `worker`, `worker + workers`... of the first `total`, and returns the wall time until
// the last one ends (the parent counts the registrations from the database).
double run_children(const std::filesystem::path& database, const Registrations& r,
                    const HashParameters& kdf, int workers, int total) {
  return bench::run_processes(workers, [&](int worker) {
    auto service = std::make_shared<Service>(Service::open(database, options_with(kdf)));
    return std::function<void()>([service, &r, worker, workers, total] {
      for (int i = worker; i < total; i += workers) {
        bench::register_one(*service, r.code, r.learners[static_cast<std::size_t>(i)]);
      }
    });
  });
}

// User and system time of the children waited for so far.
double children_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Registrations per second (wall time) of range(0) processes on one file, range(1) = 1 for
// /dev/shm, range(2) = 1 for the default KDF.
void BM_RegisterProcesses(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const bool in_memory = state.range(1) != 0;
  const bool default_kdf = state.range(2) != 0;
  const HashParameters kdf = default_kdf ? HashParameters{} : kCheapestKdf;
  const int total = default_kdf ? 160 : 4000;
  double registered = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto r = prepare(in_memory ? std::filesystem::path("/dev/shm")
                               : std::filesystem::temp_directory_path());
    const auto database = r.directory->path() / "r.db";
    r.service.reset();  // no SQLite handle may cross fork()
    state.ResumeTiming();
    const double cpu_before = children_cpu_seconds();
    const double wall = run_children(database, r, kdf, workers, total);
    state.SetIterationTime(wall);
    seconds += wall;
    cpu_seconds += children_cpu_seconds() - cpu_before;
    state.PauseTiming();
    auto service = Service::open(database, options_with(kdf));
    registered += static_cast<double>(r.learners.size() - service.not_joined(r.code).size());
    state.ResumeTiming();
  }
  state.counters["registrations_per_s"] = registered / seconds;
  // CPU of every process per registration: what several writers cost beyond the single one.
  state.counters["cpu_us_per_registration"] = cpu_seconds * 1e6 / registered;
  state.counters["registered"] = registered / static_cast<double>(state.iterations());
}
BENCHMARK(BM_RegisterProcesses)
    ->ArgsProduct({{1, 2, 4}, {0, 1}, {0}})
    ->ArgsProduct({{1, 2, 4}, {1}, {1}})
    ->ArgNames({"processes", "shm", "default_kdf"})
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond);

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
