#include "sqlite/writer_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "inscrire/error.hpp"

namespace inscrire::sqlite {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw Error(ErrorCode::DATABASE_ERROR, what + ": " + std::system_category().message(errno));
}

}  // namespace

WriterLock::WriterLock(const std::filesystem::path& database) {
  const auto path = database.string() + "-lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) fail("open " + path);
}

WriterLock::~WriterLock() { ::close(fd_); }

// Not const although it could be: it changes the state of the lock, which the object stands for.
void WriterLock::lock() {  // NOLINT(readability-make-member-function-const)
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) fail("lock");
  }
}

void WriterLock::unlock() noexcept {  // NOLINT(readability-make-member-function-const)
  ::flock(fd_, LOCK_UN);
}

}  // namespace inscrire::sqlite
