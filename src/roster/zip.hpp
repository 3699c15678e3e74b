// Internal: the roster inside a zip archive (zip.cpp, libzip).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "inscrire/roster.hpp"
#include "roster/input.hpp"

namespace inscrire::detail {

// The one .xml entry of an archive (directories, hidden files and __MACOSX/ left aside), ready
// to stream, or why the archive is refused: not exactly one such entry, a recorded size above
// `max_bytes`, an entry that cannot be opened, or no archive at all.
struct ZipEntry {
  std::unique_ptr<ByteSource> source;  // null when refused; owns the archive
  std::uint64_t size = 0;              // unzipped, as the archive records it (it may lie)
  std::optional<RosterError> refusal;
};

// `archive` must outlive the entry's source.
ZipEntry open_zip_entry(std::string_view archive, std::uint64_t max_bytes);
ZipEntry open_zip_entry(const std::filesystem::path& archive, std::uint64_t max_bytes);

}  // namespace inscrire::detail
