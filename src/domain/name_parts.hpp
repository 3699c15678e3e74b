// The words of raw roster names, and the forms of a candidate's names that the later matching
// stages compare (docs/rules.md §3; docs/matching.md, "Later stages").
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "inscrire/reconciliation.hpp"

namespace inscrire::detail {

// Comparison keys of the words of a raw name, in order, empty ones dropped. Words end at white
// space (no-break spaces too), hyphens and dashes (so "--" too), commas, and at an apostrophe
// that follows a lone d or l: "D'ARTAGNAN" -> {d, artagnan}, but "N'DIAYE" -> {ndiaye} and
// "O'NEILL" -> {oneill}, whose first letter is no particle.
std::vector<std::string> word_keys(std::string_view raw_name);

// True for the comparison key of a particle of a family name: le, de, d, van, saint...
bool is_particle(std::string_view word_key) noexcept;

// `names` are the raw roster names, `keys` the comparison keys of the same learner. Every form
// has 3 letters or more and none is a particle; a last-name form equal to the family or usage
// key, which the two passes compared already, is left out. A name of one word gives no form at
// all, without allocating.
//
// Stage 1, one entry per field in the order tried: the words of the first, second and third
// given names (only for names of two words or more); first + second; first + second + third.
using GivenNameForms = std::array<std::vector<std::string>, 5>;
GivenNameForms given_name_forms(const RosterNames& names, const MatchCandidate& keys);

// Stage 2, one field per given name with all these forms of the last name: the parts of the
// family and usage names, with and without their particles, the parts in reverse order, each
// name without its particles, family and usage names together in both orders.
std::vector<std::string> last_name_forms(const RosterNames& names, const MatchCandidate& keys);

}  // namespace inscrire::detail
