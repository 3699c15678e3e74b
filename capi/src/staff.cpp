// School staff (docs/rules.md §9): the actor of admin calls, invitations, staff login and
// sessions, the team, staff passwords and the second factor.
#include <algorithm>

#include "inscrire/text.hpp"
#include "internal.hpp"
#include "records.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace inscrire::capi {

Actor ActorArg::get() const {
  if (named_) return Actor(text_or(name_, "actor", "admin"));
  return actor_ == nullptr ? Actor() : actor_->actor;
}

}  // namespace inscrire::capi

namespace {

// A role of the C API: "ADMIN" or "MEMBER", case ignored; INVALID_ARGUMENT otherwise.
StaffRole role_argument(const char* role) {
  const auto name = text(role, "role");
  const auto parsed = staff_role_from_name(name);
  if (!parsed) throw Error(ErrorCode::INVALID_ARGUMENT, "role must be ADMIN or MEMBER");
  return *parsed;
}

// Hands a new actor to the caller.
void give_actor(inscrire_actor** out, Actor actor) {
  give(out, std::make_unique<inscrire_actor>(inscrire_actor{std::move(actor)}));
}

}  // namespace

extern "C" {

// --- Actors

int inscrire_actor_operator(const char* name, inscrire_actor** out) {
  return guard(nullptr, [&] {
    out_param(out, "out");
    give_actor(out, Actor::as_operator(std::string(text(name, "name"))));
  });
}

int inscrire_actor_staff(const char* session_token, inscrire_actor** out) {
  return guard(nullptr, [&] {
    out_param(out, "out");
    give_actor(out, Actor::staff(std::string(text(session_token, "session_token"))));
  });
}

int inscrire_actor_asserted(const char* issuer, const char* subject, const char* display_name,
                            inscrire_actor** out) {
  return guard(nullptr, [&] {
    out_param(out, "out");
    give_actor(out, Actor::asserted(std::string(text(issuer, "issuer")),
                                    std::string(text(subject, "subject")),
                                    std::string(text(display_name, "display_name")), {}));
  });
}

int inscrire_actor_add_membership(inscrire_actor* actor, const char* uai, const char* role) {
  return guard(nullptr, [&] {
    require(actor, "actor");
    const auto school = text(uai, "uai");
    const auto chosen = role_argument(role);
    const auto& current = actor->actor;
    if (current.kind() != Actor::Kind::Asserted) {
      throw Error(ErrorCode::INVALID_ARGUMENT, "only an asserted actor takes memberships");
    }
    // Actor is a value: the same identity again, with the memberships it had and this one.
    auto memberships = current.memberships();
    const auto key = upper_ascii(trim(school));
    const auto same =
        std::find_if(memberships.begin(), memberships.end(),
                     [&](const Membership& m) { return upper_ascii(trim(m.uai)) == key; });
    if (same != memberships.end()) {
      same->role = chosen;
    } else {
      memberships.push_back({std::string(school), chosen});
    }
    actor->actor = Actor::asserted(current.issuer(), current.subject(), current.display_name(),
                                   std::move(memberships))
                       .with_client_key(current.client_key());
  });
}

int inscrire_actor_set_client_key(inscrire_actor* actor, const char* client_key) {
  return guard(nullptr, [&] {
    require(actor, "actor");
    actor->actor = actor->actor.with_client_key(std::string(text(client_key, "client_key")));
  });
}

void inscrire_actor_free(inscrire_actor* actor) { delete actor; }

// --- Invitations

int inscrire_invite_staff(inscrire_db* db, const char* uai, const char* role, int valid_days,
                          const inscrire_actor* actor, inscrire_staff_invitation** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto invitation = std::make_unique<inscrire_staff_invitation>();
    invitation->invitation = db->service.invite_staff(text(uai, "uai"), role_argument(role),
                                                      ActorArg::of(actor).get(), valid_days);
    give(out, std::move(invitation));
  });
}

#define STAFF_INVITATION_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_staff_invitation, staff_invitation, invitation, type, name, presence)
INSCRIRE_STAFF_INVITATION_FIELDS(STAFF_INVITATION_FIELD, INSCRIRE_C_NONE)
void inscrire_staff_invitation_free(inscrire_staff_invitation* invitation) { delete invitation; }

int inscrire_accept_staff_invitation(inscrire_db* db, const char* code, const char* username,
                                     const char* display_name, const char* password,
                                     const char* client_key, inscrire_staff_login_result** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto result = std::make_unique<inscrire_staff_login_result>();
    result->login = db->service.accept_staff_invitation(
        text(code, "code"), text(username, "username"), text(display_name, "display_name"),
        text(password, "password"), text_or(client_key, "client_key", {}));
    give(out, std::move(result));
  });
}

int inscrire_accept_staff_invitation_as(inscrire_db* db, const char* code,
                                        const inscrire_actor* staff_actor, const char* client_key,
                                        inscrire_staff_session** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    const auto typed = text(code, "code");
    require(staff_actor, "staff_actor");
    auto session = std::make_unique<inscrire_staff_session>();
    session->session = db->service.accept_staff_invitation(typed, staff_actor->actor,
                                                           text_or(client_key, "client_key", {}));
    give(out, std::move(session));
  });
}

// --- Login and sessions

int inscrire_staff_login(inscrire_db* db, const char* username, const char* password,
                         const char* client_key, const char* totp,
                         inscrire_staff_login_result** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto result = std::make_unique<inscrire_staff_login_result>();
    result->login =
        db->service.staff_login(text(username, "username"), text(password, "password"),
                                text_or(client_key, "client_key", {}), text_or(totp, "totp", {}));
    give(out, std::move(result));
  });
}

// The tokens read NULL when empty, as inscrire_login_result's do.
#define STAFF_LOGIN_FIELD(type, name, presence)                                                \
  INSCRIRE_C_FIELD_OR_NONE(inscrire_staff_login_result, staff_login_result, login, type, name, \
                           presence)
INSCRIRE_STAFF_LOGIN_FIELDS(STAFF_LOGIN_FIELD, INSCRIRE_C_NONE)
void inscrire_staff_login_result_free(inscrire_staff_login_result* result) { delete result; }

int inscrire_staff_authenticate(inscrire_db* db, const char* session_token,
                                inscrire_staff_session** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto session = std::make_unique<inscrire_staff_session>();
    session->session = db->service.staff_authenticate(text(session_token, "session_token"));
    give(out, std::move(session));
  });
}

#define STAFF_SESSION_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_staff_session, staff_session, session, type, name, presence)
INSCRIRE_STAFF_SESSION_FIELDS(STAFF_SESSION_FIELD, INSCRIRE_C_NONE)
#define MEMBERSHIP_FIELD(type, name, presence)                                                 \
  INSCRIRE_C_ITEM(inscrire_staff_session, staff_session_membership, session.memberships, type, \
                  name, presence)
INSCRIRE_MEMBERSHIP_FIELDS(MEMBERSHIP_FIELD, INSCRIRE_C_NONE)
size_t inscrire_staff_session_membership_count(const inscrire_staff_session* session) {
  return session == nullptr ? 0 : session->session.memberships.size();
}
void inscrire_staff_session_free(inscrire_staff_session* session) { delete session; }

int inscrire_staff_logout(inscrire_db* db, const char* session_token) {
  return guard(
      db, [&] { require(db, "db")->service.staff_logout(text(session_token, "session_token")); });
}

// --- The team

int inscrire_members(inscrire_db* db, const char* uai, const inscrire_actor* actor,
                     inscrire_staff_member_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto list = std::make_unique<inscrire_staff_member_list>();
    list->members = db->service.members(text(uai, "uai"), ActorArg::of(actor).get());
    give(out, std::move(list));
  });
}

size_t inscrire_staff_member_list_count(const inscrire_staff_member_list* list) {
  return list == nullptr ? 0 : list->members.size();
}
#define STAFF_MEMBER_FIELD(type, name, presence) \
  INSCRIRE_C_ITEM(inscrire_staff_member_list, staff_member_list, members, type, name, presence)
INSCRIRE_STAFF_MEMBER_FIELDS(STAFF_MEMBER_FIELD, INSCRIRE_C_NONE)
void inscrire_staff_member_list_free(inscrire_staff_member_list* list) { delete list; }

int inscrire_invitations(inscrire_db* db, const char* uai, const inscrire_actor* actor,
                         inscrire_pending_invitation_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto list = std::make_unique<inscrire_pending_invitation_list>();
    list->invitations = db->service.invitations(text(uai, "uai"), ActorArg::of(actor).get());
    give(out, std::move(list));
  });
}

size_t inscrire_pending_invitation_list_count(const inscrire_pending_invitation_list* list) {
  return list == nullptr ? 0 : list->invitations.size();
}
#define PENDING_INVITATION_FIELD(type, name, presence)                                          \
  INSCRIRE_C_ITEM(inscrire_pending_invitation_list, pending_invitation_list, invitations, type, \
                  name, presence)
INSCRIRE_PENDING_INVITATION_FIELDS(PENDING_INVITATION_FIELD, INSCRIRE_C_NONE)
void inscrire_pending_invitation_list_free(inscrire_pending_invitation_list* list) { delete list; }

int inscrire_set_member_role(inscrire_db* db, const char* uai, const char* username,
                             const char* role, const inscrire_actor* actor) {
  return guard(db, [&] {
    require(db, "db")->service.set_member_role(text(uai, "uai"), text(username, "username"),
                                               role_argument(role), ActorArg::of(actor).get());
  });
}

int inscrire_remove_member(inscrire_db* db, const char* uai, const char* username,
                           const inscrire_actor* actor) {
  return guard(db, [&] {
    require(db, "db")->service.remove_member(text(uai, "uai"), text(username, "username"),
                                             ActorArg::of(actor).get());
  });
}

int inscrire_revoke_staff_invitation(inscrire_db* db, const char* uai, int64_t id,
                                     const inscrire_actor* actor) {
  return guard(db, [&] {
    require(db, "db")->service.revoke_staff_invitation(text(uai, "uai"), RecordId{id},
                                                       ActorArg::of(actor).get());
  });
}

// --- Staff passwords

int inscrire_reset_staff_password(inscrire_db* db, const char* uai, const char* username,
                                  const inscrire_actor* actor, char** temporary_password) {
  return guard(db, [&] {
    out_param(temporary_password, "temporary_password");
    require(db, "db");
    const auto password = db->service.reset_staff_password(
        text(uai, "uai"), text(username, "username"), ActorArg::of(actor).get());
    *temporary_password = library_string(password);
  });
}

int inscrire_change_staff_password(inscrire_db* db, const char* username, const char* old_password,
                                   const char* new_password) {
  return guard(db, [&] {
    require(db, "db")->service.change_staff_password(text(username, "username"),
                                                     text(old_password, "old_password"),
                                                     text(new_password, "new_password"));
  });
}

int inscrire_change_staff_password_with_token(inscrire_db* db, const char* change_token,
                                              const char* new_password) {
  return guard(db, [&] {
    require(db, "db")->service.change_staff_password_with_token(text(change_token, "change_token"),
                                                                text(new_password, "new_password"));
  });
}

// --- The second factor

int inscrire_begin_second_factor(inscrire_db* db, const char* session_token,
                                 inscrire_second_factor_enrolment** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto enrolment = std::make_unique<inscrire_second_factor_enrolment>();
    enrolment->enrolment = db->service.begin_second_factor(text(session_token, "session_token"));
    give(out, std::move(enrolment));
  });
}

#define ENROLMENT_FIELD(type, name, presence)                                                  \
  INSCRIRE_C_FIELD(inscrire_second_factor_enrolment, second_factor_enrolment, enrolment, type, \
                   name, presence)
INSCRIRE_SECOND_FACTOR_ENROLMENT_FIELDS(ENROLMENT_FIELD, INSCRIRE_C_NONE)
void inscrire_second_factor_enrolment_free(inscrire_second_factor_enrolment* enrolment) {
  delete enrolment;
}

int inscrire_confirm_second_factor(inscrire_db* db, const char* session_token, const char* code,
                                   inscrire_string_list** recovery_codes) {
  return guard(db, [&] {
    out_param(recovery_codes, "recovery_codes");
    require(db, "db");
    auto list = std::make_unique<inscrire_string_list>();
    list->strings =
        db->service.confirm_second_factor(text(session_token, "session_token"), text(code, "code"));
    give(recovery_codes, std::move(list));
  });
}

int inscrire_reset_second_factor(inscrire_db* db, const char* uai, const char* username,
                                 const inscrire_actor* actor) {
  return guard(db, [&] {
    require(db, "db")->service.reset_second_factor(text(uai, "uai"), text(username, "username"),
                                                   ActorArg::of(actor).get());
  });
}

}  // extern "C"
