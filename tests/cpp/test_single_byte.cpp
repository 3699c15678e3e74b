// The single-byte tables (src/roster/single_byte.hpp) against glibc's iconv, byte by byte, and
// how decode_some stops: at an undefined byte, or where the next character does not fit.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glibc_iconv.hpp"
#include "roster/single_byte.hpp"

namespace inscrire {
namespace {

using detail::decode;
using detail::decode_some;
using detail::SingleByte;
using testing::GlibcIconv;

constexpr std::array kEncodings = {SingleByte::Iso8859_1, SingleByte::Iso8859_15,
                                   SingleByte::Windows1252, SingleByte::MacRoman};

std::string hex(unsigned byte) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  return {'0', 'x', kDigits[byte >> 4], kDigits[byte & 0xF]};
}

std::string byte_string(unsigned byte) { return std::string(1, static_cast<char>(byte)); }

// Where Apple's Mac Roman, which the table holds, and glibc's MACINTOSH part: 0xC6 is U+2206
// INCREMENT for Apple, U+0394 GREEK CAPITAL LETTER DELTA for glibc; 0xF0 is the Apple logo
// U+F8FF for Apple, U+E01E for glibc (both in the private use area).
bool glibc_differs_on_purpose(SingleByte encoding, unsigned byte) {
  return encoding == SingleByte::MacRoman && (byte == 0xC6 || byte == 0xF0);
}

TEST(SingleByte, EveryByteOfEveryTableDecodesAsGlibcIconvDecodesIt) {
  for (const SingleByte encoding : kEncodings) {
    GlibcIconv iconv(detail::charset_name(encoding));
    for (unsigned byte = 0; byte < 256; ++byte) {
      if (glibc_differs_on_purpose(encoding, byte)) continue;
      const auto expected = iconv.to_utf8(byte_string(byte));
      const auto decoded = decode(encoding, byte_string(byte));
      ASSERT_EQ(decoded.has_value(), !expected.refused)
          << detail::charset_name(encoding) << " " << hex(byte);
      if (decoded) {
        EXPECT_EQ(*decoded, expected.utf8) << detail::charset_name(encoding) << " " << hex(byte);
      }
    }
  }
}

TEST(SingleByte, MacRomanIsApplesTableWhereGlibcDiffers) {
  EXPECT_EQ(decode(SingleByte::MacRoman, "\xC6"), "∆");
  EXPECT_EQ(decode(SingleByte::MacRoman, "\xF0"), "\uF8FF");
  EXPECT_EQ(decode(SingleByte::MacRoman, "\xDB"), "€");
}

TEST(SingleByte, OnlyFiveWindows1252BytesAreUndefined) {
  for (const SingleByte encoding : kEncodings) {
    std::vector<unsigned> undefined;
    for (unsigned byte = 0; byte < 256; ++byte) {
      if (!decode(encoding, byte_string(byte))) undefined.push_back(byte);
    }
    const std::vector<unsigned> expected = encoding == SingleByte::Windows1252
                                               ? std::vector<unsigned>{0x81, 0x8D, 0x8F, 0x90, 0x9D}
                                               : std::vector<unsigned>{};
    EXPECT_EQ(undefined, expected) << detail::charset_name(encoding);
  }
}

TEST(SingleByte, TheLettersRostersNeedAreWhereEachEncodingPutsThem) {
  EXPECT_EQ(decode(SingleByte::Iso8859_15, "C\xBCUR \xBDil \xA4"), "CŒUR œil €");
  EXPECT_EQ(decode(SingleByte::Iso8859_1, "H\xE9lo\xEFse \xBC"), "Héloïse ¼");
  EXPECT_EQ(decode(SingleByte::Windows1252,
                   "\x8Cnone N\x92"
                   "Diaye \x80"),
            "Œnone N’Diaye €");
  EXPECT_EQ(decode(SingleByte::MacRoman, "\x8El\x8Ful\xCE"), "élèulŒ");
  EXPECT_EQ(decode(SingleByte::Iso8859_15, ""), "");
  // A NUL is a character like any other here; the readers refuse it later.
  EXPECT_EQ(decode(SingleByte::Iso8859_15, std::string_view("a\0b", 3)), std::string("a\0b", 3));
}

TEST(SingleByte, DecodingStopsAtAnUndefinedByteWithWhatCameBeforeIt) {
  const std::string_view in = "\x80uro\x81rest";
  std::array<unsigned char, 64> out{};
  const auto decoded = decode_some(
      SingleByte::Windows1252, {reinterpret_cast<const unsigned char*>(in.data()), in.size()}, out);
  EXPECT_TRUE(decoded.undefined);
  EXPECT_EQ(decoded.read, 4u);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(out.data()), decoded.written), "€uro");
  EXPECT_EQ(decode(SingleByte::Windows1252, in), std::nullopt);
}

// libxml2 hands the converter an output buffer of its choosing: a character that does not fit
// whole must wait for the next call, and nothing past the room given may be written.
TEST(SingleByte, DecodingStopsBeforeACharacterThatDoesNotFitWhole) {
  const std::string_view in = "a\xA4\xE9z";  // a € é z in ISO-8859-15: 1 + 3 + 2 + 1 bytes
  const std::string whole = decode(SingleByte::Iso8859_15, in).value();
  ASSERT_EQ(whole, "a€éz");
  for (std::size_t room = 0; room <= whole.size() + 2; ++room) {
    std::array<unsigned char, 16> out{};
    out.fill(0xAA);
    const auto decoded = decode_some(SingleByte::Iso8859_15,
                                     {reinterpret_cast<const unsigned char*>(in.data()), in.size()},
                                     {out.data(), room});
    EXPECT_FALSE(decoded.undefined);
    EXPECT_LE(decoded.written, room);
    // A prefix of whole characters: the bytes of the characters read, and nothing more.
    EXPECT_EQ(decode(SingleByte::Iso8859_15, in.substr(0, decoded.read)),
              std::string(reinterpret_cast<const char*>(out.data()), decoded.written))
        << room;
    // Room enough for the next character would have been used.
    if (decoded.read < in.size()) {
      const auto next = decode(SingleByte::Iso8859_15, in.substr(decoded.read, 1)).value();
      EXPECT_LT(room - decoded.written, next.size()) << room;
    }
    for (std::size_t i = room; i < out.size(); ++i) ASSERT_EQ(out[i], 0xAA) << room;
  }
}

// A long text with every byte, in every encoding, as one call: the same as iconv, and the
// same as decoding it in pieces of any size (libxml2 converts the chunks it is pushed).
TEST(SingleByte, LongTextsDecodeAsIconvInOneGoOrInPieces) {
  std::string text;
  for (int round = 0; round < 40; ++round) {
    for (unsigned byte = 0; byte < 256; ++byte) text.push_back(static_cast<char>(byte * 7 + round));
    text += "<ELEVE ELEVE_ID=\"42\"><NOM_DE_FAMILLE>C\xBCUR</NOM_DE_FAMILLE>";
  }
  for (const SingleByte encoding : kEncodings) {
    std::string input = text;
    if (encoding == SingleByte::Windows1252) {
      for (char& c : input) {
        if (!decode(encoding, std::string(1, c))) c = '?';
      }
    }
    const auto whole = decode(encoding, input);
    ASSERT_TRUE(whole.has_value()) << detail::charset_name(encoding);
    if (encoding != SingleByte::MacRoman) {
      EXPECT_EQ(*whole, GlibcIconv(detail::charset_name(encoding)).to_utf8(input).utf8)
          << detail::charset_name(encoding);
    }
    // With room for 8 bytes or more, ASCII goes eight bytes at a time.
    for (const std::size_t room : std::vector<std::size_t>{3, 4, 5, 8, 9, 13, 1000}) {
      std::string pieces;
      std::vector<unsigned char> out(room);
      std::size_t at = 0;
      while (at < input.size()) {
        const auto decoded = decode_some(
            encoding,
            {reinterpret_cast<const unsigned char*>(input.data()) + at, input.size() - at}, out);
        ASSERT_GT(decoded.read, 0u);
        pieces.append(reinterpret_cast<const char*>(out.data()), decoded.written);
        at += decoded.read;
      }
      EXPECT_EQ(pieces, *whole) << detail::charset_name(encoding) << ", room " << room;
    }
  }
}

}  // namespace
}  // namespace inscrire
