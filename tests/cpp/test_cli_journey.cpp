// The journey's commands of the real CLI binary (INSCRIRE_CLI): sessions read from standard
// input (show, end, ended by a password change), participations STARTED -> TO_SHARE -> SHARED
// and the teacher's participant list, learners with their account state, one learner, one
// account, dissociation, the safer credentials (--reset-existing, --ine, --output 0600) and
// campaigns unarchived and deleted.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli_school.hpp"

namespace {

using inscrire::testing::CliRun;
using inscrire::testing::contains;
using inscrire::testing::json_field;
using inscrire::testing::query;
using inscrire::testing::run_cli;
using inscrire::testing::slurp;

constexpr const char* kUai = inscrire::testing::kCliUai;
constexpr const char* kAllanIne = "552340183SS";
constexpr const char* kAllan = "allan.poe0103";
constexpr const char* kPassword = "Tournesol42";

class CliJourney : public inscrire::testing::CliSchool {
 protected:
  void register_allan(const std::string& password = kPassword) {
    const auto run = cli({"register", code_, "Allan", "POE", "01/03/2014"}, password + "\n");
    ASSERT_EQ(run.status, 0) << run.err;
  }

  // The session token `login` prints alone on stdout.
  std::string token_of(const std::string& username, const std::string& password = kPassword) {
    const auto run = cli({"login", username}, password + "\n");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_TRUE(run.out.ends_with("\n"));
    EXPECT_TRUE(contains(run.err, "logged in as " + username)) << run.err;
    return run.out.substr(0, run.out.size() - (run.out.empty() ? 0 : 1));
  }

  // Allan's line of the participant list, as text.
  std::string allan_participant() {
    const auto run = cli({"participants", code_});
    EXPECT_EQ(run.status, 0) << run.err;
    const auto at = run.out.find("5A  POE Allan");
    if (at == std::string::npos) return {};
    return run.out.substr(at, run.out.find('\n', at) - at);
  }
};

TEST_F(CliJourney, SessionsAreShownAndEndedWithTheTokenOnStandardInput) {
  register_allan();
  const auto token = token_of(kAllan);
  ASSERT_EQ(token.size(), 43u) << token;
  const auto json_login = cli({"--json", "login", kAllan}, std::string(kPassword) + "\n");
  EXPECT_EQ(json_field(json_login.out, "session_token").size(), 43u) << json_login.out;

  const auto shown = cli({"--json", "session", "show"}, token + "\n");
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_TRUE(
      contains(shown.out, "\"session\": {\"username\": \"allan.poe0103\", \"expires_at\": \"20"))
      << shown.out;
  EXPECT_TRUE(json_field(shown.out, "expires_at").ends_with("Z")) << shown.out;
  EXPECT_TRUE(contains(shown.out,
                       "\"learners\": [{\"uai\": \"0751234A\", \"school\": \"Collège Victor "
                       "Hugo\", \"division\": \"5A\", \"first_name\": \"Allan\""))
      << shown.out;
  EXPECT_FALSE(contains(shown.out, kAllanIne));
  const auto text = cli({"session", "show"}, token + "\n");
  EXPECT_TRUE(text.out.starts_with("session of allan.poe0103, until 20")) << text.out;

  ASSERT_EQ(cli({"session", "end"}, token + "\n").status, 0);
  const auto after = cli({"--json", "session", "show"}, token + "\n");
  EXPECT_EQ(after.status, 1);
  EXPECT_EQ(json_field(after.out, "code"), "SESSION_INVALID") << after.out;
  EXPECT_EQ(json_field(cli({"--json", "session", "end"}, token + "\n").out, "code"),
            "SESSION_INVALID");

  // A password change ends every session of the account.
  const auto other = token_of(kAllan);
  ASSERT_EQ(cli({"session", "show"}, other + "\n").status, 0);
  ASSERT_EQ(cli({"password", "change", kAllan}, std::string(kPassword) + "\nGirouette77\n").status,
            0);
  EXPECT_EQ(json_field(cli({"--json", "session", "show"}, other + "\n").out, "code"),
            "SESSION_INVALID");
  EXPECT_EQ(json_field(cli({"--json", "participations"}, other + "\n").out, "code"),
            "SESSION_INVALID");

  // The token only ever comes from standard input.
  EXPECT_EQ(cli({"session", "show"}).status, 2);
  EXPECT_EQ(cli({"session", "show", token}, token + "\n").status, 2);
  EXPECT_EQ(cli({"session", "resume"}, token + "\n").status, 2);
}

TEST_F(CliJourney, TheParticipantListFollowsThePupilFromNotJoinedToShared) {
  EXPECT_EQ(allan_participant(), "5A  POE Allan  -  NOT_JOINED");
  register_allan();
  EXPECT_EQ(allan_participant(), "5A  POE Allan  allan.poe0103  STARTED");
  const auto token = token_of(kAllan);

  const auto mine = cli({"--json", "participations"}, token + "\n");
  ASSERT_EQ(mine.status, 0) << mine.err;
  EXPECT_TRUE(
      contains(mine.out, "\"participations\": [{\"code\": \"" + code_ +
                             "\", \"campaign\": \"Pix 5A\", \"uai\": \"0751234A\", "
                             "\"school\": \"Collège Victor Hugo\", \"status\": \"STARTED\", "
                             "\"started_at\": \"20"))
      << mine.out;
  EXPECT_TRUE(contains(mine.out, "\"completed_at\": null, \"shared_at\": null")) << mine.out;

  const auto early = cli({"--json", "participation", "share", code_}, token + "\n");
  EXPECT_EQ(early.status, 1);
  EXPECT_EQ(json_field(early.out, "code"), "INVALID_PARTICIPATION_STATUS") << early.out;
  const auto completed = cli({"--json", "participation", "complete", code_}, token + "\n");
  ASSERT_EQ(completed.status, 0) << completed.err;
  EXPECT_EQ(json_field(completed.out, "status"), "TO_SHARE");
  EXPECT_TRUE(json_field(completed.out, "completed_at").ends_with("Z")) << completed.out;
  EXPECT_EQ(allan_participant(), "5A  POE Allan  allan.poe0103  TO_SHARE");
  const auto shared = cli({"participation", "share", code_}, token + "\n");
  ASSERT_EQ(shared.status, 0) << shared.err;
  EXPECT_EQ(shared.out, code_ + "  SHARED  Pix 5A  Collège Victor Hugo\n");
  EXPECT_EQ(allan_participant(), "5A  POE Allan  allan.poe0103  SHARED");
  EXPECT_EQ(
      json_field(cli({"--json", "participation", "complete", code_}, token + "\n").out, "code"),
      "INVALID_PARTICIPATION_STATUS");

  const auto csv = cli({"participants", code_, "--csv"});
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_TRUE(csv.out.starts_with(
      "\xEF\xBB\xBF"
      "Classe;Nom;Prénom;Identifiant;Statut;Commencé le;Partagé le;Hors classe\r\n"))
      << csv.out;
  EXPECT_TRUE(contains(csv.out, "5A;POE;Allan;allan.poe0103;SHARED;20")) << csv.out;
  const auto listed = cli({"--json", "participants", code_});
  EXPECT_TRUE(contains(listed.out,
                       "\"last_name\": \"POE\", \"first_name\": \"Allan\", "
                       "\"username\": \"allan.poe0103\", \"status\": \"SHARED\""))
      << listed.out;
  EXPECT_EQ(json_field(cli({"--json", "participants", "ZZZZZZ999"}).out, "code"),
            "CAMPAIGN_NOT_FOUND");
  EXPECT_EQ(cli({"participation", "finish", code_}, token + "\n").status, 2);
}

TEST_F(CliJourney, LearnersShowTheirAccountStateFilteredAndPaged) {
  register_allan();
  token_of(kAllan);
  const auto all = cli({"--json", "learners", kUai, "--division", "5A"});
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(json_field(all.out, "count"), "17");
  EXPECT_TRUE(contains(all.out,
                       "\"disabled\": false, \"username\": \"allan.poe0103\", \"state\": "
                       "\"active\", \"account\": {\"username\": \"allan.poe0103\", "
                       "\"must_change_password\": false, \"blocked\": null, "
                       "\"blocked_until\": null, \"failed_attempts\": 0, \"disabled\": false, "
                       "\"last_login_at\": \"20"))
      << all.out;
  EXPECT_TRUE(contains(all.out, "\"participations\": 1}")) << all.out;
  EXPECT_TRUE(contains(all.out, "\"state\": \"no_account\", \"account\": null")) << all.out;

  EXPECT_EQ(
      json_field(cli({"--json", "learners", kUai, "--division", "5A", "--state", "no_account"}).out,
                 "count"),
      "16");
  const auto active = cli({"learners", kUai, "--state", "active"});
  EXPECT_EQ(active.out,
            "5A  POE Allan  01/03/2014  552340183SS  allan.poe0103  active\n"
            "1 learner(s)\n");
  const auto page =
      cli({"--json", "learners", kUai, "--division", "5A", "--limit", "5", "--offset", "15"});
  ASSERT_EQ(page.status, 0) << page.err;
  EXPECT_EQ(json_field(page.out, "count"), "2");
  EXPECT_EQ(json_field(page.out, "limit"), "5");
  EXPECT_EQ(json_field(page.out, "offset"), "15");
  EXPECT_EQ(json_field(cli({"--json", "learners", kUai, "--offset", "0"}).out, "count"), "100");
  EXPECT_EQ(json_field(cli({"--json", "learners", kUai, "--limit", "0"}).out, "code"),
            "INVALID_ARGUMENT");
  EXPECT_EQ(json_field(cli({"--json", "learners", kUai, "--limit", "1001"}).out, "code"),
            "INVALID_ARGUMENT");
  EXPECT_EQ(json_field(cli({"--json", "learners", kUai, "--offset", "-1"}).out, "code"),
            "INVALID_ARGUMENT");
  EXPECT_EQ(cli({"learners", kUai, "--limit", "ten"}).status, 2);
  EXPECT_EQ(cli({"learners", kUai, "--state", "sleeping"}).status, 2);

  // One learner, one account.
  const auto one = cli({"--json", "learner", kUai, kAllanIne});
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_TRUE(contains(one.out, "\"learner\": {\"ine\": \"552340183SS\"")) << one.out;
  EXPECT_TRUE(contains(one.out, "\"state\": \"active\"")) << one.out;
  EXPECT_EQ(json_field(cli({"--json", "learner", kUai, "999999999ZZ"}).out, "code"),
            "LEARNER_NOT_FOUND");
  const auto account = cli({"--json", "account", "show", kAllan});
  ASSERT_EQ(account.status, 0) << account.err;
  EXPECT_TRUE(contains(account.out,
                       "\"account\": {\"username\": \"allan.poe0103\", "
                       "\"must_change_password\": false, \"blocked\": null"))
      << account.out;
  EXPECT_TRUE(contains(account.out, "\"failed_attempts\": 0")) << account.out;
  EXPECT_TRUE(contains(account.out, "\"uai\": \"0751234A\", \"school\": \"Collège Victor Hugo\""))
      << account.out;
  EXPECT_FALSE(contains(account.out, "argon2")) << account.out;
  EXPECT_TRUE(
      cli({"account", "show", kAllan}).out.starts_with("allan.poe0103  active  last login 20"));
  EXPECT_EQ(json_field(cli({"--json", "account", "show", "nobody.here0101"}).out, "code"),
            "USER_NOT_FOUND");
}

TEST_F(CliJourney, ADissociatedLearnerRegistersAgainAndTheOldAccountKeepsItsParticipations) {
  register_allan();
  const auto old_token = token_of(kAllan);
  ASSERT_EQ(cli({"participation", "complete", code_}, old_token + "\n").status, 0);

  const auto dissociated = cli({"--json", "dissociate", kUai, kAllanIne});
  ASSERT_EQ(dissociated.status, 0) << dissociated.err;
  EXPECT_EQ(json_field(dissociated.out, "username"), kAllan);
  EXPECT_EQ(json_field(cli({"--json", "dissociate", kUai, kAllanIne}).out, "code"),
            "LEARNER_NOT_LINKED");
  EXPECT_EQ(json_field(cli({"--json", "dissociate", kUai, "999999999ZZ"}).out, "code"),
            "LEARNER_NOT_FOUND");
  EXPECT_TRUE(contains(query(database(), "SELECT actor_kind, action FROM audit_log"),
                       "operator|dissociate|"));
  EXPECT_EQ(allan_participant(), "5A  POE Allan  -  NOT_JOINED");

  register_allan("Girouette77");
  const auto line = allan_participant();
  EXPECT_TRUE(line.starts_with("5A  POE Allan  allan.poe")) << line;
  EXPECT_FALSE(contains(line, kAllan)) << line;
  EXPECT_TRUE(line.ends_with("  STARTED")) << line;

  // The old account keeps its participation, at its step.
  const auto kept = cli({"--json", "participations"}, old_token + "\n");
  ASSERT_EQ(kept.status, 0) << kept.err;
  EXPECT_EQ(json_field(kept.out, "status"), "TO_SHARE") << kept.out;
  EXPECT_TRUE(contains(cli({"--json", "account", "show", kAllan}).out, "\"participations\": 1"));
}

TEST_F(CliJourney, CredentialsLeaveRegisteredPupilsAloneAndWriteAPrivateFile) {
  register_allan();
  const auto file = directory_ / "5A.csv";
  const auto written = cli({"credentials", kUai, "5A", "--output", file.string()});
  ASSERT_EQ(written.status, 0) << written.err;
  EXPECT_EQ(written.out, "16 created, 0 reset, 1 unchanged\nwritten to " + file.string() + "\n");
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const auto csv = slurp(file);
  EXPECT_TRUE(
      csv.starts_with("\xEF\xBB\xBF"
                      "Classe;Nom;Prénom;Identifiant;Mot de passe\r\n"));
  EXPECT_TRUE(contains(csv, "5A;POE;Allan;allan.poe0103;\r\n")) << csv;
  // The registered pupil still logs in.
  token_of(kAllan);

  // Never overwritten: refused before any password is generated.
  const auto again = cli({"--json", "credentials", kUai, "5A", "--output", file.string()});
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(json_field(again.out, "code"), "INVALID_ARGUMENT") << again.out;
  EXPECT_EQ(slurp(file), csv);
  EXPECT_EQ(
      query(database(), "SELECT count(*) FROM audit_log WHERE action = 'generate_credentials'"),
      "1|\n");

  // The CSV on stdout, the counts on stderr; the same in --json as `report`.
  const auto second = cli({"credentials", kUai, "5A"});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_TRUE(second.out.starts_with("\xEF\xBB\xBF"));
  EXPECT_EQ(second.err, "0 created, 0 reset, 17 unchanged\n");
  const auto chosen = cli({"--json", "credentials", kUai, "5A", "--ine", kAllanIne});
  ASSERT_EQ(chosen.status, 0) << chosen.err;
  // The counts, then the school and the expiry of the passwords drawn (for the slips).
  EXPECT_TRUE(
      contains(chosen.out,
               "\"report\": {\"created\": 0, \"reset\": 1, \"unchanged\": 16, \"uai\": "
               "\"0751234A\", \"school\": \"Collège Victor Hugo\", \"temporary_expires_at\": "
               "\"20"))
      << chosen.out;
  EXPECT_EQ(json_field(cli({"--json", "login", kAllan}, std::string(kPassword) + "\n").out, "code"),
            "INVALID_CREDENTIALS");
  const auto everybody = cli({"--json", "credentials", kUai, "5A", "--reset-existing", "--output",
                              (directory_ / "all.csv").string()});
  ASSERT_EQ(everybody.status, 0) << everybody.err;
  EXPECT_TRUE(
      contains(everybody.out, "\"report\": {\"created\": 0, \"reset\": 17, \"unchanged\": 0,"))
      << everybody.out;
  EXPECT_FALSE(contains(everybody.out, "temporary_password")) << everybody.out;
  EXPECT_EQ(
      json_field(cli({"--json", "credentials", kUai, "5A", "--ine", "999999999ZZ"}).out, "code"),
      "LEARNER_NOT_FOUND");
  // A refused class leaves no file behind.
  const auto refused = directory_ / "9Z.csv";
  EXPECT_EQ(cli({"credentials", kUai, "9Z", "--output", refused.string()}).status, 1);
  EXPECT_FALSE(std::filesystem::exists(refused));
}

TEST_F(CliJourney, CampaignsAreUnarchivedAndDeletedOnlyWhenNobodyJoined) {
  ASSERT_EQ(cli({"campaign", "archive", code_}).status, 0);
  const auto back = cli({"--json", "campaign", "unarchive", code_});
  ASSERT_EQ(back.status, 0) << back.err;
  EXPECT_EQ(json_field(back.out, "status"), "active");
  register_allan();
  EXPECT_EQ(json_field(cli({"--json", "campaign", "delete", code_}).out, "code"),
            "CAMPAIGN_HAS_PARTICIPATIONS");

  const auto spare = cli({"--json", "campaign", "create", kUai, "Spare"});
  const auto spare_code = json_field(spare.out, "code");
  const auto deleted = cli({"campaign", "delete", spare_code});
  ASSERT_EQ(deleted.status, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "campaign " + spare_code + " deleted\n");
  EXPECT_EQ(
      json_field(cli({"--json", "match", spare_code, "Allan", "POE", "01/03/2014"}).out, "code"),
      "CAMPAIGN_DELETED");
  EXPECT_EQ(json_field(cli({"--json", "campaign", "unarchive", spare_code}).out, "code"),
            "CAMPAIGN_DELETED");
  EXPECT_EQ(cli({"campaign", "delete"}).status, 2);
}

}  // namespace
