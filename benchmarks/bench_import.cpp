// Roster import (siecle.md): pupils per second for 10 000 and 100 000-pupil SIECLE files,
// parse only and parse + SQLite upsert into a fresh database; peak memory of each, measured in
// a child process so that one measurement does not hide another.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_data.hpp"
#include "inscrire/roster_file.hpp"
#include "inscrire/service.hpp"

namespace {

using namespace inscrire;

void import_into_fresh_database(const std::filesystem::path& file) {
  bench::ScratchDirectory directory;
  auto service = Service::open(directory.path() / "import.db");
  service.create_organization("0751234A", "Bench");
  service.import_roster("0751234A", file);
}

void BM_ParseOnly(benchmark::State& state) {
  const auto file = bench::roster_file(static_cast<int>(state.range(0)));
  std::size_t pupils = 0;
  for (auto _ : state) {
    const auto parsed = read_roster_file(file, "0751234A");
    if (!parsed.errors.empty()) state.SkipWithError("the roster has errors");
    pupils = parsed.entries.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * pupils));
  state.counters["file_mib"] =
      static_cast<double>(std::filesystem::file_size(file)) / (1024.0 * 1024.0);
}
BENCHMARK(BM_ParseOnly)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_ParseAndUpsert(benchmark::State& state) {
  const auto pupils = static_cast<int>(state.range(0));
  const auto file = bench::roster_file(pupils);
  for (auto _ : state) import_into_fresh_database(file);
  state.SetItemsProcessed(state.iterations() * pupils);
}
BENCHMARK(BM_ParseAndUpsert)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Peak resident memory (MiB) of a child process that only does `work`.
template <typename Work>
double child_peak_mib(Work&& work) {
  const pid_t child = fork();
  if (child == 0) {
    work();
    _exit(0);
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void BM_PeakMemory(benchmark::State& state) {
  const auto pupils = static_cast<int>(state.range(0));
  const bool into_sqlite = state.range(1) != 0;
  const auto file = bench::roster_file(pupils);
  double peak = 0;
  for (auto _ : state) {
    peak = child_peak_mib([&] {
      if (into_sqlite) {
        import_into_fresh_database(file);
      } else {
        benchmark::DoNotOptimize(read_roster_file(file, "0751234A"));
      }
    });
  }
  state.counters["peak_rss_mib"] = peak;
  state.counters["file_mib"] =
      static_cast<double>(std::filesystem::file_size(file)) / (1024.0 * 1024.0);
}
BENCHMARK(BM_PeakMemory)
    ->ArgsProduct({{10000, 100000}, {0, 1}})
    ->ArgNames({"pupils", "sqlite"})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
