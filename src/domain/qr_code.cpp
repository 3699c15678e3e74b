// A QR code as inline SVG (libqrencode): qr_code.hpp.
#include <qrencode.h>

#include <memory>
#include <string>

#include "inscrire/error.hpp"
#include "inscrire/qr_code.hpp"
#include "inscrire/render.hpp"

namespace inscrire {
namespace {

struct QrCodeDeleter {
  void operator()(QRcode* code) const noexcept { QRcode_free(code); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeDeleter>;

// Scanners need four light modules around the symbol (ISO/IEC 18004, quiet zone).
constexpr int kQuietZone = 4;

bool is_dark(const QRcode& code, int x, int y) {
  return (code.data[static_cast<std::size_t>(y) * static_cast<std::size_t>(code.width) +
                    static_cast<std::size_t>(x)] &
          1U) != 0;
}

// One path for the whole symbol: each horizontal run of dark modules is one rectangle, which
// keeps a 33-module code around 4 KiB.
std::string dark_runs_path(const QRcode& code) {
  std::string path;
  for (int y = 0; y < code.width; ++y) {
    for (int x = 0; x < code.width;) {
      if (!is_dark(code, x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < code.width && is_dark(code, x, y)) ++x;
      path.append("M")
          .append(std::to_string(start + kQuietZone))
          .append(" ")
          .append(std::to_string(y + kQuietZone))
          .append("h")
          .append(std::to_string(x - start))
          .append("v1h-")
          .append(std::to_string(x - start))
          .append("z");
    }
  }
  return path;
}

}  // namespace

std::string qr_code_svg(std::string_view text, std::string_view label) {
  // Error correction M (15 %): a printed sheet gets folded and smudged.
  const QrCodePtr code(QRcode_encodeData(static_cast<int>(text.size()),
                                         reinterpret_cast<const unsigned char*>(text.data()), 0,
                                         QR_ECLEVEL_M));
  if (!code) throw Error(ErrorCode::INVALID_ARGUMENT, "text too long for a QR code");
  const auto size = std::to_string(code->width + 2 * kQuietZone);
  return std::string(R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 )")
      .append(size)
      .append(" ")
      .append(size)
      .append(R"(" width="160" height="160" role="img" shape-rendering="crispEdges"><title>)")
      .append(html_escape(label))
      .append(R"(</title><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d=")")
      .append(dark_runs_path(*code))
      .append(R"("/></svg>)");
}

}  // namespace inscrire
