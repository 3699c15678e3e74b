// The audit log a school reads (docs/rules.md §9): its rows, newest first, and the purge.
#include "internal.hpp"
#include "records.hpp"

using namespace inscrire;
using namespace inscrire::capi;

extern "C" {

int inscrire_audit_log(inscrire_db* db, const char* uai, const inscrire_actor* actor, int64_t since,
                       const char* action, int limit, int offset, inscrire_audit_row_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    const auto school = text(uai, "uai");
    AuditQuery query;
    if (since != 0) query.since = since;
    query.action = optional_text(action, "action");
    if (limit != 0) query.limit = limit;
    query.offset = offset;
    auto list = std::make_unique<inscrire_audit_row_list>();
    list->rows = db->service.audit_log(school, query, ActorArg::of(actor).get());
    give(out, std::move(list));
  });
}

size_t inscrire_audit_row_list_count(const inscrire_audit_row_list* list) {
  return list == nullptr ? 0 : list->rows.size();
}
#define AUDIT_ROW_FIELD(type, name, presence) \
  INSCRIRE_C_ITEM(inscrire_audit_row_list, audit_row_list, rows, type, name, presence)
INSCRIRE_AUDIT_ROW_FIELDS(AUDIT_ROW_FIELD, INSCRIRE_C_NONE)
void inscrire_audit_row_list_free(inscrire_audit_row_list* list) { delete list; }

int inscrire_purge_audit(inscrire_db* db, int older_than_days, const inscrire_actor* actor,
                         int* purged) {
  return guard(db, [&] {
    if (purged != nullptr) *purged = 0;
    const int count =
        require(db, "db")->service.purge_audit(older_than_days, ActorArg::of(actor).get());
    if (purged != nullptr) *purged = count;
  });
}

}  // extern "C"
