// The export of everything held on one learner, as one JSON document.
#include <string>

#include "inscrire/render.hpp"
#include "render/json.hpp"

namespace inscrire {
namespace {

Json learner_json(const Learner& learner) {
  const auto& e = learner.entry;
  return Json::object()
      .set("ine", e.ine)
      .set("first_name", e.first_name)
      .set("second_name", e.second_name)
      .set("third_name", e.third_name)
      .set("last_name", e.last_name)
      .set("usage_name", e.usage_name)
      .set("birthdate", e.birthdate.iso())
      .set("sex", e.sex == Sex::Female ? "F" : "M")
      .set("division", e.division)
      .set("birth_country_code", e.birth_country_code)
      .set("birth_department_code", e.birth_department_code)
      .set("birth_city_code", e.birth_city_code)
      .set("birth_city_name", e.birth_city_name)
      .set("mef_code", e.mef_code)
      .set("status", e.status)
      .set("disabled", learner.disabled);
}

Json account_json(const AccountState& account) {
  return Json::object()
      .set("username", account.username)
      .set("must_change_password", account.must_change_password)
      .set("failed_attempts", account.failed_attempts)
      .set("blocked", account.blocked)
      .set("disabled", account.disabled);
}

Json participation_json(const CampaignParticipation& participation) {
  auto entry = Json::object();
  if (participation.campaign) {
    const Campaign& campaign = *participation.campaign;
    entry.set("campaign", Json::object()
                              .set("code", campaign.code)
                              .set("name", campaign.name)
                              .set("division", campaign.division));
  }
  return entry.set("status", participation.status);
}

}  // namespace

std::string learner_export_json(const LearnerExport& exported) {
  auto document =
      Json::object()
          .set("school",
               Json::object().set("uai", exported.school.uai).set("name", exported.school.name))
          .set("learner", learner_json(exported.learner));
  if (exported.account) document.set("account", account_json(*exported.account));
  auto participations = Json::array();
  for (const auto& participation : exported.participations) {
    participations.push(participation_json(participation));
  }
  return document.set("participations", participations).dump();
}

}  // namespace inscrire
