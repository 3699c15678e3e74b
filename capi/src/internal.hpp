// What every shim shares: the definitions of the opaque C types, the one exception guard, and
// the argument checks. Nothing here is exported; only the functions of inscrire.h leave the
// library.
#pragma once

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inscrire.h"
#include "inscrire/error.hpp"
#include "inscrire/service.hpp"

// --- The opaque types of inscrire.h ------------------------------------------------------

struct inscrire_options {
  inscrire::ServiceOptions service;
  std::optional<inscrire::Language> language;  // nullopt: the process-wide language
};

struct inscrire_db {
  inscrire::Service service;
  std::optional<inscrire::Language> language;
};

struct inscrire_organization_list {
  std::vector<inscrire::Organization> organizations;
};

struct inscrire_import_report {
  inscrire::ImportReport report;
};

// A roster row with its birth date already formatted, so the accessor can lend a pointer.
struct inscrire_learner {
  explicit inscrire_learner(inscrire::LearnerView learner)
      : view(std::move(learner)), birthdate(view.birthdate.iso()) {}
  // A pupil-facing result's learner (docs/rules.md §8): first name, last name and division; the
  // INE and birth date read "", the username NULL.
  explicit inscrire_learner(const inscrire::PupilLearner& learner) {
    view.first_name = learner.first_name;
    view.last_name = learner.last_name;
    view.division = learner.division;
  }
  inscrire::LearnerView view;
  std::string birthdate;
};

struct inscrire_learner_list {
  std::vector<inscrire_learner> learners;
};

struct inscrire_campaign {
  explicit inscrire_campaign(inscrire::Campaign value) : campaign(std::move(value)) {}
  inscrire::Campaign campaign;
};

struct inscrire_campaign_list {
  std::vector<inscrire_campaign> campaigns;
};

struct inscrire_match_report {
  inscrire::MatchReport report;
  std::optional<inscrire_learner> learner;
};

struct inscrire_registration {
  explicit inscrire_registration(inscrire::Registration value)
      : username(std::move(value.username)),
        learner(value.learner),
        campaign(std::move(value.campaign)),
        participation_status(std::move(value.participation_status)),
        matched_by(value.matched_by),
        other_division(value.other_division) {}
  std::string username;
  inscrire_learner learner;
  inscrire_campaign campaign;
  std::string participation_status;
  std::optional<inscrire::MatchStage> matched_by;
  bool other_division = false;
};

struct inscrire_login_result {
  inscrire::LoginResult result;
};

struct inscrire_credentials {
  inscrire::Credentials credentials;
  std::string csv;
};

// A pupil's participation (participations, complete_participation, share_participation).
struct inscrire_participation {
  inscrire::ParticipationView view;
};

struct inscrire_participation_list {
  std::vector<inscrire_participation> participations;
};

struct inscrire_session {
  inscrire::Session session;
};

struct inscrire_participant_list {
  std::vector<inscrire::Participant> participants;
  std::string csv;
};

struct inscrire_account_view {
  inscrire::AccountView view;
};

// A roster row with its account state; the C views are built once so accessors can lend them.
struct inscrire_learner_account {
  explicit inscrire_learner_account(inscrire::LearnerAccountView row)
      : learner(std::move(row.learner)), state(row.state) {
    if (row.account) account = inscrire_account_view{std::move(*row.account)};
  }
  inscrire_learner learner;
  inscrire::LearnerState state;
  std::optional<inscrire_account_view> account;
};

struct inscrire_learner_account_list {
  std::vector<inscrire_learner_account> rows;
};

struct inscrire_account_details {
  struct Link {
    std::string uai;
    std::string school;
    inscrire_learner learner;
  };
  inscrire_account_view account;
  std::vector<Link> learners;
};

// Who acts in an admin call (staff.cpp makes them).
struct inscrire_actor {
  inscrire::Actor actor;
};

struct inscrire_staff_invitation {
  inscrire::StaffInvitation invitation;
};

struct inscrire_staff_login_result {
  inscrire::StaffLogin login;
};

struct inscrire_staff_session {
  inscrire::StaffSession session;
};

struct inscrire_staff_member_list {
  std::vector<inscrire::StaffMember> members;
};

struct inscrire_pending_invitation_list {
  std::vector<inscrire::PendingInvitation> invitations;
};

struct inscrire_second_factor_enrolment {
  inscrire::SecondFactorEnrolment enrolment;
};

struct inscrire_audit_row_list {
  std::vector<inscrire::AuditRow> rows;
};

struct inscrire_string_list {
  std::vector<std::string> strings;
};

namespace inscrire::capi {

// The pinned C number of a code: -(position + 1).
inline int to_c(ErrorCode code) noexcept { return -(static_cast<int>(code) + 1); }

// The language of messages for a call on `db` (which may be NULL).
Language language_for(const inscrire_db* db) noexcept;
// The language of messages for a call made with `options` (which may be NULL).
Language language_for(const inscrire_options* options) noexcept;

// Records the outcome of a call in the calling thread's error state and returns its number.
int record_success() noexcept;
int record_error(const Error& error, Language language) noexcept;
int record_failure(ErrorCode code, const char* detail, Language language) noexcept;

// The one exception guard: every fallible entry point is `return guard(db, [&] { ... });`
// (guard_in when the language comes from elsewhere than a handle).
// Nothing thrown by the core, the standard library or a dependency gets past it.
template <class Body>
int guard_in(Language language, Body&& body) noexcept {
  try {
    body();
    return record_success();
  } catch (const Error& error) {
    return record_error(error, language);
  } catch (const std::bad_alloc&) {
    return record_failure(ErrorCode::INTERNAL_ERROR, "out of memory", language);
  } catch (const std::exception& error) {
    return record_failure(ErrorCode::INTERNAL_ERROR, error.what(), language);
  } catch (...) {
    return record_failure(ErrorCode::INTERNAL_ERROR, "unknown exception", language);
  }
}

// The guard for calls on a handle (or none, db = NULL), in the handle's language.
template <class Body>
int guard(const inscrire_db* db, Body&& body) noexcept {
  return guard_in(language_for(db), std::forward<Body>(body));
}

// A required pointer argument; throws INVALID_ARGUMENT naming it when NULL.
template <class T>
T* require(T* pointer, const char* name) {
  if (pointer == nullptr) throw Error(ErrorCode::INVALID_ARGUMENT, std::string(name) + " is NULL");
  return pointer;
}

// A required out-param, reset to NULL first so that a failed call never leaves garbage.
template <class T>
T** out_param(T** out, const char* name) {
  require(out, name);
  *out = nullptr;
  return out;
}

// A required UTF-8 string argument.
std::string_view text(const char* value, const char* name);
// An optional UTF-8 string argument: NULL gives `fallback`.
std::string_view text_or(const char* value, const char* name, std::string_view fallback);
// An optional UTF-8 string argument: NULL gives nullopt.
std::optional<std::string> optional_text(const char* value, const char* name);

// The actor argument of an admin shim, read where the call needs it (after the out-params are
// reset and the arguments before it checked): the inscrire_actor of an `_as` call, NULL meaning
// the default actor (the operator "admin", FORBIDDEN under require_staff); or the free name the
// first versions took (NULL: "admin"), which names that default actor in the audit log.
class ActorArg {
 public:
  static ActorArg of(const inscrire_actor* actor) noexcept {
    ActorArg arg;
    arg.actor_ = actor;
    return arg;
  }
  static ActorArg named(const char* name) noexcept {
    ActorArg arg;
    arg.name_ = name;
    arg.named_ = true;
    return arg;
  }
  // INVALID_UTF8 for a name that is not UTF-8.
  Actor get() const;

 private:
  ActorArg() = default;
  const inscrire_actor* actor_ = nullptr;
  const char* name_ = nullptr;
  bool named_ = false;
};

// A copy of `value` the caller frees with inscrire_string_free.
char* library_string(std::string_view value);

// Hands a finished object to the caller.
template <class T>
void give(T** out, std::unique_ptr<T> object) {
  *out = object.release();
}

// The C list of learners (roster.cpp).
std::unique_ptr<inscrire_learner_list> learner_list(std::vector<LearnerView> learners);

// Borrowed C string for an index into a vector, NULL when out of range.
template <class V, class F>
const char* at(const V* owner, size_t index, F field) noexcept {
  if (owner == nullptr || index >= owner->size()) return nullptr;
  return field((*owner)[index]).c_str();
}

}  // namespace inscrire::capi
