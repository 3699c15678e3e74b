// Concurrent registrations into one database, on every engine: 2 processes × 4 threads, pupils who
// all share the username stem "lucas.martin" and often their DDMM too. Everyone must get an
// account, every username distinct and valid, and no SQLITE_BUSY may reach the caller.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

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

INSTANTIATE_TEST_SUITE_P(Engines, Concurrency, ::testing::ValuesIn(store_engines()), engine_name);

}  // namespace
}  // namespace inscrire::testing
