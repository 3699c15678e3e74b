// Birth dates as pupils type them (DD/MM/YYYY, also D/M/YYYY, with '/', '.' or '-') and as
// files and APIs carry them (ISO YYYY-MM-DD). Validated with Boost.Date_Time.
#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace inscrire {

class BirthDate {
 public:
  // 1900-01-01: a placeholder for a record being filled in.
  BirthDate() noexcept = default;
  // Parses and validates. Throws Error with BIRTHDATE_REQUIRED (empty), INVALID_BIRTHDATE_FORMAT
  // (not one of the accepted shapes), INVALID_BIRTHDATE (31/02, 29/02 of a common year),
  // BIRTHDATE_TOO_OLD (before 1900) or BIRTHDATE_IN_FUTURE (after `today`).
  static BirthDate parse(std::string_view text);
  static BirthDate parse(std::string_view text, BirthDate today);
  // Validates a date given as numbers, with the same codes as parse.
  static BirthDate from_ymd(int year, int month, int day);
  static BirthDate from_ymd(int year, int month, int day, BirthDate today);
  // A date read back from storage, validated when it was written: "YYYY-MM-DD", unchecked.
  static BirthDate from_trusted_iso(std::string_view iso) noexcept;
  // Today's date on the local calendar.
  static BirthDate today();

  int year() const noexcept { return year_; }
  int month() const noexcept { return month_; }
  int day() const noexcept { return day_; }

  std::string iso() const;     // "2010-06-05"
  std::string french() const;  // "05/06/2010"
  std::string ddmm() const;    // "0506", the username suffix

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 sees the literal 0 of the synthesised <=>
  friend auto operator<=>(const BirthDate&, const BirthDate&) = default;

 private:
  BirthDate(int year, int month, int day) noexcept : year_(year), month_(month), day_(day) {}
  int year_ = 1900;
  int month_ = 1;
  int day_ = 1;
};

}  // namespace inscrire
