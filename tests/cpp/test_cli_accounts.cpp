// The account administration commands of the real CLI binary (INSCRIRE_CLI) on a demo
// database: the "done when" of issue 5. Reset -> login gives PASSWORD_CHANGE_REQUIRED -> change
// with the token -> login works; 10 wrong passwords block temporarily, 30 permanently, unblock
// restores; the credentials CSV of a class has its accents and every password works once;
// imported bcrypt accounts; anonymise and export. No secret in any error output or audit row.
#include <crypt.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_school.hpp"
#include "qr_decoder.hpp"

namespace {

using inscrire::testing::CliRun;
using inscrire::testing::contains;
using inscrire::testing::json_field;
using inscrire::testing::query;
using inscrire::testing::run_cli;

constexpr const char* kUai = inscrire::testing::kCliUai;

std::string bcrypt(const std::string& password) {
  auto data = std::make_unique<crypt_data>();
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, setting, sizeof setting), nullptr);
  const char* hash = crypt_r(password.c_str(), setting, data.get());
  EXPECT_NE(hash, nullptr);
  return hash;
}

class CliAccounts : public inscrire::testing::CliSchool {
 protected:
  CliRun login(const std::string& username, const std::string& password) {
    return cli({"--json", "login", username}, password + "\n");
  }

  // As if the temporary block had expired: moves its end into the past (the CLI reads the
  // real clock; tests never sleep).
  void expire_temporary_block(const std::string& username) {
    query(database(),
          "UPDATE login_failures SET blocked_until = 1 WHERE username = '" + username + "'");
  }
};

TEST_F(CliAccounts, ResetLoginChangeLogin) {
  const auto registered = cli({"register", code_, "Allan", "POE", "01/03/2014"}, "Tournesol42\n");
  ASSERT_EQ(registered.status, 0) << registered.err;
  const std::string user = "allan.poe0103";

  const auto reset = cli({"--json", "password", "reset", kUai, user});
  ASSERT_EQ(reset.status, 0) << reset.err;
  const auto temporary = json_field(reset.out, "temporary_password");
  ASSERT_EQ(temporary.size(), 8u) << reset.out;

  const auto first = login(user, temporary);
  EXPECT_EQ(first.status, 1);
  EXPECT_EQ(json_field(first.out, "code"), "PASSWORD_CHANGE_REQUIRED") << first.out;
  const auto token = json_field(first.out, "change_token");
  ASSERT_EQ(token.size(), 43u) << first.out;
  // That refusal is how the token is delivered; its message does not repeat it, and no later
  // output may show it.
  EXPECT_FALSE(contains(json_field(first.out, "message"), token));
  EXPECT_FALSE(contains(first.err, token));
  refusals_.clear();

  // A weak password is refused and the token survives it.
  const auto weak = cli({"--json", "password", "change", "--token"}, token + "\ncourt\n");
  EXPECT_EQ(weak.status, 1);
  EXPECT_EQ(json_field(weak.out, "code"), "PASSWORD_TOO_WEAK");
  const auto changed = cli({"password", "change", "--token"}, token + "\nGirouette77\n");
  ASSERT_EQ(changed.status, 0) << changed.err;
  const auto again = cli({"--json", "password", "change", "--token"}, token + "\nAutre12345\n");
  EXPECT_EQ(json_field(again.out, "code"), "INVALID_TOKEN");

  const auto logged = login(user, "Girouette77");
  EXPECT_EQ(logged.status, 0) << logged.out;
  EXPECT_EQ(json_field(logged.out, "ok"), "true");
  EXPECT_EQ(json_field(login(user, temporary).out, "code"), "INVALID_CREDENTIALS");

  // Change with the old password, text mode.
  const auto text = cli({"password", "change", user}, "Girouette77\nCerfVolant88\n");
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_EQ(login(user, "CerfVolant88").status, 0);

  for (const auto& secret : {temporary, token, std::string("Girouette77"),
                             std::string("Tournesol42"), std::string("CerfVolant88")}) {
    EXPECT_FALSE(contains(refusals_, secret)) << secret;
  }
  EXPECT_FALSE(contains(query(database(), "SELECT * FROM audit_log"), temporary));
}

TEST_F(CliAccounts, TenBlockTemporarilyThirtyPermanentlyUnblockRestores) {
  ASSERT_EQ(cli({"register", code_, "Allan", "POE", "01/03/2014"}, "Tournesol42\n").status, 0);
  const std::string user = "allan.poe0103";
  for (int failure = 1; failure <= 30; ++failure) {
    const auto refused = login(user, "Mauvais999");
    ASSERT_EQ(refused.status, 1);
    const auto code = json_field(refused.out, "code");
    if (failure == 10 || failure == 20) {
      EXPECT_EQ(code, "ACCOUNT_TEMPORARILY_BLOCKED") << failure;
      EXPECT_EQ(json_field(refused.out, "retry_after_seconds"), failure == 10 ? "120" : "240");
      // Blocked: even the right password is refused.
      EXPECT_EQ(json_field(login(user, "Tournesol42").out, "code"), "ACCOUNT_TEMPORARILY_BLOCKED");
      expire_temporary_block(user);
    } else if (failure == 30) {
      EXPECT_EQ(code, "ACCOUNT_BLOCKED");
    } else {
      EXPECT_EQ(code, "INVALID_CREDENTIALS") << failure;
      EXPECT_EQ(json_field(refused.out, "remaining_attempts"),
                failure > 20 ? std::to_string(30 - failure) : "")
          << failure;
    }
  }
  EXPECT_EQ(json_field(login(user, "Tournesol42").out, "code"), "ACCOUNT_BLOCKED");
  // Text mode: the code on stderr, exit status 1.
  const auto text = cli({"login", user}, "Tournesol42\n");
  EXPECT_EQ(text.status, 1);
  EXPECT_TRUE(contains(text.err, "ACCOUNT_BLOCKED")) << text.err;

  const auto unblocked = cli({"unblock", kUai, user});
  EXPECT_EQ(unblocked.status, 0) << unblocked.err;
  EXPECT_EQ(login(user, "Tournesol42").status, 0);
  EXPECT_EQ(json_field(cli({"--json", "unblock", kUai, "nobody.here0101"}).out, "code"),
            "USER_NOT_FOUND");
  EXPECT_EQ(json_field(login("nobody.here0101", "Mauvais999").out, "code"), "INVALID_CREDENTIALS");
  EXPECT_FALSE(contains(refusals_, "Tournesol42"));
  EXPECT_FALSE(contains(refusals_, "Mauvais999"));
  EXPECT_TRUE(contains(query(database(), "SELECT action, target FROM audit_log"),
                       "unblock|allan.poe0103|"));
}

TEST_F(CliAccounts, SheetWithABaseUrlCarriesTheLinkAsAQrCodeThatDecodesToIt) {
  const auto sheet = cli({"sheet", code_, "--base-url", "https://inscrire.example.fr/c/"});
  ASSERT_EQ(sheet.status, 0) << sheet.err;
  const auto link = "https://inscrire.example.fr/c/" + code_;
  EXPECT_NE(sheet.out.find("<a href=\"" + link + "\">"), std::string::npos);
  EXPECT_EQ(inscrire::testing::decoded_qr_code(sheet.out), link);
  // Without a base URL, the sheet of the first version: no link, no QR code.
  const auto plain = cli({"sheet", code_});
  ASSERT_EQ(plain.status, 0);
  EXPECT_EQ(plain.out.find("<svg"), std::string::npos);
  // Nothing but http(s) printable ASCII becomes a link.
  for (const std::string url : {"javascript:alert(1)", "https://x/\"onload=\"", "ftp://x/"}) {
    const auto refused = cli({"--json", "sheet", code_, "--base-url", url});
    EXPECT_EQ(refused.status, 1) << url;
    EXPECT_EQ(json_field(refused.out, "code"), "INVALID_ARGUMENT") << refused.out;
  }
}

// docs/rules.md §8: what the pupil sees names them and their class; never the INE, a birth date
// or the full username of an existing account.
TEST_F(CliAccounts, PupilFacingResultsHoldNoIneBirthDateOrOtherUsername) {
  const auto matched = cli({"--json", "match", code_, "Allan", "POE", "01/03/2014"});
  ASSERT_EQ(matched.status, 0) << matched.out;
  EXPECT_EQ(json_field(matched.out, "first_name"), "Allan");
  EXPECT_EQ(json_field(matched.out, "division"), "5A");
  const auto registered =
      cli({"--json", "register", code_, "Allan", "POE", "01/03/2014"}, "Tournesol42\n");
  ASSERT_EQ(registered.status, 0) << registered.out;
  const auto again = cli({"--json", "match", code_, "Allan", "POE", "01/03/2014"});
  for (const auto* out : {&matched.out, &registered.out, &again.out}) {
    EXPECT_FALSE(contains(*out, "552340183SS")) << *out;  // Allan's INE
    EXPECT_FALSE(contains(*out, "2014-03-01")) << *out;
    EXPECT_FALSE(contains(*out, "\"ine\"")) << *out;
    EXPECT_FALSE(contains(*out, "\"birthdate\"")) << *out;
  }
  // Already registered: the masked hint only, not the account's username.
  EXPECT_FALSE(contains(again.out, "allan.poe0103")) << again.out;
  EXPECT_TRUE(contains(again.out, "***")) << again.out;
}

TEST_F(CliAccounts, MatchSaysWhichStageFoundThePupilAndMatchingPixRestoresTheTwoPasses) {
  const auto swapped = cli({"--json", "match", code_, "André", "Ewen", "15/09/2014"});
  ASSERT_EQ(swapped.status, 0) << swapped.out;
  EXPECT_EQ(json_field(swapped.out, "matched_by"), "swapped");
  const auto text = cli({"match", code_, "Ewen", "André", "15/09/2014"});
  EXPECT_TRUE(contains(text.out, "matched by exact")) << text.out;
  const auto pix =
      cli({"--json", "--matching", "pix", "match", code_, "André", "Ewen", "15/09/2014"});
  EXPECT_EQ(pix.status, 1);
  EXPECT_EQ(json_field(pix.out, "code"), "NO_NAME_MATCH") << pix.out;
  EXPECT_EQ(cli({"--matching", "fuzzy", "match", code_, "A", "B", "15/09/2014"}).status, 2);
}

TEST_F(CliAccounts, CredentialsCsvOfAClass) {
  ASSERT_EQ(cli({"register", code_, "Zoë", "Müller", "28/02/2014"}, "Tournesol42\n").status, 0);
  const auto run = cli({"credentials", kUai, "5A"});
  ASSERT_EQ(run.status, 0) << run.err;
  const auto& csv = run.out;
  ASSERT_TRUE(
      csv.starts_with("\xEF\xBB\xBF"
                      "Classe;Nom;Prénom;Identifiant;Mot de passe\r\n"));
  EXPECT_TRUE(contains(csv, "5A;MÜLLER;Zoë;zoe.muller2802;"));
  EXPECT_TRUE(contains(csv, "5A;CŒURDACIER;Œnone;oenone.coeurdacier1407;"));
  EXPECT_TRUE(contains(csv, "5A;SAINT-EXUPÉRY;Noé;noe.saintexupery2702;"));

  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);  // header
  std::vector<std::pair<std::string, std::string>> accounts;
  while (std::getline(lines, line)) {
    ASSERT_TRUE(line.ends_with("\r"));
    line.pop_back();
    const auto password_at = line.rfind(';');
    const auto username_at = line.rfind(';', password_at - 1);
    accounts.emplace_back(line.substr(username_at + 1, password_at - username_at - 1),
                          line.substr(password_at + 1));
  }
  ASSERT_EQ(accounts.size(), 17u);
  // Zoë registered: her account and password are left alone (docs/rules.md §1.8).
  EXPECT_EQ(login("zoe.muller2802", "Tournesol42").status, 0);
  const auto zoe = std::find_if(accounts.begin(), accounts.end(),
                                [](const auto& a) { return a.first == "zoe.muller2802"; });
  ASSERT_NE(zoe, accounts.end());
  EXPECT_TRUE(zoe->second.empty());
  accounts.erase(zoe);
  int index = 10;
  for (const auto& [username, temporary] : accounts) {
    const auto first = login(username, temporary);
    ASSERT_EQ(json_field(first.out, "code"), "PASSWORD_CHANGE_REQUIRED") << username;
    const auto token = json_field(first.out, "change_token");
    const auto password = "Girouette" + std::to_string(index++);
    ASSERT_EQ(cli({"password", "change", "--token"}, token + "\n" + password + "\n").status, 0)
        << username;
    EXPECT_EQ(json_field(login(username, temporary).out, "code"), "INVALID_CREDENTIALS");
  }
  EXPECT_EQ(login(accounts.front().first, "Girouette10").status, 0);
  for (const auto& [username, temporary] : accounts) {
    EXPECT_FALSE(contains(refusals_, temporary));
  }
  const auto audit = query(database(), "SELECT * FROM audit_log");
  EXPECT_TRUE(contains(audit, "generate_credentials|0751234A 5A|16 created, 0 reset, 1 unchanged|"))
      << audit;
  for (const auto& [username, temporary] : accounts) EXPECT_FALSE(contains(audit, temporary));

  // A missing argument is a usage error (2); an unknown class is refused (1).
  EXPECT_EQ(cli({"credentials", kUai}).status, 2);
  EXPECT_EQ(json_field(cli({"--json", "credentials", kUai, "9Z"}).out, "code"),
            "LEARNER_NOT_FOUND");
}

TEST_F(CliAccounts, ImportedBcryptAccountLogsInAndIsUpgraded) {
  const auto hash = bcrypt("Ancien1234");
  const auto imported =
      cli({"--json", "account", "import", kUai, "552340183SS", "Allan.Poe2010"}, hash + "\n");
  ASSERT_EQ(imported.status, 0) << imported.out << imported.err;
  EXPECT_EQ(json_field(imported.out, "username"), "allan.poe2010");
  EXPECT_EQ(query(database(), "SELECT password_hash FROM users"), hash + "|\n");
  EXPECT_EQ(login("allan.poe2010", "Ancien1234").status, 0);
  EXPECT_TRUE(query(database(), "SELECT password_hash FROM users").starts_with("$argon2id$"));
  EXPECT_EQ(login("allan.poe2010", "Ancien1234").status, 0);

  const auto taken =
      cli({"--json", "account", "import", kUai, "960523400XC", "allan.poe2010"}, hash + "\n");
  EXPECT_EQ(json_field(taken.out, "code"), "USERNAME_TAKEN");
  const auto garbled =
      cli({"--json", "account", "import", kUai, "960523400XC", "ewen.andre1509"}, "Ancien1234\n");
  EXPECT_EQ(json_field(garbled.out, "code"), "INVALID_ARGUMENT");
  EXPECT_EQ(cli({"account", "import", kUai, "960523400XC"}).status, 2);
  EXPECT_EQ(cli({"account", "import", kUai, "960523400XC", "ewen.andre1509"}).status,
            2);  // no stdin
  EXPECT_FALSE(contains(refusals_, "Ancien1234"));
  EXPECT_FALSE(contains(refusals_, hash.substr(7)));
  EXPECT_FALSE(contains(query(database(), "SELECT * FROM audit_log"), hash.substr(7)));
}

TEST_F(CliAccounts, ExportThenAnonymise) {
  ASSERT_EQ(cli({"register", code_, "Allan", "POE", "01/03/2014"}, "Tournesol42\n").status, 0);
  const auto exported = cli({"--json", "export-learner", kUai, "552340183SS"});
  ASSERT_EQ(exported.status, 0) << exported.err;
  EXPECT_TRUE(contains(exported.out, "\"username\": \"allan.poe0103\"")) << exported.out;
  EXPECT_TRUE(contains(exported.out, "\"first_name\": \"Allan\""));
  const auto text = cli({"export-learner", kUai, "552340183SS"});
  EXPECT_TRUE(text.out.starts_with("{\"school\": ")) << text.out;

  EXPECT_EQ(cli({"anonymize", kUai, "552340183SS"}).status, 0);
  EXPECT_EQ(json_field(cli({"--json", "export-learner", kUai, "552340183SS"}).out, "code"),
            "LEARNER_NOT_FOUND");
  EXPECT_EQ(json_field(login("allan.poe0103", "Tournesol42").out, "code"), "INVALID_CREDENTIALS");
  const auto audit =
      query(database(),
            "SELECT actor_kind, action FROM audit_log WHERE action NOT IN "
            "('create_organization', 'import_roster', 'create_campaign') ORDER BY id");
  // The CLI acts as the operator, named after the Unix user (test_cli_staff.cpp checks the name).
  EXPECT_EQ(audit,
            "operator|export_learner|\noperator|export_learner|\noperator|anonymize_learner|\n");
  EXPECT_EQ(cli({"anonymize", kUai}).status, 2);
}

}  // namespace
