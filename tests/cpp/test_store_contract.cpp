// The Store contract (include/inscrire/store.hpp) on every engine of store_engines.hpp: what
// each method returns, what a conflict answers, ordering where one is promised, all-or-nothing
// transactions, and races between two Store instances of one database in two threads, where
// exactly one transaction wins and the other gets the documented answer without an exception.
#include <algorithm>
#include <array>
#include <latch>
#include <optional>
#include <set>
#include <thread>

#include "cli/temporary_directory.hpp"
#include "inscrire/error.hpp"
#include "inscrire/store.hpp"
#include "inscrire/text.hpp"
#include "store_engines.hpp"

namespace inscrire::testing {
namespace {

constexpr std::int64_t kNow = 1'750'000'000;

// An operator's audit row.
AuditEntry audit_row(std::string name, std::string action, std::string target, std::string detail) {
  AuditEntry row;
  row.actor_kind = "operator";
  row.actor_ref = name;
  row.actor_name = std::move(name);
  row.action = std::move(action);
  row.target = std::move(target);
  row.detail = std::move(detail);
  return row;
}

RosterEntry entry(std::string ine, std::string first, std::string last, std::string iso_birthdate,
                  std::string division = "5A") {
  RosterEntry e;
  e.ine = std::move(ine);
  e.first_name = std::move(first);
  e.last_name = std::move(last);
  e.birthdate = BirthDate::from_trusted_iso(iso_birthdate);
  e.division = std::move(division);
  e.birth_country_code = "100";
  e.birth_city_code = "75056";
  e.status = "ST";
  return e;
}

MatchCandidate keys(const RosterEntry& e) {
  return {0,
          comparison_key(e.first_name),
          comparison_key(e.second_name),
          comparison_key(e.third_name),
          comparison_key(e.last_name),
          comparison_key(e.usage_name)};
}

template <typename Operation>
std::optional<ErrorCode> error_code_of(Operation&& operation) {
  try {
    operation();
  } catch (const Error& e) {
    return e.code();
  }
  return std::nullopt;
}

// Inserts `entries` into the school through one insert_learners call; returns its count.
int insert(StoreTransaction& tx, Id organization_id, const std::vector<RosterEntry>& entries) {
  std::vector<MatchCandidate> all_keys;
  for (const auto& e : entries) all_keys.push_back(keys(e));
  std::vector<NewLearner> rows;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    rows.push_back({{entries[i], all_keys[i]}, std::nullopt});
  }
  return tx.insert_learners(organization_id, rows, kNow);
}

// `count` pupils of one school, INEs "<prefix>000000"..., born on a few days.
std::vector<RosterEntry> pupils(const std::string& prefix, int count) {
  std::vector<RosterEntry> found;
  for (int i = 0; i < count; ++i) {
    char ine[32];
    std::snprintf(ine, sizeof ine, "%s%06d", prefix.c_str(), i);
    char birthdate[16];
    std::snprintf(birthdate, sizeof birthdate, "2013-03-%02d", 1 + i % 28);
    found.push_back(
        entry(ine, "Eleve" + std::to_string(i), "Nom", birthdate, i % 2 == 0 ? "5A" : "5B"));
  }
  return found;
}

class StoreContract : public ::testing::TestWithParam<Engine> {
 protected:
  StoreContract() : database_(GetParam().create(directory_.path())), store_(database_->open()) {}

  template <typename Work>
  void write(Work&& work) {
    store_->transact(TransactionKind::Write, work);
  }
  template <typename Work>
  void read(Work&& work) {
    store_->transact(TransactionKind::Read, work);
  }

  // A school with `entries`; returns its id.
  Id school(const std::string& uai, const std::vector<RosterEntry>& entries = {}) {
    Id id = 0;
    write([&](StoreTransaction& tx) {
      id = tx.insert_organization(uai, "School " + uai, kNow).value().id;
      insert(tx, id, entries);
    });
    return id;
  }

  Id user(const std::string& username) {
    Id id = 0;
    write([&](StoreTransaction& tx) { id = tx.insert_user(username, "hash", false, kNow)->id; });
    return id;
  }

  Learner learner(Id organization_id, const std::string& ine) {
    std::optional<Learner> found;
    read([&](StoreTransaction& tx) { found = tx.learner_by_ine(organization_id, ine); });
    return found.value();
  }

  TemporaryDirectory directory_;
  std::unique_ptr<EngineDatabase> database_;
  std::unique_ptr<Store> store_;
};

// Runs `work(store, index)` on two Stores of the database at once, in two threads started
// together; returns what each returned.
template <typename Result, typename Work>
std::array<Result, 2> race(EngineDatabase& database, Work&& work) {
  std::array<std::unique_ptr<Store>, 2> stores{database.open(), database.open()};
  std::array<Result, 2> results{};
  std::latch start(2);
  std::array<std::thread, 2> threads;
  for (std::size_t i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      start.arrive_and_wait();
      results[i] = work(*stores[i], i);
    });
  }
  for (auto& thread : threads) thread.join();
  return results;
}

// --- Organizations --------------------------------------------------------------------------

TEST_P(StoreContract, OrganizationsAreUniqueByUaiAndListedInUaiOrder) {
  const auto b = school("0751234B");
  const auto a = school("0751234A");
  write([&](StoreTransaction& tx) {
    EXPECT_FALSE(tx.insert_organization("0751234A", "Again", kNow).has_value());
  });
  read([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.organization("0751234A")->id, a);
    EXPECT_EQ(tx.organization("0751234A")->name, "School 0751234A");
    EXPECT_EQ(tx.organization_by_id(b)->uai, "0751234B");
    EXPECT_FALSE(tx.organization("0999999Z").has_value());
    EXPECT_FALSE(tx.organization_by_id(b + a + 1).has_value());
    const auto all = tx.organizations();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].uai, "0751234A");
    EXPECT_EQ(all[1].uai, "0751234B");
  });
  EXPECT_EQ(database_->rows("SELECT created_at FROM organizations")[0][0], std::to_string(kNow));
}

// --- Learners -------------------------------------------------------------------------------

TEST_P(StoreContract, InsertLearnersWritesEveryFieldInBatchesAndRefusesExistingInes) {
  auto many = pupils("A", 150);
  many[3].second_name = "Marie";
  many[3].third_name = "Léa";
  many[3].usage_name = "Durand";
  many[3].sex = Sex::Female;
  many[3].birth_department_code = "075";
  many[3].birth_city_name = "Paris";
  many[3].mef_code = "10010012110";
  const auto id = school("0751234A", many);
  const auto stored = learner(id, many[3].ine);
  EXPECT_EQ(stored.organization_id, id);
  EXPECT_EQ(stored.entry.first_name, many[3].first_name);
  EXPECT_EQ(stored.entry.second_name, "Marie");
  EXPECT_EQ(stored.entry.third_name, "Léa");
  EXPECT_EQ(stored.entry.last_name, "Nom");
  EXPECT_EQ(stored.entry.usage_name, "Durand");
  EXPECT_EQ(stored.entry.birthdate, many[3].birthdate);
  EXPECT_EQ(stored.entry.sex, Sex::Female);
  EXPECT_EQ(stored.entry.division, "5B");
  EXPECT_EQ(stored.entry.birth_country_code, "100");
  EXPECT_EQ(stored.entry.birth_department_code, "075");
  EXPECT_EQ(stored.entry.birth_city_code, "75056");
  EXPECT_EQ(stored.entry.birth_city_name, "Paris");
  EXPECT_EQ(stored.entry.mef_code, "10010012110");
  EXPECT_EQ(stored.entry.status, "ST");
  EXPECT_EQ(stored.keys.learner_id, stored.id);
  EXPECT_EQ(stored.keys.first_name, "eleve3");
  EXPECT_EQ(stored.keys.second_name, "marie");
  EXPECT_EQ(stored.keys.third_name, "lea");
  EXPECT_EQ(stored.keys.last_name, "nom");
  EXPECT_EQ(stored.keys.usage_name, "durand");
  EXPECT_FALSE(stored.disabled);
  EXPECT_FALSE(stored.user_id.has_value());
  EXPECT_FALSE(stored.username.has_value());
  EXPECT_EQ(database_->rows("SELECT count(*) FROM learners")[0][0], "150");
  EXPECT_EQ(database_->rows("SELECT DISTINCT updated_at FROM learners")[0][0],
            std::to_string(kNow));

  // An INE the school has already, among new ones: refused, with the whole transaction; the
  // same INE in another school is another learner.
  auto more = pupils("A", 70);
  more.push_back(entry("B000001", "Neuf", "Nom", "2013-01-01"));
  EXPECT_EQ(error_code_of([&] { write([&](StoreTransaction& tx) { insert(tx, id, more); }); }),
            ErrorCode::DATABASE_ERROR);
  EXPECT_EQ(database_->rows("SELECT count(*) FROM learners")[0][0], "150");
  write([&](StoreTransaction& tx) {
    const auto other = tx.insert_organization("0331234B", "Other", kNow)->id;
    EXPECT_EQ(insert(tx, other, more), 71);
    EXPECT_EQ(insert(tx, id, {more.back()}), 1);
  });
  EXPECT_EQ(database_->rows("SELECT count(*) FROM learners")[0][0], "222");
  write([&](StoreTransaction& tx) { EXPECT_EQ(insert(tx, id, {}), 0); });
}

TEST_P(StoreContract, ALearnerCanBeInsertedWithItsAccount) {
  const auto account = user("ana.lopez0202");
  const auto id = school("0751234A");
  const auto ana = entry("I1", "Ana", "Lopez", "2013-02-02");
  const auto ana_keys = keys(ana);
  write([&](StoreTransaction& tx) {
    const std::vector<NewLearner> rows{{{ana, ana_keys}, account}};
    EXPECT_EQ(tx.insert_learners(id, rows, kNow), 1);
    EXPECT_FALSE(tx.link_learner(tx.learner_by_ine(id, "I1")->id, account));
  });
  EXPECT_EQ(learner(id, "I1").user_id, account);
  EXPECT_EQ(learner(id, "I1").username, "ana.lopez0202");
}

TEST_P(StoreContract, LearnersAreListedByDivisionNameAndIdAndVisitedWhole) {
  const auto id = school("0751234A", {entry("I1", "Zoé", "Blanc", "2013-01-01", "5B"),
                                      entry("I2", "Ana", "Blanc", "2013-01-01", "5A"),
                                      entry("I3", "Bob", "Abel", "2013-01-01", "5B"),
                                      entry("I4", "Léo", "Abel", "2013-01-01", "5B")});
  school("0331234B", {entry("I1", "Autre", "École", "2013-01-01")});
  const auto disabled = learner(id, "I4").id;
  write([&](StoreTransaction& tx) { tx.set_learner_disabled(disabled, true, kNow); });
  read([&](StoreTransaction& tx) {
    std::vector<std::string> ines;
    for (const auto& l : tx.learners(id, nullptr, false)) ines.push_back(l.entry.ine);
    EXPECT_EQ(ines, (std::vector<std::string>{"I2", "I3", "I1"}));
    ines.clear();
    const std::string b = "5B";
    for (const auto& l : tx.learners(id, &b, true)) ines.push_back(l.entry.ine);
    EXPECT_EQ(ines, (std::vector<std::string>{"I3", "I4", "I1"}));
    std::multiset<std::string> visited;
    tx.visit_learners(id, [&](const Learner& l) {
      visited.insert(l.entry.ine);
      EXPECT_EQ(l.organization_id, id);
      EXPECT_EQ(l.disabled, l.entry.ine == "I4");
    });
    EXPECT_EQ(visited, (std::multiset<std::string>{"I1", "I2", "I3", "I4"}));
  });
}

TEST_P(StoreContract, MatchCandidatesAreTheEnabledLearnersOfTheSchoolBornThatDay) {
  const auto id =
      school("0751234A",
             {entry("I1", "Ana", "Lopez", "2013-02-02"), entry("I2", "Ben", "Morel", "2013-02-02"),
              entry("I3", "Cid", "Roux", "2013-02-03"), entry("I4", "Dan", "Petit", "2013-02-02")});
  school("0331234B", {entry("J1", "Ana", "Lopez", "2013-02-02")});
  const auto disabled = learner(id, "I4").id;
  write([&](StoreTransaction& tx) { tx.set_learner_disabled(disabled, true, kNow); });
  read([&](StoreTransaction& tx) {
    auto found = tx.match_candidates(id, BirthDate::from_trusted_iso("2013-02-02"));
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.learner_id < b.learner_id; });
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].learner_id, tx.learner_by_ine(id, "I1")->id);
    EXPECT_EQ(found[0].first_name, "ana");
    EXPECT_EQ(found[0].last_name, "lopez");
    EXPECT_EQ(found[1].last_name, "morel");
    EXPECT_TRUE(tx.match_candidates(id, BirthDate::from_trusted_iso("2001-01-01")).empty());
  });
}

// The match's first read: the campaign and its school's candidates together, and what the
// match reads next about them (read ahead on PostgreSQL) the same as when read alone, in a read
// transaction and in a write one.
TEST_P(StoreContract, CampaignCandidatesAreTheCampaignAndItsSchoolsCandidates) {
  const auto id =
      school("0751234A",
             {entry("I1", "Ana", "Lopez", "2013-02-02"), entry("I2", "Ben", "Morel", "2013-02-02"),
              entry("I3", "Cid", "Roux", "2013-02-03"), entry("I4", "Dan", "Petit", "2013-02-02")});
  const auto other = school("0331234B", {entry("I1", "Ana", "Lopez", "2013-02-02")});
  const auto ana_elsewhere = user("ana.lopez0202");
  Campaign c;
  c.code = "AAAAAA222";
  c.name = "Pix";
  write([&](StoreTransaction& tx) {
    tx.insert_campaign(id, c, kNow);
    tx.set_learner_disabled(tx.learner_by_ine(id, "I4")->id, true, kNow);
    tx.link_learner(tx.learner_by_ine(other, "I1")->id, ana_elsewhere);
    tx.add_taken_suffix("ana.lopez", 202);
    tx.add_taken_suffix("ana.lopez", 17);
  });
  const auto born = BirthDate::from_trusted_iso("2013-02-02");
  for (const auto kind : {TransactionKind::Read, TransactionKind::Write}) {
    store_->transact(kind, [&](StoreTransaction& tx) {
      auto found = tx.campaign_candidates("AAAAAA222", born);
      ASSERT_TRUE(found.campaign.has_value());
      EXPECT_EQ(found.campaign->name, "Pix");
      EXPECT_EQ(found.campaign->uai, "0751234A");
      std::sort(found.candidates.begin(), found.candidates.end(),
                [](const auto& a, const auto& b) { return a.learner_id < b.learner_id; });
      ASSERT_EQ(found.candidates.size(), 2u);
      const auto ana = tx.learner_by_ine(id, "I1");
      EXPECT_EQ(found.candidates[0].learner_id, ana->id);
      EXPECT_EQ(found.candidates[0].last_name, "lopez");
      EXPECT_EQ(found.candidates[1].last_name, "morel");
      EXPECT_EQ(tx.learner(ana->id)->entry.first_name, "Ana");
      EXPECT_EQ(tx.username_linked_elsewhere("I1", id), "ana.lopez0202");
      EXPECT_EQ(tx.username_linked_elsewhere("I2", id), std::nullopt);
      const auto taken = tx.taken_suffixes("ana.lopez");
      EXPECT_EQ(taken.count(), 2);
      EXPECT_TRUE(taken.contains(202));
      EXPECT_EQ(tx.taken_suffixes("ben.morel").count(), 0);
      EXPECT_TRUE(tx.campaign_candidates("AAAAAA222", BirthDate::from_trusted_iso("2001-01-01"))
                      .candidates.empty());
      const auto none = tx.campaign_candidates("CCCCCC444", born);
      EXPECT_FALSE(none.campaign.has_value());
      EXPECT_TRUE(none.candidates.empty());
    });
  }
}

// Every write of a learner's names writes its username stem, as username_stem() makes it.
TEST_P(StoreContract, ALearnersUsernameStemFollowsItsNames) {
  auto odd = entry("I2", "Jean-Marc", "D'Artagnan", "2013-02-02");
  odd.usage_name = "Dupont";
  const auto id = school("0751234A", {entry("I1", "Éloïse", "Le Gall", "2013-02-02"), odd});
  const auto stems = [&] {
    return database_->rows("SELECT ine, username_stem FROM learners ORDER BY ine");
  };
  EXPECT_EQ(stems(), (Rows{{"I1", "eloise.legall"}, {"I2", "jeanmarc.dartagnan"}}));
  write([&](StoreTransaction& tx) {
    const auto renamed = entry("I1", "Zoé", "", "2013-02-02");
    const auto renamed_keys = keys(renamed);
    tx.update_learner(tx.learner_by_ine(id, "I1")->id, {renamed, renamed_keys}, kNow);
  });
  EXPECT_EQ(stems(), (Rows{{"I1", "zoe.nom"}, {"I2", "jeanmarc.dartagnan"}}));
}

TEST_P(StoreContract, UpdateRewritesFieldsAndKeysButKeepsStateAndLink) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02"),
                                      entry("I2", "Ben", "Morel", "2013-02-02")});
  const auto ana = learner(id, "I1");
  const auto account = user("ana.lopez0202");
  write([&](StoreTransaction& tx) {
    tx.set_learner_disabled(ana.id, true, kNow);
    EXPECT_TRUE(tx.link_learner(ana.id, account));
    auto changed = entry("I9", "Anna", "Lopez Garcia", "2013-02-03", "4C");
    const auto changed_keys = keys(changed);
    tx.update_learner(ana.id, {changed, changed_keys}, kNow + 5);
  });
  const auto updated = learner(id, "I9");
  EXPECT_EQ(updated.id, ana.id);
  EXPECT_EQ(updated.entry.first_name, "Anna");
  EXPECT_EQ(updated.entry.division, "4C");
  EXPECT_EQ(updated.keys.last_name, "lopezgarcia");
  EXPECT_EQ(updated.entry.birthdate.iso(), "2013-02-03");
  EXPECT_TRUE(updated.disabled);
  EXPECT_EQ(updated.user_id, account);
  EXPECT_EQ(updated.username, "ana.lopez0202");
  EXPECT_EQ(database_->rows("SELECT updated_at FROM learners WHERE ine = 'I9'")[0][0],
            std::to_string(kNow + 5));
  // Another learner of the school holds the INE: refused, and the transaction with it.
  EXPECT_EQ(error_code_of([&] {
              write([&](StoreTransaction& tx) {
                const auto clash = entry("I2", "Anna", "Lopez", "2013-02-03");
                const auto clash_keys = keys(clash);
                tx.update_learner(ana.id, {clash, clash_keys}, kNow);
              });
            }),
            ErrorCode::DATABASE_ERROR);
  EXPECT_EQ(learner(id, "I9").entry.first_name, "Anna");
}

TEST_P(StoreContract, DisableAndEnableById) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02")});
  const auto ana = learner(id, "I1").id;
  write([&](StoreTransaction& tx) { tx.set_learner_disabled(ana, true, kNow + 1); });
  EXPECT_TRUE(learner(id, "I1").disabled);
  EXPECT_EQ(database_->rows("SELECT updated_at FROM learners")[0][0], std::to_string(kNow + 1));
  write([&](StoreTransaction& tx) { tx.set_learner_disabled(ana, false, kNow + 2); });
  EXPECT_FALSE(learner(id, "I1").disabled);
}

TEST_P(StoreContract, LinkWritesOnlyIntoAnEmptyLink) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02"),
                                      entry("I2", "Ben", "Morel", "2013-02-02")});
  const auto other = school("0331234B", {entry("I1", "Ana", "Lopez", "2013-02-02")});
  const auto ana = learner(id, "I1").id;
  const auto first = user("ana.lopez0202");
  const auto second = user("ana.lopez1234");
  write([&](StoreTransaction& tx) {
    EXPECT_TRUE(tx.link_learner(ana, first));
    EXPECT_FALSE(tx.link_learner(ana, second));
    EXPECT_FALSE(tx.link_learner(ana, first));
    EXPECT_FALSE(tx.link_learner(ana + 1000, first));
    EXPECT_TRUE(tx.link_learner(tx.learner_by_ine(other, "I1")->id, first));
  });
  read([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.learner(ana)->user_id, first);
    EXPECT_EQ(tx.learner_by_user(id, first)->id, ana);
    EXPECT_FALSE(tx.learner_by_user(id, second).has_value());
    const auto linked = tx.learners_of_user(first);
    ASSERT_EQ(linked.size(), 2u);
    EXPECT_LT(linked[0].id, linked[1].id);
    EXPECT_EQ(tx.username_linked_elsewhere("I1", id), "ana.lopez0202");
    EXPECT_EQ(tx.username_linked_elsewhere("I1", other), "ana.lopez0202");
    EXPECT_FALSE(tx.username_linked_elsewhere("I2", other).has_value());
  });
  write([&](StoreTransaction& tx) { tx.unlink_learner(ana); });
  read([&](StoreTransaction& tx) {
    EXPECT_FALSE(tx.learner(ana)->user_id.has_value());
    EXPECT_FALSE(tx.username_linked_elsewhere("I1", other).has_value());
  });
}

// When the INE has accounts in two other schools, the one named is that of the school of lowest
// id, whichever learner row came first: the order of the (ine, organization_id) index, which is
// all the look-up may read (docs/benchmarks.md: ordered by the learner's id, PostgreSQL's planner
// chose to walk the whole table in id order). The same through a match's prefetched read.
TEST_P(StoreContract, TheAccountElsewhereIsTheOneOfTheSchoolOfLowestId) {
  const auto born = "2013-02-02";
  const auto here = school("0751234A", {entry("I1", "Ana", "Lopez", born)});
  const auto lower = school("0331234B");
  const auto higher = school("0691234C", {entry("I1", "Ana", "Lopez", born)});
  const auto of_higher = user("ana.lopez0202");
  const auto of_lower = user("ana.lopez1717");
  Campaign c;
  c.code = "AAAAAA222";
  c.name = "Pix";
  write([&](StoreTransaction& tx) {
    insert(tx, lower, {entry("I1", "Ana", "Lopez", born)});  // a higher learner id
    EXPECT_TRUE(tx.link_learner(tx.learner_by_ine(higher, "I1")->id, of_higher));
    EXPECT_TRUE(tx.link_learner(tx.learner_by_ine(lower, "I1")->id, of_lower));
    tx.insert_campaign(here, c, kNow);
  });
  ASSERT_LT(lower, higher);
  ASSERT_GT(learner(lower, "I1").id, learner(higher, "I1").id);
  for (const auto kind : {TransactionKind::Read, TransactionKind::Write}) {
    store_->transact(kind, [&](StoreTransaction& tx) {
      EXPECT_EQ(tx.username_linked_elsewhere("I1", here), "ana.lopez1717");
      EXPECT_EQ(tx.username_linked_elsewhere("I1", lower), "ana.lopez0202");
      const auto found = tx.campaign_candidates("AAAAAA222", BirthDate::from_trusted_iso(born));
      ASSERT_EQ(found.candidates.size(), 1u);
      EXPECT_EQ(tx.username_linked_elsewhere("I1", here), "ana.lopez1717");
    });
  }
}

TEST_P(StoreContract, AccountsOfInesElsewhereAndEveryLearnerOfThoseAccounts) {
  // 250 INEs (three batches of probes on SQLite), every one linked in the other school.
  const auto file = pupils("F", 250);
  const auto here = school("0751234A", file);
  const auto elsewhere = school("0331234B", file);
  std::vector<Id> users;
  write([&](StoreTransaction& tx) {
    for (std::size_t i = 0; i < file.size(); ++i) {
      const auto account =
          tx.insert_user("eleve.nom" + std::to_string(1000 + i), "h", false, kNow)->id;
      users.push_back(account);
      EXPECT_TRUE(tx.link_learner(tx.learner_by_ine(elsewhere, file[i].ine)->id, account));
    }
    // One account is linked here too.
    EXPECT_TRUE(tx.link_learner(tx.learner_by_ine(here, file[0].ine)->id, users[0]));
  });
  std::vector<std::string_view> ines;
  for (const auto& e : file) ines.emplace_back(e.ine);
  ines.emplace_back("NOBODY");
  read([&](StoreTransaction& tx) {
    auto found = tx.users_linked_by_ine(ines, here);
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, users);  // each once
    EXPECT_EQ(tx.users_linked_by_ine(ines, elsewhere), (std::vector<Id>{users[0]}));
    EXPECT_TRUE(tx.users_linked_by_ine({}, here).empty());

    const auto linked = tx.learners_linked_to(users);
    EXPECT_EQ(linked.size(), 251u);
    const auto of_first = std::count_if(linked.begin(), linked.end(),
                                        [&](const auto& l) { return l.user_id == users[0]; });
    EXPECT_EQ(of_first, 2);
    const auto row = std::find_if(linked.begin(), linked.end(),
                                  [&](const auto& l) { return l.user_id == users[7]; });
    ASSERT_NE(row, linked.end());
    EXPECT_EQ(row->organization_id, elsewhere);
    EXPECT_EQ(row->ine, file[7].ine);
    EXPECT_EQ(row->birthdate, file[7].birthdate);
    EXPECT_EQ(row->learner_id, tx.learner_by_ine(elsewhere, file[7].ine)->id);
    EXPECT_TRUE(tx.learners_linked_to({}).empty());
  });
}

TEST_P(StoreContract, LearnersWithoutParticipationOfADivisionOrTheWholeSchool) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02", "5A"),
                                      entry("I2", "Ben", "Morel", "2013-02-02", "5A"),
                                      entry("I3", "Cid", "Roux", "2013-02-03", "5B"),
                                      entry("I4", "Dan", "Petit", "2013-02-02", "5A")});
  const auto account = user("ana.lopez0202");
  Campaign division;
  Campaign whole;
  write([&](StoreTransaction& tx) {
    Campaign c;
    c.code = "AAAAAA222";
    c.name = "5A";
    c.division = "5A";
    division = *tx.insert_campaign(id, c, kNow);
    c.code = "BBBBBB333";
    c.division.clear();
    whole = *tx.insert_campaign(id, c, kNow);
    tx.set_learner_disabled(tx.learner_by_ine(id, "I4")->id, true, kNow);
    EXPECT_TRUE(
        tx.insert_participation(division.id, tx.learner_by_ine(id, "I1")->id, account, kNow));
  });
  read([&](StoreTransaction& tx) {
    std::vector<std::string> ines;
    for (const auto& l : tx.learners_without_participation(division)) ines.push_back(l.entry.ine);
    EXPECT_EQ(ines, (std::vector<std::string>{"I2"}));
    ines.clear();
    for (const auto& l : tx.learners_without_participation(whole)) ines.push_back(l.entry.ine);
    EXPECT_EQ(ines, (std::vector<std::string>{"I1", "I2", "I3"}));
  });
}

// --- Users and username stems ---------------------------------------------------------------

TEST_P(StoreContract, UsernamesAreUniqueIgnoringCase) {
  const auto id = user("lea.martin0101");
  write([&](StoreTransaction& tx) {
    EXPECT_FALSE(tx.insert_user("LEA.Martin0101", "other", true, kNow).has_value());
    const auto second = tx.insert_user("lea.martin0102", "h2", true, kNow + 1);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->username, "lea.martin0102");
    EXPECT_EQ(second->password_hash, "h2");
    EXPECT_TRUE(second->must_change_password);
    EXPECT_EQ(second->failed_attempts, 0);
    EXPECT_FALSE(second->blocked || second->disabled);
  });
  read([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.user_by_username("Lea.MARTIN0101")->id, id);
    EXPECT_EQ(tx.user(id)->username, "lea.martin0101");
    EXPECT_TRUE(tx.is_taken("LEA.MARTIN0101"));
    EXPECT_FALSE(tx.is_taken("lea.martin0103"));
    EXPECT_FALSE(tx.user_by_username("nobody").has_value());
    // insert_user leaves the stems to add_taken_suffix.
    EXPECT_EQ(tx.taken_suffixes("lea.martin").count(), 0);
  });
  EXPECT_EQ(database_->rows("SELECT created_at FROM users WHERE id = " + std::to_string(id))[0][0],
            std::to_string(kNow));
}

// Login failures are kept per username, whether or not an account holds it.
TEST_P(StoreContract, LoginFailuresAreKeptPerUsernameIgnoringCase) {
  user("lea.martin0101");
  read([&](StoreTransaction& tx) {
    const auto none = tx.login_failures("lea.martin0101");
    EXPECT_EQ(none.failed_attempts, 0);
    EXPECT_EQ(none.blocked_until, 0);
    EXPECT_FALSE(none.blocked);
  });
  write([&](StoreTransaction& tx) {
    tx.save_login_failures("lea.martin0101", {3, 0, false});
    tx.save_login_failures("nobody.here0101", {10, kNow + 120, false});  // no such account
    tx.save_login_failures("LEA.MARTIN0101", {4, kNow + 60, false});     // the same row
    EXPECT_EQ(tx.login_failures("lea.martin0101").failed_attempts, 4);   // seen in the transaction
  });
  read([&](StoreTransaction& tx) {
    const auto lea = tx.login_failures("Lea.Martin0101");
    EXPECT_EQ(lea.failed_attempts, 4);
    EXPECT_EQ(lea.blocked_until, kNow + 60);
    const auto nobody = tx.login_failures("nobody.here0101");
    EXPECT_EQ(nobody.failed_attempts, 10);
    EXPECT_EQ(nobody.blocked_until, kNow + 120);
    EXPECT_FALSE(nobody.blocked);
  });
  write([&](StoreTransaction& tx) {
    tx.save_login_failures("nobody.here0101", {30, 0, true});
    tx.clear_login_failures("LEA.martin0101");
    tx.clear_login_failures("never.failed0101");  // no row: nothing to do
  });
  read([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.login_failures("lea.martin0101").failed_attempts, 0);
    EXPECT_TRUE(tx.login_failures("nobody.here0101").blocked);
    EXPECT_EQ(tx.login_failures("nobody.here0101").failed_attempts, 30);
  });
  // A rolled-back transaction leaves nothing.
  EXPECT_ANY_THROW(write([&](StoreTransaction& tx) {
    tx.save_login_failures("rolled.back0101", {1, 0, false});
    throw Error(ErrorCode::INTERNAL_ERROR);
  }));
  read([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.login_failures("rolled.back0101").failed_attempts, 0);
  });
}

TEST_P(StoreContract, SaveWritesEverythingButTheUsernameAndRenameRespectsUniqueness) {
  const auto id = user("lea.martin0101");
  user("ana.lopez0202");
  write([&](StoreTransaction& tx) {
    User changed = *tx.user(id);
    changed.username = "ignored.name0101";
    changed.password_hash = "new";
    changed.must_change_password = true;
    changed.failed_attempts = 7;
    changed.blocked_until = kNow + 60;
    changed.blocked = true;
    changed.disabled = true;
    changed.temporary_expires_at = kNow + 30;
    changed.last_login_at = kNow - 5;
    tx.save_user(changed);
    EXPECT_FALSE(tx.rename_user(id, "ANA.lopez0202"));
    EXPECT_FALSE(tx.rename_user(id + 100, "free.name0101"));
  });
  read([&](StoreTransaction& tx) {
    const auto saved = *tx.user(id);
    EXPECT_EQ(saved.username, "lea.martin0101");
    EXPECT_EQ(saved.password_hash, "new");
    EXPECT_TRUE(saved.must_change_password);
    EXPECT_EQ(saved.failed_attempts, 7);
    EXPECT_EQ(saved.blocked_until, kNow + 60);
    EXPECT_TRUE(saved.blocked);
    EXPECT_TRUE(saved.disabled);
    EXPECT_EQ(saved.temporary_expires_at, kNow + 30);
    EXPECT_EQ(saved.last_login_at, kNow - 5);
  });
  write([&](StoreTransaction& tx) { EXPECT_TRUE(tx.rename_user(id, "anonyme-1")); });
  read([&](StoreTransaction& tx) { EXPECT_EQ(tx.user(id)->username, "anonyme-1"); });
}

TEST_P(StoreContract, TakenSuffixesAccumulatePerStemIgnoringCase) {
  write([&](StoreTransaction& tx) {
    tx.add_taken_suffix("lea.martin", 101);
    tx.add_taken_suffix("LEA.martin", 9999);
    tx.add_taken_suffix("lea.martin", 101);
    tx.add_taken_suffix("ana.lopez", 0);
  });
  read([&](StoreTransaction& tx) {
    const auto taken = tx.taken_suffixes("Lea.Martin");
    EXPECT_EQ(taken.count(), 2);
    EXPECT_TRUE(taken.contains(101));
    EXPECT_TRUE(taken.contains(9999));
    EXPECT_TRUE(tx.taken_suffixes("ana.lopez").contains(0));
    EXPECT_EQ(tx.taken_suffixes("zoe.muller").count(), 0);
  });
}

// --- Campaigns and participations -----------------------------------------------------------

TEST_P(StoreContract, CampaignCodesAreUnique) {
  const auto id = school("0751234A");
  Campaign c;
  c.code = "AAAAAA222";
  c.name = "Pix 5A";
  c.division = "5A";
  c.target_profile = "profile";
  write([&](StoreTransaction& tx) {
    const auto inserted = tx.insert_campaign(id, c, kNow);
    ASSERT_TRUE(inserted.has_value());
    EXPECT_EQ(inserted->uai, "0751234A");
    EXPECT_EQ(inserted->organization_id, id);
    EXPECT_EQ(inserted->name, "Pix 5A");
    EXPECT_EQ(inserted->division, "5A");
    EXPECT_EQ(inserted->target_profile, "profile");
    EXPECT_EQ(inserted->status, CampaignStatus::Active);
    EXPECT_EQ(inserted->created_at, std::to_string(kNow));
    c.name = "Other";
    EXPECT_FALSE(tx.insert_campaign(id, c, kNow).has_value());
    c.code = "BBBBBB333";
    tx.insert_campaign(id, c, kNow);
  });
  write([&](StoreTransaction& tx) {
    tx.set_campaign_status(tx.campaign("AAAAAA222")->id, CampaignStatus::Archived);
  });
  read([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.campaign("AAAAAA222")->status, CampaignStatus::Archived);
    EXPECT_EQ(tx.campaign("AAAAAA222")->name, "Pix 5A");
    EXPECT_FALSE(tx.campaign("CCCCCC444").has_value());
    const auto all = tx.campaigns(id);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].code, "AAAAAA222");
    EXPECT_EQ(all[1].code, "BBBBBB333");
  });
}

TEST_P(StoreContract, AParticipationIsInsertedOnce) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02")});
  const auto ana = learner(id, "I1").id;
  const auto account = user("ana.lopez0202");
  write([&](StoreTransaction& tx) {
    Campaign c;
    c.code = "AAAAAA222";
    c.name = "all";
    const auto campaign = tx.insert_campaign(id, c, kNow)->id;
    EXPECT_FALSE(tx.participation(campaign, ana).has_value());
    EXPECT_TRUE(tx.insert_participation(campaign, ana, account, kNow));
    EXPECT_FALSE(tx.insert_participation(campaign, ana, account, kNow + 1));
    const auto p = *tx.participation(campaign, ana);
    EXPECT_EQ(p.campaign_id, campaign);
    EXPECT_EQ(p.learner_id, ana);
    EXPECT_EQ(p.user_id, account);
    EXPECT_EQ(p.status, "STARTED");
    c.code = "BBBBBB333";
    EXPECT_TRUE(tx.insert_participation(tx.insert_campaign(id, c, kNow)->id, ana, account, kNow));
    const auto all = tx.participations_of_learner(ana);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_LT(all[0].id, all[1].id);
  });
  EXPECT_EQ(database_->rows("SELECT DISTINCT created_at FROM participations")[0][0],
            std::to_string(kNow));
}

TEST_P(StoreContract, ANewUserHasNoTemporaryLimitNorLastLogin) {
  const auto id = user("lea.martin0101");
  read([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.user(id)->temporary_expires_at, 0);
    EXPECT_FALSE(tx.user(id)->last_login_at.has_value());
  });
}

TEST_P(StoreContract, CampaignsByIdAndWhetherAnybodyJoined) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02")});
  const auto ana = learner(id, "I1").id;
  const auto account = user("ana.lopez0202");
  Campaign c;
  c.code = "AAAAAA222";
  c.name = "Pix";
  write([&](StoreTransaction& tx) {
    const auto campaign = *tx.insert_campaign(id, c, kNow);
    EXPECT_EQ(tx.campaign_by_id(campaign.id)->code, "AAAAAA222");
    EXPECT_EQ(tx.campaign_by_id(campaign.id)->uai, "0751234A");
    EXPECT_FALSE(tx.campaign_by_id(campaign.id + 100).has_value());
    EXPECT_FALSE(tx.campaign_has_participations(campaign.id));
    tx.insert_participation(campaign.id, ana, account, kNow);
    EXPECT_TRUE(tx.campaign_has_participations(campaign.id));
    // A dissociated participation still counts: somebody joined.
    tx.dissociate_participations(ana);
    EXPECT_TRUE(tx.campaign_has_participations(campaign.id));
  });
}

TEST_P(StoreContract, ParticipationsKeepTheirStepsAndTimesAndListByAccount) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02")});
  const auto ana = learner(id, "I1").id;
  const auto account = user("ana.lopez0202");
  const auto other = user("ben.morel0202");
  write([&](StoreTransaction& tx) {
    Campaign c;
    c.code = "AAAAAA222";
    c.name = "all";
    const auto first = tx.insert_campaign(id, c, kNow)->id;
    c.code = "BBBBBB333";
    const auto second = tx.insert_campaign(id, c, kNow)->id;
    tx.insert_participation(first, ana, account, kNow);
    tx.insert_participation(second, ana, account, kNow + 5);
    auto p = *tx.participation(first, ana);
    EXPECT_EQ(p.started_at, kNow);
    EXPECT_FALSE(p.completed_at.has_value());
    EXPECT_FALSE(p.shared_at.has_value());
    EXPECT_FALSE(p.dissociated);
    p.status = "TO_SHARE";
    p.completed_at = kNow + 10;
    p.user_id = other;  // not written
    tx.save_participation(p);
    p = *tx.participation(first, ana);
    EXPECT_EQ(p.status, "TO_SHARE");
    EXPECT_EQ(p.completed_at, kNow + 10);
    EXPECT_EQ(p.user_id, account);
    p.status = "SHARED";
    p.shared_at = kNow + 20;
    tx.save_participation(p);
    const auto mine = tx.participations_of_user(account);
    ASSERT_EQ(mine.size(), 2u);
    EXPECT_EQ(mine[0].campaign_id, first);
    EXPECT_EQ(mine[0].status, "SHARED");
    EXPECT_EQ(mine[0].shared_at, kNow + 20);
    EXPECT_EQ(mine[1].started_at, kNow + 5);
    EXPECT_EQ(tx.count_participations_of_user(account), 2);
    EXPECT_EQ(tx.count_participations_of_user(other), 0);
    EXPECT_TRUE(tx.participations_of_user(other).empty());
  });
}

TEST_P(StoreContract, DissociatedParticipationsStayWithTheAccountAndFreeTheLearner) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02")});
  const auto ana = learner(id, "I1").id;
  const auto old_account = user("ana.lopez0202");
  const auto new_account = user("ana.lopez1234");
  write([&](StoreTransaction& tx) {
    Campaign c;
    c.code = "AAAAAA222";
    c.name = "all";
    const auto campaign = tx.insert_campaign(id, c, kNow)->id;
    tx.link_learner(ana, old_account);
    tx.insert_participation(campaign, ana, old_account, kNow);
    tx.unlink_learner(ana);
    EXPECT_EQ(tx.dissociate_participations(ana), 1);
    EXPECT_EQ(tx.dissociate_participations(ana), 0);
    EXPECT_FALSE(tx.participation(campaign, ana).has_value());
    EXPECT_TRUE(tx.link_learner(ana, new_account));
    EXPECT_TRUE(tx.insert_participation(campaign, ana, new_account, kNow + 1));
    EXPECT_FALSE(tx.insert_participation(campaign, ana, new_account, kNow + 2));
    EXPECT_EQ(tx.participation(campaign, ana)->user_id, new_account);
    const auto kept = tx.participations_of_user(old_account);
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_TRUE(kept[0].dissociated);
    EXPECT_EQ(kept[0].learner_id, ana);
    EXPECT_EQ(tx.participations_of_learner(ana).size(), 2u);
  });
}

TEST_P(StoreContract, CampaignParticipantsAreTheTargetWithTheirCurrentParticipation) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02", "5A"),
                                      entry("I2", "Ben", "Morel", "2013-02-02", "5A"),
                                      entry("I3", "Cid", "Roux", "2013-02-03", "5B"),
                                      entry("I4", "Dan", "Petit", "2013-02-02", "5A"),
                                      entry("I5", "Eva", "Abel", "2013-02-02", "5A")});
  const auto account = user("ana.lopez0202");
  Campaign division;
  Campaign whole;
  write([&](StoreTransaction& tx) {
    Campaign c;
    c.code = "AAAAAA222";
    c.name = "5A";
    c.division = "5A";
    division = *tx.insert_campaign(id, c, kNow);
    c.code = "BBBBBB333";
    c.division.clear();
    whole = *tx.insert_campaign(id, c, kNow);
    tx.link_learner(tx.learner_by_ine(id, "I1")->id, account);
    tx.insert_participation(division.id, tx.learner_by_ine(id, "I1")->id, account, kNow);
    // Disabled: listed only with a participation.
    tx.insert_participation(division.id, tx.learner_by_ine(id, "I4")->id, account, kNow);
    tx.set_learner_disabled(tx.learner_by_ine(id, "I4")->id, true, kNow);
    tx.set_learner_disabled(tx.learner_by_ine(id, "I5")->id, true, kNow);
  });
  read([&](StoreTransaction& tx) {
    std::vector<std::string> ines;
    const auto rows = tx.campaign_participants(division);
    for (const auto& row : rows) ines.push_back(row.learner.entry.ine);
    EXPECT_EQ(ines, (std::vector<std::string>{"I1", "I2", "I4"}));
    ASSERT_TRUE(rows[0].participation.has_value());
    EXPECT_EQ(rows[0].participation->status, "STARTED");
    EXPECT_EQ(rows[0].learner.username, "ana.lopez0202");
    EXPECT_FALSE(rows[1].participation.has_value());
    ines.clear();
    for (const auto& row : tx.campaign_participants(whole)) ines.push_back(row.learner.entry.ine);
    EXPECT_EQ(ines, (std::vector<std::string>{"I1", "I2", "I3"}));
  });
}

TEST_P(StoreContract, LearnerAccountsFilterByStateAndPageInNameOrder) {
  const auto id = school("0751234A", {entry("I1", "Ana", "Lopez", "2013-02-02", "5A"),
                                      entry("I2", "Ben", "Morel", "2013-02-02", "5A"),
                                      entry("I3", "Cid", "Roux", "2013-02-03", "5B"),
                                      entry("I4", "Dan", "Petit", "2013-02-02", "5A"),
                                      entry("I5", "Eva", "Abel", "2013-02-02", "5A"),
                                      entry("I6", "Ana", "Lopez", "2013-02-05", "5A"),
                                      entry("I0", "Ana", "Lopez", "2013-02-06", "5B")});
  const auto active = user("ana.lopez0202");
  const auto must_change = user("ben.morel0202");
  const auto blocked = user("cid.roux0302");
  const auto temporarily = user("dan.petit0202");
  write([&](StoreTransaction& tx) {
    tx.link_learner(tx.learner_by_ine(id, "I1")->id, active);
    tx.link_learner(tx.learner_by_ine(id, "I2")->id, must_change);
    tx.link_learner(tx.learner_by_ine(id, "I3")->id, blocked);
    tx.link_learner(tx.learner_by_ine(id, "I4")->id, temporarily);
    auto u = *tx.user(must_change);
    u.must_change_password = true;
    tx.save_user(u);
    // Blocks are kept per username (LoginFailures), not on the account row.
    u = *tx.user(blocked);
    u.must_change_password = true;
    tx.save_user(u);
    tx.save_login_failures(u.username, LoginFailures{10, 0, true});
    tx.save_login_failures(tx.user(temporarily)->username, LoginFailures{3, kNow + 60, false});
    tx.set_learner_disabled(tx.learner_by_ine(id, "I5")->id, true, kNow);
    Campaign c;
    c.code = "AAAAAA222";
    c.name = "all";
    const auto campaign = tx.insert_campaign(id, c, kNow)->id;
    tx.insert_participation(campaign, tx.learner_by_ine(id, "I1")->id, active, kNow);
  });
  const auto ines = [&](std::optional<LearnerState> state, std::int64_t now, int limit = 100,
                        int offset = 0, const std::string* division = nullptr) {
    std::vector<std::string> found;
    read([&](StoreTransaction& tx) {
      for (const auto& row :
           tx.learner_accounts(id, LearnerPageQuery{division, state, now, limit, offset})) {
        found.push_back(row.learner.entry.ine);
      }
    });
    return found;
  };
  using V = std::vector<std::string>;
  // Last name, first name, INE.
  EXPECT_EQ(ines(std::nullopt, kNow), (V{"I5", "I0", "I1", "I6", "I2", "I4", "I3"}));
  EXPECT_EQ(ines(std::nullopt, kNow, 3, 2), (V{"I1", "I6", "I2"}));
  EXPECT_EQ(ines(std::nullopt, kNow, 3, 7), V{});
  const std::string fifth_b = "5B";
  EXPECT_EQ(ines(std::nullopt, kNow, 100, 0, &fifth_b), (V{"I0", "I3"}));
  EXPECT_EQ(ines(LearnerState::NoAccount, kNow), (V{"I0", "I6"}));
  EXPECT_EQ(ines(LearnerState::Active, kNow), (V{"I1"}));
  EXPECT_EQ(ines(LearnerState::MustChangePassword, kNow), (V{"I2"}));
  EXPECT_EQ(ines(LearnerState::Blocked, kNow), (V{"I4", "I3"}));
  EXPECT_EQ(ines(LearnerState::Disabled, kNow), (V{"I5"}));
  // The temporary block is over at its end.
  EXPECT_EQ(ines(LearnerState::Blocked, kNow + 60), (V{"I3"}));
  EXPECT_EQ(ines(LearnerState::Active, kNow + 60), (V{"I1", "I4"}));
  read([&](StoreTransaction& tx) {
    const auto rows =
        tx.learner_accounts(id, LearnerPageQuery{nullptr, LearnerState::Active, kNow, 10, 0});
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_TRUE(rows[0].account.has_value());
    EXPECT_EQ(rows[0].account->username, "ana.lopez0202");
    EXPECT_EQ(rows[0].participations, 1);
    const auto none =
        tx.learner_accounts(id, LearnerPageQuery{nullptr, LearnerState::NoAccount, kNow, 10, 0});
    EXPECT_FALSE(none[0].account.has_value());
    EXPECT_EQ(none[0].participations, 0);
  });
}

// --- Tokens, throttling, audit --------------------------------------------------------------

TEST_P(StoreContract, SessionTokensShowTheirExpiryAndAreDeletedOneByOne) {
  const auto id = user("lea.martin0101");
  write([&](StoreTransaction& tx) {
    tx.insert_token("d1", id, "session", kNow + 10);
    tx.insert_token("d2", id, "session", kNow + 20);
  });
  write([&](StoreTransaction& tx) {
    const auto token = tx.token("d1", "session", kNow);
    ASSERT_TRUE(token.has_value());
    EXPECT_EQ(token->user_id, id);
    EXPECT_EQ(token->expires_at, kNow + 10);
    EXPECT_FALSE(tx.token("d1", "session", kNow + 10).has_value());
    EXPECT_FALSE(tx.token("d1", "password_change", kNow).has_value());
    EXPECT_TRUE(tx.delete_token("d1"));
    EXPECT_FALSE(tx.delete_token("d1"));
    EXPECT_FALSE(tx.token("d1", "session", kNow).has_value());
    EXPECT_EQ(tx.token("d2", "session", kNow)->expires_at, kNow + 20);
  });
}

TEST_P(StoreContract, TokensHaveAPurposeAnExpiryAndAreConsumedOnce) {
  const auto id = user("lea.martin0101");
  write([&](StoreTransaction& tx) {
    tx.insert_token("d1", id, "session", kNow + 10);
    tx.insert_token("d2", id, "password_change", kNow + 10);
    tx.insert_token("d3", id, "password_change", kNow + 10);
  });
  write([&](StoreTransaction& tx) {
    const auto token_user = [&](std::string_view digest, std::string_view purpose,
                                std::int64_t now) -> std::optional<Id> {
      const auto token = tx.token(digest, purpose, now);
      return token ? std::optional(token->user_id) : std::nullopt;
    };
    EXPECT_EQ(token_user("d1", "session", kNow), id);
    EXPECT_FALSE(token_user("d1", "session", kNow + 10).has_value());  // expired
    EXPECT_FALSE(token_user("d1", "password_change", kNow).has_value());
    EXPECT_FALSE(token_user("zz", "session", kNow).has_value());
    EXPECT_EQ(tx.consume_token("d2", "password_change", kNow), id);
    EXPECT_FALSE(tx.consume_token("d2", "password_change", kNow).has_value());
    EXPECT_FALSE(token_user("d2", "password_change", kNow).has_value());
    tx.revoke_tokens(id, "session");
    EXPECT_FALSE(token_user("d1", "session", kNow).has_value());
    EXPECT_EQ(token_user("d3", "password_change", kNow), id);
    tx.revoke_tokens(id, {});
    EXPECT_FALSE(token_user("d3", "password_change", kNow).has_value());
  });
}

TEST_P(StoreContract, EventsAreCountedInAWindowAndForgotten) {
  write([&](StoreTransaction& tx) {
    tx.record_event("k", "failure", 100, 0);
    tx.record_event("k", "failure", 200, 0);
    tx.record_event("k", "other", 200, 0);
    tx.record_event("j", "failure", 300, 0);
  });
  write([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.count_events("k", "failure", 0), 2);
    EXPECT_EQ(tx.count_events("k", "failure", 150), 1);
    EXPECT_EQ(tx.oldest_event("k", "failure", 0), 100);
    EXPECT_EQ(tx.oldest_event("k", "failure", 150), 200);
    EXPECT_FALSE(tx.oldest_event("k", "failure", 250).has_value());
    tx.record_event("k", "failure", 400, 150);  // forgets the event at 100
    EXPECT_EQ(tx.count_events("k", "failure", 0), 2);
    EXPECT_EQ(tx.oldest_event("k", "failure", 0), 200);
    EXPECT_EQ(tx.count_events("k", "other", 0), 1);
    EXPECT_EQ(tx.count_events("j", "failure", 0), 1);
  });
}

TEST_P(StoreContract, AuditRowsAreKeptAndRetargetedIgnoringCase) {
  write([&](StoreTransaction& tx) {
    tx.audit(audit_row("admin", "reset_password", "lea.martin0101", "0751234A learner #1"), kNow);
    tx.audit(audit_row("admin", "unblock", "LEA.Martin0101", ""), kNow + 1);
    tx.audit(audit_row("admin", "unblock", "ana.lopez0202", ""), kNow + 2);
  });
  write([&](StoreTransaction& tx) { tx.retarget_audit("lea.martin0101", "anonyme-1"); });
  EXPECT_EQ(
      database_->rows("SELECT at, actor, action, target, detail FROM audit_log ORDER BY id"),
      (Rows{{std::to_string(kNow), "admin", "reset_password", "anonyme-1", "0751234A learner #1"},
            {std::to_string(kNow + 1), "admin", "unblock", "anonyme-1", ""},
            {std::to_string(kNow + 2), "admin", "unblock", "ana.lopez0202", ""}}));
}

// --- Transactions ---------------------------------------------------------------------------

TEST_P(StoreContract, ATransactionThatThrowsLeavesNothing) {
  const auto id = school("0751234A");
  struct Abort {};
  EXPECT_THROW(write([&](StoreTransaction& tx) {
                 insert(tx, id, pupils("A", 100));
                 tx.insert_user("lea.martin0101", "h", false, kNow);
                 tx.add_taken_suffix("lea.martin", 101);
                 tx.insert_organization("0331234B", "B", kNow);
                 tx.audit(audit_row("a", "b", "c", "d"), kNow);
                 // What the transaction wrote, it sees.
                 EXPECT_TRUE(tx.learner_by_ine(id, "A000001").has_value());
                 EXPECT_TRUE(tx.is_taken("lea.martin0101"));
                 throw Abort{};
               }),
               Abort);
  for (const auto* table : {"learners", "users", "username_stems", "audit_log"}) {
    EXPECT_EQ(database_->rows(std::string("SELECT count(*) FROM ") + table)[0][0], "0") << table;
  }
  EXPECT_EQ(database_->rows("SELECT count(*) FROM organizations")[0][0], "1");
  // The store is usable afterwards.
  user("lea.martin0101");
}

TEST_P(StoreContract, AReadTransactionSeesWhatOthersCommitted) {
  auto other = database_->open();
  other->transact(TransactionKind::Write,
                  [&](StoreTransaction& tx) { tx.insert_organization("0751234A", "A", kNow); });
  read([&](StoreTransaction& tx) { EXPECT_TRUE(tx.organization("0751234A").has_value()); });
}

// --- Races: two Stores of one database, two threads, one winner -----------------------------

TEST_P(StoreContract, TwoTransactionsInsertingOneUsernameGetOneAccount) {
  for (int round = 0; round < 10; ++round) {
    const auto username = "lea.martin" + std::to_string(1000 + round);
    const auto results = race<std::optional<User>>(*database_, [&](Store& store, std::size_t) {
      std::optional<User> inserted;
      store.transact(TransactionKind::Durable, [&](StoreTransaction& tx) {
        inserted = tx.insert_user(username, "h", false, kNow);
      });
      return inserted;
    });
    EXPECT_EQ(results[0].has_value() + results[1].has_value(), 1) << username;
  }
  EXPECT_EQ(database_->rows("SELECT count(*) FROM users")[0][0], "10");
}

TEST_P(StoreContract, TwoTransactionsLinkingOneLearnerLinkItOnce) {
  const auto id = school("0751234A", pupils("A", 10));
  const std::array<Id, 2> accounts{user("ana.lopez0202"), user("ana.lopez0303")};
  for (int i = 0; i < 10; ++i) {
    const auto target = learner(id, pupils("A", 10)[static_cast<std::size_t>(i)].ine).id;
    const auto results = race<bool>(*database_, [&](Store& store, std::size_t which) {
      bool linked = false;
      store.transact(TransactionKind::Write, [&](StoreTransaction& tx) {
        linked = tx.link_learner(target, accounts[which]);
      });
      return linked;
    });
    EXPECT_EQ(results[0] + results[1], 1);
    EXPECT_EQ(database_->rows("SELECT user_id FROM learners WHERE id = " + std::to_string(target)),
              (Rows{{std::to_string(accounts[results[0] ? 0 : 1])}}));
  }
}

TEST_P(StoreContract, TwoTransactionsInsertingOneParticipationInsertItOnce) {
  const auto id = school("0751234A", pupils("A", 10));
  const auto account = user("ana.lopez0202");
  Id campaign = 0;
  write([&](StoreTransaction& tx) {
    Campaign c;
    c.code = "AAAAAA222";
    c.name = "all";
    campaign = tx.insert_campaign(id, c, kNow)->id;
  });
  for (const auto& pupil : pupils("A", 10)) {
    const auto target = learner(id, pupil.ine).id;
    const auto results = race<bool>(*database_, [&](Store& store, std::size_t) {
      bool inserted = false;
      store.transact(TransactionKind::Write, [&](StoreTransaction& tx) {
        inserted = tx.insert_participation(campaign, target, account, kNow);
      });
      return inserted;
    });
    EXPECT_EQ(results[0] + results[1], 1);
  }
  EXPECT_EQ(database_->rows("SELECT count(*) FROM participations")[0][0], "10");
}

TEST_P(StoreContract, TwoTransactionsConsumingOneTokenConsumeItOnce) {
  const auto id = user("lea.martin0101");
  write([&](StoreTransaction& tx) {
    for (int i = 0; i < 10; ++i) tx.insert_token("d" + std::to_string(i), id, "p", kNow + 10);
  });
  for (int i = 0; i < 10; ++i) {
    const auto results = race<std::optional<Id>>(*database_, [&](Store& store, std::size_t) {
      std::optional<Id> consumed;
      store.transact(TransactionKind::Durable, [&](StoreTransaction& tx) {
        consumed = tx.consume_token("d" + std::to_string(i), "p", kNow);
      });
      return consumed;
    });
    EXPECT_EQ(results[0].has_value() + results[1].has_value(), 1);
  }
}

TEST_P(StoreContract, TwoTransactionsAddingSuffixesToOneStemKeepBoth) {
  for (int round = 0; round < 10; ++round) {
    race<int>(*database_, [&](Store& store, std::size_t which) {
      store.transact(TransactionKind::Durable, [&](StoreTransaction& tx) {
        tx.add_taken_suffix("lea.martin", round * 2 + static_cast<int>(which));
      });
      return 0;
    });
  }
  read([&](StoreTransaction& tx) { EXPECT_EQ(tx.taken_suffixes("lea.martin").count(), 20); });
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContract, ::testing::ValuesIn(store_engines()), engine_name);

}  // namespace
}  // namespace inscrire::testing
