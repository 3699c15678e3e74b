// How the CLI shows the library's results, as JSON fields and as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "inscrire/service.hpp"

namespace inscrire::cli {

Json learner_json(const LearnerView& learner);
// A pupil-facing result's learner (docs/rules.md §8): first_name, last_name, division only.
Json pupil_learner_json(const PupilLearner& learner);
Json campaign_json(const Campaign& campaign);
Json report_json(const ImportReport& report);
std::string report_text(const ImportReport& report);
// {"learners": [...]} and one line per learner.
Reply learners_reply(const std::vector<LearnerView>& learners);

// An ISO 8601 UTC time, or null.
Json time_json(const std::optional<std::int64_t>& unix_seconds);
// {username, must_change_password, blocked: null|"temporary"|"permanent", last_login_at,
// participations}, or null for no account.
Json account_json(const std::optional<AccountView>& account);
// learner_json's fields, then "state" and "account".
Json learner_account_json(const LearnerAccountView& row);
// One line of text for the admin views.
std::string learner_account_text(const LearnerAccountView& row);
// {code, campaign, uai, school, status, started_at, completed_at, shared_at}.
Json participation_json(const ParticipationView& participation);

}  // namespace inscrire::cli
