// How the CLI shows the library's results, as JSON fields and as text.
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "inscrire/service.hpp"

namespace inscrire::cli {

Json learner_json(const LearnerView& learner);
// A pupil-facing result's learner (product.md §8): first_name, last_name, division only.
Json pupil_learner_json(const PupilLearner& learner);
Json campaign_json(const Campaign& campaign);
Json report_json(const ImportReport& report);
std::string report_text(const ImportReport& report);
// {"learners": [...]} and one line per learner.
Reply learners_reply(const std::vector<LearnerView>& learners);

}  // namespace inscrire::cli
