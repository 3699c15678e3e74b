// Internal to the roster readers (siecle.cpp, roster_csv.cpp): a pull stream of bytes that
// enforces the size limit and reports progress, and the checks both formats share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "inscrire/error.hpp"
#include "inscrire/roster.hpp"
#include "inscrire/siecle.hpp"

namespace inscrire::detail {

// Where the bytes come from: memory, a file, a zip entry.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `size` bytes into `buffer`; 0 at the end. Throws Error(INVALID_FILE) on a read error.
  virtual std::size_t read(char* buffer, std::size_t size) = 0;
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

// The parsers proper; `input` holds one document of the given shape.
ParsedRoster parse_siecle_xml(Input& input, std::string_view expected_uai);
ParsedRoster parse_roster_csv(Input& input);

// Checks one name field (already trimmed, UTF-8). Returns the error code or nothing:
// NAME_REQUIRED (empty and `required`), NAME_TOO_LONG, INVALID_NAME_CHARACTERS (invalid UTF-8,
// control characters, U+FFFD, mojibake).
std::optional<ErrorCode> check_name(std::string_view name, bool required);

// Collapses runs of white space inside `text` into one space (divisions: "5  A" -> "5 A").
std::string collapse_spaces(std::string_view text);

// An error about the file as a whole (or a line of it, for CSV).
inline RosterError file_error(ErrorCode code, std::string detail, std::string field = {},
                              int line = 0) {
  return RosterError{code, {}, {}, line, std::move(field), std::move(detail)};
}

}  // namespace inscrire::detail
