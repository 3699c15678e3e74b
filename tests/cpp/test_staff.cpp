// School staff (docs/rules.md §9) on every engine: invitations, the team, staff logins and
// sessions, the second factor, the audit log a school reads, and what the database keeps of
// their secrets. Who may do what is tests/cpp/test_permissions.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "inscrire/second_factor.hpp"
#include "inscrire/service.hpp"
#include "service_fixture.hpp"

namespace inscrire::testing {
namespace {

constexpr const char* kPassword = "Correct horse battery 42";
constexpr const char* kOtherUai = "0331234B";
constexpr std::int64_t kStart = 1'750'000'000;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

class Staff : public ServiceTest {
 protected:
  Staff() : service_(make()) {
    service_.create_organization(kSampleUai, "Collège Victor Hugo");
    service_.import_roster(kSampleUai, sample_roster());
    service_.create_organization(kOtherUai, "Lycée B");
  }

  Service make(ServiceOptions options = fast_options()) {
    options.clock = [this] { return now_; };
    return open(std::move(options));
  }

  // An account invited by the operator into the sample school: its session token.
  std::string join(const std::string& username, StaffRole role = StaffRole::Member,
                   const char* uai = kSampleUai) {
    const auto invitation = service_.invite_staff(uai, role);
    return service_.accept_staff_invitation(invitation.code, username, "M. " + username, kPassword)
        .session_token;
  }

  std::vector<std::string> audit_actions(const char* uai = kSampleUai) {
    std::vector<std::string> actions;
    for (const auto& row : service_.audit_log(uai)) {
      actions.push_back(row.action + "/" + row.outcome + "/" + row.actor_ref);
    }
    return actions;
  }

  // The secret of a new enrolment and the code of the current step.
  static std::string code_at(const std::string& base32, std::int64_t now) {
    return totp_code(*base32_decode(base32), totp_step(now));
  }

  std::string enrol(const std::string& token) {
    const auto enrolment = service_.begin_second_factor(token);
    const auto codes = service_.confirm_second_factor(token, code_at(enrolment.secret, now_));
    EXPECT_EQ(codes.size(), 10u);
    now_ += 30;  // the next login needs a later step
    secret_ = enrolment.secret;
    return codes.front();
  }

  std::int64_t now_ = kStart;
  Service service_;
  std::string secret_;
};

// --- Invitations --------------------------------------------------------------------------

TEST_P(Staff, AnInvitationCreatesTheAccountAndItsMembershipOnce) {
  const auto invitation = service_.invite_staff(kSampleUai, StaffRole::Admin);
  EXPECT_EQ(invitation.code.size(), 14u);  // ABCD-EFGH-2345
  EXPECT_EQ(invitation.code[4], '-');
  EXPECT_EQ(invitation.uai, kSampleUai);
  EXPECT_EQ(invitation.expires_at, kStart + 7 * 24 * 3600);
  // Typed in lower case, without hyphens: the same code.
  std::string typed = invitation.code;
  std::erase(typed, '-');
  std::transform(typed.begin(), typed.end(), typed.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  const auto login = service_.accept_staff_invitation(typed, "Marie.Curie", "Mme Curie", kPassword);
  EXPECT_EQ(login.username, "marie.curie");
  const auto session = service_.staff_authenticate(login.session_token);
  ASSERT_EQ(session.memberships.size(), 1u);
  EXPECT_EQ(session.memberships[0].uai, kSampleUai);
  EXPECT_EQ(session.memberships[0].role, StaffRole::Admin);
  EXPECT_EQ(error_of([&] {
              service_.accept_staff_invitation(invitation.code, "autre", "Autre", kPassword);
            }),
            ErrorCode::INVITATION_INVALID);
}

TEST_P(Staff, UnknownExpiredAndRevokedInvitationsAnswerAlike) {
  const auto expiring = service_.invite_staff(kSampleUai, StaffRole::Member, {}, 1);
  const auto revoked = service_.invite_staff(kSampleUai, StaffRole::Member);
  EXPECT_EQ(service_.invitations(kSampleUai).size(), 2u);
  service_.revoke_staff_invitation(kSampleUai, revoked.id);
  EXPECT_EQ(service_.invitations(kSampleUai).size(), 1u);
  now_ += 24 * 3600;  // the one-day invitation has expired
  EXPECT_TRUE(service_.invitations(kSampleUai).empty());
  std::vector<std::string> messages;
  for (const auto& code :
       {expiring.code, revoked.code, std::string("ABCD-EFGH-2345"), std::string("not a code")}) {
    try {
      service_.accept_staff_invitation(code, "someone", "Someone", kPassword);
      ADD_FAILURE() << code;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::INVITATION_INVALID);
      messages.push_back(e.message());
    }
  }
  EXPECT_EQ(std::count(messages.begin(), messages.end(), messages.front()), 4);
  EXPECT_EQ(error_of([&] { service_.revoke_staff_invitation(kSampleUai, revoked.id); }),
            ErrorCode::INVITATION_INVALID);
}

TEST_P(Staff, WrongInvitationCodesAreThrottledPerClientKey) {
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(error_of([&] {
                service_.accept_staff_invitation("ABCD-EFGH-2345", "someone", "S", kPassword,
                                                 "203.0.113.7");
              }),
              ErrorCode::INVITATION_INVALID);
  }
  EXPECT_EQ(error_of([&] {
              service_.accept_staff_invitation("ABCD-EFGH-2345", "someone", "S", kPassword,
                                               "203.0.113.7");
            }),
            ErrorCode::TOO_MANY_ATTEMPTS);
}

TEST_P(Staff, ALoggedInMemberAcceptsAnInvitationIntoAnotherSchool) {
  const auto token = join("prof.dupont");
  const auto invitation = service_.invite_staff(kOtherUai, StaffRole::Admin);
  const auto session = service_.accept_staff_invitation(invitation.code, Actor::staff(token));
  ASSERT_EQ(session.memberships.size(), 2u);
  EXPECT_EQ(session.memberships[0].uai, kOtherUai);
  EXPECT_EQ(session.memberships[0].role, StaffRole::Admin);
}

TEST_P(Staff, UsernamesAndPasswordsFollowTheStaffRules) {
  const auto code = [&] { return service_.invite_staff(kSampleUai, StaffRole::Member).code; };
  EXPECT_EQ(error_of([&] { service_.accept_staff_invitation(code(), "ab", "A", kPassword); }),
            ErrorCode::INVALID_VALUE);
  EXPECT_EQ(error_of([&] { service_.accept_staff_invitation(code(), "a b", "A", kPassword); }),
            ErrorCode::INVALID_VALUE);
  EXPECT_EQ(error_of([&] { service_.accept_staff_invitation(code(), "abc", "A", "Short1!"); }),
            ErrorCode::PASSWORD_TOO_WEAK);
  EXPECT_EQ(
      error_of([&] { service_.accept_staff_invitation(code(), "durand", "A", "xxDURANDxx-2026"); }),
      ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  join("durand");
  EXPECT_EQ(error_of([&] { service_.accept_staff_invitation(code(), "DURAND", "A", kPassword); }),
            ErrorCode::STAFF_USERNAME_TAKEN);
  // A staff username may be a pupil's: the namespaces are apart.
  EXPECT_NO_THROW(service_.accept_staff_invitation(code(), "lea.martin1205", "Léa", kPassword));
}

// --- The team -----------------------------------------------------------------------------

TEST_P(Staff, TheTeamListsMembersAndPendingInvitationsNeverTheirCodes) {
  const auto admin = join("chef", StaffRole::Admin);
  join("prof");
  const auto pending = service_.invite_staff(kSampleUai, StaffRole::Member, Actor::staff(admin));
  const auto members = service_.members(kSampleUai, Actor::staff(admin));
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].username, "chef");
  EXPECT_EQ(members[0].role, StaffRole::Admin);
  EXPECT_EQ(members[1].username, "prof");
  EXPECT_EQ(members[0].since, kStart);
  const auto invitations = service_.invitations(kSampleUai, Actor::staff(admin));
  ASSERT_EQ(invitations.size(), 1u);
  EXPECT_EQ(invitations[0].id, pending.id);
  EXPECT_EQ(invitations[0].created_by, "chef");
}

TEST_P(Staff, TheLastAdminCanNeitherLeaveNorBeDemotedNotEvenByTheOperator) {
  const auto admin = join("chef", StaffRole::Admin);
  join("prof");
  EXPECT_EQ(error_of([&] { service_.set_member_role(kSampleUai, "chef", StaffRole::Member); }),
            ErrorCode::LAST_ADMIN);
  EXPECT_EQ(error_of([&] { service_.remove_member(kSampleUai, "chef", Actor::staff(admin)); }),
            ErrorCode::LAST_ADMIN);
  service_.set_member_role(kSampleUai, "prof", StaffRole::Admin, Actor::staff(admin));
  service_.remove_member(kSampleUai, "chef", Actor::staff(admin));  // leaves, another ADMIN stays
  // Its last membership gone, the account's sessions end.
  EXPECT_EQ(error_of([&] { service_.staff_authenticate(admin); }), ErrorCode::SESSION_INVALID);
}

// --- Logins and sessions ------------------------------------------------------------------

TEST_P(Staff, StaffLoginsFailAndBlockAsPupilsDoUnknownUsernamesAlike) {
  join("prof.dupont");
  for (const auto* username : {"prof.dupont", "personne"}) {
    for (int i = 1; i < 10; ++i) {
      EXPECT_EQ(error_of([&] { service_.staff_login(username, "wrong password 12"); }),
                ErrorCode::INVALID_CREDENTIALS);
    }
    EXPECT_EQ(error_of([&] { service_.staff_login(username, "wrong password 12"); }),
              ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
    EXPECT_EQ(error_of([&] { service_.staff_login(username, kPassword); }),
              ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  }
  // A pupil's failures never touch a staff member's counter, nor the reverse.
  EXPECT_EQ(error_of([&] { service_.login("prof.dupont", "whatever"); }),
            ErrorCode::INVALID_CREDENTIALS);
  now_ += 121;
  EXPECT_NO_THROW(service_.staff_login("PROF.DUPONT", kPassword));
}

TEST_P(Staff, AClientKeyFailingStaffLoginsIsThrottledAPupilsFailuresDoNotCount) {
  join("prof");
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(error_of([&] { service_.login("pupil" + std::to_string(i), "x", "198.51.100.1"); }),
              ErrorCode::INVALID_CREDENTIALS);
  }
  EXPECT_NO_THROW(service_.staff_login("prof", kPassword, "198.51.100.1"));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(error_of([&] {
                service_.staff_login("user" + std::to_string(i), "wrong password 12",
                                     "198.51.100.2");
              }),
              ErrorCode::INVALID_CREDENTIALS);
  }
  EXPECT_EQ(error_of([&] { service_.staff_login("prof", kPassword, "198.51.100.2"); }),
            ErrorCode::TOO_MANY_ATTEMPTS);
}

TEST_P(Staff, SessionsEndAfterThirtyIdleMinutesAndEightHours) {
  const auto token = join("prof");
  now_ += 29 * 60;
  service_.staff_authenticate(token);  // used: the idle limit starts again
  now_ += 29 * 60;
  EXPECT_NO_THROW(service_.staff_authenticate(token));
  now_ += 31 * 60;
  EXPECT_EQ(error_of([&] { service_.staff_authenticate(token); }), ErrorCode::SESSION_INVALID);
  const auto fresh = service_.staff_login("prof", kPassword).session_token;
  for (int i = 0; i < 16; ++i) {
    now_ += 29 * 60;
    service_.staff_authenticate(fresh);  // 7 h 44 min after the login, at the last
  }
  now_ += 29 * 60;  // 8 h 13 min after the login: never idle, and yet over
  EXPECT_EQ(error_of([&] { service_.staff_authenticate(fresh); }), ErrorCode::SESSION_INVALID);
}

TEST_P(Staff, APasswordChangeEndsEverySessionAResetAsksForANewOne) {
  const auto admin = join("chef", StaffRole::Admin);
  const auto token = join("prof");
  service_.change_staff_password("prof", kPassword, "Another long password 7");
  EXPECT_EQ(error_of([&] { service_.staff_authenticate(token); }), ErrorCode::SESSION_INVALID);
  const auto temporary = service_.reset_staff_password(kSampleUai, "prof", Actor::staff(admin));
  EXPECT_EQ(temporary.size(), 16u);
  const auto login = service_.staff_login("prof", temporary);
  EXPECT_TRUE(login.password_change_required);
  EXPECT_TRUE(login.session_token.empty());
  EXPECT_EQ(error_of([&] { service_.change_staff_password_with_token(login.change_token, "x"); }),
            ErrorCode::PASSWORD_TOO_WEAK);
  service_.change_staff_password_with_token(login.change_token, "My own long password 9");
  EXPECT_EQ(error_of([&] {
              service_.change_staff_password_with_token(login.change_token, "My own long pw 10");
            }),
            ErrorCode::INVALID_TOKEN);
  EXPECT_FALSE(service_.staff_login("prof", "My own long password 9").session_token.empty());
}

// --- Second factor ------------------------------------------------------------------------

TEST_P(Staff, ASecondFactorIsAskedForAfterTheRightPasswordAndWorksOncePerStep) {
  const auto token = join("prof");
  const auto enrolment = service_.begin_second_factor(token);
  EXPECT_TRUE(enrolment.otpauth_uri.starts_with("otpauth://totp/inscrire:prof?secret="));
  EXPECT_TRUE(contains(enrolment.qr_svg, "<svg"));
  EXPECT_EQ(error_of([&] { service_.confirm_second_factor(token, "000000"); }),
            ErrorCode::SECOND_FACTOR_INVALID);
  const auto recovery = service_.confirm_second_factor(token, code_at(enrolment.secret, now_));
  EXPECT_EQ(recovery.size(), 10u);
  EXPECT_NO_THROW(service_.staff_authenticate(token));  // this session goes on
  now_ += 30;
  EXPECT_EQ(error_of([&] { service_.staff_login("prof", kPassword); }),
            ErrorCode::SECOND_FACTOR_REQUIRED);
  const auto code = code_at(enrolment.secret, now_);
  EXPECT_FALSE(service_.staff_login("prof", kPassword, {}, code).session_token.empty());
  // The same step again: a replay.
  EXPECT_EQ(error_of([&] { service_.staff_login("prof", kPassword, {}, code); }),
            ErrorCode::SECOND_FACTOR_INVALID);
  // One step late or early is accepted, two are not.
  now_ += 60;
  EXPECT_NO_THROW(
      service_.staff_login("prof", kPassword, {}, code_at(enrolment.secret, now_ - 30)));
  now_ += 60;
  EXPECT_NO_THROW(
      service_.staff_login("prof", kPassword, {}, code_at(enrolment.secret, now_ + 30)));
  now_ += 60;
  EXPECT_EQ(error_of([&] {
              service_.staff_login("prof", kPassword, {}, code_at(enrolment.secret, now_ - 60));
            }),
            ErrorCode::SECOND_FACTOR_INVALID);
  // A recovery code once, typed as shown or not.
  EXPECT_NO_THROW(service_.staff_login("prof", kPassword, {}, recovery[3]));
  EXPECT_EQ(error_of([&] { service_.staff_login("prof", kPassword, {}, recovery[3]); }),
            ErrorCode::SECOND_FACTOR_INVALID);
}

TEST_P(Staff, WrongSecondFactorCodesBlockTheUsernameLikeWrongPasswords) {
  const auto token = join("prof");
  enrol(token);
  for (int i = 1; i < 10; ++i) {
    EXPECT_EQ(error_of([&] { service_.staff_login("prof", kPassword, {}, "123456"); }),
              ErrorCode::SECOND_FACTOR_INVALID);
  }
  EXPECT_EQ(error_of([&] { service_.staff_login("prof", kPassword, {}, "123456"); }),
            ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  EXPECT_EQ(error_of([&] { service_.staff_login("prof", kPassword, {}, code_at(secret_, now_)); }),
            ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
}

TEST_P(Staff, UnderTheAdminsPolicyAnAdminEnrolsBeforeAnythingElse) {
  auto options = fast_options();
  options.staff.second_factor = SecondFactorPolicy::Admins;
  auto service = make(options);
  service_ = std::move(service);
  const auto admin = join("chef", StaffRole::Admin);
  const auto member = join("prof");
  EXPECT_NO_THROW(service_.learners(kSampleUai, LearnerQuery{}, Actor::staff(member)));
  EXPECT_EQ(error_of([&] { service_.learners(kSampleUai, LearnerQuery{}, Actor::staff(admin)); }),
            ErrorCode::SECOND_FACTOR_ENROLMENT_REQUIRED);
  enrol(admin);
  EXPECT_NO_THROW(service_.learners(kSampleUai, LearnerQuery{}, Actor::staff(admin)));
  // An ADMIN's second factor is reset by the operator only; then the ADMIN enrols again.
  EXPECT_EQ(
      error_of([&] { service_.reset_second_factor(kSampleUai, "chef", Actor::staff(admin)); }),
      ErrorCode::FORBIDDEN);
  service_.reset_second_factor(kSampleUai, "chef", Actor::as_operator("ops"));
  EXPECT_EQ(error_of([&] { service_.staff_authenticate(admin); }), ErrorCode::SESSION_INVALID);
}

TEST_P(Staff, WithAKeyFileNoSecondFactorSecretIsStoredInClear) {
  const auto key_file = directory_.path() / "totp.key";
  {
    std::ofstream out(key_file, std::ios::binary);
    out << std::string(32, 'k');
  }
  std::filesystem::permissions(key_file, std::filesystem::perms::owner_read);
  auto options = fast_options();
  options.staff.second_factor_key_file = key_file.string();
  service_ = make(options);
  const auto token = join("prof");
  const auto enrolment = service_.begin_second_factor(token);
  const auto recovery = service_.confirm_second_factor(token, code_at(enrolment.secret, now_));
  now_ += 30;
  EXPECT_NO_THROW(service_.staff_login("prof", kPassword, {}, code_at(enrolment.secret, now_)));
  const auto raw = *base32_decode(enrolment.secret);
  const auto bytes = engine_database().stored_bytes();
  EXPECT_FALSE(contains(bytes, raw));
  EXPECT_FALSE(contains(bytes, enrolment.secret));
  for (const auto& code : recovery) EXPECT_FALSE(contains(bytes, code)) << code;
}

// --- What the database keeps --------------------------------------------------------------

TEST_P(Staff, TheDatabaseHoldsNoInvitationCodeNoPasswordNoToken) {
  const auto invitation = service_.invite_staff(kSampleUai, StaffRole::Admin);
  const auto pending = service_.invite_staff(kSampleUai, StaffRole::Member);
  const auto login =
      service_.accept_staff_invitation(invitation.code, "chef", "Mme Chef", kPassword);
  const auto temporary = service_.reset_staff_password(kSampleUai, "chef");
  const auto bytes = engine_database().stored_bytes();
  for (const auto& secret :
       {invitation.code, pending.code, std::string(kPassword), login.session_token, temporary}) {
    std::string bare = secret;
    std::erase(bare, '-');
    EXPECT_FALSE(contains(bytes, bare)) << "found in the database";
  }
}

// --- Actors -------------------------------------------------------------------------------

TEST_P(Staff, UnderRequireStaffTheDefaultActorIsRefusedTheOperatorChosenIsNot) {
  auto options = fast_options();
  options.require_staff = true;
  service_ = make(options);
  EXPECT_EQ(error_of([&] { service_.learners(kSampleUai, LearnerQuery{}); }), ErrorCode::FORBIDDEN);
  EXPECT_NO_THROW(service_.learners(kSampleUai, LearnerQuery{}, Actor::as_operator("cron")));
  EXPECT_TRUE(service_.organizations().empty());
}

TEST_P(Staff, AnAssertedIdentityActsWithinTheMembershipsItsHostVouchesFor) {
  const auto asserted = Actor::asserted("https://ent.example", "u-17", "M. Asserté",
                                        {{kSampleUai, StaffRole::Member}});
  const auto campaign = service_.create_campaign(kSampleUai, "Pix 5A", std::string("5A"), {},
                                                 asserted.with_client_key("192.0.2.4"));
  EXPECT_EQ(campaign.owner, "u-17");
  EXPECT_NO_THROW(service_.archive_campaign(campaign.code, asserted));  // its owner
  EXPECT_EQ(error_of([&] { service_.import_roster(kSampleUai, sample_roster(), {}, asserted); }),
            ErrorCode::FORBIDDEN);
  const auto rows = service_.audit_log(kSampleUai);
  const auto created = std::find_if(rows.begin(), rows.end(), [](const AuditRow& row) {
    return row.action == "create_campaign";
  });
  ASSERT_NE(created, rows.end());
  EXPECT_EQ(created->actor_kind, "asserted");
  EXPECT_EQ(created->actor_ref, "https://ent.example:u-17");
  EXPECT_EQ(created->actor_role, "MEMBER");
  EXPECT_EQ(created->client.size(), 16u);
}

// --- The audit log ------------------------------------------------------------------------

TEST_P(Staff, TheAuditLogSaysWhoDidWhatNewestFirstAndPurgesOldRows) {
  const auto admin = join("chef", StaffRole::Admin);
  const auto member = join("prof");
  now_ += 10;
  service_.create_campaign(kSampleUai, "Pix", std::string("5A"), {}, Actor::staff(member));
  now_ += 10;
  EXPECT_EQ(error_of([&] {
              service_.import_roster(kSampleUai, sample_roster(), {}, Actor::staff(member));
            }),
            ErrorCode::FORBIDDEN);
  const auto rows = service_.audit_log(kSampleUai, {}, Actor::staff(admin));
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[0].action, "import_roster");
  EXPECT_EQ(rows[0].outcome, "forbidden");
  EXPECT_EQ(rows[0].actor_ref, "prof");
  EXPECT_EQ(rows[0].actor_role, "MEMBER");
  EXPECT_EQ(rows[1].action, "create_campaign");
  EXPECT_EQ(rows[1].outcome, "ok");
  EXPECT_EQ(service_.audit_log(kSampleUai, {std::nullopt, "create_campaign"}).size(), 1u);
  EXPECT_EQ(service_.audit_log(kSampleUai, {kStart + 15, std::nullopt}).size(), 1u);
  // A MEMBER does not read it; another school's ADMIN neither.
  EXPECT_EQ(error_of([&] { service_.audit_log(kSampleUai, {}, Actor::staff(member)); }),
            ErrorCode::FORBIDDEN);
  now_ += 366 * 24 * 3600;
  const auto school_admin =
      Actor::asserted("https://ent.example", "dir", "Directrice", {{kSampleUai, StaffRole::Admin}});
  EXPECT_EQ(error_of([&] { service_.purge_audit(0, school_admin); }), ErrorCode::FORBIDDEN);
  EXPECT_GT(service_.purge_audit(0, Actor::as_operator("ops")), 0);
  EXPECT_TRUE(service_.audit_log(kSampleUai).empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, Staff, ::testing::ValuesIn(store_engines()), engine_name);

}  // namespace
}  // namespace inscrire::testing
