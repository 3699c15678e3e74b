// libFuzzer target: usernames from any names (two NUL-separated fields of the input) and a
// fixed birth date, and any bytes as a stored username (is_valid_username, split_username,
// mask_username). A generated username always has the prénom.nomJJMM form; a mask never shows
// more than three characters of the username.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"
#include "inscrire/reconciliation.hpp"
#include "inscrire/text.hpp"
#include "inscrire/username.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto cut = input.find('\0');
  const std::string_view first = input.substr(0, cut);
  const std::string_view last = cut == std::string_view::npos ? "" : input.substr(cut + 1);
  static const auto birthdate = inscrire::BirthDate::from_ymd(2013, 5, 12);
  if (inscrire::is_valid_utf8(first) && inscrire::is_valid_utf8(last)) {
    const auto username =
        inscrire::base_username({.first_name = first, .last_name = last}, birthdate);
    if (!inscrire::is_valid_username(username)) __builtin_trap();
    const auto [stem, suffix] = inscrire::split_username(username);
    if (suffix != 1205 || username.substr(0, stem.size()) != stem) __builtin_trap();
  }
  if (inscrire::is_valid_username(input)) (void)inscrire::split_username(input);
  const std::string mask = inscrire::mask_username(input);
  std::size_t shown = 0;
  for (const char c : mask) shown += (c != '*' && c != '.') ? 1 : 0;
  // Three characters at most, each up to four UTF-8 bytes.
  if (shown > 12) __builtin_trap();
  return 0;
}
