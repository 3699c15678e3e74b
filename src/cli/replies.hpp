// How the CLI shows the library's results, as JSON fields and as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "inscrire/service.hpp"
#include "render/record_json.hpp"

namespace inscrire::cli {

// --json writes the records as render/record_json.hpp makes them (to_json).
std::string report_text(const ImportReport& report);
// {"learners": [...]} and one line per learner.
Reply learners_reply(const std::vector<LearnerView>& learners);

// One line of text for the admin views.
std::string learner_account_text(const LearnerAccountView& row);

// A refused login (pupil or staff) with what it tells: remaining_attempts, retry_after_seconds.
Refusal login_refusal(const LoginError& refused);
}  // namespace inscrire::cli
