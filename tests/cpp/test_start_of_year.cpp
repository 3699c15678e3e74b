// The teacher's start-of-year kit (docs/rules.md §9) on every engine: finding a pupil, a pupil
// who used another class's code, renaming a campaign, the campaign list without deleted ones,
// and what a credential generation hands to the slips. The printed slips themselves are
// tests/python/test_slips.py (a real browser prints them).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "inscrire/render.hpp"
#include "inscrire/service.hpp"
#include "service_fixture.hpp"

namespace inscrire::testing {
namespace {

constexpr std::int64_t kStart = 1'750'000'000;  // 2025-06-15T15:06:40Z

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// --- Finding a pupil ------------------------------------------------------------------------

// A school of 2 500 pupils with a few names worth searching for.
class Search : public ServiceTest {
 protected:
  Search() : service_(open()) {
    service_.create_organization(kSampleUai, "Collège Victor Hugo");
    std::vector<Pupil> pupils = {
        {"100000001AA", "Sarah", "LEFÈVRE", "12/03/2012", "5G"},
        {"100000002AA", "Léa", "MARTIN", "01/02/2012", "5A"},
        {"100000003AA", "Léa", "MARTIN", "05/06/2012", "5B"},
        {"100000004AA", "Анна", "Иванова", "07/08/2012", "5A"},
        {"100000005AA", "Jean-Pierre", "DE LA FONTAINE", "09/10/2012", "5A"},
        {"100000006AA", "Sarah", "LEFEBVRE", "11/11/2012", "5B"},
    };
    for (int i = 0; i < 2494; ++i) {
      char ine[12];
      std::snprintf(ine, sizeof ine, "2%08dBB", i);
      pupils.push_back({ine, "Prénom" + std::to_string(i), "NOM" + std::to_string(i % 97),
                        "15/0" + std::to_string(1 + i % 9) + "/2012",
                        std::string("4") + static_cast<char>('A' + i % 8)});
    }
    service_.import_roster(kSampleUai, write_file("big.xml", siecle_xml(kSampleUai, pupils)));
  }

  // The INEs the search finds, in the list's order.
  std::vector<std::string> found(const std::string& text,
                                 std::optional<std::string> division = std::nullopt) {
    LearnerQuery query;
    query.division = std::move(division);
    query.search = text;
    std::vector<std::string> ines;
    for (const auto& row : service_.learners(kSampleUai, query)) ines.push_back(row.learner.ine);
    return ines;
  }

  Service service_;
};

TEST_P(Search, FindsAPupilAsNamesAreMatched) {
  const std::vector<std::string> sarah = {"100000001AA"};
  EXPECT_EQ(found("lefevre"), sarah);
  EXPECT_EQ(found("LEFÈVRE"), sarah);
  EXPECT_EQ(found("Lefèvre Sarah"), sarah);
  EXPECT_EQ(found("sarah lefevre"), sarah);
  EXPECT_EQ(found("  sarah   LEFÈVRE  "), sarah);
  // A prefix finds every name it starts: both LEFÈVRE and LEFEBVRE, ordered by last name.
  EXPECT_EQ(found("lef"), (std::vector<std::string>{"100000006AA", "100000001AA"}));
  EXPECT_EQ(found("lef sar"), (std::vector<std::string>{"100000006AA", "100000001AA"}));
  // The two Léa MARTIN are told apart by the division filter.
  EXPECT_EQ(found("lea martin").size(), 2u);
  EXPECT_EQ(found("lea martin", "5B"), (std::vector<std::string>{"100000003AA"}));
  // Any script by its transliteration, and as written.
  EXPECT_EQ(found("anna ivanova"), (std::vector<std::string>{"100000004AA"}));
  EXPECT_EQ(found("Иванова"), (std::vector<std::string>{"100000004AA"}));
  // A name of several words, typed with or without its spaces and hyphens.
  const std::vector<std::string> jean_pierre = {"100000005AA"};
  EXPECT_EQ(found("de la fontaine"), jean_pierre);
  EXPECT_EQ(found("jean-pierre delafontaine"), jean_pierre);
  EXPECT_EQ(found("Jean Pierre"), jean_pierre);
  // Nobody: a word no key starts with, or text without any letter or digit.
  EXPECT_TRUE(found("sarah martin").empty());
  EXPECT_TRUE(found("---").empty());
}

TEST_P(Search, FindsAPupilByIneOrUsername) {
  EXPECT_EQ(found("100000001AA"), (std::vector<std::string>{"100000001AA"}));
  EXPECT_EQ(found(" 100000001aa "), (std::vector<std::string>{"100000001AA"}));
  const auto code = service_.create_campaign(kSampleUai, "Maths", "5G").code;
  const auto username =
      service_.register_pupil(code, "Sarah", "Lefèvre", "12/03/2012", kGoodPassword).username;
  EXPECT_EQ(username, "sarah.lefevre1203");
  EXPECT_EQ(found(username), (std::vector<std::string>{"100000001AA"}));
  EXPECT_EQ(found("Sarah.Lefevre1203"), (std::vector<std::string>{"100000001AA"}));
  // Combined with the state filter and paging.
  LearnerQuery query;
  query.search = "sarah";
  query.state = LearnerState::Active;
  ASSERT_EQ(service_.learners(kSampleUai, query).size(), 1u);
  query.state.reset();
  query.limit = 1;
  query.offset = 1;
  const auto second = service_.learners(kSampleUai, query);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].learner.ine, "100000001AA");
}

TEST_P(Search, RefusesTextTooLongOrWithControlCharacters) {
  EXPECT_EQ(found(std::string(100, 'a')), std::vector<std::string>{});
  EXPECT_EQ(error_of([&] { found(std::string(101, 'a')); }), ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(error_of([&] { found("sarah\tlefevre"); }), ErrorCode::INVALID_VALUE);
  EXPECT_EQ(error_of([&] { found("\xff"); }), ErrorCode::INVALID_UTF8);
  // A blank search is no search.
  LearnerQuery query;
  query.search = "   ";
  query.limit = 1000;
  EXPECT_EQ(service_.learners(kSampleUai, query).size(), 1000u);
}

INSTANTIATE_TEST_SUITE_P(Engines, Search, ::testing::ValuesIn(store_engines()), engine_name);

// --- Another class's code, renaming, deleted campaigns ---------------------------------------

class StartOfYear : public ServiceTest {
 protected:
  StartOfYear() : service_(make()) {
    service_.create_organization(kSampleUai, "Collège Victor Hugo");
    service_.import_roster(
        kSampleUai,
        write_file(
            "class.xml",
            siecle_xml(kSampleUai, {{"100000001AA", "Sarah", "LEFÈVRE", "12/03/2012", "5G"},
                                    {"100000002AA", "Hugo", "BERNARD", "01/02/2011", "3H"},
                                    {"100000003AA", "Inès", "DUPONT", "02/03/2011", "3H"}})));
  }

  Service make() {
    auto options = fast_options();
    options.clock = [this] { return now_; };
    return open(std::move(options));
  }

  const Participant* row_of(const std::vector<Participant>& rows, const std::string& last_name) {
    const auto it = std::find_if(rows.begin(), rows.end(),
                                 [&](const Participant& p) { return p.last_name == last_name; });
    return it == rows.end() ? nullptr : &*it;
  }

  std::int64_t now_ = kStart;
  Service service_;
};

TEST_P(StartOfYear, APupilWhoTypedAnotherClassCodeIsFlaggedListedAndCanBeRemoved) {
  const auto code_3h = service_.create_campaign(kSampleUai, "Maths 3H", "3H").code;
  const auto code_5g = service_.create_campaign(kSampleUai, "Maths 5G", "5G").code;
  // The pupil is warned before going on, and again by the registration.
  const auto report = service_.match(code_3h, "Sarah", "Lefèvre", "12/03/2012");
  EXPECT_EQ(report.status, MatchStatus::Matched);
  EXPECT_TRUE(report.other_division);
  EXPECT_FALSE(service_.match(code_5g, "Sarah", "Lefèvre", "12/03/2012").other_division);
  const auto registration =
      service_.register_pupil(code_3h, "Sarah", "Lefèvre", "12/03/2012", kGoodPassword);
  EXPECT_TRUE(registration.other_division);
  // 3H's teacher sees her, flagged; her own class lists her as not joined.
  auto rows = service_.campaign_participants(code_3h);
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_NE(row_of(rows, "LEFÈVRE"), nullptr);
  EXPECT_TRUE(row_of(rows, "LEFÈVRE")->out_of_division);
  EXPECT_EQ(row_of(rows, "LEFÈVRE")->status, "STARTED");
  EXPECT_FALSE(row_of(rows, "BERNARD")->out_of_division);
  EXPECT_EQ(service_.campaign_participants(code_5g).at(0).status, "NOT_JOINED");
  const auto csv = participants_csv(rows);
  EXPECT_TRUE(contains(csv, ";Partagé le;Hors classe\r\n")) << csv;
  EXPECT_TRUE(contains(csv, "5G;LEFÈVRE;Sarah;sarah.lefevre1203;STARTED;")) << csv;
  EXPECT_TRUE(contains(csv, ";;oui\r\n")) << csv;
  EXPECT_TRUE(contains(csv, "3H;BERNARD;Hugo;;NOT_JOINED;;;\r\n")) << csv;
  // The owner (here the operator) removes the stray participation: audited, account untouched.
  service_.delete_participation(code_3h, "100000001AA");
  rows = service_.campaign_participants(code_3h);
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(row_of(rows, "LEFÈVRE"), nullptr);
  const auto audit = service_.audit_log(kSampleUai, {std::nullopt, "delete_participation"});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].target, code_3h);
  EXPECT_FALSE(contains(audit[0].detail, "100000001AA"));  // learners by row id, never by INE
  EXPECT_EQ(error_of([&] { service_.delete_participation(code_3h, "100000001AA"); }),
            ErrorCode::PARTICIPATION_NOT_FOUND);
  // She logs in with the same account and joins her own class.
  const auto session = service_.login(registration.username, kGoodPassword).session_token;
  const auto joined = service_.join_campaign(session, code_5g);
  EXPECT_FALSE(joined.other_division);
  EXPECT_EQ(service_.campaign_participants(code_5g).at(0).status, "STARTED");
  EXPECT_EQ(service_.campaign_participants(code_5g).at(0).username, registration.username);
}

TEST_P(StartOfYear, ARenamedCampaignKeepsItsCodeAndShowsItsNewNameOnItsSheet) {
  const auto campaign = service_.create_campaign(kSampleUai, "Maths", "3H");
  const auto renamed = service_.update_campaign(campaign.code, {}, "Mathématiques 3H");
  EXPECT_EQ(renamed.code, campaign.code);
  EXPECT_EQ(renamed.name, "Mathématiques 3H");
  EXPECT_EQ(service_.find_campaign(campaign.code).name, "Mathématiques 3H");
  const auto sheet = class_sheet_html(service_.class_sheet(campaign.code));
  EXPECT_TRUE(contains(sheet, "Mathématiques 3H"));
  EXPECT_FALSE(contains(sheet, "Campagne : Maths<"));
  EXPECT_EQ(service_.audit_log(kSampleUai, {std::nullopt, "update_campaign"}).size(), 1u);
  // A name is a label (docs/rules.md §6).
  EXPECT_EQ(error_of([&] { service_.update_campaign(campaign.code, {}, std::string(201, 'a')); }),
            ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(error_of([&] { service_.update_campaign(campaign.code, {}, "Maths\x1b[31m"); }),
            ErrorCode::INVALID_VALUE);
  EXPECT_EQ(service_.find_campaign(campaign.code).name, "Mathématiques 3H");
}

TEST_P(StartOfYear, TheCampaignListLeavesDeletedCampaignsOutUnlessAsked) {
  const auto kept = service_.create_campaign(kSampleUai, "Maths", "3H").code;
  const auto deleted = service_.create_campaign(kSampleUai, "Anglais", "3H").code;
  service_.delete_campaign(deleted);
  const auto codes = [&](bool include_deleted) {
    std::vector<std::string> found;
    for (const auto& c : service_.campaigns(kSampleUai, {}, include_deleted)) {
      found.push_back(c.code);
    }
    return found;
  };
  EXPECT_EQ(codes(false), std::vector<std::string>{kept});
  EXPECT_EQ(codes(true), (std::vector<std::string>{kept, deleted}));
}

TEST_P(StartOfYear, CredentialsSayTheSchoolAndWhenTheTemporaryPasswordsExpire) {
  const auto code = service_.create_campaign(kSampleUai, "Maths", "3H").code;
  service_.register_pupil(code, "Hugo", "Bernard", "01/02/2011", kGoodPassword);
  const auto credentials = service_.generate_credentials(kSampleUai, "3H");
  EXPECT_EQ(credentials.uai, kSampleUai);
  EXPECT_EQ(credentials.school, "Collège Victor Hugo");
  EXPECT_EQ(credentials.created, 1);
  EXPECT_EQ(credentials.temporary_expires_at, kStart + std::int64_t{30} * 24 * 3600);
  // Nothing created or reset: no expiry.
  EXPECT_EQ(service_.generate_credentials(kSampleUai, "3H").temporary_expires_at, 0);
}

TEST_P(StartOfYear, SlipsCarryAPasswordOnlyForAccountsTheGenerationCreatedOrReset) {
  const auto code = service_.create_campaign(kSampleUai, "Maths", "3H").code;
  service_.register_pupil(code, "Hugo", "Bernard", "01/02/2011", kGoodPassword);
  const auto credentials = service_.generate_credentials(kSampleUai, "3H");
  ASSERT_EQ(credentials.rows.size(), 2u);
  const auto html = credential_slips_html(credentials, "https://inscrire.example/", 8);
  const auto& created = credentials.rows[1];  // DUPONT, after BERNARD
  ASSERT_FALSE(created.temporary_password.empty());
  EXPECT_TRUE(contains(html, created.temporary_password));
  EXPECT_TRUE(contains(html, "ton mot de passe habituel"));  // BERNARD registered himself
  EXPECT_TRUE(contains(html, "15/07/2025"));                 // the expiry, in France
  EXPECT_TRUE(contains(html, "https://inscrire.example"));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_EQ(error_of([&] { credential_slips_html(credentials, {}, 2); }),
            ErrorCode::INVALID_ARGUMENT);
  EXPECT_EQ(error_of([&] { credential_slips_html(credentials, "javascript:alert(1)"); }),
            ErrorCode::INVALID_ARGUMENT);
}

INSTANTIATE_TEST_SUITE_P(Engines, StartOfYear, ::testing::ValuesIn(store_engines()), engine_name);

}  // namespace
}  // namespace inscrire::testing
