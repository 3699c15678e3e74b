// Recovery codes of the staff second factor: drawn here, shown once, stored by the service as
// digests (token_digest), compared by digest.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inscrire/campaign.hpp"
#include "inscrire/random.hpp"
#include "inscrire/second_factor.hpp"
#include "inscrire/text.hpp"

namespace inscrire {

std::vector<std::string> new_recovery_codes() {
  std::vector<std::string> codes;
  std::set<std::string> drawn;
  // Two equal codes among ten have a chance of about 5e-14; drawing again keeps "ten distinct
  // codes" a promise rather than a likelihood.
  while (codes.size() < kRecoveryCodeCount) {
    std::string code = random_string(kRecoveryCodeAlphabet, kRecoveryCodeLength);
    if (!drawn.insert(code).second) continue;
    code.insert(kRecoveryCodeLength / 2, 1, '-');
    codes.push_back(std::move(code));
  }
  return codes;
}

std::optional<std::string> canonical_recovery_code(std::string_view typed) {
  // A bound before any work: a code and a few separators fit many times over.
  if (typed.size() > 256 || !is_valid_utf8(typed)) return std::nullopt;
  // The campaign code's reading (ignorable spaces and dashes, ASCII upper case), so that a
  // code copied from paper or a phone reads the same way in both places.
  std::string canonical = canonical_campaign_code(typed);
  if (canonical.size() != kRecoveryCodeLength) return std::nullopt;
  for (const char c : canonical) {
    if (kRecoveryCodeAlphabet.find(c) == std::string_view::npos) return std::nullopt;
  }
  return canonical;
}

}  // namespace inscrire
