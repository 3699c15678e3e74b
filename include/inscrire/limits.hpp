// The limits on every value the library takes (docs/rules.md §6), one place for all surfaces
// and both roster formats: a value over its length is FIELD_TOO_LONG, a value of the wrong
// shape or holding control characters INVALID_VALUE, each with the field's name in the detail.
// Lengths count characters (code points), not bytes.
//
// Thread safety: every function here may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace inscrire {

inline constexpr std::size_t kMaxNameCharacters = 100;       // first, other and last names
inline constexpr std::size_t kMaxDivisionCharacters = 32;    // a class, "5A"
inline constexpr std::size_t kMaxLabelCharacters = 200;      // school and campaign names, profile
inline constexpr std::size_t kMaxClientKeyCharacters = 200;  // the platform's throttling key
inline constexpr std::size_t kMaxUsernameCharacters = 64;
// Paging of the admin learner list (Service::learners with a LearnerQuery): the page size when
// none is given, the largest page, and the largest offset.
inline constexpr int kDefaultLearnerPage = 100;
inline constexpr int kMaxLearnerPage = 1000;
inline constexpr int kMaxLearnerOffset = 10'000'000;
// An error detail quotes at most this many characters of what was typed or read.
inline constexpr std::size_t kMaxEchoCharacters = 64;

// A label an admin types (a school or campaign name, a division, a target profile): valid
// UTF-8 (INVALID_UTF8), without C0 or C1 control characters, DEL or ESC (INVALID_VALUE: nothing
// printed to a terminal or a page can carry an escape sequence), at most `max_characters`
// (FIELD_TOO_LONG). Returns it trimmed of ASCII white space. `field` names it in the detail.
std::string checked_label(std::string_view text, std::string_view field,
                          std::size_t max_characters);

// Whether UTF-8 `text` holds a C0 control character (TAB, CR and LF included), DEL or a C1
// control character: what checked_label refuses.
bool has_control_characters(std::string_view utf8) noexcept;

// The caller-supplied throttling key: the rules of a label, 200 characters at most.
void check_client_key(std::string_view client_key);

// A username as typed at login or by an admin: at most 64 characters (FIELD_TOO_LONG); no
// account can hold a longer one, so the refusal says nothing about which accounts exist.
void check_typed_username(std::string_view username);

// An INE (identifiant national élève): 9 digits and 2 letters, or 10 digits and 1 letter,
// upper case. `canonical_ine` trims and upper-cases a typed one, then throws INVALID_VALUE
// (field "ine") if it has neither shape nor that of an anonymised row ("ANONYME-<row id>").
bool is_valid_ine(std::string_view ine) noexcept;
std::string canonical_ine(std::string_view typed);
// A roster row's INE upper-cased in place ("123456789ab" is 123456789AB), and whether it then
// has an INE's shape; kIneShape says which (the detail of the INVALID_VALUE error).
bool canonicalise_ine(std::string& ine) noexcept;
inline constexpr const char* kIneShape = "9 digits and 2 letters, or 10 digits and 1 letter";

// The number of characters of valid UTF-8 `text` (its bytes, for invalid UTF-8).
std::size_t character_count(std::string_view text) noexcept;

// `input` as an error detail may quote it: whole if it has at most kMaxEchoCharacters
// characters, else its first kMaxEchoCharacters followed by "…". Never cuts a UTF-8 sequence.
std::string echo(std::string_view input);

// A platform's base URL for a printed link (the class sheet, a staff invitation): http:// or
// https://, printable ASCII without spaces, quotes, backslashes or angle brackets (nothing that
// could end an HTML attribute or hide in a printed link), 200 characters at most; the same
// text back, or Error(INVALID_ARGUMENT, "base URL").
std::string checked_base_url(std::string_view base_url);

}  // namespace inscrire
