// bcrypt hashes of imported accounts, verified with libxcrypt's crypt_r.
#include "password/bcrypt.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <cstring>
#include <memory>
#include <string>

#include "password/hash_gate.hpp"
#include "password/normalized_text.hpp"

namespace inscrire::detail {
namespace {

constexpr std::size_t kBcryptLength = 60;  // $2b$NN$ + 22 salt + 31 hash characters
// Cost 16 is about 4 s here; a higher one in an import is garbled or hostile.
constexpr int kMaxBcryptCost = 16;

// crypt_r of one candidate; `data` is reused between candidates and wiped by the caller.
bool bcrypt_matches(const std::string& candidate, const std::string& setting, crypt_data& data) {
  const char* result = crypt_r(candidate.c_str(), setting.c_str(), &data);
  // libxcrypt reports failure with NULL or a string starting with '*'.
  if (result == nullptr || result[0] == '*') return false;
  return std::strlen(result) == setting.size() &&
         CRYPTO_memcmp(result, setting.data(), setting.size()) == 0;
}

}  // namespace

bool is_bcrypt(std::string_view stored) noexcept {
  if (stored.size() != kBcryptLength) return false;
  if (!(stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$"))) {
    return false;
  }
  const char tens = stored[4];
  const char units = stored[5];
  if (stored[6] != '$' || tens < '0' || tens > '9' || units < '0' || units > '9') return false;
  const int cost = (tens - '0') * 10 + (units - '0');
  return cost >= 4 && cost <= kMaxBcryptCost;
}

bool verify_bcrypt(std::string_view password, std::string_view stored) {
  // crypt_r reads a C string: an embedded NUL would silently shorten the password.
  if (password.find('\0') != std::string_view::npos) return false;
  const std::string setting(stored);
  const Wiped<std::string> raw{std::string(password)};
  // crypt_data is 32 KiB: on the heap, value-initialised as crypt_r requires.
  auto data = std::make_unique<crypt_data>();
  const HashSlot slot;
  // Imported hashes were made from the bytes the old system received; try the NFC form too in
  // case the pupil's keyboard now sends the other form.
  bool match = bcrypt_matches(raw.value, setting, *data);
  if (!match) {
    const PasswordText text(password);
    if (text.changed()) match = bcrypt_matches(std::string(text.view()), setting, *data);
  }
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return match;
}

}  // namespace inscrire::detail
