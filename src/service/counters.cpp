// The counters of Service::stats() that an outcome picks by its stage or code.
#include "service/counters.hpp"

#include "service/state.hpp"

namespace inscrire {

using namespace service_detail;

namespace service_detail {

void count_match(Counters& counters, std::optional<MatchStage> stage) {
  if (!stage) return;
  switch (*stage) {
    case MatchStage::Exact: bump(counters.matched_exact); return;
    case MatchStage::Tolerant: bump(counters.matched_tolerant); return;
    case MatchStage::GivenNames: bump(counters.matched_given_names); return;
    case MatchStage::FamilyNames: bump(counters.matched_family_names); return;
    case MatchStage::Swapped: bump(counters.matched_swapped); return;
    case MatchStage::Transposition: bump(counters.matched_transposition); return;
  }
}

void count_match_refusal(Counters& counters, ErrorCode code) {
  switch (code) {
    case ErrorCode::NO_LEARNER_FOR_BIRTHDATE:
      bump(counters.refused_no_learner_for_birthdate);
      return;
    case ErrorCode::NO_NAME_MATCH: bump(counters.refused_no_name_match); return;
    case ErrorCode::AMBIGUOUS_MATCH: bump(counters.refused_ambiguous); return;
    case ErrorCode::LEARNER_ALREADY_LINKED: bump(counters.refused_learner_already_linked); return;
    case ErrorCode::LEARNER_HAS_ACCOUNT_ELSEWHERE:
      bump(counters.refused_learner_has_account_elsewhere);
      return;
    default: return;
  }
}

void count_database_error(Counters& counters, ErrorCode code) {
  if (code == ErrorCode::DATABASE_BUSY) bump(counters.database_busy);
  if (code == ErrorCode::DATABASE_UNAVAILABLE) bump(counters.database_unavailable);
}

}  // namespace service_detail

ServiceStats Service::stats() const { return state_->counters.read(); }

}  // namespace inscrire
