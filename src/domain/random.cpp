#include "inscrire/random.hpp"

#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>

#include <array>
#include <cstring>

#include "inscrire/error.hpp"

namespace inscrire {
namespace {

void openssl_random(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw Error(ErrorCode::INTERNAL_ERROR, "random generator failure");
  }
}

// Bumped in every child after fork(): buffers filled before it are dropped, so that parent and
// child never hand out the same bytes.
std::atomic<unsigned> fork_generation{0};

void note_fork() noexcept { fork_generation.fetch_add(1, std::memory_order_relaxed); }

unsigned current_generation() noexcept {
  static const int registered = pthread_atfork(nullptr, nullptr, note_fork);
  (void)registered;
  return fork_generation.load(std::memory_order_relaxed);
}

// Small draws (a suffix, a code letter) come from a per-thread buffer: one OpenSSL call per
// 256 bytes instead of one per draw.
struct RandomBuffer {
  std::array<std::uint8_t, 256> bytes{};
  std::size_t used = bytes.size();
  unsigned generation = 0;

  std::uint32_t next_u32() {
    const unsigned now = current_generation();
    if (used + 4 > bytes.size() || generation != now) {
      openssl_random(bytes);
      used = 0;
      generation = now;
    }
    std::uint32_t value;
    std::memcpy(&value, bytes.data() + used, sizeof value);
    std::memset(bytes.data() + used, 0, sizeof value);
    used += sizeof value;
    return value;
  }
};

}  // namespace

void random_bytes(std::span<std::uint8_t> out) { openssl_random(out); }

std::uint32_t random_below(std::uint32_t bound) {
  if (bound == 0) throw Error(ErrorCode::INVALID_ARGUMENT, "random_below(0)");
  thread_local RandomBuffer buffer;
  // Reject the top partial block of 2^32 so every residue is equally likely.
  const std::uint32_t limit = UINT32_MAX - (UINT32_MAX % bound + 1) % bound;
  for (;;) {
    const std::uint32_t value = buffer.next_u32();
    if (value <= limit) return value % bound;
  }
}

std::string random_string(std::string_view alphabet, std::size_t length) {
  std::string out(length, '\0');
  const auto size = static_cast<std::uint32_t>(alphabet.size());
  for (auto& c : out) c = alphabet[random_below(size)];
  return out;
}

}  // namespace inscrire
