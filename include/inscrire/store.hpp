// Storage behind the use cases: rows in, rows out, UNIQUE constraints as the arbiters. The
// rules (what an import changes, what anonymisation leaves, which suffix a username takes,
// what time it is) live in the service; an engine only stores. SQLite implements this
// (src/sqlite/); another engine implements these two classes and passes the Store contract
// tests (tests/cpp/test_store_contract.cpp), which check what this header promises. PostgreSQL
// implements it too (src/postgresql/).
//
// The contract every engine honours:
// - Every method runs inside the transaction that `Store::transact` opened, and sees what the
//   transaction wrote before it. Nothing is committed until `work` returns; if it throws,
//   nothing of the transaction remains.
// - Conflicts are answers, not errors: where a UNIQUE constraint refuses a row the method says
//   so in its result (nullopt, false, a count) and writes nothing of that row; the caller decides.
//   Only the failures listed here, or of the engine itself (Error DATABASE_ERROR or
//   DATABASE_BUSY), throw.
// - Look-ups go through an index: none reads a table whole. The index each method may rely on
//   is named below; the engine's schema must provide it.
// - Text compares exactly (byte for byte) except usernames and username stems, which compare
//   ASCII case-insensitively.
// - Times are unix seconds given by the caller; the store has no clock.
// - Results are in no particular order unless an order is stated.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inscrire/campaign.hpp"
#include "inscrire/reconciliation.hpp"
#include "inscrire/records.hpp"
#include "inscrire/roster.hpp"
#include "inscrire/roster_import.hpp"
#include "inscrire/staff.hpp"
#include "inscrire/username.hpp"

namespace inscrire {

using Id = std::int64_t;

// A school (records.hpp explains the list).
#define INSCRIRE_ORGANIZATION_FIELDS(FIELD, COMPOUND) \
  FIELD(Id, id, internal)                             \
  FIELD(std::string, uai, always)                     \
  FIELD(std::string, name, always)
struct Organization {
  INSCRIRE_ORGANIZATION_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(Organization, INSCRIRE_ORGANIZATION_FIELDS)

// A roster row as stored: the imported fields, their comparison keys and the row's state.
struct Learner {
  Id id = 0;
  Id organization_id = 0;
  RosterEntry entry;
  MatchCandidate keys;  // comparison keys of the names, computed by the service at import
  bool disabled = false;
  std::optional<Id> user_id;            // the linked account, if any
  std::optional<std::string> username;  // its username
};

// What a learner row is written from: the roster fields (INE included) and the comparison keys
// of its names (keys.learner_id is ignored). Both are borrowed for the duration of the call.
struct LearnerFields {
  const RosterEntry& entry;
  const MatchCandidate& keys;
};

// A learner to insert: its fields, and the account it is linked to from the start, if any
// (an import's automatic link of a new row).
struct NewLearner {
  LearnerFields fields;
  std::optional<Id> user_id;
};

struct User {
  Id id = 0;
  std::string username;
  std::string password_hash;
  bool must_change_password = false;
  // Unused since schema 4: login failures and blocks are counted per username in
  // LoginFailures, for accounts and unknown usernames alike. Stored as written, left 0.
  int failed_attempts = 0;
  std::int64_t blocked_until = 0;
  bool blocked = false;
  bool disabled = false;
  // Unix seconds after which the temporary password no longer logs in; 0 = no such limit (a
  // password the pupil chose, or a temporary one given before the limit existed).
  std::int64_t temporary_expires_at = 0;
  std::optional<std::int64_t> last_login_at;  // the last login with the right password
};

// The failed logins of one username, whether an account holds it or not (docs/rules.md §4:
// an unknown username is blocked exactly as an account would be). Zeros: no failure.
struct LoginFailures {
  int failed_attempts = 0;
  std::int64_t blocked_until = 0;  // unix seconds; 0 = not temporarily blocked
  bool blocked = false;            // until an admin unblocks (or an account is created)
};

struct Participation {
  Id id = 0;
  Id campaign_id = 0;
  Id learner_id = 0;
  Id user_id = 0;
  std::string status;  // "STARTED", "TO_SHARE" or "SHARED"
  std::int64_t started_at = 0;
  std::optional<std::int64_t> completed_at;  // when it became TO_SHARE
  std::optional<std::int64_t> shared_at;     // when it became SHARED
  // The learner was dissociated from the account since: the participation stays the account's
  // but is no longer the learner's current one (the learner may start another).
  bool dissociated = false;
};

// A one-time token or a session as stored.
struct StoredToken {
  Id user_id = 0;
  std::int64_t expires_at = 0;
};

// One learner the campaign targets, with its current participation in it if any.
struct CampaignParticipant {
  Learner learner;
  std::optional<Participation> participation;
};

// The account states an admin filters learners on (docs/rules.md §7). Each learner is in exactly
// one, the first that applies: Disabled (the row or its account is disabled), NoAccount,
// Blocked (permanently, or temporarily at `now`), MustChangePassword, Active. The engines
// compute it with one SQL expression (src/storage/learner_state.hpp); nobody else does.
enum class LearnerState { NoAccount, Active, MustChangePassword, Blocked, Disabled };

// A search of the learner list (docs/rules.md §10), already folded by the service: a learner
// matches when its INE is `ine`, or its account's username is `username`, or `name` is the start
// of one of its name keys, or every non-empty word is the start of one of them.
struct LearnerSearch {
  static constexpr std::size_t kWords = 4;  // fixed slots, so the SQL never changes
  std::string ine;                          // the text as a canonical INE
  std::string username;                     // the text lower-cased
  std::string name;                         // every word's key, joined; "" finds by name nobody
  std::array<std::string, kWords> words;    // the words' keys; "" in unused slots
};

struct LearnerPageQuery {
  const std::string* division = nullptr;  // all divisions when null
  std::optional<LearnerState> state;      // every state when unset
  std::int64_t now = 0;                   // for temporary blocks
  int limit = 0;                          // rows at most (> 0)
  int offset = 0;                         // rows skipped first
  const std::string* ine = nullptr;       // the learner of this INE alone, when set
  const LearnerSearch* search = nullptr;  // every learner when null
};

// A learner with its state, its account, if any, and the number of participations of that
// account.
struct LearnerAccount {
  Learner learner;
  LearnerState state = LearnerState::NoAccount;
  std::optional<User> account;
  int participations = 0;
};

// One row of the audit log as the service writes it (staff.hpp, AuditRow, for each column).
// Never a secret, an INE or a name: learners are named by row id.
struct AuditEntry {
  std::string uai;         // the school acted on; "" for none (a school not yet created...)
  std::string actor_kind;  // "staff", "asserted", "operator" or "pupil"
  std::string actor_ref;
  std::string actor_name;
  std::string actor_role;  // "ADMIN", "MEMBER", "OPERATOR" or ""
  std::string action;
  std::string target;
  std::string detail;
  std::string outcome = "ok";  // or "forbidden"
  std::string client;          // the pseudonymous client key
};

// A staff account as stored (never shown whole: its hash and secrets stay in the service).
struct StaffAccount {
  Id id = 0;
  std::string username;
  std::string display_name;
  std::string password_hash;
  bool must_change_password = false;
  std::int64_t temporary_expires_at = 0;  // 0: no limit
  bool disabled = false;
  std::string totp_secret;   // as stored: sealed ("v1:...") or the raw secret; "" none
  std::string totp_pending;  // a secret being enrolled, as stored
  std::optional<std::int64_t> totp_last_step;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_login_at;
};

// A staff member's membership of a school.
struct StaffMembership {
  Id staff_id = 0;
  Id organization_id = 0;
  std::string uai;
  StaffRole role = StaffRole::Member;
  std::int64_t since = 0;
};

// An invitation as stored (its code only as a digest).
struct StoredInvitation {
  Id id = 0;
  Id organization_id = 0;
  StaffRole role = StaffRole::Member;
  std::string created_by;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

// A staff session or one-time token as stored.
struct StoredStaffToken {
  Id staff_id = 0;
  std::int64_t created_at = 0;
  std::int64_t last_used_at = 0;
  std::int64_t expires_at = 0;
};

// What a pupil's match reads first (StoreTransaction::campaign_candidates).
struct CampaignCandidates {
  std::optional<Campaign> campaign;        // nullopt: no campaign has the code
  std::vector<MatchCandidate> candidates;  // as match_candidates, for the campaign's school
};

// What a pupil's session shows (StoreTransaction::session_account): the session's token, its
// account, and the account's learners (ordered by id), each with its school.
struct SessionAccount {
  StoredToken token;
  User user;
  std::vector<std::pair<Learner, Organization>> learners;
};

// A pupil's participation with its campaign and the name of the campaign's school.
struct SessionParticipation {
  Participation participation;
  Campaign campaign;
  std::string school;
};

// The session's token, its account and the account's participations, dissociated ones too
// (ordered by id) (StoreTransaction::session_participations).
struct SessionParticipations {
  StoredToken token;
  User user;
  std::vector<SessionParticipation> participations;
};

enum class TransactionKind {
  Read,     // reads only; never waits for writers
  Write,    // reads then writes; SQLite: waits for the other writers first (one writer at a
            // time); PostgreSQL: READ COMMITTED, writers wait only on the rows they share
  Durable,  // like Write, and the commit survives power loss (creates credentials)
};

// UsernameRegistry (username.hpp): taken_suffixes(stem) reads the stem's bitmap (primary key
// of username_stems; empty when the stem has none), is_taken(username) probes the UNIQUE
// index of usernames. Both case-insensitive.
class StoreTransaction : public UsernameRegistry {
 public:
  // --- Organizations (UNIQUE uai)
  virtual std::optional<Organization> organization(std::string_view uai) = 0;
  virtual std::optional<Organization> organization_by_id(Id id) = 0;
  // Ordered by UAI.
  virtual std::vector<Organization> organizations() = 0;
  // nullopt when the UAI exists already.
  virtual std::optional<Organization> insert_organization(std::string_view uai,
                                                          std::string_view name,
                                                          std::int64_t created_at) = 0;

  // --- Learners: reads. Full rows (Learner) carry their account's username.
  virtual std::optional<Learner> learner(Id id) = 0;
  // Through (user_id).
  virtual std::optional<Learner> learner_by_user(Id organization_id, Id user_id) = 0;
  // Through UNIQUE (ine, organization_id).
  virtual std::optional<Learner> learner_by_ine(Id organization_id, std::string_view ine) = 0;
  // Every learner linked to the account, ordered by id; through (user_id).
  virtual std::vector<Learner> learners_of_user(Id user_id) = 0;
  // The matching candidates: ids and name keys of the enabled learners of a school born on
  // `birthdate`, through (organization_id, birthdate, disabled, keys...), which covers them.
  virtual std::vector<MatchCandidate> match_candidates(Id organization_id,
                                                       const BirthDate& birthdate) = 0;
  // The campaign of `canonical_code` (as campaign()) and, when there is one, the candidates of
  // its school born on `birthdate` (as match_candidates()), whatever the campaign's status. An
  // engine may read in the same statement what a match reads next about these candidates, and
  // answer later calls of learner(), username_linked_elsewhere() and taken_suffixes() for them
  // from it, in a read transaction only (PostgreSQL: a whole match in one round trip,
  // docs/architecture.md).
  virtual CampaignCandidates campaign_candidates(std::string_view canonical_code,
                                                 const BirthDate& birthdate) = 0;
  // The school's learners (of one division when `division` is set; disabled ones too when
  // asked), ordered by division, last name, first name, id.
  virtual std::vector<Learner> learners(Id organization_id, const std::string* division,
                                        bool include_disabled) = 0;
  // Calls `visit` once for every learner of the school, enabled or not, without its username
  // (an import reads the whole school without holding it all). Through (organization_id, ...).
  virtual void visit_learners(Id organization_id,
                              const std::function<void(const Learner&)>& visit) = 0;
  // Enabled learners of the campaign's division (its whole school when the campaign has no
  // division) without a participation in it; ordered as learners().
  virtual std::vector<Learner> learners_without_participation(const Campaign& campaign) = 0;
  // The learners the campaign concerns, with their current (not dissociated) participation in
  // it: the enabled learners of its division (its whole school without a division), and every
  // learner of the school with such a participation (a disabled one, or one of another
  // division who typed this code). Ordered as learners().
  virtual std::vector<CampaignParticipant> campaign_participants(const Campaign& campaign) = 0;
  // One page of the school's learners, disabled ones included, with their states and accounts,
  // filtered as `query` says, ordered by last name, first name, INE, id.
  virtual std::vector<LearnerAccount> learner_accounts(Id organization_id,
                                                       const LearnerPageQuery& query) = 0;
  // The username of the account linked to a learner holding `ine` in a school other than
  // `excluded_organization_id`, if any: of the school of lowest id when several are, the order
  // of the (ine, organization_id) index, so that the look-up reads that index and nothing else
  // (ordered by the learner's id, PostgreSQL may walk the whole table in id order instead).
  virtual std::optional<std::string> username_linked_elsewhere(std::string_view ine,
                                                               Id excluded_organization_id) = 0;
  // The accounts linked to a learner of a school other than `excluded_organization_id` that
  // holds one of `ines`, each once. One probe of (ine, organization_id) per INE, or batches of
  // them: the cost grows with the number of INEs, never with the table.
  virtual std::vector<Id> users_linked_by_ine(std::span<const std::string_view> ines,
                                              Id excluded_organization_id) = 0;
  // Every learner, of any school, linked to one of `user_ids`. Through (user_id).
  virtual std::vector<LinkedLearner> learners_linked_to(std::span<const Id> user_ids) = 0;

  // --- Learners: writes (UNIQUE (ine, organization_id))
  // Inserts enabled learners into the school, which holds none of their INEs yet (an import
  // reads the school and plans under the school's lock, visit_learners): a row whose (INE,
  // school) exists throws Error(DATABASE_ERROR), and the transaction fails with it. Returns how
  // many were inserted. An import calls it once per batch of rows, never once per row: an
  // engine writes a batch as fast as it can (prepared statements, COPY where they pay).
  virtual int insert_learners(Id organization_id, std::span<const NewLearner> rows,
                              std::int64_t updated_at) = 0;
  // Overwrites the learner's roster fields (INE included) and keys; its state and link stay.
  // Throws Error(DATABASE_ERROR) if another learner of the school holds that INE.
  virtual void update_learner(Id learner_id, const LearnerFields& fields,
                              std::int64_t updated_at) = 0;
  virtual void set_learner_disabled(Id learner_id, bool disabled, std::int64_t updated_at) = 0;
  // Links the learner to the account only if it has none: false if it had one (even this one)
  // or does not exist. Of two transactions linking the same learner, exactly one gets true.
  virtual bool link_learner(Id learner_id, Id user_id) = 0;
  virtual void unlink_learner(Id learner_id) = 0;
  // Marks every current participation of the learner dissociated (they keep their account and
  // learner); returns how many.
  virtual int dissociate_participations(Id learner_id) = 0;

  // --- Users (UNIQUE username, case-insensitive)
  virtual std::optional<User> user(Id id) = 0;
  virtual std::optional<User> user_by_username(std::string_view username) = 0;
  // Inserts an account; nullopt when the username is taken (of two transactions inserting the
  // same username, exactly one gets the account). The username's stem bitmap is not touched:
  // see add_taken_suffix.
  virtual std::optional<User> insert_user(std::string_view username, std::string_view password_hash,
                                          bool must_change_password, std::int64_t created_at) = 0;
  // Writes every field of `user` but its username.
  virtual void save_user(const User& user) = 0;
  // false when another account has that username (nothing written).
  virtual bool rename_user(Id user_id, std::string_view username) = 0;
  // Marks `suffix` (0..9999) taken in the bitmap of `stem`, creating the row if needed, as one
  // atomic step: of concurrent calls on the same stem, every suffix lands.
  virtual void add_taken_suffix(std::string_view stem, int suffix) = 0;

  // --- Campaigns (UNIQUE code)
  virtual std::optional<Campaign> campaign(std::string_view canonical_code) = 0;
  // Ordered by id.
  virtual std::vector<Campaign> campaigns(Id organization_id) = 0;
  // Inserts a campaign with its code, name, division, target profile and status; nullopt when
  // the code is taken.
  virtual std::optional<Campaign> insert_campaign(Id organization_id, const Campaign& campaign,
                                                  std::int64_t created_at) = 0;
  virtual void set_campaign_status(Id campaign_id, CampaignStatus status) = 0;
  virtual std::optional<Campaign> campaign_by_id(Id campaign_id) = 0;
  // Whether anybody has a participation in the campaign, dissociated or not.
  virtual bool campaign_has_participations(Id campaign_id) = 0;

  // --- Participations (UNIQUE (campaign_id, learner_id))
  virtual std::optional<Participation> participation(Id campaign_id, Id learner_id) = 0;
  // Starts a participation ("STARTED"); false when the learner has one in the campaign already
  // (kept as it is). Of two transactions inserting the same one, exactly one gets true.
  virtual bool insert_participation(Id campaign_id, Id learner_id, Id user_id,
                                    std::int64_t created_at) = 0;
  // Ordered by id; through (learner_id).
  virtual std::vector<Participation> participations_of_learner(Id learner_id) = 0;
  // The account's participations, dissociated ones too, ordered by id; through (user_id).
  virtual std::vector<Participation> participations_of_user(Id user_id) = 0;
  // How many participations the account has; through (user_id).
  virtual int count_participations_of_user(Id user_id) = 0;
  // Deletes the learner's current (not dissociated) participation in the campaign; false when
  // there was none.
  virtual bool delete_participation(Id campaign_id, Id learner_id) = 0;
  // Writes the participation's status, completed_at and shared_at.
  virtual void save_participation(const Participation& participation) = 0;

  // --- One-time tokens and sessions, stored as digests (primary key)
  virtual void insert_token(std::string_view digest, Id user_id, std::string_view purpose,
                            std::int64_t expires_at) = 0;
  // Returns the token's user if it exists, has this purpose, expires after `now` and was not
  // used, and marks it used: of two transactions consuming it, exactly one gets the user.
  virtual std::optional<Id> consume_token(std::string_view digest, std::string_view purpose,
                                          std::int64_t now) = 0;
  // The token if it exists, has this purpose, expires after `now` and was not used (the same
  // test as consume_token, without consuming).
  virtual std::optional<StoredToken> token(std::string_view digest, std::string_view purpose,
                                           std::int64_t now) = 0;
  // Deletes one token; false if there was none.
  virtual bool delete_token(std::string_view digest) = 0;
  // Deletes the user's tokens of `purpose` (every purpose when empty).
  virtual void revoke_tokens(Id user_id, std::string_view purpose) = 0;

  // --- What a pupil's session reads: the token of `digest` (as token()) and its account, with
  // the account's learners and their schools, or with its participations, their campaigns and
  // schools; nullopt without such a token or account. By default composed of the calls above
  // (src/storage/session_reads.cpp); PostgreSQL reads each in one statement in a read
  // transaction, so that a pupil's page is one round trip (docs/architecture.md).
  virtual std::optional<SessionAccount> session_account(std::string_view digest,
                                                        std::string_view purpose, std::int64_t now);
  virtual std::optional<SessionParticipations> session_participations(std::string_view digest,
                                                                      std::string_view purpose,
                                                                      std::int64_t now);

  // --- Throttling: events of `kind` per client key, through (client_key, kind, at)
  // How many are at or after `since`.
  virtual int count_events(std::string_view client_key, std::string_view kind,
                           std::int64_t since) = 0;
  // The time of the oldest at or after `since`.
  virtual std::optional<std::int64_t> oldest_event(std::string_view client_key,
                                                   std::string_view kind, std::int64_t since) = 0;
  // Records one event at `at` and forgets this key's events of this kind before
  // `forget_before`.
  virtual void record_event(std::string_view client_key, std::string_view kind, std::int64_t at,
                            std::int64_t forget_before) = 0;

  // --- Login failures per username (primary key, ASCII case-insensitive), kept apart from
  // the accounts so that a username nobody holds is counted the same way.
  // Zeros when the username has no row.
  virtual LoginFailures login_failures(std::string_view username) = 0;
  // Writes the username's row, creating it if needed, in one statement.
  virtual void save_login_failures(std::string_view username, const LoginFailures& failures) = 0;
  // Deletes the username's row, if any.
  virtual void clear_login_failures(std::string_view username) = 0;

  // --- Staff accounts (UNIQUE username, case-insensitive; a namespace apart from users')
  virtual std::optional<StaffAccount> staff(Id id) = 0;
  virtual std::optional<StaffAccount> staff_by_username(std::string_view username) = 0;
  // nullopt when the username is taken (the UNIQUE constraint decides).
  virtual std::optional<StaffAccount> insert_staff(std::string_view username,
                                                   std::string_view display_name,
                                                   std::string_view password_hash,
                                                   std::int64_t created_at) = 0;
  // Writes every field of `account` but its id, username and creation time.
  virtual void save_staff(const StaffAccount& account) = 0;
  // Records `step` as the last accepted TOTP step if it is later than the stored one (or none
  // is stored), as one conditional update: of two transactions accepting the same step,
  // exactly one gets true.
  virtual bool advance_totp_step(Id staff_id, std::int64_t step) = 0;

  // --- Memberships (primary key (staff_id, organization_id))
  // The account's memberships with their schools' UAIs, ordered by UAI.
  virtual std::vector<StaffMembership> memberships_of_staff(Id staff_id) = 0;
  // The school's members with their accounts, ordered by username; through
  // (organization_id, role).
  virtual std::vector<std::pair<StaffMembership, StaffAccount>> members(Id organization_id) = 0;
  // false when the account is a member of the school already (nothing written).
  virtual bool insert_membership(const StaffMembership& membership) = 0;
  virtual void set_membership_role(Id staff_id, Id organization_id, StaffRole role) = 0;
  virtual void delete_membership(Id staff_id, Id organization_id) = 0;
  // The school's ADMINs whose accounts are not disabled; their rows stay locked until the end
  // of the transaction where the engine locks rows (PostgreSQL), so that two transactions
  // demoting two ADMINs cannot both see the other still there.
  virtual int count_admins(Id organization_id) = 0;

  // --- Invitations (UNIQUE digest)
  virtual StoredInvitation insert_invitation(std::string_view digest,
                                             const StoredInvitation& invitation) = 0;
  // The invitation if it exists, is neither used nor revoked and expires after `now`.
  virtual std::optional<StoredInvitation> live_invitation(std::string_view digest,
                                                          std::int64_t now) = 0;
  // The same, marked used: of two transactions consuming it, exactly one gets it.
  virtual std::optional<StoredInvitation> consume_invitation(std::string_view digest,
                                                             std::int64_t now) = 0;
  // The school's invitations neither used, revoked nor expired at `now`, ordered by id.
  virtual std::vector<StoredInvitation> pending_invitations(Id organization_id,
                                                            std::int64_t now) = 0;
  // Revokes a pending invitation of the school; false when it has none of that id.
  virtual bool revoke_invitation(Id organization_id, Id invitation_id, std::int64_t now) = 0;

  // --- Staff sessions and one-time tokens, as digests (primary key)
  virtual void insert_staff_token(std::string_view digest, Id staff_id, std::string_view purpose,
                                  std::int64_t created_at, std::int64_t expires_at) = 0;
  // The token if it exists with this purpose, unused and expiring after `now`.
  virtual std::optional<StoredStaffToken> staff_token(std::string_view digest,
                                                      std::string_view purpose,
                                                      std::int64_t now) = 0;
  virtual void touch_staff_token(std::string_view digest, std::int64_t now) = 0;
  // The token's account if it was live (as staff_token), marking it used: one consumer wins.
  virtual std::optional<Id> consume_staff_token(std::string_view digest, std::string_view purpose,
                                                std::int64_t now) = 0;
  virtual bool delete_staff_token(std::string_view digest) = 0;
  // Deletes the account's tokens of `purpose` (every purpose when empty).
  virtual void revoke_staff_tokens(Id staff_id, std::string_view purpose) = 0;

  // --- Recovery codes, as digests (primary key (staff_id, digest))
  // Replaces the account's recovery codes by these.
  virtual void replace_recovery_codes(Id staff_id, std::span<const std::string> digests) = 0;
  // Marks an unused code of the account used; false when it has none such.
  virtual bool use_recovery_code(Id staff_id, std::string_view digest, std::int64_t now) = 0;

  // --- Staff login failures, per normalised username, as login_failures for pupils
  virtual LoginFailures staff_login_failures(std::string_view username) = 0;
  virtual void save_staff_login_failures(std::string_view username,
                                         const LoginFailures& failures) = 0;
  virtual void clear_staff_login_failures(std::string_view username) = 0;

  // --- Campaign names and owners
  virtual void rename_campaign(Id campaign_id, std::string_view name) = 0;
  // The campaign's owner: a staff account, or an asserted identity's subject; neither clears it.
  virtual void set_campaign_owner(Id campaign_id, std::optional<Id> staff_id,
                                  std::string_view subject) = 0;

  // --- Audit trail
  virtual void audit(const AuditEntry& entry, std::int64_t at) = 0;
  // The school's rows, newest first (then by id, newest first), filtered as `query` says;
  // through (uai, at).
  virtual std::vector<AuditRow> audit_rows(std::string_view uai, const AuditQuery& query) = 0;
  // Deletes every row before `before`; returns how many. Through (at).
  virtual int purge_audit(std::int64_t before) = 0;
  // Every audit row whose target is `from` (ASCII case-insensitive) names `to` instead, and so
  // does its actor reference when a pupil acted; through an index on the target.
  virtual void retarget_audit(std::string_view from, std::string_view to) = 0;
};

// The schema version a database holds (0: none yet) and the one this library's migrations
// reach (the length of the engine's migration list).
struct SchemaVersions {
  std::size_t database = 0;
  std::size_t library = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // "sqlite" or "postgresql".
  virtual std::string_view engine() const noexcept = 0;
  // Read now, outside any transaction of `transact`.
  virtual SchemaVersions schema_versions() = 0;
  // The engine's own checks of what it stores (SQLite: integrity_check, foreign_key_check):
  // one line per problem found, none when the database is sound.
  virtual std::vector<std::string> check() = 0;
  // A consistent copy of the whole database, as of one instant, into the new file `target`
  // (created 0600; INVALID_ARGUMENT if it exists). Writers go on meanwhile. SQLite only: an
  // engine with its own tools (PostgreSQL's pg_dump) refuses with INVALID_ARGUMENT naming them.
  virtual void backup(const std::filesystem::path& target) = 0;
  // Runs `work` in one transaction of the given kind: committed if it returns, rolled back if
  // it throws (the exception propagates). Waits for other writers rather than failing. SQLite
  // runs one transaction at a time per Store (callers on other threads wait); PostgreSQL up to
  // its pool's size at once. Several Store instances, in one process or several, may share a
  // database. An engine may run `work` again, a bounded number of times, after a deadlock or
  // serialization failure rolled it back whole (PostgreSQL): `work` sets its results rather
  // than appending to what a previous run left. Nothing else is retried here.
  virtual void transact(TransactionKind kind,
                        const std::function<void(StoreTransaction&)>& work) = 0;
};

// What opening a store does with a schema older than the library's (a newer one is always
// refused: SCHEMA_TOO_NEW).
enum class SchemaPolicy {
  Migrate,  // migrates it (and creates a new database)
  Refuse,   // refuses it, a missing or empty database too: SCHEMA_TOO_OLD
  Leave,    // leaves it as it is, whatever its version: only schema_versions, check and backup
            // may be called (the operator's db commands); a missing SQLite file is DATABASE_ERROR
};

struct StoreOptions {
  // How long a transaction waits for a lock held outside the writer protocol (SQLite: another
  // program on the file, a checkpoint; PostgreSQL: any lock, as lock_timeout) before failing
  // with DATABASE_BUSY.
  int busy_timeout_ms = 10000;
  SchemaPolicy schema = SchemaPolicy::Migrate;
  // Diagnostics (tests): called with the text of every SQL statement the store runs, just
  // before it runs, on the calling thread. Parameters appear as placeholders (?1, ?2...).
  std::function<void(std::string_view sql)> on_statement;
  // Diagnostics (benchmarks, tests): called once per round trip to a database server (a
  // statement, a preparation, a pipeline of statements or a COPY sent and its answer awaited),
  // on the calling thread. SQLite runs in the process and never calls it.
  std::function<void()> on_round_trip;
};

// Opens (creating if needed) a SQLite database file and migrates its schema (as
// options.schema says). Writers of every
// process using the file take the lock file "<path>-lock" before writing (docs/architecture.md,
// SQLite).
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path,
                                         const StoreOptions& options = {});

// True for what open_postgresql_store takes: "postgresql://...", "postgres://..." or
// "postgresql:key=value ...". Anything else is a SQLite file path.
bool is_postgresql_url(std::string_view location);

// Connects to PostgreSQL (libpq connection URI, or key=value pairs after "postgresql:"; every
// libpq parameter works as libpq documents) and creates or migrates the schema under an
// advisory lock (docs/deployment.md). Two query parameters of a URI are inscrire's and are
// not passed to libpq: `schema` (default "inscrire") and `pool_size` (connections, default 4).
// Throws Error(INVALID_ARGUMENT) for a malformed URL, Error(DATABASE_UNAVAILABLE) when the
// server cannot be reached (libpq's message, without the password), Error(SCHEMA_TOO_NEW).
// On a lost connection the running transaction fails with DATABASE_UNAVAILABLE and the next
// one reconnects. options.busy_timeout_ms bounds each wait for a lock (lock_timeout).
std::unique_ptr<Store> open_postgresql_store(std::string_view url,
                                             const StoreOptions& options = {});

}  // namespace inscrire
