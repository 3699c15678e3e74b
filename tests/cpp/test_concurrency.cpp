// Concurrent registrations into one database, on every engine: 2 processes × 4 threads, and 4
// processes each with its own Service (several application servers on one database), pupils
// who all share the username stem "lucas.martin" and often their DDMM too. Everyone must get
// one account, every username distinct and valid, every password hashed once, and no
// SQLITE_BUSY or unique violation may reach the caller. And an import killed with SIGKILL
// before it commits leaves the previous roster as it was.
#include <argon2.h>
#include <dlfcn.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

// Every Argon2id hash the library computes in this process goes through here (the
// executable's definition interposes on libargon2's), so a test can count them.
static std::atomic<int> argon2_hashes{0};

extern "C" int argon2id_hash_encoded(const uint32_t t_cost, const uint32_t m_cost,
                                     const uint32_t parallelism, const void* pwd,
                                     const size_t pwdlen, const void* salt, const size_t saltlen,
                                     const size_t hashlen, char* encoded, const size_t encodedlen) {
  using Real = int (*)(uint32_t, uint32_t, uint32_t, const void*, size_t, const void*, size_t,
                       size_t, char*, size_t);
  static const auto real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "argon2id_hash_encoded"));
  ++argon2_hashes;
  return real(t_cost, m_cost, parallelism, pwd, pwdlen, salt, saltlen, hashlen, encoded,
              encodedlen);
}

#include "inscrire/username.hpp"
#include "service_fixture.hpp"

namespace inscrire::testing {
namespace {

constexpr int kProcesses = 2;
constexpr int kThreadsPerProcess = 4;
constexpr int kPupils = 96;

// 16 birth days × 6 years: each DDMM is shared by six pupils of the same name.
std::vector<Pupil> homonyms() {
  std::vector<Pupil> pupils;
  for (int i = 0; i < kPupils; ++i) {
    const int day = 1 + i % 16;
    const int year = 2009 + i / 16;
    char birthdate[16];
    std::snprintf(birthdate, sizeof birthdate, "%02d/03/%d", day, year);
    char ine[16];
    std::snprintf(ine, sizeof ine, "%09dAB", 100000000 + i);
    pupils.push_back({ine, "Lucas", "MARTIN", birthdate});
  }
  return pupils;
}

// Registers the pupils whose index is `worker` modulo `workers`; returns the failures.
int register_share(Service& service, const std::string& code, const std::vector<Pupil>& pupils,
                   int worker, int workers) {
  int failures = 0;
  for (int i = worker; i < kPupils; i += workers) {
    try {
      service.register_pupil(code, pupils[i].first_name, pupils[i].last_name, pupils[i].birthdate,
                             kGoodPassword);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pupil %d: %s\n", i, e.what());
      ++failures;
    }
  }
  return failures;
}

Service open_on(EngineDatabase& database) { return Service(database.open(), fast_options()); }

// One process's share: two threads share a Service, two have their own.
int run_process(EngineDatabase& database, const std::string& code, const std::vector<Pupil>& pupils,
                int process) {
  std::atomic<int> failures{0};
  auto shared = open_on(database);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreadsPerProcess; ++t) {
    threads.emplace_back([&, t] {
      const int worker = process * kThreadsPerProcess + t;
      const int workers = kProcesses * kThreadsPerProcess;
      if (t < 2) {
        failures += register_share(shared, code, pupils, worker, workers);
      } else {
        auto own = open_on(database);
        failures += register_share(own, code, pupils, worker, workers);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return failures;
}

class Concurrency : public ServiceTest {};

TEST_P(Concurrency, EightThreadsInTwoProcessesRegisterHomonymsWithoutLossOrDuplicate) {
  const auto pupils = homonyms();
  std::string code;
  {
    auto service = open();
    service.create_organization(kSampleUai, "Test");
    service.import_roster(kSampleUai, write_file("homonyms.xml", siecle_xml(kSampleUai, pupils)));
    code = service.create_campaign(kSampleUai, "all").code;
  }  // no SQLite handle may cross fork()

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(run_process(engine_database(), code, pupils, 1) == 0 ? 0 : 1);
  const int parent_failures = run_process(engine_database(), code, pupils, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child process failed";
  EXPECT_EQ(parent_failures, 0);

  auto service = open();
  const auto learners = service.learners(kSampleUai);
  ASSERT_EQ(learners.size(), static_cast<std::size_t>(kPupils));
  std::set<std::string> usernames;
  for (const auto& learner : learners) {
    ASSERT_TRUE(learner.username.has_value()) << learner.ine;
    EXPECT_TRUE(is_valid_username(*learner.username)) << *learner.username;
    EXPECT_TRUE(learner.username->starts_with("lucas.martin"));
    usernames.insert(*learner.username);
  }
  EXPECT_EQ(usernames.size(), static_cast<std::size_t>(kPupils));
  EXPECT_TRUE(service.not_joined(code).empty());
}

// The checks of a finished homonym registration: one account per pupil, distinct valid names.
void expect_one_account_each(Service& service, EngineDatabase& database, const std::string& code) {
  const auto learners = service.learners(kSampleUai);
  ASSERT_EQ(learners.size(), static_cast<std::size_t>(kPupils));
  std::set<std::string> usernames;
  for (const auto& learner : learners) {
    ASSERT_TRUE(learner.username.has_value()) << learner.ine;
    EXPECT_TRUE(is_valid_username(*learner.username)) << *learner.username;
    EXPECT_TRUE(learner.username->starts_with("lucas.martin"));
    usernames.insert(*learner.username);
  }
  EXPECT_EQ(usernames.size(), static_cast<std::size_t>(kPupils));
  EXPECT_EQ(database.rows("SELECT count(*) FROM users"), (Rows{{std::to_string(kPupils)}}));
  EXPECT_TRUE(service.not_joined(code).empty());
}

TEST_P(Concurrency, FourServersEachWithItsServiceRegisterOneHomonymClassAtOnce) {
  constexpr int kServers = 4;
  const auto pupils = homonyms();
  std::string code;
  {
    auto service = open();
    service.create_organization(kSampleUai, "Test");
    service.import_roster(kSampleUai, write_file("homonyms.xml", siecle_xml(kSampleUai, pupils)));
    code = service.create_campaign(kSampleUai, "all").code;
  }
  // Each server waits on `go` so that all start at once, and reports its hash count on `out`.
  int go[2];
  int out[2];
  ASSERT_EQ(pipe(go), 0);
  ASSERT_EQ(pipe(out), 0);
  std::vector<pid_t> servers;
  for (int server = 0; server < kServers; ++server) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      argon2_hashes = 0;
      auto service = open_on(engine_database());
      char byte = 0;
      if (read(go[0], &byte, 1) != 1) _exit(3);
      const int failures = register_share(service, code, pupils, server, kServers);
      const int hashes = argon2_hashes;
      if (write(out[1], &hashes, sizeof hashes) != sizeof hashes) _exit(3);
      _exit(failures == 0 ? 0 : 1);
    }
    servers.push_back(child);
  }
  ASSERT_EQ(write(go[1], "GOGO", kServers), kServers);
  int total_hashes = 0;
  for (const auto server : servers) {
    int status = 0;
    ASSERT_EQ(waitpid(server, &status, 0), server);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a server failed";
    int hashes = 0;
    ASSERT_EQ(read(out[0], &hashes, sizeof hashes), static_cast<ssize_t>(sizeof hashes));
    total_hashes += hashes;
  }
  for (const int fd : {go[0], go[1], out[0], out[1]}) close(fd);
  // Hashed once each, before its transaction, never again on a retried username.
  EXPECT_EQ(total_hashes, kPupils);
  auto service = open();
  expect_one_account_each(service, engine_database(), code);
}

// `count` pupils of the sample school whose INEs start with `prefix`.
std::vector<Pupil> roster_of(const std::string& prefix, int count) {
  std::vector<Pupil> pupils;
  for (int i = 0; i < count; ++i) {
    char ine[16];
    std::snprintf(ine, sizeof ine, "%s%08dA", prefix.c_str(), i);
    char birthdate[16];
    std::snprintf(birthdate, sizeof birthdate, "%02d/%02d/2012", 1 + i % 28, 1 + i % 12);
    pupils.push_back({ine, "Prenom" + std::to_string(i), "NOM" + prefix, birthdate});
  }
  return pupils;
}

TEST_P(Concurrency, AnImportKilledBeforeItCommitsLeavesThePreviousRoster) {
  std::vector<LearnerView> before;
  const auto replacement = write_file("b.xml", siecle_xml(kSampleUai, roster_of("22", 3000)));
  {
    auto service = open();
    service.create_organization(kSampleUai, "Test");
    service.import_roster(kSampleUai,
                          write_file("a.xml", siecle_xml(kSampleUai, roster_of("11", 200))));
    before = service.learners(kSampleUai, std::nullopt, true);
  }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The import has written every row of the new roster and is about to commit: signal the
    // parent and wait for its SIGKILL.
    bool inserted = false;
    StoreOptions options;
    options.on_statement = [&](std::string_view sql) {
      // SQLite inserts the rows, PostgreSQL copies them.
      if ((sql.starts_with("INSERT INTO") || sql.starts_with("COPY")) &&
          sql.find("learners") != std::string_view::npos) {
        inserted = true;
      }
      if (inserted && sql == "COMMIT") {
        if (write(ready[1], "K", 1) != 1) _exit(3);
        for (;;) pause();
      }
    };
    Service service(engine_database().open(options), fast_options());
    service.import_roster(kSampleUai, replacement);
    _exit(2);  // committed: the test fails below
  }
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  close(ready[0]);
  close(ready[1]);

  auto service = open();
  const auto after = service.learners(kSampleUai, std::nullopt, true);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].ine, before[i].ine);
    EXPECT_EQ(after[i].last_name, before[i].last_name);
    EXPECT_EQ(after[i].disabled, before[i].disabled);
  }
  // Nothing of the killed import holds a lock: the same import now goes through.
  const auto report = service.import_roster(kSampleUai, replacement);
  EXPECT_EQ(report.created, 3000);
  EXPECT_EQ(service.learners(kSampleUai).size(), 3000u);
}

INSTANTIATE_TEST_SUITE_P(Engines, Concurrency, ::testing::ValuesIn(store_engines()), engine_name);

}  // namespace
}  // namespace inscrire::testing
