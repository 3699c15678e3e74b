// Mojibake: the marks a wrong decoding leaves in a name (docs/formats.md, "Mis-encoded names").
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "inscrire/text.hpp"

namespace inscrire {
namespace {

// windows-1252 punctuation in 0x80-0x9F: what a UTF-8 continuation byte becomes when read as
// windows-1252. Its letters (Š, Œ, Ž, š, œ, ž, Ÿ, ƒ) are left out: they occur in real names.
bool is_cp1252_punctuation(UChar32 c) {
  constexpr std::array<UChar32, 19> kPunctuation = {
      0x20AC, 0x201A, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x2039, 0x2018,
      0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x203A};
  return std::find(kPunctuation.begin(), kPunctuation.end(), c) != kPunctuation.end();
}

// Same, minus the dashes and quotes that may follow a real lower-case accented letter
// ("José–Maria"); the euro sign stays: "â€™" is the mojibake of ’.
bool is_cp1252_symbol(UChar32 c) {
  return is_cp1252_punctuation(c) && c != 0x2013 && c != 0x2014 && c != 0x2018 && c != 0x2019 &&
         c != 0x201C && c != 0x201D && c != 0x2026;
}

// What a UTF-8 continuation byte (0x80-0xBF) looks like once decoded as Latin-1: C1 controls
// and the symbols ¡..¿ (the no-break space, which also separates real names, is left out).
bool is_latin1_continuation(UChar32 c) { return c >= 0x80 && c <= 0xBF && c != 0xA0; }

// A UTF-8 lead byte decoded as Latin-1 (Â..ß for two-byte sequences, à..ï for three-byte ones)
// followed by what a continuation byte decodes to is the signature of UTF-8 read as Latin-1 or
// windows-1252: "Ã©" for é, "Ã«" for ë, "Å“" for œ, "â€™" for ’.
bool is_mojibake_pair(UChar32 lead, UChar32 next) {
  if (lead >= 0xC2 && lead <= 0xDF) {
    return is_latin1_continuation(next) || is_cp1252_punctuation(next) ||
           (next == 0xA0 && (lead == 0xC2 || lead == 0xC3));  // "Ã" + no-break space is "à"
  }
  if (lead >= 0xE0 && lead <= 0xEF) return is_latin1_continuation(next) || is_cp1252_symbol(next);
  return false;
}

}  // namespace

bool looks_mis_encoded(std::string_view utf8) {
  if (!is_valid_utf8(utf8)) return true;
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  UChar32 previous = -1;
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    // U+FFFD: a decoder already gave up; C1 controls: bytes 0x80-0x9F read as Latin-1; U+FEFF:
    // a byte order mark inside the text; √ and ≈: UTF-8 lead bytes C3 and C5 read as Mac Roman.
    if (c == 0xFFFD || (c >= 0x80 && c <= 0x9F) || c == 0xFEFF || c == 0x221A || c == 0x2248) {
      return true;
    }
    if (previous >= 0 && is_mojibake_pair(previous, c)) return true;
    previous = c;
  }
  return false;
}

}  // namespace inscrire
