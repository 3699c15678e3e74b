// Campaigns: creation, look-up by code, archiving and back, deletion, listing, who has not
// joined and the teacher's list of participants.
#include "inscrire/render.hpp"
#include "internal.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

const char* campaign_text(const inscrire_campaign* c, std::string Campaign::*field) noexcept {
  return c == nullptr ? nullptr : (c->campaign.*field).c_str();
}

const Participant* participant_at(const inscrire_participant_list* list, size_t index) noexcept {
  if (list == nullptr || index >= list->participants.size()) return nullptr;
  return &list->participants[index];
}

const char* participant_text(const inscrire_participant_list* list, size_t index,
                             std::string Participant::*field) noexcept {
  const auto* p = participant_at(list, index);
  return p == nullptr ? nullptr : (p->*field).c_str();
}

std::int64_t participant_time(const inscrire_participant_list* list, size_t index,
                              std::optional<std::int64_t> Participant::*field) noexcept {
  const auto* p = participant_at(list, index);
  return p == nullptr ? 0 : (p->*field).value_or(0);
}

// Hands a campaign to an optional out-param.
void give_campaign(inscrire_campaign** out, Campaign campaign) {
  if (out != nullptr) give(out, std::make_unique<inscrire_campaign>(std::move(campaign)));
}

}  // namespace

extern "C" {

int inscrire_create_campaign(inscrire_db* db, const char* uai, const char* name,
                             const char* division, const char* target_profile,
                             inscrire_campaign** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    auto campaign = db->service.create_campaign(text(uai, "uai"), text(name, "name"),
                                                optional_text(division, "division"),
                                                optional_text(target_profile, "target_profile"));
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
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_campaign(out, db->service.archive_campaign(text(code, "code")));
  });
}

int inscrire_unarchive_campaign(inscrire_db* db, const char* code, inscrire_campaign** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_campaign(out, db->service.unarchive_campaign(text(code, "code")));
  });
}

int inscrire_delete_campaign(inscrire_db* db, const char* code, const char* actor) {
  return guard(db, [&] {
    require(db, "db")->service.delete_campaign(text(code, "code"),
                                               text_or(actor, "actor", "admin"));
  });
}

int inscrire_campaigns(inscrire_db* db, const char* uai, inscrire_campaign_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto campaigns = db->service.campaigns(text(uai, "uai"));
    auto list = std::make_unique<inscrire_campaign_list>();
    list->campaigns.reserve(campaigns.size());
    for (auto& campaign : campaigns) list->campaigns.emplace_back(std::move(campaign));
    give(out, std::move(list));
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

const char* inscrire_campaign_code(const inscrire_campaign* c) {
  return campaign_text(c, &Campaign::code);
}
const char* inscrire_campaign_name(const inscrire_campaign* c) {
  return campaign_text(c, &Campaign::name);
}
const char* inscrire_campaign_uai(const inscrire_campaign* c) {
  return campaign_text(c, &Campaign::uai);
}
const char* inscrire_campaign_division(const inscrire_campaign* c) {
  return campaign_text(c, &Campaign::division);
}
const char* inscrire_campaign_target_profile(const inscrire_campaign* c) {
  return campaign_text(c, &Campaign::target_profile);
}
const char* inscrire_campaign_status(const inscrire_campaign* c) {
  return c == nullptr ? nullptr : c->status.c_str();
}
const char* inscrire_campaign_created_at(const inscrire_campaign* c) {
  return campaign_text(c, &Campaign::created_at);
}
void inscrire_campaign_free(inscrire_campaign* campaign) { delete campaign; }

int inscrire_class_sheet(inscrire_db* db, const char* code, const char* base_url, char** html) {
  return guard(db, [&] {
    out_param(html, "html");
    require(db, "db");
    const auto sheet =
        db->service.class_sheet(text(code, "code"), text_or(base_url, "base_url", {}));
    *html = library_string(class_sheet_html(sheet));
  });
}

int inscrire_not_joined(inscrire_db* db, const char* code, inscrire_learner_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    give(out, learner_list(db->service.not_joined(text(code, "code"))));
  });
}

int inscrire_campaign_participants(inscrire_db* db, const char* code,
                                   inscrire_participant_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto list = std::make_unique<inscrire_participant_list>();
    list->participants = db->service.campaign_participants(text(code, "code"));
    list->csv = participants_csv(list->participants);
    give(out, std::move(list));
  });
}

size_t inscrire_participant_list_count(const inscrire_participant_list* list) {
  return list == nullptr ? 0 : list->participants.size();
}
const char* inscrire_participant_list_division(const inscrire_participant_list* list,
                                               size_t index) {
  return participant_text(list, index, &Participant::division);
}
const char* inscrire_participant_list_last_name(const inscrire_participant_list* list,
                                                size_t index) {
  return participant_text(list, index, &Participant::last_name);
}
const char* inscrire_participant_list_first_name(const inscrire_participant_list* list,
                                                 size_t index) {
  return participant_text(list, index, &Participant::first_name);
}
const char* inscrire_participant_list_username(const inscrire_participant_list* list,
                                               size_t index) {
  const auto* p = participant_at(list, index);
  return p == nullptr || !p->username ? nullptr : p->username->c_str();
}
const char* inscrire_participant_list_status(const inscrire_participant_list* list, size_t index) {
  return participant_text(list, index, &Participant::status);
}
int64_t inscrire_participant_list_started_at(const inscrire_participant_list* list, size_t index) {
  return participant_time(list, index, &Participant::started_at);
}
int64_t inscrire_participant_list_completed_at(const inscrire_participant_list* list,
                                               size_t index) {
  return participant_time(list, index, &Participant::completed_at);
}
int64_t inscrire_participant_list_shared_at(const inscrire_participant_list* list, size_t index) {
  return participant_time(list, index, &Participant::shared_at);
}
const char* inscrire_participant_list_csv(const inscrire_participant_list* list) {
  return list == nullptr ? nullptr : list->csv.c_str();
}
void inscrire_participant_list_free(inscrire_participant_list* list) { delete list; }

}  // extern "C"
