// Files the CLI writes that hold secrets: a class's credentials, a staff invitation sheet.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "command.hpp"

namespace inscrire::cli {

int create_private_file(const std::string& path, const std::string& option) {
  // O_EXCL: never through an existing file or a symbolic link an attacker left in its place.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    throw Error(ErrorCode::INVALID_ARGUMENT,
                option + " " + path + ": " + std::system_category().message(error) +
                    (error == EEXIST ? " (refusing to overwrite it)" : ""));
  }
  return fd;
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto written = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw Error(ErrorCode::INTERNAL_ERROR, "writing " + path);
    done += static_cast<std::size_t>(written);
  }
}

PrivateFile::PrivateFile(std::string path, const std::string& option)
    : path_(std::move(path)), fd_(create_private_file(path_, option)) {}

PrivateFile::~PrivateFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(path_.c_str());
}

void PrivateFile::write_and_keep(const std::string& bytes) {
  write_all(fd_, bytes, path_);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    ::unlink(path_.c_str());
    throw Error(ErrorCode::INTERNAL_ERROR, "writing " + path_);
  }
}

}  // namespace inscrire::cli
