// libFuzzer target: any bytes as what the second factor reads from outside: a typed TOTP code
// (verify_totp), a base32 secret (base32_decode), a typed recovery code
// (canonical_recovery_code) and a stored sealed secret (open_sealed). Nothing may crash or
// throw anything but inscrire::Error, and:
// - a decoded base32 text encodes back to itself (upper case, without spaces and padding);
// - a canonical recovery code is 10 characters of the alphabet and its own canonical form;
// - an accepted code is the code of the step it was accepted for;
// - nothing opens under a key drawn at start-up, which no input can know.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "inscrire/error.hpp"
#include "inscrire/random.hpp"
#include "inscrire/second_factor.hpp"

namespace {

// Seed seed5 holds its code at kNow.
const std::string kSecret = "12345678901234567890";
constexpr std::int64_t kNow = 1'760'000'015;

// A fresh key through the real loader: a private temporary file, removed at once.
inscrire::SecretKey startup_key() {
  std::string path = "/tmp/inscrire-fuzz-key-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) std::abort();
  std::string bytes(inscrire::SecretKey::kSize, '\0');
  inscrire::random_bytes({reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()});
  const bool written = fchmod(fd, 0600) == 0 &&
                       write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  close(fd);
  inscrire::SecretKey key = inscrire::SecretKey::load(path);
  unlink(path.c_str());
  if (!written) std::abort();
  return key;
}

std::string without_spaces_and_padding(std::string_view text) {
  std::string kept;
  for (const char c : text) {
    if (c == ' ' || c == '=') continue;
    kept.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return kept;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const inscrire::SecretKey key = startup_key();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (const auto bytes = inscrire::base32_decode(input)) {
    if (inscrire::base32_encode(*bytes) != without_spaces_and_padding(input)) __builtin_trap();
  }

  if (const auto code = inscrire::canonical_recovery_code(input)) {
    if (code->size() != inscrire::kRecoveryCodeLength) __builtin_trap();
    for (const char c : *code) {
      if (inscrire::kRecoveryCodeAlphabet.find(c) == std::string_view::npos) __builtin_trap();
    }
    if (inscrire::canonical_recovery_code(*code) != code) __builtin_trap();
  }

  if (const auto step = inscrire::verify_totp(kSecret, input, kNow, std::nullopt)) {
    const std::string expected = inscrire::totp_code(kSecret, *step);
    std::string digits;
    for (const char c : input) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    if (digits != expected) __builtin_trap();
  }

  try {
    (void)inscrire::open_sealed(key, input);
    __builtin_trap();
  } catch (const inscrire::Error& error) {
    if (error.code() != inscrire::ErrorCode::INTERNAL_ERROR) __builtin_trap();
  }
  return 0;
}
