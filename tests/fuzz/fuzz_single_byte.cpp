// libFuzzer target: the single-byte tables (src/roster/single_byte.hpp) against glibc's iconv,
// the converter libxml2 used for them before, on any bytes, in each encoding the XML reader
// decodes by table: the same UTF-8 byte for byte, and a refusal at the same byte (iconv's EILSEQ,
// the table's undefined entry). Then the same bytes decoded piece by piece into an output of a
// size the input chooses, as libxml2 calls a converter: the same again. Any difference aborts.
//
// Each byte decodes on its own, so tests/cpp/test_single_byte.cpp, which checks every byte of
// every table, already covers the tables; this covers the loop around them: where it stops, how
// much it writes, what it does with little room.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glibc_iconv.hpp"
#include "roster/single_byte.hpp"

namespace {

using inscrire::detail::decode_some;
using inscrire::detail::SingleByte;

void check(bool condition) {
  if (!condition) std::abort();
}

void compare(SingleByte encoding, inscrire::testing::GlibcIconv& iconv,
             std::span<const unsigned char> in, std::size_t room) {
  const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
  const auto expected = iconv.to_utf8(text);

  // In one call, with room for everything.
  std::vector<unsigned char> out(in.size() * 3);
  const auto whole = decode_some(encoding, in, out);
  check(whole.undefined == expected.refused);
  check(whole.read == expected.read);
  check(std::string_view(reinterpret_cast<const char*>(out.data()), whole.written) ==
        expected.utf8);

  // In pieces, into `room` bytes at a time: every call but the last stops for lack of room,
  // having written whole characters only, and moves on as long as a character fits.
  std::string pieces;
  std::vector<unsigned char> small(room);
  std::size_t at = 0;
  while (true) {
    const auto piece = decode_some(encoding, in.subspan(at), small);
    check(piece.written <= room);
    pieces.append(reinterpret_cast<const char*>(small.data()), piece.written);
    at += piece.read;
    if (piece.undefined || at == in.size()) {
      check(piece.undefined == expected.refused);
      break;
    }
    check(piece.read > 0);  // room is 3 or more: any character fits
  }
  check(at == expected.read);
  check(pieces == expected.utf8);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static inscrire::testing::GlibcIconv latin1("ISO-8859-1");
  static inscrire::testing::GlibcIconv latin9("ISO-8859-15");
  static inscrire::testing::GlibcIconv windows1252("WINDOWS-1252");
  if (size == 0) return 0;
  // The first byte sets the room of the piecewise decoding (3 to 18 bytes: a character takes up
  // to 3), the rest is the text.
  const std::size_t room = 3 + data[0] % 16;
  const std::span<const unsigned char> in(data + 1, size - 1);
  compare(SingleByte::Iso8859_1, latin1, in, room);
  compare(SingleByte::Iso8859_15, latin9, in, room);
  compare(SingleByte::Windows1252, windows1252, in, room);
  return 0;
}
