// What is PostgreSQL's own (the engine-independent behaviour runs on it through the Store
// contract, service, accounts and concurrency suites): opening by URL on the C++ surface, bad
// URLs and unreachable servers, migrations by many servers at once, a schema newer than the
// library, and a connection lost between two operations.
#include <latch>
#include <thread>

#include "cli/temporary_directory.hpp"
#include "cli_runner.hpp"
#include "inscrire/error.hpp"
#include "inscrire/service.hpp"
#include "inscrire/store.hpp"
#include "postgresql/schema.hpp"
#include "service_fixture.hpp"
#include "store_engines.hpp"

namespace inscrire::testing {
namespace {

template <typename Operation>
Error error_thrown(Operation&& operation) {
  try {
    operation();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error thrown";
  return Error(ErrorCode::INTERNAL_ERROR);
}

TEST(PostgresUrls, OnlyPostgresSchemesAreUrls) {
  EXPECT_TRUE(is_postgresql_url("postgresql://localhost/db"));
  EXPECT_TRUE(is_postgresql_url("postgres://localhost/db"));
  EXPECT_TRUE(is_postgresql_url("postgresql:host=localhost dbname=db"));
  EXPECT_FALSE(is_postgresql_url("school.db"));
  EXPECT_FALSE(is_postgresql_url("./postgresql://x"));
  EXPECT_FALSE(is_postgresql_url("mysql://localhost/db"));
}

TEST(PostgresUrls, AMalformedUrlIsAnInvalidArgument) {
  for (const auto* url :
       {"postgresql://localhost/db?no_such_parameter=1", "postgresql://[::1/db",
        "postgresql:host=localhost nonsense", "postgresql://localhost/db?schema=bad-name",
        "postgresql://localhost/db?pool_size=0", "postgresql://localhost/db?pool_size=x"}) {
    EXPECT_EQ(error_thrown([&] { open_postgresql_store(url); }).code(), ErrorCode::INVALID_ARGUMENT)
        << url;
  }
  // Through the Service, which tells a path from a URL.
  EXPECT_EQ(error_thrown([&] { Service::open("postgresql://localhost/db?bad=1"); }).code(),
            ErrorCode::INVALID_ARGUMENT);
}

TEST(PostgresUrls, AnUnreachableServerIsUnavailableWithLibpqsMessageWithoutThePassword) {
  const TemporaryDirectory directory;
  const auto url =
      "postgresql://inscrire:Secret123@/postgres?host=" + directory.path().string() + "&port=1";
  for (const auto& error : {error_thrown([&] { open_postgresql_store(url); }),
                            error_thrown([&] { Service::open(url, fast_options()); })}) {
    EXPECT_EQ(error.code(), ErrorCode::DATABASE_UNAVAILABLE);
    EXPECT_NE(error.detail().find(directory.path().string()), std::string::npos) << error.detail();
    EXPECT_EQ(error.detail().find("Secret123"), std::string::npos) << error.detail();
  }
  // A password given as a key=value pair never comes back either.
  const auto pairs = "postgresql:host=" + directory.path().string() +
                     " port=1 user=x password=Secret123 dbname=Secret123";
  const auto error = error_thrown([&] { open_postgresql_store(pairs); });
  EXPECT_EQ(error.code(), ErrorCode::DATABASE_UNAVAILABLE);
  EXPECT_EQ(error.detail().find("Secret123"), std::string::npos) << error.detail();
}

class Postgres : public ::testing::TestWithParam<Engine> {
 protected:
  Postgres()
      : owned_(GetParam().create(directory_.path())),
        database_(dynamic_cast<PostgresDatabase&>(*owned_)) {}

  TemporaryDirectory directory_;
  std::unique_ptr<EngineDatabase> owned_;
  PostgresDatabase& database_;
};

TEST_P(Postgres, TenServersOpeningAFreshSchemaAtOnceMigrateItOnce) {
  constexpr int kServers = 10;
  std::latch start(kServers);
  std::vector<std::thread> servers;
  std::atomic<int> failures{0};
  for (int i = 0; i < kServers; ++i) {
    servers.emplace_back([&] {
      start.arrive_and_wait();
      try {
        auto store = database_.open();
        store->transact(TransactionKind::Read, [](StoreTransaction& tx) { tx.organizations(); });
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& server : servers) server.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(database_.rows("SELECT version FROM schema_version"),
            (Rows{{std::to_string(postgresql::kMigrations.size())}}));
}

TEST_P(Postgres, ASchemaNewerThanTheLibraryIsRefused) {
  database_.open();
  database_.rows("UPDATE schema_version SET version = version + 1");
  EXPECT_EQ(error_thrown([&] { database_.open(); }).code(), ErrorCode::SCHEMA_TOO_NEW);
  EXPECT_EQ(error_thrown([&] { Service::open(database_.url(), fast_options()); }).code(),
            ErrorCode::SCHEMA_TOO_NEW);
}

TEST_P(Postgres, ServiceOpenTakesTheUrlAndRunsTheFlow) {
  auto service = Service::open(database_.url(), fast_options());
  service.create_organization(kSampleUai, "Collège");
  service.import_roster(kSampleUai,
                        std::filesystem::path(INSCRIRE_DATA_DIR) / "siecle-0751234A.xml");
  EXPECT_EQ(database_.rows("SELECT count(*) > 0 FROM learners"), (Rows{{"t"}}));
  EXPECT_EQ(database_.rows("SELECT uai FROM organizations"), (Rows{{kSampleUai}}));
}

TEST_P(Postgres, TheCliTakesTheUrlFromDbOrFromInscrireDb) {
  const auto added = run_cli({"--db", database_.url(), "org", "add", kSampleUai, "Collège"});
  EXPECT_EQ(added.status, 0) << added.err;
  setenv("INSCRIRE_DB", database_.url().c_str(), 1);
  const auto listed = run_cli({"--json", "org", "list"});
  unsetenv("INSCRIRE_DB");
  EXPECT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find(kSampleUai), std::string::npos) << listed.out;
  EXPECT_EQ(database_.rows("SELECT name FROM organizations"), (Rows{{"Collège"}}));
}

TEST_P(Postgres, ALostConnectionFailsTheOperationAndTheNextOneReconnects) {
  const auto name = "lost_" + database_.schema();
  auto store = open_postgresql_store(database_.url() + "&application_name=" + name);
  const auto insert = [&](const std::string& uai) {
    store->transact(TransactionKind::Write,
                    [&](StoreTransaction& tx) { tx.insert_organization(uai, "S", 1); });
  };
  insert("0751234A");
  // The server ends the session (a restart, a failover, an idle timeout would too).
  EXPECT_EQ(database_.rows("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE application_name = '" +
                           name + "'"),
            (Rows{{"1"}}));
  for (int i = 0;
       i < 100 &&
       !database_.rows("SELECT 1 FROM pg_stat_activity WHERE application_name = '" + name + "'")
            .empty();
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto lost = error_thrown([&] { insert("0751234B"); });
  EXPECT_EQ(lost.code(), ErrorCode::DATABASE_UNAVAILABLE) << lost.detail();
  insert("0751234C");  // a fresh connection
  EXPECT_EQ(database_.rows("SELECT uai FROM organizations ORDER BY uai"),
            (Rows{{"0751234A"}, {"0751234C"}}));
}

TEST_P(Postgres, ThreadsOfOneStoreWorkOnSeveralConnectionsAtOnce) {
  auto store = open_postgresql_store(database_.url() + "&pool_size=3");
  std::latch inside(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      store->transact(TransactionKind::Write, [&](StoreTransaction& tx) {
        tx.insert_organization("075123" + std::to_string(40 + i) + "A", "S", 1);
        inside.arrive_and_wait();  // all three transactions open together
      });
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(database_.rows("SELECT count(*) FROM organizations"), (Rows{{"3"}}));
}

// A pupil's match is one statement sent alone: no BEGIN, no COMMIT, one round trip (counted by
// the store; strace counts the same in docs/benchmarks.md), whatever the match finds.
TEST_P(Postgres, AMatchIsOneStatementInOneRoundTrip) {
  long round_trips = 0;
  std::vector<std::string> statements;
  StoreOptions options;
  options.on_round_trip = [&] { ++round_trips; };
  options.on_statement = [&](std::string_view sql) { statements.emplace_back(sql); };
  // One connection, so that every statement was prepared on it by the first match.
  Service service(open_postgresql_store(database_.url() + "&pool_size=1", options), fast_options());
  service.create_organization(kSampleUai, "Collège");
  service.import_roster(kSampleUai,
                        std::filesystem::path(INSCRIRE_DATA_DIR) / "siecle-0751234A.xml");
  const auto code = service.create_campaign(kSampleUai, "Pix").code;
  service.register_pupil(code, "Allan", "POE", "01/03/2014", kGoodPassword);
  service.match(code, "Allan", "POE", "01/03/2014");
  const auto match = [&](const std::string& first, const std::string& last,
                         const std::string& birthdate) {
    round_trips = 0;
    statements.clear();
    const auto report = service.match(code, first, last, birthdate);
    EXPECT_EQ(round_trips, 1) << first << " " << last;
    EXPECT_EQ(statements.size(), 1u) << first << " " << last;
    return report.status;
  };
  EXPECT_EQ(match("Alian", "Poe", "01/03/2014"), MatchStatus::Matched);
  EXPECT_EQ(match("Allan", "Poe", "01/03/2014"), MatchStatus::LearnerAlreadyLinked);
  EXPECT_EQ(match("Wanda", "Quenouille", "01/03/2014"), MatchStatus::NoNameMatch);
  EXPECT_EQ(match("Allan", "Poe", "02/02/2001"), MatchStatus::NoLearnerForBirthdate);
  round_trips = 0;
  EXPECT_EQ(error_thrown([&] { service.match("ZZZZZZ999", "Allan", "Poe", "01/03/2014"); }).code(),
            ErrorCode::CAMPAIGN_NOT_FOUND);
  EXPECT_EQ(round_trips, 1);
  // With a client key, the throttle's count first: a read of one statement too.
  service.match(code, "Alian", "Poe", "01/03/2014", "client-1");
  round_trips = 0;
  EXPECT_EQ(service.match(code, "Alian", "Poe", "01/03/2014", "client-1").status,
            MatchStatus::Matched);
  EXPECT_EQ(round_trips, 2);
}

// A pupil's page reads its session, and what it shows, in one statement too: authenticate and
// participations are one round trip each, for a session that is valid or not.
TEST_P(Postgres, APupilsSessionAndParticipationsAreOneRoundTripEach) {
  long round_trips = 0;
  StoreOptions options;
  options.on_round_trip = [&] { ++round_trips; };
  Service service(open_postgresql_store(database_.url() + "&pool_size=1", options), fast_options());
  service.create_organization(kSampleUai, "Collège");
  service.import_roster(kSampleUai,
                        std::filesystem::path(INSCRIRE_DATA_DIR) / "siecle-0751234A.xml");
  const auto first = service.create_campaign(kSampleUai, "Pix").code;
  const auto second = service.create_campaign(kSampleUai, "Pix, 2e").code;
  const auto registration =
      service.register_pupil(first, "Allan", "POE", "01/03/2014", kGoodPassword);
  const auto token = service.login(registration.username, kGoodPassword).session_token;
  service.join_campaign(token, second);
  service.authenticate(token);  // every statement prepared on the one connection
  service.participations(token);

  round_trips = 0;
  const auto session = service.authenticate(token);
  EXPECT_EQ(round_trips, 1);
  ASSERT_EQ(session.learners.size(), 1u);
  EXPECT_EQ(session.learners[0].uai, kSampleUai);
  EXPECT_EQ(session.username, registration.username);
  round_trips = 0;
  const auto participations = service.participations(token);
  EXPECT_EQ(round_trips, 1);
  ASSERT_EQ(participations.size(), 2u);
  EXPECT_EQ(participations[0].code, first);
  EXPECT_EQ(participations[1].code, second);
  EXPECT_EQ(participations[1].school, "Collège");
  round_trips = 0;
  EXPECT_EQ(error_thrown([&] { service.authenticate("not-a-session"); }).code(),
            ErrorCode::SESSION_INVALID);
  EXPECT_EQ(error_thrown([&] { service.participations("not-a-session"); }).code(),
            ErrorCode::SESSION_INVALID);
  EXPECT_EQ(round_trips, 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, Postgres, ::testing::ValuesIn(postgres_engines()), engine_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Postgres);

}  // namespace
}  // namespace inscrire::testing
