#include "inscrire/reconciliation.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace inscrire {
namespace {

// ---- Edit distance --------------------------------------------------------------------------

// Hyyrö's formulation (2003) of Myers' bit-vector algorithm: column j of the DP matrix is held
// as two bit vectors of vertical deltas (+1 / -1), so one text character costs a handful of
// word operations instead of |pattern| cell updates. Requires 1 <= pattern.size() <= 64.
std::size_t levenshtein_bit_parallel(std::string_view pattern, std::string_view text) {
  // Zeroing 2 KiB per call would cost more than the algorithm on names: the table is kept per
  // thread and only the pattern's entries are cleared afterwards.
  thread_local std::array<std::uint64_t, 256> match_mask{};
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    match_mask[static_cast<unsigned char>(pattern[i])] |= std::uint64_t{1} << i;
  }
  struct Clear {
    std::string_view pattern;
    ~Clear() {
      for (const char c : pattern) match_mask[static_cast<unsigned char>(c)] = 0;
    }
  } clear{pattern};
  const std::uint64_t last_row = std::uint64_t{1} << (pattern.size() - 1);
  std::uint64_t vertical_plus = ~std::uint64_t{0};  // column 0 is 0, 1, 2...: all +1
  std::uint64_t vertical_minus = 0;
  std::size_t distance = pattern.size();
  for (const char c : text) {
    const std::uint64_t eq = match_mask[static_cast<unsigned char>(c)];
    const std::uint64_t diagonal_zero =
        (((eq & vertical_plus) + vertical_plus) ^ vertical_plus) | eq | vertical_minus;
    std::uint64_t horizontal_plus = vertical_minus | ~(diagonal_zero | vertical_plus);
    std::uint64_t horizontal_minus = diagonal_zero & vertical_plus;
    if ((horizontal_plus & last_row) != 0) ++distance;
    if ((horizontal_minus & last_row) != 0) --distance;
    // Row 0 of the matrix is 0, 1, 2...: its horizontal delta is always +1, hence the "| 1".
    horizontal_plus = (horizontal_plus << 1) | 1;
    horizontal_minus <<= 1;
    vertical_plus = horizontal_minus | ~(diagonal_zero | horizontal_plus);
    vertical_minus = horizontal_plus & diagonal_zero;
  }
  return distance;
}

// The textbook recurrence on two rows; used when both strings exceed one machine word, which
// never happens for real names but keeps the function total.
std::size_t levenshtein_dynamic(std::string_view shorter, std::string_view longer) {
  std::vector<std::size_t> row(shorter.size() + 1);
  for (std::size_t i = 0; i < row.size(); ++i) row[i] = i;
  for (std::size_t j = 1; j <= longer.size(); ++j) {
    std::size_t diagonal = row[0];
    row[0] = j;
    for (std::size_t i = 1; i <= shorter.size(); ++i) {
      const std::size_t above = row[i];
      const std::size_t substitution = diagonal + (shorter[i - 1] == longer[j - 1] ? 0 : 1);
      row[i] = std::min({above + 1, row[i - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row.back();
}

// ---- Closeness ------------------------------------------------------------------------------

// Edits allowed for a typed key of `length` characters in the tolerant pass. length * 0.25 is
// exact in binary floating point, so the truncation is floor(length / 4) and "distance <= budget"
// is exactly "distance / length <= 0.25": no rounding trap at 1/4, 2/8, 3/12.
std::size_t tolerant_budget(std::size_t length) {
  return static_cast<std::size_t>(static_cast<double>(length) * kMaxMatchRatio);
}

std::size_t length_difference(std::string_view a, std::string_view b) {
  return a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
}

// True when the roster key is present and at most `budget` edits away from the typed key.
bool within_budget(std::string_view typed, std::string_view roster, std::size_t budget) {
  if (typed.empty() || roster.empty()) return false;
  if (budget == 0) return typed == roster;
  // The distance is at least the length difference: skip the computation when that already
  // exceeds the budget (most roster names, in practice).
  if (length_difference(typed, roster) > budget) return false;
  return levenshtein(typed, roster) <= budget;
}

// ---- Matching -------------------------------------------------------------------------------

struct TypedKeys {
  std::string_view first, last;
  std::size_t first_budget = 0, last_budget = 0;
};

using GivenNameField = std::string MatchCandidate::*;
constexpr std::array<GivenNameField, 3> kGivenNameFields = {
    &MatchCandidate::first_name, &MatchCandidate::second_name, &MatchCandidate::third_name};

// "Against two last names the smaller ratio counts": the typed last name fits when it is close
// enough to either the family name or the usage name.
bool fits(const TypedKeys& typed, const MatchCandidate& candidate, GivenNameField field) {
  return within_budget(typed.first, candidate.*field, typed.first_budget) &&
         (within_budget(typed.last, candidate.last_name, typed.last_budget) ||
          within_budget(typed.last, candidate.usage_name, typed.last_budget));
}

// The learners fitting one given-name field: none, exactly one (its id) or several. Counted by
// learner id, so a learner listed twice by the caller is still one learner.
struct FieldFit {
  std::size_t distinct = 0;
  std::int64_t learner_id = 0;
};

FieldFit fit_field(const TypedKeys& typed, std::span<const MatchCandidate> candidates,
                   GivenNameField field) {
  FieldFit fit;
  for (const MatchCandidate& candidate : candidates) {
    if (!fits(typed, candidate, field)) continue;
    if (fit.distinct == 0) {
      fit = {1, candidate.learner_id};
    } else if (candidate.learner_id != fit.learner_id) {
      fit.distinct = 2;  // "two or more" is all the caller needs to know
      break;
    }
  }
  return fit;
}

// One pass, as product.md §3 and Pix define it: for each given-name field in order, the set of
// learners fitting that field and the last name is kept only if it holds exactly one learner;
// the first such field wins. A field fitting several learners is skipped, and remembered so
// that "nobody" can be told apart from "several" (AMBIGUOUS_MATCH) at the end.
MatchResult run_pass(const TypedKeys& typed, std::span<const MatchCandidate> candidates,
                     bool& saw_several) {
  for (const GivenNameField field : kGivenNameFields) {
    const FieldFit fit = fit_field(typed, candidates, field);
    if (fit.distinct == 1) return {MatchOutcome::Matched, fit.learner_id};
    if (fit.distinct > 1) saw_several = true;
  }
  return {MatchOutcome::NoNameMatch, 0};
}

// ---- Masking --------------------------------------------------------------------------------

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
bool is_lead(char c) { return static_cast<unsigned char>(c) >= 0xC0; }

// The first character of a non-empty string: a lead byte and its continuation bytes; any other
// byte (ASCII, or a stray continuation byte of invalid input) is a character by itself.
std::string_view first_character(std::string_view text) {
  if (!is_lead(text[0])) return text.substr(0, 1);
  std::size_t end = 1;
  while (end < text.size() && end < 4 && is_continuation(text[end])) ++end;
  return text.substr(0, end);
}

// The last character of a non-empty string, by the same rule read backwards.
std::string_view last_character(std::string_view text) {
  std::size_t begin = text.size() - 1;
  while (begin > 0 && text.size() - begin < 4 && is_continuation(text[begin])) --begin;
  if (begin + 1 < text.size() && !is_lead(text[begin])) begin = text.size() - 1;
  return text.substr(begin);
}

// "harry0702" -> "h***2"; "h" -> "h***"; "" -> "***".
std::string mask_part(std::string_view part) {
  if (part.empty()) return "***";
  const std::string_view first = first_character(part);
  std::string out(first);
  out += "***";
  if (part.size() > first.size()) out += last_character(part.substr(first.size()));
  return out;
}

}  // namespace

std::size_t levenshtein(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);  // the shorter string is the bit pattern
  if (a.empty()) return b.size();
  if (a.size() <= 64) return levenshtein_bit_parallel(a, b);
  return levenshtein_dynamic(a, b);
}

bool keys_close_enough(std::string_view typed_key, std::string_view roster_key, double max_ratio) {
  if (typed_key.empty() || roster_key.empty()) return false;
  if (typed_key == roster_key) return true;
  if (!(max_ratio > 0)) return false;  // also rejects NaN
  // Both divisions are correctly rounded, so a ratio exactly equal to a decimal max_ratio
  // (3/12 vs 0.25, 3/30 vs 0.1) compares equal to it.
  const auto length = static_cast<double>(typed_key.size());
  if (static_cast<double>(length_difference(typed_key, roster_key)) / length > max_ratio) {
    return false;
  }
  return static_cast<double>(levenshtein(typed_key, roster_key)) / length <= max_ratio;
}

MatchResult match_learner(std::string_view typed_first_key, std::string_view typed_last_key,
                          std::span<const MatchCandidate> candidates) {
  if (candidates.empty()) return {MatchOutcome::NoLearnerForBirthdate, 0};
  bool saw_several = false;
  const TypedKeys strict{typed_first_key, typed_last_key, 0, 0};
  const MatchResult strict_result = run_pass(strict, candidates, saw_several);
  // The tolerant pass runs only when the strict one found no single learner.
  if (strict_result.outcome == MatchOutcome::Matched) return strict_result;
  const TypedKeys tolerant{typed_first_key, typed_last_key, tolerant_budget(typed_first_key.size()),
                           tolerant_budget(typed_last_key.size())};
  const MatchResult tolerant_result = run_pass(tolerant, candidates, saw_several);
  if (tolerant_result.outcome == MatchOutcome::Matched) return tolerant_result;
  return {saw_several ? MatchOutcome::Ambiguous : MatchOutcome::NoNameMatch, 0};
}

std::string mask_username(std::string_view username) {
  const std::size_t dot = username.find('.');
  if (dot == std::string_view::npos) return mask_part(username);
  const std::string_view login = username.substr(0, dot);
  std::string out = login.empty() ? std::string() : std::string(first_character(login));
  out += "***.";
  out += mask_part(username.substr(dot + 1));
  return out;
}

}  // namespace inscrire
