// Sessions and the pupil's participations: authenticate, logout, participations and the
// STARTED -> TO_SHARE -> SHARED steps.
#include "internal.hpp"
#include "records.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

// Hands a participation to an optional out-param.
void give_participation(inscrire_participation** out, ParticipationView view) {
  if (out != nullptr)
    give(out, std::make_unique<inscrire_participation>(inscrire_participation{std::move(view)}));
}

}  // namespace

extern "C" {

int inscrire_authenticate(inscrire_db* db, const char* session_token, inscrire_session** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto session = std::make_unique<inscrire_session>();
    session->session = db->service.authenticate(text(session_token, "session_token"));
    give(out, std::move(session));
  });
}

#define SESSION_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_session, session, session, type, name, presence)
INSCRIRE_SESSION_FIELDS(SESSION_FIELD, INSCRIRE_C_NONE)
#define SESSION_LEARNER_FIELD(type, name, presence) \
  INSCRIRE_C_ITEM(inscrire_session, session_learner, session.learners, type, name, presence)
INSCRIRE_SESSION_LEARNER_FIELDS(SESSION_LEARNER_FIELD, INSCRIRE_C_NONE)
size_t inscrire_session_learner_count(const inscrire_session* s) {
  return s == nullptr ? 0 : s->session.learners.size();
}
void inscrire_session_free(inscrire_session* s) { delete s; }

int inscrire_logout(inscrire_db* db, const char* session_token) {
  return guard(db,
               [&] { require(db, "db")->service.logout(text(session_token, "session_token")); });
}

int inscrire_participations(inscrire_db* db, const char* session_token,
                            inscrire_participation_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto views = db->service.participations(text(session_token, "session_token"));
    auto list = std::make_unique<inscrire_participation_list>();
    list->participations.reserve(views.size());
    for (auto& view : views) list->participations.push_back({std::move(view)});
    give(out, std::move(list));
  });
}

size_t inscrire_participation_list_count(const inscrire_participation_list* list) {
  return list == nullptr ? 0 : list->participations.size();
}
const inscrire_participation* inscrire_participation_list_get(
    const inscrire_participation_list* list, size_t index) {
  if (list == nullptr || index >= list->participations.size()) return nullptr;
  return &list->participations[index];
}
void inscrire_participation_list_free(inscrire_participation_list* list) { delete list; }

int inscrire_complete_participation(inscrire_db* db, const char* session_token, const char* code,
                                    inscrire_participation** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_participation(out, db->service.complete_participation(text(session_token, "session_token"),
                                                               text(code, "code")));
  });
}

int inscrire_share_participation(inscrire_db* db, const char* session_token, const char* code,
                                 inscrire_participation** out) {
  return guard(db, [&] {
    if (out != nullptr) *out = nullptr;
    require(db, "db");
    give_participation(out, db->service.share_participation(text(session_token, "session_token"),
                                                            text(code, "code")));
  });
}

#define PARTICIPATION_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_participation, participation, view, type, name, presence)
INSCRIRE_PARTICIPATION_VIEW_FIELDS(PARTICIPATION_FIELD, INSCRIRE_C_NONE)
void inscrire_participation_free(inscrire_participation* p) { delete p; }

}  // extern "C"
