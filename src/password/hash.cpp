// Argon2id hashing in the PHC string format, verification of stored hashes (Argon2id here,
// bcrypt in bcrypt.cpp), rehash decisions, and the time of a verification spent for nothing.
#include <argon2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

#include "inscrire/error.hpp"
#include "inscrire/password.hpp"
#include "inscrire/random.hpp"
#include "password/bcrypt.hpp"
#include "password/hash_gate.hpp"
#include "password/normalized_text.hpp"

namespace inscrire {
namespace {

using detail::HashSlot;
using detail::is_ascii_alnum;
using detail::PasswordText;

constexpr std::size_t kSaltBytes = 16;
constexpr std::uint32_t kHashBytes = 32;
// Beyond these a stored string is taken as garbled or hostile: verifying it would hold
// gigabytes or run for minutes. hash_password refuses the same values, so whatever it writes
// verifies.
constexpr std::uint32_t kMaxMemoryKiB = 4U * 1024 * 1024;  // 4 GiB
constexpr std::uint32_t kMaxIterations = 256;
constexpr std::uint32_t kMaxParallelism = 64;

}  // namespace

bool is_supported(const HashParameters& p) noexcept {
  return p.iterations >= 1 && p.iterations <= kMaxIterations && p.parallelism >= 1 &&
         p.parallelism <= kMaxParallelism && p.memory_kib >= 8 * p.parallelism &&
         p.memory_kib <= kMaxMemoryKiB;
}

namespace {

struct PhcHeader {
  std::uint32_t version = ARGON2_VERSION_10;  // the reference decoder's default without v=
  HashParameters params;
};

// Consumes `prefix` from the front of `text`.
bool consume(std::string_view& text, std::string_view prefix) noexcept {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// Consumes a decimal uint32 from the front of `text`.
bool consume_number(std::string_view& text, std::uint32_t& value) noexcept {
  std::uint64_t number = 0;
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    number = number * 10 + static_cast<std::uint64_t>(text[digits] - '0');
    if (++digits > 10 || number > UINT32_MAX) return false;
  }
  if (digits == 0) return false;
  value = static_cast<std::uint32_t>(number);
  text.remove_prefix(digits);
  return true;
}

// Consumes unpadded standard base64 up to the next '$' or the end.
bool consume_base64(std::string_view& text) noexcept {
  const auto end = std::min(text.find('$'), text.size());
  if (end == 0) return false;
  const bool valid = std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end),
                                 [](char c) { return is_ascii_alnum(c) || c == '+' || c == '/'; });
  text.remove_prefix(end);
  return valid;
}

// $argon2id$[v=V$]m=M,t=T,p=P$salt$hash, the format libargon2 writes and reads.
std::optional<PhcHeader> parse_phc(std::string_view text) noexcept {
  PhcHeader header;
  if (!consume(text, "$argon2id$")) return std::nullopt;
  if (consume(text, "v=") && !(consume_number(text, header.version) && consume(text, "$"))) {
    return std::nullopt;
  }
  auto& p = header.params;
  if (!(consume(text, "m=") && consume_number(text, p.memory_kib) && consume(text, ",t=") &&
        consume_number(text, p.iterations) && consume(text, ",p=") &&
        consume_number(text, p.parallelism) && consume(text, "$") && consume_base64(text) &&
        consume(text, "$") && consume_base64(text) && text.empty())) {
    return std::nullopt;
  }
  return header;
}

bool verify_argon2id(std::string_view password, std::string_view stored) {
  const auto header = parse_phc(stored);
  if (!header || !is_supported(header->params)) return false;
  const PasswordText text(password);
  if (text.view().size() > ARGON2_MAX_PWD_LENGTH) return false;
  const std::string encoded(stored);  // libargon2 wants a NUL-terminated string
  const HashSlot slot(std::uint64_t{header->params.memory_kib} * header->params.iterations);
  // argon2id_verify recomputes the hash and compares it in constant time.
  return argon2id_verify(encoded.c_str(), text.view().data(),
                         static_cast<std::size_t>(text.view().size())) == ARGON2_OK;
}

// The hash burn_verification_time verifies against: one per process and per parameters.
using ParameterKey = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;

std::string dummy_hash(const HashParameters& params) {
  static std::mutex mutex;
  static std::map<ParameterKey, std::string> hashes;
  const ParameterKey key{params.memory_kib, params.iterations, params.parallelism};
  {
    const std::lock_guard lock(mutex);
    if (const auto found = hashes.find(key); found != hashes.end()) return found->second;
  }
  // Hashed outside the lock: a slow first computation must not stall other parameters. Two
  // threads may both compute it once; either result serves.
  std::string hash = hash_password(random_token(), params);
  const std::lock_guard lock(mutex);
  return hashes.emplace(key, std::move(hash)).first->second;
}

}  // namespace

std::string hash_password(std::string_view password, const HashParameters& params) {
  if (!is_supported(params)) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "Argon2 parameters out of range (1 <= t <= 256, 1 <= p <= 64, 8p <= m <= 4 GiB)");
  }
  const PasswordText text(password);
  if (text.view().size() > ARGON2_MAX_PWD_LENGTH) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "password too long to hash");
  }
  std::array<std::uint8_t, kSaltBytes> salt{};
  random_bytes(salt);
  std::string encoded(argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                        kSaltBytes, kHashBytes, Argon2_id),
                      '\0');
  int status = ARGON2_OK;
  {
    const HashSlot slot(std::uint64_t{params.memory_kib} * params.iterations);
    status = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                   text.view().data(), text.view().size(), salt.data(), salt.size(),
                                   kHashBytes, encoded.data(), encoded.size());
  }
  if (status != ARGON2_OK) {
    throw Error(ErrorCode::INTERNAL_ERROR,
                std::string("Argon2id: ") + argon2_error_message(status));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool verify_password(std::string_view password, std::string_view stored_hash) {
  if (stored_hash.starts_with("$argon2id$")) return verify_argon2id(password, stored_hash);
  if (detail::is_bcrypt(stored_hash)) return detail::verify_bcrypt(password, stored_hash);
  return false;
}

std::optional<HashParameters> parse_hash_parameters(std::string_view stored_hash) {
  const auto header = parse_phc(stored_hash);
  if (!header) return std::nullopt;
  return header->params;
}

bool needs_rehash(std::string_view stored_hash, const HashParameters& params) {
  const auto header = parse_phc(stored_hash);
  if (!header || header->version != ARGON2_VERSION_13) return true;
  const HashParameters& stored = header->params;
  return stored.memory_kib < params.memory_kib || stored.iterations < params.iterations ||
         stored.parallelism < params.parallelism;
}

void burn_verification_time(std::string_view password, const HashParameters& params) {
  // The result is meaningless (the dummy's password is random); only the time spent counts.
  static_cast<void>(verify_password(password, dummy_hash(params)));
}

}  // namespace inscrire
