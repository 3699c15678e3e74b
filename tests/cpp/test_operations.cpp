// What an operator sees of the library (docs/deployment.md): the service's own counters
// (Service::stats()), the migration policy and the database commands (status, migrate, check,
// backup), on every engine; a backup taken while several processes register.
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "postgresql/schema.hpp"
#include "service_fixture.hpp"
#include "sqlite/schema.hpp"

namespace inscrire::testing {
namespace {

std::int64_t value(Count count) { return static_cast<std::int64_t>(count); }

class Counters : public ServiceTest {
 protected:
  static ServiceOptions counted_options() {
    auto options = fast_options();
    options.throttle.max_failures = 2;  // a client key is throttled after two failures
    options.login.failures_per_block = 2;
    options.login.permanent_block_failures = 6;
    return options;
  }
};

TEST_P(Counters, EachOutcomeIsCountedOnceByItsStageOrCode) {
  auto service = open(counted_options());
  EXPECT_EQ(value(service.stats().imports), 0);
  service.create_organization(kSampleUai, "Collège Victor Hugo");
  service.import_roster(kSampleUai, sample_roster());
  const auto bad = write_file("bad.xml", "<?xml version=\"1.0\"?><BEE_ELEVES/>");
  EXPECT_THROW(service.import_roster(kSampleUai, bad), ImportRefused);
  ImportOptions dry_run;
  dry_run.dry_run = true;
  service.import_roster(kSampleUai, sample_roster(), dry_run);  // not an import
  const auto code = service.create_campaign(kSampleUai, "Pix 5A", std::string("5A")).code;

  // Zoé Müller, 28/02/2014: matched by the strict pass, then registered (matched again).
  EXPECT_EQ(service.match(code, "Zoé", "Müller", "28/02/2014").status, MatchStatus::Matched);
  service.register_pupil(code, "Zoe", "Muller", "28/02/2014", kGoodPassword);
  EXPECT_EQ(
      error_of([&] { service.register_pupil(code, "Zoé", "Müller", "28/02/2014", kGoodPassword); }),
      ErrorCode::LEARNER_ALREADY_LINKED);
  EXPECT_EQ(service.match(code, "Paul", "Müller", "28/02/2014").status, MatchStatus::NoNameMatch);
  EXPECT_EQ(service.match(code, "Zoé", "Müller", "28/02/2001").status,
            MatchStatus::NoLearnerForBirthdate);
  EXPECT_EQ(service.match(code, "Alan", "Poe", "01/03/2014").status, MatchStatus::Ambiguous);

  // A client key past two failures is throttled: counted as such, not as a match.
  service.match(code, "Paul", "Müller", "28/02/2014", "greedy");
  service.match(code, "Paul", "Müller", "28/02/2014", "greedy");
  EXPECT_EQ(error_of([&] { service.match(code, "Paul", "Müller", "28/02/2014", "greedy"); }),
            ErrorCode::TOO_MANY_ATTEMPTS);

  const auto login = service.login("zoe.muller2802", kGoodPassword);
  EXPECT_EQ(login.status, LoginStatus::Success);
  EXPECT_EQ(error_of([&] { service.login("zoe.muller2802", "Wrong1234"); }),
            ErrorCode::INVALID_CREDENTIALS);
  // The second failure blocks for two minutes, and says so; so does the next attempt. Logins
  // are counted by the answer given.
  EXPECT_EQ(error_of([&] { service.login("zoe.muller2802", "Wrong1234"); }),
            ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  EXPECT_EQ(error_of([&] { service.login("zoe.muller2802", kGoodPassword); }),
            ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  service.join_campaign(login.session_token, code);

  const auto stats = service.stats();
  EXPECT_EQ(value(stats.imports), 1);
  EXPECT_EQ(value(stats.imports_refused), 1);
  EXPECT_EQ(value(stats.registrations), 1);
  EXPECT_EQ(value(stats.joins), 1);
  EXPECT_EQ(value(stats.matched_exact), 2);
  EXPECT_EQ(value(stats.matched_tolerant), 0);
  EXPECT_EQ(value(stats.refused_learner_already_linked), 1);
  EXPECT_EQ(value(stats.refused_no_name_match), 3);
  EXPECT_EQ(value(stats.refused_no_learner_for_birthdate), 1);
  EXPECT_EQ(value(stats.refused_ambiguous), 1);
  EXPECT_EQ(value(stats.throttled), 1);
  EXPECT_EQ(value(stats.logins), 1);
  EXPECT_EQ(value(stats.login_failures), 1);
  EXPECT_EQ(value(stats.logins_blocked), 2);
  EXPECT_EQ(value(stats.database_busy), 0);
  EXPECT_EQ(value(stats.database_unavailable), 0);

  // The counters are the Service object's: another one on the same database starts at zero.
  EXPECT_EQ(value(open().stats().registrations), 0);
}

TEST_P(Counters, TheStagesOfTheLaterPassesAreCountedApart) {
  auto service = open_sample();
  const auto code = service.create_campaign(kSampleUai, "Pix 5A", std::string("5A")).code;
  // Swapped fields (Noé Saint-Exupéry typed the other way round).
  EXPECT_EQ(service.match(code, "Saint-Exupéry", "Noé", "27/02/2014").matched_by,
            MatchStage::Swapped);
  EXPECT_EQ(value(service.stats().matched_swapped), 1);
  EXPECT_EQ(value(service.stats().matched_exact), 0);
}

class SqliteCounters : public ServiceTest {};

// Another program holding SQLite's write lock: the operation fails with DATABASE_BUSY, and the
// counter says so.
TEST_F(SqliteCounters, ABusyDatabaseIsCounted) {
  auto options = fast_options();
  options.busy_timeout_ms = 0;
  auto service = open(options);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(database().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(error_of([&] { service.create_organization(kSampleUai, "Collège"); }),
            ErrorCode::DATABASE_BUSY);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(value(service.stats().database_busy), 1);
}

// A database of each engine at the schema before the library's: every migration but the last,
// whatever their number (another version may append one).
class Schema : public ServiceTest {
 protected:
  std::filesystem::path location() {
    if (auto* postgres = dynamic_cast<PostgresDatabase*>(&engine_database())) {
      return postgres->url();
    }
    return database();
  }

  std::size_t make_previous_schema() {
    if (auto* postgres = dynamic_cast<PostgresDatabase*>(&engine_database())) {
      const auto& migrations = postgresql::kMigrations;
      PostgresSession session(postgres->server_url());
      const auto prefix = postgres->schema() + ".";
      session.run("CREATE SCHEMA " + postgres->schema());
      session.run("CREATE TABLE " + prefix + "schema_version (version integer NOT NULL)");
      for (std::size_t i = 0; i + 1 < migrations.size(); ++i) {
        std::string sql(migrations[i]);
        for (auto at = sql.find('@'); at != std::string::npos; at = sql.find('@', at)) {
          sql.replace(at, 1, prefix);
        }
        session.run(sql);
      }
      session.run("INSERT INTO " + prefix + "schema_version VALUES (" +
                  std::to_string(migrations.size() - 1) + ")");
      return migrations.size() - 1;
    }
    const auto& migrations = sqlite::kMigrations;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(database().c_str(), &db), SQLITE_OK);
    for (std::size_t i = 0; i + 1 < migrations.size(); ++i) {
      EXPECT_EQ(sqlite3_exec(db, migrations[i], nullptr, nullptr, nullptr), SQLITE_OK);
    }
    const auto version = "PRAGMA user_version = " + std::to_string(migrations.size() - 1);
    EXPECT_EQ(sqlite3_exec(db, version.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    return migrations.size() - 1;
  }

  static ServiceOptions refusing() {
    auto options = fast_options();
    options.migrate = MigrationPolicy::Refuse;
    return options;
  }
};

TEST_P(Schema, ServersThatRefuseToMigrateWaitForTheOperatorsMigration) {
  const auto previous = make_previous_schema();
  for (int server = 0; server < 2; ++server) {
    EXPECT_EQ(error_of([&] { Service::open(location(), refusing()); }), ErrorCode::SCHEMA_TOO_OLD);
  }
  const auto status = database_status(location());
  EXPECT_EQ(status.schema_version, previous);
  EXPECT_EQ(status.library_schema_version, previous + 1);
  EXPECT_EQ(status.pending_migrations(), 1u);
  const auto checked = check_database(location());
  EXPECT_TRUE(checked.problems.empty());
  EXPECT_FALSE(checked.sound());
  // Refused, and left as it was: the status is the same after the refusals.
  EXPECT_EQ(database_status(location()).schema_version, previous);

  EXPECT_EQ(migrate_database(location()).schema_version, previous);  // the status before
  EXPECT_EQ(database_status(location()).pending_migrations(), 0u);
  EXPECT_TRUE(check_database(location()).sound());
  auto service = Service::open(location(), refusing());
  service.create_organization(kSampleUai, "Collège Victor Hugo");
  EXPECT_EQ(migrate_database(location()).pending_migrations(), 0u);  // nothing left to do
}

TEST_P(Schema, ARefusingServerCreatesNothing) {
  EXPECT_EQ(error_of([&] { Service::open(location(), refusing()); }), ErrorCode::SCHEMA_TOO_OLD);
  if (!is_postgresql_url(location().native())) {
    EXPECT_FALSE(std::filesystem::exists(location()));
    EXPECT_EQ(error_of([&] { database_status(location()); }), ErrorCode::DATABASE_ERROR);
    EXPECT_FALSE(std::filesystem::exists(location()));
  } else {
    EXPECT_EQ(database_status(location()).schema_version, 0u);
  }
  EXPECT_EQ(migrate_database(location()).schema_version, 0u);
  EXPECT_NO_THROW(Service::open(location(), refusing()));
}

TEST_P(Schema, ANewerSchemaIsRefusedWhateverThePolicy) {
  Service::open(location(), fast_options());
  const auto newer = std::to_string(database_status(location()).library_schema_version + 1);
  if (auto* postgres = dynamic_cast<PostgresDatabase*>(&engine_database())) {
    postgres->rows("UPDATE schema_version SET version = " + newer);
  } else {
    engine_database().rows("PRAGMA user_version = " + newer);
  }
  EXPECT_EQ(error_of([&] { Service::open(location(), refusing()); }), ErrorCode::SCHEMA_TOO_NEW);
  EXPECT_EQ(error_of([&] { Service::open(location(), fast_options()); }),
            ErrorCode::SCHEMA_TOO_NEW);
  EXPECT_EQ(error_of([&] { migrate_database(location()); }), ErrorCode::SCHEMA_TOO_NEW);
  EXPECT_FALSE(check_database(location()).sound());
}

TEST_P(Schema, PostgreSqlIsBackedUpWithItsOwnTools) {
  Service::open(location(), fast_options());
  const auto target = directory_.path() / "copy.db";
  if (is_postgresql_url(location().native())) {
    try {
      backup_database(location(), target);
      FAIL() << "backed up";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
      EXPECT_NE(e.detail().find("pg_dump"), std::string::npos);
    }
    EXPECT_FALSE(std::filesystem::exists(target));
  } else {
    backup_database(location(), target);
    EXPECT_EQ(database_status(target).pending_migrations(), 0u);
    // Never over an existing file, and the file is left as it was.
    EXPECT_EQ(error_of([&] { backup_database(location(), target); }), ErrorCode::INVALID_ARGUMENT);
    EXPECT_TRUE(check_database(target).sound());
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, Counters, ::testing::ValuesIn(store_engines()), engine_name);
INSTANTIATE_TEST_SUITE_P(Engines, Schema, ::testing::ValuesIn(store_engines()), engine_name);

// --- A backup during a burst of registrations by several processes (SQLite) -----------------

constexpr int kBurstProcesses = 3;
constexpr int kBurstPupils = 300;

std::vector<Pupil> burst_pupils() {
  std::vector<Pupil> pupils;
  for (int i = 0; i < kBurstPupils; ++i) {
    char birthdate[16];
    std::snprintf(birthdate, sizeof birthdate, "%02d/%02d/2013", 1 + i % 28, 1 + i / 28);
    char ine[16];
    std::snprintf(ine, sizeof ine, "%09dAB", 200000000 + i);
    pupils.push_back({ine, "Lucas", "MARTIN", birthdate});
  }
  return pupils;
}

std::set<std::string> usernames_in(EngineDatabase& database) {
  std::set<std::string> found;
  for (const auto& row : database.rows("SELECT username FROM users")) found.insert(row[0]);
  return found;
}

class Backup : public ServiceTest {};

TEST_F(Backup, TakenWhileProcessesRegisterItHoldsEveryCommittedAccountAndNoPartialOne) {
  const auto pupils = burst_pupils();
  std::string code;
  {
    auto service = open();
    service.create_organization(kSampleUai, "Test");
    service.import_roster(kSampleUai, write_file("burst.xml", siecle_xml(kSampleUai, pupils)));
    code = service.create_campaign(kSampleUai, "all").code;
  }  // no SQLite handle may cross fork()
  std::vector<pid_t> children;
  for (int process = 0; process < kBurstProcesses; ++process) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      int failures = 0;
      auto service = open();
      for (int i = process; i < kBurstPupils; i += kBurstProcesses) {
        try {
          service.register_pupil(code, pupils[i].first_name, pupils[i].last_name,
                                 pupils[i].birthdate, kGoodPassword);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "pupil %d: %s\n", i, e.what());
          ++failures;
        }
      }
      _exit(failures == 0 ? 0 : 1);
    }
    children.push_back(child);
  }
  // Once the burst is under way: what was committed before the backup began, then the backup.
  const auto started = std::chrono::steady_clock::now();
  while (usernames_in(engine_database()).size() < 20 &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto committed = usernames_in(engine_database());
  const auto target = directory_.path() / "backup.db";
  backup_database(database(), target);
  const auto after_backup = usernames_in(engine_database());
  for (const auto child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a registering process failed";
  }
  EXPECT_EQ(usernames_in(engine_database()).size(), static_cast<std::size_t>(kBurstPupils));
  // The burst was still going on when the backup ended, or the test proves nothing.
  EXPECT_LT(after_backup.size(), static_cast<std::size_t>(kBurstPupils));

  struct stat info {};
  ASSERT_EQ(::stat(target.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const auto checked = check_database(target);
  EXPECT_TRUE(checked.sound()) << (checked.problems.empty() ? "" : checked.problems.front());
  SqliteDatabase copy(target);
  const auto saved = usernames_in(copy);
  for (const auto& username : committed) EXPECT_TRUE(saved.contains(username)) << username;
  EXPECT_GE(saved.size(), committed.size());
  // No partial registration: every account saved has its learner and its participation.
  EXPECT_EQ(copy.rows("SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM learners l "
                      "WHERE l.user_id = u.id) OR NOT EXISTS (SELECT 1 FROM participations p "
                      "WHERE p.user_id = u.id)"),
            (Rows{{"0"}}));
  // Restored, it is a working database with those accounts.
  auto restored = Service::open(target, fast_options());
  std::size_t linked = 0;
  for (const auto& learner : restored.learners(kSampleUai)) linked += learner.username ? 1 : 0;
  EXPECT_EQ(linked, saved.size());
}

}  // namespace
}  // namespace inscrire::testing
