// Matching a pupil to the roster (product.md §3): the Pix facts, the decisions of
// docs/matching.md, the ratio boundaries, the edit distance against a reference, the hint mask.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "inscrire/reconciliation.hpp"
#include "inscrire/text.hpp"

namespace inscrire {
namespace {

// A roster learner written as a school would (accents, spaces, hyphens), normalised the way the
// service does before matching.
MatchCandidate learner(std::int64_t id, std::string_view first, std::string_view last,
                       std::string_view usage = "", std::string_view second = "",
                       std::string_view third = "") {
  return {id,
          comparison_key(first),
          comparison_key(second),
          comparison_key(third),
          comparison_key(last),
          comparison_key(usage)};
}

// What the pupil typed, normalised the same way.
MatchResult match(std::string_view first, std::string_view last,
                  const std::vector<MatchCandidate>& roster) {
  return match_learner(comparison_key(first), comparison_key(last), roster);
}

void expect_matched(const MatchResult& result, std::int64_t id) {
  EXPECT_EQ(result.outcome, MatchOutcome::Matched);
  EXPECT_EQ(result.learner_id, id);
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
  const std::vector<MatchCandidate> twins = {learner(1, "Allan", "Martin"),
                                             learner(2, "Alian", "Martin")};
  expect_matched(match("Allan", "Martin", twins), 1);
  expect_matched(match("Alian", "Martin", twins), 2);
  // "Alan" is one edit from both (1/4 each): the tolerant pass cannot choose.
  expect_outcome(match("Alan", "Martin", twins), MatchOutcome::Ambiguous);
}

TEST(MatchPix, FirstNameBeatsSecondName) {
  const MatchCandidate by_first = learner(1, "Joe", "Poe");
  const MatchCandidate by_second = learner(2, "Sam", "Poe", "", "Joe");
  expect_matched(match("Joe", "Poe", {by_second, by_first}), 1);
  expect_matched(match("Joe", "Poe", {by_first, by_second}), 1);
}

TEST(MatchPix, SecondNameBeatsThirdName) {
  const MatchCandidate by_third = learner(1, "Sam", "Poe", "", "Max", "Joe");
  const MatchCandidate by_second = learner(2, "Tom", "Poe", "", "Joe");
  expect_matched(match("Joe", "Poe", {by_third, by_second}), 2);
}

TEST(MatchPix, LastNameAndUsageNameWithTheSameFirstNameAreAmbiguous) {
  const MatchCandidate by_last = learner(1, "Joe", "Poe");
  const MatchCandidate by_usage = learner(2, "Joe", "Martin", "Poe");
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
  // product.md §3 (and Pix): a field's set is kept only if it holds exactly one learner; the
  // first such field wins. Field 1 fits learners 1 and 2, field 2 fits learner 3 alone.
  const std::vector<MatchCandidate> roster = {learner(1, "Marie", "Dupont"),
                                              learner(2, "Marie", "Dupont"),
                                              learner(3, "Anne", "Dupont", "", "Marie")};
  expect_matched(match("Marie", "Dupont", roster), 3);
}

TEST(MatchDecision, TheTolerantPassRunsWhenStrictFoundNoSingleLearner) {
  // Strict: field 2 fits learners 1 and 2 (skipped), nothing else. Tolerant: field 1 fits
  // learner 3 alone (one typo in six letters).
  const std::vector<MatchCandidate> roster = {learner(1, "Paul", "Durand", "", "Mathis"),
                                              learner(2, "Hugo", "Durand", "", "Mathis"),
                                              learner(3, "Mattis", "Durand")};
  expect_matched(match("Mathis", "Durand", roster), 3);
}

TEST(MatchDecision, SeveralLearnersAndNoSingleOneIsAmbiguous) {
  const std::vector<MatchCandidate> roster = {learner(1, "Marie", "Dupont"),
                                              learner(2, "Marie", "Dupont")};
  expect_outcome(match("Marie", "Dupont", roster), MatchOutcome::Ambiguous);
  expect_outcome(match("Marie", "Durand", roster), MatchOutcome::NoNameMatch);
}

TEST(MatchDecision, StrictMatchBeatsAToleratedOne) {
  const std::vector<MatchCandidate> roster = {learner(1, "Allan", "Martin"),
                                              learner(2, "Alan", "Martin")};
  expect_matched(match("Alan", "Martin", roster), 2);
}

TEST(MatchDecision, ToleratedFirstFieldBeatsToleratedSecondField) {
  // "mattis" is one edit from both "mathis" and "matis"; nobody has it exactly.
  const std::vector<MatchCandidate> roster = {learner(2, "Noah", "Petit", "", "Matis"),
                                              learner(1, "Mathis", "Petit")};
  expect_matched(match("Mattis", "Petit", roster), 1);
}

TEST(MatchDecision, FirstAndLastNamesAreNotSwapped) {
  expect_outcome(match("Poe", "Joe", {learner(7, "Joe", "Poe")}), MatchOutcome::NoNameMatch);
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

TEST(MatchText, HalfOfACompoundGivenNameIsTooFar) {
  expect_outcome(match("Jean", "Dupont", {learner(6, "Jean-Marc", "Dupont")}),
                 MatchOutcome::NoNameMatch);  // 4 edits for 4 letters
}

TEST(MatchText, ParticlesAreKept) {
  const std::vector<MatchCandidate> roster = {learner(6, "Chloé", "De La Fontaine")};
  expect_matched(match("Chloe", "delafontaine", roster), 6);
  expect_matched(match("Chloe", "De la Fontain", roster), 6);                     // 1 error in 11
  expect_outcome(match("Chloe", "Fontaine", roster), MatchOutcome::NoNameMatch);  // 4/8
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
    ASSERT_EQ(match_learner(typed, "z", roster_row).outcome == MatchOutcome::Matched, expected)
        << typed << " " << roster;
  }
}

// ---- levenshtein ----------------------------------------------------------------------------

std::size_t reference_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
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

void check_against_reference(std::mt19937& rng, int alphabet_size, int pairs) {
  std::uniform_int_distribution<std::size_t> length(0, 100);
  std::uniform_int_distribution<int> letter(0, alphabet_size - 1);
  const auto draw = [&] {
    std::string s(length(rng), 'a');
    for (char& c : s) c = static_cast<char>(letter(rng) + (alphabet_size > 26 ? 1 : 'a'));
    return s;
  };
  for (int i = 0; i < pairs; ++i) {
    const std::string a = draw(), b = draw();
    const std::size_t expected = reference_distance(a, b);
    ASSERT_EQ(levenshtein(a, b), expected) << '"' << a << "\" \"" << b << '"';
    ASSERT_EQ(levenshtein(b, a), expected);
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
