// The strength rule (docs/rules.md §4): length and character classes, counted in NFC.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <string>

#include "inscrire/error.hpp"
#include "inscrire/password.hpp"
#include "inscrire/text.hpp"
#include "password/normalized_text.hpp"

namespace inscrire {
namespace {

// Bytes beyond which no NFC form can stay within kMaxPasswordLength code points (a precomposed
// character comes from at most 9 bytes of decomposed UTF-8, Hangul LVT): refused before any
// normalisation work, so a megabyte "password" costs nothing.
constexpr std::size_t kMaxPasswordBytes = kMaxPasswordLength * 16;

struct CharacterCensus {
  std::size_t characters = 0;
  bool upper = false;
  bool lower = false;
  bool digit = false;
};

CharacterCensus census(std::string_view text) {
  CharacterCensus result;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    ++result.characters;
    switch (u_charType(c)) {
      case U_UPPERCASE_LETTER:
      case U_TITLECASE_LETTER:  // "ǅ" begins a word in upper case
        result.upper = true;
        break;
      case U_LOWERCASE_LETTER: result.lower = true; break;
      case U_DECIMAL_DIGIT_NUMBER: result.digit = true; break;
      default: break;
    }
  }
  return result;
}

// Names what the password lacks, never what it contains.
std::string weakness(const CharacterCensus& found) {
  std::string detail;
  const auto add = [&detail](std::string_view what) {
    if (!detail.empty()) detail += ", ";
    detail += what;
  };
  if (found.characters < kMinPasswordLength) add("fewer than 8 characters");
  if (!found.upper) add("no upper-case letter");
  if (!found.lower) add("no lower-case letter");
  if (!found.digit) add("no digit");
  return detail;
}

}  // namespace

void check_password_rule(std::string_view password) {
  if (password.empty()) throw Error(ErrorCode::PASSWORD_REQUIRED);
  if (!is_valid_utf8(password)) throw Error(ErrorCode::INVALID_UTF8, "password");
  if (password.size() > kMaxPasswordBytes) throw Error(ErrorCode::PASSWORD_TOO_LONG);
  const detail::PasswordText text(password);
  const CharacterCensus found = census(text.view());
  if (found.characters > kMaxPasswordLength) throw Error(ErrorCode::PASSWORD_TOO_LONG);
  const std::string missing = weakness(found);
  if (!missing.empty()) throw Error(ErrorCode::PASSWORD_TOO_WEAK, missing);
}

void check_staff_password_rule(std::string_view password, std::string_view username) {
  if (password.empty()) throw Error(ErrorCode::PASSWORD_REQUIRED);
  if (!is_valid_utf8(password)) throw Error(ErrorCode::INVALID_UTF8, "password");
  if (password.size() > kMaxPasswordBytes) throw Error(ErrorCode::PASSWORD_TOO_LONG);
  const detail::PasswordText text(password);
  const auto characters = census(text.view()).characters;
  if (characters > kMaxPasswordLength) throw Error(ErrorCode::PASSWORD_TOO_LONG);
  if (characters < kMinStaffPasswordLength) {
    throw Error(ErrorCode::PASSWORD_TOO_WEAK, "fewer than 12 characters");
  }
  const auto name = lower_ascii(trim(username));
  if (!name.empty() && lower_ascii(text.view()).find(name) != std::string::npos) {
    throw Error(ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO, "the username");
  }
}

}  // namespace inscrire
