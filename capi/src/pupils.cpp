// The pupil's flow: match (dry run), register, and joining another campaign.
#include "internal.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

// Hands a registration to an optional out-param.
void give_registration(inscrire_registration** out, Registration registration) {
  if (out != nullptr) give(out, std::make_unique<inscrire_registration>(std::move(registration)));
}

const char* nonempty(const std::string& value) noexcept {
  return value.empty() ? nullptr : value.c_str();
}

// match_stage_name gives views of string literals: static storage, NUL-terminated.
const char* stage_name(const std::optional<MatchStage>& stage) {
  return stage ? match_stage_name(*stage).data() : nullptr;
}

}  // namespace

extern "C" {

int inscrire_match(inscrire_db* db, const char* code, const char* first_name, const char* last_name,
                   const char* birthdate, const char* client_key, inscrire_match_report** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto report = std::make_unique<inscrire_match_report>();
    report->report = db->service.match(text(code, "code"), text(first_name, "first_name"),
                                       text(last_name, "last_name"), text(birthdate, "birthdate"),
                                       text_or(client_key, "client_key", {}));
    if (report->report.learner) report->learner.emplace(*report->report.learner);
    give(out, std::move(report));
  });
}

int inscrire_match_report_status(const inscrire_match_report* report) {
  if (report == nullptr) return INSCRIRE_E_INVALID_ARGUMENT;
  const auto code = report->report.error();
  return code ? to_c(*code) : INSCRIRE_OK;
}
const inscrire_learner* inscrire_match_report_learner(const inscrire_match_report* report) {
  return report == nullptr || !report->learner ? nullptr : &*report->learner;
}
const char* inscrire_match_report_username(const inscrire_match_report* report) {
  return report == nullptr ? nullptr : nonempty(report->report.username);
}
const char* inscrire_match_report_masked_username(const inscrire_match_report* report) {
  return report == nullptr ? nullptr : nonempty(report->report.masked_username);
}
const char* inscrire_match_report_matched_by(const inscrire_match_report* report) {
  return report == nullptr ? nullptr : stage_name(report->report.matched_by);
}
int inscrire_match_report_other_division(const inscrire_match_report* report) {
  return report != nullptr && report->report.other_division ? 1 : 0;
}
void inscrire_match_report_free(inscrire_match_report* report) { delete report; }

int inscrire_register(inscrire_db* db, const char* code, const char* first_name,
                      const char* last_name, const char* birthdate, const char* password,
                      const char* client_key, inscrire_registration** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_registration(out, db->service.register_pupil(
                               text(code, "code"), text(first_name, "first_name"),
                               text(last_name, "last_name"), text(birthdate, "birthdate"),
                               text(password, "password"), text_or(client_key, "client_key", {})));
  });
}

int inscrire_join_campaign(inscrire_db* db, const char* session_token, const char* code,
                           inscrire_registration** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_registration(
        out, db->service.join_campaign(text(session_token, "session_token"), text(code, "code")));
  });
}

int inscrire_join_campaign_as(inscrire_db* db, const char* session_token, const char* code,
                              const char* first_name, const char* last_name, const char* birthdate,
                              const char* client_key, inscrire_registration** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_registration(
        out, db->service.join_campaign(text(session_token, "session_token"), text(code, "code"),
                                       text(first_name, "first_name"), text(last_name, "last_name"),
                                       text(birthdate, "birthdate"),
                                       text_or(client_key, "client_key", {})));
  });
}

const char* inscrire_registration_username(const inscrire_registration* reg) {
  return reg == nullptr ? nullptr : reg->username.c_str();
}
const inscrire_learner* inscrire_registration_learner(const inscrire_registration* reg) {
  return reg == nullptr ? nullptr : &reg->learner;
}
const inscrire_campaign* inscrire_registration_campaign(const inscrire_registration* reg) {
  return reg == nullptr ? nullptr : &reg->campaign;
}
const char* inscrire_registration_participation_status(const inscrire_registration* reg) {
  return reg == nullptr ? nullptr : reg->participation_status.c_str();
}
const char* inscrire_registration_matched_by(const inscrire_registration* reg) {
  return reg == nullptr ? nullptr : stage_name(reg->matched_by);
}
int inscrire_registration_other_division(const inscrire_registration* reg) {
  return reg != nullptr && reg->other_division ? 1 : 0;
}
void inscrire_registration_free(inscrire_registration* reg) { delete reg; }

}  // extern "C"
