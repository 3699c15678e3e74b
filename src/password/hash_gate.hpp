// Internal to the password files: the process-wide bound on hash computations running at once
// (set_max_concurrent_hashes in password.hpp).
#pragma once

#include <cstdint>

namespace inscrire::detail {

// One of the slots of the bound, held while alive: the constructor waits for a free slot.
// Every Argon2id or bcrypt computation holds one, and counts in hash_work_on_this_thread with
// its Argon2 cost (memory KiB x iterations; 0 for bcrypt).
class HashSlot {
 public:
  explicit HashSlot(std::uint64_t argon2_kib_passes = 0);
  ~HashSlot();
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
};

}  // namespace inscrire::detail
