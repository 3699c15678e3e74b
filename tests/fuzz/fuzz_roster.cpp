// libFuzzer target: any bytes through read_roster (zip, SIECLE XML, CSV detection and parsing).
// read_roster must never crash, leak, hang or throw, and always give entries or errors.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inscrire/roster_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const inscrire::ReadOptions options = [] {
    inscrire::ReadOptions small;
    small.max_file_bytes = 4u << 20;  // bounds the unzipped size of generated archives
    return small;
  }();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const inscrire::ParsedRoster roster = inscrire::read_roster(bytes, "0751234A", options);
  if (roster.entries.empty() && roster.errors.empty()) __builtin_trap();  // EMPTY is missing
  return 0;
}
