// Matching a pupil to the roster (docs/rules.md §3): the Pix facts, the decisions of
// docs/matching.md, the later stages of docs/rules.md §3 and the name forms they compare, the ratio
// boundaries, the edit distances against a reference, the hint mask.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "domain/name_parts.hpp"
#include "inscrire/reconciliation.hpp"
#include "inscrire/text.hpp"

namespace inscrire {
namespace {

// A roster learner written as a school would (accents, spaces, hyphens): the raw names, which
// the later stages read, and their keys, normalised the way the service does before matching.
struct RosterLearner {
  MatchCandidate keys;
  RosterNames names;
};
using Roster = std::vector<RosterLearner>;

RosterLearner learner(std::int64_t id, std::string_view first, std::string_view last,
                      std::string_view usage = "", std::string_view second = "",
                      std::string_view third = "") {
  return {{id, comparison_key(first), comparison_key(second), comparison_key(third),
           comparison_key(last), comparison_key(usage)},
          {std::string(first), std::string(second), std::string(third), std::string(last),
           std::string(usage)}};
}

// What the pupil typed, normalised the same way, matched as the service does: the roster names
// come from a source that checks it is asked at most once per candidate.
MatchResult match(std::string_view first, std::string_view last, const Roster& roster,
                  MatchRules rules = MatchRules::Extended) {
  std::vector<MatchCandidate> candidates;
  for (const RosterLearner& row : roster) candidates.push_back(row.keys);
  std::map<std::int64_t, int> reads;
  const RosterNamesOf names = [&](std::int64_t id) {
    EXPECT_EQ(++reads[id], 1) << "names of learner " << id << " read twice";
    const auto row = std::find_if(roster.begin(), roster.end(),
                                  [&](const RosterLearner& r) { return r.keys.learner_id == id; });
    return row->names;
  };
  return match_learner(comparison_key(first), comparison_key(last), candidates, rules, names);
}

void expect_matched(const MatchResult& result, std::int64_t id) {
  EXPECT_EQ(result.outcome, MatchOutcome::Matched);
  EXPECT_EQ(result.learner_id, id);
}

void expect_matched(const MatchResult& result, std::int64_t id, MatchStage stage) {
  expect_matched(result, id);
  EXPECT_EQ(match_stage_name(result.stage), match_stage_name(stage));
}

void expect_outcome(const MatchResult& result, MatchOutcome outcome) {
  EXPECT_EQ(result.outcome, outcome);
  EXPECT_EQ(result.learner_id, 0);
}

// ---- The Pix facts --------------------------------------------------------------------------

TEST(MatchPix, AccentIsIgnored) {
  expect_matched(match("Joé", "Poe", {learner(7, "Joe", "Poe")}), 7);
}

TEST(MatchPix, WhiteSpaceIsIgnored) {
  expect_matched(match("Jo e", "Poe", {learner(7, "Joe", "Poe")}), 7);
}

TEST(MatchPix, SpecialCharacterIsIgnored) {
  expect_matched(match("Jo~e", "Poe", {learner(7, "Joe", "Poe")}), 7);
}

TEST(MatchPix, OneErrorInFourLettersMatches) {
  expect_matched(match("Joey", "Poe", {learner(7, "Joe", "Poe")}), 7);  // 1/4
}

TEST(MatchPix, ThreeErrorsInTenLettersDoNotMatch) {
  expect_outcome(match("Frédérique", "Poe", {learner(7, "Frédéric", "Poe")}),
                 MatchOutcome::NoNameMatch);  // 3/10
}

TEST(MatchPix, CompletelyDifferentNameDoesNotMatch) {
  expect_outcome(match("Sam", "Poe", {learner(7, "Joe", "Poe")}), MatchOutcome::NoNameMatch);
}

TEST(MatchPix, TwinsAreToldApartByTheStrictPass) {
  const Roster twins = {learner(1, "Allan", "Martin"), learner(2, "Alian", "Martin")};
  expect_matched(match("Allan", "Martin", twins), 1);
  expect_matched(match("Alian", "Martin", twins), 2);
  // "Alan" is one edit from both (1/4 each): the tolerant pass cannot choose.
  expect_outcome(match("Alan", "Martin", twins), MatchOutcome::Ambiguous);
}

TEST(MatchPix, FirstNameBeatsSecondName) {
  const RosterLearner by_first = learner(1, "Joe", "Poe");
  const RosterLearner by_second = learner(2, "Sam", "Poe", "", "Joe");
  expect_matched(match("Joe", "Poe", {by_second, by_first}), 1);
  expect_matched(match("Joe", "Poe", {by_first, by_second}), 1);
}

TEST(MatchPix, SecondNameBeatsThirdName) {
  const RosterLearner by_third = learner(1, "Sam", "Poe", "", "Max", "Joe");
  const RosterLearner by_second = learner(2, "Tom", "Poe", "", "Joe");
  expect_matched(match("Joe", "Poe", {by_third, by_second}), 2);
}

TEST(MatchPix, LastNameAndUsageNameWithTheSameFirstNameAreAmbiguous) {
  const RosterLearner by_last = learner(1, "Joe", "Poe");
  const RosterLearner by_usage = learner(2, "Joe", "Martin", "Poe");
  expect_outcome(match("Joe", "Poe", {by_last, by_usage}), MatchOutcome::Ambiguous);
}

// ---- Outcomes -------------------------------------------------------------------------------

TEST(Match, NoCandidateMeansNoLearnerForTheBirthDate) {
  expect_outcome(match("Joe", "Poe", {}), MatchOutcome::NoLearnerForBirthdate);
}

TEST(Match, ExactHomonymsAreAmbiguous) {
  expect_outcome(
      match("Lucas", "Martin", {learner(1, "Lucas", "Martin"), learner(2, "Lucas", "Martin")}),
      MatchOutcome::Ambiguous);
}

TEST(Match, SameLearnerListedTwiceIsOneLearner) {
  expect_matched(match("Joe", "Poe", {learner(7, "Joe", "Poe"), learner(7, "Joe", "Poe")}), 7);
}

TEST(Match, LearnerFittingSeveralFieldsIsOneLearner) {
  expect_matched(match("Marie", "Curie", {learner(3, "Marie", "Curie", "", "Marie", "Marie")}), 3);
}

TEST(Match, ThirdGivenName) {
  expect_matched(match("Eve", "Poe", {learner(4, "Anne", "Poe", "", "Lise", "Ève")}), 4);
}

TEST(Match, ThirdGivenNameWithATypo) {
  expect_matched(match("Bernadette", "Poe", {learner(4, "Anne", "Poe", "", "Lise", "Bernadete")}),
                 4);
}

TEST(Match, SecondGivenNameOnly) {
  expect_matched(match("Lise", "Poe", {learner(4, "Anne", "Poe", "", "Lise")}), 4);
}

// ---- Decisions of docs/matching.md ----------------------------------------------------------

TEST(MatchDecision, AFieldFittingSeveralLearnersIsSkipped) {
  // docs/rules.md §3 (and Pix): a field's set is kept only if it holds exactly one learner; the
  // first such field wins. Field 1 fits learners 1 and 2, field 2 fits learner 3 alone.
  const Roster roster = {learner(1, "Marie", "Dupont"), learner(2, "Marie", "Dupont"),
                         learner(3, "Anne", "Dupont", "", "Marie")};
  expect_matched(match("Marie", "Dupont", roster), 3);
}

TEST(MatchDecision, TheTolerantPassRunsWhenStrictFoundNoSingleLearner) {
  // Strict: field 2 fits learners 1 and 2 (skipped), nothing else. Tolerant: field 1 fits
  // learner 3 alone (one typo in six letters).
  const Roster roster = {learner(1, "Paul", "Durand", "", "Mathis"),
                         learner(2, "Hugo", "Durand", "", "Mathis"),
                         learner(3, "Mattis", "Durand")};
  expect_matched(match("Mathis", "Durand", roster), 3);
}

TEST(MatchDecision, SeveralLearnersAndNoSingleOneIsAmbiguous) {
  const Roster roster = {learner(1, "Marie", "Dupont"), learner(2, "Marie", "Dupont")};
  expect_outcome(match("Marie", "Dupont", roster), MatchOutcome::Ambiguous);
  expect_outcome(match("Marie", "Durand", roster), MatchOutcome::NoNameMatch);
}

TEST(MatchDecision, StrictMatchBeatsAToleratedOne) {
  const Roster roster = {learner(1, "Allan", "Martin"), learner(2, "Alan", "Martin")};
  expect_matched(match("Alan", "Martin", roster), 2);
}

TEST(MatchDecision, ToleratedFirstFieldBeatsToleratedSecondField) {
  // "mattis" is one edit from both "mathis" and "matis"; nobody has it exactly.
  const Roster roster = {learner(2, "Noah", "Petit", "", "Matis"), learner(1, "Mathis", "Petit")};
  expect_matched(match("Mattis", "Petit", roster), 1);
}

TEST(MatchDecision, FirstAndLastNamesAreSwappedOnlyByTheLaterStages) {
  // Pix never exchanges the fields; docs/rules.md §3 stage 3 does, once the passes found nobody.
  expect_outcome(match("Poe", "Joe", {learner(7, "Joe", "Poe")}, MatchRules::Pix),
                 MatchOutcome::NoNameMatch);
  expect_matched(match("Poe", "Joe", {learner(7, "Joe", "Poe")}), 7, MatchStage::Swapped);
}

// ---- Last names: family name, usage name ----------------------------------------------------

TEST(MatchLastName, UsageNameAlone) {
  expect_matched(match("Léa", "Moreau", {learner(5, "Léa", "Lefebvre", "Moreau")}), 5);
}

TEST(MatchLastName, FamilyNameWhenAUsageNameExists) {
  expect_matched(match("Léa", "Lefebvre", {learner(5, "Léa", "Lefebvre", "Moreau")}), 5);
}

TEST(MatchLastName, UsageNameWhenTheFamilyNameIsEmpty) {
  expect_matched(match("Léa", "Moreau", {learner(5, "Léa", "", "Moreau")}), 5);
}

TEST(MatchLastName, TheCloserOfTheTwoLastNamesCounts) {
  // 2 errors against "Lefebvre" (2/8), far from "Moreau".
  expect_matched(match("Léa", "Lefevbre", {learner(5, "Léa", "Lefebvre", "Moreau")}), 5);
  // 1 error against "Moreau" (1/7), far from "Lefebvre".
  expect_matched(match("Léa", "Moreaux", {learner(5, "Léa", "Lefebvre", "Moreau")}), 5);
}

TEST(MatchLastName, TooFarFromBothLastNames) {
  expect_outcome(match("Léa", "Mor", {learner(5, "Léa", "Lefebvre", "Moreau")}),
                 MatchOutcome::NoNameMatch);
}

// ---- Normalisation: accents, compounds, particles, scripts -----------------------------------

TEST(MatchText, CaseAndAccents) {
  expect_matched(match("ÉLOÏSE", "LE GALL", {learner(6, "Éloïse", "Le Gall")}), 6);
}

TEST(MatchText, CompoundGivenNameWithOrWithoutHyphen) {
  expect_matched(match("Jean Marc", "Dupont", {learner(6, "Jean-Marc", "Dupont")}), 6);
  expect_matched(match("jeanmarc", "dupont", {learner(6, "Jean-Marc", "Dupont")}), 6);
}

TEST(MatchText, HalfOfACompoundGivenNameIsTooFarForThePasses) {
  expect_outcome(match("Jean", "Dupont", {learner(6, "Jean-Marc", "Dupont")}, MatchRules::Pix),
                 MatchOutcome::NoNameMatch);  // 4 edits for 4 letters
  // Stage 1 compares the typed first name with each word of a compound given name.
  expect_matched(match("Jean", "Dupont", {learner(6, "Jean-Marc", "Dupont")}), 6,
                 MatchStage::GivenNames);
}

TEST(MatchText, ParticlesAreKept) {
  const Roster roster = {learner(6, "Chloé", "De La Fontaine")};
  expect_matched(match("Chloe", "delafontaine", roster), 6);
  expect_matched(match("Chloe", "De la Fontain", roster), 6);  // 1 error in 11
  expect_outcome(match("Chloe", "Fontaine", roster, MatchRules::Pix),
                 MatchOutcome::NoNameMatch);  // 4/8
  // Stage 2 compares the typed last name with the name without its particles.
  expect_matched(match("Chloe", "Fontaine", roster), 6, MatchStage::FamilyNames);
}

TEST(MatchText, Apostrophe) {
  expect_matched(match("Louis", "Dartagnan", {learner(6, "Louis", "D'Artagnan")}), 6);
}

TEST(MatchText, LigaturesAndSharpS) {
  expect_matched(match("Oedipe", "Strasse", {learner(6, "Œdipe", "Straße")}), 6);
}

TEST(MatchText, OtherScriptsAreTransliterated) {
  expect_matched(match("Anna", "Ivanova", {learner(6, "Анна", "Иванова")}), 6);
}

// ---- Empty values ---------------------------------------------------------------------------

TEST(MatchEmpty, EmptyTypedFirstNameMatchesNobody) {
  // The roster's second and third given names are empty: absences never match each other.
  expect_outcome(match("---", "Poe", {learner(7, "Joe", "Poe")}), MatchOutcome::NoNameMatch);
}

TEST(MatchEmpty, EmptyTypedLastNameMatchesNobody) {
  // No usage name on the roster: the empty typed key must not "match" the empty usage name.
  expect_outcome(match("Joe", "''", {learner(7, "Joe", "Poe")}), MatchOutcome::NoNameMatch);
}

TEST(MatchEmpty, EmptyRosterValuesAreSkipped) {
  expect_outcome(match("Joe", "Poe", {learner(7, "", "", "", "", "")}), MatchOutcome::NoNameMatch);
}

TEST(MatchEmpty, ShortTypedKeyIsNotCloseToAnEmptyRosterValue) {
  // "a" vs "": one edit on one letter; skipped anyway.
  expect_outcome(match_learner("a", "poe", std::vector<MatchCandidate>{{7, "", "", "", "poe", ""}}),
                 MatchOutcome::NoNameMatch);
}

// ---- Later stages (docs/rules.md §3): which stage, and the rules for each -----------------

TEST(MatchStages, NamesOfTheStages) {
  EXPECT_EQ(match_stage_name(MatchStage::Exact), "exact");
  EXPECT_EQ(match_stage_name(MatchStage::Tolerant), "tolerant");
  EXPECT_EQ(match_stage_name(MatchStage::GivenNames), "given_names");
  EXPECT_EQ(match_stage_name(MatchStage::FamilyNames), "family_names");
  EXPECT_EQ(match_stage_name(MatchStage::Swapped), "swapped");
  EXPECT_EQ(match_stage_name(MatchStage::Transposition), "transposition");
}

TEST(MatchStages, ThePassesReportTheirStage) {
  expect_matched(match("Joe", "Poe", {learner(7, "Joe", "Poe")}), 7, MatchStage::Exact);
  expect_matched(match("Joey", "Poe", {learner(7, "Joe", "Poe")}), 7, MatchStage::Tolerant);
  expect_matched(match("Joey", "Poe", {learner(7, "Joe", "Poe")}, MatchRules::Pix), 7,
                 MatchStage::Tolerant);
}

TEST(MatchStages, PixRulesRestoreTheTwoPassesAlone) {
  const struct {
    const char *first, *last;
    RosterLearner roster;
    MatchStage stage;
  } cases[] = {
      {"Lou", "Dupont", learner(1, "Marie-Lou", "Dupont"), MatchStage::GivenNames},
      {"Léa Marie", "Petit", learner(1, "Léa", "Petit", "", "Marie"), MatchStage::GivenNames},
      {"Léa", "Dupont", learner(1, "Léa", "MARTIN DUPONT"), MatchStage::FamilyNames},
      {"Léa", "Roux", learner(1, "Léa", "LE ROUX"), MatchStage::FamilyNames},
      {"Poe", "Joe", learner(1, "Joe", "Poe"), MatchStage::Swapped},
      {"Mtahis", "Petit", learner(1, "Mathis", "Petit"), MatchStage::Transposition},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.first) + " " + c.last);
    expect_outcome(match(c.first, c.last, {c.roster}, MatchRules::Pix), MatchOutcome::NoNameMatch);
    expect_matched(match(c.first, c.last, {c.roster}), 1, c.stage);
  }
}

TEST(MatchStages, RunOnlyWhenThePassesFoundNobody) {
  // Two exact homonyms: the passes saw several learners; stage 1 would single out Marie-Lou by
  // her first word, but ambiguity is never resolved by a later stage.
  const Roster roster = {learner(1, "Marie", "Dupont"), learner(2, "Marie", "Dupont"),
                         learner(3, "Lou-Marie", "Dupont")};
  expect_outcome(match("Marie", "Dupont", roster), MatchOutcome::Ambiguous);
}

TEST(MatchStages, AmbiguityInAStageEndsTheSearch) {
  // Stage 1 fits both twins by their first word; stage 3 (swapped) would single out learner 3.
  const Roster roster = {learner(1, "Marie-Lou", "Dupont"), learner(2, "Marie-Anne", "Dupont"),
                         learner(3, "Dupont", "Marie")};
  expect_outcome(match("Marie", "Dupont", roster), MatchOutcome::Ambiguous);
}

TEST(MatchStages, TheFirstStageThatSinglesOutALearnerWins) {
  // Stage 1 gives Marie-Lou; stage 3 (swapped) would give learner 2.
  const Roster roster = {learner(1, "Marie-Lou", "Dupont"), learner(2, "Dupont", "Lou")};
  expect_matched(match("Lou", "Dupont", roster), 1, MatchStage::GivenNames);
}

TEST(MatchStages, AClassmatesIdentityTypedWithOnesOwnBirthDate) {
  // Only the learners born on the typed day are candidates: a classmate's names typed with
  // Hugo's birth date meet Hugo alone, who shares a part of his double name with them.
  const Roster born_that_day = {learner(2, "Hugo", "MARTIN DUPONT")};
  expect_outcome(match("Lucas", "Martin", born_that_day), MatchOutcome::NoNameMatch);
  expect_outcome(match("Martin", "Lucas", born_that_day), MatchOutcome::NoNameMatch);
}

TEST(MatchStages, OneRelaxationAtATime) {
  // A word of the given name and a part of the family name together: two relaxations, refused.
  expect_outcome(match("Lou", "Dupont", {learner(1, "Marie-Lou", "MARTIN DUPONT")}),
                 MatchOutcome::NoNameMatch);
  // Swapped and transposed together: refused too.
  expect_outcome(match("Petit", "Mtahis", {learner(1, "Mathis", "Petit")}),
                 MatchOutcome::NoNameMatch);
}

TEST(MatchStages, RosterNamesAreReadOnlyWhenNeededAndOncePerCandidate) {
  const Roster roster = {learner(1, "Marie-Lou", "Dupont"), learner(2, "Léa", "MARTIN DUPONT"),
                         learner(3, "Hugo", "Bernard")};
  std::vector<MatchCandidate> candidates;
  for (const RosterLearner& row : roster) candidates.push_back(row.keys);
  std::vector<std::int64_t> reads;
  const RosterNamesOf names = [&](std::int64_t id) {
    reads.push_back(id);
    return roster[static_cast<std::size_t>(id - 1)].names;
  };
  const auto run = [&](std::string_view first, std::string_view last) {
    reads.clear();
    return match_learner(comparison_key(first), comparison_key(last), candidates,
                         MatchRules::Extended, names);
  };
  expect_matched(run("Hugo", "Bernard"), 3, MatchStage::Exact);
  EXPECT_TRUE(reads.empty());  // the fast path reads keys only
  expect_outcome(run("Nina", "Moreau"), MatchOutcome::NoNameMatch);
  EXPECT_TRUE(reads.empty());  // neither name fits anybody: nothing to split
  expect_matched(run("Lou", "Dupont"), 1, MatchStage::GivenNames);
  EXPECT_EQ(reads, (std::vector<std::int64_t>{1}));  // the one whose last name fits
  expect_matched(run("Léa", "Dupont"), 2, MatchStage::FamilyNames);
  EXPECT_EQ(reads, (std::vector<std::int64_t>{1, 2}));  // 1's last name, then 2's first name
}

TEST(MatchStages, WithoutRosterNamesTheFormsOfKeysStillRun) {
  const std::vector<MatchCandidate> candidates = {
      learner(1, "Léa", "Lefebvre", "Moreau", "Marie").keys,
      learner(2, "Marie-Lou", "MARTIN DUPONT").keys};
  // Given names typed together and family + usage names typed together need keys only...
  EXPECT_EQ(match_learner("leamarie", "lefebvre", candidates).learner_id, 1);
  EXPECT_EQ(match_learner("lea", "moreaulefebvre", candidates).learner_id, 1);
  // ...words and parts need the word boundaries of the roster names.
  EXPECT_EQ(match_learner("lou", "martindupont", candidates).outcome, MatchOutcome::NoNameMatch);
  EXPECT_EQ(match_learner("marielou", "dupont", candidates).outcome, MatchOutcome::NoNameMatch);
}

// ---- Stage 1: given names -------------------------------------------------------------------

TEST(MatchGivenNames, AWordOfACompoundFirstName) {
  expect_matched(match("Lou", "Dupont", {learner(1, "Marie-Lou", "Dupont")}), 1,
                 MatchStage::GivenNames);
  expect_matched(match("Baptiste", "Dupont", {learner(1, "Jean-Baptiste", "Dupont")}), 1,
                 MatchStage::GivenNames);
  expect_matched(match("Marie", "Dupont", {learner(1, "Marie Lou", "Dupont")}), 1,
                 MatchStage::GivenNames);
}

TEST(MatchGivenNames, AWordWithATypo) {
  expect_matched(match("Batiste", "Dupont", {learner(1, "Jean-Baptiste", "Dupont")}), 1,
                 MatchStage::GivenNames);  // 1 error in 7
  expect_matched(match("Baptiste", "Dupond", {learner(1, "Jean-Baptiste", "Dupont")}), 1,
                 MatchStage::GivenNames);  // the last name as in the tolerant pass
}

TEST(MatchGivenNames, AWordOfTheSecondOrThirdGivenName) {
  expect_matched(match("Sophie", "Petit", {learner(1, "Léa", "Petit", "", "Anne-Sophie")}), 1,
                 MatchStage::GivenNames);
  expect_matched(match("Claire", "Petit", {learner(1, "Léa", "Petit", "", "Anne", "Marie-Claire")}),
                 1, MatchStage::GivenNames);
}

TEST(MatchGivenNames, GivenNamesTypedTogether) {
  const Roster roster = {learner(1, "Léa", "Petit", "", "Marie", "Claire")};
  expect_matched(match("Léa Marie", "Petit", roster), 1, MatchStage::GivenNames);
  expect_matched(match("Léa-Marie-Claire", "Petit", roster), 1, MatchStage::GivenNames);
  expect_matched(match("Lea Mari Claire", "Petit", roster), 1, MatchStage::GivenNames);  // 1/14
  // In the roster's order only.
  expect_outcome(match("Marie Léa", "Petit", roster), MatchOutcome::NoNameMatch);
}

TEST(MatchGivenNames, WordsOfFewerThanThreeLettersNeverMatchAlone) {
  expect_outcome(match("Jo", "Dupont", {learner(1, "Marie-Jo", "Dupont")}),
                 MatchOutcome::NoNameMatch);
}

TEST(MatchGivenNames, ThreeLetterWordsGetNoTolerance) {
  expect_outcome(match("Loo", "Dupont", {learner(1, "Marie-Lou", "Dupont")}),
                 MatchOutcome::NoNameMatch);  // 1/3
}

TEST(MatchGivenNames, AParticleIsNoGivenName) {
  const Roster roster = {learner(1, "Marie-des-Neiges", "Dupont")};
  expect_outcome(match("Des", "Dupont", roster), MatchOutcome::NoNameMatch);
  expect_matched(match("Neiges", "Dupont", roster), 1, MatchStage::GivenNames);
}

TEST(MatchGivenNames, TwinsSharingAWordStayAmbiguous) {
  const Roster twins = {learner(1, "Marie-Lou", "Dupont"), learner(2, "Marie-Anne", "Dupont")};
  expect_outcome(match("Marie", "Dupont", twins), MatchOutcome::Ambiguous);
  expect_matched(match("Lou", "Dupont", twins), 1, MatchStage::GivenNames);
  expect_matched(match("Anne", "Dupont", twins), 2, MatchStage::GivenNames);
  // Jean-Baptiste and Jean-Pierre: "Jean" is both of them.
  const Roster brothers = {learner(3, "Jean-Baptiste", "Roux"), learner(4, "Jean-Pierre", "Roux")};
  expect_outcome(match("Jean", "Roux", brothers), MatchOutcome::Ambiguous);
}

TEST(MatchGivenNames, AnExactWordBeatsAToleratedOne) {
  const Roster roster = {learner(1, "Marie-Anne", "Dupont"), learner(2, "Rose-Anna", "Dupont")};
  expect_matched(match("Anne", "Dupont", roster), 1, MatchStage::GivenNames);
  expect_matched(match("Anna", "Dupont", roster), 2, MatchStage::GivenNames);
  expect_outcome(match("Anni", "Dupont", roster), MatchOutcome::Ambiguous);  // 1/4 from both
}

TEST(MatchGivenNames, TheLastNameStillHasToFit) {
  expect_outcome(match("Lou", "Durand", {learner(1, "Marie-Lou", "Dupont")}),
                 MatchOutcome::NoNameMatch);
}

// ---- Stage 2: family names ------------------------------------------------------------------

TEST(MatchFamilyNames, EachPartOfADoubleName) {
  for (const char* written : {"MARTIN DUPONT", "MARTIN-DUPONT", "MARTIN--DUPONT"}) {
    SCOPED_TRACE(written);
    const Roster roster = {learner(1, "Léa", written)};
    expect_matched(match("Léa", "Dupont", roster), 1, MatchStage::FamilyNames);
    expect_matched(match("Léa", "Martin", roster), 1, MatchStage::FamilyNames);
    expect_matched(match("Léa", "Dupond", roster), 1, MatchStage::FamilyNames);  // 1/6
  }
}

TEST(MatchFamilyNames, PartsInReverseOrder) {
  const Roster roster = {learner(1, "Léa", "MARTIN DUPONT")};
  expect_matched(match("Léa", "Dupont Martin", roster), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Dupont-Martin", roster), 1, MatchStage::FamilyNames);
}

TEST(MatchFamilyNames, WithoutItsParticles) {
  expect_matched(match("Léa", "Roux", {learner(1, "Léa", "LE ROUX")}), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Arc", {learner(1, "Léa", "D'ARC")}), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Arc", {learner(1, "Léa", "D\u2019ARC")}), 1,
                 MatchStage::FamilyNames);  // typographic apostrophe
  // A one-letter particle before a long name is one edit: the tolerant pass took it already.
  expect_matched(match("Léa", "Artagnan", {learner(1, "Léa", "D'ARTAGNAN")}), 1,
                 MatchStage::Tolerant);
  expect_matched(match("Léa", "Silva", {learner(1, "Léa", "DA SILVA")}), 1,
                 MatchStage::FamilyNames);
  expect_matched(match("Léa", "Berg", {learner(1, "Léa", "VAN DEN BERG")}), 1,
                 MatchStage::FamilyNames);
  expect_matched(match("Léa", "Exupery", {learner(1, "Léa", "SAINT-EXUPÉRY")}), 1,
                 MatchStage::FamilyNames);
}

TEST(MatchFamilyNames, AParticleInsideADoubleName) {
  const Roster roster = {learner(1, "Léa", "MARTIN DE LA TOUR")};
  expect_matched(match("Léa", "Martin", roster), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "De la Tour", roster), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Tour", roster), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Delatour Martin", roster), 1, MatchStage::FamilyNames);
}

TEST(MatchFamilyNames, AParticleAloneNeverMatches) {
  expect_outcome(match("Léa", "Le", {learner(1, "Léa", "LE ROUX")}), MatchOutcome::NoNameMatch);
  expect_outcome(match("Léa", "De", {learner(1, "Léa", "DE LA FONTAINE")}),
                 MatchOutcome::NoNameMatch);
  expect_outcome(match("Léa", "Des", {learner(1, "Léa", "DES ROCHES")}),
                 MatchOutcome::NoNameMatch);  // three letters, still a particle
  expect_outcome(match("Léa", "Van", {learner(1, "Léa", "VAN DEN BERG")}),
                 MatchOutcome::NoNameMatch);
}

TEST(MatchFamilyNames, PartsOfFewerThanThreeLettersNeverMatchAlone) {
  expect_outcome(match("Léa", "Ly", {learner(1, "Léa", "LY DUPONT")}), MatchOutcome::NoNameMatch);
  expect_outcome(match("Léa", "Ba", {learner(1, "Léa", "BA-DIALLO")}), MatchOutcome::NoNameMatch);
}

TEST(MatchFamilyNames, AnApostropheAfterOtherLettersDoesNotSplit) {
  // N' is no particle: N'GOM is one word, and "Gom" is 1 error in 3 letters.
  expect_outcome(match("Léa", "Gom", {learner(1, "Léa", "N'GOM")}), MatchOutcome::NoNameMatch);
  expect_matched(match("Léa", "Ors", {learner(1, "Léa", "D'ORS")}), 1, MatchStage::FamilyNames);
}

TEST(MatchFamilyNames, PartsOfTheUsageName) {
  const Roster roster = {learner(1, "Léa", "Lefebvre", "MOREAU-PETIT")};
  expect_matched(match("Léa", "Petit", roster), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Petit Moreau", roster), 1, MatchStage::FamilyNames);
}

TEST(MatchFamilyNames, FamilyAndUsageNamesTypedTogether) {
  const Roster roster = {learner(1, "Léa", "Lefebvre", "Moreau")};
  expect_matched(match("Léa", "Lefebvre Moreau", roster), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Moreau-Lefebvre", roster), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Moreau Lefebre", roster), 1, MatchStage::FamilyNames);  // 1/13
}

TEST(MatchFamilyNames, LearnersSharingAPartStayAmbiguous) {
  // Born the same day, each with DUPONT in a double name: "Dupont" is both of them.
  const Roster roster = {learner(1, "Léa", "MARTIN DUPONT"), learner(2, "Léa", "DUPONT MOREAU")};
  expect_outcome(match("Léa", "Dupont", roster), MatchOutcome::Ambiguous);
  expect_matched(match("Léa", "Martin", roster), 1, MatchStage::FamilyNames);
  expect_matched(match("Léa", "Moreau", roster), 2, MatchStage::FamilyNames);
}

TEST(MatchFamilyNames, TwinsWithADoubleNameAreToldApartByTheirGivenName) {
  const Roster twins = {learner(1, "Léa", "MARTIN DUPONT"), learner(2, "Léo", "MARTIN DUPONT")};
  expect_matched(match("Léa", "Dupont", twins), 1, MatchStage::FamilyNames);
  expect_matched(match("Léo", "Dupont", twins), 2, MatchStage::FamilyNames);
  expect_outcome(match("Léao", "Dupont", twins), MatchOutcome::Ambiguous);  // 1/4 from both
}

TEST(MatchFamilyNames, AFullNameBeatsAPart) {
  // Léa DUPONT fits the passes; Léa MARTIN DUPONT would fit stage 2 only.
  const Roster roster = {learner(1, "Léa", "MARTIN DUPONT"), learner(2, "Léa", "DUPONT")};
  expect_matched(match("Léa", "Dupont", roster), 2, MatchStage::Exact);
}

TEST(MatchFamilyNames, TheGivenNameStillHasToFit) {
  expect_outcome(match("Lou", "Dupont", {learner(1, "Léa", "MARTIN DUPONT")}),
                 MatchOutcome::NoNameMatch);
}

// ---- Stage 3: swapped fields ----------------------------------------------------------------

TEST(MatchSwapped, FirstAndLastNamesExchanged) {
  expect_matched(match("Poe", "Joe", {learner(7, "Joe", "Poe")}), 7, MatchStage::Swapped);
  expect_matched(match("Moreau", "Léa", {learner(5, "Léa", "Lefebvre", "Moreau")}), 5,
                 MatchStage::Swapped);
  expect_matched(match("Martinn", "Léa", {learner(5, "Léa", "Martin")}), 5,
                 MatchStage::Swapped);  // and a typo, 1/7
}

TEST(MatchSwapped, AClassmateWhoseNamesAreTheSwappedOnesWinsInThePasses) {
  const Roster roster = {learner(1, "Thomas", "Martin"), learner(2, "Martin", "Thomas")};
  expect_matched(match("Thomas", "Martin", roster), 1, MatchStage::Exact);
  expect_matched(match("Martin", "Thomas", roster), 2, MatchStage::Exact);
}

TEST(MatchSwapped, WithASibling) {
  // Twins Paul and Martin MARTIN: "Martin Paul" is Paul with his names exchanged.
  const Roster twins = {learner(1, "Paul", "Martin"), learner(2, "Martin", "Martin")};
  expect_matched(match("Martin", "Paul", twins), 1, MatchStage::Swapped);
  expect_matched(match("Martin", "Martin", twins), 2, MatchStage::Exact);
}

TEST(MatchSwapped, SwappedHomonymsStayAmbiguous) {
  const Roster roster = {learner(1, "Léa", "Martin"), learner(2, "Léa", "Martine")};
  expect_matched(match("Martin", "Léa", roster), 1, MatchStage::Swapped);    // strict first
  expect_outcome(match("Martinn", "Léa", roster), MatchOutcome::Ambiguous);  // 1/7 from both
}

// ---- Stage 4: transpositions ----------------------------------------------------------------

TEST(MatchTransposition, AdjacentLettersExchanged) {
  expect_matched(match("Mtahis", "Petit", {learner(1, "Mathis", "Petit")}), 1,
                 MatchStage::Transposition);
  expect_matched(match("Mathis", "Peitt", {learner(1, "Mathis", "Petit")}), 1,
                 MatchStage::Transposition);
}

TEST(MatchTransposition, ShortKeysGetNoTolerance) {
  expect_outcome(match("Laé", "Petit", {learner(1, "Léa", "Petit")}), MatchOutcome::NoNameMatch);
}

TEST(MatchTransposition, TheBudgetStaysOneEditInFourLetters) {
  // Two transpositions in 7 letters: 2/7.
  expect_outcome(match("Cmelnet", "Petit", {learner(1, "Clement", "Petit")}),
                 MatchOutcome::NoNameMatch);
  // Two in 8: 2/8.
  expect_matched(match("Mtahidle", "Petit", {learner(1, "Mathilde", "Petit")}), 1,
                 MatchStage::Transposition);
}

TEST(MatchTransposition, TwinsStayApart) {
  const Roster twins = {learner(1, "Allan", "Martin"), learner(2, "Alian", "Martin")};
  expect_matched(match("Alaln", "Martin", twins), 1, MatchStage::Transposition);
  expect_matched(match("Alina", "Martin", twins), 2, MatchStage::Transposition);
  const Roster others = {learner(1, "Lina", "Martin"), learner(2, "Ilan", "Martin")};
  expect_outcome(match("Ilna", "Martin", others), MatchOutcome::Ambiguous);  // one swap from both
}

TEST(MatchTransposition, ThePixFactsStillHold) {
  expect_outcome(match("Frédérique", "Poe", {learner(7, "Frédéric", "Poe")}),
                 MatchOutcome::NoNameMatch);  // 3/10 with transpositions too
  expect_outcome(match("Mateo", "Renard", {learner(9, "Mateo", "Bernard")}),
                 MatchOutcome::NoNameMatch);  // 2/6
}

// ---- name_parts.hpp: words and forms --------------------------------------------------------

TEST(NameParts, WordKeys) {
  using detail::word_keys;
  using Words = std::vector<std::string>;
  EXPECT_EQ(word_keys("Jean-Baptiste"), (Words{"jean", "baptiste"}));
  EXPECT_EQ(word_keys("  MARTIN--DUPONT "), (Words{"martin", "dupont"}));
  EXPECT_EQ(word_keys("D'ARTAGNAN"), (Words{"d", "artagnan"}));
  EXPECT_EQ(word_keys("de l\u2019Isle"), (Words{"de", "l", "isle"}));
  EXPECT_EQ(word_keys("N'DIAYE"), (Words{"ndiaye"}));
  EXPECT_EQ(word_keys("Léa,Marie\u00A0Claire"), (Words{"lea", "marie", "claire"}));
  EXPECT_EQ(word_keys("Œdipe \u2013 Straße"), (Words{"oedipe", "strasse"}));
  EXPECT_EQ(word_keys("Анна-Мария"), (Words{comparison_key("Анна"), comparison_key("Мария")}));
  EXPECT_EQ(word_keys("- -- '"), Words{});
}

TEST(NameParts, FormsOfTheLastName) {
  const auto last_forms = [](std::string_view family, std::string_view usage = "") {
    return detail::last_name_forms({"", "", "", std::string(family), std::string(usage)},
                                   learner(1, "x", family, usage).keys);
  };
  using Forms = std::vector<std::string>;
  EXPECT_EQ(last_forms("MARTIN DUPONT"), (Forms{"martin", "dupont", "dupontmartin"}));
  EXPECT_EQ(last_forms("LE ROUX"), (Forms{"roux"}));
  EXPECT_EQ(last_forms("De La Fontaine"), (Forms{"fontaine"}));
  EXPECT_EQ(last_forms("MARTIN DE LA TOUR"),
            (Forms{"martin", "delatour", "tour", "delatourmartin", "martintour"}));
  EXPECT_EQ(last_forms("LY DUPONT"), (Forms{"dupont", "dupontly"}));
  EXPECT_EQ(last_forms("LE"), Forms{});
  EXPECT_EQ(last_forms("Lefebvre", "Moreau"), (Forms{"lefebvremoreau", "moreaulefebvre"}));
}

TEST(NameParts, FormsOfTheGivenNames) {
  const auto given = [](std::string_view first, std::string_view second = "",
                        std::string_view third = "") {
    return detail::given_name_forms(
        {std::string(first), std::string(second), std::string(third), "", ""},
        learner(1, first, "x", "", second, third).keys);
  };
  using Forms = std::vector<std::string>;
  EXPECT_EQ(given("Marie-Lou")[0], (Forms{"marie", "lou"}));
  EXPECT_EQ(given("Marie")[0], Forms{});  // one word: the passes compared it
  EXPECT_EQ(given("Marie-Jo")[0], Forms{"marie"});
  EXPECT_EQ(given("Léa", "Anne-Sophie")[1], (Forms{"anne", "sophie"}));
  EXPECT_EQ(given("Léa", "Marie")[3], Forms{"leamarie"});
  EXPECT_EQ(given("Léa", "Marie")[4], Forms{});
  EXPECT_EQ(given("Léa", "Marie", "Claire")[4], Forms{"leamarieclaire"});
}

// ---- Ratio boundaries -----------------------------------------------------------------------

// A key of `length` letters and the same with the first `errors` letters substituted.
std::string letters(std::size_t length) {
  std::string key;
  for (std::size_t i = 0; i < length; ++i) key.push_back(static_cast<char>('a' + i % 26));
  return key;
}

std::string with_substitutions(std::string key, std::size_t errors) {
  for (std::size_t i = 0; i < errors; ++i) key[i] = '9';
  return key;
}

TEST(MatchRatio, AllowedErrorsGrowOneEveryFourLetters) {
  for (std::size_t length = 1; length <= 40; ++length) {
    const std::size_t allowed = length / 4;  // 0 for 1-3, 1 for 4-7, 2 for 8-11...
    const std::string key = letters(length);
    for (std::size_t errors = 0; errors <= std::min(length, allowed + 1); ++errors) {
      const std::vector<MatchCandidate> roster = {
          {1, with_substitutions(key, errors), "", "", "durand", ""}};
      const MatchResult result = match_learner(key, "durand", roster);
      EXPECT_EQ(result.outcome == MatchOutcome::Matched, errors <= allowed)
          << "length " << length << ", errors " << errors;
    }
  }
}

TEST(MatchRatio, SpecExamples) {
  const auto matches = [](std::string_view typed, std::string_view roster) {
    return match_learner(typed, "x1",
                         std::vector<MatchCandidate>{{1, std::string(roster), "", "", "x1", ""}})
               .outcome == MatchOutcome::Matched;
  };
  EXPECT_FALSE(matches("lia", "lea"));                 // 1/3
  EXPECT_TRUE(matches("lucs", "luca"));                // 1/4
  EXPECT_TRUE(matches("clemant", "clement"));          // 1/7
  EXPECT_FALSE(matches("climant", "clement"));         // 2/7
  EXPECT_TRUE(matches("mathilde", "matilda"));         // 2/8
  EXPECT_FALSE(matches("mtilda", "mathilde"));         // 3/6
  EXPECT_TRUE(matches("maximiliane", "maximilien"));   // 2/11
  EXPECT_TRUE(matches("maximilienne", "maximilian"));  // 3/12
}

TEST(MatchRatio, RatioUsesTheTypedLength) {
  // "joey" typed for "joe": 1/4 matches; "joe" typed for "joey": 1/3 does not.
  const auto roster_joe = std::vector<MatchCandidate>{{1, "joe", "", "", "poe", ""}};
  const auto roster_joey = std::vector<MatchCandidate>{{1, "joey", "", "", "poe", ""}};
  EXPECT_EQ(match_learner("joey", "poe", roster_joe).outcome, MatchOutcome::Matched);
  EXPECT_EQ(match_learner("joe", "poe", roster_joey).outcome, MatchOutcome::NoNameMatch);
}

TEST(MatchRatio, BothNamesMayCarryTypos) {
  expect_matched(match("Matéo", "Bernar", {learner(9, "Mateo", "Bernard")}), 9);
  expect_matched(match("Mattéo", "Bernart", {learner(9, "Mateo", "Bernard")}), 9);
}

TEST(MatchRatio, OneNameTooFarSinksTheMatch) {
  expect_outcome(match("Mateo", "Renard", {learner(9, "Mateo", "Bernard")}),
                 MatchOutcome::NoNameMatch);
}

// ---- keys_close_enough ----------------------------------------------------------------------

TEST(KeysCloseEnough, ExactBoundaries) {
  EXPECT_TRUE(keys_close_enough("abcd", "abcx", 0.25));                  // 1/4
  EXPECT_TRUE(keys_close_enough("abcdefgh", "abcdefxx", 0.25));          // 2/8
  EXPECT_TRUE(keys_close_enough("abcdefghijkl", "abcdefghixxx", 0.25));  // 3/12
  EXPECT_FALSE(keys_close_enough("abcdefg", "abcdexx", 0.25));           // 2/7
  EXPECT_FALSE(keys_close_enough("abc", "abx", 0.25));                   // 1/3
  EXPECT_TRUE(keys_close_enough(std::string(30, 'a'), "aaa" + std::string(27, 'b'), 0.9));
  EXPECT_TRUE(keys_close_enough(std::string(30, 'a'), std::string(27, 'a') + "bbb", 0.1));  // 3/30
  EXPECT_FALSE(keys_close_enough(std::string(30, 'a'), std::string(26, 'a') + "bbbb", 0.1));
}

TEST(KeysCloseEnough, StrictAndDegenerateRatios) {
  EXPECT_TRUE(keys_close_enough("joe", "joe", 0.0));
  EXPECT_FALSE(keys_close_enough("joey", "joe", 0.0));
  EXPECT_FALSE(keys_close_enough("joey", "joe", -1.0));
  EXPECT_FALSE(keys_close_enough("joey", "joe", std::numeric_limits<double>::quiet_NaN()));
  EXPECT_TRUE(keys_close_enough("joe", "joe", std::numeric_limits<double>::quiet_NaN()));
  EXPECT_TRUE(keys_close_enough("joe", "xyz", 1.0));
}

TEST(KeysCloseEnough, EmptyKeysNeverMatch) {
  EXPECT_FALSE(keys_close_enough("", "joe", 10.0));
  EXPECT_FALSE(keys_close_enough("joe", "", 10.0));
  EXPECT_FALSE(keys_close_enough("", "", 10.0));
}

TEST(KeysCloseEnough, AgreesWithTheIntegerRule) {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<std::size_t> length(1, 16);
  std::uniform_int_distribution<int> letter(0, 2);
  const auto draw = [&] {
    std::string s(length(rng), 'a');
    for (char& c : s) c = static_cast<char>('a' + letter(rng));
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    const std::string typed = draw(), roster = draw();
    const bool expected = 4 * levenshtein(typed, roster) <= typed.size();
    ASSERT_EQ(keys_close_enough(typed, roster, kMaxMatchRatio), expected) << typed << " " << roster;
    const std::vector<MatchCandidate> roster_row = {{1, roster, "", "", "z", ""}};
    ASSERT_EQ(
        match_learner(typed, "z", roster_row, MatchRules::Pix).outcome == MatchOutcome::Matched,
        expected)
        << typed << " " << roster;
    // The later stages add the transposition pass, under the same integer rule (the other stages
    // have nothing to compare here: no second given name, no usage name, "z" is no letter drawn).
    const bool with_transpositions = 4 * osa_distance(typed, roster) <= typed.size();
    ASSERT_EQ(match_learner(typed, "z", roster_row).outcome == MatchOutcome::Matched,
              with_transpositions)
        << typed << " " << roster;
  }
}

// ---- levenshtein ----------------------------------------------------------------------------

// The full-matrix dynamic programme; with `transpositions`, the optimal string alignment
// recurrence (an exchange of two adjacent characters costs 1).
std::size_t reference_distance(std::string_view a, std::string_view b,
                               bool transpositions = false) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

TEST(Levenshtein, KnownValues) {
  EXPECT_EQ(levenshtein("", ""), 0u);
  EXPECT_EQ(levenshtein("abc", ""), 3u);
  EXPECT_EQ(levenshtein("", "abc"), 3u);
  EXPECT_EQ(levenshtein("kitten", "sitting"), 3u);
  EXPECT_EQ(levenshtein("flaw", "lawn"), 2u);
  EXPECT_EQ(levenshtein("frederique", "frederic"), 3u);
  EXPECT_EQ(levenshtein("allan", "alian"), 1u);
  EXPECT_EQ(levenshtein("alan", "allan"), 1u);
  EXPECT_EQ(levenshtein("joey", "joe"), 1u);
}

TEST(Levenshtein, WordSizeBoundaries) {
  for (const std::size_t n : {63u, 64u, 65u, 128u, 129u}) {
    const std::string a(n, 'a');
    EXPECT_EQ(levenshtein(a, a), 0u);
    EXPECT_EQ(levenshtein(a, std::string(n, 'b')), n);
    EXPECT_EQ(levenshtein(a, a + "b"), 1u);
    EXPECT_EQ(levenshtein("b" + a, a), 1u);
    std::string middle = a;
    middle[n / 2] = 'z';
    EXPECT_EQ(levenshtein(a, middle), 1u);
  }
}

TEST(Levenshtein, NonAsciiBytesAreCompared) {
  EXPECT_EQ(levenshtein("\xC3\xA9", "e"), 2u);  // bytes, not characters: keys are ASCII
  EXPECT_EQ(levenshtein("\xFF\x80", "\xFF\x80"), 0u);
}

// Random pairs of lengths 0-100 over `alphabet_size` symbols, both orders, against the reference.
void check_against_reference(std::mt19937& rng, int alphabet_size, int pairs,
                             bool transpositions = false) {
  const auto distance = transpositions ? osa_distance : levenshtein;
  std::uniform_int_distribution<std::size_t> length(0, 100);
  std::uniform_int_distribution<int> letter(0, alphabet_size - 1);
  const auto draw = [&] {
    std::string s(length(rng), 'a');
    for (char& c : s) c = static_cast<char>(letter(rng) + (alphabet_size > 26 ? 1 : 'a'));
    return s;
  };
  for (int i = 0; i < pairs; ++i) {
    const std::string a = draw(), b = draw();
    const std::size_t expected = reference_distance(a, b, transpositions);
    ASSERT_EQ(distance(a, b), expected) << '"' << a << "\" \"" << b << '"';
    ASSERT_EQ(distance(b, a), expected);
  }
}

TEST(Levenshtein, MatchesTheReferenceOnRandomStrings) {
  std::mt19937 rng(42);
  check_against_reference(rng, 2, 3000);  // many equal characters: long diagonals
  check_against_reference(rng, 4, 3000);
  check_against_reference(rng, 26, 3000);
  check_against_reference(rng, 255, 1000);  // every byte value but 0
}

TEST(Levenshtein, MatchesTheReferenceOnCloseStrings) {
  // Names differ by a few edits: mutate a string and compare.
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> length(0, 100);
  std::uniform_int_distribution<int> letter(0, 25);
  for (int i = 0; i < 3000; ++i) {
    std::string a(length(rng), 'a');
    for (char& c : a) c = static_cast<char>('a' + letter(rng));
    std::string b = a;
    const int edits = static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = b.empty() ? 0 : rng() % b.size();
      switch (rng() % 3) {
        case 0: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), 'q'); break;
        case 1:
          if (!b.empty()) b.erase(at, 1);
          break;
        default:
          if (!b.empty()) b[at] = 'z';
          break;
      }
    }
    ASSERT_EQ(levenshtein(a, b), reference_distance(a, b)) << a << " " << b;
  }
}

// ---- osa_distance ---------------------------------------------------------------------------

TEST(OsaDistance, KnownValues) {
  EXPECT_EQ(osa_distance("", ""), 0u);
  EXPECT_EQ(osa_distance("abc", ""), 3u);
  EXPECT_EQ(osa_distance("", "abc"), 3u);
  EXPECT_EQ(osa_distance("mtahis", "mathis"), 1u);  // Levenshtein: 2
  EXPECT_EQ(levenshtein("mtahis", "mathis"), 2u);
  EXPECT_EQ(osa_distance("ab", "ba"), 1u);
  EXPECT_EQ(osa_distance("abcd", "badc"), 2u);
  EXPECT_EQ(osa_distance("ca", "abc"), 3u);  // no substring edited twice (Damerau: 2)
  EXPECT_EQ(osa_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(osa_distance("alaln", "allan"), 1u);
  EXPECT_EQ(osa_distance("alaln", "alian"), 2u);
  EXPECT_EQ(osa_distance("frederique", "frederic"), 3u);
}

TEST(OsaDistance, WordSizeBoundaries) {
  for (const std::size_t n : {63u, 64u, 65u, 128u, 129u}) {
    std::string a;
    for (std::size_t i = 0; i < n; ++i) a.push_back(static_cast<char>('a' + i % 26));
    EXPECT_EQ(osa_distance(a, a), 0u);
    EXPECT_EQ(osa_distance(a, std::string(n, '9')), n);
    EXPECT_EQ(osa_distance(a, a + "b"), 1u);
    for (const std::size_t at : {std::size_t{0}, n / 2, n - 2}) {
      std::string swapped = a;
      std::swap(swapped[at], swapped[at + 1]);
      EXPECT_EQ(osa_distance(a, swapped), 1u) << n << " " << at;
      EXPECT_EQ(osa_distance(swapped + "9", a), 2u) << n << " " << at;
    }
  }
}

TEST(OsaDistance, MatchesTheReferenceOnRandomStrings) {
  std::mt19937 rng(43);
  check_against_reference(rng, 2, 3000, true);  // equal neighbours: transpositions everywhere
  check_against_reference(rng, 4, 3000, true);
  check_against_reference(rng, 26, 3000, true);
  check_against_reference(rng, 255, 1000, true);
}

TEST(OsaDistance, MatchesTheReferenceOnCloseStrings) {
  // Typing slips: adjacent letters exchanged, letters inserted, dropped or replaced.
  std::mt19937 rng(8);
  std::uniform_int_distribution<std::size_t> length(0, 100);
  std::uniform_int_distribution<int> letter(0, 25);
  for (int i = 0; i < 3000; ++i) {
    std::string a(length(rng), 'a');
    for (char& c : a) c = static_cast<char>('a' + letter(rng));
    std::string b = a;
    const int edits = static_cast<int>(rng() % 5);
    for (int e = 0; e < edits && b.size() > 1; ++e) {
      const std::size_t at = rng() % (b.size() - 1);
      switch (rng() % 4) {
        case 0: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), 'q'); break;
        case 1: b.erase(at, 1); break;
        case 2: b[at] = 'z'; break;
        default: std::swap(b[at], b[at + 1]); break;
      }
    }
    const std::size_t expected = reference_distance(a, b, true);
    ASSERT_EQ(osa_distance(a, b), expected) << a << " " << b;
    ASSERT_LE(expected, levenshtein(a, b));
  }
}

// ---- mask_username --------------------------------------------------------------------------

TEST(MaskUsername, SpecExample) { EXPECT_EQ(mask_username("john.harry0702"), "j***.h***2"); }

TEST(MaskUsername, OrdinaryUsernames) {
  EXPECT_EQ(mask_username("jeanmarc.dartagnan0103"), "j***.d***3");
  EXPECT_EQ(mask_username("a.b0000"), "a***.b***0");
}

TEST(MaskUsername, OddInputs) {
  EXPECT_EQ(mask_username(""), "***");
  EXPECT_EQ(mask_username("x"), "x***");
  EXPECT_EQ(mask_username("jdoe"), "j***e");
  EXPECT_EQ(mask_username("john."), "j***.***");
  EXPECT_EQ(mask_username(".harry"), "***.h***y");
  EXPECT_EQ(mask_username("."), "***.***");
  EXPECT_EQ(mask_username("john.h"), "j***.h***");
  EXPECT_EQ(mask_username("a.b.c9"), "a***.b***9");  // the first dot splits
}

TEST(MaskUsername, CharactersAreWholeUtf8Sequences) {
  EXPECT_EQ(mask_username("élodie.lœuvre0101"), "é***.l***1");
  EXPECT_EQ(mask_username("zoë.müllé"), "z***.m***é");
  EXPECT_EQ(mask_username("\xE7\x8E\x8B.\xE8\x8A\xB3"), "\xE7\x8E\x8B***.\xE8\x8A\xB3***");
}

TEST(MaskUsername, InvalidBytesDoNotCrash) {
  EXPECT_EQ(mask_username("\x80\x80"), "\x80***\x80");
  EXPECT_EQ(mask_username("a\xC3"), "a***\xC3");
  EXPECT_EQ(mask_username("\xC3"), "\xC3***");
}

TEST(MaskUsername, RevealsAtMostThreeCharacters) {
  const std::string masked = mask_username("verylongfirstname.verylonglastname1234");
  EXPECT_EQ(masked, "v***.v***4");
}

}  // namespace
}  // namespace inscrire
