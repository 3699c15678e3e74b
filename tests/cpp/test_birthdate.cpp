// Birth dates as pupils type them and as files carry them (docs/rules.md §1 step 4, §6).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"

namespace inscrire {
namespace {

using namespace std::string_view_literals;

// A fixed "today" so that the tests do not depend on the calendar.
BirthDate fixed_today() { return BirthDate::from_ymd(2024, 6, 15); }

BirthDate parse(std::string_view text) { return BirthDate::parse(text, fixed_today()); }

void expect_code(std::string_view text, ErrorCode expected) {
  SCOPED_TRACE(testing::PrintToString(std::string(text)));
  try {
    const auto date = parse(text);
    ADD_FAILURE() << "expected " << code_name(expected) << ", got " << date.iso();
  } catch (const Error& e) {
    EXPECT_EQ(code_name(e.code()), code_name(expected)) << e.what();
  }
}

struct Accepted {
  std::string_view text;
  int year;
  int month;
  int day;
};

constexpr Accepted kAccepted[] = {
    {"05/06/2010", 2010, 6, 5},   {"5/6/2010", 2010, 6, 5},       {"05/6/2010", 2010, 6, 5},
    {"5/06/2010", 2010, 6, 5},    {"2010-06-05", 2010, 6, 5},     {"05.06.2010", 2010, 6, 5},
    {"05-06-2010", 2010, 6, 5},   {"5.6.2010", 2010, 6, 5},       {" 05/06/2010", 2010, 6, 5},
    {"05/06/2010  ", 2010, 6, 5}, {"\t05/06/2010\n", 2010, 6, 5}, {" 2010-06-05 ", 2010, 6, 5},
    {"01/03/2008", 2008, 3, 1},   {"31/12/2009", 2009, 12, 31},   {"29/02/2012", 2012, 2, 29},
    {"29/02/2000", 2000, 2, 29},  {"2012-02-29", 2012, 2, 29},    {"01/01/1900", 1900, 1, 1},
    {"15/06/2024", 2024, 6, 15},  {"31/01/2011", 2011, 1, 31},    {"30/04/2011", 2011, 4, 30},
};

TEST(BirthDateParse, AcceptedShapes) {
  for (const auto& c : kAccepted) {
    SCOPED_TRACE(std::string(c.text));
    const auto date = parse(c.text);
    EXPECT_EQ(date.year(), c.year);
    EXPECT_EQ(date.month(), c.month);
    EXPECT_EQ(date.day(), c.day);
  }
}

TEST(BirthDateParse, EmptyIsRequired) {
  expect_code("", ErrorCode::BIRTHDATE_REQUIRED);
  expect_code("   ", ErrorCode::BIRTHDATE_REQUIRED);
  expect_code("\t\n", ErrorCode::BIRTHDATE_REQUIRED);
}

TEST(BirthDateParse, GarbageIsAFormatError) {
  constexpr std::string_view kGarbage[] = {
      "2010/06/05"sv,   "5/6/10"sv,      "05/06/2010x"sv,    "x05/06/2010"sv,
      "05/06/10"sv,     "05/06"sv,       "05062010"sv,       "05/06-2010"sv,
      "05.06/2010"sv,   "05 06 2010"sv,  "05 / 06 / 2010"sv, "005/06/2010"sv,
      "05/006/2010"sv,  "05/06/02010"sv, "2010-6-5"sv,       "2010-06-5"sv,
      "2010.06.05"sv,   "10-06-05"sv,    "+5/06/2010"sv,     "-5/06/2010"sv,
      "05/06/2010\0"sv, "\xFF"sv,        "aa/bb/cccc"sv,     "juin 2010"sv,
      "05//2010"sv,     "//"sv,          "٠٥/٠٦/٢٠١٠"sv,     "０５/０６/２０１０"sv,
  };
  for (const auto text : kGarbage) expect_code(text, ErrorCode::INVALID_BIRTHDATE_FORMAT);
}

TEST(BirthDateParse, ImpossibleDates) {
  expect_code("31/02/2010", ErrorCode::INVALID_BIRTHDATE);
  expect_code("30/02/2012", ErrorCode::INVALID_BIRTHDATE);
  expect_code("29/02/2011", ErrorCode::INVALID_BIRTHDATE);
  expect_code("29/02/1900", ErrorCode::INVALID_BIRTHDATE);  // 1900 is not a leap year
  expect_code("31/04/2010", ErrorCode::INVALID_BIRTHDATE);
  expect_code("31/06/2010", ErrorCode::INVALID_BIRTHDATE);
  expect_code("32/01/2010", ErrorCode::INVALID_BIRTHDATE);
  expect_code("00/01/2010", ErrorCode::INVALID_BIRTHDATE);
  expect_code("01/00/2010", ErrorCode::INVALID_BIRTHDATE);
  expect_code("01/13/2010", ErrorCode::INVALID_BIRTHDATE);
  expect_code("99/99/2010", ErrorCode::INVALID_BIRTHDATE);
  expect_code("2010-02-30", ErrorCode::INVALID_BIRTHDATE);
  expect_code("2010-13-01", ErrorCode::INVALID_BIRTHDATE);
}

TEST(BirthDateParse, TooOld) {
  expect_code("31/12/1899", ErrorCode::BIRTHDATE_TOO_OLD);
  expect_code("01/01/1899", ErrorCode::BIRTHDATE_TOO_OLD);
  expect_code("1899-06-05", ErrorCode::BIRTHDATE_TOO_OLD);
  expect_code("05/06/0000", ErrorCode::BIRTHDATE_TOO_OLD);
}

TEST(BirthDateParse, FutureAgainstInjectedToday) {
  EXPECT_NO_THROW(parse("15/06/2024"));  // today itself
  expect_code("16/06/2024", ErrorCode::BIRTHDATE_IN_FUTURE);
  expect_code("01/07/2024", ErrorCode::BIRTHDATE_IN_FUTURE);
  expect_code("01/01/2025", ErrorCode::BIRTHDATE_IN_FUTURE);
  expect_code("2030-01-01", ErrorCode::BIRTHDATE_IN_FUTURE);
  // The same text is fine for a later "today".
  EXPECT_NO_THROW(BirthDate::parse("01/01/2025", BirthDate::from_ymd(2025, 1, 1)));
}

TEST(BirthDateParse, RealTodayOverload) {
  EXPECT_EQ(BirthDate::parse("05/06/2010").iso(), "2010-06-05");
  EXPECT_THROW(BirthDate::parse("01/01/9000"), Error);
  const auto today = BirthDate::today();
  EXPECT_GE(today.year(), 2024);
  EXPECT_EQ(BirthDate::parse(today.french()), today);
}

TEST(BirthDateFromYmd, SameRules) {
  const auto today = fixed_today();
  EXPECT_EQ(BirthDate::from_ymd(2010, 6, 5, today).french(), "05/06/2010");
  EXPECT_THROW(BirthDate::from_ymd(2010, 2, 31, today), Error);
  try {
    (void)BirthDate::from_ymd(1899, 12, 31, today);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BIRTHDATE_TOO_OLD);
  }
  try {
    (void)BirthDate::from_ymd(2024, 6, 16, today);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BIRTHDATE_IN_FUTURE);
  }
}

TEST(BirthDateFormat, IsoFrenchDdmm) {
  const auto date = parse("5/6/2010");
  EXPECT_EQ(date.iso(), "2010-06-05");
  EXPECT_EQ(date.french(), "05/06/2010");
  EXPECT_EQ(date.ddmm(), "0506");
  const auto march = parse("01/03/2008");
  EXPECT_EQ(march.ddmm(), "0103");
  EXPECT_EQ(march.iso(), "2008-03-01");
  const auto december = parse("31.12.2009");
  EXPECT_EQ(december.ddmm(), "3112");
  EXPECT_EQ(december.french(), "31/12/2009");
  // Round trips.
  EXPECT_EQ(parse(date.iso()), date);
  EXPECT_EQ(parse(date.french()), date);
}

TEST(BirthDateValue, DefaultAndOrdering) {
  const BirthDate placeholder;
  EXPECT_EQ(placeholder.iso(), "1900-01-01");
  EXPECT_LT(parse("31/12/2009"), parse("01/01/2010"));
  EXPECT_LT(parse("05/06/2010"), parse("06/06/2010"));
  EXPECT_EQ(parse("05/06/2010"), parse("2010-06-05"));
  EXPECT_NE(parse("05/06/2010"), parse("06/05/2010"));
}

}  // namespace
}  // namespace inscrire
