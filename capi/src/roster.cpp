// Roster import and its report, and the learners (roster rows) listed from it.
#include "internal.hpp"
#include "records.hpp"

using namespace inscrire;
using namespace inscrire::capi;

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
  return inscrire_import_roster_as(db, uai, path, flags, nullptr, out);
}

int inscrire_import_roster_as(inscrire_db* db, const char* uai, const char* path, unsigned flags,
                              const inscrire_actor* actor, inscrire_import_report** out) {
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
      report->report = db->service.import_roster(school, path, options, ActorArg::of(actor).get());
    } catch (const ImportRefused& refused) {
      // The caller needs every error of the file, not only the first: hand the report back.
      report->report = refused.report();
      give(out, std::move(report));
      throw;
    }
    give(out, std::move(report));
  });
}

#define IMPORT_REPORT_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_import_report, import_report, report, type, name, presence)
INSCRIRE_IMPORT_REPORT_FIELDS(IMPORT_REPORT_FIELD, INSCRIRE_C_NONE)
int inscrire_import_report_skipped(const inscrire_import_report* r, int reason) {
  if (reason < 0 || static_cast<std::size_t>(reason) >= kSkipReasonCount) return -1;
  return r == nullptr ? 0 : r->report.skipped[static_cast<std::size_t>(reason)];
}
size_t inscrire_import_report_error_count(const inscrire_import_report* r) {
  return r == nullptr ? 0 : r->report.errors.size();
}
#define ROSTER_ERROR_FIELD(type, name, presence) \
  INSCRIRE_C_ITEM(inscrire_import_report, import_report_error, report.errors, type, name, presence)
INSCRIRE_ROSTER_ERROR_FIELDS(ROSTER_ERROR_FIELD, INSCRIRE_C_NONE)
void inscrire_import_report_free(inscrire_import_report* report) { delete report; }

int inscrire_learners(inscrire_db* db, const char* uai, const char* division, int include_disabled,
                      inscrire_learner_list** out) {
  return inscrire_learners_as(db, uai, division, include_disabled, nullptr, out);
}

int inscrire_learners_as(inscrire_db* db, const char* uai, const char* division,
                         int include_disabled, const inscrire_actor* actor,
                         inscrire_learner_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto learners = db->service.learners(text(uai, "uai"), optional_text(division, "division"),
                                         include_disabled != 0, ActorArg::of(actor).get());
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

#define LEARNER_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_learner, learner, view, type, name, presence)
INSCRIRE_LEARNER_VIEW_FIELDS(LEARNER_FIELD, INSCRIRE_C_NONE)
// The birth date in ISO form, formatted once when the handle was made.
const char* inscrire_learner_birthdate(const inscrire_learner* l) {
  return l == nullptr ? nullptr : l->birthdate.c_str();
}

}  // extern "C"
