// Import costs what the school and the file hold, never what the database holds: every SQL
// statement the SQLite store runs along the use cases (import, re-import with automatic links
// across schools, match, registration, login, joining, admin operations, anonymisation) is
// captured through StoreOptions::on_statement, and its EXPLAIN QUERY PLAN must not scan
// learners, users, participations or tokens (a scan "USING ... INDEX" reads the whole table
// too, and so may a search on an open range).
#include <sqlite3.h>

#include <mutex>
#include <regex>
#include <set>

#include "service_fixture.hpp"

namespace inscrire::testing {
namespace {

// The plan lines ("SEARCH learners USING INDEX ...", "SCAN u") of one statement.
std::vector<std::string> query_plan(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
  // The store's own SQL function, for the planner only (a plan never runs it).
  sqlite3_create_function_v2(
      db.get(), "inscrire_add_suffix", 2, SQLITE_UTF8, nullptr,
      [](sqlite3_context* context, int, sqlite3_value**) { sqlite3_result_null(context); }, nullptr,
      nullptr, nullptr);
  sqlite3_stmt* raw_statement = nullptr;
  const auto explain = "EXPLAIN QUERY PLAN " + sql;
  EXPECT_EQ(sqlite3_prepare_v2(db.get(), explain.c_str(), -1, &raw_statement, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db.get()) << "\n"
      << sql;
  const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw_statement,
                                                                             sqlite3_finalize);
  std::vector<std::string> lines;
  while (sqlite3_step(statement.get()) == SQLITE_ROW) {
    lines.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 3)));
  }
  return lines;
}

// The names under which `sql` reads the tables that grow with the pupils: the tables and their
// aliases ("FROM learners l" reads learners as "l").
std::set<std::string> big_table_names(const std::string& sql) {
  static const std::set<std::string> keywords = {"WHERE", "JOIN",  "ON",   "SET",   "ORDER",
                                                 "GROUP", "LIMIT", "LEFT", "INNER", "USING"};
  std::set<std::string> names = {"learners", "users", "participations", "tokens"};
  static const std::regex alias(
      R"(\b(learners|users|participations|tokens)\s+(?:AS\s+)?([A-Za-z_]\w*))");
  for (std::sregex_iterator it(sql.begin(), sql.end(), alias), end; it != end; ++it) {
    if (!keywords.contains((*it)[2].str())) names.insert((*it)[2].str());
  }
  return names;
}

// A plan line that may read a whole big table: "SCAN <name>" with or without an index, or a
// "SEARCH <name>" on an open range only ("(user_id>?)" reads every linked learner).
bool scans_a_big_table(const std::string& line, const std::set<std::string>& names) {
  const bool scan = line.starts_with("SCAN ");
  if (!scan && !line.starts_with("SEARCH ")) return false;
  const auto start = line.find(' ') + 1;
  if (!names.contains(line.substr(start, line.find(' ', start) - start))) return false;
  return scan || line.find('=', line.find('(')) == std::string::npos;
}

class QueryPlans : public ServiceTest {
 protected:
  void SetUp() override {
    { open(); }  // the schema exists before statements are captured: no migration among them
    StoreOptions options;
    options.on_statement = [this](std::string_view sql) {
      const std::lock_guard lock(mutex_);
      statements_.emplace(sql);
    };
    service_.emplace(open_sqlite_store(database(), options), fast_options());
  }

  // Every use case, as a school and a pupil would run them.
  void run_the_use_cases() {
    auto& s = *service_;
    s.create_organization(kSampleUai, "Collège");
    s.create_organization("0331234B", "Lycée");
    s.import_roster(kSampleUai, sample_roster());
    const auto code = s.create_campaign(kSampleUai, "Pix 5A", std::string("5A")).code;
    EXPECT_EQ(s.match(code, "Allan", "Poe", "01/03/2014").status, MatchStatus::Matched);
    const auto allan = s.register_pupil(code, "Allan", "POE", "01/03/2014", kGoodPassword);
    // The lycée's roster holds Allan (same INE, same birth date): linked automatically.
    const Pupil moved{"552340183SS", "Allan", "POE", "01/03/2014", "2NDE1"};
    const Pupil other{"111111111AA", "Ana", "Lopez", "02/02/2014", "2NDE1"};
    EXPECT_EQ(
        s.import_roster("0331234B", write_file("b.xml", siecle_xml("0331234B", {moved, other})))
            .linked,
        1);
    s.import_roster("0331234B", write_file("c.xml", siecle_xml("0331234B", {moved})));
    const auto session = s.login(allan.username, kGoodPassword).session_token;
    const auto lycee = s.create_campaign("0331234B", "Pix 2nde").code;
    s.join_campaign(session, lycee);
    s.import_roster("0331234B", write_file("d.xml", siecle_xml("0331234B", {moved, other})));
    const auto ana = s.register_pupil(lycee, "Ana", "Lopez", "02/02/2014", kGoodPassword);
    // The collège never had her: refused, after the matching ran.
    EXPECT_THROW(s.join_campaign(s.login(ana.username, kGoodPassword).session_token, code, "Ana",
                                 "Lopez", "02/02/2014"),
                 MatchRefused);
    run_the_admin_cases(code, allan.username);
  }

  void run_the_admin_cases(const std::string& code, const std::string& username) {
    auto& s = *service_;
    s.learners(kSampleUai);
    s.not_joined(code);
    s.class_sheet(code);
    s.campaigns(kSampleUai);
    s.organizations();
    EXPECT_THROW(s.find_campaign("ZZZZZZ999", "client"), Error);
    EXPECT_THROW(s.login(username, "Mauvais999"), LoginError);
    const auto temporary = s.reset_password(kSampleUai, username);
    s.change_password_with_token(s.login(username, temporary).change_token, "Girouette77");
    s.change_password(username, "Girouette77", "Tournesol43");
    s.unblock(kSampleUai, username);
    run_the_journey_cases(code, username);
    s.generate_credentials(kSampleUai, "5B");
    CredentialOptions reset;
    reset.reset_existing = true;
    s.generate_credentials(kSampleUai, "5B", reset);
    const auto free_ine = s.learners(kSampleUai, std::string("5C")).at(0).ine;
    s.import_account(kSampleUai, free_ine, "rose.petit0101",
                     "$2b$04$abcdefghijklmnopqrstuu5Kp0HS3KmZ.6Af2HTdyh6Nq0BBT0X6S");
    s.export_learner(kSampleUai, "552340183SS");
    s.anonymize_learner("0331234B", "552340183SS");
    s.dissociate(kSampleUai, "552340183SS");
    s.anonymize_learner(kSampleUai, "552340183SS");
    s.archive_campaign(code);
  }

  // Sessions, participation steps, the teacher's and the admin's views (issue 13), the search
  // of the learner list (issue 23).
  void run_the_journey_cases(const std::string& code, const std::string& username) {
    auto& s = *service_;
    const auto session = s.login(username, "Tournesol43").session_token;
    s.authenticate(session);
    s.participations(session);
    s.complete_participation(session, code);
    s.share_participation(session, code);
    s.campaign_participants(code);
    LearnerQuery query;
    s.learners(kSampleUai, query);
    query.division = "5A";
    query.state = LearnerState::Active;
    s.learners(kSampleUai, query);
    // The search reads the school's learners through the school's index (issue 23).
    s.learners(kSampleUai, {std::nullopt, std::nullopt, 100, 0, "Lefèvre Sarah"});
    s.learner(kSampleUai, "552340183SS");
    s.account(username);
    s.logout(session);
    const auto empty = s.create_campaign(kSampleUai, "Vide").code;
    s.archive_campaign(empty);
    s.unarchive_campaign(empty);
    s.delete_campaign(empty);
  }

  std::mutex mutex_;
  std::set<std::string> statements_;
  std::optional<Service> service_;
};

TEST_F(QueryPlans, NoUseCaseScansLearnersUsersParticipationsOrTokens) {
  run_the_use_cases();
  service_.reset();
  ASSERT_GT(statements_.size(), 40u);
  bool probed_ines = false;
  for (const auto& sql : statements_) {
    const auto names = big_table_names(sql);
    std::string plan;
    for (const auto& line : query_plan(database(), sql)) {
      EXPECT_FALSE(scans_a_big_table(line, names)) << line << "\n  in: " << sql;
      plan += line + "\n";
    }
    // The accounts of the file's INEs elsewhere: one probe of (ine, organization_id) per INE.
    if (sql.find("ine IN (") != std::string::npos) {
      probed_ines = true;
      EXPECT_NE(plan.find("USING INDEX sqlite_autoindex_learners_1 (ine=?)"), std::string::npos)
          << plan << sql;
    }
  }
  EXPECT_TRUE(probed_ines);
}

TEST(QueryPlanCheck, RecognisesScansOfTablesAndAliases) {
  const std::string sql = "SELECT u.username FROM learners l JOIN users u ON u.id = l.user_id";
  EXPECT_EQ(big_table_names(sql),
            (std::set<std::string>{"l", "learners", "participations", "tokens", "u", "users"}));
  EXPECT_TRUE(scans_a_big_table("SCAN l", big_table_names(sql)));
  EXPECT_TRUE(scans_a_big_table("SCAN learners USING COVERING INDEX learners_by_user",
                                big_table_names("SELECT 1 FROM learners WHERE x")));
  EXPECT_FALSE(
      scans_a_big_table("SEARCH l USING INDEX learners_by_user (user_id=?)", big_table_names(sql)));
  EXPECT_TRUE(scans_a_big_table("SEARCH learners USING INDEX learners_by_user (user_id>?)",
                                big_table_names(sql)));
  EXPECT_FALSE(scans_a_big_table("SCAN organizations", big_table_names(sql)));
}

}  // namespace
}  // namespace inscrire::testing
