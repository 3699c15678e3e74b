// Roster import and its report, and the learners (roster rows) listed from it.
#include "internal.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

const RosterError* error_at(const inscrire_import_report* report, size_t index) noexcept {
  if (report == nullptr || index >= report->report.errors.size()) return nullptr;
  return &report->report.errors[index];
}

const char* error_text(const inscrire_import_report* report, size_t index,
                       std::string RosterError::*field) noexcept {
  const auto* error = error_at(report, index);
  return error == nullptr ? nullptr : (error->*field).c_str();
}

// Borrowed text of a learner field; NULL for a NULL learner.
const char* learner_text(const inscrire_learner* learner,
                         std::string LearnerView::*field) noexcept {
  return learner == nullptr ? nullptr : (learner->view.*field).c_str();
}

}  // namespace

namespace inscrire::capi {

std::unique_ptr<inscrire_learner_list> learner_list(std::vector<LearnerView> learners) {
  auto list = std::make_unique<inscrire_learner_list>();
  list->learners.reserve(learners.size());
  for (auto& learner : learners) list->learners.emplace_back(std::move(learner));
  return list;
}

}  // namespace inscrire::capi

extern "C" {

int inscrire_import_roster(inscrire_db* db, const char* uai, const char* path, unsigned flags,
                           inscrire_import_report** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    const auto school = text(uai, "uai");
    require(path, "path");
    if ((flags & ~INSCRIRE_IMPORT_DRY_RUN) != 0) throw Error(ErrorCode::INVALID_ARGUMENT, "flags");
    ImportOptions options;
    options.dry_run = (flags & INSCRIRE_IMPORT_DRY_RUN) != 0;
    auto report = std::make_unique<inscrire_import_report>();
    try {
      report->report = db->service.import_roster(school, path, options);
    } catch (const ImportRefused& refused) {
      // The caller needs every error of the file, not only the first: hand the report back.
      report->report = refused.report();
      give(out, std::move(report));
      throw;
    }
    give(out, std::move(report));
  });
}

int inscrire_import_report_created(const inscrire_import_report* r) {
  return r == nullptr ? 0 : r->report.created;
}
int inscrire_import_report_updated(const inscrire_import_report* r) {
  return r == nullptr ? 0 : r->report.updated;
}
int inscrire_import_report_disabled(const inscrire_import_report* r) {
  return r == nullptr ? 0 : r->report.disabled;
}
int inscrire_import_report_reenabled(const inscrire_import_report* r) {
  return r == nullptr ? 0 : r->report.reenabled;
}
int inscrire_import_report_linked(const inscrire_import_report* r) {
  return r == nullptr ? 0 : r->report.linked;
}
int inscrire_import_report_skipped(const inscrire_import_report* r, int reason) {
  if (reason < 0 || static_cast<std::size_t>(reason) >= kSkipReasonCount) return -1;
  return r == nullptr ? 0 : r->report.skipped[static_cast<std::size_t>(reason)];
}
int inscrire_import_report_dry_run(const inscrire_import_report* r) {
  return r != nullptr && r->report.dry_run ? 1 : 0;
}

size_t inscrire_import_report_error_count(const inscrire_import_report* r) {
  return r == nullptr ? 0 : r->report.errors.size();
}
int inscrire_import_report_error_code(const inscrire_import_report* r, size_t index) {
  const auto* error = error_at(r, index);
  return error == nullptr ? INSCRIRE_OK : to_c(error->code);
}
int inscrire_import_report_error_line(const inscrire_import_report* r, size_t index) {
  const auto* error = error_at(r, index);
  return error == nullptr ? 0 : error->line;
}
const char* inscrire_import_report_error_ine(const inscrire_import_report* r, size_t index) {
  return error_text(r, index, &RosterError::ine);
}
const char* inscrire_import_report_error_pupil_id(const inscrire_import_report* r, size_t index) {
  return error_text(r, index, &RosterError::pupil_id);
}
const char* inscrire_import_report_error_field(const inscrire_import_report* r, size_t index) {
  return error_text(r, index, &RosterError::field);
}
const char* inscrire_import_report_error_detail(const inscrire_import_report* r, size_t index) {
  return error_text(r, index, &RosterError::detail);
}
void inscrire_import_report_free(inscrire_import_report* report) { delete report; }

int inscrire_learners(inscrire_db* db, const char* uai, const char* division, int include_disabled,
                      inscrire_learner_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto learners = db->service.learners(text(uai, "uai"), optional_text(division, "division"),
                                         include_disabled != 0);
    give(out, learner_list(std::move(learners)));
  });
}

size_t inscrire_learner_list_count(const inscrire_learner_list* list) {
  return list == nullptr ? 0 : list->learners.size();
}
const inscrire_learner* inscrire_learner_list_get(const inscrire_learner_list* list, size_t index) {
  if (list == nullptr || index >= list->learners.size()) return nullptr;
  return &list->learners[index];
}
void inscrire_learner_list_free(inscrire_learner_list* list) { delete list; }

const char* inscrire_learner_ine(const inscrire_learner* l) {
  return learner_text(l, &LearnerView::ine);
}
const char* inscrire_learner_first_name(const inscrire_learner* l) {
  return learner_text(l, &LearnerView::first_name);
}
const char* inscrire_learner_second_name(const inscrire_learner* l) {
  return learner_text(l, &LearnerView::second_name);
}
const char* inscrire_learner_third_name(const inscrire_learner* l) {
  return learner_text(l, &LearnerView::third_name);
}
const char* inscrire_learner_last_name(const inscrire_learner* l) {
  return learner_text(l, &LearnerView::last_name);
}
const char* inscrire_learner_usage_name(const inscrire_learner* l) {
  return learner_text(l, &LearnerView::usage_name);
}
const char* inscrire_learner_birthdate(const inscrire_learner* l) {
  return l == nullptr ? nullptr : l->birthdate.c_str();
}
const char* inscrire_learner_division(const inscrire_learner* l) {
  return learner_text(l, &LearnerView::division);
}
int inscrire_learner_disabled(const inscrire_learner* l) {
  return l != nullptr && l->view.disabled ? 1 : 0;
}
const char* inscrire_learner_username(const inscrire_learner* l) {
  return l == nullptr || !l->view.username ? nullptr : l->view.username->c_str();
}

}  // extern "C"
