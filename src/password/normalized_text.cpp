// Passwords in Unicode normalisation form C (password.hpp): "é" typed as one code point or as
// "e" + combining accent is the same password.
#include "password/normalized_text.hpp"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <vector>

#include "inscrire/error.hpp"

namespace inscrire::detail {
namespace {

bool is_ascii(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

const UNormalizer2* nfc_normalizer() {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2* nfc = unorm2_getNFCInstance(&status);
  if (U_FAILURE(status)) throw Error(ErrorCode::INTERNAL_ERROR, "ICU NFC data unavailable");
  return nfc;
}

// NFC of valid UTF-8 `text` into `out`; false (and `out` untouched) when `text` is already
// NFC or cannot be converted, in which case the bytes are used as they are.
bool to_nfc(std::string_view text, std::string& out) {
  if (is_ascii(text) || text.size() > INT32_MAX / 4) return false;
  const UNormalizer2* nfc = nfc_normalizer();
  UErrorCode status = U_ZERO_ERROR;
  Wiped<std::vector<UChar>> utf16;
  utf16.value.resize(text.size());  // UTF-16 never needs more units than UTF-8 has bytes
  int32_t length = 0;
  u_strFromUTF8(utf16.value.data(), static_cast<int32_t>(utf16.value.size()), &length, text.data(),
                static_cast<int32_t>(text.size()), &status);
  if (U_FAILURE(status)) return false;
  if (unorm2_quickCheck(nfc, utf16.value.data(), length, &status) == UNORM_YES) return false;
  // NFC expands by at most 3x (UAX #15); the retry only guards against a mistake in that bound.
  Wiped<std::vector<UChar>> composed;
  int32_t composed_length = 3 * length;
  do {
    composed.value.assign(static_cast<std::size_t>(composed_length), u'\0');
    status = U_ZERO_ERROR;
    composed_length = unorm2_normalize(nfc, utf16.value.data(), length, composed.value.data(),
                                       static_cast<int32_t>(composed.value.size()), &status);
  } while (status == U_BUFFER_OVERFLOW_ERROR);
  if (U_FAILURE(status)) throw Error(ErrorCode::INTERNAL_ERROR, "NFC normalisation failed");
  out.assign(static_cast<std::size_t>(composed_length) * 3, '\0');  // <= 3 bytes per unit
  int32_t utf8_length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &utf8_length, composed.value.data(),
              composed_length, &status);
  if (U_FAILURE(status)) throw Error(ErrorCode::INTERNAL_ERROR, "UTF-8 conversion failed");
  out.resize(static_cast<std::size_t>(utf8_length));
  return true;
}

}  // namespace

PasswordText::PasswordText(std::string_view raw) : view_(raw) {
  changed_ = to_nfc(raw, normalized_.value);
  if (changed_) view_ = normalized_.value;
}

}  // namespace inscrire::detail
