// School staff (docs/rules.md §9): the actor of admin calls.
#include <algorithm>

#include "inscrire/text.hpp"
#include "internal.hpp"

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

}  // extern "C"
