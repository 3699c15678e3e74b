// The school's view of its learners and their accounts (docs/rules.md §7): the admin learner
// list with account states, one learner, one account, and dissociation.
#include "inscrire/limits.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "service/access.hpp"
#include "service/state.hpp"

namespace inscrire {

using namespace service_detail;

std::string_view learner_state_name(LearnerState state) noexcept {
  switch (state) {
    case LearnerState::NoAccount: return "no_account";
    case LearnerState::Active: return "active";
    case LearnerState::MustChangePassword: return "must_change_password";
    case LearnerState::Blocked: return "blocked";
    case LearnerState::Disabled: return "disabled";
  }
  return "no_account";
}

std::optional<LearnerState> learner_state_from_name(std::string_view name) noexcept {
  for (const auto state :
       {LearnerState::NoAccount, LearnerState::Active, LearnerState::MustChangePassword,
        LearnerState::Blocked, LearnerState::Disabled}) {
    if (learner_state_name(state) == name) return state;
  }
  return std::nullopt;
}

std::string_view block_state_name(BlockState state) noexcept {
  switch (state) {
    case BlockState::None: return "none";
    case BlockState::Temporary: return "temporary";
    case BlockState::Permanent: return "permanent";
  }
  return "none";
}

namespace {

// Blocks are counted per username (login_failures.hpp), not on the account row.
BlockState block_state(const LoginFailures& failures, std::int64_t now) {
  if (failures.blocked) return BlockState::Permanent;
  if (failures.blocked_until > now) return BlockState::Temporary;
  return BlockState::None;
}

AccountView account_view(const User& user, const LoginFailures& failures, int participations,
                         std::int64_t now) {
  const auto blocked = block_state(failures, now);
  return {user.username,
          user.must_change_password,
          blocked,
          blocked == BlockState::Temporary ? failures.blocked_until : 0,
          failures.failed_attempts,
          user.disabled,
          user.last_login_at,
          user.temporary_expires_at,
          participations};
}

// `tx` reads the failures of the row's account.
LearnerAccountView learner_account_view(StoreTransaction& tx, const LearnerAccount& row,
                                        std::int64_t now) {
  const auto failures = row.account ? tx.login_failures(row.account->username) : LoginFailures{};
  LearnerAccountView view{view_of(row.learner), row.state, std::nullopt};
  if (row.account) view.account = account_view(*row.account, failures, row.participations, now);
  return view;
}

// The search text folded as names are matched (docs/rules.md §10): its words' comparison keys,
// the last slot taking the words beyond LearnerSearch::kWords; and the text as an INE and as a
// username, each found exactly.
LearnerSearch learner_search(std::string_view typed) {
  const auto text = checked_label(typed, "search", kMaxSearchCharacters);
  LearnerSearch search;
  search.ine = text;
  canonicalise_ine(search.ine);
  search.username = lower_ascii(text);
  std::size_t slot = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find(' ', start), text.size());
    const auto key = comparison_key(std::string_view(text).substr(start, end - start));
    start = end + 1;
    if (key.empty()) continue;
    search.name += key;
    search.words[slot] += key;
    slot = std::min(slot + 1, LearnerSearch::kWords - 1);
  }
  return search;
}

}  // namespace

std::vector<LearnerAccountView> Service::learners(std::string_view uai, const LearnerQuery& query,
                                                  const Actor& actor) {
  constexpr auto kOperation = Operation::ListLearners;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    permit(access, kOperation, canonical_uai(uai));
    if (query.limit < 1 || query.limit > kMaxLearnerPage) {
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  "limit must be between 1 and " + std::to_string(kMaxLearnerPage));
    }
    if (query.offset < 0 || query.offset > kMaxLearnerOffset) {
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  "offset must be between 0 and " + std::to_string(kMaxLearnerOffset));
    }
    std::optional<std::string> division;
    if (query.division) {
      division = checked_label(*query.division, "division", kMaxDivisionCharacters);
    }
    std::optional<LearnerSearch> search;
    if (query.search && !trim(*query.search).empty()) search = learner_search(*query.search);
    std::vector<LearnerAccountView> views;
    state_->read([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, uai);
      const auto now = state_->now();
      const LearnerPageQuery page{
          division ? &*division : nullptr, query.state, now, query.limit, query.offset, nullptr,
          search ? &*search : nullptr};
      for (const auto& row : tx.learner_accounts(organization.id, page)) {
        views.push_back(learner_account_view(tx, row, now));
      }
    });
    return views;
  });
}

LearnerAccountView Service::learner(std::string_view uai, std::string_view ine,
                                    const Actor& actor) {
  constexpr auto kOperation = Operation::ViewLearner;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    permit(access, kOperation, canonical_uai(uai));
    const auto wanted = canonical_ine(ine);
    LearnerAccountView view;
    state_->read([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, uai);
      const auto now = state_->now();
      LearnerPageQuery one;
      one.now = now;
      one.limit = 1;
      one.ine = &wanted;
      const auto rows = tx.learner_accounts(organization.id, one);
      if (rows.empty()) throw Error(ErrorCode::LEARNER_NOT_FOUND);
      view = learner_account_view(tx, rows.front(), now);
    });
    return view;
  });
}

AccountDetails Service::account(std::string_view username, const Actor& actor) {
  constexpr auto kOperation = Operation::ViewAccount;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    AccountDetails details;
    state_->read([&](StoreTransaction& tx) {
      // Staff see an account through the learners of their schools only: an account of another
      // school, and one that does not exist, are refused alike.
      const auto user = [&] {
        try {
          return require_user(tx, username);
        } catch (const Error& error) {
          if (error.code() != ErrorCode::USER_NOT_FOUND || access.is_operator()) throw;
          throw Forbidden({}, echo(trim(username)));
        }
      }();
      for (const auto& learner : tx.learners_of_user(user.id)) {
        const auto organization = tx.organization_by_id(learner.organization_id);
        if (!access.is_operator() && !access.role_in(organization->uai)) continue;
        details.learners.push_back({organization->uai, organization->name, view_of(learner)});
      }
      if (!access.is_operator()) {
        if (details.learners.empty()) throw Forbidden({}, user.username);
        permit(access, kOperation, details.learners.front().uai);
      }
      details.account = account_view(user, tx.login_failures(user.username),
                                     tx.count_participations_of_user(user.id), state_->now());
    });
    return details;
  });
}

void Service::dissociate(std::string_view uai, std::string_view ine, const Actor& actor) {
  constexpr auto kOperation = Operation::Dissociate;
  administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    const auto wanted = canonical_ine(ine);
    state_->write([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, school);
      const auto learner = tx.learner_by_ine(organization.id, wanted);
      if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
      if (!learner->user_id) throw Error(ErrorCode::LEARNER_NOT_LINKED);
      tx.unlink_learner(learner->id);
      const auto kept = tx.dissociate_participations(learner->id);
      tx.audit(
          audit_entry(access, school, permission(kOperation).name, learner->username.value_or(""),
                      learner_ref(organization, *learner) + " (" + std::to_string(kept) +
                          " participation(s) kept by the account)"),
          state_->now());
    });
  });
}

}  // namespace inscrire
