// The same three measures on each storage engine, in one run (engine:0 = SQLite in a file of a
// temporary directory, engine:1 = PostgreSQL over its Unix socket, on the server named by
// INSCRIRE_TEST_POSTGRES_URL, which `scripts/setup benchmarks` starts; without it only SQLite
// runs), each beside its anchor:
// - BM_EngineMatch: one Service::match in a school of 2 500 learners (target on PostgreSQL:
//   <= 150 us), with the round trips and statements per match the store counted; its anchor
//   BM_PostgresRoundTrip, one bare prepared SELECT 1; on PostgreSQL both twice, with the
//   processes where the scheduler puts them (one_core:0) and with the benchmark and the server
//   on one core (one_core:1, one_core.hpp: what crossing cores costs on this machine);
// - BM_EngineRegisterProcesses: registrations per second of 1 and 4 processes, each with its
//   own Service on one database, KDF at its cheapest (target: 4 processes >= 1.5 x one);
// - BM_EngineImport: the first import of 100 000 pupils into a school, parse included (target
//   >= 30 000/s); on PostgreSQL beside a COPY, made here, of the very rows it wrote into a
//   fresh schema (target: the import <= 1.7 x that COPY).
#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "bench_data.hpp"
#include "inscrire/service.hpp"
#include "inscrire/store.hpp"
#include "one_core.hpp"
#include "processes.hpp"
#include "registration.hpp"

namespace {

using namespace inscrire;

constexpr HashParameters kCheapestKdf{8, 1, 1};

std::string postgres_server() {
  const char* url = std::getenv("INSCRIRE_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// A fresh database: a SQLite file, or a PostgreSQL schema dropped at the end.
class Database {
 public:
  explicit Database(bool postgres) {
    if (!postgres) {
      location_ = (directory_.path() / "bench.db").string();
      return;
    }
    static int counter = 0;
    schema_ = "bench_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    const auto server = postgres_server();
    location_ = server + (server.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema_;
  }
  ~Database() {
    if (schema_.empty()) return;
    PGconn* conn = PQconnectdb(postgres_server().c_str());
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // the cascade's list of tables
    PQclear(PQexec(conn, ("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE").c_str()));
    PQfinish(conn);
  }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& location() const noexcept { return location_; }

 private:
  bench::ScratchDirectory directory_;
  std::string schema_;
  std::string location_;
};

ServiceOptions cheap_options() {
  ServiceOptions options;
  options.hash_parameters = kCheapestKdf;
  options.refuse_weak_passwords = false;
  return options;
}

struct School {
  std::unique_ptr<Database> database;
  std::shared_ptr<std::atomic<long>> statements = std::make_shared<std::atomic<long>>(0);
  std::shared_ptr<std::atomic<long>> round_trips = std::make_shared<std::atomic<long>>(0);
  std::unique_ptr<Service> service;
  std::string code;
  std::vector<LearnerView> learners;
};

School school(bool postgres, int pupils) {
  School s;
  s.database = std::make_unique<Database>(postgres);
  // Through the Store of the location's engine, counting the statements it runs.
  StoreOptions store_options;
  store_options.on_statement = [count = s.statements](std::string_view) { ++*count; };
  store_options.on_round_trip = [count = s.round_trips] { ++*count; };
  auto store = postgres ? open_postgresql_store(s.database->location(), store_options)
                        : open_sqlite_store(s.database->location(), store_options);
  s.service = std::make_unique<Service>(std::move(store), cheap_options());
  s.service->create_organization("0751234A", "Bench");
  s.service->import_roster("0751234A", bench::roster_file(pupils));
  s.code = s.service->create_campaign("0751234A", "all").code;
  s.learners = s.service->learners("0751234A");
  return s;
}

// The placement a benchmark's `one_core` argument asks for: nothing pinned, or the benchmark
// and the server on one core. False (and the benchmark skipped with the reason) if impossible.
bool place(benchmark::State& state, bool wanted, std::optional<bench::OneCore>& one_core) {
  if (!wanted) return true;
  one_core.emplace(postgres_server());
  if (one_core->error().empty()) return true;
  state.SkipWithError(one_core->error().c_str());
  return false;
}

void BM_EngineMatch(benchmark::State& state) {
  static std::map<bool, School> schools;
  const bool postgres = state.range(0) != 0;
  if (!schools.contains(postgres)) schools.emplace(postgres, school(postgres, 2500));
  auto& s = schools.at(postgres);
  std::optional<bench::OneCore> one_core;
  if (!place(state, state.range(1) != 0, one_core)) return;
  std::size_t i = 0;
  int matched = 0;
  const long statements_before = *s.statements;
  const long round_trips_before = *s.round_trips;
  for (auto _ : state) {
    const auto& learner = s.learners[(i++ * 7919) % s.learners.size()];
    const auto report =
        s.service->match(s.code, learner.first_name, learner.last_name, learner.birthdate.french());
    matched += report.status == MatchStatus::Matched;
  }
  state.counters["matched_pct"] = 100.0 * matched / static_cast<double>(state.iterations());
  // SQL statements per match, BEGIN and COMMIT included, and the round trips to the server the
  // store counted (0 on SQLite, which runs in the process).
  state.counters["statements"] = static_cast<double>(*s.statements - statements_before) /
                                 static_cast<double>(state.iterations());
  state.counters["round_trips"] = static_cast<double>(*s.round_trips - round_trips_before) /
                                  static_cast<double>(state.iterations());
}

// The floor of any PostgreSQL operation: one prepared statement's round trip over the Unix
// socket (SELECT 1), here without inscrire.
void BM_PostgresRoundTrip(benchmark::State& state) {
  PGconn* conn = PQconnectdb(postgres_server().c_str());
  std::optional<bench::OneCore> one_core;
  if (!place(state, state.range(0) != 0, one_core)) {
    PQfinish(conn);
    return;
  }
  PQclear(PQprepare(conn, "one", "SELECT 1", 0, nullptr));
  for (auto _ : state) PQclear(PQexecPrepared(conn, "one", 0, nullptr, nullptr, nullptr, 0));
  PQfinish(conn);
}

// Forks `workers` processes, each with its own Service on `location` registering its share of
// `total` pupils, and returns the wall time until the last one is done.
double run_processes(const std::string& location, const School& s, int workers, int total) {
  return bench::run_processes(workers, [&](int worker) {
    auto service = std::make_shared<Service>(Service::open(location, cheap_options()));
    return std::function<void()>([service, &s, worker, workers, total] {
      for (int i = worker; i < total; i += workers) {
        bench::register_one(*service, s.code, s.learners[static_cast<std::size_t>(i)]);
      }
    });
  });
}

void BM_EngineRegisterProcesses(benchmark::State& state) {
  const bool postgres = state.range(0) != 0;
  const int workers = static_cast<int>(state.range(1));
  constexpr int kTotal = 3000;
  double registered = 0;
  double seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto s = school(postgres, 5000);
    s.service.reset();  // no connection crosses fork()
    state.ResumeTiming();
    const double wall = run_processes(s.database->location(), s, workers, kTotal);
    state.SetIterationTime(wall);
    seconds += wall;
    state.PauseTiming();
    auto service = Service::open(s.database->location(), cheap_options());
    registered += static_cast<double>(s.learners.size() - service.not_joined(s.code).size());
    state.ResumeTiming();
  }
  state.counters["registrations_per_s"] = registered / seconds;
}

// A fresh database of the engine with the bench's school, through a Service.
Service school_database(const Database& database) {
  auto service = Service::open(database.location(), cheap_options());
  service.create_organization("0751234A", "Bench");
  return service;
}

// `result` if its status is `expected`; otherwise the benchmark stops with the server's message.
PGresult* must(PGconn* conn, PGresult* result, ExecStatusType expected) {
  if (PQresultStatus(result) != expected) {
    std::fprintf(stderr, "bench_engines: %s\n", PQerrorMessage(conn));
    std::abort();
  }
  return result;
}

// The anchor of an import on PostgreSQL, as psql's \copy would do it: the rows the import wrote
// (every column it gave a value), read out of `imported` as COPY text, then timed while one
// COPY ... FROM STDIN writes them into the same table of a fresh schema. Returns the seconds.
double copy_same_rows(const Database& imported) {
  constexpr const char* kColumns =
      "(organization_id, updated_at, ine, first_name, second_name, third_name, last_name, "
      "usage_name, birthdate, sex, division, birth_country_code, birth_department_code, "
      "birth_city_code, birth_city_name, mef_code, status, first_key, second_key, third_key, "
      "last_key, usage_key, username_stem, user_id)";
  PGconn* conn = PQconnectdb(postgres_server().c_str());
  const auto schema_of = [](const Database& d) {
    return d.location().substr(d.location().rfind("schema=") + 7);
  };
  std::string rows;
  PQclear(
      must(conn,
           PQexec(conn,
                  ("COPY " + schema_of(imported) + ".learners " + kColumns + " TO STDOUT").c_str()),
           PGRES_COPY_OUT));
  char* buffer = nullptr;
  for (int n = 0; (n = PQgetCopyData(conn, &buffer, 0)) > 0; PQfreemem(buffer))
    rows.append(buffer, n);
  PQclear(PQgetResult(conn));
  Database fresh(true);
  school_database(fresh);
  const auto began = std::chrono::steady_clock::now();
  PQclear(must(
      conn,
      PQexec(conn, ("COPY " + schema_of(fresh) + ".learners " + kColumns + " FROM STDIN").c_str()),
      PGRES_COPY_IN));
  PQputCopyData(conn, rows.data(), static_cast<int>(rows.size()));
  PQputCopyEnd(conn, nullptr);
  PQclear(must(conn, PQgetResult(conn), PGRES_COMMAND_OK));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  PQfinish(conn);
  return seconds;
}

void BM_EngineImport(benchmark::State& state) {
  const bool postgres = state.range(0) != 0;
  constexpr int kPupils = 100000;
  const auto file = bench::roster_file(kPupils);
  double imported = 0;
  double seconds = 0;
  double copy_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Database database(postgres);
    auto service = school_database(database);
    state.ResumeTiming();
    const auto began = std::chrono::steady_clock::now();
    const auto report = service.import_roster("0751234A", file);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    state.SetIterationTime(wall);
    seconds += wall;
    imported += report.created;
    if (postgres) {
      state.PauseTiming();
      copy_seconds += copy_same_rows(database);
      state.ResumeTiming();
    }
  }
  state.counters["pupils_per_s"] = imported / seconds;
  if (postgres) {
    state.counters["copy_s"] = copy_seconds;
    state.counters["import_per_copy"] = seconds / copy_seconds;
  }
}

// PostgreSQL's variants only when a server is named.
void register_benchmarks() {
  std::vector<std::int64_t> engines{0};
  if (!postgres_server().empty()) engines.push_back(1);
  // Rounds of each: the machine is shared, the medians and the spread are what count.
  auto* match = benchmark::RegisterBenchmark("BM_EngineMatch", BM_EngineMatch)
                    ->Args({0, 0})
                    ->ArgNames({"engine", "one_core"})
                    ->Unit(benchmark::kMicrosecond)
                    ->MinTime(1.0)
                    ->Repetitions(5);
  if (engines.size() > 1) {
    match->Args({1, 0})->Args({1, 1});
    benchmark::RegisterBenchmark("BM_PostgresRoundTrip", BM_PostgresRoundTrip)
        ->ArgsProduct({{0, 1}})
        ->ArgNames({"one_core"})
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(0.5)
        ->Repetitions(5);
  }
  benchmark::RegisterBenchmark("BM_EngineRegisterProcesses", BM_EngineRegisterProcesses)
      ->ArgsProduct({engines, {1, 4}})
      ->ArgNames({"engine", "processes"})
      ->UseManualTime()
      ->Iterations(1)
      ->Repetitions(3)
      ->ReportAggregatesOnly(true)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_EngineImport", BM_EngineImport)
      ->ArgsProduct({engines})
      ->ArgNames({"engine"})
      ->UseManualTime()
      ->Iterations(1)
      ->Repetitions(3)
      ->ReportAggregatesOnly(true)
      ->Unit(benchmark::kMillisecond);
}

const int registered = (register_benchmarks(), 0);

}  // namespace
