// The pupil's steps 4 and 5 (docs/rules.md §1, §3): matching a typed identity to the roster,
// registration, and an existing account joining another campaign.
#include <span>

#include "inscrire/limits.hpp"
#include "inscrire/reconciliation.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "service/state.hpp"
#include "service/throttle.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

// The status of the learner's participation in the campaign: started now, or the one it has.
std::string participation_status(StoreTransaction& tx, const Campaign& campaign, Id learner_id,
                                 Id user_id, std::int64_t now) {
  if (tx.insert_participation(campaign.id, learner_id, user_id, now)) return "STARTED";
  return tx.participation(campaign.id, learner_id)->status;
}

MatchStatus status_of(MatchOutcome outcome) {
  switch (outcome) {
    case MatchOutcome::Matched: return MatchStatus::Matched;
    case MatchOutcome::NoLearnerForBirthdate: return MatchStatus::NoLearnerForBirthdate;
    case MatchOutcome::Ambiguous: return MatchStatus::Ambiguous;
    case MatchOutcome::NoNameMatch: break;
  }
  return MatchStatus::NoNameMatch;
}

struct TypedIdentity {
  std::string first_key;
  std::string last_key;
  BirthDate birthdate;
};

// Validates what a pupil typed; throws with the field's code.
TypedIdentity read_identity(std::string_view first_name, std::string_view last_name,
                            std::string_view birthdate) {
  validate_name(first_name, "first_name");
  validate_name(last_name, "last_name");
  return {comparison_key(first_name), comparison_key(last_name), BirthDate::parse(birthdate)};
}

// The roster names of a candidate, which the later matching stages split into words: read row
// by row, for the few candidates they ask for, once the keys of the index matched nobody.
RosterNames roster_names(StoreTransaction& tx, std::int64_t learner_id) {
  const auto learner = tx.learner(learner_id);
  if (!learner) return {};
  const auto& e = learner->entry;
  return {e.first_name, e.second_name, e.third_name, e.last_name, e.usage_name};
}

// Finds the pupil among the candidates of the typed birth date in the campaign's school
// (docs/rules.md §3), with the learner found, if any, in `found`.
MatchReport find_learner(StoreTransaction& tx, const Campaign& campaign,
                         std::span<const MatchCandidate> candidates, const TypedIdentity& identity,
                         MatchRules rules, std::optional<Learner>& found) {
  MatchReport report;
  const auto result =
      match_learner(identity.first_key, identity.last_key, candidates, rules,
                    [&tx](std::int64_t learner_id) { return roster_names(tx, learner_id); });
  report.status = status_of(result.outcome);
  if (result.outcome != MatchOutcome::Matched) return report;
  found = tx.learner(result.learner_id);
  report.learner = pupil_view_of(*found);
  report.matched_by = result.stage;
  report.other_division = in_other_division(campaign, *found);
  if (found->username) {
    report.status = MatchStatus::LearnerAlreadyLinked;
    report.masked_username = mask_username(*found->username);
    return report;
  }
  if (const auto elsewhere =
          tx.username_linked_elsewhere(found->entry.ine, campaign.organization_id)) {
    report.status = MatchStatus::LearnerHasAccountElsewhere;
    report.masked_username = mask_username(*elsewhere);
  }
  return report;
}

// The same, reading the candidates afresh (writing transactions).
MatchReport find_learner(StoreTransaction& tx, const Campaign& campaign,
                         const TypedIdentity& identity, MatchRules rules,
                         std::optional<Learner>& found) {
  const auto candidates = tx.match_candidates(campaign.organization_id, identity.birthdate);
  return find_learner(tx, campaign, candidates, identity, rules, found);
}

// The same in a read transaction, the campaign of `code` included: the campaign and the
// candidates come together (one statement and round trip on PostgreSQL, with what the rest of
// the match reads), then the open campaign's checks.
MatchReport find_learner(StoreTransaction& tx, std::string_view code, const TypedIdentity& identity,
                         MatchRules rules, std::optional<Learner>& found, Campaign& campaign) {
  auto read = tx.campaign_candidates(canonical_campaign_code(code), identity.birthdate);
  campaign = open_campaign(std::move(read.campaign));
  return find_learner(tx, campaign, read.candidates, identity, rules, found);
}

// Runs `work`, counting the match refusal it may throw (Service::stats()).
template <typename Work>
auto counting_refusals(Counters& counters, Work&& work) {
  try {
    return work();
  } catch (const MatchRefused& refused) {
    count_match_refusal(counters, refused.code());
    throw;
  }
}

void throw_if_refused(const MatchReport& report) {
  if (const auto code = report.error()) throw MatchRefused(*code, report.masked_username);
}

// A link made by a later matching stage is recorded, so that the school can review the pupils
// the Pix passes alone would have refused (docs/matching.md). The learner is named by row id,
// as in every audit row (docs/security.md): no name, no INE.
void audit_later_stage(StoreTransaction& tx, const Campaign& campaign, const Learner& learner,
                       const std::string& username, std::optional<MatchStage> stage,
                       std::string_view action, std::int64_t now) {
  if (!stage || *stage == MatchStage::Exact || *stage == MatchStage::Tolerant) return;
  AuditEntry entry;
  entry.uai = campaign.uai;
  entry.actor_kind = "pupil";
  entry.actor_ref = username;
  entry.actor_name = username;
  entry.action = std::string(action);
  entry.target = username;
  entry.detail = campaign.uai + " learner #" + std::to_string(learner.id) +
                 " matched_by=" + std::string(match_stage_name(*stage));
  tx.audit(entry, now);
}

// `matched_by`: the matching stage that found the learner, when the call matched an identity.
Registration start_participation(StoreTransaction& tx, const Campaign& campaign, const User& user,
                                 const Learner& learner, std::int64_t now,
                                 std::optional<MatchStage> matched_by) {
  if (learner.disabled) throw Error(ErrorCode::LEARNER_DISABLED);
  auto status = participation_status(tx, campaign, learner.id, user.id, now);
  return {user.username, pupil_view_of(learner),
          campaign,      std::move(status),
          matched_by,    in_other_division(campaign, learner)};
}

}  // namespace

std::string_view match_status_name(MatchStatus status) noexcept {
  switch (status) {
    case MatchStatus::Matched: return "matched";
    case MatchStatus::NoLearnerForBirthdate: return "no_learner_for_birthdate";
    case MatchStatus::NoNameMatch: return "no_name_match";
    case MatchStatus::Ambiguous: return "ambiguous";
    case MatchStatus::LearnerAlreadyLinked: return "learner_already_linked";
    case MatchStatus::LearnerHasAccountElsewhere: return "learner_has_account_elsewhere";
  }
  return "no_name_match";
}

std::optional<ErrorCode> MatchReport::error() const noexcept {
  switch (status) {
    case MatchStatus::Matched: return std::nullopt;
    case MatchStatus::NoLearnerForBirthdate: return ErrorCode::NO_LEARNER_FOR_BIRTHDATE;
    case MatchStatus::NoNameMatch: return ErrorCode::NO_NAME_MATCH;
    case MatchStatus::Ambiguous: return ErrorCode::AMBIGUOUS_MATCH;
    case MatchStatus::LearnerAlreadyLinked: return ErrorCode::LEARNER_ALREADY_LINKED;
    case MatchStatus::LearnerHasAccountElsewhere: return ErrorCode::LEARNER_HAS_ACCOUNT_ELSEWHERE;
  }
  return ErrorCode::INTERNAL_ERROR;
}

MatchRefused::MatchRefused(ErrorCode code, std::string masked_username)
    : Error(code, masked_username.empty() ? std::string() : "(" + masked_username + ")"),
      masked_username_(std::move(masked_username)) {}

namespace {

// register_pupil without its counters.
Registration register_new_account(Service::State& state, std::string_view code,
                                  std::string_view first_name, std::string_view last_name,
                                  std::string_view birthdate, std::string_view password,
                                  std::string_view client_key) {
  const auto identity = read_identity(first_name, last_name, birthdate);
  check_password_rule(password);
  // Find the pupil first so that a refused match costs no hashing.
  std::optional<Learner> learner;
  throttled(state, client_key, [&] {
    state.read([&](StoreTransaction& tx) {
      Campaign campaign;
      throw_if_refused(find_learner(tx, code, identity, state.options.matching, learner, campaign));
    });
  });
  if (state.options.refuse_weak_passwords) {
    const auto preview = base_username(username_source(learner->entry), learner->entry.birthdate);
    check_password_policy(password, {learner->entry.first_name, learner->entry.last_name, preview});
  }
  const auto hash = hash_password(password, state.options.hash_parameters);
  Registration registration;
  state.durable([&](StoreTransaction& tx) {
    // Matched again inside the write lock: the roster or the links may have changed.
    const auto campaign = require_open_campaign(tx, code);
    std::optional<Learner> current;
    const auto report = find_learner(tx, campaign, identity, state.options.matching, current);
    throw_if_refused(report);
    const auto user =
        create_account(tx, current->entry, hash, false, state.options.username_policy, state.now());
    if (state.options.refuse_weak_passwords) {
      check_password_policy(password,
                            {current->entry.first_name, current->entry.last_name, user.username});
    }
    if (!tx.link_learner(current->id, user.id)) {
      throw Error(ErrorCode::LEARNER_ALREADY_LINKED);
    }
    auto status = participation_status(tx, campaign, current->id, user.id, state.now());
    audit_later_stage(tx, campaign, *current, user.username, report.matched_by, "register",
                      state.now());
    registration = {user.username,     pupil_view_of(*current), campaign,
                    std::move(status), report.matched_by,       report.other_division};
  });
  return registration;
}

}  // namespace

MatchReport Service::match(std::string_view code, std::string_view first_name,
                           std::string_view last_name, std::string_view birthdate,
                           std::string_view client_key) {
  const auto identity = read_identity(first_name, last_name, birthdate);
  auto report = throttled(*state_, client_key, [&] {
    MatchReport found;
    state_->read([&](StoreTransaction& tx) {
      Campaign campaign;
      std::optional<Learner> learner;
      found = find_learner(tx, code, identity, state_->options.matching, learner, campaign);
      if (found.status == MatchStatus::Matched) {
        found.username =
            generate_username(tx, username_source(learner->entry), learner->entry.birthdate,
                              state_->options.username_policy);
      }
    });
    return found;
  });
  if (const auto refused = report.error()) {
    count_match_refusal(state_->counters, *refused);
    if (counts_as_failure(*refused)) record_failure(*state_, client_key);
  } else {
    count_match(state_->counters, report.matched_by);
  }
  return report;
}

Registration Service::register_pupil(std::string_view code, std::string_view first_name,
                                     std::string_view last_name, std::string_view birthdate,
                                     std::string_view password, std::string_view client_key) {
  auto registration = counting_refusals(state_->counters, [&] {
    return register_new_account(*state_, code, first_name, last_name, birthdate, password,
                                client_key);
  });
  bump(state_->counters.registrations);
  count_match(state_->counters, registration.matched_by);
  return registration;
}

Registration Service::join_campaign(std::string_view session_token, std::string_view code) {
  Registration registration;
  state_->write([&](StoreTransaction& tx) {
    const auto user = session_user(tx, session_token, state_->now());
    const auto campaign = require_open_campaign(tx, code);
    const auto organization = *tx.organization_by_id(campaign.organization_id);
    registration =
        start_participation(tx, campaign, user, require_linked_learner(tx, organization, user),
                            state_->now(), std::nullopt);
  });
  bump(state_->counters.joins);
  return registration;
}

Registration Service::join_campaign(std::string_view session_token, std::string_view code,
                                    std::string_view first_name, std::string_view last_name,
                                    std::string_view birthdate, std::string_view client_key) {
  const auto identity = read_identity(first_name, last_name, birthdate);
  Registration registration;
  counting_refusals(state_->counters, [&] {
    throttled(*state_, client_key, [&] {
      state_->durable([&](StoreTransaction& tx) {
        const auto user = session_user(tx, session_token, state_->now());
        const auto campaign = require_open_campaign(tx, code);
        std::optional<Learner> learner;
        const auto report = find_learner(tx, campaign, identity, state_->options.matching, learner);
        const auto linked_here = tx.learner_by_user(campaign.organization_id, user.id);
        // This very account: already linked here, or the account the INE has elsewhere.
        const bool same_person =
            learner &&
            ((report.status == MatchStatus::LearnerAlreadyLinked && learner->user_id == user.id) ||
             (report.status == MatchStatus::LearnerHasAccountElsewhere &&
              tx.username_linked_elsewhere(learner->entry.ine, campaign.organization_id) ==
                  user.username));
        if (!same_person) throw_if_refused(report);
        if (linked_here && linked_here->id != learner->id) {
          throw Error(ErrorCode::USER_ALREADY_LINKED_IN_ORGANIZATION);
        }
        if (!learner->user_id) {
          if (!tx.link_learner(learner->id, user.id)) {
            throw MatchRefused(ErrorCode::LEARNER_ALREADY_LINKED, {});
          }
          audit_later_stage(tx, campaign, *learner, user.username, report.matched_by,
                            "join_campaign", state_->now());
        }
        registration =
            start_participation(tx, campaign, user, *learner, state_->now(), report.matched_by);
      });
    });
  });
  bump(state_->counters.joins);
  count_match(state_->counters, registration.matched_by);
  return registration;
}

}  // namespace inscrire
