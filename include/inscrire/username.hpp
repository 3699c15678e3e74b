// Usernames `first.lastDDMM` (docs/rules.md §2) and their collision resolution.
//
// The stem `first.last` comes from the roster row, never from what a pupil typed. When the
// DDMM form is taken, the four digits are replaced by a free four-digit suffix chosen in one
// lookup of the suffixes already taken for that stem: bounded cost, no retry loop, and
// USERNAME_SPACE_EXHAUSTED once all 10 000 are used.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "inscrire/birthdate.hpp"

namespace inscrire {

inline constexpr int kSuffixCount = 10000;

// The roster fields a username is built from. The given and usage names are fallbacks for a
// part that is empty once normalised (a name written only in punctuation, say).
struct UsernameSource {
  std::string_view first_name;
  std::string_view last_name;
  std::string_view second_name = {};
  std::string_view third_name = {};
  std::string_view usage_name = {};
};

// Fixed words used when no roster field gives a usable part.
inline constexpr std::string_view kFallbackFirstPart = "prenom";
inline constexpr std::string_view kFallbackLastPart = "nom";

enum class CollisionPolicy {
  Random,      // uniform among free suffixes, cryptographic RNG (default, like Pix)
  Sequential,  // the first free suffix after DDMM, wrapping after 9999 (predictable)
};

// "first.last", never with an empty part. Throws Error(INVALID_UTF8).
std::string username_stem(const UsernameSource& source);
// "first.lastDDMM".
std::string base_username(const UsernameSource& source, const BirthDate& birthdate);
// True when `username` matches ^[a-z]+\.[a-z]+[0-9]{4}$.
bool is_valid_username(std::string_view username) noexcept;
// Splits a valid username into its stem and its numeric suffix.
std::pair<std::string_view, int> split_username(std::string_view username) noexcept;

// The four-digit suffixes taken for one stem.
class TakenSuffixes {
 public:
  bool contains(int suffix) const noexcept {
    return (words_[word_of(suffix)] >> bit_of(suffix)) & 1U;
  }
  // Marks `suffix` (0..9999) as taken.
  void insert(int suffix) noexcept;
  int count() const noexcept { return count_; }
  bool full() const noexcept { return count_ == kSuffixCount; }
  // The index-th free suffix in increasing order, index < kSuffixCount - count().
  int nth_free(int index) const;
  // The bitmap as little-endian bytes, for storage, and back (a short or empty input reads as
  // zero bits).
  std::string to_bytes() const;
  static TakenSuffixes from_bytes(std::string_view bytes);

 private:
  static constexpr int kWordBits = 64;
  static constexpr std::size_t word_of(int suffix) noexcept {
    return static_cast<std::size_t>(suffix / kWordBits);
  }
  static constexpr unsigned bit_of(int suffix) noexcept {
    return static_cast<unsigned>(suffix % kWordBits);
  }
  std::array<std::uint64_t, (kSuffixCount + kWordBits - 1) / kWordBits> words_{};
  int count_ = 0;
};

// The set of usernames already taken, as seen by the generator. The SQLite store implements
// it inside its registration transaction; MemoryUsernames serves tests, tools and benchmarks.
class UsernameRegistry {
 public:
  virtual ~UsernameRegistry() = default;
  // One lookup: every suffix taken for `stem` (case-insensitive).
  virtual TakenSuffixes taken_suffixes(std::string_view stem) = 0;
  // One lookup: is this exact username taken (case-insensitive)?
  virtual bool is_taken(std::string_view username) = 0;
};

// Picks the username for `stem` given the suffixes taken: DDMM when free, else a free suffix
// chosen by `policy`. Throws Error(USERNAME_SPACE_EXHAUSTED) when every suffix is taken.
std::string choose_username(std::string_view stem, const BirthDate& birthdate,
                            const TakenSuffixes& taken, CollisionPolicy policy);

// base_username, resolved against `registry` with one lookup.
std::string generate_username(UsernameRegistry& registry, const UsernameSource& source,
                              const BirthDate& birthdate,
                              CollisionPolicy policy = CollisionPolicy::Random);

// An in-memory registry (not thread-safe: one per thread or guard it).
class MemoryUsernames final : public UsernameRegistry {
 public:
  TakenSuffixes taken_suffixes(std::string_view stem) override;
  bool is_taken(std::string_view username) override;
  // Records a valid username as taken; false if it already was.
  bool add(std::string_view username);
  std::size_t size() const noexcept { return size_; }

 private:
  std::unordered_map<std::string, TakenSuffixes> stems_;
  std::size_t size_ = 0;
};

}  // namespace inscrire
