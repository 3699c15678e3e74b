#include "inscrire/roster.hpp"

namespace inscrire {

std::string_view skip_reason_name(SkipReason reason) noexcept {
  switch (reason) {
    case SkipReason::Left: return "left";
    case SkipReason::NoIne: return "no_ine";
    case SkipReason::NoDivision: return "no_division";
  }
  return "unknown";
}

}  // namespace inscrire
