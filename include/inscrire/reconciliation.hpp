// Matching what a pupil typed (first name, last name) to one learner of the roster
// (product.md §3), plus the helpers it rests on: edit distance, the "close enough" rule and the
// masked username hint shown when the learner already has an account.
//
// Everything here is pure computation on comparison keys (text.hpp: comparison_key): no
// database, no ICU, no allocation beyond the result strings. The caller selects the candidates
// (learners of the school, not disabled, with exactly the typed birth date) and normalises every
// name with comparison_key first. docs/matching.md explains the algorithm and its decisions.
//
// Thread safety: every function is reentrant and may be called from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace inscrire {

// Largest accepted ratio "edit distance / typed length" in the tolerant pass (inclusive):
// 0 errors for 1-3 characters, 1 for 4-7, 2 for 8-11...
inline constexpr double kMaxMatchRatio = 0.25;

// Comparison keys of one roster learner (already normalised with comparison_key;
// empty = absent).
struct MatchCandidate {
  std::int64_t learner_id = 0;
  std::string first_name, second_name, third_name, last_name, usage_name;
};

enum class MatchOutcome {
  Matched,                // exactly one learner fits; learner_id is set
  NoLearnerForBirthdate,  // no candidate at all (nobody on the roster has this birth date)
  NoNameMatch,            // candidates exist, none fits the typed names
  Ambiguous,              // two or more learners fit equally well (homonyms, twins)
};

struct MatchResult {
  MatchOutcome outcome = MatchOutcome::NoNameMatch;
  std::int64_t learner_id = 0;  // set when Matched
};

// Finds the learner the pupil meant. typed_first_key / typed_last_key: comparison keys of what
// the pupil typed. candidates: the learners of the school, not disabled, with exactly the typed
// birth date.
//
// Two passes: strict (identical keys), then, only if strict found nobody, tolerant
// (ratio <= kMaxMatchRatio). Within a pass the given-name fields are tried in the order first,
// second, third; the first field for which at least one learner fits both that given name and
// the last name (or usage name) decides the whole matching: one learner -> Matched, two or more
// -> Ambiguous (neither a later field nor the tolerant pass may pick one of them or a third
// learner). Nobody in any field of either pass -> NoNameMatch.
MatchResult match_learner(std::string_view typed_first_key, std::string_view typed_last_key,
                          std::span<const MatchCandidate> candidates);

// Levenshtein distance (insertions, deletions, substitutions, cost 1 each) counted in bytes:
// comparison keys are ASCII. Bit-parallel (Myers/Hyyrö) when the shorter string has at most 64
// bytes, two-row dynamic programming otherwise.
std::size_t levenshtein(std::string_view a, std::string_view b);

// True when levenshtein(typed, roster) / typed.size() <= max_ratio. An empty key on either side
// never matches anything: an empty key means the name is absent, and two absences prove nothing.
// A zero, negative or NaN max_ratio accepts identical keys only.
bool keys_close_enough(std::string_view typed_key, std::string_view roster_key, double max_ratio);

// The hint shown with LEARNER_ALREADY_LINKED / LEARNER_HAS_ACCOUNT_ELSEWHERE: first character +
// "***" + "." + first character after the (first) dot + "***" + last character:
// "john.harry0702" -> "j***.h***2". Characters are whole UTF-8 sequences (invalid bytes count
// as one character each). Odd inputs still give a masked string showing at most three
// characters: "" -> "***", "jdoe" -> "j***e", "x" -> "x***", "john." -> "j***.***",
// ".harry" -> "***.h***y", "john.h" -> "j***.h***".
std::string mask_username(std::string_view username);

}  // namespace inscrire
