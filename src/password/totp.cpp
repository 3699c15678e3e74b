// One-time passwords for the staff second factor: HOTP (RFC 4226) over OpenSSL's HMAC, the
// product's TOTP (RFC 6238: SHA-1, 6 digits, 30 s), its verification window, secrets, base32
// and the otpauth:// URI.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "inscrire/error.hpp"
#include "inscrire/random.hpp"
#include "inscrire/second_factor.hpp"
#include "password/normalized_text.hpp"

namespace inscrire {
namespace {

struct MacFree {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
struct MacContextFree {
  void operator()(EVP_MAC_CTX* context) const noexcept { EVP_MAC_CTX_free(context); }
};

// Fetched once: an explicit fetch per call costs a look-up under a lock in OpenSSL 3.0, and an
// EVP_MAC may be shared by threads (each computation has its own EVP_MAC_CTX).
EVP_MAC& hmac() {
  static const std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) throw Error(ErrorCode::INTERNAL_ERROR, "HMAC is not available in OpenSSL");
  return *mac;
}

const char* digest_name(OtpAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case OtpAlgorithm::Sha256: return "SHA256";
    case OtpAlgorithm::Sha512: return "SHA512";
    case OtpAlgorithm::Sha1: break;
  }
  return "SHA1";
}

void require_secret(std::string_view secret) {
  if (secret.size() < kMinOtpSecretBytes) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "OTP secret shorter than " + std::to_string(kMinOtpSecretBytes) + " bytes");
  }
}

// The ASCII digits of what was typed, spaces dropped; nullopt unless exactly kTotpDigits remain.
// Apps show "123 456"; a French locale may copy the gap as U+202F or U+00A0.
std::optional<std::array<char, kTotpDigits>> typed_digits(std::string_view typed) noexcept {
  // A bound before the loop: nobody types more than a few spaces around six digits.
  if (typed.size() > 64) return std::nullopt;
  std::array<char, kTotpDigits> digits{};
  std::size_t count = 0;
  for (std::size_t i = 0; i < typed.size();) {
    const std::string_view rest = typed.substr(i);
    if (rest[0] == ' ' || rest[0] == '\t') {
      ++i;
    } else if (rest.starts_with("\xC2\xA0")) {
      i += 2;
    } else if (rest.starts_with("\xE2\x80\xAF")) {
      i += 3;
    } else if (rest[0] >= '0' && rest[0] <= '9') {
      if (count == digits.size()) return std::nullopt;
      digits[count++] = rest[0];
      ++i;
    } else {
      return std::nullopt;
    }
  }
  if (count != digits.size()) return std::nullopt;
  return digits;
}

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// The 5-bit value of a base32 symbol, either case; -1 for anything else.
int base32_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string hotp(std::string_view secret, std::uint64_t counter, int digits,
                 OtpAlgorithm algorithm) {
  require_secret(secret);
  if (digits < 6 || digits > 8) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "HOTP digits must be 6, 7 or 8");
  }
  std::array<unsigned char, 8> message{};
  for (std::size_t i = 0; i < message.size(); ++i) {
    message[message.size() - 1 - i] = static_cast<unsigned char>(counter >> (8 * i));
  }
  const std::unique_ptr<EVP_MAC_CTX, MacContextFree> context(EVP_MAC_CTX_new(&hmac()));
  // OSSL_PARAM takes a non-const pointer but only reads the name.
  std::array<OSSL_PARAM, 2> params{
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(digest_name(algorithm)), 0),
      OSSL_PARAM_construct_end()};
  detail::Wiped<std::array<unsigned char, EVP_MAX_MD_SIZE>> mac;
  std::size_t length = 0;
  if (!context ||
      EVP_MAC_init(context.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                   secret.size(), params.data()) != 1 ||
      EVP_MAC_update(context.get(), message.data(), message.size()) != 1 ||
      EVP_MAC_final(context.get(), mac.value.data(), &length, mac.value.size()) != 1 ||
      length < 20) {
    throw Error(ErrorCode::INTERNAL_ERROR, "HMAC failed");
  }
  // RFC 4226 §5.3 dynamic truncation: the low nibble of the last byte picks 4 bytes, whose
  // top bit is dropped (31 bits, so that signed and unsigned readers agree).
  const std::size_t offset = mac.value[length - 1] & 0x0FU;
  std::uint32_t value = (static_cast<std::uint32_t>(mac.value[offset] & 0x7FU) << 24U) |
                        (static_cast<std::uint32_t>(mac.value[offset + 1]) << 16U) |
                        (static_cast<std::uint32_t>(mac.value[offset + 2]) << 8U) |
                        static_cast<std::uint32_t>(mac.value[offset + 3]);
  std::string code(static_cast<std::size_t>(digits), '0');
  for (std::size_t i = code.size(); i-- > 0;) {  // zero-padded: the last digit first
    code[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return code;
}

std::int64_t totp_step(std::int64_t unix_seconds) {
  if (unix_seconds < 0) throw Error(ErrorCode::INVALID_ARGUMENT, "TOTP time before 1970");
  return unix_seconds / kTotpStepSeconds;
}

std::string totp_code(std::string_view secret, std::int64_t step) {
  if (step < 0) throw Error(ErrorCode::INVALID_ARGUMENT, "negative TOTP step");
  return hotp(secret, static_cast<std::uint64_t>(step), kTotpDigits, OtpAlgorithm::Sha1);
}

std::optional<std::int64_t> verify_totp(std::string_view secret, std::string_view typed_code,
                                        std::int64_t now,
                                        std::optional<std::int64_t> last_accepted_step) {
  require_secret(secret);
  const std::int64_t current = totp_step(now);
  const auto typed = typed_digits(typed_code);
  if (!typed) return std::nullopt;
  std::optional<std::int64_t> accepted;
  // All three codes are computed and compared whatever happened before, so the time taken
  // does not tell which step matched. Step -1 (only in the first 30 s of 1970) is computed as
  // step 0 and never accepted, for the same reason.
  for (std::int64_t step = current - 1; step <= current + 1; ++step) {
    const detail::Wiped<std::string> expected(totp_code(secret, std::max<std::int64_t>(step, 0)));
    const bool same = CRYPTO_memcmp(expected.value.data(), typed->data(), typed->size()) == 0;
    const bool fresh = step >= 0 && (!last_accepted_step || step > *last_accepted_step);
    if (same && fresh && !accepted) accepted = step;
  }
  return accepted;
}

std::string new_totp_secret() {
  std::string secret(kTotpSecretBytes, '\0');
  random_bytes({reinterpret_cast<std::uint8_t*>(secret.data()), secret.size()});
  return secret;
}

std::string base32_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;  // at most 12 bits pending: 4 left over plus 8 new
  int bits = 0;
  for (const char byte : bytes) {
    buffer = (buffer << 8U) | static_cast<unsigned char>(byte);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32Alphabet[(buffer >> static_cast<unsigned>(bits)) & 31U]);
    }
    buffer &= (1U << static_cast<unsigned>(bits)) - 1U;
  }
  if (bits > 0)
    out.push_back(kBase32Alphabet[(buffer << (5U - static_cast<unsigned>(bits))) & 31U]);
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  // Wiped: when the text turns out malformed halfway, the bytes decoded so far (a secret's
  // beginning) are not left in freed memory.
  detail::Wiped<std::string> out;
  out.value.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;
  std::size_t padding = 0;
  for (const char c : text) {
    if (c == ' ') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int value = base32_value(c);
    if (value < 0 || padding > 0) return std::nullopt;  // a symbol after padding included
    ++symbols;
    buffer = (buffer << 5U) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.value.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
      buffer &= (1U << static_cast<unsigned>(bits)) - 1U;
    }
  }
  // A last group of 8 symbols ends with 0 (full), 2, 4, 5 or 7 symbols (1 to 4 bytes); 1, 3 or
  // 6 symbols would leave 5 or more bits that belong to no byte.
  const std::size_t tail = symbols % 8;
  if (tail == 1 || tail == 3 || tail == 6) return std::nullopt;
  if (padding > 0 && (tail == 0 || padding != 8 - tail)) return std::nullopt;
  if (buffer != 0) return std::nullopt;  // the unused low bits of the last symbol
  return std::move(out.value);
}

std::string otpauth_uri(std::string_view username, std::string_view secret) {
  require_secret(secret);
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string label;
  for (const char c : username) {
    const bool unreserved =
        detail::is_ascii_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      label.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      label.push_back('%');
      label.push_back(kHex[byte >> 4U]);
      label.push_back(kHex[byte & 15U]);
    }
  }
  return "otpauth://totp/inscrire:" + label + "?secret=" + base32_encode(secret) +
         "&issuer=inscrire";
}

}  // namespace inscrire
