// Campaign codes (docs/rules.md §5): shape, alphabet, distribution, and reading what a pupil typed.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

#include "inscrire/campaign.hpp"
#include "inscrire/error.hpp"

namespace inscrire {
namespace {

// ---- generate_campaign_code -----------------------------------------------------------------

TEST(CampaignCode, ShapeAndAlphabet) {
  for (int i = 0; i < 2000; ++i) {
    const std::string code = generate_campaign_code();
    ASSERT_EQ(code.size(), 9u);
    for (std::size_t k = 0; k < 6; ++k) {
      ASSERT_NE(kCodeLetters.find(code[k]), std::string_view::npos) << code;
    }
    for (std::size_t k = 6; k < 9; ++k) {
      ASSERT_NE(kCodeDigits.find(code[k]), std::string_view::npos) << code;
    }
    ASSERT_TRUE(is_well_formed_campaign_code(code)) << code;
    ASSERT_EQ(code.find_first_of("ILO01"), std::string::npos) << code;
  }
}

TEST(CampaignCode, AlphabetsAreTheSpecifiedOnes) {
  EXPECT_EQ(kCodeLetters.size(), 23u);
  EXPECT_EQ(kCodeDigits.size(), 8u);
  EXPECT_EQ(kCodeLetters.find_first_of("ILO"), std::string_view::npos);
  EXPECT_EQ(kCodeDigits.find_first_of("01"), std::string_view::npos);
}

// Pearson's statistic of observed counts against a uniform expectation.
template <std::size_t N>
double chi_square(const std::array<int, N>& counts, double expected) {
  double sum = 0;
  for (const int count : counts) sum += (count - expected) * (count - expected) / expected;
  return sum;
}

TEST(CampaignCode, LettersAndDigitsAreUniform) {
  constexpr int kCodes = 20000;
  std::array<int, 23> letters{};
  std::array<int, 8> digits{};
  std::array<std::array<int, 23>, 6> letters_by_position{};
  std::set<std::string> distinct;
  for (int i = 0; i < kCodes; ++i) {
    const std::string code = generate_campaign_code();
    distinct.insert(code);
    for (std::size_t k = 0; k < 6; ++k) {
      const std::size_t index = kCodeLetters.find(code[k]);
      ++letters[index];
      ++letters_by_position[k][index];
    }
    for (std::size_t k = 6; k < 9; ++k) ++digits[kCodeDigits.find(code[k])];
  }
  // Each letter: expected 20000 * 6 / 23 = 5217 (sd about 71); each digit 7500 (sd about 81).
  // The bounds are about 10 standard deviations: a failure means bias, not bad luck.
  const double expected_letter = kCodes * 6.0 / 23.0;
  for (const int count : letters) {
    EXPECT_NEAR(count, expected_letter, expected_letter * 0.12);
  }
  const double expected_digit = kCodes * 3.0 / 8.0;
  for (const int count : digits) EXPECT_NEAR(count, expected_digit, expected_digit * 0.12);
  // 22 and 7 degrees of freedom: p < 1e-9 above these values.
  EXPECT_LT(chi_square(letters, expected_letter), 90.0);
  EXPECT_LT(chi_square(digits, expected_digit), 60.0);
  for (const auto& position : letters_by_position) {
    EXPECT_LT(chi_square(position, kCodes / 23.0), 90.0);
  }
  // 23^6 * 8^3 = 7.5e10 codes: among 20 000, a collision or two at most.
  EXPECT_GE(distinct.size(), static_cast<std::size_t>(kCodes - 5));
}

// ---- canonical_campaign_code ----------------------------------------------------------------

TEST(CanonicalCode, SpecExamples) {
  EXPECT_EQ(canonical_campaign_code("abc-def 234"), "ABCDEF234");
  EXPECT_EQ(canonical_campaign_code(" AbC DeF-234 "), "ABCDEF234");
  EXPECT_EQ(canonical_campaign_code("ABCDEF234"), "ABCDEF234");
}

TEST(CanonicalCode, AsciiBlanks) {
  EXPECT_EQ(canonical_campaign_code("\tabc\tdef\n234\r\n"), "ABCDEF234");
  EXPECT_EQ(canonical_campaign_code("a b c d e f 2 3 4"), "ABCDEF234");
  EXPECT_EQ(canonical_campaign_code("---abc---def---234---"), "ABCDEF234");
}

TEST(CanonicalCode, UnicodeSpaces) {
  EXPECT_EQ(canonical_campaign_code("ABC\u00A0DEF\u00A0234"), "ABCDEF234");  // NBSP
  EXPECT_EQ(canonical_campaign_code("ABC\u202FDEF\u202F234"), "ABCDEF234");  // narrow NBSP
  EXPECT_EQ(canonical_campaign_code("ABC\u2009DEF\u3000234"), "ABCDEF234");  // thin, ideographic
  EXPECT_EQ(canonical_campaign_code("\uFEFFABC\u200BDEF234"), "ABCDEF234");  // BOM, zero-width
}

TEST(CanonicalCode, UnicodeHyphensAndDashes) {
  EXPECT_EQ(canonical_campaign_code("ABC\u2010DEF\u2011234"), "ABCDEF234");
  EXPECT_EQ(canonical_campaign_code("ABC\u2013DEF\u2014234"), "ABCDEF234");
  EXPECT_EQ(canonical_campaign_code("ABC\u2212DEF\u00AD234"), "ABCDEF234");
}

TEST(CanonicalCode, IsWellFormedAfterCanonicalisation) {
  EXPECT_TRUE(is_well_formed_campaign_code(canonical_campaign_code(" qrs - tuv 789 ")));
}

TEST(CanonicalCode, MalformedInputIsReturnedNotRejected) {
  EXPECT_EQ(canonical_campaign_code(""), "");
  EXPECT_EQ(canonical_campaign_code("   "), "");
  EXPECT_EQ(canonical_campaign_code("abc"), "ABC");
  EXPECT_EQ(canonical_campaign_code("abc_def.234!"), "ABC_DEF.234!");
  EXPECT_EQ(canonical_campaign_code("écolé"), "éCOLé");  // only ASCII letters are upper-cased
  EXPECT_EQ(canonical_campaign_code(std::string_view("AB\0C", 4)), std::string("AB\0C", 4));
  EXPECT_FALSE(is_well_formed_campaign_code(canonical_campaign_code("abc")));
}

TEST(CanonicalCode, InvalidUtf8IsRefused) {
  for (const std::string_view bad : {"ABC\xFF", "\xC3", "\xC0\xAF", "\xED\xA0\x80"}) {
    try {
      canonical_campaign_code(bad);
      ADD_FAILURE() << "accepted invalid UTF-8";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::INVALID_UTF8);
    }
  }
}

// ---- is_well_formed_campaign_code -----------------------------------------------------------

TEST(WellFormedCode, Accepts) {
  EXPECT_TRUE(is_well_formed_campaign_code("ABCDEF234"));
  EXPECT_TRUE(is_well_formed_campaign_code("ZZZZZZ999"));
  EXPECT_TRUE(is_well_formed_campaign_code("HJKMNP222"));
}

TEST(WellFormedCode, Refuses) {
  EXPECT_FALSE(is_well_formed_campaign_code(""));
  EXPECT_FALSE(is_well_formed_campaign_code("ABCDEF23"));    // too short
  EXPECT_FALSE(is_well_formed_campaign_code("ABCDEF2345"));  // too long
  EXPECT_FALSE(is_well_formed_campaign_code("abcdef234"));   // not canonical
  EXPECT_FALSE(is_well_formed_campaign_code("ABCDEI234"));   // I excluded
  EXPECT_FALSE(is_well_formed_campaign_code("ABCDEL234"));   // L excluded
  EXPECT_FALSE(is_well_formed_campaign_code("ABCDEO234"));   // O excluded
  EXPECT_FALSE(is_well_formed_campaign_code("ABCDEF230"));   // 0 excluded
  EXPECT_FALSE(is_well_formed_campaign_code("ABCDEF231"));   // 1 excluded
  EXPECT_FALSE(is_well_formed_campaign_code("ABCDE2345"));   // 5 letters, 4 digits
  EXPECT_FALSE(is_well_formed_campaign_code("234ABCDEF"));   // digits first
  EXPECT_FALSE(is_well_formed_campaign_code("ABC DEF234"));  // not canonical
  EXPECT_FALSE(is_well_formed_campaign_code(std::string_view("ABCDEF23\0", 9)));
}

// ---- CampaignStatus -------------------------------------------------------------------------

TEST(CampaignStatusName, RoundTrip) {
  for (const CampaignStatus status :
       {CampaignStatus::Active, CampaignStatus::Archived, CampaignStatus::Deleted}) {
    EXPECT_EQ(campaign_status_from_name(campaign_status_name(status)), status);
  }
  EXPECT_EQ(campaign_status_name(CampaignStatus::Archived), "archived");
  EXPECT_EQ(campaign_status_from_name("ARCHIVED"), std::nullopt);
  EXPECT_EQ(campaign_status_from_name(""), std::nullopt);
}

TEST(CampaignValue, Defaults) {
  const Campaign campaign;
  EXPECT_EQ(campaign.id, 0);
  EXPECT_EQ(campaign.status, CampaignStatus::Active);
  EXPECT_TRUE(campaign.division.empty());
}

}  // namespace
}  // namespace inscrire
