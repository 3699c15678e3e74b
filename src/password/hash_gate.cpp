// The process-wide bound on hash computations running at once: Argon2 holds m KiB for the whole
// computation, so the bound also bounds the memory a burst of logins takes.
#include "password/hash_gate.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "inscrire/password.hpp"
#include "password/test_hooks.hpp"

namespace inscrire {
namespace {

unsigned default_hash_limit() noexcept { return std::max(1U, std::thread::hardware_concurrency()); }

// A counting semaphore whose count can change at run time (std::counting_semaphore cannot).
class HashGate {
 public:
  void acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return active_ < limit_; });
    ++active_;
    peak_ = std::max(peak_, active_);
  }

  void release() {
    {
      const std::lock_guard lock(mutex_);
      --active_;
    }
    available_.notify_one();
  }

  void set_limit(unsigned limit) {
    {
      const std::lock_guard lock(mutex_);
      limit_ = limit == 0 ? default_hash_limit() : limit;
    }
    available_.notify_all();
  }

  unsigned limit() noexcept {
    const std::lock_guard lock(mutex_);
    return limit_;
  }

  unsigned peak() noexcept {
    const std::lock_guard lock(mutex_);
    return peak_;
  }

  void reset_peak() noexcept {
    const std::lock_guard lock(mutex_);
    peak_ = active_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable available_;
  unsigned limit_ = default_hash_limit();
  unsigned active_ = 0;
  unsigned peak_ = 0;
};

HashGate& hash_gate() {
  static HashGate gate;
  return gate;
}

thread_local HashWork work_on_this_thread;

}  // namespace

namespace detail {

HashSlot::HashSlot(std::uint64_t argon2_kib_passes) {
  hash_gate().acquire();
  ++work_on_this_thread.computations;
  work_on_this_thread.argon2_kib_passes += argon2_kib_passes;
}
HashSlot::~HashSlot() { hash_gate().release(); }

unsigned peak_concurrent_hashes() noexcept { return hash_gate().peak(); }
void reset_peak_concurrent_hashes() noexcept { hash_gate().reset_peak(); }

}  // namespace detail

HashWork hash_work_on_this_thread() noexcept { return work_on_this_thread; }

void set_max_concurrent_hashes(unsigned n) { hash_gate().set_limit(n); }

unsigned max_concurrent_hashes() noexcept { return hash_gate().limit(); }

}  // namespace inscrire
