#include "inscrire/text.hpp"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "inscrire/error.hpp"

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
  return *mine;
}

bool is_ascii(std::string_view text) noexcept {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
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

std::string fold(std::string_view name, bool keep_digits) {
  if (is_ascii(name)) return keep_ascii_letters(name, keep_digits);
  if (!is_valid_utf8(name)) throw Error(ErrorCode::INVALID_UTF8);
  return keep_ascii_letters(cached_transliteration(name), keep_digits);
}

bool is_forbidden_code_point(UChar32 c) noexcept {
  return c == 0xFFFD || u_iscntrl(c) || (c >= 0xD800 && c <= 0xDFFF);
}

}  // namespace

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

void validate_name(std::string_view name) {
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
  if (characters > kMaxNameLength) throw Error(ErrorCode::NAME_TOO_LONG);
}

std::string_view trim(std::string_view text) noexcept {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

}  // namespace inscrire
