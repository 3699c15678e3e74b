// Names as text (docs/rules.md §2 and §3): the comparison key, the username part, UTF-8 checks and
// name validation, against real ICU.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/text_internal.hpp"
#include "inscrire/error.hpp"
#include "inscrire/limits.hpp"
#include "inscrire/text.hpp"

#include <unicode/unistr.h>

#include <random>

namespace inscrire {
namespace {

struct NameCase {
  std::string_view name;
  std::string_view key;            // comparison_key: [a-z0-9]*
  std::string_view username_part;  // username_part: [a-z]*
};

// Shown by GoogleTest (and in ctest's test names) instead of the struct's raw bytes.
void PrintTo(const NameCase& c, std::ostream* out) { *out << '"' << c.key << '"'; }

// Every expected value was checked by hand against the spec: accents removed, ligatures and
// special letters spelled out, every script romanised, separators and symbols dropped, digits
// kept only in the key.
constexpr NameCase kCases[] = {
    {"Jean", "jean", "jean"},
    {"MARIE", "marie", "marie"},
    {"Jean-Marc", "jeanmarc", "jeanmarc"},
    {"Jean Marc", "jeanmarc", "jeanmarc"},
    {"  Jean  ", "jean", "jean"},
    {"Éloïse", "eloise", "eloise"},
    {"Zoë", "zoe", "zoe"},
    {"Chloé", "chloe", "chloe"},
    {"Hélène", "helene", "helene"},
    {"Gaël", "gael", "gael"},
    {"François", "francois", "francois"},
    {"Noémie", "noemie", "noemie"},
    {"Anaïs", "anais", "anais"},
    {"Jérôme", "jerome", "jerome"},
    {"Ève", "eve", "eve"},
    {"Brontë", "bronte", "bronte"},
    {"Ñúñez", "nunez", "nunez"},
    {"Çağla", "cagla", "cagla"},
    {"João", "joao", "joao"},
    {"Müller", "muller", "muller"},
    {"Œnone", "oenone", "oenone"},
    {"ŒUVRE", "oeuvre", "oeuvre"},
    {"cœur", "coeur", "coeur"},
    {"Æsa", "aesa", "aesa"},
    {"Lætitia", "laetitia", "laetitia"},
    {"Straße", "strasse", "strasse"},
    {"ẞ", "ss", "ss"},
    {"ĳsselmeer", "ijsselmeer", "ijsselmeer"},
    {"Ĳsbrand", "ijsbrand", "ijsbrand"},
    {"ﬁfi", "fifi", "fifi"},
    {"Ærøn", "aeron", "aeron"},
    {"Øystein", "oystein", "oystein"},
    {"Åsa", "asa", "asa"},
    {"Ðorđe", "dorde", "dorde"},
    {"Þórr", "thorr", "thorr"},
    {"Ægir", "aegir", "aegir"},
    {"Łukasz", "lukasz", "lukasz"},
    {"Żaneta", "zaneta", "zaneta"},
    {"Čapek", "capek", "capek"},
    {"Dvořák", "dvorak", "dvorak"},
    {"Šimon", "simon", "simon"},
    {"Władysław", "wladyslaw", "wladyslaw"},
    {"Işıl", "isil", "isil"},
    {"İlker", "ilker", "ilker"},
    {"Şule", "sule", "sule"},
    {"Ğülay", "gulay", "gulay"},
    {"Nguyễn Thị Minh Khai", "nguyenthiminhkhai", "nguyenthiminhkhai"},
    {"Đặng Văn Lâm", "dangvanlam", "dangvanlam"},
    {"Trần Hưng Đạo", "tranhungdao", "tranhungdao"},
    {"Αλέξανδρος", "alexandros", "alexandros"},
    {"Σωκράτης", "sokrates", "sokrates"},
    {"Ζωή", "zoe", "zoe"},
    {"Ψυχή", "psyche", "psyche"},
    {"Анна", "anna", "anna"},
    {"Дмитрий", "dmitrij", "dmitrij"},
    {"Жанна", "zanna", "zanna"},
    {"Ёлка", "elka", "elka"},
    {"Їжак", "izak", "izak"},
    {"محمد", "mhmd", "mhmd"},
    {"فاطمة", "fatmt", "fatmt"},
    {"王芳", "wangfang", "wangfang"},
    {"李小龙", "lixiaolong", "lixiaolong"},
    {"やまだ", "yamada", "yamada"},
    {"トヨタ", "toyota", "toyota"},
    {"김민준", "gimminjun", "gimminjun"},
    {"ＡＢＣ", "abc", "abc"},
    {"Ｊｏｅ", "joe", "joe"},
    {"Ｊｏｓé１２", "jose12", "jose"},
    {"O'Connor", "oconnor", "oconnor"},
    {"O’Connor", "oconnor", "oconnor"},
    {"D'Artagnan", "dartagnan", "dartagnan"},
    {"N’Diaye", "ndiaye", "ndiaye"},
    {"Le Gall", "legall", "legall"},
    {"De La Fontaine", "delafontaine", "delafontaine"},
    {"van der Berg", "vanderberg", "vanderberg"},
    {"Saint-Exupéry", "saintexupery", "saintexupery"},
    {"Louis 14", "louis14", "louis"},
    {"Henri IV", "henriiv", "henriiv"},
    {"2Pac", "2pac", "pac"},
    {"Jean_Paul", "jeanpaul", "jeanpaul"},
    {"Anne@Marie", "annemarie", "annemarie"},
    {"Élise😀", "elise", "elise"},
    {"Əliyev", "eliyev", "eliyev"},
    {"Kɔfi", "kofi", "kofi"},
    {"Ɣilas", "ghilas", "ghilas"},
    {"---", "", ""},
    {"’", "", ""},
    {"Joé", "joe", "joe"},
    {"Joe", "joe", "joe"},
    {"Jo e", "joe", "joe"},
    {"Ⅻ", "xii", "xii"},
    {"①", "1", ""},
    {"", "", ""},
    {"   ", "", ""},
    {"\u3000", "", ""},
    {"\u00A0Jean\u00A0", "jean", "jean"},
    {"Jos\u0065\u0301", "jose", "jose"},  // decomposed é (NFD input)
};

class NameTable : public ::testing::TestWithParam<NameCase> {};

TEST_P(NameTable, KeyAndUsernamePart) {
  const auto& c = GetParam();
  EXPECT_EQ(comparison_key(c.name), c.key) << c.name;
  EXPECT_EQ(username_part(c.name), c.username_part) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Names, NameTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<NameCase>& param) {
                           return "case" + std::to_string(param.index);
                         });

TEST(NameTable, HasAtLeastEightyCases) { EXPECT_GE(std::size(kCases), 80U); }

TEST(NameTable, OutputsStayInTheirAlphabet) {
  for (const auto& c : kCases) {
    for (const char ch : comparison_key(c.name)) {
      EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) << c.name;
    }
    for (const char ch : username_part(c.name)) EXPECT_TRUE(ch >= 'a' && ch <= 'z') << c.name;
  }
}

// Pix facts (docs/rules.md §2): we do not drop ß, œ, æ or non-Latin letters.
TEST(PixFacts, WeTransliterateWhatPixDrops) {
  EXPECT_EQ(username_part("Straße"), "strasse");  // Pix: "strae"
  EXPECT_EQ(username_part("Œnone"), "oenone");    // Pix: "none"
  EXPECT_EQ(username_part("Анна"), "anna");       // Pix: ""
  EXPECT_EQ(username_part("Ærøn"), "aeron");
}

TEST(PixFacts, AccentsAndSpacesDoNotChangeTheKey) {
  EXPECT_EQ(comparison_key("Joé"), comparison_key("Joe"));
  EXPECT_EQ(comparison_key("Jo e"), comparison_key("Joe"));
  EXPECT_EQ(comparison_key("JOE"), comparison_key("Joe"));
  EXPECT_EQ(comparison_key("Frédérique"), "frederique");
  EXPECT_EQ(comparison_key("Frédéric"), "frederic");
}

TEST(Digits, KeptInKeyDroppedInUsernamePart) {
  EXPECT_EQ(comparison_key("Louis 14"), "louis14");
  EXPECT_EQ(username_part("Louis 14"), "louis");
  EXPECT_EQ(comparison_key("１２３"), "123");
  EXPECT_EQ(username_part("１２３"), "");
}

void expect_code(ErrorCode expected, auto&& call) {
  try {
    call();
    ADD_FAILURE() << "expected " << code_name(expected) << ", nothing thrown";
  } catch (const Error& e) {
    EXPECT_EQ(code_name(e.code()), code_name(expected)) << e.what();
  }
}

using namespace std::string_view_literals;

constexpr std::string_view kInvalidUtf8[] = {
    "\xC0\x80"sv,              // overlong NUL
    "Jo\xC1\xA5"sv,            // overlong 'e'
    "\xE0\x80\xAF"sv,          // overlong '/'
    "\xF0\x80\x80\xAF"sv,      // overlong, four bytes
    "\xED\xA0\x80"sv,          // high surrogate U+D800
    "\xED\xBF\xBF"sv,          // low surrogate U+DFFF
    "Jos\xC3"sv,               // truncated é
    "\xE2\x82"sv,              // truncated €
    "\xF0\x9F\x98"sv,          // truncated emoji
    "\x80"sv,                  // lone continuation byte
    "Jean\xBF Marc"sv,         // continuation byte inside ASCII
    "\xF4\x90\x80\x80"sv,      // above U+10FFFF
    "\xF8\x88\x80\x80\x80"sv,  // five-byte form
    "\xFE"sv,                  // never valid
    "\xFF\xFE"sv,              // UTF-16 byte-order mark
    "Ren\xE9"sv,               // Latin-1 é
};

TEST(Utf8, InvalidSequencesAreRefusedEverywhere) {
  for (const auto text : kInvalidUtf8) {
    SCOPED_TRACE(testing::PrintToString(std::string(text)));
    EXPECT_FALSE(is_valid_utf8(text));
    expect_code(ErrorCode::INVALID_UTF8, [&] { (void)comparison_key(text); });
    expect_code(ErrorCode::INVALID_UTF8, [&] { (void)username_part(text); });
    expect_code(ErrorCode::INVALID_UTF8, [&] { validate_name(text); });
  }
}

TEST(Utf8, ValidSequencesAreAccepted) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ascii"));
  EXPECT_TRUE(is_valid_utf8("\0"sv));
  EXPECT_TRUE(is_valid_utf8("Éloïse"));
  EXPECT_TRUE(is_valid_utf8("王芳"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600, four bytes
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBF"));      // U+FFFF, a noncharacter but well-formed
}

TEST(ValidateName, AcceptsRealNames) {
  for (const auto& c : kCases) {
    if (trim(c.name).empty() || c.name == "\u3000" || c.name.starts_with("\u00A0")) continue;
    EXPECT_NO_THROW(validate_name(c.name)) << c.name;
  }
}

TEST(ValidateName, EmptyAndBlankAreRequired) {
  expect_code(ErrorCode::NAME_REQUIRED, [] { validate_name(""); });
  expect_code(ErrorCode::NAME_REQUIRED, [] { validate_name(" "); });
  expect_code(ErrorCode::NAME_REQUIRED, [] { validate_name("     "); });
  expect_code(ErrorCode::NAME_REQUIRED, [] { validate_name("\u00A0"); });   // no-break space
  expect_code(ErrorCode::NAME_REQUIRED, [] { validate_name("\u3000 "); });  // ideographic space
}

TEST(ValidateName, ControlCharactersAndReplacementCharacterAreRefused) {
  constexpr std::string_view kBad[] = {
      "Jean\0Marc"sv,   "\0"sv,
      "Jean\tMarc"sv,   "Jean\nMarc"sv,
      "Jean\rMarc"sv,   "\x1B[31mJean"sv,
      "Jean\x7F"sv,     "Jean\xC2\x85"sv /* NEL */,
      "Jean\xC2\x9F"sv, "Jo\xEF\xBF\xBD"sv /* U+FFFD */,
  };
  for (const auto text : kBad) {
    SCOPED_TRACE(testing::PrintToString(std::string(text)));
    expect_code(ErrorCode::INVALID_NAME_CHARACTERS, [&] { validate_name(text); });
  }
}

// The limit of docs/rules.md §6 (the first version allowed 255 and answered NAME_TOO_LONG).
TEST(ValidateName, LengthLimitCountsCharactersNotBytes) {
  ASSERT_EQ(kMaxNameCharacters, 100U);
  EXPECT_NO_THROW(validate_name(std::string(100, 'a')));
  expect_code(ErrorCode::FIELD_TOO_LONG, [] { validate_name(std::string(101, 'a')); });
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "é";  // 200 bytes, 100 characters
  EXPECT_NO_THROW(validate_name(accented));
  expect_code(ErrorCode::FIELD_TOO_LONG, [&] { validate_name(accented + "é"); });
  std::string han;
  for (int i = 0; i < 100; ++i) han += "王";
  EXPECT_NO_THROW(validate_name(han));
  expect_code(ErrorCode::FIELD_TOO_LONG, [&] { validate_name(han + "a"); });
  try {
    validate_name(std::string(101, 'a'), "last_name");
  } catch (const Error& e) {
    EXPECT_EQ(e.detail(), "last_name: 100 characters at most");
  }
}

TEST(Trim, AsciiWhiteSpaceOnly) {
  EXPECT_EQ(trim("  Jean \t\r\n"), "Jean");
  EXPECT_EQ(trim("Jean Marc"), "Jean Marc");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("\u00A0Jean"), "\u00A0Jean");
}

// Transliterators are per thread: eight threads hammering non-ASCII names (including the first,
// concurrent use in a fresh process) must see exactly the single-threaded results.
TEST(ThreadSafety, EightThreadsAgreeWithTheTable) {
  std::vector<NameCase> non_ascii;
  for (const auto& c : kCases) {
    for (const char ch : c.name) {
      if (static_cast<unsigned char>(ch) >= 0x80) {
        non_ascii.push_back(c);
        break;
      }
    }
  }
  ASSERT_GE(non_ascii.size(), 50U);
  constexpr int kThreads = 8;
  constexpr int kRounds = 200;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        // Each thread walks the list from a different starting point.
        for (std::size_t i = 0; i < non_ascii.size(); ++i) {
          const auto& c = non_ascii[(i + static_cast<std::size_t>(t) * 7) % non_ascii.size()];
          if (comparison_key(c.name) != c.key) ++mismatches[static_cast<std::size_t>(t)];
          if (username_part(c.name) != c.username_part) {
            ++mismatches[static_cast<std::size_t>(t)];
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[static_cast<std::size_t>(t)], 0) << t;
}

}  // namespace
}  // namespace inscrire

// --- The table shortcut for Latin letters must give exactly what ICU gives ----------------------

namespace {

std::string utf8_of(UChar32 c) {
  std::string out;
  icu::UnicodeString(c).toUTF8String(out);
  return out;
}

}  // namespace

TEST(LatinTable, EveryCodePointFoldsAsIcuDoes) {
  for (UChar32 c = 0x80; c < 0x370; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    // Built by appending: GCC 12 at -O2/-O3 reports a false -Wrestrict on `"A" + utf8_of(c)`
    // (GCC bug 105329).
    const auto text = std::string("A").append(utf8_of(c)).append("b");
    EXPECT_EQ(inscrire::comparison_key(text), inscrire::detail::fold_with_icu(text, true))
        << "U+" << std::hex << c;
    EXPECT_EQ(inscrire::username_part(text), inscrire::detail::fold_with_icu(text, false))
        << "U+" << std::hex << c;
  }
}

TEST(LatinTable, RandomLatinNamesWithCombiningAccentsFoldAsIcuDoes) {
  std::mt19937 random(20261128);
  std::uniform_int_distribution<int> length(1, 12);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<UChar32> ascii(0x20, 0x7E), latin(0xA0, 0x24F),
      accent(0x300, 0x36F);
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    for (int i = length(random); i > 0; --i) {
      const int k = kind(random);
      text += utf8_of(k < 4 ? ascii(random) : k < 8 ? latin(random) : accent(random));
    }
    ASSERT_EQ(inscrire::comparison_key(text), inscrire::detail::fold_with_icu(text, true)) << text;
    ASSERT_EQ(inscrire::username_part(text), inscrire::detail::fold_with_icu(text, false)) << text;
  }
}
