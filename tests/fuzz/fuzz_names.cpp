// libFuzzer target: any bytes as a name through the text pipeline (validate_name, comparison_key,
// username_part, looks_mis_encoded). Nothing may crash or throw anything but inscrire::Error;
// a key holds only [a-z0-9], a username part only [a-z], and keying a key changes nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "inscrire/error.hpp"
#include "inscrire/text.hpp"

namespace {

bool only(std::string_view text, bool digits) {
  for (const char c : text) {
    const bool letter = c >= 'a' && c <= 'z';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digits && digit)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  try {
    inscrire::validate_name(name);
  } catch (const inscrire::Error&) {
  }
  (void)inscrire::looks_mis_encoded(name);
  if (!inscrire::is_valid_utf8(name)) return 0;  // the key functions refuse it (INVALID_UTF8)
  const std::string key = inscrire::comparison_key(name);
  const std::string part = inscrire::username_part(name);
  if (!only(key, true) || !only(part, false)) __builtin_trap();
  if (inscrire::comparison_key(key) != key) __builtin_trap();
  return 0;
}
