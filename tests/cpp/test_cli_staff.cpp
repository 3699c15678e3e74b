// The staff commands of the real CLI binary (INSCRIRE_CLI) on a SQLite file: the operator
// invites, the invitation is accepted, INSCRIRE_STAFF_SESSION makes every admin command act as
// that staff member (allowed on its own school, FORBIDDEN on another and on a UAI that does not
// exist), a MEMBER refused an import, the team (roles, LAST_ADMIN, removal, revocation,
// password reset), a staff login with a second factor whose codes the real oathtool computes,
// recovery codes working once, the audit log with the refusals and the actors, the printable
// invitation sheet (0600, never overwritten, its QR code read back by zbarimg), and no
// password, token or code ever in argv: every run's arguments are kept and searched.
#include <gtest/gtest.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli_school.hpp"
#include "qr_decoder.hpp"

namespace {

using inscrire::testing::CliRun;
using inscrire::testing::contains;
using inscrire::testing::decoded_qr_code;
using inscrire::testing::json_field;
using inscrire::testing::query;
using inscrire::testing::slurp;

constexpr const char* kUai = inscrire::testing::kCliUai;
constexpr const char* kOtherUai = "0752345B";    // another school, with its own roster
constexpr const char* kNowhereUai = "0759999Z";  // no school has it
constexpr const char* kAdminPassword = "Tournesol-Bleu-2026";
constexpr const char* kMemberPassword = "Cerf-Volant-Rouge-77";
constexpr const char* kAnybody = "INSCRIRE_STAFF_SESSION";

// Every value of `key` in the CLI's one-line JSON output, in order (strings only).
std::vector<std::string> json_fields(const std::string& json, const std::string& key) {
  std::vector<std::string> values;
  const auto marker = "\"" + key + "\": \"";
  for (auto at = json.find(marker); at != std::string::npos; at = json.find(marker, at + 1)) {
    values.push_back(json_field(json.substr(at), key));
  }
  return values;
}

// The strings of the list `key` in the CLI's one-line JSON output ("key": ["a", "b"]).
std::vector<std::string> json_list(const std::string& json, const std::string& key) {
  std::vector<std::string> values;
  const auto marker = "\"" + key + "\": [";
  const auto start = json.find(marker);
  if (start == std::string::npos) return values;
  const auto end = json.find(']', start);
  for (auto at = json.find('"', start + marker.size()); at < end;) {
    const auto close = json.find('"', at + 1);
    values.push_back(json.substr(at + 1, close - at - 1));
    at = json.find('"', close + 1);
  }
  return values;
}

// The TOTP code of a base32 secret at `offset` seconds from now, as the real oathtool computes
// it. The secret goes through a 0600 file on oathtool's standard input ("-"), not its argv.
std::string oathtool_code(const std::filesystem::path& directory, const std::string& secret,
                          int offset = 0) {
  const auto file = directory / "secret.txt";
  {
    std::ofstream out(file);
    out << secret << "\n";
  }
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto code =
      inscrire::testing::output_of("oathtool --totp --base32 -N @" + std::to_string(now + offset) +
                                   " - < '" + file.string() + "'");
  std::filesystem::remove(file);
  while (!code.empty() && code.back() == '\n') code.pop_back();
  return code;
}

// The effective Unix user, as the CLI names the operator in the audit log.
std::string unix_user() {
  const passwd* entry = ::getpwuid(::geteuid());
  return entry != nullptr ? entry->pw_name : "uid " + std::to_string(::geteuid());
}

class CliStaff : public inscrire::testing::CliSchool {
 protected:
  void SetUp() override {
    ::unsetenv(kAnybody);  // the school is set up by the operator
    CliSchool::SetUp();
    ASSERT_EQ(run({"org", "add", kOtherUai, "Collège Jules Ferry"}).status, 0);
  }

  void TearDown() override {
    ::unsetenv(kAnybody);
    // No secret ever reached a command line; none shows in a refusal's output.
    for (const auto& secret : secrets_) {
      EXPECT_FALSE(contains(argv_, secret)) << "in argv: " << secret;
      EXPECT_FALSE(contains(refusals_, secret)) << "in a refusal: " << secret;
    }
    CliSchool::TearDown();
  }

  // The CLI as the operator (INSCRIRE_STAFF_SESSION unset); every argv kept in argv_.
  CliRun run(std::vector<std::string> args, const std::string& input = {}) {
    for (const auto& arg : args) argv_ += arg + "\n";
    return cli(std::move(args), input);
  }

  // The CLI with INSCRIRE_STAFF_SESSION holding `token`, for this run only.
  CliRun as(const std::string& token, std::vector<std::string> args,
            const std::string& input = {}) {
    ::setenv(kAnybody, token.c_str(), 1);
    auto result = run(std::move(args), input);
    ::unsetenv(kAnybody);
    return result;
  }

  std::string secret(std::string value) {
    secrets_.push_back(value);
    return value;
  }

  // An invitation made by `token` (the operator when empty); its code, kept as a secret.
  std::string invite(const std::string& uai, const std::string& role,
                     const std::string& token = {}) {
    const std::vector<std::string> args{"staff", "invite", uai, "--role", role};
    const auto made = token.empty() ? run(args) : as(token, args);
    EXPECT_EQ(made.status, 0) << made.err;
    EXPECT_TRUE(made.out.ends_with("\n")) << made.out;
    return secret(made.out.substr(0, made.out.size() - (made.out.empty() ? 0 : 1)));
  }

  // Accepts `code` with a new account (the code and the password on standard input); the
  // staff session token printed alone on stdout.
  std::string accept(const std::string& code, const std::string& username,
                     const std::string& display_name, const std::string& password) {
    secret(password);
    const auto accepted =
        run({"staff", "accept", "-", username, display_name}, code + "\n" + password + "\n");
    EXPECT_EQ(accepted.status, 0) << accepted.err;
    return secret(accepted.out.substr(0, accepted.out.size() - (accepted.out.empty() ? 0 : 1)));
  }

  // The staff session token of a login (the password, then a code if given, on stdin).
  std::string login(const std::string& username, const std::string& password,
                    const std::string& code = {}) {
    const auto done =
        run({"staff", "login", username}, password + "\n" + (code.empty() ? "" : code + "\n"));
    EXPECT_EQ(done.status, 0) << done.out << done.err;
    EXPECT_TRUE(contains(done.err, "logged in as " + username + " (staff)")) << done.err;
    return secret(done.out.substr(0, done.out.size() - (done.out.empty() ? 0 : 1)));
  }

  // The operator invites the ADMIN of kUai, who accepts: their session token.
  std::string admin_session() {
    return accept(invite(kUai, "admin"), "m.durand", "Marie Durand", kAdminPassword);
  }

  std::string argv_;                  // every argument of every run, one per line
  std::vector<std::string> secrets_;  // what must appear in no argv and no refusal
};

TEST_F(CliStaff, TheOperatorInvitesAndTheInvitationIsAccepted) {
  const auto made = run({"--json", "staff", "invite", kUai, "--role", "admin"});
  ASSERT_EQ(made.status, 0) << made.err;
  const auto code = secret(json_field(made.out, "code"));
  EXPECT_TRUE(contains(made.out, "\"invitation\": {\"id\": 1, \"code\": \"")) << made.out;
  EXPECT_EQ(code.size(), 14u) << made.out;
  EXPECT_EQ(code[4], '-');
  EXPECT_TRUE(
      contains(made.out, "\"uai\": \"0751234A\", \"role\": \"ADMIN\", \"expires_at\": \"20"))
      << made.out;

  // Text mode: the code alone on stdout, what it is on stderr.
  const auto text = run({"staff", "invite", kUai, "--role", "member", "--days", "2"});
  ASSERT_EQ(text.status, 0) << text.err;
  secret(text.out.substr(0, 14));
  EXPECT_EQ(text.out.size(), 15u) << text.out;
  EXPECT_TRUE(contains(text.err, "invitation #2 into 0751234A as MEMBER, valid until 20"))
      << text.err;

  // The pending invitations, never their codes.
  const auto pending = run({"--json", "staff", "invitations", kUai});
  ASSERT_EQ(pending.status, 0) << pending.err;
  EXPECT_TRUE(contains(pending.out, "{\"id\": 1, \"role\": \"ADMIN\", \"created_by\": \"" +
                                        unix_user() + "\", \"expires_at\": \"20"))
      << pending.out;
  EXPECT_FALSE(contains(pending.out, code));
  EXPECT_FALSE(contains(pending.out, "\"code\""));

  // Accepted with the code and the password on standard input ("-" for CODE).
  const auto accepted = run({"--json", "staff", "accept", "-", "m.durand", "Marie Durand"},
                            code + "\n" + kAdminPassword + "\n");
  ASSERT_EQ(accepted.status, 0) << accepted.err;
  secret(kAdminPassword);
  const auto token = secret(json_field(accepted.out, "staff_session"));
  EXPECT_EQ(token.size(), 43u) << accepted.out;
  EXPECT_EQ(json_field(accepted.out, "session_token"), token);
  EXPECT_EQ(json_field(accepted.out, "username"), "m.durand");

  const auto shown = run({"--json", "staff", "show"}, token + "\n");
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_TRUE(contains(shown.out,
                       "\"staff\": {\"username\": \"m.durand\", \"display_name\": "
                       "\"Marie Durand\", \"memberships\": [{\"uai\": \"0751234A\", "
                       "\"role\": \"ADMIN\"}], \"expires_at\": \"20"))
      << shown.out;
  const auto members = run({"--json", "staff", "members", kUai});
  EXPECT_TRUE(contains(members.out,
                       "\"members\": [{\"username\": \"m.durand\", \"display_name\": "
                       "\"Marie Durand\", \"role\": \"ADMIN\", \"since\": \"20"))
      << members.out;
  EXPECT_TRUE(contains(members.out, "\"last_login_at\": null")) << members.out;

  // Single use: the same code again is INVITATION_INVALID, typed as the sheet shows it or in
  // argv (a used code is no secret any more).
  const auto again = run({"--json", "staff", "accept", "-", "p.martin", "Paul Martin"},
                         code + "\n" + kMemberPassword + "\n");
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(json_field(again.out, "code"), "INVITATION_INVALID") << again.out;
  const auto used = cli({"--json", "staff", "accept", code, "p.martin", "Paul Martin"},
                        std::string(kMemberPassword) + "\n");
  EXPECT_EQ(json_field(used.out, "code"), "INVITATION_INVALID") << used.out;
  secret(kMemberPassword);

  // The logout ends the session; the token comes from standard input only.
  EXPECT_EQ(run({"staff", "logout", "not-a-token"}).status, 2);
  ASSERT_EQ(run({"staff", "logout"}, token + "\n").status, 0);
  EXPECT_EQ(json_field(run({"--json", "staff", "show"}, token + "\n").out, "code"),
            "SESSION_INVALID");
  EXPECT_EQ(json_field(as(token, {"--json", "learners", kUai}).out, "code"), "SESSION_INVALID");
}

TEST_F(CliStaff, AStaffSessionActsOnItsOwnSchoolOnlyAndTheRefusalSaysNothingMore) {
  const auto token = admin_session();
  const auto own = as(token, {"--json", "learners", kUai, "--division", "5A"});
  ASSERT_EQ(own.status, 0) << own.err;
  EXPECT_TRUE(contains(own.out, "\"count\": 17")) << own.out;
  EXPECT_EQ(as(token, {"campaign", "list", kUai}).status, 0);

  // Another school and a UAI nobody has: the same refusal, exit 1, in JSON and as text.
  const auto other = as(token, {"--json", "learners", kOtherUai});
  const auto nowhere = as(token, {"--json", "learners", kNowhereUai});
  EXPECT_EQ(other.status, 1);
  EXPECT_EQ(json_field(other.out, "code"), "FORBIDDEN") << other.out;
  EXPECT_EQ(other.out, nowhere.out);
  const auto text_other = as(token, {"learners", kOtherUai});
  const auto text_nowhere = as(token, {"learners", kNowhereUai});
  EXPECT_EQ(text_other.status, 1);
  EXPECT_TRUE(text_other.err.starts_with("FORBIDDEN: ")) << text_other.err;
  EXPECT_EQ(text_other.err, text_nowhere.err);
  EXPECT_EQ(text_other.out, "");

  // The operator's own commands, for a staff member of any role.
  EXPECT_EQ(json_field(as(token, {"--json", "org", "add", "0753456C", "École"}).out, "code"),
            "FORBIDDEN");
  EXPECT_EQ(json_field(as(token, {"--json", "audit", "purge"}).out, "code"), "FORBIDDEN");
  EXPECT_EQ(json_field(as(token, {"--json", "staff", "invite", kOtherUai, "--role", "admin"}).out,
                       "code"),
            "FORBIDDEN");
  // A campaign of another school, and a code nobody has, answer alike.
  const auto their = run({"--json", "campaign", "create", kOtherUai, "Pix 6B"});
  const auto their_code = json_field(their.out, "code");
  ASSERT_EQ(their_code.size(), 9u) << their.out;
  const auto foreign = as(token, {"--json", "participants", their_code});
  EXPECT_EQ(json_field(foreign.out, "code"), "FORBIDDEN") << foreign.out;
  EXPECT_EQ(json_field(as(token, {"--json", "participants", "ZZZZZZ999"}).out, "code"),
            "FORBIDDEN");
  // The org list shows the member's schools only.
  const auto schools = as(token, {"org", "list"});
  EXPECT_EQ(schools.out, "0751234A  Collège Victor Hugo\n");

  // INSCRIRE_STAFF_SESSION set but empty or wrong is a dead session, never the operator.
  EXPECT_EQ(json_field(as("", {"--json", "learners", kUai}).out, "code"), "SESSION_INVALID");
  EXPECT_EQ(json_field(as("x", {"--json", "org", "add", "0753456C", "École"}).out, "code"),
            "SESSION_INVALID");
  EXPECT_EQ(run({"org", "list"}).out,
            "0751234A  Collège Victor Hugo\n0752345B  Collège Jules Ferry\n");
}

TEST_F(CliStaff, AMemberIsRefusedAnImportAndTheAuditLogShowsTheRefusalAndTheActor) {
  const auto admin = admin_session();
  // The ADMIN invites a teacher, who accepts.
  const auto member =
      accept(invite(kUai, "member", admin), "p.martin", "Paul Martin", kMemberPassword);
  const auto roster = std::string(INSCRIRE_DATA_DIR) + "/siecle-0751234A.xml";
  const auto refused = as(member, {"--json", "import", kUai, roster});
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(json_field(refused.out, "code"), "FORBIDDEN") << refused.out;
  const auto text = as(member, {"import", kUai, roster});
  EXPECT_EQ(text.status, 1);
  EXPECT_TRUE(text.err.starts_with("FORBIDDEN: ")) << text.err;
  // What a MEMBER may do: list, create a campaign (owned), reset a pupil's password.
  const auto created = as(member, {"--json", "campaign", "create", kUai, "Pix 4B"});
  ASSERT_EQ(created.status, 0) << created.err;
  // An ADMIN names another member as owner; a MEMBER may not.
  EXPECT_EQ(as(admin, {"campaign", "create", kUai, "Pix 3C", "--owner", "p.martin"}).status, 0);
  EXPECT_EQ(
      json_field(
          as(member, {"--json", "campaign", "create", kUai, "Pix 3D", "--owner", "m.durand"}).out,
          "code"),
      "FORBIDDEN");
  // Reading the audit log is an ADMIN's.
  EXPECT_EQ(json_field(as(member, {"--json", "audit", kUai}).out, "code"), "FORBIDDEN");

  const auto log = as(admin, {"--json", "audit", kUai, "--action", "import_roster"});
  ASSERT_EQ(log.status, 0) << log.err;
  EXPECT_TRUE(contains(log.out,
                       "\"uai\": \"0751234A\", \"actor_kind\": \"staff\", "
                       "\"actor_ref\": \"p.martin\", \"actor_name\": \"Paul Martin\", "
                       "\"actor_role\": \"MEMBER\", \"action\": \"import_roster\""))
      << log.out;
  EXPECT_EQ(json_fields(log.out, "outcome"),
            (std::vector<std::string>{"forbidden", "forbidden", "ok"}))
      << log.out;
  // The fixture's import, by the operator: named after the Unix user.
  EXPECT_TRUE(contains(log.out, "\"actor_kind\": \"operator\", \"actor_ref\": \"" + unix_user() +
                                    "\", \"actor_name\": \"" + unix_user() +
                                    "\", \"actor_role\": \"OPERATOR\", \"action\": "
                                    "\"import_roster\""))
      << log.out;

  const auto all = as(admin, {"--json", "audit", kUai, "--limit", "2"});
  EXPECT_EQ(json_fields(all.out, "action").size(), 2u) << all.out;
  EXPECT_TRUE(contains(all.out, "\"limit\": 2, \"offset\": 0")) << all.out;
  const auto late = as(admin, {"--json", "audit", kUai, "--since", "2999-01-01T00:00:00+02:00"});
  ASSERT_EQ(late.status, 0) << late.err;
  EXPECT_TRUE(contains(late.out, "\"audit\": []")) << late.out;
  EXPECT_EQ(as(admin, {"audit", kUai, "--since", "demain"}).status, 2);
  EXPECT_EQ(as(admin, {"audit", kUai, "--since", "2026-02-30"}).status, 2);
  const auto text_log = as(admin, {"audit", kUai, "--action", "import_roster"});
  EXPECT_TRUE(contains(text_log.out, "  staff p.martin (MEMBER)  import_roster  ")) << text_log.out;
  EXPECT_TRUE(text_log.out.ends_with("  ok\n")) << text_log.out;

  // Refusals on another school go to that school's log, which the operator reads.
  EXPECT_EQ(as(member, {"learners", kOtherUai}).status, 1);
  const auto theirs = run({"--json", "audit", kOtherUai});
  EXPECT_TRUE(contains(theirs.out,
                       "\"actor_ref\": \"p.martin\", \"actor_name\": \"Paul Martin\", "
                       "\"actor_role\": \"\", \"action\": \"learners\""))
      << theirs.out;
  // The retention purge is the operator's (nothing is a year old yet).
  const auto purge = run({"--json", "audit", "purge", "--older-than-days", "30"});
  ASSERT_EQ(purge.status, 0) << purge.err;
  EXPECT_EQ(json_field(purge.out, "purged"), "0");
}

TEST_F(CliStaff, EveryAdminCommandActsAsTheStaffMember) {
  const auto admin = admin_session();
  const auto member =
      accept(invite(kUai, "member", admin), "p.martin", "Paul Martin", kMemberPassword);
  // A pupil with an account, to act upon.
  const auto registered =
      run({"register", code_, "Allan", "POE", "01/03/2014"}, std::string("Tournesol42\n"));
  ASSERT_EQ(registered.status, 0) << registered.err;
  secret("Tournesol42");
  const std::string ine = "552340183SS";
  const std::string pupil = "allan.poe0103";

  // Each command a MEMBER may run, and each only an ADMIN may: (arguments, a MEMBER allowed).
  const std::vector<std::pair<std::vector<std::string>, bool>> commands{
      {{"learners", kUai}, true},
      {{"learner", kUai, ine}, true},
      {{"account", "show", pupil}, true},
      {{"campaign", "list", kUai}, true},
      {{"not-joined", code_}, true},
      {{"participants", code_}, true},
      {{"sheet", code_}, true},
      {{"unblock", kUai, pupil}, true},
      {{"export-learner", kUai, ine}, false},
      {{"staff", "members", kUai}, false},
      {{"staff", "invitations", kUai}, false},
      {{"campaign", "archive", code_}, false},  // the fixture's campaign: the operator's
  };
  for (const auto& [args, member_allowed] : commands) {
    auto json = args;
    json.insert(json.begin(), "--json");
    const auto by_member = as(member, json);
    if (member_allowed) {
      EXPECT_EQ(by_member.status, 0) << args[0] << ": " << by_member.out;
    } else {
      EXPECT_EQ(json_field(by_member.out, "code"), "FORBIDDEN") << args[0] << ": " << by_member.out;
    }
    const auto by_admin = as(admin, json);
    EXPECT_EQ(by_admin.status, 0) << args[0] << ": " << by_admin.out;
  }
  EXPECT_EQ(as(admin, {"campaign", "unarchive", code_}).status, 0);
  // Secrets handed out by an allowed command: the pupil's temporary password.
  const auto reset = as(member, {"--json", "password", "reset", kUai, pupil});
  ASSERT_EQ(reset.status, 0) << reset.out;
  EXPECT_EQ(json_field(reset.out, "temporary_password").size(), 8u);
  const auto csv = directory_ / "5A.csv";
  EXPECT_EQ(as(member, {"credentials", kUai, "5A", "--output", csv.string()}).status, 0);
  // ADMIN only: dissociate, anonymize, account import; refused for a MEMBER before any change.
  const auto dissociate = as(member, {"--json", "dissociate", kUai, ine});
  EXPECT_EQ(json_field(dissociate.out, "code"), "FORBIDDEN") << dissociate.out;
  EXPECT_EQ(json_field(as(member, {"--json", "anonymize", kUai, ine}).out, "code"), "FORBIDDEN");
  EXPECT_EQ(
      json_field(as(member, {"--json", "account", "import", kUai, "552340182RR", "alian.poe0103"},
                    "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234\n")
                     .out,
                 "code"),
      "FORBIDDEN");
  EXPECT_EQ(json_field(run({"--json", "learner", kUai, ine}).out, "username"), pupil);
  const auto dissociated = as(admin, {"--json", "dissociate", kUai, ine});
  EXPECT_EQ(dissociated.status, 0) << dissociated.out;
  EXPECT_EQ(json_field(dissociated.out, "username"), pupil);
  // Another school's admin commands: refused, each audited under its own action.
  EXPECT_EQ(json_field(as(admin, {"--json", "dissociate", kOtherUai, ine}).out, "code"),
            "FORBIDDEN");
  const auto other_log = run({"--json", "audit", kOtherUai, "--action", "dissociate"});
  EXPECT_EQ(json_fields(other_log.out, "outcome"), (std::vector<std::string>{"forbidden"}))
      << other_log.out;
}

TEST_F(CliStaff, TheTeamIsManagedAndTheLastAdminStays) {
  const auto admin = admin_session();
  const auto member =
      accept(invite(kUai, "member", admin), "p.martin", "Paul Martin", kMemberPassword);
  // The last ADMIN can be neither demoted nor removed, not even by the operator.
  EXPECT_EQ(json_field(run({"--json", "staff", "role", kUai, "m.durand", "member"}).out, "code"),
            "LAST_ADMIN");
  EXPECT_EQ(json_field(as(admin, {"--json", "staff", "remove", kUai, "m.durand"}).out, "code"),
            "LAST_ADMIN");
  const auto promoted = as(admin, {"--json", "staff", "role", kUai, "P.Martin", "ADMIN"});
  ASSERT_EQ(promoted.status, 0) << promoted.out;
  EXPECT_TRUE(contains(promoted.out,
                       "\"username\": \"p.martin\", \"uai\": \"0751234A\", "
                       "\"role\": \"ADMIN\""))
      << promoted.out;
  EXPECT_EQ(as(member, {"staff", "role", kUai, "m.durand", "member"}).status, 0);
  EXPECT_EQ(as(admin, {"staff", "members", kUai}).status, 1);  // a MEMBER now
  EXPECT_EQ(as(admin, {"staff", "role", kUai, "m.durand", "owner"}).status, 2);

  // Invitations revoked by their number; an unknown one is INVITATION_INVALID.
  invite(kUai, "member", member);
  const auto pending = as(member, {"--json", "staff", "invitations", kUai});
  const auto id = json_field(pending.out, "id");
  ASSERT_FALSE(id.empty()) << pending.out;
  const auto revoked = as(member, {"--json", "staff", "revoke", kUai, id});
  ASSERT_EQ(revoked.status, 0) << revoked.out;
  EXPECT_TRUE(
      contains(as(member, {"--json", "staff", "invitations", kUai}).out, "\"invitations\": []"));
  EXPECT_EQ(json_field(as(member, {"--json", "staff", "revoke", kUai, id}).out, "code"),
            "INVITATION_INVALID");
  EXPECT_EQ(as(member, {"staff", "revoke", kUai, "trois"}).status, 2);

  // A member's password reset: the temporary password logs in only to choose a new one.
  const auto reset = as(member, {"--json", "staff", "reset-password", kUai, "m.durand"});
  ASSERT_EQ(reset.status, 0) << reset.out;
  const auto temporary = secret(json_field(reset.out, "temporary_password"));
  EXPECT_EQ(temporary.size(), 16u) << reset.out;
  EXPECT_EQ(json_field(as(admin, {"--json", "learners", kUai}).out, "code"), "SESSION_INVALID");
  const auto first = run({"--json", "staff", "login", "m.durand"}, temporary + "\n");
  EXPECT_EQ(first.status, 1);
  EXPECT_EQ(json_field(first.out, "code"), "PASSWORD_CHANGE_REQUIRED") << first.out;
  const auto change_token = json_field(first.out, "change_token");
  ASSERT_EQ(change_token.size(), 43u) << first.out;
  refusals_.clear();  // that refusal is how the change token is handed out
  secret(change_token);
  const auto chosen = secret("Nouveau-Mot-De-Passe-1");
  ASSERT_EQ(
      run({"staff", "password", "change", "--token"}, change_token + "\n" + chosen + "\n").status,
      0);
  const auto session = login("m.durand", chosen);
  // The member's own change, with the old password; a wrong one counts as a failed login.
  const auto wrong = run({"--json", "staff", "password", "change", "m.durand"},
                         "pas-le-bon-mot-de-passe\nEncore-Un-Autre-2026\n");
  EXPECT_EQ(json_field(wrong.out, "code"), "INVALID_CREDENTIALS") << wrong.out;
  const auto latest = secret("Encore-Un-Autre-2026");
  ASSERT_EQ(run({"staff", "password", "change", "m.durand"}, chosen + "\n" + latest + "\n").status,
            0);
  EXPECT_EQ(json_field(run({"--json", "staff", "show"}, session + "\n").out, "code"),
            "SESSION_INVALID");
  login("m.durand", latest);

  // Removed, the account's sessions end.
  ASSERT_EQ(as(member, {"staff", "remove", kUai, "m.durand"}).status, 0);
  EXPECT_TRUE(contains(run({"staff", "members", kUai}).out, "p.martin  Paul Martin  ADMIN"));
  EXPECT_EQ(json_field(run({"--json", "staff", "login", "m.durand"}, latest + "\n").out, "code"),
            "INVALID_CREDENTIALS");
}

TEST_F(CliStaff, AStaffLoginWithASecondFactorAndRecoveryCodesThatWorkOnce) {
  const auto admin = admin_session();
  // Enrolment acts on the account of INSCRIRE_STAFF_SESSION, and only there.
  EXPECT_EQ(run({"staff", "second-factor", "begin"}).status, 2);
  const auto begun = as(admin, {"--json", "staff", "second-factor", "begin"});
  ASSERT_EQ(begun.status, 0) << begun.err;
  const auto base32 = secret(json_field(begun.out, "secret"));
  ASSERT_EQ(base32.size(), 32u) << begun.out;
  EXPECT_EQ(json_field(begun.out, "otpauth_uri"),
            "otpauth://totp/inscrire:m.durand?secret=" + base32 + "&issuer=inscrire");
  EXPECT_TRUE(json_field(begun.out, "qr_svg").starts_with("<svg")) << begun.out;
  // Text: the secret and the URI, no SVG. A second begin replaces the pending secret.
  const auto text = as(admin, {"staff", "second-factor", "begin"});
  ASSERT_EQ(text.status, 0) << text.err;
  const auto secret_line = text.out.substr(0, text.out.find('\n'));
  ASSERT_TRUE(secret_line.starts_with("secret: ")) << text.out;
  const auto pending = secret(secret_line.substr(8));
  EXPECT_TRUE(contains(text.out, "\notpauth://totp/inscrire:m.durand?secret=" + pending))
      << text.out;
  EXPECT_FALSE(contains(text.out, "<svg"));

  const auto wrong = as(admin, {"--json", "staff", "second-factor", "confirm"}, "12345\n");
  EXPECT_EQ(json_field(wrong.out, "code"), "SECOND_FACTOR_INVALID") << wrong.out;
  const auto confirmed = as(admin, {"--json", "staff", "second-factor", "confirm"},
                            oathtool_code(directory_, pending) + "\n");
  ASSERT_EQ(confirmed.status, 0) << confirmed.out;
  const auto recovery = json_list(confirmed.out, "recovery_codes");
  ASSERT_EQ(recovery.size(), 10u) << confirmed.out;
  for (const auto& code : recovery) secret(code);
  // Shown once: the database holds digests only.
  for (const auto& code : recovery) {
    EXPECT_FALSE(contains(slurp(database()), code)) << code;
  }
  EXPECT_TRUE(contains(run({"staff", "members", kUai}).out, "  second factor\n"));

  // The password alone is not enough: SECOND_FACTOR_REQUIRED, exit 1.
  const auto alone =
      run({"--json", "staff", "login", "m.durand"}, std::string(kAdminPassword) + "\n");
  EXPECT_EQ(alone.status, 1);
  EXPECT_EQ(json_field(alone.out, "code"), "SECOND_FACTOR_REQUIRED") << alone.out;
  // A wrong code is refused and counted; the right one (the next step's, so never a step
  // already accepted) logs in, the code on the line after the password.
  const auto now_code = oathtool_code(directory_, pending);
  std::string bad = now_code == "000000" ? "000001" : "000000";
  for (const int offset : {-30, 0, 30}) {
    if (oathtool_code(directory_, pending, offset) == bad) bad = "999999";
  }
  const auto refused = run({"--json", "staff", "login", "m.durand"},
                           std::string(kAdminPassword) + "\n" + bad + "\n");
  EXPECT_EQ(json_field(refused.out, "code"), "SECOND_FACTOR_INVALID") << refused.out;
  const auto token = login("m.durand", kAdminPassword, oathtool_code(directory_, pending, 30));
  EXPECT_EQ(as(token, {"learners", kUai}).status, 0);

  // A recovery code works once in place of a code.
  login("m.durand", kAdminPassword, recovery[3]);
  const auto reused = run({"--json", "staff", "login", "m.durand"},
                          std::string(kAdminPassword) + "\n" + recovery[3] + "\n");
  EXPECT_EQ(json_field(reused.out, "code"), "SECOND_FACTOR_INVALID") << reused.out;
  login("m.durand", kAdminPassword, recovery[4]);

  // An ADMIN's second factor is reset by the operator only; then the password suffices.
  const auto other_admin =
      accept(invite(kUai, "admin"), "c.leroy", "Claire Leroy", "Girouette-Verte-2026");
  EXPECT_EQ(
      json_field(
          as(other_admin, {"--json", "staff", "second-factor", "reset", kUai, "m.durand"}).out,
          "code"),
      "FORBIDDEN");
  ASSERT_EQ(run({"staff", "second-factor", "reset", kUai, "m.durand"}).status, 0);
  EXPECT_EQ(json_field(as(token, {"--json", "learners", kUai}).out, "code"), "SESSION_INVALID");
  login("m.durand", kAdminPassword);
}

TEST_F(CliStaff, TheInvitationSheetIsPrivateNeverOverwrittenAndItsQrCodeOpensTheLink) {
  const auto sheet = directory_ / "invitation.html";
  const auto made = run({"--json", "staff", "invite", kUai, "--role", "admin", "--days", "3",
                         "--sheet", sheet.string(), "--base-url", "https://inscrire.example.fr/"});
  ASSERT_EQ(made.status, 0) << made.out << made.err;
  const auto code = secret(json_field(made.out, "code"));
  EXPECT_EQ(json_field(made.out, "sheet"), sheet.string());
  struct stat info {};
  ASSERT_EQ(::stat(sheet.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const auto html = slurp(sheet);
  const auto link = "https://inscrire.example.fr/admin/invitation/" + code;
  EXPECT_EQ(decoded_qr_code(html), link);
  EXPECT_TRUE(contains(html, "<a href=\"" + link + "\">" + link + "</a>")) << html;
  EXPECT_TRUE(contains(html, "Collège Victor Hugo (UAI 0751234A)"));
  EXPECT_TRUE(contains(html, "Rôle : <strong>Administrateur</strong>"));
  EXPECT_TRUE(contains(html, "<div class=\"code\">" + code + "</div>"));
  const auto expires = json_field(made.out, "expires_at");  // 2026-09-08T14:03:00Z
  ASSERT_EQ(expires.size(), 20u) << made.out;
  EXPECT_TRUE(contains(html, "valable jusqu'au <strong>" + expires.substr(8, 2) + "/" +
                                 expires.substr(5, 2) + "/" + expires.substr(0, 4) + " à " +
                                 expires.substr(11, 5) + " (heure UTC)</strong>"))
      << html;
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, "src="));

  // Never overwritten: refused before any invitation is made.
  const auto again = run({"--json", "staff", "invite", kUai, "--role", "member", "--sheet",
                          sheet.string(), "--base-url", "https://inscrire.example.fr"});
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(json_field(again.out, "code"), "INVALID_ARGUMENT") << again.out;
  EXPECT_EQ(slurp(sheet), html);
  EXPECT_EQ(query(database(), "SELECT count(*) FROM staff_invitations"), "1|\n");

  // A school's name is HTML; a MEMBER invited by an ADMIN with a sheet; the text mode.
  ASSERT_EQ(run({"org", "add", "0753456C", "<b>École</b> & \"Cie\""}).status, 0);
  const auto escaped = directory_ / "escaped.html";
  const auto text = run({"staff", "invite", "0753456C", "--role", "member", "--sheet",
                         escaped.string(), "--base-url", "http://localhost:8080/ecole"});
  ASSERT_EQ(text.status, 0) << text.err;
  secret(text.out.substr(0, 14));
  EXPECT_TRUE(contains(text.err, "invitation sheet written to " + escaped.string())) << text.err;
  const auto page = slurp(escaped);
  EXPECT_TRUE(contains(page, "&lt;b&gt;École&lt;/b&gt; &amp; &quot;Cie&quot;")) << page;
  EXPECT_FALSE(contains(page, "<b>École"));
  EXPECT_TRUE(contains(page, "<strong>Membre</strong>"));
  EXPECT_EQ(decoded_qr_code(page),
            "http://localhost:8080/ecole/admin/invitation/" + text.out.substr(0, 14));

  // The base URL follows the class sheet's rule (a copy, checked here against the original):
  // refused before the file or the invitation exists.
  const auto refused_sheet = directory_ / "refused.html";
  for (const std::string& url : std::vector<std::string>{
           "ftp://inscrire.example.fr", "https://exa mple.fr", "https://example.fr/\"onload=\"x",
           "javascript:alert(1)", "https://example.fr/<script>",
           "https://" + std::string(200, 'a')}) {
    const auto invited = run({"--json", "staff", "invite", kUai, "--role", "member", "--sheet",
                              refused_sheet.string(), "--base-url", url});
    EXPECT_EQ(json_field(invited.out, "code"), "INVALID_ARGUMENT") << url << invited.out;
    EXPECT_FALSE(std::filesystem::exists(refused_sheet)) << url;
    const auto class_sheet = run({"--json", "sheet", code_, "--base-url", url});
    EXPECT_EQ(json_field(class_sheet.out, "code"), "INVALID_ARGUMENT") << url << class_sheet.out;
  }
  EXPECT_EQ(run({"sheet", code_, "--base-url", "https://inscrire.example.fr/c/"}).status, 0);
  EXPECT_EQ(query(database(), "SELECT count(*) FROM staff_invitations"), "2|\n");
  // --sheet and --base-url go together; --role is required.
  EXPECT_EQ(
      run({"staff", "invite", kUai, "--role", "admin", "--sheet", refused_sheet.string()}).status,
      2);
  EXPECT_EQ(run({"staff", "invite", kUai, "--role", "admin", "--base-url", "https://a.fr"}).status,
            2);
  EXPECT_EQ(run({"staff", "invite", kUai}).status, 2);
  EXPECT_EQ(run({"staff", "invite", kUai, "--role", "owner"}).status, 2);
}

TEST_F(CliStaff, AStaffMemberJoinsAnotherSchoolWithTheirSession) {
  const auto admin = admin_session();
  const auto code = invite(kOtherUai, "member");
  const auto joined = as(admin, {"--json", "staff", "accept", "-"}, code + "\n");
  ASSERT_EQ(joined.status, 0) << joined.out;
  EXPECT_TRUE(contains(joined.out,
                       "\"memberships\": [{\"uai\": \"0751234A\", \"role\": "
                       "\"ADMIN\"}, {\"uai\": \"0752345B\", \"role\": \"MEMBER\"}]"))
      << joined.out;
  EXPECT_EQ(as(admin, {"learners", kOtherUai}).status, 0);
  EXPECT_EQ(json_field(as(admin, {"--json", "staff", "members", kOtherUai}).out, "code"),
            "FORBIDDEN");
  // Without a session, `staff accept CODE` alone is a usage error.
  EXPECT_EQ(run({"staff", "accept", "-"}, code + "\n").status, 2);
}

}  // namespace
