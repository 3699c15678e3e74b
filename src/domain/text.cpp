#include "inscrire/text.hpp"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "domain/text_internal.hpp"
#include "inscrire/error.hpp"
#include "inscrire/limits.hpp"

namespace inscrire {
namespace {

// NFKC folds full-width and compatibility letters; Any-Latin romanises every script ICU knows;
// Latin-ASCII turns what is left into ASCII (ß -> ss, œ -> oe, ø -> o, ı -> i, tone marks dropped).
// Latin-ASCII has no ASCII form for a few letters of living Latin alphabets (Azerbaijani ə,
// West African ɔ and ɑ, Berber ɣ, ezh ʒ) and would silently drop them ("Əliyev" -> "liyev"):
// the rules after Any-Lower spell them the usual way.
constexpr const char* kTransliteratorRules =
    "::NFKC; ::Any-Latin; ::Latin-ASCII; ::Any-Lower;"
    "\u0259 > e; \u01DD > e; \u0254 > o; \u0263 > gh; \u0292 > z; \u01EF > z;"
    "\u0251 > a; \u0269 > i;";

std::unique_ptr<icu::Transliterator> build_prototype() {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error{};
  std::unique_ptr<icu::Transliterator> prototype(icu::Transliterator::createFromRules(
      icu::UnicodeString::fromUTF8("inscrire-names"),
      icu::UnicodeString::fromUTF8(kTransliteratorRules), UTRANS_FORWARD, parse_error, status));
  if (U_FAILURE(status) || !prototype) {
    throw Error(ErrorCode::INTERNAL_ERROR, "ICU transliterator unavailable");
  }
  return prototype;
}

// ICU transliterators are not thread-safe: each thread clones the shared prototype once.
icu::Transliterator& thread_transliterator() {
  static const std::unique_ptr<icu::Transliterator> prototype = build_prototype();
  thread_local const std::unique_ptr<icu::Transliterator> mine(prototype->clone());
  // The analyzer takes the thread_local's destructor, at thread exit, for one on this path.
  return *mine;  // NOLINT(clang-analyzer-cplusplus.NewDelete)
}

bool is_ascii(std::string_view text) noexcept {
  return std::ranges::all_of(text, [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Lower-cases ASCII letters and keeps [a-z] (and [0-9] when asked).
std::string keep_ascii_letters(std::string_view text, bool keep_digits) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (keep_digits && c >= '0' && c <= '9')) {
      out.push_back(c);
    }
  }
  return out;
}

std::string transliterate(std::string_view name) {
  auto text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  thread_transliterator().transliterate(text);
  std::string latin;
  text.toUTF8String(latin);
  return latin;
}

// Real rosters repeat names (Zipf: a few hundred names cover most pupils), and transliteration
// costs microseconds: each thread remembers its recent non-ASCII names. Bounded: the cache is
// emptied when it reaches kCachedNames entries.
constexpr std::size_t kCachedNames = 4096;

const std::string& cached_transliteration(std::string_view name) {
  thread_local std::unordered_map<std::string, std::string> cache;
  if (const auto found = cache.find(std::string(name)); found != cache.end()) {
    return found->second;
  }
  if (cache.size() >= kCachedNames) cache.clear();
  return cache.emplace(std::string(name), transliterate(name)).first->second;
}

// Latin-1 Supplement and Latin Extended-A and -B hold nearly every letter of a European roster.
// Each of their code points is folded once, through ICU itself, to its [a-z0-9] spelling; a
// name made only of these, ASCII and combining accents (U+0300..U+036F, which the pipeline
// strips) is then folded by table lookups, with the result ICU would give, at ASCII speed.
constexpr UChar32 kTableEnd = 0x250;

bool is_combining_accent(UChar32 c) noexcept { return c >= 0x300 && c <= 0x36F; }

const std::array<std::string, kTableEnd>& latin_table() {
  static const auto table = [] {
    std::array<std::string, kTableEnd> spellings;
    for (UChar32 c = 0x80; c < kTableEnd; ++c) {
      std::string utf8;
      icu::UnicodeString(c).toUTF8String(utf8);
      spellings[static_cast<std::size_t>(c)] = keep_ascii_letters(transliterate(utf8), true);
    }
    return spellings;
  }();
  return table;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Folds valid UTF-8 by table; nullopt when a code point needs ICU.
std::optional<std::string> fold_by_table(std::string_view name, bool keep_digits) {
  const auto& table = latin_table();
  const auto* bytes = reinterpret_cast<const uint8_t*>(name.data());
  const auto length = static_cast<int32_t>(name.size());
  std::string out;
  out.reserve(name.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0x80) {
      const auto ascii = static_cast<char>(c);
      if (ascii >= 'A' && ascii <= 'Z') {
        out.push_back(static_cast<char>(ascii - 'A' + 'a'));
      } else if ((ascii >= 'a' && ascii <= 'z') || (keep_digits && is_digit(ascii))) {
        out.push_back(ascii);
      }
    } else if (c < kTableEnd) {
      for (const char ascii : table[static_cast<std::size_t>(c)]) {
        if (keep_digits || !is_digit(ascii)) out.push_back(ascii);
      }
    } else if (!is_combining_accent(c)) {
      return std::nullopt;
    }
  }
  return out;
}

std::string fold(std::string_view name, bool keep_digits) {
  if (is_ascii(name)) return keep_ascii_letters(name, keep_digits);
  if (!is_valid_utf8(name)) throw Error(ErrorCode::INVALID_UTF8);
  if (auto folded = fold_by_table(name, keep_digits)) return *std::move(folded);
  return keep_ascii_letters(cached_transliteration(name), keep_digits);
}

bool is_forbidden_code_point(UChar32 c) noexcept {
  return c == 0xFFFD || u_iscntrl(c) || (c >= 0xD800 && c <= 0xDFFF);
}

}  // namespace

namespace detail {

std::string fold_with_icu(std::string_view name, bool keep_digits) {
  if (!is_valid_utf8(name)) throw Error(ErrorCode::INVALID_UTF8);
  return keep_ascii_letters(transliterate(name), keep_digits);
}

}  // namespace detail

std::string comparison_key(std::string_view name) { return fold(name, true); }

std::string username_part(std::string_view name) { return fold(name, false); }

bool is_valid_utf8(std::string_view text) noexcept {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  if (text.size() > static_cast<std::size_t>(INT32_MAX)) return false;
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

void validate_name(std::string_view name, std::string_view field) {
  if (!is_valid_utf8(name)) throw Error(ErrorCode::INVALID_UTF8);
  const auto* bytes = reinterpret_cast<const uint8_t*>(name.data());
  const auto length = static_cast<int32_t>(name.size());
  std::size_t characters = 0;
  bool blank = true;
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (is_forbidden_code_point(c)) throw Error(ErrorCode::INVALID_NAME_CHARACTERS);
    if (!u_isUWhiteSpace(c)) blank = false;
    ++characters;
  }
  if (blank) throw Error(ErrorCode::NAME_REQUIRED);
  if (characters > kMaxNameCharacters) {
    throw Error(
        ErrorCode::FIELD_TOO_LONG,
        std::string(field) + ": " + std::to_string(kMaxNameCharacters) + " characters at most");
  }
}

// Plain loops: find_first_not_of searches the set of spaces once per character, and every
// value of a roster file goes through here.
std::string_view trim(std::string_view text) noexcept {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = lower_ascii(c);
  return out;
}

bool is_ascii_digits(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_ascii_upper(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = upper_ascii(c);
  return out;
}

}  // namespace inscrire
