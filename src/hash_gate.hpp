// Internal to the password files: the process-wide bound on hash computations running at once
// (set_max_concurrent_hashes in password.hpp).
#pragma once

namespace inscrire::detail {

// One of the slots of the bound, held while alive: the constructor waits for a free slot.
// Every Argon2id or bcrypt computation holds one.
class HashSlot {
 public:
  HashSlot();
  ~HashSlot();
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
};

}  // namespace inscrire::detail
