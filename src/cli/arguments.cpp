#include <algorithm>
#include <chrono>

#include "command.hpp"

namespace inscrire::cli {

std::string take(Arguments& args, const char* what) {
  if (args.empty()) throw UsageError(std::string("missing ") + what);
  auto value = args.front();
  args.erase(args.begin());
  return value;
}

std::optional<std::string> take_option(Arguments& args, const std::string& name) {
  const auto found = std::find(args.begin(), args.end(), name);
  if (found == args.end()) return std::nullopt;
  if (found + 1 == args.end()) throw UsageError(name + " needs a value");
  auto value = *(found + 1);
  args.erase(found, found + 2);
  return value;
}

bool take_flag(Arguments& args, const std::string& name) {
  const auto found = std::find(args.begin(), args.end(), name);
  if (found == args.end()) return false;
  args.erase(found);
  return true;
}

void expect_no_more(const Arguments& args) {
  if (!args.empty()) throw UsageError("unexpected argument: " + args.front());
}

int number_option(const std::string& value, const std::string& name) {
  std::size_t used = 0;
  int number = 0;
  try {
    number = std::stoi(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size()) throw UsageError(name + " takes a whole number");
  return number;
}

std::int64_t time_option(const std::string& value, const std::string& name) {
  const auto refused = [&] {
    return UsageError(name +
                      " takes an ISO 8601 date or time: 2026-09-01, 2026-09-01T08:30:00Z, "
                      "2026-09-01T10:30:00+02:00");
  };
  // The `count` digits at `at`, as a number.
  const auto digits = [&](std::size_t at, std::size_t count) {
    if (at + count > value.size()) throw refused();
    int number = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (value[i] < '0' || value[i] > '9') throw refused();
      number = number * 10 + (value[i] - '0');
    }
    return number;
  };
  const auto expect = [&](std::size_t at, char c) {
    if (at >= value.size() || value[at] != c) throw refused();
  };
  using namespace std::chrono;
  const year_month_day date{year{digits(0, 4)}, month{static_cast<unsigned>(digits(5, 2))},
                            day{static_cast<unsigned>(digits(8, 2))}};
  expect(4, '-');
  expect(7, '-');
  if (!date.ok()) throw refused();
  std::int64_t at = duration_cast<seconds>(sys_days{date}.time_since_epoch()).count();
  std::size_t i = 10;
  if (i == value.size()) return at;
  if (value[i] != 'T' && value[i] != 't') throw refused();
  const int hours = digits(i + 1, 2);
  expect(i + 3, ':');
  const int minutes = digits(i + 4, 2);
  i += 6;
  int secs = 0;
  if (i < value.size() && value[i] == ':') {
    secs = digits(i + 1, 2);
    i += 3;
  }
  if (hours > 23 || minutes > 59 || secs > 59) throw refused();
  at += std::int64_t{hours} * 3600 + std::int64_t{minutes} * 60 + secs;
  if (i < value.size() && (value[i] == 'Z' || value[i] == 'z')) {
    ++i;
  } else if (i < value.size() && (value[i] == '+' || value[i] == '-')) {
    const int sign = value[i] == '+' ? 1 : -1;
    const int offset_hours = digits(i + 1, 2);
    expect(i + 3, ':');
    const int offset_minutes = digits(i + 4, 2);
    if (offset_hours > 23 || offset_minutes > 59) throw refused();
    at -= sign * (std::int64_t{offset_hours} * 3600 + std::int64_t{offset_minutes} * 60);
    i += 6;
  }
  if (i != value.size()) throw refused();
  return at;
}

}  // namespace inscrire::cli
