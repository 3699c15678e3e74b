#include "inscrire/birthdate.hpp"

#include <boost/date_time/gregorian/gregorian.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>

#include "inscrire/error.hpp"
#include "inscrire/text.hpp"

namespace inscrire {
namespace {

constexpr int kFirstYear = 1900;

// Reads 1..max_digits ASCII digits from the front of `text`, advancing it.
std::optional<int> read_number(std::string_view& text, std::size_t min_digits,
                               std::size_t max_digits) {
  std::size_t n = 0;
  int value = 0;
  while (n < text.size() && n < max_digits && text[n] >= '0' && text[n] <= '9') {
    value = value * 10 + (text[n] - '0');
    ++n;
  }
  if (n < min_digits) return std::nullopt;
  text.remove_prefix(n);
  return value;
}

bool read_separator(std::string_view& text, std::string_view allowed, char& used) {
  if (text.empty() || allowed.find(text.front()) == std::string_view::npos) return false;
  if (used != 0 && text.front() != used) return false;
  used = text.front();
  text.remove_prefix(1);
  return true;
}

struct Ymd {
  int year;
  int month;
  int day;
};

// "DD/MM/YYYY" (1 or 2 digits for day and month; '/', '.' or '-', the same twice) or
// "YYYY-MM-DD".
std::optional<Ymd> read_shape(std::string_view text) {
  char separator = 0;
  auto rest = text;
  if (text.size() == 10 && text[4] == '-') {
    const auto year = read_number(rest, 4, 4);
    if (!year || !read_separator(rest, "-", separator)) return std::nullopt;
    const auto month = read_number(rest, 2, 2);
    if (!month || !read_separator(rest, "-", separator)) return std::nullopt;
    const auto day = read_number(rest, 2, 2);
    if (!day || !rest.empty()) return std::nullopt;
    return Ymd{*year, *month, *day};
  }
  const auto day = read_number(rest, 1, 2);
  if (!day || !read_separator(rest, "/.-", separator)) return std::nullopt;
  const auto month = read_number(rest, 1, 2);
  if (!month || !read_separator(rest, "/.-", separator)) return std::nullopt;
  const auto year = read_number(rest, 4, 4);
  if (!year || !rest.empty()) return std::nullopt;
  return Ymd{*year, *month, *day};
}

bool is_real_date(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  const auto last = boost::gregorian::gregorian_calendar::end_of_month_day(
      static_cast<unsigned short>(year), static_cast<unsigned short>(month));
  return day <= last;
}

}  // namespace

BirthDate BirthDate::today() {
  const auto now = boost::gregorian::day_clock::local_day();
  return BirthDate(now.year(), now.month(), now.day());
}

BirthDate BirthDate::from_trusted_iso(std::string_view iso) noexcept {
  auto rest = iso;
  const auto year = read_number(rest, 4, 4);
  rest.remove_prefix(std::min<std::size_t>(1, rest.size()));
  const auto month = read_number(rest, 2, 2);
  rest.remove_prefix(std::min<std::size_t>(1, rest.size()));
  const auto day = read_number(rest, 2, 2);
  return BirthDate(year.value_or(1900), month.value_or(1), day.value_or(1));
}

BirthDate BirthDate::from_ymd(int year, int month, int day) {
  return from_ymd(year, month, day, today());
}

BirthDate BirthDate::from_ymd(int year, int month, int day, BirthDate today) {
  if (year < kFirstYear) throw Error(ErrorCode::BIRTHDATE_TOO_OLD);
  if (year > 9999 || !is_real_date(year, month, day)) throw Error(ErrorCode::INVALID_BIRTHDATE);
  const BirthDate date(year, month, day);
  if (date > today) throw Error(ErrorCode::BIRTHDATE_IN_FUTURE);
  return date;
}

BirthDate BirthDate::parse(std::string_view text) { return parse(text, today()); }

BirthDate BirthDate::parse(std::string_view text, BirthDate today) {
  const auto trimmed = trim(text);
  if (trimmed.empty()) throw Error(ErrorCode::BIRTHDATE_REQUIRED);
  const auto shape = read_shape(trimmed);
  if (!shape) throw Error(ErrorCode::INVALID_BIRTHDATE_FORMAT);
  return from_ymd(shape->year, shape->month, shape->day, today);
}

std::string BirthDate::iso() const {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02d-%02d", year_, month_, day_);
  return buffer.data();
}

std::string BirthDate::french() const {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%02d/%02d/%04d", day_, month_, year_);
  return buffer.data();
}

std::string BirthDate::ddmm() const {
  std::array<char, 8> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%02d%02d", day_, month_);
  return buffer.data();
}

}  // namespace inscrire
