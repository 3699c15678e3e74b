// Internal to the roster readers: the single-byte encodings rosters come in, each decoded to
// UTF-8 by a table of 256 entries (single_byte.cpp) rather than a converter such as iconv:
// SIECLE exports are ISO-8859-15, spreadsheets save CSV as windows-1252 or Mac Roman, and a
// table both costs a fraction of iconv's two passes through UCS-4 (docs/benchmarks.md,
// "bench_import") and says exactly which bytes an encoding leaves undefined.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace inscrire::detail {

enum class SingleByte : std::uint8_t {
  Iso8859_1,    // Latin-1: every byte is the code point of the same number
  Iso8859_15,   // Latin-9: Latin-1 with € Š š Ž ž Œ œ Ÿ in place of eight symbols
  Windows1252,  // Latin-1 with letters and punctuation at 0x80-0x9F, five of them undefined
  MacRoman,     // Apple's table (€ at 0xDB, the Apple logo U+F8FF at 0xF0)
};

// The name iconv and libxml2 know the encoding by ("ISO-8859-15", "WINDOWS-1252", ...).
std::string_view charset_name(SingleByte encoding);

// How far decode_some went: `read` bytes of the input became `written` bytes of UTF-8.
struct Decoded {
  std::size_t read = 0;
  std::size_t written = 0;
  bool undefined = false;  // stopped at input[read], a byte the encoding does not define
};

// Decodes `in` into `out` until `in` is used up, the next character does not fit in what is
// left of `out` (a character is never written in part), or a byte the encoding does not
// define (windows-1252 0x81, 0x8D, 0x8F, 0x90, 0x9D; the others define all 256).
Decoded decode_some(SingleByte encoding, std::span<const unsigned char> in,
                    std::span<unsigned char> out) noexcept;

// `in` as UTF-8, or nothing if it holds a byte the encoding does not define.
std::optional<std::string> decode(SingleByte encoding, std::string_view in);

}  // namespace inscrire::detail
