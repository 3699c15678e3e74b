// The account state of a learner (store.hpp, LearnerState), in SQL, the one place its
// precedence is written: each learner is in the first state that applies of
//   Disabled            the roster row, or its account, is disabled;
//   NoAccount           no account is linked to the row;
//   Blocked             the account's username is blocked, permanently or until after NOW;
//   MustChangePassword  the account holds a temporary password;
//   Active              otherwise.
// Both engines compute it with this expression, for the learner list's filter and for each row
// it returns; the service and every surface read that value. LEARNER names the learners table
// (or its alias), PREFIX what names the other tables ("" or "@"), NOW the parameter holding the
// current time.
#pragma once

#include "inscrire/store.hpp"

#define INSCRIRE_LEARNER_STATE_SQL(LEARNER, PREFIX, NOW)                             \
  "(CASE WHEN " LEARNER ".disabled <> 0 THEN 4 WHEN " LEARNER                        \
  ".user_id IS NULL THEN 0 "                                                         \
  "ELSE (SELECT CASE WHEN u.disabled <> 0 THEN 4 WHEN EXISTS (SELECT 1 FROM " PREFIX \
  "login_failures f WHERE f.username = lower(u.username) AND (f.blocked <> 0 OR "    \
  "f.blocked_until > " NOW                                                           \
  ")) THEN 3 WHEN u.must_change_password <> 0 THEN 2 ELSE 1 END "                    \
  "FROM " PREFIX "users u WHERE u.id = " LEARNER ".user_id) END)"

namespace inscrire::storage {

// The numbers the expression gives.
static_assert(static_cast<int>(LearnerState::NoAccount) == 0);
static_assert(static_cast<int>(LearnerState::Active) == 1);
static_assert(static_cast<int>(LearnerState::MustChangePassword) == 2);
static_assert(static_cast<int>(LearnerState::Blocked) == 3);
static_assert(static_cast<int>(LearnerState::Disabled) == 4);

// The state the expression gave, read from a row.
inline LearnerState learner_state_of(std::int64_t number) noexcept {
  return number >= 0 && number <= 4 ? static_cast<LearnerState>(number) : LearnerState::Disabled;
}

}  // namespace inscrire::storage
