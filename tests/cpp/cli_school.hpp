// A school set up through the real CLI binary for the CLI suites: a database in a fresh
// directory, the school 0751234A with the sample SIECLE roster imported and a campaign for 5A;
// plus the helpers those suites read the CLI's output with.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace inscrire::testing {

inline constexpr const char* kCliUai = "0751234A";

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The value of the first `"key": ...` in the CLI's one-line JSON output: a string (unescaped
// for the simple escapes the CLI writes) or a bare literal (number, true, false, null).
inline std::string json_field(const std::string& json, const std::string& key) {
  const auto marker = "\"" + key + "\": ";
  const auto at = json.find(marker);
  if (at == std::string::npos) return {};
  auto i = at + marker.size();
  std::string value;
  if (json[i] != '"') {
    while (i < json.size() && json[i] != ',' && json[i] != '}') value += json[i++];
    return value;
  }
  for (++i; i < json.size() && json[i] != '"'; ++i) {
    if (json[i] == '\\' && i + 1 < json.size()) ++i;
    value += json[i];
  }
  return value;
}

// The rows of `sql` run on the SQLite file, each value followed by '|', each row by '\n'.
inline std::string query(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
  std::string result;
  char* message = nullptr;
  const auto append = [](void* out, int columns, char** values, char**) {
    auto& text = *static_cast<std::string*>(out);
    for (int i = 0; i < columns; ++i) text += std::string(values[i] ? values[i] : "") + "|";
    text += "\n";
    return 0;
  };
  EXPECT_EQ(sqlite3_exec(db.get(), sql.c_str(), append, &result, &message), SQLITE_OK)
      << (message ? message : "");
  sqlite3_free(message);
  return result;
}

class CliSchool : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "inscrire-cli-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
    ASSERT_EQ(cli({"org", "add", kCliUai, "Collège Victor Hugo"}).status, 0);
    ASSERT_EQ(
        cli({"import", kCliUai, std::string(INSCRIRE_DATA_DIR) + "/siecle-0751234A.xml"}).status,
        0);
    const auto campaign =
        cli({"--json", "campaign", "create", kCliUai, "Pix 5A", "--division", "5A"});
    ASSERT_EQ(campaign.status, 0) << campaign.err;
    code_ = json_field(campaign.out, "code");
    ASSERT_EQ(code_.size(), 9u) << campaign.out;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  std::filesystem::path database() const { return directory_ / "school.db"; }

  // Runs `inscrire [--json] --db school.db ARGS` with `input` on standard input ("--json" may
  // lead ARGS). Every refused run's output is kept in refusals_, to be checked for secrets.
  CliRun cli(std::vector<std::string> args, const std::string& input = {}) {
    std::vector<std::string> full{"--db", database().string()};
    if (!args.empty() && args.front() == "--json") {
      full.insert(full.begin(), "--json");
      args.erase(args.begin());
    }
    full.insert(full.end(), args.begin(), args.end());
    auto run = run_cli(full, input);
    if (run.status != 0) refusals_ += run.out + "\n" + run.err + "\n";
    return run;
  }

  std::filesystem::path directory_;
  std::string code_;      // of the campaign of 5A
  std::string refusals_;  // stdout and stderr of every refused run
};

}  // namespace inscrire::testing
