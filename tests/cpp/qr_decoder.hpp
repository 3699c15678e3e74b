// Reading a QR code back the way a phone would: the first <svg> of a page rendered to PNG by
// rsvg-convert (librsvg) and decoded by zbarimg (zbar), both real programs from Debian.
#pragma once

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "cli/temporary_directory.hpp"

namespace inscrire::testing {

// What a shell command prints on its standard output.
inline std::string output_of(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buffer{};
  while (pipe &&
         std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe.get()) != nullptr) {
    out += buffer.data();
  }
  return out;
}

// The text of the first QR code (<svg>...</svg>) of `html`; "(no svg)" if there is none, ""
// if the decoder reads nothing.
inline std::string decoded_qr_code(const std::string& html) {
  const auto begin = html.find("<svg");
  const auto end = html.find("</svg>");
  if (begin == std::string::npos || end == std::string::npos) return "(no svg)";
  TemporaryDirectory directory("qr");
  const auto svg = directory.path() / "code.svg";
  const auto png = directory.path() / "code.png";
  std::ofstream(svg) << html.substr(begin, end + 6 - begin);
  output_of("rsvg-convert -w 480 -h 480 -o '" + png.string() + "' '" + svg.string() + "'");
  auto text = output_of("zbarimg --quiet --raw '" + png.string() + "'");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace inscrire::testing
