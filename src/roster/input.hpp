// Internal to the roster readers: a pull stream of bytes that enforces the size limit and
// reports progress, and the sources it reads from (memory, a file; zip entries live in
// zip.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "inscrire/roster_file.hpp"

namespace inscrire::detail {

// The look-ahead used to detect the shape and the encoding: enough to see past a byte order
// mark and blank lines, and to hold an XML declaration.
inline constexpr std::size_t kDetectBytes = 4096;

// Where the bytes come from: memory, a file, a zip entry.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `size` bytes into `buffer`; 0 at the end. Throws Error(INVALID_FILE) on a read error.
  virtual std::size_t read(char* buffer, std::size_t size) = 0;
};

// Bytes the caller keeps alive while they are read.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  std::size_t read(char* buffer, std::size_t size) override;

 private:
  std::string_view bytes_;
};

// An opened file, read to its end.
class FileSource final : public ByteSource {
 public:
  explicit FileSource(std::ifstream stream) : stream_(std::move(stream)) {}
  std::size_t read(char* buffer, std::size_t size) override;

 private:
  std::ifstream stream_;
};

// A ByteSource with a look-ahead (to detect the shape and the encoding before parsing), the
// size limit (a zip entry may lie about its size) and progress reports.
class Input {
 public:
  Input(std::unique_ptr<ByteSource> source, std::uint64_t total, const ReadOptions& options);

  // The first `size` bytes (fewer at the end), kept to be read again by read().
  std::string_view peek(std::size_t size);
  // Up to `size` bytes; 0 at the end or once the limit is passed (then too_large() is true).
  std::size_t read(char* buffer, std::size_t size);

  bool too_large() const noexcept { return too_large_; }
  // A final progress report (done == total).
  void finish();

 private:
  std::size_t pull(char* buffer, std::size_t size);

  std::unique_ptr<ByteSource> source_;
  std::uint64_t total_;
  const ReadOptions& options_;
  std::string head_;
  std::size_t head_pos_ = 0;
  std::uint64_t done_ = 0;
  std::uint64_t last_report_ = 0;
  bool too_large_ = false;
};

}  // namespace inscrire::detail
