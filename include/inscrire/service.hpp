// The use cases of docs/rules.md (named as in docs/cli.md), over one database. This is the
// library's C++ entry point:
//
//   auto service = inscrire::Service::open("school.db");
//   service.create_organization("0751234A", "Collège Victor Hugo");
//   service.import_roster("0751234A", "ElevesSansAdresses.xml");
//   auto campaign = service.create_campaign("0751234A", "Pix 5A", "5A");
//   auto account = service.register_pupil(campaign.code, "Léa", "Martin", "12/05/2013", password);
//
// Every operation is one transaction; refused operations throw Error with a stable code and
// leave the database as it was. Expected outcomes of matching are results (MatchReport).
//
// Thread safety: a Service may be shared by any number of threads. Database work serialises
// on the service's connection; password hashing, the slow part, runs outside that lock (and is
// bounded process-wide, see password.hpp). Several processes may open the same file.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inscrire/campaign.hpp"
#include "inscrire/error.hpp"
#include "inscrire/limits.hpp"
#include "inscrire/password.hpp"
#include "inscrire/reconciliation.hpp"
#include "inscrire/records.hpp"
#include "inscrire/roster.hpp"
#include "inscrire/staff.hpp"
#include "inscrire/store.hpp"
#include "inscrire/username.hpp"

namespace inscrire {

std::string_view version() noexcept;

// Failed campaign-code look-ups and failed matches are counted per caller-supplied client key
// over a sliding window; past max_failures the key gets TOO_MANY_ATTEMPTS (ThrottledError)
// until its oldest failure leaves the window. The defaults leave room for a class of 35
// sharing one address with two or three typos each; see docs/security.md.
// Failed logins are counted the same way per client key across every username (a device
// walking a class list), apart from the per-username blocks of LoginPolicy; successful logins
// never count, so a class logging in behind one address is not slowed.
struct ThrottleOptions {
  int max_failures = 100;          // failed code look-ups or matches per client key...
  int window_seconds = 600;        // ...within this sliding window (10 minutes)
  int max_login_failures = 50;     // failed logins per client key, any usernames...
  int login_window_seconds = 600;  // ...within this sliding window (10 minutes)
};

struct LoginPolicy {
  int failures_per_block = 10;        // every 10th consecutive failure blocks...
  int first_block_seconds = 120;      // ...for 2 minutes, doubled at each further threshold
  int permanent_block_failures = 30;  // until an admin unblocks
  int change_token_seconds = 3600;    // PASSWORD_CHANGE_REQUIRED token lifetime
  int session_seconds = 8 * 3600;     // a session ends by itself after this (docs/rules.md §4)
  int temporary_password_days = 30;   // an unused temporary password stops logging in
};

// School staff (docs/rules.md §9).
struct StaffPolicy {
  int session_idle_seconds = 30 * 60;  // a staff session ends after this long unused...
  int session_seconds = 8 * 3600;      // ...and after this long in all
  int invitation_days = 7;             // an invitation's default validity, 1 to 90 days
  SecondFactorPolicy second_factor = SecondFactorPolicy::Off;
  // A file of 32 random bytes (not readable by group or others): TOTP secrets are stored
  // sealed under it (AES-256-GCM). Empty: stored as they are (docs/security.md).
  std::string second_factor_key_file;
  int audit_retention_days = 365;  // purge_audit's default, 1 to 3650
};

// What Service::open does with a database whose schema is older than the library's.
enum class MigrationPolicy {
  Auto,    // migrates it at open (one school on SQLite; the package backs the file up first)
  Refuse,  // SCHEMA_TOO_OLD (a missing or empty database too): on several servers, one
           // operator runs `inscrire db migrate` while the old servers keep serving
};
// "auto", "refuse".
std::string_view migration_policy_name(MigrationPolicy policy) noexcept;
std::optional<MigrationPolicy> migration_policy_from_name(std::string_view name) noexcept;

struct ServiceOptions {
  CollisionPolicy username_policy = CollisionPolicy::Random;
  HashParameters hash_parameters;
  bool refuse_weak_passwords = true;  // personal information and common passwords
  int busy_timeout_ms = 10000;
  ThrottleOptions throttle;
  LoginPolicy login;
  // Pix: the two matching passes of docs/rules.md §3 alone, without its later stages
  // (docs/matching.md).
  MatchRules matching = MatchRules::Extended;
  // Unix seconds; replace to control time in tests.
  std::function<std::int64_t()> clock;
  // Admin operations called without a staff or asserted actor are FORBIDDEN, unless the caller
  // chose the operator explicitly (Actor::as_operator). Off: as before staff existed.
  bool require_staff = false;
  StaffPolicy staff;
  MigrationPolicy migrate = MigrationPolicy::Auto;

  // Throws Error(INVALID_ARGUMENT) naming the first option out of its range: Argon2 parameters
  // that hash_password refuses (is_supported), a negative busy timeout or one over an hour,
  // throttling and login figures below 1 (or a permanent block before the first temporary
  // one), lifetimes below 1 s, and figures so large their arithmetic would overflow. Every
  // Service checks its options once, when it is made: C, Python and the CLI refuse the same
  // values with the same answer, before any database work.
  void validate() const;
};

// The result records: each lists its fields once (records.hpp), and every surface follows
// the list.

// A roster row as shown to admins.
#define INSCRIRE_LEARNER_VIEW_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, ine, always)                     \
  FIELD(std::string, first_name, always)              \
  FIELD(std::string, second_name, always)             \
  FIELD(std::string, third_name, always)              \
  FIELD(std::string, last_name, always)               \
  FIELD(std::string, usage_name, always)              \
  COMPOUND(BirthDate, birthdate, always)              \
  FIELD(std::string, division, always)                \
  FIELD(bool, disabled, always)                       \
  FIELD(std::optional<std::string>, username, always) /* the linked account */
struct LearnerView {
  INSCRIRE_LEARNER_VIEW_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(LearnerView, INSCRIRE_LEARNER_VIEW_FIELDS)

// A roster row as a pupil may see it (docs/rules.md §8): what they typed or what names them in
// their class, never the INE, a birth date or an account's username. What the pupil-facing
// results (match, register, join) carry; admin operations return LearnerView.
#define INSCRIRE_PUPIL_LEARNER_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, first_name, always)               \
  FIELD(std::string, last_name, always)                \
  FIELD(std::string, division, always)
struct PupilLearner {
  INSCRIRE_PUPIL_LEARNER_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(PupilLearner, INSCRIRE_PUPIL_LEARNER_FIELDS)

struct ImportOptions {
  bool dry_run = false;  // validate and report, write nothing
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

// Pupils of a file not imported, by SkipReason (roster.hpp).
using SkipCounts = std::array<int, kSkipReasonCount>;

#define INSCRIRE_IMPORT_REPORT_FIELDS(FIELD, COMPOUND)                          \
  FIELD(int, created, always)                                                   \
  FIELD(int, updated, always)                                                   \
  FIELD(int, disabled, always)                                                  \
  FIELD(int, reenabled, always)                                                 \
  FIELD(int, linked, always) /* rows given an existing account automatically */ \
  COMPOUND(SkipCounts, skipped, always)                                         \
  COMPOUND(std::vector<RosterError>, errors, always)                            \
  FIELD(bool, dry_run, always)
struct ImportReport {
  INSCRIRE_IMPORT_REPORT_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(ImportReport, INSCRIRE_IMPORT_REPORT_FIELDS)

// Thrown when a roster file is refused: the code is that of the first error; the report lists
// every error. Nothing was written.
class ImportRefused : public Error {
 public:
  explicit ImportRefused(ImportReport report);
  const ImportReport& report() const noexcept { return report_; }

 private:
  ImportReport report_;
};

enum class MatchStatus {
  Matched,
  NoLearnerForBirthdate,
  NoNameMatch,
  Ambiguous,
  LearnerAlreadyLinked,        // masked_username says which account
  LearnerHasAccountElsewhere,  // the same INE has an account in another school
};

// "matched", "no_learner_for_birthdate", "no_name_match", "ambiguous", "learner_already_linked",
// "learner_has_account_elsewhere".
std::string_view match_status_name(MatchStatus status) noexcept;

#define INSCRIRE_MATCH_REPORT_FIELDS(FIELD, COMPOUND)                                            \
  FIELD(MatchStatus, status, always)                                                             \
  COMPOUND(std::optional<PupilLearner>, learner, always) /* when a learner was found */          \
  FIELD(std::string, username, unless_empty)        /* what registration would give (Matched) */ \
  FIELD(std::string, masked_username, unless_empty) /* "j***.h***2", the two linked cases */     \
  FIELD(std::optional<MatchStage>, matched_by, always) /* the stage that found the learner */    \
  /* the learner is not in the campaign's division: "this code is class 3H's" */                 \
  FIELD(bool, other_division, always)
struct MatchReport {
  INSCRIRE_MATCH_REPORT_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
  // The stable code of a status that refuses registration; nullopt for Matched.
  std::optional<ErrorCode> error() const noexcept;
};
INSCRIRE_DESCRIBE_RECORD(MatchReport, INSCRIRE_MATCH_REPORT_FIELDS)

// matched_by: which matching stage found the learner, when this call matched a typed identity.
#define INSCRIRE_REGISTRATION_FIELDS(FIELD, COMPOUND)              \
  FIELD(std::string, username, always)                             \
  COMPOUND(PupilLearner, learner, always)                          \
  COMPOUND(Campaign, campaign, always)                             \
  FIELD(std::string, participation_status, always) /* "STARTED" */ \
  FIELD(std::optional<MatchStage>, matched_by, always)             \
  FIELD(bool, other_division, always) /* as MatchReport's */
struct Registration {
  INSCRIRE_REGISTRATION_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(Registration, INSCRIRE_REGISTRATION_FIELDS)

enum class LoginStatus { Success, PasswordChangeRequired };
// "success", "password_change_required".
std::string_view login_status_name(LoginStatus status) noexcept;

// session_token (Success): an opaque token for join_campaign; change_token
// (PasswordChangeRequired): one-time, valid one hour.
#define INSCRIRE_LOGIN_RESULT_FIELDS(FIELD, COMPOUND) \
  FIELD(LoginStatus, status, always)                  \
  FIELD(std::string, username, always)                \
  FIELD(std::string, session_token, unless_empty)     \
  FIELD(std::string, change_token, unless_empty)
struct LoginResult {
  INSCRIRE_LOGIN_RESULT_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(LoginResult, INSCRIRE_LOGIN_RESULT_FIELDS)

// A refused login (or password change with the old password). For INVALID_CREDENTIALS,
// remaining_attempts is the number of failures left before the *permanent* block
// (permanent_block_failures - consecutive failures), set only when it is 10 or fewer, that is
// after the second temporary block. For ACCOUNT_TEMPORARILY_BLOCKED, retry_after_seconds says
// how long the block still lasts. Failures are counted per username whether or not an account
// holds it: an unknown username gets exactly the answers, blocks and delays an account would.
class LoginError : public Error {
 public:
  LoginError(ErrorCode code, std::optional<int> remaining_attempts, std::int64_t retry_after);
  std::optional<int> remaining_attempts() const noexcept { return remaining_attempts_; }
  std::int64_t retry_after_seconds() const noexcept { return retry_after_; }

 private:
  std::optional<int> remaining_attempts_;
  std::int64_t retry_after_;
};

// A registration refused by matching (NO_LEARNER_FOR_BIRTHDATE, NO_NAME_MATCH, AMBIGUOUS_MATCH,
// LEARNER_ALREADY_LINKED, LEARNER_HAS_ACCOUNT_ELSEWHERE), with the masked username of the
// existing account for the last two ("j***.h***2"), so the pupil can log in instead.
class MatchRefused : public Error {
 public:
  MatchRefused(ErrorCode code, std::string masked_username);
  const std::string& masked_username() const noexcept { return masked_username_; }

 private:
  std::string masked_username_;
};

// TOO_MANY_ATTEMPTS, with the delay after which the client key may try again.
class ThrottledError : public Error {
 public:
  explicit ThrottledError(std::int64_t retry_after);
  std::int64_t retry_after_seconds() const noexcept { return retry_after_; }

 private:
  std::int64_t retry_after_;
};

// One pupil's credentials; temporary_password is empty for an account left alone.
#define INSCRIRE_CREDENTIAL_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, division, always)              \
  FIELD(std::string, last_name, always)             \
  FIELD(std::string, first_name, always)            \
  FIELD(std::string, username, always)              \
  FIELD(std::string, temporary_password, unless_empty)
struct Credential {
  INSCRIRE_CREDENTIAL_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(Credential, INSCRIRE_CREDENTIAL_FIELDS)

// The credentials of a class; credentials_csv (render.hpp) writes them for spreadsheets.
// Rows are ordered as the class list; a row whose account was left alone has no password.
// created: accounts created, each with a temporary password; reset: existing accounts given a
// temporary password; unchanged: learners left alone (their account, or the one they have
// elsewhere).
#define INSCRIRE_CREDENTIALS_FIELDS(FIELD, COMPOUND)                 \
  COMPOUND(std::vector<Credential>, rows, always)                    \
  FIELD(int, created, always)                                        \
  FIELD(int, reset, always)                                          \
  FIELD(int, unchanged, always)                                      \
  FIELD(std::string, uai, always)                                    \
  FIELD(std::string, school, always) /* its name, for the slips */   \
  /* when the temporary passwords of this generation stop working */ \
  FIELD(std::int64_t, temporary_expires_at, unless_empty)
struct Credentials {
  INSCRIRE_CREDENTIALS_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(Credentials, INSCRIRE_CREDENTIALS_FIELDS)

// What the printable class sheet ("fiche élève") shows; class_sheet_html (render.hpp) makes
// the page.
struct ClassSheet {
  std::string school_name;
  Campaign campaign;
  std::optional<std::string> link;  // the platform's base URL followed by the code
};

// The state of an account, without its password hash.
struct AccountState {
  std::string username;
  bool must_change_password = false;
  int failed_attempts = 0;
  bool blocked = false;
  bool disabled = false;
};

// A pupil's participation steps (docs/rules.md §1.6): STARTED -> TO_SHARE -> SHARED, never back.
inline constexpr std::string_view kStarted = "STARTED";
inline constexpr std::string_view kToShare = "TO_SHARE";
inline constexpr std::string_view kShared = "SHARED";
// A learner of the campaign's target without a participation (campaign_participants).
inline constexpr std::string_view kNotJoined = "NOT_JOINED";

// A learner linked to the account of a session, as the platform shows it: no INE, no birth
// date (docs/rules.md §8).
#define INSCRIRE_SESSION_LEARNER_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, uai, always)                        \
  FIELD(std::string, school, always)                     \
  FIELD(std::string, division, always)                   \
  FIELD(std::string, first_name, always)                 \
  FIELD(std::string, last_name, always)                  \
  FIELD(bool, disabled, always) /* no longer on that school's roster */
struct SessionLearner {
  INSCRIRE_SESSION_LEARNER_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(SessionLearner, INSCRIRE_SESSION_LEARNER_FIELDS)

// What authenticate() answers for a valid session.
#define INSCRIRE_SESSION_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, username, always)           \
  FIELD(std::int64_t, expires_at, always)        \
  COMPOUND(std::vector<SessionLearner>, learners, always)
struct Session {
  INSCRIRE_SESSION_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(Session, INSCRIRE_SESSION_FIELDS)

// One of the pupil's own participations (participations(session_token)): the campaign's code
// and name, its school, the step (kStarted, kToShare or kShared) and when each was reached.
#define INSCRIRE_PARTICIPATION_VIEW_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, code, always)                          \
  FIELD(std::string, campaign, always)                      \
  FIELD(std::string, uai, always)                           \
  FIELD(std::string, school, always)                        \
  FIELD(std::string, status, always)                        \
  FIELD(std::int64_t, started_at, always)                   \
  FIELD(std::optional<std::int64_t>, completed_at, always)  \
  FIELD(std::optional<std::int64_t>, shared_at, always)
struct ParticipationView {
  INSCRIRE_PARTICIPATION_VIEW_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(ParticipationView, INSCRIRE_PARTICIPATION_VIEW_FIELDS)

// One learner a campaign targets, as the teacher's list shows it (campaign_participants): the
// learner's account if any, the step (kNotJoined, kStarted, kToShare or kShared) and its times.
#define INSCRIRE_PARTICIPANT_FIELDS(FIELD, COMPOUND)       \
  FIELD(std::string, division, always)                     \
  FIELD(std::string, last_name, always)                    \
  FIELD(std::string, first_name, always)                   \
  FIELD(std::optional<std::string>, username, always)      \
  FIELD(std::string, status, always)                       \
  FIELD(std::optional<std::int64_t>, started_at, always)   \
  FIELD(std::optional<std::int64_t>, completed_at, always) \
  FIELD(std::optional<std::int64_t>, shared_at, always)    \
  /* joined with this code although in another division */ \
  FIELD(bool, out_of_division, always)
struct Participant {
  INSCRIRE_PARTICIPANT_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(Participant, INSCRIRE_PARTICIPANT_FIELDS)

// "no_account", "active", "must_change_password", "blocked", "disabled" (docs/rules.md §7).
std::string_view learner_state_name(LearnerState state) noexcept;
std::optional<LearnerState> learner_state_from_name(std::string_view name) noexcept;

enum class BlockState { None, Temporary, Permanent };
// "none", "temporary", "permanent".
std::string_view block_state_name(BlockState state) noexcept;

// An account as an admin sees it (never its password hash): blocked_until when blocked is
// Temporary, temporary_expires_at when an unused temporary password stops logging in (0: no
// limit), participations of the account in every school.
#define INSCRIRE_ACCOUNT_VIEW_FIELDS(FIELD, COMPOUND)       \
  FIELD(std::string, username, always)                      \
  FIELD(bool, must_change_password, always)                 \
  FIELD(BlockState, blocked, unless_empty)                  \
  FIELD(std::int64_t, blocked_until, unless_empty)          \
  FIELD(int, failed_attempts, always)                       \
  FIELD(bool, disabled, always)                             \
  FIELD(std::optional<std::int64_t>, last_login_at, always) \
  FIELD(std::int64_t, temporary_expires_at, unless_empty)   \
  FIELD(int, participations, always)
struct AccountView {
  INSCRIRE_ACCOUNT_VIEW_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(AccountView, INSCRIRE_ACCOUNT_VIEW_FIELDS)

// The admin learner list's filters and page (learners(uai, LearnerQuery)).
struct LearnerQuery {
  std::optional<std::string> division;
  std::optional<LearnerState> state;
  int limit = kDefaultLearnerPage;  // 1..kMaxLearnerPage, else INVALID_ARGUMENT
  int offset = 0;                   // 0..kMaxLearnerOffset, else INVALID_ARGUMENT
  // Finds learners (docs/rules.md §10): the words of the text, folded as names are matched
  // (accents, case, hyphens, any script transliterated), each the start of one of the
  // learner's name keys; or an exact INE; or the username of the learner's account. 100
  // characters at most (FIELD_TOO_LONG).
  std::optional<std::string> search;
};

// A roster row with its account state (admin view).
#define INSCRIRE_LEARNER_ACCOUNT_VIEW_FIELDS(FIELD, COMPOUND) \
  COMPOUND(LearnerView, learner, always)                      \
  FIELD(LearnerState, state, always)                          \
  COMPOUND(std::optional<AccountView>, account, always)
struct LearnerAccountView {
  INSCRIRE_LEARNER_ACCOUNT_VIEW_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(LearnerAccountView, INSCRIRE_LEARNER_ACCOUNT_VIEW_FIELDS)

// A learner an account is linked to, with its school.
#define INSCRIRE_ACCOUNT_LINK_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, uai, always)                     \
  FIELD(std::string, school, always)                  \
  COMPOUND(LearnerView, learner, always)
struct AccountLink {
  INSCRIRE_ACCOUNT_LINK_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(AccountLink, INSCRIRE_ACCOUNT_LINK_FIELDS)

// One account with every learner it is linked to (account(username)).
#define INSCRIRE_ACCOUNT_DETAILS_FIELDS(FIELD, COMPOUND) \
  COMPOUND(AccountView, account, always)                 \
  COMPOUND(std::vector<AccountLink>, learners, always)
struct AccountDetails {
  INSCRIRE_ACCOUNT_DETAILS_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
  using Link = AccountLink;
};
INSCRIRE_DESCRIBE_RECORD(AccountDetails, INSCRIRE_ACCOUNT_DETAILS_FIELDS)

// Which existing accounts generate_credentials resets (docs/rules.md §1.8).
struct CredentialOptions {
  bool reset_existing = false;    // every account of the class
  std::vector<std::string> ines;  // only these learners of the class (empty: the whole class)
};

// One participation of a learner, with its campaign when the school has it.
struct CampaignParticipation {
  std::optional<Campaign> campaign;
  std::string status;  // "STARTED"
};

// Everything held on one learner (the RGPD right of access); learner_export_json (render.hpp)
// writes it as a JSON document.
struct LearnerExport {
  Organization school;
  Learner learner;                      // the roster row as stored
  std::optional<AccountState> account;  // the linked account, if any
  std::vector<CampaignParticipation> participations;
};

// The service's own counters (docs/deployment.md, "Counters"): what happened through this
// Service object since it was made, whichever thread asked. Monitoring reads them
// (Prometheus counters: they only grow, and start again at 0 with the process). A match
// outcome is counted once per call that matched a typed identity (match, register, join with
// an identity): matched_<stage> by the stage that found the learner, refused_<code> by the
// code that refused it.
#define INSCRIRE_SERVICE_STATS_FIELDS(FIELD, COMPOUND)                                      \
  FIELD(Count, registrations, always) /* accounts created by register */                    \
  FIELD(Count, joins, always)         /* join_campaign calls that succeeded */              \
  FIELD(Count, matched_exact, always)                                                       \
  FIELD(Count, matched_tolerant, always)                                                    \
  FIELD(Count, matched_given_names, always)                                                 \
  FIELD(Count, matched_family_names, always)                                                \
  FIELD(Count, matched_swapped, always)                                                     \
  FIELD(Count, matched_transposition, always)                                               \
  FIELD(Count, refused_no_learner_for_birthdate, always)                                    \
  FIELD(Count, refused_no_name_match, always)                                               \
  FIELD(Count, refused_ambiguous, always)                                                   \
  FIELD(Count, refused_learner_already_linked, always)                                      \
  FIELD(Count, refused_learner_has_account_elsewhere, always)                               \
  FIELD(Count, logins, always)         /* pupils' logins with the right password */         \
  FIELD(Count, login_failures, always) /* wrong password or username, expired, disabled */  \
  FIELD(Count, logins_blocked, always) /* refused: the username is blocked */               \
  FIELD(Count, staff_logins, always)                                                        \
  FIELD(Count, staff_login_failures, always) /* every refusal, blocks and codes included */ \
  FIELD(Count, throttled, always)            /* TOO_MANY_ATTEMPTS answers, any operation */ \
  FIELD(Count, imports, always)              /* rosters imported (dry runs left out) */     \
  FIELD(Count, imports_refused, always)                                                     \
  FIELD(Count, database_busy, always)        /* operations failed with DATABASE_BUSY */     \
  FIELD(Count, database_unavailable, always) /* ... with DATABASE_UNAVAILABLE */
struct ServiceStats {
  INSCRIRE_SERVICE_STATS_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(ServiceStats, INSCRIRE_SERVICE_STATS_FIELDS)

class Service {
 public:
  // Opens or creates the database file and migrates its schema.
  static Service open(const std::filesystem::path& path, ServiceOptions options = {});
  Service(std::unique_ptr<Store> store, ServiceOptions options);
  Service(Service&&) noexcept;
  Service& operator=(Service&&) noexcept;
  ~Service();

  // Every admin operation takes the Actor that acts (staff.hpp): the library refuses, with
  // FORBIDDEN, what the actor's role does not allow (kPermissions, docs/rules.md §9), before any
  // look-up and with the same answer for a school, code or username of another school and for
  // one that does not exist; the refusal changes nothing and is written to the audit log. The
  // default actor is the operator named "admin" unless ServiceOptions::require_staff.

  // A school (operator only). Audited.
  Organization create_organization(std::string_view uai, std::string_view name,
                                   const Actor& actor = {});
  // The schools the actor belongs to (every school for the operator), ordered by UAI.
  std::vector<Organization> organizations(const Actor& actor = {});

  // Imports a SIECLE XML (zipped or not) or CSV roster: one transaction, or nothing.
  ImportReport import_roster(std::string_view uai, const std::filesystem::path& file,
                             const ImportOptions& options = {}, const Actor& actor = {});
  std::vector<LearnerView> learners(std::string_view uai,
                                    const std::optional<std::string>& division = std::nullopt,
                                    bool include_disabled = false, const Actor& actor = {});
  // The admin list (docs/rules.md §7): one page of the school's learners, disabled ones included,
  // with their account state, ordered by last name, first name, INE. INVALID_ARGUMENT for a
  // limit or offset out of range.
  std::vector<LearnerAccountView> learners(std::string_view uai, const LearnerQuery& query,
                                           const Actor& actor = {});
  // One learner by INE (LEARNER_NOT_FOUND), one account by username (USER_NOT_FOUND).
  LearnerAccountView learner(std::string_view uai, std::string_view ine, const Actor& actor = {});
  // For staff, only the learners of their schools are listed (FORBIDDEN when there is none).
  AccountDetails account(std::string_view username, const Actor& actor = {});

  // The creator owns the campaign (a staff member or an asserted identity); an ADMIN or the
  // operator may name another member as `owner` (a username).
  Campaign create_campaign(std::string_view uai, std::string_view name,
                           const std::optional<std::string>& division = std::nullopt,
                           const std::optional<std::string>& target_profile = std::nullopt,
                           const Actor& actor = {},
                           const std::optional<std::string>& owner = std::nullopt);
  // Looks a code up as a pupil types it (case, spaces and hyphens ignored). Throws
  // CAMPAIGN_NOT_FOUND, CAMPAIGN_ARCHIVED or CAMPAIGN_DELETED.
  Campaign find_campaign(std::string_view code, std::string_view client_key = {});
  // The school's campaigns, ordered by id; deleted ones only when asked.
  std::vector<Campaign> campaigns(std::string_view uai, const Actor& actor = {},
                                  bool include_deleted = false);
  Campaign archive_campaign(std::string_view code, const Actor& actor = {});
  // Back to active (an active campaign stays so); CAMPAIGN_DELETED for a deleted one.
  Campaign unarchive_campaign(std::string_view code, const Actor& actor = {});
  // Renames a campaign (its code stays) and/or names another owner (a member of its school;
  // an ADMIN or the operator only). Audited.
  Campaign update_campaign(std::string_view code, const Actor& actor = {},
                           const std::optional<std::string>& name = std::nullopt,
                           const std::optional<std::string>& owner = std::nullopt);
  // Deletes the learner's participation in the campaign (docs/rules.md §10): the learner is
  // NOT_JOINED there again, their account untouched. Audited. LEARNER_NOT_FOUND,
  // PARTICIPATION_NOT_FOUND.
  void delete_participation(std::string_view code, std::string_view ine, const Actor& actor = {});
  // Deletes a campaign nobody joined (CAMPAIGN_HAS_PARTICIPATIONS otherwise): its code then
  // answers CAMPAIGN_DELETED. Audited.
  void delete_campaign(std::string_view code, const Actor& actor = {});

  // The pupil's step 4 as a dry run: who they are on the roster and the username they would
  // get. Writes nothing but the throttling counters of `client_key`.
  MatchReport match(std::string_view code, std::string_view first_name, std::string_view last_name,
                    std::string_view birthdate, std::string_view client_key = {});
  // Creates the account, links it and starts the participation, atomically. (`register` is a
  // C++ keyword, hence the name.)
  Registration register_pupil(std::string_view code, std::string_view first_name,
                              std::string_view last_name, std::string_view birthdate,
                              std::string_view password, std::string_view client_key = {});

  // Logs in. Failures count towards the username's blocks (LoginPolicy) and, with a
  // `client_key` (what find_campaign takes: an IP address or the platform's session id), towards
  // that key's login throttle (ThrottleOptions): TOO_MANY_ATTEMPTS past it, before any hashing.
  // TEMPORARY_PASSWORD_EXPIRED for a temporary password older than
  // login.temporary_password_days (after the password was checked: it says nothing to whoever
  // does not know it).
  LoginResult login(std::string_view username, std::string_view password,
                    std::string_view client_key = {});
  // The session's account and learners; SESSION_INVALID for a token unknown, expired or ended
  // (logout, password change or reset), or of a disabled account.
  Session authenticate(std::string_view session_token);
  // Ends the session; SESSION_INVALID if it was not a live one.
  void logout(std::string_view session_token);
  // The session's own participations, ordered by when they started (by id).
  std::vector<ParticipationView> participations(std::string_view session_token);
  // STARTED -> TO_SHARE (the pupil finished) and TO_SHARE -> SHARED (the pupil sent the
  // results), timestamped. SESSION_INVALID, CAMPAIGN_NOT_FOUND (or ARCHIVED, DELETED),
  // PARTICIPATION_NOT_FOUND when the account has none in the campaign,
  // INVALID_PARTICIPATION_STATUS when the participation is not at the step before.
  ParticipationView complete_participation(std::string_view session_token, std::string_view code);
  ParticipationView share_participation(std::string_view session_token, std::string_view code);
  void change_password(std::string_view username, std::string_view old_password,
                       std::string_view new_password);
  void change_password_with_token(std::string_view change_token, std::string_view new_password);
  // An existing account (identified by a session token from login) joins another campaign of
  // a school where it is linked: no matching. LEARNER_NOT_FOUND if it is linked there to no
  // learner (use the overload below).
  Registration join_campaign(std::string_view session_token, std::string_view code);
  // The same for a school where the account is not linked yet (a pupil who changed school):
  // the typed identity is matched as for a registration and the learner found is linked to
  // this account, never to a new one. Refused with USER_ALREADY_LINKED_IN_ORGANIZATION when the
  // account is linked to another learner of that school, and with the matching codes.
  Registration join_campaign(std::string_view session_token, std::string_view code,
                             std::string_view first_name, std::string_view last_name,
                             std::string_view birthdate, std::string_view client_key = {});

  // Enabled learners of the campaign's division (or school) with no participation in it.
  std::vector<LearnerView> not_joined(std::string_view code, const Actor& actor = {});
  // Every learner the campaign targets (its division, or its school) with the status of their
  // current participation, or kNotJoined; ordered by division, last name, first name.
  // participants_csv (render.hpp) writes it. CAMPAIGN_NOT_FOUND.
  std::vector<Participant> campaign_participants(std::string_view code, const Actor& actor = {});
  // What the printable class sheet ("fiche élève") of a campaign shows: its school and the
  // campaign, and with a `base_url` (the platform's sign-up address, e.g.
  // "https://inscrire.example.fr/c/") the direct link base_url + code. The base URL must be an
  // http:// or https:// URL of printable ASCII without spaces, quotes or angle brackets, 200
  // characters at most (INVALID_ARGUMENT). Throws CAMPAIGN_NOT_FOUND.
  ClassSheet class_sheet(std::string_view code, std::string_view base_url = {},
                         const Actor& actor = {});

  std::string reset_password(std::string_view uai, std::string_view username,
                             const Actor& actor = {});
  void unblock(std::string_view uai, std::string_view username, const Actor& actor = {});
  // Brings an account from another platform: creates user `username` (it must have the
  // prénom.nomJJMM form of is_valid_username, any case; stored lower-case) with its existing
  // hash, an Argon2id PHC string or a bcrypt hash ($2a$, $2b$, $2y$, cost 4-16), and links it
  // to the learner `ine` of the school. The pupil keeps their password; the first login
  // replaces the hash with Argon2id. Returns the username as stored. Throws INVALID_ARGUMENT
  // (username or hash malformed), USERNAME_TAKEN, LEARNER_NOT_FOUND, LEARNER_DISABLED,
  // LEARNER_ALREADY_LINKED, LEARNER_HAS_ACCOUNT_ELSEWHERE.
  std::string import_account(std::string_view uai, std::string_view ine, std::string_view username,
                             std::string_view password_hash, const Actor& actor = {});
  // Accounts with temporary passwords for the learners of the class who have none; existing
  // accounts are left alone (their passwords still work) unless `options` asks to reset them
  // (docs/rules.md §1.8). Learners whose INE has an account in another school are left alone.
  // LEARNER_NOT_FOUND for an empty class or a listed INE outside it.
  Credentials generate_credentials(std::string_view uai, std::string_view division,
                                   const Actor& actor = {});
  Credentials generate_credentials(std::string_view uai, std::string_view division,
                                   const CredentialOptions& options, const Actor& actor = {});
  // Unlinks the learner from its account (docs/rules.md §7, "dissocier"): the account keeps its
  // username, password, sessions and participations (marked dissociated); the learner may
  // register again. Audited. LEARNER_NOT_FOUND, LEARNER_NOT_LINKED.
  void dissociate(std::string_view uai, std::string_view ine, const Actor& actor = {});
  // RGPD erasure of one learner of the school: names replaced by "Anonyme", birth date reduced
  // to its year (stored as YYYY-01-01), INE replaced by "ANONYME-<row id>", division and
  // birth place removed, the row disabled and unlinked from its account. The account itself
  // is anonymised (username "anonyme-<id>", no password, disabled) unless it is still linked
  // to a learner of another school. Participations are kept, attached to the anonymous rows.
  void anonymize_learner(std::string_view uai, std::string_view ine, const Actor& actor = {});
  // Everything held on one learner; the export is audited.
  LearnerExport export_learner(std::string_view uai, std::string_view ine, const Actor& actor = {});

  // --- School staff (docs/rules.md §9) ----------------------------------------------------

  // An invitation into the school with a role: a 12-character code returned this once (only
  // its digest is kept), valid `valid_days` (1 to 90; 0: StaffPolicy::invitation_days).
  StaffInvitation invite_staff(std::string_view uai, StaffRole role, const Actor& actor = {},
                               int valid_days = 0);
  // Accepting an invitation creates the staff account (username 3 to 64 characters of a-z 0-9
  // . _ -, case ignored; display name 1 to 100; a staff password) with its membership and
  // logs it in. INVITATION_INVALID for an unknown, used, expired or revoked code (failures are
  // throttled per client key as campaign codes are); STAFF_USERNAME_TAKEN; the password codes.
  StaffLogin accept_staff_invitation(std::string_view code, std::string_view username,
                                     std::string_view display_name, std::string_view password,
                                     std::string_view client_key = {});
  // The same for someone already logged in as staff: adds the membership to that account.
  StaffSession accept_staff_invitation(std::string_view code, const Actor& staff_session,
                                       std::string_view client_key = {});
  // Logs a staff member in; failures count per normalised username whether or not it exists,
  // and per client key, as for pupils. With a second factor: SECOND_FACTOR_REQUIRED when
  // `totp` is empty (the password was right), SECOND_FACTOR_INVALID for a wrong code (a
  // failure); a recovery code works once in place of the TOTP code.
  StaffLogin staff_login(std::string_view username, std::string_view password,
                         std::string_view client_key = {}, std::string_view totp = {});
  // The live session's account and its memberships now; each call counts as use (the idle
  // limit starts again). SESSION_INVALID otherwise.
  StaffSession staff_authenticate(std::string_view session_token);
  void staff_logout(std::string_view session_token);
  std::vector<StaffMember> members(std::string_view uai, const Actor& actor = {});
  std::vector<PendingInvitation> invitations(std::string_view uai, const Actor& actor = {});
  // LAST_ADMIN when the school would be left without an active ADMIN.
  void set_member_role(std::string_view uai, std::string_view username, StaffRole role,
                       const Actor& actor = {});
  // Every session of the account ends when it loses its last membership.
  void remove_member(std::string_view uai, std::string_view username, const Actor& actor = {});
  void revoke_staff_invitation(std::string_view uai, RecordId invitation_id,
                               const Actor& actor = {});
  // A temporary password for a member: the next login answers PASSWORD_CHANGE_REQUIRED.
  std::string reset_staff_password(std::string_view uai, std::string_view username,
                                   const Actor& actor = {});
  // The member's own change (12 to 255 characters, not containing the username); every
  // session of the account ends.
  void change_staff_password(std::string_view username, std::string_view old_password,
                             std::string_view new_password);
  void change_staff_password_with_token(std::string_view change_token,
                                        std::string_view new_password);
  // The second factor: a new secret to enrol, confirmed by a code from it (which gives the 10
  // recovery codes, shown this once); every other session of the account then ends.
  SecondFactorEnrolment begin_second_factor(std::string_view session_token);
  std::vector<std::string> confirm_second_factor(std::string_view session_token,
                                                 std::string_view code);
  // An ADMIN resets a member's second factor, the operator an ADMIN's.
  void reset_second_factor(std::string_view uai, std::string_view username,
                           const Actor& actor = {});
  // The school's audit log, newest first (ADMINs and the operator).
  std::vector<AuditRow> audit_log(std::string_view uai, const AuditQuery& query = {},
                                  const Actor& actor = {});
  // Deletes audit rows older than `older_than_days` (0: StaffPolicy::audit_retention_days);
  // operator only. Returns how many.
  int purge_audit(int older_than_days = 0, const Actor& actor = {});

  // The counters of this Service object so far (ServiceStats); no database work.
  ServiceStats stats() const;

  struct State;  // implementation detail (src/service/state.hpp)

 private:
  std::unique_ptr<State> state_;
};

// --- The operator's database commands (`inscrire db ...`, docs/cli.md) ----------------------
// Each opens the database at `location` (a SQLite path or a PostgreSQL URL, as Service::open)
// on a connection of its own, and leaves its schema as it is unless it says otherwise. A
// missing SQLite file is DATABASE_ERROR (nothing is created), except for migrate_database.

struct DatabaseStatus {
  std::string engine;                      // "sqlite" or "postgresql"
  std::size_t schema_version = 0;          // the database's; 0: no schema yet
  std::size_t library_schema_version = 0;  // the one this library's migrations reach
  // The migrations Service::open (MigrationPolicy::Auto) or migrate_database would run: 0 when
  // current (or newer: SCHEMA_TOO_NEW then).
  std::size_t pending_migrations() const noexcept {
    return schema_version < library_schema_version ? library_schema_version - schema_version : 0;
  }
};

DatabaseStatus database_status(const std::filesystem::path& location);
// Creates or migrates the schema to the library's (SCHEMA_TOO_NEW if newer); returns the status
// it found before.
DatabaseStatus migrate_database(const std::filesystem::path& location);

struct DatabaseCheck {
  DatabaseStatus status;
  // What is wrong with what is stored (SQLite: integrity_check and foreign_key_check), one line
  // each; empty when sound. The schema version is checked apart (status).
  std::vector<std::string> problems;
  bool sound() const noexcept {
    return problems.empty() && status.schema_version == status.library_schema_version;
  }
};
DatabaseCheck check_database(const std::filesystem::path& location);

// Copies a SQLite database, consistent as of one instant while registrations go on (SQLite's
// online backup), into the new file `target`, created 0600: INVALID_ARGUMENT when it exists,
// and for a PostgreSQL URL (pg_dump backs PostgreSQL up; docs/deployment.md).
void backup_database(const std::filesystem::path& location, const std::filesystem::path& target);

}  // namespace inscrire
