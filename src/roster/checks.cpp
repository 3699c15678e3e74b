// The checks both roster formats share.
#include "roster/checks.hpp"

#include "inscrire/limits.hpp"
#include "inscrire/text.hpp"

namespace inscrire::detail {

std::string collapse_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_space = false;
  for (const char c : trim(text)) {
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    if (space && in_space) continue;
    out.push_back(space ? ' ' : c);
    in_space = space;
  }
  return out;
}

namespace {

// Printable ASCII with a letter or sign in it, short enough: what most names are, and what
// validate_name and looks_mis_encoded always accept (their refusals need a control character,
// a non-ASCII code point or more than kMaxNameCharacters characters), checked in one pass.
bool is_plain_ascii_name(std::string_view name) {
  bool blank = true;
  for (const char c : name) {
    if (c < ' ' || c > '~') return false;
    blank = blank && c == ' ';
  }
  return !blank && name.size() <= kMaxNameCharacters;
}

}  // namespace

std::optional<ErrorCode> check_division(std::string_view division) {
  if (has_control_characters(division)) return ErrorCode::INVALID_VALUE;
  if (character_count(division) > kMaxDivisionCharacters) return ErrorCode::FIELD_TOO_LONG;
  return std::nullopt;
}

std::optional<ErrorCode> check_name(std::string_view name, bool required) {
  if (name.empty()) {
    return required ? std::optional(ErrorCode::NAME_REQUIRED) : std::nullopt;
  }
  if (is_plain_ascii_name(name)) return std::nullopt;
  try {
    validate_name(name);
  } catch (const Error& error) {
    switch (error.code()) {
      case ErrorCode::NAME_REQUIRED:  // only blank Unicode spaces (U+00A0...)
        return required ? ErrorCode::NAME_REQUIRED : ErrorCode::INVALID_NAME_CHARACTERS;
      case ErrorCode::FIELD_TOO_LONG: return ErrorCode::FIELD_TOO_LONG;
      default: return ErrorCode::INVALID_NAME_CHARACTERS;
    }
  }
  if (looks_mis_encoded(name)) return ErrorCode::INVALID_NAME_CHARACTERS;
  return std::nullopt;
}

bool is_french_date_shape(std::string_view text) noexcept {
  return text.size() == 10 && text[2] == '/' && text[5] == '/' &&
         is_ascii_digits(text.substr(0, 2)) && is_ascii_digits(text.substr(3, 2)) &&
         is_ascii_digits(text.substr(6, 4));
}

}  // namespace inscrire::detail
