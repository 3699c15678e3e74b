#include "inscrire/username.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>

#include "inscrire/error.hpp"
#include "inscrire/random.hpp"
#include "inscrire/text.hpp"

namespace inscrire {
namespace {

std::string first_usable_part(std::initializer_list<std::string_view> candidates,
                              std::string_view fallback) {
  for (const auto candidate : candidates) {
    auto part = username_part(candidate);
    if (!part.empty()) return part;
  }
  return std::string(fallback);
}

bool is_lower_ascii(char c) noexcept { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string with_suffix(std::string_view stem, int suffix) {
  std::array<char, 8> digits{};
  std::snprintf(digits.data(), digits.size(), "%04d", suffix);
  std::string username(stem);
  username += digits.data();
  return username;
}

// Bit-twiddling popcount: std::popcount compiles to a libgcc call on baseline x86-64 (no
// -mpopcnt), which dominated the cost of choosing a suffix.
int count_bits(std::uint64_t word) noexcept {
  word -= (word >> 1) & 0x5555555555555555ULL;
  word = (word & 0x3333333333333333ULL) + ((word >> 2) & 0x3333333333333333ULL);
  word = (word + (word >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((word * 0x0101010101010101ULL) >> 56);
}

}  // namespace

std::string username_stem(const UsernameSource& source) {
  auto first = first_usable_part({source.first_name, source.second_name, source.third_name},
                                 kFallbackFirstPart);
  auto last = first_usable_part({source.last_name, source.usage_name}, kFallbackLastPart);
  return first + "." + last;
}

std::string base_username(const UsernameSource& source, const BirthDate& birthdate) {
  return username_stem(source) + birthdate.ddmm();
}

bool is_valid_username(std::string_view username) noexcept {
  const auto dot = username.find('.');
  if (dot == std::string_view::npos || dot == 0 || username.size() < dot + 6) return false;
  const auto first = username.substr(0, dot);
  const auto last = username.substr(dot + 1, username.size() - dot - 5);
  const auto digits = username.substr(username.size() - 4);
  return std::ranges::all_of(first, is_lower_ascii) && !last.empty() &&
         std::ranges::all_of(last, is_lower_ascii) && std::ranges::all_of(digits, is_digit);
}

std::pair<std::string_view, int> split_username(std::string_view username) noexcept {
  const auto stem = username.substr(0, username.size() - 4);
  int suffix = 0;
  for (const char c : username.substr(username.size() - 4)) suffix = suffix * 10 + (c - '0');
  return {stem, suffix};
}

void TakenSuffixes::insert(int suffix) noexcept {
  auto& word = words_[word_of(suffix)];
  const auto bit = std::uint64_t{1} << bit_of(suffix);
  if ((word & bit) == 0) ++count_;
  word |= bit;
}

std::string TakenSuffixes::to_bytes() const {
  std::string bytes(words_.size() * sizeof(std::uint64_t), '\0');
  for (std::size_t w = 0; w < words_.size(); ++w) {
    for (std::size_t b = 0; b < sizeof(std::uint64_t); ++b) {
      bytes[w * sizeof(std::uint64_t) + b] = static_cast<char>((words_[w] >> (8 * b)) & 0xff);
    }
  }
  return bytes;
}

TakenSuffixes TakenSuffixes::from_bytes(std::string_view bytes) {
  TakenSuffixes taken;
  const auto usable = std::min(bytes.size(), taken.words_.size() * sizeof(std::uint64_t));
  for (std::size_t i = 0; i < usable; ++i) {
    taken.words_[i / 8] |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * (i % 8));
  }
  for (const auto word : taken.words_) taken.count_ += count_bits(word);
  return taken;
}

int TakenSuffixes::nth_free(int index) const {
  // Count free suffixes a word at a time with popcount, then finish inside the word.
  for (std::size_t w = 0; w < words_.size(); ++w) {
    const int first = static_cast<int>(w) * kWordBits;
    const int width = std::min(kWordBits, kSuffixCount - first);
    const auto in_range = width == kWordBits ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    auto free_bits = ~words_[w] & in_range;
    const int free_here = count_bits(free_bits);
    if (index < free_here) {
      for (int skip = 0; skip < index; ++skip) free_bits &= free_bits - 1;
      return first + std::countr_zero(free_bits);
    }
    index -= free_here;
  }
  throw Error(ErrorCode::USERNAME_SPACE_EXHAUSTED);
}

std::string choose_username(std::string_view stem, const BirthDate& birthdate,
                            const TakenSuffixes& taken, CollisionPolicy policy) {
  const int ddmm = birthdate.day() * 100 + birthdate.month();
  if (!taken.contains(ddmm)) return with_suffix(stem, ddmm);
  if (taken.full()) throw Error(ErrorCode::USERNAME_SPACE_EXHAUSTED, std::string(stem));
  if (policy == CollisionPolicy::Sequential) {
    for (int step = 1; step < kSuffixCount; ++step) {
      const int suffix = (ddmm + step) % kSuffixCount;
      if (!taken.contains(suffix)) return with_suffix(stem, suffix);
    }
  }
  const auto free_count = static_cast<std::uint32_t>(kSuffixCount - taken.count());
  return with_suffix(stem, taken.nth_free(static_cast<int>(random_below(free_count))));
}

std::string generate_username(UsernameRegistry& registry, const UsernameSource& source,
                              const BirthDate& birthdate, CollisionPolicy policy) {
  const auto stem = username_stem(source);
  return choose_username(stem, birthdate, registry.taken_suffixes(stem), policy);
}

TakenSuffixes MemoryUsernames::taken_suffixes(std::string_view stem) {
  const auto found = stems_.find(lower_ascii(stem));
  return found == stems_.end() ? TakenSuffixes{} : found->second;
}

bool MemoryUsernames::is_taken(std::string_view username) {
  const auto lowered = lower_ascii(username);
  if (!is_valid_username(lowered)) return false;
  const auto [stem, suffix] = split_username(lowered);
  const auto found = stems_.find(std::string(stem));
  return found != stems_.end() && found->second.contains(suffix);
}

bool MemoryUsernames::add(std::string_view username) {
  const auto lowered = lower_ascii(username);
  if (!is_valid_username(lowered)) throw Error(ErrorCode::INVALID_ARGUMENT, "invalid username");
  const auto [stem, suffix] = split_username(lowered);
  auto& taken = stems_[std::string(stem)];
  if (taken.contains(suffix)) return false;
  taken.insert(suffix);
  ++size_;
  return true;
}

}  // namespace inscrire
