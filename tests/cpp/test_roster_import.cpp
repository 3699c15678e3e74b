// Planning an import (roster_import.hpp), without any storage: docs/rules.md §R's re-import steps
// on rows and entries built here.
#include <gtest/gtest.h>

#include "inscrire/roster_import.hpp"

namespace inscrire {
namespace {

constexpr std::int64_t kSchool = 1;
constexpr std::int64_t kOther = 2;
constexpr std::int64_t kThird = 3;

RosterEntry entry(std::string ine, std::string first, std::string birthdate = "2014-02-02") {
  RosterEntry e;
  e.ine = std::move(ine);
  e.first_name = std::move(first);
  e.last_name = "Lopez";
  e.birthdate = BirthDate::from_trusted_iso(birthdate);
  e.division = "5A";
  return e;
}

SchoolRow row(std::int64_t id, const RosterEntry& stored, bool disabled = false,
              bool linked = false) {
  return {id, stored.ine, disabled, linked, imported_fields(stored)};
}

LinkedLearner linked(std::int64_t id, std::int64_t school, std::string ine, std::int64_t user,
                     std::string birthdate = "2014-02-02") {
  return {id, school, std::move(ine), BirthDate::from_trusted_iso(birthdate), user};
}

TEST(ImportedFields, EveryImportedFieldButTheIneCounts) {
  const auto base = entry("I1", "Ana");
  EXPECT_EQ(imported_fields(base), imported_fields(entry("I2", "Ana")));
  auto changed = base;
  changed.usage_name = "Garcia";
  EXPECT_NE(imported_fields(changed), imported_fields(base));
  changed = base;
  changed.sex = Sex::Female;
  EXPECT_NE(imported_fields(changed), imported_fields(base));
  changed = base;
  changed.mef_code = "1001";
  EXPECT_NE(imported_fields(changed), imported_fields(base));
  // Fields are delimited: moving a letter from one field to the next is a change.
  auto a = base;
  a.first_name = "Ana";
  a.second_name = "B";
  auto b = base;
  b.first_name = "AnaB";
  EXPECT_NE(imported_fields(a), imported_fields(b));
}

TEST(PlanImport, NewRowsChangedRowsAndAbsentRows) {
  const std::vector<RosterEntry> file = {entry("NEW", "Zoé"), entry("SAME", "Ana"),
                                         entry("CHANGED", "Benoît"), entry("BACK", "Cid"),
                                         entry("BACKCHANGED", "Dan")};
  const std::vector<SchoolRow> school = {
      row(10, entry("SAME", "Ana")),       row(11, entry("CHANGED", "Benoit")),
      row(12, entry("BACK", "Cid"), true), row(13, entry("BACKCHANGED", "Dany"), true),
      row(14, entry("GONE", "Eve")),       row(15, entry("GONEBEFORE", "Fay"), true)};
  const auto plan = plan_import(kSchool, school, file, {});
  EXPECT_EQ(plan.inserts, (std::vector<std::size_t>{0}));
  ASSERT_EQ(plan.updates.size(), 2u);
  EXPECT_EQ(plan.updates[0].learner_id, 11);
  EXPECT_EQ(plan.updates[0].entry, 2u);
  EXPECT_EQ(plan.updates[1].learner_id, 13);
  EXPECT_EQ(plan.updates[1].entry, 4u);
  EXPECT_EQ(plan.updated, 1);  // row 13 counts as re-enabled only
  EXPECT_EQ(plan.reenables, (std::vector<std::int64_t>{12, 13}));
  EXPECT_EQ(plan.disables, (std::vector<std::int64_t>{14}));
  EXPECT_TRUE(plan.links.empty());
}

TEST(PlanImport, AnAccountFollowsItsIneToANewOrUnlinkedRowWithTheSameBirthDate) {
  const std::vector<RosterEntry> file = {entry("NEW", "Ana"), entry("UNLINKED", "Ben"),
                                         entry("LINKED", "Cid")};
  const std::vector<SchoolRow> school = {row(10, file[1]), row(11, file[2], false, true)};
  const std::vector<LinkedLearner> accounts = {linked(20, kOther, "NEW", 100),
                                               linked(21, kOther, "UNLINKED", 101),
                                               linked(22, kOther, "LINKED", 102)};
  const auto plan = plan_import(kSchool, school, file, accounts);
  ASSERT_EQ(plan.links.size(), 2u);
  EXPECT_EQ(plan.links[0].learner_id, 0);  // the row inserted for entry 0
  EXPECT_EQ(plan.links[0].entry, 0u);
  EXPECT_EQ(plan.links[0].user_id, 100);
  EXPECT_EQ(plan.links[1].learner_id, 10);
  EXPECT_EQ(plan.links[1].user_id, 101);
}

TEST(PlanImport, NoAutomaticLinkWhenAPersonMustDecide) {
  const std::vector<RosterEntry> file = {entry("BORN", "Ana"), entry("TWO", "Ben"),
                                         entry("HERE", "Cid"), entry("OTHERINE", "Dan"),
                                         entry("SAMEACCOUNT", "Eve")};
  const std::vector<LinkedLearner> accounts = {
      // Another birth date elsewhere.
      linked(20, kOther, "BORN", 100, "2014-02-03"),
      // Two accounts for one INE.
      linked(21, kOther, "TWO", 101), linked(22, kThird, "TWO", 102),
      // The account is already linked to a learner of this school.
      linked(23, kOther, "HERE", 103), linked(24, kSchool, "SOMEONE", 103),
      // The account is linked to a learner with another INE.
      linked(25, kOther, "OTHERINE", 104), linked(26, kThird, "ELSE", 104),
      // One account for one INE in two other schools: linked.
      linked(27, kOther, "SAMEACCOUNT", 105), linked(28, kThird, "SAMEACCOUNT", 105)};
  const auto plan = plan_import(kSchool, {}, file, accounts);
  ASSERT_EQ(plan.links.size(), 1u);
  EXPECT_EQ(plan.links[0].entry, 4u);
  EXPECT_EQ(plan.links[0].user_id, 105);
  EXPECT_EQ(plan.inserts.size(), 5u);
}

TEST(PlanImport, AnEmptyFileDisablesTheSchool) {
  const std::vector<SchoolRow> school = {row(10, entry("A", "Ana")), row(11, entry("B", "Ben"))};
  const auto plan = plan_import(kSchool, school, {}, {});
  EXPECT_EQ(plan.disables, (std::vector<std::int64_t>{10, 11}));
  EXPECT_TRUE(plan.inserts.empty() && plan.updates.empty() && plan.reenables.empty());
}

}  // namespace
}  // namespace inscrire
