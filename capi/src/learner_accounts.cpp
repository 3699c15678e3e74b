// The admin views of learners and accounts (docs/rules.md §7): the paged list with account
// states, one learner, one account, and dissociation.
#include "internal.hpp"
#include "records.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

// A state name of the C API, or INVALID_ARGUMENT naming the value.
std::optional<LearnerState> state_filter(const char* state) {
  const auto name = optional_text(state, "state");
  if (!name) return std::nullopt;
  const auto parsed = learner_state_from_name(*name);
  if (!parsed) throw Error(ErrorCode::INVALID_ARGUMENT, "state " + *name);
  return parsed;
}

// The body of inscrire_dissociate and inscrire_dissociate_as.
void dissociate(inscrire_db* db, const char* uai, const char* ine, const ActorArg& actor) {
  require(db, "db")->service.dissociate(text(uai, "uai"), text(ine, "ine"), actor.get());
}

}  // namespace

extern "C" {

int inscrire_learners_v2(inscrire_db* db, const char* uai, const char* division, const char* state,
                         int limit, int offset, inscrire_learner_account_list** out) {
  return inscrire_learners_v2_as(db, uai, division, state, limit, offset, nullptr, out);
}

int inscrire_learners_v2_as(inscrire_db* db, const char* uai, const char* division,
                            const char* state, int limit, int offset, const inscrire_actor* actor,
                            inscrire_learner_account_list** out) {
  return inscrire_learners_v3_as(db, uai, division, state, nullptr, limit, offset, actor, out);
}

int inscrire_learners_v3(inscrire_db* db, const char* uai, const char* division, const char* state,
                         const char* search, int limit, int offset,
                         inscrire_learner_account_list** out) {
  return inscrire_learners_v3_as(db, uai, division, state, search, limit, offset, nullptr, out);
}

int inscrire_learners_v3_as(inscrire_db* db, const char* uai, const char* division,
                            const char* state, const char* search, int limit, int offset,
                            const inscrire_actor* actor, inscrire_learner_account_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    LearnerQuery query;
    query.division = optional_text(division, "division");
    query.state = state_filter(state);
    query.search = optional_text(search, "search");
    if (limit != 0) query.limit = limit;
    query.offset = offset;
    auto rows = db->service.learners(text(uai, "uai"), query, ActorArg::of(actor).get());
    auto list = std::make_unique<inscrire_learner_account_list>();
    list->rows.reserve(rows.size());
    for (auto& row : rows) list->rows.emplace_back(std::move(row));
    give(out, std::move(list));
  });
}

size_t inscrire_learner_account_list_count(const inscrire_learner_account_list* list) {
  return list == nullptr ? 0 : list->rows.size();
}
const inscrire_learner_account* inscrire_learner_account_list_get(
    const inscrire_learner_account_list* list, size_t index) {
  if (list == nullptr || index >= list->rows.size()) return nullptr;
  return &list->rows[index];
}
void inscrire_learner_account_list_free(inscrire_learner_account_list* list) { delete list; }

int inscrire_find_learner(inscrire_db* db, const char* uai, const char* ine,
                          inscrire_learner_account** out) {
  return inscrire_find_learner_as(db, uai, ine, nullptr, out);
}

int inscrire_find_learner_as(inscrire_db* db, const char* uai, const char* ine,
                             const inscrire_actor* actor, inscrire_learner_account** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    give(out, std::make_unique<inscrire_learner_account>(db->service.learner(
                  text(uai, "uai"), text(ine, "ine"), ActorArg::of(actor).get())));
  });
}

const inscrire_learner* inscrire_learner_account_learner(const inscrire_learner_account* row) {
  return row == nullptr ? nullptr : &row->learner;
}
const char* inscrire_learner_account_state(const inscrire_learner_account* row) {
  return row == nullptr ? nullptr : learner_state_name(row->state).data();
}
const inscrire_account_view* inscrire_learner_account_account(const inscrire_learner_account* row) {
  return row == nullptr || !row->account ? nullptr : &*row->account;
}
void inscrire_learner_account_free(inscrire_learner_account* row) { delete row; }

#define ACCOUNT_VIEW_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_account_view, account_view, view, type, name, presence)
INSCRIRE_ACCOUNT_VIEW_FIELDS(ACCOUNT_VIEW_FIELD, INSCRIRE_C_NONE)

int inscrire_account(inscrire_db* db, const char* username, inscrire_account_details** out) {
  return inscrire_account_as(db, username, nullptr, out);
}

int inscrire_account_as(inscrire_db* db, const char* username, const inscrire_actor* actor,
                        inscrire_account_details** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto found = db->service.account(text(username, "username"), ActorArg::of(actor).get());
    auto details = std::make_unique<inscrire_account_details>();
    details->account.view = std::move(found.account);
    details->learners.reserve(found.learners.size());
    for (auto& link : found.learners) {
      details->learners.push_back(
          {std::move(link.uai), std::move(link.school), inscrire_learner(std::move(link.learner))});
    }
    give(out, std::move(details));
  });
}

const inscrire_account_view* inscrire_account_details_account(const inscrire_account_details* d) {
  return d == nullptr ? nullptr : &d->account;
}
size_t inscrire_account_details_learner_count(const inscrire_account_details* d) {
  return d == nullptr ? 0 : d->learners.size();
}
#define ACCOUNT_LINK_FIELD(type, name, presence) \
  INSCRIRE_C_ITEM(inscrire_account_details, account_details_learner, learners, type, name, presence)
INSCRIRE_ACCOUNT_LINK_FIELDS(ACCOUNT_LINK_FIELD, INSCRIRE_C_NONE)
const inscrire_learner* inscrire_account_details_learner(const inscrire_account_details* d,
                                                         size_t index) {
  return d == nullptr || index >= d->learners.size() ? nullptr : &d->learners[index].learner;
}
void inscrire_account_details_free(inscrire_account_details* d) { delete d; }

int inscrire_dissociate(inscrire_db* db, const char* uai, const char* ine, const char* actor) {
  return guard(db, [&] { dissociate(db, uai, ine, ActorArg::named(actor)); });
}

int inscrire_dissociate_as(inscrire_db* db, const char* uai, const char* ine,
                           const inscrire_actor* actor) {
  return guard(db, [&] { dissociate(db, uai, ine, ActorArg::of(actor)); });
}

}  // extern "C"
