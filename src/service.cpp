// The pupil flow: schools, rosters, campaigns, matching, registration, joining.
#include "inscrire/service.hpp"

#include <algorithm>

#include "inscrire/limits.hpp"
#include "inscrire/reconciliation.hpp"
#include "inscrire/text.hpp"
#include "service_state.hpp"

namespace inscrire {

using namespace service_detail;

std::string_view version() noexcept { return INSCRIRE_VERSION_STRING; }

namespace {

constexpr std::string_view kFailureEvent = "failure";

std::string first_error_detail(const ImportReport& report) {
  if (report.errors.empty()) return {};
  const auto& first = report.errors.front();
  std::string detail = "(" + std::to_string(report.errors.size()) + " error(s)";
  if (!first.ine.empty()) detail += ", first for INE " + first.ine;
  if (first.line > 0) detail += ", first at line " + std::to_string(first.line);
  if (!first.field.empty()) detail += ", field " + first.field;
  if (!first.detail.empty()) detail += ": " + first.detail;
  return detail + ")";
}

ErrorCode first_error_code(const ImportReport& report) {
  return report.errors.empty() ? ErrorCode::INVALID_FILE : report.errors.front().code;
}

// The status of the learner's participation in the campaign: started now, or the one it has.
std::string participation_status(StoreTransaction& tx, const Campaign& campaign, Id learner_id,
                                 Id user_id, std::int64_t now) {
  if (tx.insert_participation(campaign.id, learner_id, user_id, now)) return "STARTED";
  return tx.participation(campaign.id, learner_id)->status;
}

Campaign require_active_campaign(StoreTransaction& tx, std::string_view typed_code) {
  const auto campaign = tx.campaign(canonical_campaign_code(typed_code));
  if (!campaign) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
  if (campaign->status == CampaignStatus::Archived) throw Error(ErrorCode::CAMPAIGN_ARCHIVED);
  if (campaign->status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
  return *campaign;
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

// Finds the pupil on the roster of the campaign's school (docs/rules.md §3), with the learner
// found, if any, in `found`.
MatchReport find_learner(StoreTransaction& tx, const Campaign& campaign,
                         const TypedIdentity& identity, MatchRules rules,
                         std::optional<Learner>& found) {
  const auto candidates = tx.match_candidates(campaign.organization_id, identity.birthdate);
  MatchReport report;
  const auto result =
      match_learner(identity.first_key, identity.last_key, candidates, rules,
                    [&tx](std::int64_t learner_id) { return roster_names(tx, learner_id); });
  report.status = status_of(result.outcome);
  if (result.outcome != MatchOutcome::Matched) return report;
  found = tx.learner(result.learner_id);
  report.learner = pupil_view_of(*found);
  report.matched_by = result.stage;
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
  const auto organization = tx.organization_by_id(campaign.organization_id);
  tx.audit({"pupil", std::string(action), username,
            organization->uai + " learner #" + std::to_string(learner.id) +
                " matched_by=" + std::string(match_stage_name(*stage))},
           now);
}

// A label an admin typed (a school or campaign name): valid UTF-8, trimmed, not empty.
std::string required_label(std::string_view text, const char* what) {
  auto label = checked_label(text, what, kMaxLabelCharacters);
  if (label.empty()) throw Error(ErrorCode::INVALID_ARGUMENT, what);
  return label;
}

ServiceOptions validated(ServiceOptions options) {
  options.validate();
  return options;
}

// The platform's sign-up address for class sheets: http(s), printable ASCII, nothing that could
// end an HTML attribute or hide in a printed link. Empty: no link.
std::optional<std::string> checked_base_url(std::string_view base_url) {
  if (base_url.empty()) return std::nullopt;
  constexpr std::size_t kMaxBaseUrl = 200;
  const bool web = base_url.starts_with("https://") || base_url.starts_with("http://");
  const bool printable = std::all_of(base_url.begin(), base_url.end(), [](char c) {
    return c > ' ' && c < 0x7F && c != '"' && c != '\'' && c != '<' && c != '>' && c != '\\';
  });
  if (!web || !printable || base_url.size() > kMaxBaseUrl) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "base URL");
  }
  return std::string(base_url);
}

bool counts_as_failure(ErrorCode code) {
  switch (code) {
    case ErrorCode::CAMPAIGN_NOT_FOUND:
    case ErrorCode::NO_LEARNER_FOR_BIRTHDATE:
    case ErrorCode::NO_NAME_MATCH:
    case ErrorCode::AMBIGUOUS_MATCH: return true;
    default: return false;
  }
}

void record_failure(Service::State& state, std::string_view client_key) {
  if (client_key.empty()) return;
  const auto now = state.now();
  state.write([&](StoreTransaction& tx) {
    tx.record_event(client_key, kFailureEvent, now, now - state.options.throttle.window_seconds);
  });
}

// Failed code look-ups and matches are counted per caller-supplied client key over a sliding
// window; past the limit the key is refused until its oldest failure leaves the window.
template <typename Work>
auto throttled(Service::State& state, std::string_view client_key, Work&& work) {
  check_client_key(client_key);
  if (!client_key.empty()) {
    const auto& limits = state.options.throttle;
    const auto since = state.now() - limits.window_seconds;
    std::optional<std::int64_t> oldest;
    int failures = 0;
    state.read([&](StoreTransaction& tx) {
      failures = tx.count_events(client_key, kFailureEvent, since);
      if (failures >= limits.max_failures)
        oldest = tx.oldest_event(client_key, kFailureEvent, since);
    });
    if (failures >= limits.max_failures) {
      // The oldest failure still counts at `since` (at >= since) and leaves one second later.
      throw ThrottledError(std::max<std::int64_t>(1, oldest.value_or(since) - since + 1));
    }
  }
  try {
    return work();
  } catch (const Error& e) {
    if (counts_as_failure(e.code())) record_failure(state, client_key);
    throw;
  }
}

}  // namespace

// --- Shared helpers -----------------------------------------------------------------------

namespace service_detail {

std::string canonical_uai(std::string_view uai) {
  std::string canonical(trim(uai));
  for (auto& c : canonical) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  bool valid = canonical.size() == 8 && canonical[7] >= 'A' && canonical[7] <= 'Z';
  for (std::size_t i = 0; valid && i < 7; ++i) valid = canonical[i] >= '0' && canonical[i] <= '9';
  if (!valid) throw Error(ErrorCode::INVALID_UAI);
  return canonical;
}

Organization require_organization(StoreTransaction& tx, std::string_view uai) {
  const auto canonical = canonical_uai(uai);
  auto organization = tx.organization(canonical);
  if (!organization) throw Error(ErrorCode::ORGANIZATION_NOT_FOUND, canonical);
  return *organization;
}

User require_user(StoreTransaction& tx, std::string_view username) {
  check_typed_username(trim(username));
  auto user = tx.user_by_username(trim(username));
  if (!user) throw Error(ErrorCode::USER_NOT_FOUND);
  return *user;
}

Learner require_linked_learner(StoreTransaction& tx, const Organization& organization,
                               const User& user) {
  auto learner = tx.learner_by_user(organization.id, user.id);
  if (!learner) throw Error(ErrorCode::LEARNER_NOT_FOUND);
  return *learner;
}

User session_user(StoreTransaction& tx, std::string_view session_token, std::int64_t now,
                  std::int64_t* expires_at) {
  const auto token = tx.token(token_digest(session_token), kSessionPurpose, now);
  if (!token) throw Error(ErrorCode::SESSION_INVALID);
  auto user = tx.user(token->user_id);
  if (!user || user->disabled) throw Error(ErrorCode::SESSION_INVALID);
  if (expires_at != nullptr) *expires_at = token->expires_at;
  return *user;
}

LearnerView view_of(const Learner& learner) {
  const auto& e = learner.entry;
  return LearnerView{e.ine,        e.first_name, e.second_name, e.third_name,     e.last_name,
                     e.usage_name, e.birthdate,  e.division,    learner.disabled, learner.username};
}

PupilLearner pupil_view_of(const Learner& learner) {
  return {learner.entry.first_name, learner.entry.last_name, learner.entry.division};
}

UsernameSource username_source(const RosterEntry& entry) {
  return {.first_name = entry.first_name,
          .last_name = entry.last_name,
          .second_name = entry.second_name,
          .third_name = entry.third_name,
          .usage_name = entry.usage_name};
}

std::string lower_ascii(std::string_view text) {
  std::string lowered(text);
  for (auto& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

MatchCandidate keys_of(const RosterEntry& entry) {
  return MatchCandidate{0,
                        comparison_key(entry.first_name),
                        comparison_key(entry.second_name),
                        comparison_key(entry.third_name),
                        comparison_key(entry.last_name),
                        comparison_key(entry.usage_name)};
}

std::optional<User> insert_account(StoreTransaction& tx, std::string_view username,
                                   std::string_view hash, bool must_change_password,
                                   std::int64_t now) {
  auto user = tx.insert_user(username, hash, must_change_password, now);
  if (!user) return std::nullopt;
  // Failures typed at this username before it was anyone's (usernames are predictable) must
  // not block the new account.
  tx.clear_login_failures(username);
  // The bitmap lets the next homonym's username cost one read (docs/architecture.md).
  const auto lowered = lower_ascii(username);
  if (is_valid_username(lowered)) {
    const auto [stem, suffix] = split_username(lowered);
    tx.add_taken_suffix(stem, suffix);
  }
  return user;
}

User create_account(StoreTransaction& tx, const RosterEntry& entry, std::string_view hash,
                    bool must_change_password, CollisionPolicy policy, std::int64_t now) {
  // Inside a write transaction nobody else can take the name, so one attempt suffices with
  // SQLite; the loop keeps other engines, where the UNIQUE constraint is the arbiter, correct.
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto username = generate_username(tx, username_source(entry), entry.birthdate, policy);
    if (auto user = insert_account(tx, username, hash, must_change_password, now)) return *user;
  }
  throw Error(ErrorCode::DATABASE_BUSY, "username allocation kept colliding");
}

}  // namespace service_detail

// --- Results ------------------------------------------------------------------------------

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

ThrottledError::ThrottledError(std::int64_t retry_after)
    : Error(ErrorCode::TOO_MANY_ATTEMPTS, "(retry in " + std::to_string(retry_after) + " s)"),
      retry_after_(retry_after) {}

ImportRefused::ImportRefused(ImportReport report)
    : Error(first_error_code(report), first_error_detail(report)), report_(std::move(report)) {}

// --- Service ------------------------------------------------------------------------------

Service Service::open(const std::filesystem::path& path, ServiceOptions options) {
  options.validate();  // before the file is created, not only in the constructor
  if (path.native().find('\0') != std::string::npos) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "database path holds a NUL byte");
  }
  StoreOptions store_options;
  store_options.busy_timeout_ms = options.busy_timeout_ms;
  auto store = is_postgresql_url(path.native())
                   ? open_postgresql_store(path.native(), store_options)
                   : open_sqlite_store(path, store_options);
  return Service(std::move(store), std::move(options));
}

Service::Service(std::unique_ptr<Store> store, ServiceOptions options)
    : state_(std::make_unique<State>(State{std::move(store), validated(std::move(options))})) {}
Service::Service(Service&&) noexcept = default;
Service& Service::operator=(Service&&) noexcept = default;
Service::~Service() = default;

Organization Service::create_organization(std::string_view uai, std::string_view name) {
  const auto canonical = canonical_uai(uai);
  const auto label = required_label(name, "school name");
  std::optional<Organization> created;
  state_->write([&](StoreTransaction& tx) {
    created = tx.insert_organization(canonical, label, state_->now());
  });
  if (!created) throw Error(ErrorCode::ORGANIZATION_EXISTS, canonical);
  return *created;
}

std::vector<Organization> Service::organizations() {
  std::vector<Organization> found;
  state_->read([&](StoreTransaction& tx) { found = tx.organizations(); });
  return found;
}

std::vector<LearnerView> Service::learners(std::string_view uai,
                                           const std::optional<std::string>& division,
                                           bool include_disabled) {
  std::vector<LearnerView> views;
  state_->read([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    for (const auto& learner :
         tx.learners(organization.id, division ? &*division : nullptr, include_disabled)) {
      views.push_back(view_of(learner));
    }
  });
  return views;
}

Campaign Service::create_campaign(std::string_view uai, std::string_view name,
                                  const std::optional<std::string>& division,
                                  const std::optional<std::string>& target_profile) {
  Campaign campaign;
  campaign.name = required_label(name, "campaign name");
  if (division) campaign.division = checked_label(*division, "division", kMaxDivisionCharacters);
  if (target_profile) {
    campaign.target_profile = checked_label(*target_profile, "target profile", kMaxLabelCharacters);
  }
  Campaign created;
  state_->write([&](StoreTransaction& tx) {
    const auto organization = require_organization(tx, uai);
    // A fresh code collides with probability ~n / (23^6 * 8^3); the UNIQUE constraint decides.
    for (int attempt = 0; attempt < 16; ++attempt) {
      campaign.code = generate_campaign_code();
      if (auto inserted = tx.insert_campaign(organization.id, campaign, state_->now())) {
        created = *inserted;
        return;
      }
    }
    throw Error(ErrorCode::INTERNAL_ERROR, "no free campaign code");
  });
  return created;
}

Campaign Service::find_campaign(std::string_view code, std::string_view client_key) {
  return throttled(*state_, client_key, [&] {
    Campaign found;
    state_->read([&](StoreTransaction& tx) { found = require_active_campaign(tx, code); });
    return found;
  });
}

std::vector<Campaign> Service::campaigns(std::string_view uai) {
  std::vector<Campaign> found;
  state_->read(
      [&](StoreTransaction& tx) { found = tx.campaigns(require_organization(tx, uai).id); });
  return found;
}

Campaign Service::archive_campaign(std::string_view code) {
  Campaign archived;
  state_->write([&](StoreTransaction& tx) {
    auto campaign = tx.campaign(canonical_campaign_code(code));
    if (!campaign) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
    if (campaign->status == CampaignStatus::Deleted) throw Error(ErrorCode::CAMPAIGN_DELETED);
    tx.set_campaign_status(campaign->id, CampaignStatus::Archived);
    campaign->status = CampaignStatus::Archived;
    archived = *campaign;
  });
  return archived;
}

MatchReport Service::match(std::string_view code, std::string_view first_name,
                           std::string_view last_name, std::string_view birthdate,
                           std::string_view client_key) {
  const auto identity = read_identity(first_name, last_name, birthdate);
  auto report = throttled(*state_, client_key, [&] {
    MatchReport found;
    state_->read([&](StoreTransaction& tx) {
      const auto campaign = require_active_campaign(tx, code);
      std::optional<Learner> learner;
      found = find_learner(tx, campaign, identity, state_->options.matching, learner);
      if (found.status == MatchStatus::Matched) {
        found.username =
            generate_username(tx, username_source(learner->entry), learner->entry.birthdate,
                              state_->options.username_policy);
      }
    });
    return found;
  });
  if (report.error() && counts_as_failure(*report.error())) record_failure(*state_, client_key);
  return report;
}

Registration Service::register_pupil(std::string_view code, std::string_view first_name,
                                     std::string_view last_name, std::string_view birthdate,
                                     std::string_view password, std::string_view client_key) {
  const auto identity = read_identity(first_name, last_name, birthdate);
  check_password_rule(password);
  // Find the pupil first so that a refused match costs no hashing.
  std::optional<Learner> learner;
  throttled(*state_, client_key, [&] {
    state_->read([&](StoreTransaction& tx) {
      throw_if_refused(find_learner(tx, require_active_campaign(tx, code), identity,
                                    state_->options.matching, learner));
    });
  });
  if (state_->options.refuse_weak_passwords) {
    const auto preview = base_username(username_source(learner->entry), learner->entry.birthdate);
    check_password_policy(password, {learner->entry.first_name, learner->entry.last_name, preview});
  }
  const auto hash = hash_password(password, state_->options.hash_parameters);
  Registration registration;
  state_->durable([&](StoreTransaction& tx) {
    // Matched again inside the write lock: the roster or the links may have changed.
    const auto campaign = require_active_campaign(tx, code);
    std::optional<Learner> current;
    const auto report = find_learner(tx, campaign, identity, state_->options.matching, current);
    throw_if_refused(report);
    const auto user = create_account(tx, current->entry, hash, false,
                                     state_->options.username_policy, state_->now());
    if (state_->options.refuse_weak_passwords) {
      check_password_policy(password,
                            {current->entry.first_name, current->entry.last_name, user.username});
    }
    if (!tx.link_learner(current->id, user.id)) {
      throw Error(ErrorCode::LEARNER_ALREADY_LINKED);
    }
    auto status = participation_status(tx, campaign, current->id, user.id, state_->now());
    audit_later_stage(tx, campaign, *current, user.username, report.matched_by, "register",
                      state_->now());
    registration = {user.username, pupil_view_of(*current), campaign, std::move(status),
                    report.matched_by};
  });
  return registration;
}

namespace {

// `matched_by`: the matching stage that found the learner, when the call matched an identity.
Registration start_participation(StoreTransaction& tx, const Campaign& campaign, const User& user,
                                 const Learner& learner, std::int64_t now,
                                 std::optional<MatchStage> matched_by) {
  if (learner.disabled) throw Error(ErrorCode::LEARNER_DISABLED);
  auto status = participation_status(tx, campaign, learner.id, user.id, now);
  return {user.username, pupil_view_of(learner), campaign, std::move(status), matched_by};
}

}  // namespace

Registration Service::join_campaign(std::string_view session_token, std::string_view code) {
  Registration registration;
  state_->write([&](StoreTransaction& tx) {
    const auto user = session_user(tx, session_token, state_->now());
    const auto campaign = require_active_campaign(tx, code);
    const auto organization = *tx.organization_by_id(campaign.organization_id);
    registration =
        start_participation(tx, campaign, user, require_linked_learner(tx, organization, user),
                            state_->now(), std::nullopt);
  });
  return registration;
}

Registration Service::join_campaign(std::string_view session_token, std::string_view code,
                                    std::string_view first_name, std::string_view last_name,
                                    std::string_view birthdate, std::string_view client_key) {
  const auto identity = read_identity(first_name, last_name, birthdate);
  Registration registration;
  throttled(*state_, client_key, [&] {
    state_->durable([&](StoreTransaction& tx) {
      const auto user = session_user(tx, session_token, state_->now());
      const auto campaign = require_active_campaign(tx, code);
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
        audit_later_stage(tx, campaign, *learner, user.username, report.matched_by, "join_campaign",
                          state_->now());
      }
      registration =
          start_participation(tx, campaign, user, *learner, state_->now(), report.matched_by);
    });
  });
  return registration;
}

std::vector<LearnerView> Service::not_joined(std::string_view code) {
  std::vector<LearnerView> views;
  state_->read([&](StoreTransaction& tx) {
    const auto campaign = tx.campaign(canonical_campaign_code(code));
    if (!campaign) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
    for (const auto& learner : tx.learners_without_participation(*campaign)) {
      views.push_back(view_of(learner));
    }
  });
  return views;
}

ClassSheet Service::class_sheet(std::string_view code, std::string_view base_url) {
  const auto url_prefix = checked_base_url(base_url);
  ClassSheet sheet;
  state_->read([&](StoreTransaction& tx) {
    const auto found = tx.campaign(canonical_campaign_code(code));
    if (!found) throw Error(ErrorCode::CAMPAIGN_NOT_FOUND);
    sheet = {tx.organization(found->uai)->name, *found, std::nullopt};
  });
  if (url_prefix) sheet.link = *url_prefix + sheet.campaign.code;
  return sheet;
}

}  // namespace inscrire
