// Import cost against the size of the database (issue 12): one 500-pupil school imported into
// databases already holding 10 000, 100 000 and 1 000 000 learners, beside the same import into
// an empty one; the write phase of a 100 000-pupil import beside a raw bulk insert of the same
// rows; and the memory that write phase holds.
//
// The big databases are built once per process through the store's bulk insert (schools of
// 500 pupils copied from the generated roster with fresh INEs, one in four linked to an
// account, and 50 of the imported file's pupils linked in another school with their birth
// date, so that the import links them automatically).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>

#include "bench_data.hpp"
#include "inscrire/roster_file.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "service/state.hpp"

namespace {

using namespace inscrire;

constexpr const char* kUai = "0751234A";
constexpr int kSchoolPupils = 500;
constexpr int kLinkedFromFile = 50;
constexpr std::int64_t kNow = 1'750'000'000;

// Runs SQL on the database file through a connection of the benchmark's own.
void exec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_busy_timeout(db, 10000);
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string error = message != nullptr ? message : "?";
    sqlite3_free(message);
    sqlite3_close(db);
    throw std::runtime_error(error + " in " + sql);
  }
  sqlite3_close(db);
}

// The 500-pupil roster with every INE's last letter made an O, which the generator never
// writes: pupils nobody in the database has.
std::filesystem::path unknown_pupils_file() {
  const auto source = bench::roster_file(kSchoolPupils, kUai);
  const auto file = source.parent_path() / (source.stem().string() + "-unknown-ines.xml");
  if (std::filesystem::exists(file)) return file;
  std::ifstream in(source, std::ios::binary);
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string tag = "</ID_NATIONAL>";
  for (auto at = xml.find(tag); at != std::string::npos; at = xml.find(tag, at + 1)) {
    xml[at - 1] = 'O';
  }
  std::ofstream(file, std::ios::binary) << xml;
  return file;
}

// The school's roster: with links = its first 50 pupils have an account in another school of
// the database (the automatic links of step 3), without = nobody in the database knows them.
std::filesystem::path school_file(bool links) {
  return links ? bench::roster_file(kSchoolPupils, kUai) : unknown_pupils_file();
}

const std::vector<RosterEntry>& school_file_entries(bool links = true) {
  static const std::array parsed{read_roster_file(school_file(false), kUai),
                                 read_roster_file(school_file(true), kUai)};
  return parsed[links ? 1 : 0].entries;
}

// `learners` pupils in schools of 500, copies of the school file's pupils with INEs of their
// own ("000000001IO"...: the generator never writes I or O), inserted through the store.
void fill_schools(Store& store, int learners) {
  const auto& models = school_file_entries();
  std::vector<MatchCandidate> keys;
  for (const auto& model : models) keys.push_back(service_detail::keys_of(model));
  std::vector<RosterEntry> batch = models;
  std::vector<NewLearner> rows;
  for (std::size_t i = 0; i < batch.size(); ++i) rows.push_back({{batch[i], keys[i]}, {}});
  int next_ine = 0;
  for (int school = 0; school * kSchoolPupils < learners; ++school) {
    store.transact(TransactionKind::Write, [&](StoreTransaction& tx) {
      char uai[16];
      std::snprintf(uai, sizeof uai, "%07dZ", school);
      const auto id = tx.insert_organization(uai, "Filler", kNow)->id;
      for (auto& e : batch) {
        char ine[16];
        std::snprintf(ine, sizeof ine, "%09dIO", next_ine++);
        e.ine = ine;
      }
      const auto count = std::min<std::size_t>(rows.size(), learners - school * kSchoolPupils);
      tx.insert_learners(id, std::span(rows).first(count), kNow);
    });
  }
}

// A database of `learners` learners (the 50 of the file among them), one in four linked.
std::filesystem::path build_database(const std::filesystem::path& directory, int learners) {
  const auto file = directory / ("learners-" + std::to_string(learners) + ".db");
  {
    auto store = open_sqlite_store(file);
    store->transact(TransactionKind::Write,
                    [&](StoreTransaction& tx) { tx.insert_organization(kUai, "Bench", kNow); });
    if (learners == 0) return file;
    fill_schools(*store, learners - kLinkedFromFile);
    store->transact(TransactionKind::Write, [&](StoreTransaction& tx) {
      const auto origin = tx.insert_organization("0999999Y", "Origin", kNow)->id;
      const auto& models = school_file_entries();
      std::vector<MatchCandidate> keys;
      std::vector<NewLearner> rows;
      for (int i = 0; i < kLinkedFromFile; ++i) keys.push_back(service_detail::keys_of(models[i]));
      for (int i = 0; i < kLinkedFromFile; ++i) rows.push_back({{models[i], keys[i]}, {}});
      tx.insert_learners(origin, rows, kNow);
    });
  }
  exec(file,
       "BEGIN; INSERT INTO users(username, password_hash, created_at) "
       "SELECT 'user' || id, '', 0 FROM learners WHERE id % 4 = 0 OR organization_id = "
       "(SELECT id FROM organizations WHERE uai = '0999999Y'); "
       "UPDATE learners SET user_id = (SELECT u.id FROM users u WHERE u.username = 'user' || "
       "learners.id) WHERE id % 4 = 0 OR organization_id = (SELECT id FROM organizations WHERE "
       "uai = '0999999Y'); COMMIT;");
  return file;
}

// The databases of this run, built on first use.
const std::filesystem::path& database_of(int learners) {
  static bench::ScratchDirectory directory;
  static std::map<int, std::filesystem::path> built;
  auto& file = built[learners];
  if (file.empty()) file = build_database(directory.path(), learners);
  return file;
}

// Puts the database back as it was before an import of the bench school.
void forget_school(const std::filesystem::path& file) {
  exec(file, std::string("DELETE FROM learners WHERE organization_id = (SELECT id FROM "
                         "organizations WHERE uai = '") +
                 kUai + "')");
}

ServiceOptions quiet_options() {
  ServiceOptions options;
  options.clock = [] { return kNow; };
  return options;
}

// Service::import_roster of the 500-pupil file (reading included) into a database of
// range(0) learners; range(1) = 1: 50 of the pupils are linked automatically.
void BM_ImportSchool(benchmark::State& state) {
  const auto& file = database_of(static_cast<int>(state.range(0)));
  const auto roster = school_file(state.range(1) != 0);
  auto service = Service::open(file, quiet_options());
  ImportReport report;
  for (auto _ : state) {
    report = service.import_roster(kUai, roster);
    state.PauseTiming();
    forget_school(file);
    state.ResumeTiming();
  }
  state.counters["created"] = report.created;
  state.counters["linked"] = report.linked;
}
// The empty database has no account to link: its links:1 row is the same import as links:0.
BENCHMARK(BM_ImportSchool)
    ->ArgsProduct({{0, 10000, 100000, 1000000}, {0, 1}})
    ->ArgNames({"learners", "links"})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

// The write phase alone (plan, keys, statements, commit) of the same import, the file read once.
void BM_WriteSchool(benchmark::State& state) {
  const auto& file = database_of(static_cast<int>(state.range(0)));
  const auto& entries = school_file_entries(state.range(1) != 0);
  auto store = open_sqlite_store(file);
  Id school = 0;
  store->transact(TransactionKind::Read,
                  [&](StoreTransaction& tx) { school = tx.organization(kUai)->id; });
  service_detail::ImportCounts counts;
  for (auto _ : state) {
    store->transact(TransactionKind::Write, [&](StoreTransaction& tx) {
      counts = service_detail::write_roster(tx, school, entries, kNow);
    });
    state.PauseTiming();
    forget_school(file);
    state.ResumeTiming();
  }
  state.counters["created"] = counts.created;
  state.counters["linked"] = counts.linked;
}
BENCHMARK(BM_WriteSchool)
    ->ArgsProduct({{0, 10000, 100000, 1000000}, {0, 1}})
    ->ArgNames({"learners", "links"})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

// --- The write phase of a 100 000-pupil import --------------------------------------------------

const std::vector<RosterEntry>& big_file_entries() {
  static const auto parsed = read_roster_file(bench::roster_file(100000, kUai), kUai);
  return parsed.entries;
}

// An empty database with the bench school, in a fresh directory.
std::filesystem::path fresh_database(const bench::ScratchDirectory& directory, int round) {
  const auto file = directory.path() / ("fresh-" + std::to_string(round) + ".db");
  auto store = open_sqlite_store(file);
  store->transact(TransactionKind::Write,
                  [&](StoreTransaction& tx) { tx.insert_organization(kUai, "Bench", kNow); });
  return file;
}

void remove_database(const std::filesystem::path& file) {
  for (const auto* suffix : {"", "-wal", "-shm", "-lock"}) {
    std::filesystem::remove(file.string() + suffix);
  }
}

// write_roster of the 100 000 entries into an empty database, commit included.
void BM_WritePhase100k(benchmark::State& state) {
  const auto& entries = big_file_entries();
  bench::ScratchDirectory directory;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto file = fresh_database(directory, round++);
    auto store = open_sqlite_store(file);
    state.ResumeTiming();
    store->transact(TransactionKind::Write, [&](StoreTransaction& tx) {
      service_detail::write_roster(tx, 1, entries, kNow);
    });
    state.PauseTiming();
    store.reset();
    remove_database(file);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(entries.size()));
}
BENCHMARK(BM_WritePhase100k)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The floor: the same rows, keys computed beforehand, through one prepared single-row INSERT
// with the store's pragmas, in one transaction.
void raw_insert(sqlite3* db, const std::vector<RosterEntry>& entries,
                const std::vector<MatchCandidate>& keys) {
  sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO learners(organization_id, updated_at, ine, first_name, "
                     "second_name, third_name, last_name, usage_name, birthdate, sex, division, "
                     "birth_country_code, birth_department_code, birth_city_code, "
                     "birth_city_name, mef_code, status, first_key, second_key, third_key, "
                     "last_key, usage_key) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                     "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
                     -1, &insert, nullptr);
  const auto text = [&](int index, const std::string& value) {
    sqlite3_bind_text(insert, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  };
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const auto birthdate = e.birthdate.iso();
    sqlite3_bind_int64(insert, 1, kNow);
    text(2, e.ine), text(3, e.first_name), text(4, e.second_name), text(5, e.third_name);
    text(6, e.last_name), text(7, e.usage_name), text(8, birthdate);
    sqlite3_bind_text(insert, 9, e.sex == Sex::Female ? "F" : "M", 1, SQLITE_STATIC);
    text(10, e.division), text(11, e.birth_country_code), text(12, e.birth_department_code);
    text(13, e.birth_city_code), text(14, e.birth_city_name), text(15, e.mef_code);
    text(16, e.status), text(17, keys[i].first_name), text(18, keys[i].second_name);
    text(19, keys[i].third_name), text(20, keys[i].last_name), text(21, keys[i].usage_name);
    sqlite3_step(insert);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
}

void BM_RawInsert100k(benchmark::State& state) {
  const auto& entries = big_file_entries();
  std::vector<MatchCandidate> keys;
  for (const auto& e : entries) keys.push_back(service_detail::keys_of(e));
  bench::ScratchDirectory directory;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto file = fresh_database(directory, round++);
    sqlite3* db = nullptr;
    sqlite3_open(file.c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                 "PRAGMA cache_size = -65536; PRAGMA mmap_size = 0;",
                 nullptr, nullptr, nullptr);
    state.ResumeTiming();
    raw_insert(db, entries, keys);
    state.PauseTiming();
    sqlite3_close(db);
    remove_database(file);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(entries.size()));
}
BENCHMARK(BM_RawInsert100k)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// Resident memory now, in MiB.
double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0;
  double resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// In a child: the 100 000-pupil file read, then written. Reports the resident memory once the
// file is read, what the write phase added by the end of its work (before the commit: the
// plan, SQLite's page cache holding the new rows), SQLite's own allocations at their highest,
// and the process's peak.
void BM_WritePhaseMemory(benchmark::State& state) {
  bench::ScratchDirectory directory;
  const auto file = fresh_database(directory, 0);
  const auto roster = bench::roster_file(100000, kUai);
  std::array<double, 4> measured{};
  for (auto _ : state) {
    int channel[2];
    if (pipe(channel) != 0) throw std::runtime_error("pipe");
    const pid_t child = fork();
    if (child == 0) {
      const auto parsed = read_roster_file(roster, kUai);
      std::array<double, 4> mib{resident_mib(), 0, 0, 0};
      auto store = open_sqlite_store(file);
      store->transact(TransactionKind::Write, [&](StoreTransaction& tx) {
        service_detail::write_roster(tx, 1, parsed.entries, kNow);
        mib[1] = resident_mib() - mib[0];
      });
      mib[2] = static_cast<double>(sqlite3_memory_highwater(0)) / (1024.0 * 1024.0);
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      mib[3] = static_cast<double>(usage.ru_maxrss) / 1024.0;
      _exit(write(channel[1], mib.data(), sizeof mib) == sizeof mib ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (read(channel[0], measured.data(), sizeof measured) != sizeof measured) {
      state.SkipWithError("the child failed");
    }
    close(channel[0]);
    close(channel[1]);
  }
  state.counters["rss_after_read_mib"] = measured[0];
  state.counters["write_phase_mib"] = measured[1];
  state.counters["sqlite_highwater_mib"] = measured[2];
  state.counters["peak_rss_mib"] = measured[3];
}
BENCHMARK(BM_WritePhaseMemory)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
