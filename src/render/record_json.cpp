// The JSON of the records that a list alone cannot describe (record_json.hpp).
#include "render/record_json.hpp"

namespace inscrire {

Json to_json(const SkipCounts& skipped) {
  auto counts = Json::object();
  int total = 0;
  for (std::size_t i = 0; i < skipped.size(); ++i) {
    counts.set(std::string(skip_reason_name(static_cast<SkipReason>(i))), skipped[i]);
    total += skipped[i];
  }
  return counts.set("total", total);
}

Json to_json(const LearnerAccountView& row) {
  return to_json(row.learner).set("state", to_json(row.state)).set("account", to_json(row.account));
}

}  // namespace inscrire
