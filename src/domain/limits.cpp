// The limits of docs/rules.md §6, for every surface and both roster formats.
#include "inscrire/limits.hpp"

#include <algorithm>

#include "inscrire/error.hpp"
#include "inscrire/text.hpp"

namespace inscrire {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

void check_length(std::string_view text, std::string_view field, std::size_t max_characters) {
  if (character_count(text) > max_characters) {
    throw Error(ErrorCode::FIELD_TOO_LONG,
                std::string(field) + ": " + std::to_string(max_characters) + " characters at most");
  }
}

}  // namespace

// C0 (with TAB, CR, LF), DEL, C1: the code points a terminal or a log may act upon. ESC is C0.
bool has_control_characters(std::string_view utf8) noexcept {
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    if (byte < 0x20 || byte == 0x7F) return true;
    // U+0080..U+009F are encoded C2 80..C2 9F.
    if (byte == 0xC2 && i + 1 < utf8.size()) {
      const auto next = static_cast<unsigned char>(utf8[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

std::size_t character_count(std::string_view text) noexcept {
  if (!is_valid_utf8(text)) return text.size();
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return !is_continuation(static_cast<unsigned char>(c));
  }));
}

std::string checked_label(std::string_view text, std::string_view field,
                          std::size_t max_characters) {
  if (!is_valid_utf8(text)) throw Error(ErrorCode::INVALID_UTF8, std::string(field));
  if (has_control_characters(text)) {
    throw Error(ErrorCode::INVALID_VALUE, std::string(field) + ": control characters");
  }
  const auto trimmed = trim(text);
  check_length(trimmed, field, max_characters);
  return std::string(trimmed);
}

void check_client_key(std::string_view client_key) {
  checked_label(client_key, "client_key", kMaxClientKeyCharacters);
}

void check_typed_username(std::string_view username) {
  check_length(username, "username", kMaxUsernameCharacters);
}

bool is_valid_ine(std::string_view ine) noexcept {
  if (ine.size() != 11) return false;
  return (is_ascii_digits(ine.substr(0, 9)) && is_ascii_upper(ine.substr(9))) ||
         (is_ascii_digits(ine.substr(0, 10)) && is_ascii_upper(ine.substr(10)));
}

bool canonicalise_ine(std::string& ine) noexcept {
  for (char& c : ine) c = upper_ascii(c);
  return is_valid_ine(ine);
}

std::string canonical_ine(std::string_view typed) {
  std::string ine(trim(typed));
  const bool shaped = canonicalise_ine(ine);
  // An anonymised learner's row keeps "ANONYME-<row id>" in place of its INE, and stays
  // addressable by it (export, corrections).
  const bool anonymous = ine.starts_with("ANONYME-") && ine.size() > 8 && ine.size() <= 28 &&
                         is_ascii_digits(std::string_view(ine).substr(8));
  if (!shaped && !anonymous)
    throw Error(ErrorCode::INVALID_VALUE, std::string("ine: ") + kIneShape);
  return ine;
}

std::string echo(std::string_view input) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (is_continuation(static_cast<unsigned char>(input[i]))) continue;
    if (characters++ == kMaxEchoCharacters) return std::string(input.substr(0, i)) + "…";
  }
  return std::string(input);
}

std::string checked_base_url(std::string_view base_url) {
  constexpr std::size_t kMaxBaseUrl = 200;
  const bool web = base_url.starts_with("https://") || base_url.starts_with("http://");
  const bool printable = std::all_of(base_url.begin(), base_url.end(), [](char c) {
    return c > ' ' && c < 0x7F && c != '"' && c != '\'' && c != '<' && c != '>' && c != '\\';
  });
  if (!web || !printable || base_url.size() > kMaxBaseUrl) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "base URL");
  }
  return std::string(base_url);
}

}  // namespace inscrire
