#include "replies.hpp"

#include "inscrire/render.hpp"

namespace inscrire::cli {

Json learner_json(const LearnerView& learner) {
  auto json = Json::object()
                  .set("ine", learner.ine)
                  .set("first_name", learner.first_name)
                  .set("last_name", learner.last_name)
                  .set("birthdate", learner.birthdate.iso())
                  .set("division", learner.division);
  if (!learner.usage_name.empty()) json.set("usage_name", learner.usage_name);
  json.set("username", learner.username ? Json(*learner.username) : Json());
  json.set("disabled", learner.disabled);
  return json;
}

Json pupil_learner_json(const PupilLearner& learner) {
  return Json::object()
      .set("first_name", learner.first_name)
      .set("last_name", learner.last_name)
      .set("division", learner.division);
}

Json campaign_json(const Campaign& campaign) {
  return Json::object()
      .set("code", campaign.code)
      .set("name", campaign.name)
      .set("uai", campaign.uai)
      .set("division", campaign.division.empty() ? Json() : Json(campaign.division))
      .set("target_profile",
           campaign.target_profile.empty() ? Json() : Json(campaign.target_profile))
      .set("status", campaign_status_name(campaign.status));
}

Json report_json(const ImportReport& report) {
  auto skipped = Json::object();
  int skipped_total = 0;
  for (std::size_t i = 0; i < kSkipReasonCount; ++i) {
    skipped.set(std::string(skip_reason_name(static_cast<SkipReason>(i))), report.skipped[i]);
    skipped_total += report.skipped[i];
  }
  skipped.set("total", skipped_total);
  auto errors = Json::array();
  for (const auto& error : report.errors) {
    auto entry = Json::object().set("code", code_name(error.code));
    if (error.line > 0) entry.set("line", error.line);
    if (!error.ine.empty()) entry.set("ine", error.ine);
    if (!error.pupil_id.empty()) entry.set("pupil_id", error.pupil_id);
    if (!error.field.empty()) entry.set("field", error.field);
    if (!error.detail.empty()) entry.set("detail", error.detail);
    errors.push(entry);
  }
  return Json::object()
      .set("created", report.created)
      .set("updated", report.updated)
      .set("disabled", report.disabled)
      .set("reenabled", report.reenabled)
      .set("linked", report.linked)
      .set("skipped", skipped)
      .set("errors", errors)
      .set("dry_run", report.dry_run);
}

std::string report_text(const ImportReport& report) {
  std::string text;
  if (!report.errors.empty()) {
    text += std::to_string(report.errors.size()) + " error(s), nothing imported:\n";
    for (const auto& error : report.errors) {
      text += "  " + std::string(code_name(error.code));
      if (error.line > 0) text += " line " + std::to_string(error.line);
      if (!error.ine.empty()) text += " INE " + error.ine;
      if (!error.pupil_id.empty()) text += " ELEVE_ID " + error.pupil_id;
      if (!error.field.empty()) text += " field " + error.field;
      if (!error.detail.empty()) text += ": " + error.detail;
      text += "\n";
    }
    return text;
  }
  text += report.dry_run ? "dry run (nothing written): " : "imported: ";
  text += std::to_string(report.created) + " created, " + std::to_string(report.updated) +
          " updated, " + std::to_string(report.disabled) + " disabled, " +
          std::to_string(report.reenabled) + " re-enabled, " + std::to_string(report.linked) +
          " linked to an existing account\n";
  text += "skipped: ";
  for (std::size_t i = 0; i < kSkipReasonCount; ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(report.skipped[i]) + " " +
            std::string(skip_reason_name(static_cast<SkipReason>(i)));
  }
  return text + "\n";
}

Reply learners_reply(const std::vector<LearnerView>& learners) {
  Reply reply;
  auto list = Json::array();
  for (const auto& learner : learners) {
    list.push(learner_json(learner));
    reply.text += learner.division + "  " + learner.last_name + " " + learner.first_name + "  " +
                  learner.birthdate.french() + "  " + learner.ine + "  " +
                  learner.username.value_or("-") + (learner.disabled ? "  (disabled)" : "") + "\n";
  }
  reply.fields.set("learners", list).set("count", static_cast<int>(learners.size()));
  reply.text += std::to_string(learners.size()) + " learner(s)\n";
  return reply;
}

Json time_json(const std::optional<std::int64_t>& unix_seconds) {
  return unix_seconds ? Json(iso8601_utc(*unix_seconds)) : Json();
}

Json account_json(const std::optional<AccountView>& account) {
  if (!account) return Json();
  return Json::object()
      .set("username", account->username)
      .set("must_change_password", account->must_change_password)
      .set("blocked",
           account->blocked == BlockState::None ? Json() : Json(block_state_name(account->blocked)))
      .set("last_login_at", time_json(account->last_login_at))
      .set("participations", account->participations);
}

Json learner_account_json(const LearnerAccountView& row) {
  return learner_json(row.learner)
      .set("state", learner_state_name(row.state))
      .set("account", account_json(row.account));
}

std::string learner_account_text(const LearnerAccountView& row) {
  const auto& learner = row.learner;
  return learner.division + "  " + learner.last_name + " " + learner.first_name + "  " +
         learner.birthdate.french() + "  " + learner.ine + "  " + learner.username.value_or("-") +
         "  " + std::string(learner_state_name(row.state)) + "\n";
}

Json participation_json(const ParticipationView& participation) {
  return Json::object()
      .set("code", participation.code)
      .set("campaign", participation.campaign)
      .set("uai", participation.uai)
      .set("school", participation.school)
      .set("status", participation.status)
      .set("started_at", time_json(participation.started_at))
      .set("completed_at", time_json(participation.completed_at))
      .set("shared_at", time_json(participation.shared_at));
}

}  // namespace inscrire::cli
