// The byte stream the roster readers pull from, and its memory and file sources.
#include "roster/input.hpp"

#include <algorithm>
#include <utility>

#include "inscrire/error.hpp"

namespace inscrire::detail {
namespace {
constexpr std::uint64_t kProgressStep = 1u << 20;
}  // namespace

std::size_t MemorySource::read(char* buffer, std::size_t size) {
  const std::size_t n = std::min(size, bytes_.size());
  std::copy_n(bytes_.data(), n, buffer);
  bytes_.remove_prefix(n);
  return n;
}

std::size_t FileSource::read(char* buffer, std::size_t size) {
  stream_.read(buffer, static_cast<std::streamsize>(size));
  if (stream_.bad()) throw Error(ErrorCode::INVALID_FILE, "read error");
  return static_cast<std::size_t>(stream_.gcount());
}

Input::Input(std::unique_ptr<ByteSource> source, std::uint64_t total, const ReadOptions& options)
    : source_(std::move(source)), total_(total), options_(options) {}

std::size_t Input::pull(char* buffer, std::size_t size) {
  std::size_t got = 0;
  // Sources may return short reads; fill as much as asked unless the end is reached.
  while (got < size) {
    const std::size_t n = source_->read(buffer + got, size - got);
    if (n == 0) break;
    got += n;
  }
  return got;
}

std::string_view Input::peek(std::size_t size) {
  if (head_.size() < size) {
    const std::size_t old = head_.size();
    head_.resize(size);
    head_.resize(old + pull(head_.data() + old, size - old));
  }
  return std::string_view(head_).substr(0, std::min(size, head_.size()));
}

std::size_t Input::read(char* buffer, std::size_t size) {
  if (too_large_) return 0;
  std::size_t got = 0;
  if (head_pos_ < head_.size()) {
    got = std::min(size, head_.size() - head_pos_);
    std::copy_n(head_.data() + head_pos_, got, buffer);
    head_pos_ += got;
  } else {
    got = pull(buffer, size);
  }
  done_ += got;
  if (done_ > options_.max_file_bytes) {
    too_large_ = true;
    return 0;
  }
  if (options_.progress && done_ - last_report_ >= kProgressStep) {
    last_report_ = done_;
    options_.progress(done_, std::max(total_, done_));
  }
  return got;
}

void Input::finish() {
  if (options_.progress) options_.progress(done_, std::max(total_, done_));
}

}  // namespace inscrire::detail
