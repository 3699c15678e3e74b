// QR codes (libqrencode) as inline SVG: the class sheet's link, a staff invitation's link, a
// second factor's otpauth:// URI. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace inscrire {

// `text` (a URL) as a QR code in an <svg> element (libqrencode, error correction M, a quiet
// zone of four modules, dark runs as one path), sized 160 px; `label` is its accessible title.
// Throws Error(INVALID_ARGUMENT) when the text does not fit in a QR code.
std::string qr_code_svg(std::string_view text, std::string_view label);

}  // namespace inscrire
