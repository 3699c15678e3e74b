// The single-byte encodings of rosters, decoded by table. Each table is built at compile time
// from the code points of bytes 0x80-0xFF (0x00-0x7F are ASCII in all four) and holds every
// byte's UTF-8 form, so decoding is one look-up and one store a byte, and ASCII runs are
// copied eight bytes at a time.
// tests/cpp/test_single_byte.cpp checks every byte of every table against glibc's iconv,
// tests/fuzz/fuzz_single_byte.cpp random input against it.
#include "roster/single_byte.hpp"

#include <array>
#include <cstring>
#include <utility>

namespace inscrire::detail {
namespace {

// The code points of bytes 0x80-0xFF. No byte above 0x7F decodes to U+0000, so 0 marks a byte
// the encoding does not define.
using HighHalf = std::array<char32_t, 128>;
constexpr char32_t kUndefined = 0;

constexpr HighHalf latin1_high() {
  HighHalf high{};
  for (std::size_t i = 0; i < high.size(); ++i) high[i] = static_cast<char32_t>(0x80 + i);
  return high;
}

// ISO-8859-15 replaced eight symbols of Latin-1 (¤ ¦ ¨ ´ ¸ ¼ ½ ¾) with € Š š Ž ž Œ œ Ÿ: Œ œ are
// why SIECLE exports in it.
constexpr HighHalf latin9_high() {
  HighHalf high = latin1_high();
  for (const auto& [byte, code_point] :
       {std::pair{0xA4, 0x20AC}, std::pair{0xA6, 0x0160}, std::pair{0xA8, 0x0161},
        std::pair{0xB4, 0x017D}, std::pair{0xB8, 0x017E}, std::pair{0xBC, 0x0152},
        std::pair{0xBD, 0x0153}, std::pair{0xBE, 0x0178}}) {
    high[byte - 0x80] = static_cast<char32_t>(code_point);
  }
  return high;
}

// windows-1252 is Latin-1 but for 0x80-0x9F, where Latin-1 has C1 controls. Five bytes there
// are undefined: Microsoft's table maps them to nothing. ICU reads them as the C1 controls
// U+0081...; glibc's iconv refuses them, and so does this table.
constexpr HighHalf windows1252_high() {
  constexpr std::array<char32_t, 32> kC1Row = {
      0x20AC,     kUndefined, 0x201A, 0x0192, 0x201E, 0x2026,     0x2020, 0x2021,
      0x02C6,     0x2030,     0x0160, 0x2039, 0x0152, kUndefined, 0x017D, kUndefined,
      kUndefined, 0x2018,     0x2019, 0x201C, 0x201D, 0x2022,     0x2013, 0x2014,
      0x02DC,     0x2122,     0x0161, 0x203A, 0x0153, kUndefined, 0x017E, 0x0178};
  HighHalf high = latin1_high();
  for (std::size_t i = 0; i < kC1Row.size(); ++i) high[i] = kC1Row[i];
  return high;
}

// Apple's own table, as Python's "mac_roman" reads it. glibc's MACINTOSH differs at two bytes
// (0xC6 as U+0394 Δ where Apple says U+2206 ∆, 0xF0 as U+E01E where Apple says U+F8FF); a
// spreadsheet saving a roster on a Mac writes Apple's.
constexpr HighHalf kMacRomanHigh = {
    0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1, 0x00E0, 0x00E2, 0x00E4, 0x00E3,
    0x00E5, 0x00E7, 0x00E9, 0x00E8, 0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,
    0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC, 0x2020, 0x00B0, 0x00A2, 0x00A3,
    0x00A7, 0x2022, 0x00B6, 0x00DF, 0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
    0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211, 0x220F, 0x03C0, 0x222B, 0x00AA,
    0x00BA, 0x03A9, 0x00E6, 0x00F8, 0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
    0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153, 0x2013, 0x2014, 0x201C, 0x201D,
    0x2018, 0x2019, 0x00F7, 0x25CA, 0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
    0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1, 0x00CB, 0x00C8, 0x00CD, 0x00CE,
    0x00CF, 0x00CC, 0x00D3, 0x00D4, 0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,
    0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7};

// A byte's UTF-8 form: the first `size` of `bytes`, 0 if undefined. Every character of these
// encodings is in the Basic Multilingual Plane, so 3 bytes suffice, and the whole entry is 4
// bytes: copied with one store.
struct Utf8Of {
  std::array<unsigned char, 3> bytes{};
  std::uint8_t size = 0;
};
static_assert(sizeof(Utf8Of) == 4);

constexpr Utf8Of utf8_of(char32_t c) {
  if (c < 0x80) return {{static_cast<unsigned char>(c)}, 1};
  if (c < 0x800) {
    return {{static_cast<unsigned char>(0xC0 | (c >> 6)),
             static_cast<unsigned char>(0x80 | (c & 0x3F))},
            2};
  }
  return {{static_cast<unsigned char>(0xE0 | (c >> 12)),
           static_cast<unsigned char>(0x80 | ((c >> 6) & 0x3F)),
           static_cast<unsigned char>(0x80 | (c & 0x3F))},
          3};
}

using Table = std::array<Utf8Of, 256>;

constexpr Table make_table(const HighHalf& high) {
  Table table{};
  for (std::size_t byte = 0; byte < 0x80; ++byte)
    table[byte] = utf8_of(static_cast<char32_t>(byte));
  for (std::size_t i = 0; i < high.size(); ++i) {
    if (high[i] != kUndefined) table[0x80 + i] = utf8_of(high[i]);
  }
  return table;
}

// In the order of SingleByte.
constexpr std::array<Table, 4> kTables = {make_table(latin1_high()), make_table(latin9_high()),
                                          make_table(windows1252_high()),
                                          make_table(kMacRomanHigh)};

}  // namespace

std::string_view charset_name(SingleByte encoding) {
  switch (encoding) {
    case SingleByte::Iso8859_1: return "ISO-8859-1";
    case SingleByte::Iso8859_15: return "ISO-8859-15";
    case SingleByte::Windows1252: return "WINDOWS-1252";
    case SingleByte::MacRoman: return "MACINTOSH";
  }
  return {};
}

Decoded decode_some(SingleByte encoding, std::span<const unsigned char> in,
                    std::span<unsigned char> out) noexcept {
  const Table& table = kTables[static_cast<std::size_t>(encoding)];
  const unsigned char* from = in.data();
  const unsigned char* const from_end = from + in.size();
  unsigned char* to = out.data();
  unsigned char* const to_end = to + out.size();
  const auto result = [&](bool undefined) {
    return Decoded{static_cast<std::size_t>(from - in.data()),
                   static_cast<std::size_t>(to - out.data()), undefined};
  };
  while (from != from_end) {
    // ASCII, which every table maps to itself and which is nearly all of a roster (tags, codes,
    // dates), eight bytes at a time: the 72 MiB of a 100 000-pupil SIECLE file decode in 25-30 ms
    // so, 95-110 ms a byte at a time, 145-210 ms through glibc's iconv (64 KiB pieces, one run).
    if (from_end - from >= 8 && to_end - to >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, from, 8);
      if ((word & 0x8080808080808080U) == 0) {
        std::memcpy(to, &word, 8);
        from += 8;
        to += 8;
        continue;
      }
    }
    const Utf8Of& c = table[*from];
    if (c.size == 0) return result(true);
    if (to_end - to >= 4) {
      // The whole entry in one store: its bytes past `size` land in room not counted as
      // written, which the next character overwrites.
      std::memcpy(to, &c, sizeof(Utf8Of));
    } else if (to_end - to >= c.size) {
      std::memcpy(to, c.bytes.data(), c.size);
    } else {
      break;
    }
    to += c.size;
    ++from;
  }
  return result(false);
}

std::optional<std::string> decode(SingleByte encoding, std::string_view in) {
  std::string out(in.size() * 3, '\0');
  const Decoded decoded =
      decode_some(encoding, {reinterpret_cast<const unsigned char*>(in.data()), in.size()},
                  {reinterpret_cast<unsigned char*>(out.data()), out.size()});
  if (decoded.undefined) return std::nullopt;
  out.resize(decoded.written);
  return out;
}

}  // namespace inscrire::detail
