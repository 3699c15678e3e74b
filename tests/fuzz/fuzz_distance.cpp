// libFuzzer target: levenshtein and osa_distance (reconciliation.hpp) against the full-matrix
// dynamic programme, on any two byte strings. The input is split at its first 0xFF byte (none:
// at the middle), so that the fuzzer controls both lengths, including the 64-byte boundary
// between the bit-parallel and the dynamic-programming paths. Seed corpus: corpus/distance/,
// typed/roster pairs ("mtahis" 0xFF "mathis") and strings around 64 bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "inscrire/reconciliation.hpp"

namespace {

// Beyond this the reference's matrix costs more than the fuzzer gains: both paths of the
// implementation are exercised well below it.
constexpr std::size_t kLongest = 200;

// The full matrix, in one allocation (d(i, j) = distance of a's first i bytes to b's first j).
std::size_t reference(std::string_view a, std::string_view b, bool transpositions) {
  const std::size_t columns = b.size() + 1;
  std::vector<std::size_t> matrix((a.size() + 1) * columns);
  const auto d = [&](std::size_t i, std::size_t j) -> std::size_t& {
    return matrix[i * columns + j];
  };
  for (std::size_t i = 0; i <= a.size(); ++i) d(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d(i, j) = std::min(
          {d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d(i, j) = std::min(d(i, j), d(i - 2, j - 2) + 1);
      }
    }
  }
  return d(a.size(), b.size());
}

void check(bool holds) {
  if (!holds) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t separator = bytes.find('\xFF');
  const bool split = separator != std::string_view::npos;
  const std::string_view a = bytes.substr(0, split ? separator : size / 2);
  const std::string_view b = bytes.substr(split ? separator + 1 : size / 2);
  if (a.size() > kLongest || b.size() > kLongest) return 0;
  const std::size_t lev = inscrire::levenshtein(a, b);
  const std::size_t osa = inscrire::osa_distance(a, b);
  check(lev == reference(a, b, false));
  check(osa == reference(a, b, true));
  check(lev == inscrire::levenshtein(b, a) && osa == inscrire::osa_distance(b, a));
  check(osa <= lev);
  return 0;
}
