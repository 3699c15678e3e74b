// School staff (docs/rules.md §9): accounts with a role per school, invitations, the actor every
// admin operation takes, the permission table, and the records the staff operations return.
// The library, not the host, decides whether this person may do this to this school.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inscrire/records.hpp"

namespace inscrire {

// A role in one school: ADMIN (« Administrateur ») or MEMBER (« Membre », a teacher).
enum class StaffRole { Member, Admin };
// "MEMBER", "ADMIN".
std::string_view staff_role_name(StaffRole role) noexcept;
// The inverse, case-insensitive; nullopt for anything else.
std::optional<StaffRole> staff_role_from_name(std::string_view name) noexcept;

// One membership: a school (UAI) and the role held there.
#define INSCRIRE_MEMBERSHIP_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, uai, always)                   \
  FIELD(StaffRole, role, always)
struct Membership {
  INSCRIRE_MEMBERSHIP_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(Membership, INSCRIRE_MEMBERSHIP_FIELDS)

// Who acts, given to every admin operation. Four kinds:
// - a staff member, by the session token of staff_login (the service checks the session, and
//   reads the member's current memberships, at every call: a revoked role acts no more);
// - an identity asserted by a platform with its own identity provider: an issuer, a subject,
//   a display name and the memberships the host vouches for; the library still refuses what
//   those memberships do not allow;
// - the operator: whoever holds the database itself (the CLI on the server, a platform's back
//   office), who may do anything; `name` goes into the audit log;
// - unspecified (the default argument): the operator named "admin", as before staff existed,
//   unless ServiceOptions::require_staff, which refuses it (FORBIDDEN).
// `client_key` (an address, a browser's key) is recorded, pseudonymised, in the audit rows.
class Actor {
 public:
  enum class Kind { Unspecified, Operator, Staff, Asserted };

  Actor() = default;
  // Unspecified, with a name for the audit log: the first versions' free `actor` string, so
  // that code written against them (`reset_password(uai, username, "admin")`) still compiles.
  Actor(const char* name) : name_(name) {}         // NOLINT(google-explicit-constructor)
  Actor(std::string_view name) : name_(name) {}    // NOLINT(google-explicit-constructor)
  Actor(const std::string& name) : name_(name) {}  // NOLINT(google-explicit-constructor)
  static Actor named(std::string name);
  static Actor as_operator(std::string name);
  static Actor staff(std::string session_token);
  static Actor asserted(std::string issuer, std::string subject, std::string display_name,
                        std::vector<Membership> memberships);
  // The same actor, recording this client key in the audit rows.
  Actor with_client_key(std::string client_key) const;

  Kind kind() const noexcept { return kind_; }
  // Operator: its name. Staff: the session token. Asserted: issuer and subject.
  const std::string& name() const noexcept { return name_; }
  const std::string& session_token() const noexcept { return name_; }
  const std::string& issuer() const noexcept { return issuer_; }
  const std::string& subject() const noexcept { return subject_; }
  const std::string& display_name() const noexcept { return display_name_; }
  const std::vector<Membership>& memberships() const noexcept { return memberships_; }
  const std::string& client_key() const noexcept { return client_key_; }

 private:
  Kind kind_ = Kind::Unspecified;
  std::string name_ = "admin";
  std::string issuer_;
  std::string subject_;
  std::string display_name_;
  std::vector<Membership> memberships_;
  std::string client_key_;
};

// Who may do what (docs/rules.md §9, "Permissions"): the rank an operation needs, from the
// lowest. An operator passes every check; an ADMIN of the school passes Member, Owner and
// Admin; a MEMBER passes Member, and Owner for a campaign they own.
enum class Rank { Member, Owner, Admin, Operator };

// Every admin operation, each with its rank in kPermissions (one table: the checks, the docs'
// table and the tests derive from it).
enum class Operation {
  ListLearners,
  ViewLearner,
  ViewAccount,
  ListCampaigns,
  ViewParticipants,
  ViewNotJoined,
  ClassSheet,
  ResetPassword,
  Unblock,
  GenerateCredentials,
  CreateCampaign,
  UpdateCampaign,
  ArchiveCampaign,
  UnarchiveCampaign,
  DeleteCampaign,
  DeleteParticipation,
  ImportRoster,
  ImportAccount,
  Dissociate,
  ExportLearner,
  AnonymizeLearner,
  InviteStaff,
  ListMembers,
  ListInvitations,
  SetMemberRole,
  RemoveMember,
  RevokeInvitation,
  ResetStaffPassword,
  ResetSecondFactor,
  ReadAuditLog,
  CreateOrganization,
  PurgeAuditLog,
};

struct Permission {
  Operation operation;
  std::string_view name;  // the operation's name on every surface, and its audit action
  Rank rank;
};

// The permission table, one row per Operation in its order.
std::span<const Permission> permissions() noexcept;
const Permission& permission(Operation operation) noexcept;
// "MEMBER", "OWNER", "ADMIN", "OPERATOR".
std::string_view rank_name(Rank rank) noexcept;

// --- Records the staff operations return (records.hpp explains the lists)

// An invitation as created (the code is shown this once; only its digest is kept).
#define INSCRIRE_STAFF_INVITATION_FIELDS(FIELD, COMPOUND) \
  FIELD(RecordId, id, always)                             \
  FIELD(std::string, code, always) /* "ABCD-EFGH-2345" */ \
  FIELD(std::string, uai, always)                         \
  FIELD(StaffRole, role, always)                          \
  FIELD(std::int64_t, expires_at, always)
struct StaffInvitation {
  INSCRIRE_STAFF_INVITATION_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(StaffInvitation, INSCRIRE_STAFF_INVITATION_FIELDS)

// A staff login: a session, or (after a reset) a one-time token to choose a new password.
#define INSCRIRE_STAFF_LOGIN_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, session_token, unless_empty)    \
  FIELD(std::string, username, always)               \
  FIELD(std::int64_t, expires_at, unless_empty)      \
  FIELD(bool, password_change_required, always)      \
  FIELD(std::string, change_token, unless_empty)
struct StaffLogin {
  INSCRIRE_STAFF_LOGIN_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(StaffLogin, INSCRIRE_STAFF_LOGIN_FIELDS)

// What a live staff session is (staff_authenticate): the member, their memberships now.
#define INSCRIRE_STAFF_SESSION_FIELDS(FIELD, COMPOUND)   \
  FIELD(std::string, username, always)                   \
  FIELD(std::string, display_name, always)               \
  COMPOUND(std::vector<Membership>, memberships, always) \
  FIELD(std::int64_t, expires_at, always)                \
  FIELD(bool, second_factor, always) /* enrolled */
struct StaffSession {
  INSCRIRE_STAFF_SESSION_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(StaffSession, INSCRIRE_STAFF_SESSION_FIELDS)

// A second factor being enrolled: the secret (base32), the otpauth:// URI and its QR code.
#define INSCRIRE_SECOND_FACTOR_ENROLMENT_FIELDS(FIELD, COMPOUND) \
  FIELD(std::string, secret, always)                             \
  FIELD(std::string, otpauth_uri, always)                        \
  FIELD(std::string, qr_svg, always)
struct SecondFactorEnrolment {
  INSCRIRE_SECOND_FACTOR_ENROLMENT_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(SecondFactorEnrolment, INSCRIRE_SECOND_FACTOR_ENROLMENT_FIELDS)

// A member of a school's team.
#define INSCRIRE_STAFF_MEMBER_FIELDS(FIELD, COMPOUND)       \
  FIELD(std::string, username, always)                      \
  FIELD(std::string, display_name, always)                  \
  FIELD(StaffRole, role, always)                            \
  FIELD(std::int64_t, since, always)                        \
  FIELD(std::optional<std::int64_t>, last_login_at, always) \
  FIELD(bool, second_factor, always)
struct StaffMember {
  INSCRIRE_STAFF_MEMBER_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(StaffMember, INSCRIRE_STAFF_MEMBER_FIELDS)

// A pending invitation of a school (never its code).
#define INSCRIRE_PENDING_INVITATION_FIELDS(FIELD, COMPOUND) \
  FIELD(RecordId, id, always)                               \
  FIELD(StaffRole, role, always)                            \
  FIELD(std::string, created_by, always)                    \
  FIELD(std::int64_t, expires_at, always)
struct PendingInvitation {
  INSCRIRE_PENDING_INVITATION_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(PendingInvitation, INSCRIRE_PENDING_INVITATION_FIELDS)

// One row of the audit log (docs/security.md, "Audit"): learners named by row id, never by INE
// or name; `client` is the first 16 hex characters of SHA-256 of the client key.
#define INSCRIRE_AUDIT_ROW_FIELDS(FIELD, COMPOUND) \
  FIELD(std::int64_t, at, always)                  \
  FIELD(std::string, uai, always)                  \
  FIELD(std::string, actor_kind, always)           \
  FIELD(std::string, actor_ref, always)            \
  FIELD(std::string, actor_name, always)           \
  FIELD(std::string, actor_role, always)           \
  FIELD(std::string, action, always)               \
  FIELD(std::string, target, always)               \
  FIELD(std::string, detail, always)               \
  FIELD(std::string, outcome, always)              \
  FIELD(std::string, client, always)
struct AuditRow {
  INSCRIRE_AUDIT_ROW_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(AuditRow, INSCRIRE_AUDIT_ROW_FIELDS)

// The audit log's filters and page.
struct AuditQuery {
  std::optional<std::int64_t> since;  // rows at or after this time
  std::optional<std::string> action;  // one action's rows
  int limit = 100;                    // 1..1000
  int offset = 0;                     // 0..10 000 000
};

// Staff accounts' policy: session lengths, invitations, the second factor (ServiceOptions).
enum class SecondFactorPolicy { Off, Admins, All };
// "off", "admins", "all".
std::string_view second_factor_policy_name(SecondFactorPolicy policy) noexcept;
std::optional<SecondFactorPolicy> second_factor_policy_from_name(std::string_view name) noexcept;

}  // namespace inscrire
