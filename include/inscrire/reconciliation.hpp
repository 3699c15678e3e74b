// Matching what a pupil typed (first name, last name) to one learner of the roster
// (docs/rules.md §3), plus the helpers it rests on: edit distances, the "close enough" rule and the
// masked username hint shown when the learner already has an account.
//
// Pure computation: no database. The caller selects the candidates (learners of the school, not
// disabled, with exactly the typed birth date) and normalises every name with comparison_key
// first. The two Pix passes allocate nothing and never reach ICU; the later stages, run only
// when those passes found nobody, split raw roster names into words (through comparison_key) and
// allocate. docs/matching.md explains the algorithm and its decisions.
//
// Thread safety: every function is reentrant and may be called from any number of threads (a
// RosterNamesOf source is called on the calling thread only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
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

// Which rule found the learner (docs/rules.md §3), reported so that schools can audit.
enum class MatchStage {
  Exact,          // the strict pass: identical keys
  Tolerant,       // the tolerant pass: ratio <= kMaxMatchRatio
  GivenNames,     // a word of a compound given name, or the given names typed together
  FamilyNames,    // a part of a double family or usage name, reversed, without its particles...
  Swapped,        // first and last names typed in each other's field
  Transposition,  // the tolerant pass where two adjacent letters exchanged are one edit
};

// "exact", "tolerant", "given_names", "family_names", "swapped", "transposition".
std::string_view match_stage_name(MatchStage stage) noexcept;

enum class MatchRules {
  Extended,  // the two Pix passes, then the four later stages of docs/rules.md §3
  Pix,       // the two Pix passes alone
};

struct MatchResult {
  MatchOutcome outcome = MatchOutcome::NoNameMatch;
  std::int64_t learner_id = 0;           // set when Matched
  MatchStage stage = MatchStage::Exact;  // meaningful when Matched
};

// One learner's names as the roster writes them (not normalised): the later stages need the
// word boundaries that comparison keys have lost ("Marie-Lou", "LE ROUX", "MARTIN DUPONT").
struct RosterNames {
  std::string first_name, second_name, third_name, last_name, usage_name;
};
// The roster names of a candidate, by learner id. match_learner calls it only when the two
// passes found nobody, only for candidates whose other name already fits, and at most once per
// candidate: the fast path never reads more than the keys.
using RosterNamesOf = std::function<RosterNames(std::int64_t learner_id)>;

// Finds the learner the pupil meant. typed_first_key / typed_last_key: comparison keys of what
// the pupil typed. candidates: the learners of the school, not disabled, with exactly the typed
// birth date. docs/matching.md defines the fields of every stage and why each one is safe.
//
// Two passes (docs/rules.md §3, as Pix): strict (identical keys), then, only if strict singled out
// nobody, tolerant (ratio <= kMaxMatchRatio). Within a pass the given-name fields are tried in
// the order first, second, third; a field is kept only if exactly one learner fits both that
// given name and the last name (or usage name), and the first field kept wins. A field fitting
// several learners is skipped: a later field, or the tolerant pass, may still single out a
// learner. When neither pass singles out one: Ambiguous if some field fitted several learners,
// else NoNameMatch.
//
// With MatchRules::Extended, and only when both passes found nobody at all, four later stages
// run in order (given names, family names, swapped fields, transpositions), each with its own
// strict-then-tolerant passes under the same rule: the first stage that singles out a learner
// wins (result.stage says which); a stage that saw several learners and singled out none ends
// the search with Ambiguous. Typed keys of 3 letters or fewer keep a budget of 0 errors in every
// stage; birth dates are never corrected. Without roster_names the forms that need word
// boundaries (words of a given name, parts of a family name) are absent; the rest still runs.
MatchResult match_learner(std::string_view typed_first_key, std::string_view typed_last_key,
                          std::span<const MatchCandidate> candidates,
                          MatchRules rules = MatchRules::Extended,
                          const RosterNamesOf& roster_names = {});

// Levenshtein distance (insertions, deletions, substitutions, cost 1 each) counted in bytes:
// comparison keys are ASCII. Bit-parallel (Myers/Hyyrö) when the shorter string has at most 64
// bytes, two-row dynamic programming otherwise.
std::size_t levenshtein(std::string_view a, std::string_view b);

// Optimal string alignment distance (restricted Damerau-Levenshtein), in bytes: Levenshtein's
// edits plus the exchange of two adjacent bytes at cost 1 ("mtahis" -> "mathis" is 1), no
// substring edited twice ("ca" -> "abc" is 3). Bit-parallel (Hyyrö 2003) when the shorter
// string has at most 64 bytes, dynamic programming otherwise.
std::size_t osa_distance(std::string_view a, std::string_view b);

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
