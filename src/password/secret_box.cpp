// The secret box: TOTP secrets encrypted at rest with AES-256-GCM under a key file
// (docs/security.md, "Second factor (TOTP)"), so that a copied database file or dump carries no
// usable secret while the verifier can still read it.
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "inscrire/error.hpp"
#include "inscrire/random.hpp"
#include "inscrire/second_factor.hpp"
#include "password/normalized_text.hpp"

namespace inscrire {

struct SecretKey::Material {
  std::array<unsigned char, kSize> bytes{};

  Material() = default;
  Material(const Material&) = delete;
  Material& operator=(const Material&) = delete;
  ~Material() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

namespace {

constexpr std::string_view kPrefix = "v1:";
// Binds a sealed value to its use and format version: a value sealed for another purpose
// under the same key (should one ever exist) does not open as a TOTP secret.
constexpr std::string_view kAdditionalData = "inscrire-totp-v1";
// 96-bit nonces, GCM's native size (NIST SP 800-38D §8.2.2): drawn at random, they stay safe
// far beyond the number of secrets one key will ever seal (2^32 per key).
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
// EVP's lengths are int.
constexpr auto kMaxEvpLength = static_cast<std::size_t>(INT_MAX);

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const noexcept { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

[[noreturn]] void refuse_key_file(const std::filesystem::path& path, const std::string& problem) {
  throw Error(ErrorCode::INVALID_ARGUMENT, "key file " + path.string() + ": " + problem);
}

[[noreturn]] void refuse_sealed(const std::string& problem) {
  throw Error(ErrorCode::INTERNAL_ERROR, "sealed TOTP secret: " + problem);
}

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t rest = bytes.size() - i;
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U;
    if (rest > 1)
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U;
    if (rest > 2) group |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kBase64Alphabet[(group >> 18U) & 63U]);
    out.push_back(kBase64Alphabet[(group >> 12U) & 63U]);
    out.push_back(rest > 1 ? kBase64Alphabet[(group >> 6U) & 63U] : '=');
    out.push_back(rest > 2 ? kBase64Alphabet[group & 63U] : '=');
  }
  return out;
}

// Strict: length a multiple of 4, padding only at the end, unused bits zero. Every byte string
// then has exactly one spelling, so altering any character of a sealed value changes the bytes
// (and GCM refuses them) or the spelling (and this refuses it).
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t padding = 0;
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      std::uint32_t value = 0;
      if (c == '=') {
        // Only the last one or two characters of the last group.
        if (!last || k < 2) return std::nullopt;
        ++padding;
      } else {
        const std::size_t found = kBase64Alphabet.find(c);
        if (found == std::string_view::npos || padding > 0) return std::nullopt;
        value = static_cast<std::uint32_t>(found);
      }
      group = (group << 6U) | value;
    }
    out.push_back(static_cast<char>((group >> 16U) & 0xFFU));
    if (padding < 2) out.push_back(static_cast<char>((group >> 8U) & 0xFFU));
    if (padding < 1) out.push_back(static_cast<char>(group & 0xFFU));
    // The bits under the padding must be zero.
    if ((padding == 1 && (group & 0xFFU) != 0) || (padding == 2 && (group & 0xFFFFU) != 0)) {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

SecretKey::SecretKey(std::unique_ptr<Material> material) noexcept
    : material_(std::move(material)) {}
SecretKey::SecretKey(SecretKey&& other) noexcept = default;
SecretKey& SecretKey::operator=(SecretKey&& other) noexcept = default;
SecretKey::~SecretKey() = default;

SecretKey SecretKey::load(const std::filesystem::path& path) {
  // O_NONBLOCK: a FIFO put in the key's place must not hang the service; fstat refuses it.
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (file.get() < 0) refuse_key_file(path, std::system_category().message(errno));
  // fstat on the open file, not stat on the path: what is checked is what is read.
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) {
    refuse_key_file(path, std::system_category().message(errno));
  }
  if (!S_ISREG(info.st_mode)) refuse_key_file(path, "not a regular file");
  if ((info.st_mode & 077U) != 0) {
    refuse_key_file(path, "group or others have access to it (chmod 600)");
  }
  // One byte more than a key, to tell "too long" from "exactly 32".
  detail::Wiped<std::array<unsigned char, kSize + 1>> buffer;
  std::size_t length = 0;
  while (length < buffer.value.size()) {
    const ssize_t got =
        ::read(file.get(), buffer.value.data() + length, buffer.value.size() - length);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) refuse_key_file(path, std::system_category().message(errno));
    if (got == 0) break;
    length += static_cast<std::size_t>(got);
  }
  if (length < kSize) {
    refuse_key_file(path, "holds " + std::to_string(length) + " bytes, 32 expected");
  }
  if (length > kSize) refuse_key_file(path, "holds more than 32 bytes");
  auto material = std::make_unique<Material>();
  std::copy_n(buffer.value.begin(), kSize, material->bytes.begin());
  return SecretKey(std::move(material));
}

std::string seal(const SecretKey& key, std::string_view plaintext) {
  if (!key.material_) throw Error(ErrorCode::INVALID_ARGUMENT, "moved-from SecretKey");
  if (plaintext.size() > kMaxEvpLength - kNonceBytes - kTagBytes) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "plaintext too large to seal");
  }
  // nonce ‖ ciphertext ‖ tag, written in place.
  std::string box(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* const nonce = reinterpret_cast<unsigned char*>(box.data());
  auto* const ciphertext = nonce + kNonceBytes;
  auto* const tag = ciphertext + plaintext.size();
  random_bytes({nonce, kNonceBytes});
  const CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, key.material_->bytes.data(), nonce) !=
          1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length,
                        reinterpret_cast<const unsigned char*>(kAdditionalData.data()),
                        static_cast<int>(kAdditionalData.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), ciphertext, &length,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), ciphertext + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) != 1) {
    throw Error(ErrorCode::INTERNAL_ERROR, "AES-256-GCM encryption failed");
  }
  return std::string(kPrefix) + base64_encode(box);
}

std::string open_sealed(const SecretKey& key, std::string_view sealed) {
  if (!key.material_) throw Error(ErrorCode::INVALID_ARGUMENT, "moved-from SecretKey");
  if (!is_sealed(sealed)) refuse_sealed("unknown format (no v1: prefix)");
  std::optional<std::string> box = base64_decode(sealed.substr(kPrefix.size()));
  if (!box) refuse_sealed("malformed base64");
  if (box->size() < kNonceBytes + kTagBytes || box->size() > kMaxEvpLength) {
    refuse_sealed("truncated");
  }
  const std::size_t plaintext_size = box->size() - kNonceBytes - kTagBytes;
  auto* const nonce = reinterpret_cast<unsigned char*>(box->data());
  auto* const ciphertext = nonce + kNonceBytes;
  auto* const tag = ciphertext + plaintext_size;
  // Wiped: if the tag is refused, the unauthenticated plaintext written so far goes away
  // cleanly.
  detail::Wiped<std::string> plaintext(std::string(plaintext_size, '\0'));
  auto* const out = reinterpret_cast<unsigned char*>(plaintext.value.data());
  const CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!context ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, key.material_->bytes.data(), nonce) !=
          1 ||
      EVP_DecryptUpdate(context.get(), nullptr, &length,
                        reinterpret_cast<const unsigned char*>(kAdditionalData.data()),
                        static_cast<int>(kAdditionalData.size())) != 1 ||
      EVP_DecryptUpdate(context.get(), out, &length, ciphertext,
                        static_cast<int>(plaintext_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1) {
    throw Error(ErrorCode::INTERNAL_ERROR, "AES-256-GCM decryption failed");
  }
  if (EVP_DecryptFinal_ex(context.get(), out + length, &length) != 1) {
    refuse_sealed("does not open under this key (a different key file, or an altered value)");
  }
  return std::move(plaintext.value);
}

bool is_sealed(std::string_view stored) noexcept { return stored.starts_with(kPrefix); }

}  // namespace inscrire
