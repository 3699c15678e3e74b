// The teacher's start-of-year kit through the real CLI binary (INSCRIRE_CLI): a pupil of 5A
// who used 3H's code is flagged, listed out of division, her participation deleted (audited),
// and she joins her own class's campaign with the same account; `campaign rename` keeps the
// code, `campaign owner`, `campaign list --include-deleted`; `learners --search`; the slips
// file of `credentials --slips`, refused before any password is drawn when it exists.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_school.hpp"

namespace {

using inscrire::testing::CliRun;
using inscrire::testing::contains;
using inscrire::testing::json_field;
using inscrire::testing::query;
using inscrire::testing::slurp;

constexpr const char* kUai = inscrire::testing::kCliUai;
constexpr const char* kAllan = "552340183SS";  // Allan POE, 5A

class CliStartOfYear : public inscrire::testing::CliSchool {
 protected:
  // A campaign for 3H; its code.
  std::string campaign_3h() {
    const auto run = cli({"--json", "campaign", "create", kUai, "Pix 3H", "--division", "3H"});
    EXPECT_EQ(run.status, 0) << run.err;
    return json_field(run.out, "code");
  }

  // The accounts in the database.
  int accounts() { return std::stoi(query(database(), "SELECT COUNT(*) FROM users")); }
};

TEST_F(CliStartOfYear, AnotherClassCodeIsFlaggedListedDeletedThenTheOwnCodeJoined) {
  const auto code_3h = campaign_3h();
  const auto match = cli({"match", code_3h, "Allan", "POE", "01/03/2014"});
  ASSERT_EQ(match.status, 0) << match.err;
  EXPECT_TRUE(contains(match.out, "warning: this code is not for class 5A")) << match.out;
  EXPECT_EQ(json_field(cli({"--json", "match", code_3h, "Allan", "POE", "01/03/2014"}).out,
                       "other_division"),
            "true");
  EXPECT_EQ(json_field(cli({"--json", "match", code_, "Allan", "POE", "01/03/2014"}).out,
                       "other_division"),
            "false");
  const auto registered =
      cli({"--json", "register", code_3h, "Allan", "POE", "01/03/2014"}, "Tournesol42\n");
  ASSERT_EQ(registered.status, 0) << registered.err;
  EXPECT_EQ(json_field(registered.out, "other_division"), "true");
  const auto username = json_field(registered.out, "username");

  // 3H's list shows him, flagged; 5A's lists him NOT_JOINED.
  const auto listed = cli({"--json", "participants", code_3h});
  ASSERT_EQ(listed.status, 0) << listed.err;
  const auto allan_at = listed.out.find("\"username\": \"" + username + "\"");
  ASSERT_NE(allan_at, std::string::npos) << listed.out;
  EXPECT_TRUE(contains(listed.out.substr(allan_at), "\"out_of_division\": true"));
  EXPECT_TRUE(contains(cli({"participants", code_3h}).out, "(hors classe)"));

  // Deleted (audited), once; he then joins 5A's campaign with the same account.
  const auto deleted = cli({"--json", "participation", "delete", code_3h, kAllan});
  ASSERT_EQ(deleted.status, 0) << deleted.err;
  EXPECT_EQ(json_field(deleted.out, "status"), "deleted");
  EXPECT_FALSE(contains(cli({"--json", "participants", code_3h}).out, username));
  const auto again = cli({"--json", "participation", "delete", code_3h, kAllan});
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(json_field(again.out, "code"), "PARTICIPATION_NOT_FOUND");
  EXPECT_EQ(cli({"participation", "delete", code_3h}).status, 2);
  EXPECT_TRUE(contains(query(database(), "SELECT action, outcome FROM audit_log"),
                       "delete_participation|"));
  const auto joined = cli({"--json", "join", code_, username}, "Tournesol42\n");
  ASSERT_EQ(joined.status, 0) << joined.err;
  EXPECT_EQ(json_field(joined.out, "other_division"), "false");
  const auto own = cli({"--json", "participants", code_}).out;
  const auto own_at = own.find("\"username\": \"" + username + "\"");
  ASSERT_NE(own_at, std::string::npos) << own;
  EXPECT_TRUE(contains(own.substr(own_at), "\"status\": \"STARTED\""));
}

TEST_F(CliStartOfYear, RenameKeepsTheCodeAndTheListLeavesDeletedCampaignsOut) {
  const auto renamed = cli({"--json", "campaign", "rename", code_, "Pix 5A (rentrée)"});
  ASSERT_EQ(renamed.status, 0) << renamed.err;
  EXPECT_EQ(json_field(renamed.out, "code"), code_);
  EXPECT_EQ(json_field(renamed.out, "name"), "Pix 5A (rentrée)");
  EXPECT_TRUE(contains(cli({"sheet", code_}).out, "Pix 5A (rentrée)"));
  const auto bad = cli({"--json", "campaign", "rename", code_, std::string(201, 'a')});
  EXPECT_EQ(json_field(bad.out, "code"), "FIELD_TOO_LONG");
  EXPECT_EQ(json_field(cli({"--json", "campaign", "rename", code_, "a\x1b[31m"}).out, "code"),
            "INVALID_VALUE");
  EXPECT_EQ(cli({"campaign", "rename", code_}).status, 2);
  // The operator names an owner; an unknown one is refused.
  EXPECT_EQ(cli({"--json", "campaign", "owner", code_, "nobody.here"}).status, 1);

  const auto spare = json_field(cli({"--json", "campaign", "create", kUai, "Spare"}).out, "code");
  ASSERT_EQ(cli({"campaign", "delete", spare}).status, 0);
  const auto listed = cli({"campaign", "list", kUai});
  EXPECT_TRUE(contains(listed.out, code_));
  EXPECT_FALSE(contains(listed.out, spare));
  const auto all = cli({"campaign", "list", kUai, "--include-deleted"});
  EXPECT_TRUE(contains(all.out, spare + "  deleted"));
}

TEST_F(CliStartOfYear, SearchFindsAPupilAsTyped) {
  for (const auto* text : {"poe allan", "ALLAN POË", "allan po", kAllan}) {
    const auto run = cli({"--json", "learners", kUai, "--search", text});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_TRUE(contains(run.out, kAllan)) << text;
    EXPECT_EQ(json_field(run.out, "first_name"), "Allan") << text;
  }
  // Paged, with the division filter; too long a text is refused.
  const auto page = cli({"--json", "learners", kUai, "--search", "allan", "--limit", "10"});
  EXPECT_TRUE(contains(page.out, kAllan));
  EXPECT_FALSE(contains(
      cli({"--json", "learners", kUai, "--search", "allan poe", "--division", "3H"}).out, kAllan));
  EXPECT_EQ(
      json_field(cli({"--json", "learners", kUai, "--search", std::string(101, 'a')}).out, "code"),
      "FIELD_TOO_LONG");
}

TEST_F(CliStartOfYear, SlipsAreWrittenPrivatelyAndNeverOverAFile) {
  ASSERT_EQ(cli({"register", code_, "Allan", "POE", "01/03/2014"}, "Tournesol42\n").status, 0);
  const auto slips = (directory_ / "slips.html").string();
  const auto csv = (directory_ / "5A.csv").string();
  const auto run = cli({"--json", "credentials", kUai, "5A", "--output", csv, "--slips", slips,
                        "--per-page", "1", "--base-url", "https://inscrire.example.fr/"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(json_field(run.out, "slips"), slips);
  struct stat info {};
  ASSERT_EQ(::stat(slips.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  const auto html = slurp(slips);
  EXPECT_TRUE(contains(html, "Collège Victor Hugo"));
  EXPECT_TRUE(contains(html, "href=\"https://inscrire.example.fr\""));
  // Every row of the CSV on the slips: its username, and its password when it has one.
  std::ifstream lines(csv);
  std::string line;
  std::getline(lines, line);
  int rows = 0;
  while (std::getline(lines, line)) {
    line.pop_back();  // \r
    const auto password_at = line.rfind(';');
    const auto username_at = line.rfind(';', password_at - 1);
    EXPECT_TRUE(contains(html, line.substr(username_at + 1, password_at - username_at - 1)));
    if (password_at + 1 < line.size()) {
      EXPECT_TRUE(contains(html, line.substr(password_at + 1)));
    }
    ++rows;
  }
  EXPECT_EQ(rows, 17);

  // An existing slips file: refused before anything changes, the file and the CSV left as
  // they are (no CSV written), no account created, no password drawn.
  std::filesystem::remove(csv);
  const int before = accounts();
  const auto audit_before = query(database(), "SELECT COUNT(*) FROM audit_log");
  const auto refused = cli(
      {"--json", "credentials", kUai, "5A", "--reset-existing", "--output", csv, "--slips", slips});
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(json_field(refused.out, "code"), "INVALID_ARGUMENT");
  EXPECT_TRUE(contains(refused.out + refused.err, "refusing to overwrite"));
  EXPECT_FALSE(std::filesystem::exists(csv));
  EXPECT_EQ(slurp(slips), html);
  EXPECT_EQ(accounts(), before);
  EXPECT_EQ(query(database(), "SELECT COUNT(*) FROM audit_log"), audit_before);
  EXPECT_EQ(cli({"login", "allan.poe0103"}, "Tournesol42\n").status, 0);

  // Options checked before anything changes too.
  const auto other = (directory_ / "other.html").string();
  EXPECT_EQ(cli({"credentials", kUai, "5A", "--slips", other, "--per-page", "3"}).status, 2);
  EXPECT_EQ(cli({"credentials", kUai, "5A", "--base-url", "https://x.fr/"}).status, 2);
  EXPECT_EQ(json_field(cli({"--json", "credentials", kUai, "5A", "--slips", other, "--base-url",
                            "javascript:alert(1)"})
                           .out,
                       "code"),
            "INVALID_ARGUMENT");
  EXPECT_FALSE(std::filesystem::exists(other));
  // A refused generation leaves no slips file behind.
  EXPECT_EQ(cli({"credentials", kUai, "9Z", "--slips", other}).status, 1);
  EXPECT_FALSE(std::filesystem::exists(other));
  EXPECT_EQ(accounts(), before);
}

}  // namespace
