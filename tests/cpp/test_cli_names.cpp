// The `username` and `normalize` commands of the real CLI binary (INSCRIRE_CLI): outputs, stable
// error codes and exit statuses (0 success, 1 refused, 2 usage error).
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace {

using inscrire::testing::run_cli;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CliUsername, ProductExample) {
  const auto run = run_cli({"username", "Ærøn", "Straße", "05/06/2010"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "aeron.strasse0506\n");
  EXPECT_EQ(run.err, "");
}

TEST(CliUsername, MoreExamples) {
  EXPECT_EQ(run_cli({"username", "Jean-Marc", "D'Artagnan", "01/03/2008"}).out,
            "jeanmarc.dartagnan0103\n");
  EXPECT_EQ(run_cli({"username", "Chloé", "De La Fontaine", "2009-12-31"}).out,
            "chloe.delafontaine3112\n");
  EXPECT_EQ(run_cli({"username", "Анна", "Каренина", "1.1.2010"}).out, "anna.karenina0101\n");
  // Names written only in punctuation fall back to fixed words: the result is never invalid.
  EXPECT_EQ(run_cli({"username", "---", "'", "05/06/2010"}).out, "prenom.nom0506\n");
}

TEST(CliUsername, Json) {
  const auto run = run_cli({"--json", "username", "Zoë", "Müller", "02/11/2010"});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out, "{\"ok\": true, \"username\": \"zoe.muller0211\"}\n");
}

TEST(CliNormalize, JsonKey) {
  const auto run = run_cli({"--json", "normalize", "Анна"});
  EXPECT_EQ(run.status, 0) << run.err;
  ASSERT_FALSE(run.out.empty());
  EXPECT_EQ(run.out.front(), '{');
  EXPECT_EQ(run.out.substr(run.out.size() - 2), "}\n");
  EXPECT_TRUE(contains(run.out, "\"ok\": true")) << run.out;
  EXPECT_TRUE(contains(run.out, "\"key\": \"anna\"")) << run.out;
  EXPECT_TRUE(contains(run.out, "\"username_part\": \"anna\"")) << run.out;
}

TEST(CliNormalize, Text) {
  EXPECT_EQ(run_cli({"normalize", "Œnone"}).out, "oenone\n");
  EXPECT_EQ(run_cli({"normalize", "Louis 14"}).out, "louis14\n");
  const auto json = run_cli({"--json", "normalize", "Louis 14"}).out;
  EXPECT_TRUE(contains(json, "\"key\": \"louis14\"")) << json;
  EXPECT_TRUE(contains(json, "\"username_part\": \"louis\"")) << json;
  EXPECT_EQ(run_cli({"normalize", "---"}).out, "\n");  // valid name, empty key
}

struct Refusal {
  std::vector<std::string> args;
  std::string code;
};

TEST(CliRefusals, ExitOneWithTheStableCode) {
  const std::vector<Refusal> refusals = {
      {{"username", "Jos\xC3", "Dupont", "05/06/2010"}, "INVALID_UTF8"},
      {{"username", "Jean", "\xED\xA0\x80", "05/06/2010"}, "INVALID_UTF8"},
      {{"normalize", "\xC0\x80"}, "INVALID_UTF8"},
      {{"normalize", "Ren\xE9"}, "INVALID_UTF8"},
      {{"username", "Jean", "Dupont", "31/02/2010"}, "INVALID_BIRTHDATE"},
      {{"username", "Jean", "Dupont", "29/02/2011"}, "INVALID_BIRTHDATE"},
      {{"username", "Jean", "Dupont", "5/6/10"}, "INVALID_BIRTHDATE_FORMAT"},
      {{"username", "Jean", "Dupont", "2010/06/05"}, "INVALID_BIRTHDATE_FORMAT"},
      {{"username", "Jean", "Dupont", ""}, "BIRTHDATE_REQUIRED"},
      {{"username", "Jean", "Dupont", "01/01/1899"}, "BIRTHDATE_TOO_OLD"},
      {{"username", "Jean", "Dupont", "01/01/2999"}, "BIRTHDATE_IN_FUTURE"},
      {{"username", "", "Dupont", "05/06/2010"}, "NAME_REQUIRED"},
      {{"username", "Jean", "", "05/06/2010"}, "NAME_REQUIRED"},
      {{"username", "Jean", "   ", "05/06/2010"}, "NAME_REQUIRED"},
      {{"normalize", ""}, "NAME_REQUIRED"},
      {{"normalize", "Jean\tMarc"}, "INVALID_NAME_CHARACTERS"},
      {{"normalize", "Jo\xEF\xBF\xBD"}, "INVALID_NAME_CHARACTERS"},
      {{"normalize", std::string(101, 'a')}, "FIELD_TOO_LONG"},
  };
  for (const auto& refusal : refusals) {
    SCOPED_TRACE(testing::PrintToString(refusal.args));
    const auto text = run_cli(refusal.args);
    EXPECT_EQ(text.status, 1);
    EXPECT_EQ(text.out, "");
    EXPECT_TRUE(text.err.starts_with(refusal.code + ": ")) << text.err;

    auto json_args = refusal.args;
    json_args.insert(json_args.begin(), "--json");
    const auto json = run_cli(json_args);
    EXPECT_EQ(json.status, 1);
    EXPECT_TRUE(contains(json.out, "\"ok\": false")) << json.out;
    EXPECT_TRUE(contains(json.out, "\"code\": \"" + refusal.code + "\"")) << json.out;
  }
}

TEST(CliRefusals, MessagesInEnglishOnRequest) {
  const auto run = run_cli({"--lang", "en", "username", "Jean", "Dupont", "31/02/2010"});
  EXPECT_EQ(run.status, 1);
  EXPECT_TRUE(contains(run.err, "INVALID_BIRTHDATE")) << run.err;
  EXPECT_TRUE(contains(run.err, "This date does not exist.")) << run.err;
  const auto french = run_cli({"username", "Jean", "Dupont", "31/02/2010"});
  EXPECT_TRUE(contains(french.err, "Cette date n'existe pas.")) << french.err;
}

TEST(CliUsage, ExitTwo) {
  const std::vector<std::vector<std::string>> usage_errors = {
      {},
      {"frobnicate"},
      {"username"},
      {"username", "Jean", "Dupont"},
      {"username", "Jean", "Dupont", "05/06/2010", "extra"},
      {"normalize"},
      {"normalize", "Jean", "Marc"},
      {"--bogus", "normalize", "Jean"},
      {"--lang", "de", "normalize", "Jean"},
      {"--lang"},
      {"--json"},
  };
  for (const auto& args : usage_errors) {
    SCOPED_TRACE(testing::PrintToString(args));
    const auto run = run_cli(args);
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.out, "");
    EXPECT_TRUE(contains(run.err, "usage: inscrire")) << run.err;
  }
}

TEST(CliUsage, HelpExitsZero) {
  const auto run = run_cli({"--help"});
  EXPECT_EQ(run.status, 0);
  EXPECT_TRUE(contains(run.out, "username FIRST LAST DD/MM/YYYY")) << run.out;
  EXPECT_TRUE(contains(run.out, "normalize TEXT")) << run.out;
}

}  // namespace
