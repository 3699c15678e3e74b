// The C error numbers are written by hand in inscrire.h; this checks them against the C++
// list (error.hpp), which is the source of truth: same names, numbers -(position + 1), same
// names from inscrire_error_code_name, same sentences, and no C number beyond the list.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "inscrire.h"
#include "inscrire/error.hpp"

namespace {

struct Pair {
  inscrire::ErrorCode cpp;
  int c;
  const char *name;
};

// Fails to compile if the header lacks an INSCRIRE_E_ constant for a C++ code.
constexpr Pair kPairs[] = {
#define INSCRIRE_PAIR(name, fr, en) {inscrire::ErrorCode::name, INSCRIRE_E_##name, #name},
    INSCRIRE_ERROR_CODES(INSCRIRE_PAIR)
#undef INSCRIRE_PAIR
};

TEST(CapiErrorCodes, EveryCodeHasItsPinnedNumberAndName) {
  const auto all = inscrire::all_error_codes();
  ASSERT_EQ(all.size(), std::size(kPairs));
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto &pair = kPairs[i];
    SCOPED_TRACE(pair.name);
    EXPECT_EQ(pair.cpp, all[i]);
    EXPECT_EQ(pair.c, -static_cast<int>(i + 1));
    EXPECT_STREQ(inscrire_error_code_name(pair.c), pair.name);
    EXPECT_EQ(std::string(inscrire::code_name(pair.cpp)), pair.name);
    EXPECT_EQ(std::string(inscrire_error_describe(pair.c, INSCRIRE_LANGUAGE_FRENCH)),
              inscrire::describe(pair.cpp, inscrire::Language::French));
    EXPECT_EQ(std::string(inscrire_error_describe(pair.c, INSCRIRE_LANGUAGE_ENGLISH)),
              inscrire::describe(pair.cpp, inscrire::Language::English));
  }
}

TEST(CapiErrorCodes, NumbersOutsideTheListAreNoCodes) {
  const int past_end = -static_cast<int>(std::size(kPairs)) - 1;
  EXPECT_EQ(inscrire_error_code_name(past_end), nullptr);
  EXPECT_EQ(inscrire_error_describe(past_end, INSCRIRE_LANGUAGE_ENGLISH), nullptr);
  EXPECT_STREQ(inscrire_error_code_name(INSCRIRE_OK), "OK");
  EXPECT_EQ(inscrire_error_code_name(1), nullptr);
}

}  // namespace
