// Campaigns: creation, look-up by code, archiving and back, deletion, listing, who has not
// joined and the teacher's list of participants.
#include "inscrire/render.hpp"
#include "internal.hpp"
#include "records.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

// Hands a campaign to an optional out-param.
void give_campaign(inscrire_campaign** out, Campaign campaign) {
  if (out != nullptr) give(out, std::make_unique<inscrire_campaign>(std::move(campaign)));
}

// The school's campaigns as a C list.
std::unique_ptr<inscrire_campaign_list> campaign_list(std::vector<Campaign> campaigns) {
  auto list = std::make_unique<inscrire_campaign_list>();
  list->campaigns.reserve(campaigns.size());
  for (auto& campaign : campaigns) list->campaigns.emplace_back(std::move(campaign));
  return list;
}

// The body of inscrire_delete_campaign and inscrire_delete_campaign_as.
void delete_campaign(inscrire_db* db, const char* code, const ActorArg& actor) {
  require(db, "db")->service.delete_campaign(text(code, "code"), actor.get());
}

}  // namespace

extern "C" {

int inscrire_create_campaign(inscrire_db* db, const char* uai, const char* name,
                             const char* division, const char* target_profile,
                             inscrire_campaign** out) {
  return inscrire_create_campaign_as(db, uai, name, division, target_profile, nullptr, nullptr,
                                     out);
}

int inscrire_create_campaign_as(inscrire_db* db, const char* uai, const char* name,
                                const char* division, const char* target_profile, const char* owner,
                                const inscrire_actor* actor, inscrire_campaign** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    auto campaign = db->service.create_campaign(
        text(uai, "uai"), text(name, "name"), optional_text(division, "division"),
        optional_text(target_profile, "target_profile"), ActorArg::of(actor).get(),
        optional_text(owner, "owner"));
    give_campaign(out, std::move(campaign));
  });
}

int inscrire_find_campaign(inscrire_db* db, const char* code, const char* client_key,
                           inscrire_campaign** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    give_campaign(
        out, db->service.find_campaign(text(code, "code"), text_or(client_key, "client_key", {})));
  });
}

int inscrire_archive_campaign(inscrire_db* db, const char* code, inscrire_campaign** out) {
  return inscrire_archive_campaign_as(db, code, nullptr, out);
}

int inscrire_archive_campaign_as(inscrire_db* db, const char* code, const inscrire_actor* actor,
                                 inscrire_campaign** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_campaign(out, db->service.archive_campaign(text(code, "code"), ActorArg::of(actor).get()));
  });
}

int inscrire_unarchive_campaign(inscrire_db* db, const char* code, inscrire_campaign** out) {
  return inscrire_unarchive_campaign_as(db, code, nullptr, out);
}

int inscrire_unarchive_campaign_as(inscrire_db* db, const char* code, const inscrire_actor* actor,
                                   inscrire_campaign** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_campaign(out,
                  db->service.unarchive_campaign(text(code, "code"), ActorArg::of(actor).get()));
  });
}

int inscrire_delete_campaign(inscrire_db* db, const char* code, const char* actor) {
  return guard(db, [&] { delete_campaign(db, code, ActorArg::named(actor)); });
}

int inscrire_delete_campaign_as(inscrire_db* db, const char* code, const inscrire_actor* actor) {
  return guard(db, [&] { delete_campaign(db, code, ActorArg::of(actor)); });
}

int inscrire_campaigns(inscrire_db* db, const char* uai, inscrire_campaign_list** out) {
  return inscrire_campaigns_as(db, uai, nullptr, out);
}

int inscrire_campaigns_as(inscrire_db* db, const char* uai, const inscrire_actor* actor,
                          inscrire_campaign_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    give(out, campaign_list(db->service.campaigns(text(uai, "uai"), ActorArg::of(actor).get())));
  });
}

int inscrire_campaigns_v2(inscrire_db* db, const char* uai, unsigned flags,
                          inscrire_campaign_list** out) {
  return inscrire_campaigns_v2_as(db, uai, flags, nullptr, out);
}

int inscrire_campaigns_v2_as(inscrire_db* db, const char* uai, unsigned flags,
                             const inscrire_actor* actor, inscrire_campaign_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    if ((flags & ~INSCRIRE_CAMPAIGNS_INCLUDE_DELETED) != 0) {
      throw Error(ErrorCode::INVALID_ARGUMENT, "unknown flags");
    }
    const bool include_deleted = (flags & INSCRIRE_CAMPAIGNS_INCLUDE_DELETED) != 0;
    give(out, campaign_list(db->service.campaigns(text(uai, "uai"), ActorArg::of(actor).get(),
                                                  include_deleted)));
  });
}

int inscrire_update_campaign(inscrire_db* db, const char* code, const char* name, const char* owner,
                             inscrire_campaign** out) {
  return inscrire_update_campaign_as(db, code, name, owner, nullptr, out);
}

int inscrire_update_campaign_as(inscrire_db* db, const char* code, const char* name,
                                const char* owner, const inscrire_actor* actor,
                                inscrire_campaign** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_campaign(out, db->service.update_campaign(text(code, "code"), ActorArg::of(actor).get(),
                                                   optional_text(name, "name"),
                                                   optional_text(owner, "owner")));
  });
}

int inscrire_delete_participation(inscrire_db* db, const char* code, const char* ine) {
  return inscrire_delete_participation_as(db, code, ine, nullptr);
}

int inscrire_delete_participation_as(inscrire_db* db, const char* code, const char* ine,
                                     const inscrire_actor* actor) {
  return guard(db, [&] {
    require(db, "db")->service.delete_participation(text(code, "code"), text(ine, "ine"),
                                                    ActorArg::of(actor).get());
  });
}

size_t inscrire_campaign_list_count(const inscrire_campaign_list* list) {
  return list == nullptr ? 0 : list->campaigns.size();
}
const inscrire_campaign* inscrire_campaign_list_get(const inscrire_campaign_list* list,
                                                    size_t index) {
  if (list == nullptr || index >= list->campaigns.size()) return nullptr;
  return &list->campaigns[index];
}
void inscrire_campaign_list_free(inscrire_campaign_list* list) { delete list; }

#define CAMPAIGN_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_campaign, campaign, campaign, type, name, presence)
INSCRIRE_CAMPAIGN_FIELDS(CAMPAIGN_FIELD, INSCRIRE_C_NONE)
void inscrire_campaign_free(inscrire_campaign* campaign) { delete campaign; }

int inscrire_class_sheet(inscrire_db* db, const char* code, const char* base_url, char** html) {
  return inscrire_class_sheet_as(db, code, base_url, nullptr, html);
}

int inscrire_class_sheet_as(inscrire_db* db, const char* code, const char* base_url,
                            const inscrire_actor* actor, char** html) {
  return guard(db, [&] {
    out_param(html, "html");
    require(db, "db");
    const auto sheet = db->service.class_sheet(
        text(code, "code"), text_or(base_url, "base_url", {}), ActorArg::of(actor).get());
    *html = library_string(class_sheet_html(sheet));
  });
}

int inscrire_not_joined(inscrire_db* db, const char* code, inscrire_learner_list** out) {
  return inscrire_not_joined_as(db, code, nullptr, out);
}

int inscrire_not_joined_as(inscrire_db* db, const char* code, const inscrire_actor* actor,
                           inscrire_learner_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    give(out, learner_list(db->service.not_joined(text(code, "code"), ActorArg::of(actor).get())));
  });
}

int inscrire_campaign_participants(inscrire_db* db, const char* code,
                                   inscrire_participant_list** out) {
  return inscrire_campaign_participants_as(db, code, nullptr, out);
}

int inscrire_campaign_participants_as(inscrire_db* db, const char* code,
                                      const inscrire_actor* actor,
                                      inscrire_participant_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto list = std::make_unique<inscrire_participant_list>();
    list->participants =
        db->service.campaign_participants(text(code, "code"), ActorArg::of(actor).get());
    list->csv = participants_csv(list->participants);
    give(out, std::move(list));
  });
}

size_t inscrire_participant_list_count(const inscrire_participant_list* list) {
  return list == nullptr ? 0 : list->participants.size();
}
#define PARTICIPANT_FIELD(type, name, presence) \
  INSCRIRE_C_ITEM(inscrire_participant_list, participant_list, participants, type, name, presence)
INSCRIRE_PARTICIPANT_FIELDS(PARTICIPANT_FIELD, INSCRIRE_C_NONE)
const char* inscrire_participant_list_csv(const inscrire_participant_list* list) {
  return list == nullptr ? nullptr : list->csv.c_str();
}
void inscrire_participant_list_free(inscrire_participant_list* list) { delete list; }

}  // extern "C"
