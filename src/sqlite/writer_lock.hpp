// One writer at a time across every process using a database file, through an exclusive
// flock on the sidecar file "<database>-lock" (created 0600), taken before BEGIN IMMEDIATE and
// released after COMMIT or ROLLBACK. A waiter sleeps in the kernel and wakes as soon as the
// holder unlocks, where SQLite's busy handler polls with sleeps of up to 100 ms; the kernel
// releases the lock of a process that dies. Same host only, like WAL's shared memory
// (docs/architecture.md, SQLite).
#pragma once

#include <filesystem>

namespace inscrire::sqlite {

class WriterLock {
 public:
  explicit WriterLock(const std::filesystem::path& database);
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

  // Waits for the lock; throws Error(DATABASE_ERROR) if the system refuses it.
  void lock();
  void unlock() noexcept;

 private:
  int fd_ = -1;
};

// Holds the lock for a scope.
class WriterTurn {
 public:
  explicit WriterTurn(WriterLock& lock) : lock_(lock) { lock_.lock(); }
  ~WriterTurn() { lock_.unlock(); }
  WriterTurn(const WriterTurn&) = delete;
  WriterTurn& operator=(const WriterTurn&) = delete;

 private:
  WriterLock& lock_;
};

}  // namespace inscrire::sqlite
