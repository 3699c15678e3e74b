// Sessions and the pupil's participations: authenticate, logout, participations and the
// STARTED -> TO_SHARE -> SHARED steps.
#include "internal.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

const SessionLearner* session_learner(const inscrire_session* s, size_t index) noexcept {
  if (s == nullptr || index >= s->session.learners.size()) return nullptr;
  return &s->session.learners[index];
}

const char* session_learner_text(const inscrire_session* s, size_t index,
                                 std::string SessionLearner::*field) noexcept {
  const auto* learner = session_learner(s, index);
  return learner == nullptr ? nullptr : (learner->*field).c_str();
}

const char* participation_text(const inscrire_participation* p,
                               std::string ParticipationView::*field) noexcept {
  return p == nullptr ? nullptr : (p->view.*field).c_str();
}

std::int64_t participation_time(const inscrire_participation* p,
                                std::optional<std::int64_t> ParticipationView::*field) noexcept {
  return p == nullptr ? 0 : (p->view.*field).value_or(0);
}

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

const char* inscrire_session_username(const inscrire_session* s) {
  return s == nullptr ? nullptr : s->session.username.c_str();
}
int64_t inscrire_session_expires_at(const inscrire_session* s) {
  return s == nullptr ? 0 : s->session.expires_at;
}
size_t inscrire_session_learner_count(const inscrire_session* s) {
  return s == nullptr ? 0 : s->session.learners.size();
}
const char* inscrire_session_learner_uai(const inscrire_session* s, size_t index) {
  return session_learner_text(s, index, &SessionLearner::uai);
}
const char* inscrire_session_learner_school(const inscrire_session* s, size_t index) {
  return session_learner_text(s, index, &SessionLearner::school);
}
const char* inscrire_session_learner_division(const inscrire_session* s, size_t index) {
  return session_learner_text(s, index, &SessionLearner::division);
}
const char* inscrire_session_learner_first_name(const inscrire_session* s, size_t index) {
  return session_learner_text(s, index, &SessionLearner::first_name);
}
const char* inscrire_session_learner_last_name(const inscrire_session* s, size_t index) {
  return session_learner_text(s, index, &SessionLearner::last_name);
}
int inscrire_session_learner_disabled(const inscrire_session* s, size_t index) {
  const auto* learner = session_learner(s, index);
  return learner != nullptr && learner->disabled ? 1 : 0;
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

const char* inscrire_participation_code(const inscrire_participation* p) {
  return participation_text(p, &ParticipationView::code);
}
const char* inscrire_participation_campaign(const inscrire_participation* p) {
  return participation_text(p, &ParticipationView::campaign);
}
const char* inscrire_participation_uai(const inscrire_participation* p) {
  return participation_text(p, &ParticipationView::uai);
}
const char* inscrire_participation_school(const inscrire_participation* p) {
  return participation_text(p, &ParticipationView::school);
}
const char* inscrire_participation_status(const inscrire_participation* p) {
  return participation_text(p, &ParticipationView::status);
}
int64_t inscrire_participation_started_at(const inscrire_participation* p) {
  return p == nullptr ? 0 : p->view.started_at;
}
int64_t inscrire_participation_completed_at(const inscrire_participation* p) {
  return participation_time(p, &ParticipationView::completed_at);
}
int64_t inscrire_participation_shared_at(const inscrire_participation* p) {
  return participation_time(p, &ParticipationView::shared_at);
}
void inscrire_participation_free(inscrire_participation* p) { delete p; }

}  // extern "C"
