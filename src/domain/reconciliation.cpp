#include "inscrire/reconciliation.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/name_parts.hpp"

namespace inscrire {
namespace {

// ---- Edit distances -------------------------------------------------------------------------

// Bit i of masks[c] is set when pattern[i] == c. Zeroing 2 KiB per call would cost more than the
// algorithms on names: the table is kept per thread and only the pattern's entries are cleared
// afterwards.
class PatternMasks {
 public:
  explicit PatternMasks(std::string_view pattern) : pattern_(pattern), masks_(table()) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      masks_[static_cast<unsigned char>(pattern[i])] |= std::uint64_t{1} << i;
    }
  }
  ~PatternMasks() {
    for (const char c : pattern_) masks_[static_cast<unsigned char>(c)] = 0;
  }
  PatternMasks(const PatternMasks&) = delete;
  PatternMasks& operator=(const PatternMasks&) = delete;
  std::uint64_t operator[](char c) const { return masks_[static_cast<unsigned char>(c)]; }

 private:
  static std::array<std::uint64_t, 256>& table() {
    thread_local std::array<std::uint64_t, 256> masks{};
    return masks;
  }
  std::string_view pattern_;
  std::array<std::uint64_t, 256>& masks_;
};

// Hyyrö's formulation (2003) of Myers' bit-vector algorithm: column j of the DP matrix is held
// as two bit vectors of vertical deltas (+1 / -1), so one text character costs a handful of
// word operations instead of |pattern| cell updates. Requires 1 <= pattern.size() <= 64.
//
// kTranspositions adds Hyyrö's extension to the optimal string alignment distance (same paper,
// "A bit-vector algorithm for computing Levenshtein and Damerau edit distances"): the diagonal
// step into row i is also free where this character and the previous one are pattern[i-1] and
// pattern[i] exchanged (this one matches row i-1, the previous one row i), unless the previous
// column's diagonal step into row i-1 was free already.
template <bool kTranspositions>
std::size_t bit_parallel_distance(std::string_view pattern, std::string_view text) {
  const PatternMasks match_mask(pattern);
  const std::uint64_t last_row = std::uint64_t{1} << (pattern.size() - 1);
  std::uint64_t vertical_plus = ~std::uint64_t{0};  // column 0 is 0, 1, 2...: all +1
  std::uint64_t vertical_minus = 0;
  std::uint64_t diagonal_zero = 0;
  [[maybe_unused]] std::uint64_t previous_eq = 0;  // read for transpositions only
  std::size_t distance = pattern.size();
  for (const char c : text) {
    const std::uint64_t eq = match_mask[c];
    std::uint64_t transposed = 0;
    if constexpr (kTranspositions) transposed = ((~diagonal_zero & eq) << 1) & previous_eq;
    diagonal_zero =
        (((eq & vertical_plus) + vertical_plus) ^ vertical_plus) | eq | vertical_minus | transposed;
    std::uint64_t horizontal_plus = vertical_minus | ~(diagonal_zero | vertical_plus);
    std::uint64_t horizontal_minus = diagonal_zero & vertical_plus;
    if ((horizontal_plus & last_row) != 0) ++distance;
    if ((horizontal_minus & last_row) != 0) --distance;
    // Row 0 of the matrix is 0, 1, 2...: its horizontal delta is always +1, hence the "| 1".
    horizontal_plus = (horizontal_plus << 1) | 1;
    horizontal_minus <<= 1;
    vertical_plus = horizontal_minus | ~(diagonal_zero | horizontal_plus);
    vertical_minus = horizontal_plus & diagonal_zero;
    previous_eq = eq;
  }
  return distance;
}

// The textbook recurrence, one row per character of the longer string (three rows kept for the
// transposition, which looks two back); used when both strings exceed one machine word, which
// never happens for real names but keeps the functions total.
template <bool kTranspositions>
std::size_t dynamic_distance(std::string_view shorter, std::string_view longer) {
  std::vector<std::size_t> before(shorter.size() + 1);  // read for transpositions only
  std::vector<std::size_t> previous(shorter.size() + 1);
  std::vector<std::size_t> current(shorter.size() + 1);
  for (std::size_t i = 0; i < previous.size(); ++i) previous[i] = i;
  for (std::size_t j = 1; j <= longer.size(); ++j) {
    current[0] = j;
    for (std::size_t i = 1; i <= shorter.size(); ++i) {
      const std::size_t substitution = previous[i - 1] + (shorter[i - 1] == longer[j - 1] ? 0 : 1);
      current[i] = std::min({previous[i] + 1, current[i - 1] + 1, substitution});
      if constexpr (kTranspositions) {
        if (i > 1 && j > 1 && shorter[i - 1] == longer[j - 2] && shorter[i - 2] == longer[j - 1]) {
          current[i] = std::min(current[i], before[i - 2] + 1);
        }
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous.back();
}

template <bool kTranspositions>
std::size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);  // the shorter string is the bit pattern
  if (a.empty()) return b.size();
  if (a.size() <= 64) return bit_parallel_distance<kTranspositions>(a, b);
  return dynamic_distance<kTranspositions>(a, b);
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

// The typed keys of one pass and what it allows on each.
struct Pass {
  std::string_view first, last;
  std::size_t first_budget = 0, last_budget = 0;
  bool transpositions = false;  // the optimal string alignment distance instead of Levenshtein
};

Pass strict_pass(std::string_view first, std::string_view last) { return {first, last, 0, 0}; }

Pass tolerant_pass(std::string_view first, std::string_view last, bool transpositions = false) {
  return {first, last, tolerant_budget(first.size()), tolerant_budget(last.size()), transpositions};
}

// The same pass with the typed names exchanged, budgets included (stage 3).
Pass exchanged(Pass pass) {
  std::swap(pass.first, pass.last);
  std::swap(pass.first_budget, pass.last_budget);
  return pass;
}

// True when the roster key is present and at most `budget` edits away from the typed key.
bool within_budget(std::string_view typed, std::string_view roster, std::size_t budget,
                   bool transpositions) {
  if (typed.empty() || roster.empty()) return false;
  if (budget == 0) return typed == roster;
  // Either distance is at least the length difference: skip the computation when that already
  // exceeds the budget (most roster names, in practice).
  if (length_difference(typed, roster) > budget) return false;
  return (transpositions ? osa_distance(typed, roster) : levenshtein(typed, roster)) <= budget;
}

bool first_fits(const Pass& pass, std::string_view roster) {
  return within_budget(pass.first, roster, pass.first_budget, pass.transpositions);
}

bool last_fits(const Pass& pass, std::string_view roster) {
  return within_budget(pass.last, roster, pass.last_budget, pass.transpositions);
}

// "Against two last names the smaller ratio counts": the typed last name fits when it is close
// enough to either the family name or the usage name.
bool last_name_fits(const Pass& pass, const MatchCandidate& candidate) {
  return last_fits(pass, candidate.last_name) || last_fits(pass, candidate.usage_name);
}

template <typename Fits>
bool any_fits(const std::vector<std::string>& forms, Fits&& fits) {
  return std::any_of(forms.begin(), forms.end(), fits);
}

// ---- Passes and stages ----------------------------------------------------------------------

using GivenNameField = std::string MatchCandidate::*;
constexpr std::array<GivenNameField, 3> kGivenNameFields = {
    &MatchCandidate::first_name, &MatchCandidate::second_name, &MatchCandidate::third_name};

// The fields of the two Pix passes (also those of stages 3 and 4): a given name and the last
// name, keys against keys.
bool fits_keys(const Pass& pass, const MatchCandidate& candidate, std::size_t field) {
  return first_fits(pass, candidate.*kGivenNameFields[field]) && last_name_fits(pass, candidate);
}

// fits_keys for run_stage: the fields of the two passes, for stages 3 and 4.
auto keys_fit(std::span<const MatchCandidate> candidates) {
  return [candidates](const Pass& pass, std::size_t field, std::size_t index) {
    return fits_keys(pass, candidates[index], field);
  };
}

// The learners fitting one field: none, exactly one (its id) or several. Counted by learner
// id, so a learner listed twice by the caller is still one learner.
struct FieldFit {
  std::size_t distinct = 0;
  std::int64_t learner_id = 0;
};

// `fits(index)`: whether candidates[index] fits the field.
template <typename Fits>
FieldFit fit_field(std::span<const MatchCandidate> candidates, Fits&& fits) {
  FieldFit fit;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!fits(i)) continue;
    if (fit.distinct == 0) {
      fit = {1, candidates[i].learner_id};
    } else if (candidates[i].learner_id != fit.learner_id) {
      fit.distinct = 2;  // "two or more" is all the caller needs to know
      break;
    }
  }
  return fit;
}

// One pass, as docs/rules.md §3 and Pix define it: for each field in order, the set of learners
// fitting it is kept only if it holds exactly one learner; the first such field wins. A field
// fitting several learners is skipped, and remembered so that "nobody" can be told apart from
// "several" (AMBIGUOUS_MATCH) at the end. `fits(pass, field, index)`.
template <typename Fits>
FieldFit run_pass(const Pass& pass, std::span<const MatchCandidate> candidates,
                  std::size_t field_count, Fits&& fits, bool& saw_several) {
  for (std::size_t field = 0; field < field_count; ++field) {
    const FieldFit fit =
        fit_field(candidates, [&](std::size_t index) { return fits(pass, field, index); });
    if (fit.distinct == 1) return fit;
    if (fit.distinct > 1) saw_several = true;
  }
  return {};
}

struct StagePass {
  Pass pass;
  MatchStage stage;  // reported when this pass singles out a learner
};

// A stage: its passes in order (strict, then tolerant), each run only when the previous one
// singled out nobody. Nobody singled out: Ambiguous if some field fitted several learners, else
// NoNameMatch (and the next stage may run).
template <std::size_t kPasses, typename Fits>
MatchResult run_stage(const std::array<StagePass, kPasses>& passes,
                      std::span<const MatchCandidate> candidates, std::size_t field_count,
                      Fits&& fits) {
  bool saw_several = false;
  for (const StagePass& step : passes) {
    const FieldFit fit = run_pass(step.pass, candidates, field_count, fits, saw_several);
    if (fit.distinct == 1) return {MatchOutcome::Matched, fit.learner_id, step.stage};
  }
  return {saw_several ? MatchOutcome::Ambiguous : MatchOutcome::NoNameMatch, 0};
}

std::array<StagePass, 2> strict_then_tolerant(std::string_view first, std::string_view last,
                                              MatchStage strict_stage, MatchStage tolerant_stage) {
  return {StagePass{strict_pass(first, last), strict_stage},
          StagePass{tolerant_pass(first, last), tolerant_stage}};
}

// The roster names of each candidate and the forms the stages build from them (name_parts.hpp),
// each made on first use: the names are read at most once per candidate, and only for the
// candidates whose other name fits.
class CandidateForms {
 public:
  CandidateForms(std::span<const MatchCandidate> candidates, const RosterNamesOf& roster_names)
      : candidates_(candidates), roster_names_(roster_names), slots_(candidates.size()) {}

  const detail::GivenNameForms& given(std::size_t index) {
    auto& forms = slots_[index].given;
    if (!forms) forms = detail::given_name_forms(names(index), candidates_[index]);
    return *forms;
  }

  const std::vector<std::string>& last(std::size_t index) {
    auto& forms = slots_[index].last;
    if (!forms) forms = detail::last_name_forms(names(index), candidates_[index]);
    return *forms;
  }

 private:
  struct Slot {
    std::optional<RosterNames> names;
    std::optional<detail::GivenNameForms> given;
    std::optional<std::vector<std::string>> last;
  };

  const RosterNames& names(std::size_t index) {
    auto& names = slots_[index].names;
    if (!names) {
      names = roster_names_ ? roster_names_(candidates_[index].learner_id) : RosterNames{};
    }
    return *names;
  }

  std::span<const MatchCandidate> candidates_;
  const RosterNamesOf& roster_names_;
  std::vector<Slot> slots_;
};

// Stage 1, given names: the last name as in the passes (checked first: it is keys only), the
// typed first name against the words or the concatenations of the given names.
MatchResult given_names_stage(std::string_view first, std::string_view last,
                              std::span<const MatchCandidate> candidates, CandidateForms& forms) {
  return run_stage(
      strict_then_tolerant(first, last, MatchStage::GivenNames, MatchStage::GivenNames), candidates,
      std::tuple_size_v<detail::GivenNameForms>,
      [&](const Pass& pass, std::size_t field, std::size_t i) {
        return last_name_fits(pass, candidates[i]) &&
               any_fits(forms.given(i)[field],
                        [&](const std::string& form) { return first_fits(pass, form); });
      });
}

// Stage 2, family names: a given name as in the passes (checked first), the typed last name
// against the other forms of the family and usage names.
MatchResult family_names_stage(std::string_view first, std::string_view last,
                               std::span<const MatchCandidate> candidates, CandidateForms& forms) {
  return run_stage(
      strict_then_tolerant(first, last, MatchStage::FamilyNames, MatchStage::FamilyNames),
      candidates, kGivenNameFields.size(), [&](const Pass& pass, std::size_t field, std::size_t i) {
        return first_fits(pass, candidates[i].*kGivenNameFields[field]) &&
               any_fits(forms.last(i),
                        [&](const std::string& form) { return last_fits(pass, form); });
      });
}

// The four stages of docs/rules.md §3, in order, once the two passes found nobody: the first
// that singles out a learner, or sees several, decides. Each relaxes one thing only;
// docs/matching.md, "Later stages", defines their fields.
MatchResult later_stages(std::string_view first, std::string_view last,
                         std::span<const MatchCandidate> candidates,
                         const RosterNamesOf& roster_names) {
  CandidateForms forms(candidates, roster_names);
  MatchResult result = given_names_stage(first, last, candidates, forms);
  if (result.outcome == MatchOutcome::NoNameMatch) {
    result = family_names_stage(first, last, candidates, forms);
  }
  // Stage 3, swapped fields: the two passes with the typed names exchanged.
  if (result.outcome == MatchOutcome::NoNameMatch) {
    result =
        run_stage(std::array{StagePass{exchanged(strict_pass(first, last)), MatchStage::Swapped},
                             StagePass{exchanged(tolerant_pass(first, last)), MatchStage::Swapped}},
                  candidates, kGivenNameFields.size(), keys_fit(candidates));
  }
  // Stage 4, transpositions: the tolerant pass with the optimal string alignment distance (its
  // strict pass would be the first pass again).
  if (result.outcome == MatchOutcome::NoNameMatch) {
    result = run_stage(
        std::array{StagePass{tolerant_pass(first, last, true), MatchStage::Transposition}},
        candidates, kGivenNameFields.size(), keys_fit(candidates));
  }
  return result;
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
  return edit_distance<false>(a, b);
}

std::size_t osa_distance(std::string_view a, std::string_view b) {
  return edit_distance<true>(a, b);
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

std::string_view match_stage_name(MatchStage stage) noexcept {
  switch (stage) {
    case MatchStage::Exact: return "exact";
    case MatchStage::Tolerant: return "tolerant";
    case MatchStage::GivenNames: return "given_names";
    case MatchStage::FamilyNames: return "family_names";
    case MatchStage::Swapped: return "swapped";
    case MatchStage::Transposition: return "transposition";
  }
  return "unknown";
}

MatchResult match_learner(std::string_view typed_first_key, std::string_view typed_last_key,
                          std::span<const MatchCandidate> candidates, MatchRules rules,
                          const RosterNamesOf& roster_names) {
  if (candidates.empty()) return {MatchOutcome::NoLearnerForBirthdate, 0};
  // A lambda of its own, not keys_fit: the two passes are the hot path, and an instantiation
  // shared with stages 3 and 4 is no longer inlined here (~30 % slower BM_MatchLearnerInMemory).
  const MatchResult pix = run_stage(strict_then_tolerant(typed_first_key, typed_last_key,
                                                         MatchStage::Exact, MatchStage::Tolerant),
                                    candidates, kGivenNameFields.size(),
                                    [&](const Pass& pass, std::size_t field, std::size_t i) {
                                      return fits_keys(pass, candidates[i], field);
                                    });
  // The later stages run only when the two passes found nobody at all: several learners stay
  // ambiguous (docs/rules.md §3).
  if (pix.outcome != MatchOutcome::NoNameMatch || rules == MatchRules::Pix) return pix;
  return later_stages(typed_first_key, typed_last_key, candidates, roster_names);
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
