// Usernames `first.lastDDMM` and their collision resolution (docs/rules.md §2).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <regex>
#include <set>
#include <string>
#include <string_view>

#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"
#include "inscrire/username.hpp"

namespace inscrire {
namespace {

const std::regex& username_regex() {
  static const std::regex pattern("^[a-z]+\\.[a-z]+[0-9]{4}$");
  return pattern;
}

void expect_valid(const std::string& username) {
  EXPECT_TRUE(std::regex_match(username, username_regex())) << username;
  EXPECT_TRUE(is_valid_username(username)) << username;
}

BirthDate date(int day, int month, int year = 2010) {
  return BirthDate::from_ymd(year, month, day);
}

int suffix_of(std::string_view username) { return split_username(username).second; }

void expect_exhausted(auto&& call) {
  try {
    call();
    ADD_FAILURE() << "expected USERNAME_SPACE_EXHAUSTED";
  } catch (const Error& e) {
    EXPECT_EQ(code_name(e.code()), "USERNAME_SPACE_EXHAUSTED");
  }
}

TakenSuffixes all_but(std::initializer_list<int> free_suffixes) {
  TakenSuffixes taken;
  for (int s = 0; s < kSuffixCount; ++s) {
    if (std::find(free_suffixes.begin(), free_suffixes.end(), s) == free_suffixes.end()) {
      taken.insert(s);
    }
  }
  return taken;
}

// --- the examples of docs/rules.md §2
// -------------------------------------------------------------

struct Example {
  UsernameSource source;
  BirthDate birthdate;
  std::string_view expected;
};

TEST(BaseUsername, ProductExamples) {
  const Example examples[] = {
      {{.first_name = "Jean-Marc", .last_name = "D'Artagnan"},
       date(1, 3, 2008),
       "jeanmarc.dartagnan0103"},
      {{.first_name = "Éloïse", .last_name = "Le Gall"}, date(14, 7), "eloise.legall1407"},
      {{.first_name = "Zoë", .last_name = "Müller"}, date(2, 11), "zoe.muller0211"},
      {{.first_name = "Chloé", .last_name = "De La Fontaine"},
       date(31, 12, 2009),
       "chloe.delafontaine3112"},
      {{.first_name = "Ærøn", .last_name = "Straße"}, date(5, 6), "aeron.strasse0506"},
      {{.first_name = "Œnone", .last_name = "Ødegård"}, date(9, 9), "oenone.odegard0909"},
      {{.first_name = "Анна", .last_name = "Каренина"}, date(1, 1), "anna.karenina0101"},
      {{.first_name = "王芳", .last_name = "李"}, date(20, 2), "wangfang.li2002"},
      {{.first_name = "Jean Marc", .last_name = "N’Diaye"},
       date(29, 2, 2012),
       "jeanmarc.ndiaye2902"},
      {{.first_name = "Louis 14", .last_name = "De Bourbon"}, date(5, 9), "louis.debourbon0509"},
      // The roster's second given name and usage name are never used when the main ones work.
      {{.first_name = "Marie",
        .last_name = "Curie",
        .second_name = "Salomea",
        .third_name = "Sklodowska",
        .usage_name = "Sklodowska-Curie"},
       date(7, 11),
       "marie.curie0711"},
  };
  for (const auto& e : examples) {
    const auto username = base_username(e.source, e.birthdate);
    EXPECT_EQ(username, e.expected);
    expect_valid(username);
  }
}

TEST(UsernameStem, Examples) {
  EXPECT_EQ(username_stem({.first_name = "Jean-Marc", .last_name = "D'Artagnan"}),
            "jeanmarc.dartagnan");
  EXPECT_EQ(username_stem({.first_name = "Ærøn", .last_name = "Straße"}), "aeron.strasse");
}

// --- fallbacks ---------------------------------------------------------------------------------

TEST(UsernameStem, FirstNameFallsBackToSecondThenThirdThenPrenom) {
  EXPECT_EQ(username_stem({.first_name = "---", .last_name = "Dupont", .second_name = "Léa"}),
            "lea.dupont");
  EXPECT_EQ(
      username_stem(
          {.first_name = "'’", .last_name = "Dupont", .second_name = "- -", .third_name = "Ève"}),
      "eve.dupont");
  EXPECT_EQ(username_stem(
                {.first_name = "", .last_name = "Dupont", .second_name = "", .third_name = "Zoé"}),
            "zoe.dupont");
  EXPECT_EQ(username_stem({.first_name = "123", .last_name = "Dupont"}), "prenom.dupont");
  EXPECT_EQ(
      username_stem(
          {.first_name = "...", .last_name = "Dupont", .second_name = "!!", .third_name = "42"}),
      "prenom.dupont");
  EXPECT_EQ(username_stem({.first_name = "", .last_name = "Dupont"}), "prenom.dupont");
  EXPECT_EQ(std::string(kFallbackFirstPart), "prenom");
}

TEST(UsernameStem, LastNameFallsBackToUsageNameThenNom) {
  EXPECT_EQ(username_stem({.first_name = "Léa", .last_name = "---", .usage_name = "Martin"}),
            "lea.martin");
  EXPECT_EQ(username_stem({.first_name = "Léa", .last_name = "", .usage_name = "Ørsted"}),
            "lea.orsted");
  EXPECT_EQ(username_stem({.first_name = "Léa", .last_name = "'", .usage_name = "-"}), "lea.nom");
  EXPECT_EQ(username_stem({.first_name = "Léa", .last_name = ""}), "lea.nom");
  // Given names are never used for the last part, nor the usage name for the first.
  EXPECT_EQ(username_stem({.first_name = "Léa", .last_name = "", .second_name = "Paul"}),
            "lea.nom");
  EXPECT_EQ(username_stem({.first_name = "", .last_name = "Martin", .usage_name = "Paul"}),
            "prenom.martin");
  EXPECT_EQ(std::string(kFallbackLastPart), "nom");
}

TEST(BaseUsername, NeverInvalidWhateverTheRosterHolds) {
  const std::string_view weird[] = {"",  " ", "---",  "'",    "’",    "123", "😀", "...",
                                    "_", "·", "Jean", "Ærøn", "Анна", "ﬁ",   "①"};
  for (const auto first : weird) {
    for (const auto last : weird) {
      for (const auto second : {std::string_view{}, std::string_view{"Paul"}}) {
        expect_valid(base_username({.first_name = first, .last_name = last, .second_name = second},
                                   date(5, 6)));
      }
    }
  }
}

TEST(BaseUsername, InvalidUtf8IsRefused) {
  EXPECT_THROW(base_username({.first_name = "Jos\xC3", .last_name = "Dupont"}, date(5, 6)), Error);
  EXPECT_THROW(username_stem({.first_name = "Léa", .last_name = "\xED\xA0\x80"}), Error);
}

// --- the username format -----------------------------------------------------------------------

TEST(IsValidUsername, MatchesTheRegex) {
  const std::string_view samples[] = {
      "jean.dupont0506",
      "a.b0000",
      "a.b9999",
      "jeanmarc.dartagnan0103",
      "Jean.dupont0506",
      "jean.Dupont0506",
      "jean.dupont506",
      "jean.dupont05067",
      "jean.dupont",
      "jeandupont0506",
      ".dupont0506",
      "jean.0506",
      "jean..dupont0506",
      "jean.du.pont0506",
      "jean.dupont050a",
      "jean-marc.dupont0506",
      "jean.dupont 0506",
      "",
      "0506",
      "j.d0506x",
      "é.d0506",
      "jean.d0506",
      "1jean.dupont0506",
      "jean.dupont\xEF\xBC\x90"
      "506",
  };
  for (const auto s : samples) {
    EXPECT_EQ(is_valid_username(s), std::regex_match(std::string(s), username_regex())) << s;
  }
}

TEST(SplitUsername, StemAndSuffix) {
  const auto [stem, suffix] = split_username("jean.dupont0506");
  EXPECT_EQ(stem, "jean.dupont");
  EXPECT_EQ(suffix, 506);
  EXPECT_EQ(split_username("a.b0000").second, 0);
  EXPECT_EQ(split_username("a.b9999").second, 9999);
}

// --- the taken-suffix bitmap -------------------------------------------------------------------

TEST(TakenSuffixesTest, InsertCountFullNthFree) {
  TakenSuffixes taken;
  EXPECT_EQ(taken.count(), 0);
  EXPECT_FALSE(taken.full());
  EXPECT_EQ(taken.nth_free(0), 0);
  EXPECT_EQ(taken.nth_free(9999), 9999);
  taken.insert(0);
  taken.insert(0);  // idempotent
  taken.insert(63);
  taken.insert(64);
  taken.insert(9999);
  EXPECT_EQ(taken.count(), 4);
  EXPECT_TRUE(taken.contains(63));
  EXPECT_FALSE(taken.contains(62));
  EXPECT_EQ(taken.nth_free(0), 1);
  EXPECT_EQ(taken.nth_free(61), 62);
  EXPECT_EQ(taken.nth_free(62), 65);
  EXPECT_EQ(taken.nth_free(9995), 9998);
  for (int s = 0; s < kSuffixCount; ++s) taken.insert(s);
  EXPECT_TRUE(taken.full());
  EXPECT_EQ(taken.count(), kSuffixCount);
  EXPECT_THROW((void)taken.nth_free(0), Error);
}

// --- collisions --------------------------------------------------------------------------------

TEST(ChooseUsername, DdmmWhenFreeWithBothPolicies) {
  TakenSuffixes taken;
  taken.insert(507);
  taken.insert(0);
  for (const auto policy : {CollisionPolicy::Random, CollisionPolicy::Sequential}) {
    EXPECT_EQ(choose_username("jean.dupont", date(5, 6), taken, policy), "jean.dupont0506");
  }
  // Even when nearly every other suffix is taken.
  EXPECT_EQ(choose_username("jean.dupont", date(5, 6), all_but({506}), CollisionPolicy::Random),
            "jean.dupont0506");
}

TEST(ChooseUsername, SequentialTakesTheFirstFreeAfterDdmm) {
  TakenSuffixes taken;
  taken.insert(506);
  EXPECT_EQ(choose_username("jean.dupont", date(5, 6), taken, CollisionPolicy::Sequential),
            "jean.dupont0507");
  taken.insert(507);
  taken.insert(508);
  taken.insert(510);
  EXPECT_EQ(choose_username("jean.dupont", date(5, 6), taken, CollisionPolicy::Sequential),
            "jean.dupont0509");
}

TEST(ChooseUsername, SequentialWrapsAfter9999) {
  TakenSuffixes taken;
  for (int s = 3112; s < kSuffixCount; ++s) taken.insert(s);
  EXPECT_EQ(choose_username("a.b", date(31, 12), taken, CollisionPolicy::Sequential), "a.b0000");
  taken.insert(0);
  taken.insert(1);
  EXPECT_EQ(choose_username("a.b", date(31, 12), taken, CollisionPolicy::Sequential), "a.b0002");
  // Only the suffix just before DDMM is free: the search goes all the way round.
  EXPECT_EQ(choose_username("a.b", date(5, 6), all_but({505}), CollisionPolicy::Sequential),
            "a.b0505");
}

TEST(ChooseUsername, RandomPicksAFreeSuffix) {
  const auto taken = all_but({17, 4242, 9999});
  for (int i = 0; i < 200; ++i) {
    const auto username = choose_username("a.b", date(5, 6), taken, CollisionPolicy::Random);
    expect_valid(username);
    EXPECT_FALSE(taken.contains(suffix_of(username))) << username;
  }
}

TEST(ChooseUsername, ExhaustedAfterTenThousand) {
  TakenSuffixes taken;
  for (int s = 0; s < kSuffixCount; ++s) taken.insert(s);
  for (const auto policy : {CollisionPolicy::Random, CollisionPolicy::Sequential}) {
    expect_exhausted([&] { (void)choose_username("a.b", date(5, 6), taken, policy); });
  }
}

TEST(GenerateUsername, SequentialFillsTheWholeStemInOrderThenStops) {
  MemoryUsernames registry;
  const UsernameSource source{.first_name = "Jean", .last_name = "Dupont"};
  for (int i = 0; i < kSuffixCount; ++i) {
    const auto username =
        generate_username(registry, source, date(5, 6), CollisionPolicy::Sequential);
    ASSERT_EQ(suffix_of(username), (506 + i) % kSuffixCount) << username;
    ASSERT_TRUE(registry.add(username)) << username;
  }
  EXPECT_EQ(registry.size(), static_cast<std::size_t>(kSuffixCount));
  expect_exhausted(
      [&] { (void)generate_username(registry, source, date(5, 6), CollisionPolicy::Sequential); });
  expect_exhausted(
      [&] { (void)generate_username(registry, source, date(5, 6), CollisionPolicy::Random); });
  // Another stem is unaffected.
  EXPECT_EQ(generate_username(registry, {.first_name = "Jean", .last_name = "Dupond"}, date(5, 6)),
            "jean.dupond0506");
}

TEST(GenerateUsername, RandomFillsTheWholeStemWithoutDuplicates) {
  MemoryUsernames registry;
  const UsernameSource source{.first_name = "Zoë", .last_name = "Müller"};
  std::set<std::string> seen;
  for (int i = 0; i < kSuffixCount; ++i) {
    const auto username = generate_username(registry, source, date(2, 11));  // Random default
    if (i == 0) {
      EXPECT_EQ(username, "zoe.muller0211");
    }
    ASSERT_TRUE(std::regex_match(username, username_regex())) << username;
    ASSERT_TRUE(seen.insert(username).second) << "duplicate " << username;
    ASSERT_TRUE(registry.add(username)) << username;
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kSuffixCount));
  EXPECT_TRUE(registry.taken_suffixes("zoe.muller").full());
  expect_exhausted([&] { (void)generate_username(registry, source, date(2, 11)); });
}

TEST(GenerateUsername, RandomIsUniformAmongTheFreeSuffixes) {
  // 9 990 taken (DDMM among them), 10 free: each should come out about a tenth of the time.
  constexpr std::array<int, 10> kFree = {0, 1, 505, 507, 1234, 5000, 6399, 6400, 9998, 9999};
  TakenSuffixes taken;
  for (int s = 0; s < kSuffixCount; ++s) {
    if (std::find(kFree.begin(), kFree.end(), s) == kFree.end()) taken.insert(s);
  }
  ASSERT_EQ(taken.count(), 9990);
  constexpr int kDraws = 50000;
  std::array<int, kSuffixCount> hits{};
  for (int i = 0; i < kDraws; ++i) {
    const auto username = choose_username("a.b", date(5, 6), taken, CollisionPolicy::Random);
    ++hits[static_cast<std::size_t>(suffix_of(username))];
  }
  double chi2 = 0;
  int total = 0;
  for (const int s : kFree) {
    const int n = hits[static_cast<std::size_t>(s)];
    total += n;
    // Expected 5 000, standard deviation about 67: 4 600..5 400 is a 6-sigma band.
    EXPECT_GT(n, 4600) << s;
    EXPECT_LT(n, 5400) << s;
    chi2 += (n - 5000.0) * (n - 5000.0) / 5000.0;
  }
  EXPECT_EQ(total, kDraws);  // never a taken suffix
  EXPECT_LT(chi2, 33.7);     // 9 degrees of freedom, p = 0.0001
}

TEST(MemoryUsernamesTest, CaseInsensitive) {
  MemoryUsernames registry;
  EXPECT_TRUE(registry.add("Jean.Dupont0506"));
  EXPECT_FALSE(registry.add("JEAN.DUPONT0506"));
  EXPECT_FALSE(registry.add("jean.dupont0506"));
  EXPECT_EQ(registry.size(), 1U);
  EXPECT_TRUE(registry.is_taken("jean.dupont0506"));
  EXPECT_TRUE(registry.is_taken("JEAN.dupont0506"));
  EXPECT_FALSE(registry.is_taken("jean.dupont0507"));
  EXPECT_FALSE(registry.is_taken("jean.dupond0506"));
  EXPECT_FALSE(registry.is_taken("not a username"));
  EXPECT_TRUE(registry.taken_suffixes("JEAN.Dupont").contains(506));
  EXPECT_EQ(registry.taken_suffixes("jean.dupont").count(), 1);
  EXPECT_EQ(registry.taken_suffixes("nobody.here").count(), 0);
  // The generator sees the taken name whatever its case.
  const auto username = generate_username(registry, {.first_name = "JEAN", .last_name = "dupont"},
                                          date(5, 6), CollisionPolicy::Sequential);
  EXPECT_EQ(username, "jean.dupont0507");
  EXPECT_THROW(registry.add("jean.dupont"), Error);
  EXPECT_THROW(registry.add("jean.dupont05067"), Error);
}

TEST(GenerateUsername, OneClassOfHomonyms) {
  // Thirty "Lucas Martin" born the same day: thirty distinct valid names, the first on DDMM.
  MemoryUsernames registry;
  for (const auto policy : {CollisionPolicy::Random, CollisionPolicy::Sequential}) {
    std::set<std::string> names;
    for (int i = 0; i < 30; ++i) {
      const auto username = generate_username(
          registry, {.first_name = "Lucas", .last_name = "Martin"}, date(14, 2), policy);
      expect_valid(username);
      EXPECT_TRUE(registry.add(username));
      names.insert(username);
    }
    EXPECT_EQ(names.size(), 30U);
  }
  EXPECT_TRUE(registry.is_taken("lucas.martin1402"));
  EXPECT_EQ(registry.size(), 60U);
}

}  // namespace
}  // namespace inscrire
