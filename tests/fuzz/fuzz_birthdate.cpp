// libFuzzer target: any bytes as a typed birth date through BirthDate::parse. Nothing may crash
// or throw anything but inscrire::Error; a date accepted prints back (JJ/MM/AAAA and ISO) to
// forms that parse to the same date.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view typed(reinterpret_cast<const char*>(data), size);
  // A fixed "today", so that the same input always gives the same answer.
  static const inscrire::BirthDate today = inscrire::BirthDate::from_ymd(2026, 12, 1);
  try {
    const auto date = inscrire::BirthDate::parse(typed, today);
    const auto again = inscrire::BirthDate::parse(date.french(), today);
    if (again.iso() != date.iso()) __builtin_trap();
    if (inscrire::BirthDate::from_trusted_iso(date.iso()).french() != date.french()) {
      __builtin_trap();
    }
  } catch (const inscrire::Error&) {
  }
  return 0;
}
