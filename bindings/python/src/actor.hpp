// The actor of an admin operation as the Python package hands it over: plain values, built here
// into the C++ Actor (include/inscrire/staff.hpp). inscrire.Actor, a legacy str and None all
// arrive in this one shape (bindings/python/inscrire/__init__.py, _actor_values):
//   None                                  the default actor, Actor{}
//   (kind, name or session token, issuer, subject, display name, [(uai, role)], client key)
// with kind "unspecified" (a legacy str: the audit name of an unspecified actor), "operator",
// "staff" or "asserted".
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "inscrire/error.hpp"
#include "inscrire/staff.hpp"

namespace inscrire::python {

using ActorValues = std::tuple<std::string, std::string, std::string, std::string, std::string,
                               std::vector<std::pair<std::string, std::string>>, std::string>;
using OptionalActor = std::optional<ActorValues>;

// A role by its name as the core reads it (staff_role_from_name: case and surrounding spaces
// ignored); INVALID_ARGUMENT for anything else, as the other surfaces answer.
inline StaffRole staff_role(const std::string& name) {
  const auto role = staff_role_from_name(name);
  if (!role) throw Error(ErrorCode::INVALID_ARGUMENT, "(role: ADMIN or MEMBER)");
  return *role;
}

inline Actor to_actor(const OptionalActor& values) {
  if (!values) return {};
  const auto& [kind, name, issuer, subject, display_name, memberships, client_key] = *values;
  Actor actor;
  if (kind == "unspecified") {
    actor = Actor::named(name);
  } else if (kind == "operator") {
    actor = Actor::as_operator(name);
  } else if (kind == "staff") {
    actor = Actor::staff(name);
  } else if (kind == "asserted") {
    std::vector<Membership> vouched;
    vouched.reserve(memberships.size());
    for (const auto& [uai, role] : memberships) vouched.push_back({uai, staff_role(role)});
    actor = Actor::asserted(issuer, subject, display_name, std::move(vouched));
  } else {
    // Only the package builds these values: another kind is its bug (ValueError).
    throw std::invalid_argument("unknown actor kind '" + kind + "'");
  }
  return client_key.empty() ? actor : actor.with_client_key(client_key);
}

}  // namespace inscrire::python
