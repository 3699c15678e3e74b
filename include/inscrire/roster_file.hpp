// Reading a school's roster file, whatever its format: the SIECLE XML export (plain or zipped)
// or the CSV variant (docs/rules.md §R). Pure parsing: nothing here touches the database; import
// (service.hpp) writes the result. The formats, every rule and every error code are described
// in docs/formats.md.
//
// Thread safety: every function here may be called from any number of threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

#include "inscrire/roster.hpp"

namespace inscrire {

struct ReadOptions {
  // Above this size the file (or the unzipped XML entry) is refused with FILE_TOO_LARGE.
  std::uint64_t max_file_bytes = 256ull << 20;
  // Optional; called now and then with the bytes read so far and the total expected (the size
  // of the file, or of the unzipped entry). Called on the reading thread.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

// Detects the shape by content, never by name: zip (magic bytes "PK"), SIECLE XML (first
// non-blank character '<'), else the CSV variant. Never throws for bad content: every problem
// goes to ParsedRoster::errors (file-level errors first, then in file order) and parsing goes on
// as far as it can so that all per-pupil errors are collected. For XML, PARAMETRES/UAJ must equal
// `expected_uai` (UAI_MISMATCH; an empty `expected_uai` skips that check); CSV has no UAI.
// A missing or unreadable file gives an INVALID_FILE error entry.
ParsedRoster read_roster_file(const std::filesystem::path& file, std::string_view expected_uai,
                              const ReadOptions& options = {});
ParsedRoster read_roster(std::string_view bytes, std::string_view expected_uai,
                         const ReadOptions& options = {});

}  // namespace inscrire
