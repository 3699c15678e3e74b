#include "replies.hpp"

#include "inscrire/render.hpp"
#include "render/record_json.hpp"

namespace inscrire::cli {

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
    list.push(to_json(learner));
    reply.text += learner.division + "  " + learner.last_name + " " + learner.first_name + "  " +
                  learner.birthdate.french() + "  " + learner.ine + "  " +
                  learner.username.value_or("-") + (learner.disabled ? "  (disabled)" : "") + "\n";
  }
  reply.fields.set("learners", list).set("count", static_cast<int>(learners.size()));
  reply.text += std::to_string(learners.size()) + " learner(s)\n";
  return reply;
}

std::string learner_account_text(const LearnerAccountView& row) {
  const auto& learner = row.learner;
  return learner.division + "  " + learner.last_name + " " + learner.first_name + "  " +
         learner.birthdate.french() + "  " + learner.ine + "  " + learner.username.value_or("-") +
         "  " + std::string(learner_state_name(row.state)) + "\n";
}

Refusal login_refusal(const LoginError& refused) {
  auto fields = Json::object();
  if (refused.remaining_attempts()) fields.set("remaining_attempts", *refused.remaining_attempts());
  if (refused.retry_after_seconds() > 0) {
    fields.set("retry_after_seconds", refused.retry_after_seconds());
  }
  return Refusal(refused, fields, "");
}

}  // namespace inscrire::cli
