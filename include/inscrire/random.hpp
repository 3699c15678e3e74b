// Cryptographic randomness (OpenSSL's DRBG) for campaign codes, username suffixes, salts,
// temporary passwords and tokens. Uniform draws use rejection sampling: no modulo bias.
// Thread-safe; each thread buffers a few bytes drawn from OpenSSL and refills after a fork.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace inscrire {

// Fills `out` with cryptographically secure random bytes. Throws Error(INTERNAL_ERROR) if the
// generator fails.
void random_bytes(std::span<std::uint8_t> out);

// A uniform integer in [0, bound), bound > 0.
std::uint32_t random_below(std::uint32_t bound);

// `length` characters drawn uniformly and independently from `alphabet`.
std::string random_string(std::string_view alphabet, std::size_t length);

}  // namespace inscrire
