// Random secrets handed out: temporary passwords, one-time tokens, and the digests of tokens
// that the database stores instead of the tokens.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "inscrire/error.hpp"
#include "inscrire/password.hpp"
#include "inscrire/random.hpp"

namespace inscrire {
namespace {

std::string base64url(std::span<const std::uint8_t> bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (bytes[i] << 16U) | (bytes[i + 1] << 8U) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(group >> shift) & 63U]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = static_cast<std::uint32_t>(bytes[i]) << 16U;
    if (rest == 2) group |= static_cast<std::uint32_t>(bytes[i + 1]) << 8U;
    out.push_back(kAlphabet[(group >> 18U) & 63U]);
    out.push_back(kAlphabet[(group >> 12U) & 63U]);
    if (rest == 2) out.push_back(kAlphabet[(group >> 6U) & 63U]);
  }
  return out;
}

}  // namespace

std::string temporary_password() {
  return random_string(kTemporaryLetters, 6) + random_string(kTemporaryDigits, 2);
}

std::string random_token() {
  std::array<std::uint8_t, 32> bytes{};
  random_bytes(bytes);
  std::string token = base64url(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

std::string token_digest(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorCode::INTERNAL_ERROR, "SHA-256 failed");
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * static_cast<std::size_t>(length));
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4U]);
    hex.push_back(kHex[digest[i] & 15U]);
  }
  return hex;
}

}  // namespace inscrire
