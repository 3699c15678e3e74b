// The pupil flow end to end on real SQLite files: import, campaigns, matching (and the stage
// that matched), registration, login, joining, not-joined, re-import.
#include <sqlite3.h>
#include <sys/stat.h>

#include <cctype>
#include <set>
#include <tuple>
#include <vector>

#include "inscrire/username.hpp"
#include "service_fixture.hpp"
#include "sqlite/schema.hpp"

namespace inscrire::testing {
namespace {

class Flow : public ServiceTest {
 protected:
  void SetUp() override {
    service_.emplace(open_sample());
    code_ = service_->create_campaign(kSampleUai, "Pix 5A", std::string("5A")).code;
  }
  Registration enrol(const char* first, const char* last, const char* birthdate) {
    return service_->register_pupil(code_, first, last, birthdate, kGoodPassword);
  }
  std::optional<Service> service_;
  std::string code_;
};

TEST_P(Flow, SampleImportCountsMatchTheFile) {
  const auto learners = service_->learners(kSampleUai);
  EXPECT_EQ(learners.size(), 310u);
  EXPECT_EQ(service_->learners(kSampleUai, std::string("5A")).size(), 17u);
}

TEST_P(Flow, TwinsEachGetTheirOwnAccountInTheStrictPass) {
  EXPECT_EQ(enrol("Allan", "POE", "01/03/2014").learner.first_name, "Allan");
  EXPECT_EQ(enrol("Alian", "POE", "01/03/2014").learner.first_name, "Alian");
}

TEST_P(Flow, AOneLetterSlipBetweenTwinsIsAmbiguous) {
  const auto report = service_->match(code_, "Alan", "Poe", "01/03/2014");
  EXPECT_EQ(report.status, MatchStatus::Ambiguous);
  EXPECT_EQ(report.error(), ErrorCode::AMBIGUOUS_MATCH);
}

TEST_P(Flow, TwoLeaMartinWithTheSameDdmmGetDistinctValidUsernames) {
  const auto first = enrol("Léa", "MARTIN", "12/05/2014");
  const auto second = enrol("Lea", "martin", "12/05/2013");
  EXPECT_EQ(first.username, "lea.martin1205");
  EXPECT_NE(second.username, first.username);
  EXPECT_TRUE(is_valid_username(second.username));
  EXPECT_TRUE(second.username.starts_with("lea.martin"));
}

TEST_P(Flow, ALinkedLearnerGetsAMaskedHint) {
  const auto first = enrol("Léa", "MARTIN", "12/05/2014");
  try {
    enrol("Lea", "Martin", "12/05/2014");
    FAIL() << "registered twice";
  } catch (const MatchRefused& refused) {
    EXPECT_EQ(refused.code(), ErrorCode::LEARNER_ALREADY_LINKED);
    EXPECT_EQ(refused.masked_username(), "l***.m***5");
  }
  const auto report = service_->match(code_, "Léa", "Martin", "12/05/2014");
  EXPECT_EQ(report.status, MatchStatus::LearnerAlreadyLinked);
  EXPECT_EQ(report.masked_username, "l***.m***5");
}

TEST_P(Flow, UsernameComesFromTheRosterNotFromWhatWasTyped) {
  EXPECT_EQ(enrol("Zoe", "Muller", "28/02/2014").username, "zoe.muller2802");
  EXPECT_EQ(enrol("Jean-Mrac", "dartagnan", "01/03/2014").username, "jeanmarc.dartagnan0103");
  EXPECT_EQ(enrol("Oenone", "Coeurdacier", "14/07/2014").username, "oenone.coeurdacier1407");
}

TEST_P(Flow, MatchIsADryRun) {
  const auto report = service_->match(code_, "Zoé", "Müller", "28/02/2014");
  ASSERT_EQ(report.status, MatchStatus::Matched);
  EXPECT_EQ(report.username, "zoe.muller2802");
  EXPECT_FALSE(service_->learners(kSampleUai, std::string("5A"))[0].username.has_value());
  EXPECT_EQ(service_->not_joined(code_).size(), 17u);
}

TEST_P(Flow, MatchOutcomes) {
  EXPECT_EQ(service_->match(code_, "Zoé", "Müller", "28/02/2001").status,
            MatchStatus::NoLearnerForBirthdate);
  EXPECT_EQ(service_->match(code_, "Paul", "Müller", "28/02/2014").status,
            MatchStatus::NoNameMatch);
}

TEST_P(Flow, UsageNameMatchesToo) {
  // Marie LE GALL, usage name DURAND, 30/09/2014.
  EXPECT_EQ(service_->match(code_, "Marie", "Durand", "30/09/2014").status, MatchStatus::Matched);
  EXPECT_EQ(service_->match(code_, "Marie", "Le Gall", "30/09/2014").username, "marie.legall3009");
}

TEST_P(Flow, RegistrationStartsTheParticipationOnce) {
  enrol("Allan", "POE", "01/03/2014");
  EXPECT_EQ(service_->not_joined(code_).size(), 16u);
  const auto session = service_->login("allan.poe0103", kGoodPassword);
  ASSERT_EQ(session.status, LoginStatus::Success);
  const auto again = service_->join_campaign(session.session_token, code_);
  EXPECT_EQ(again.participation_status, "STARTED");
  EXPECT_EQ(service_->not_joined(code_).size(), 16u);
}

TEST_P(Flow, JoiningAnotherCampaignOfTheSchoolNeedsNoMatching) {
  enrol("Allan", "POE", "01/03/2014");
  const auto school_wide = service_->create_campaign(kSampleUai, "Tout le collège").code;
  EXPECT_EQ(service_->not_joined(school_wide).size(), 310u);
  const auto session = service_->login("ALLAN.POE0103", kGoodPassword);
  const auto joined = service_->join_campaign(session.session_token, school_wide);
  EXPECT_EQ(joined.username, "allan.poe0103");
  EXPECT_EQ(service_->not_joined(school_wide).size(), 309u);
  EXPECT_EQ(error_of([&] { service_->join_campaign("not-a-session", school_wide); }),
            ErrorCode::SESSION_INVALID);
}

TEST_P(Flow, CodesAreLookedUpIgnoringCaseSpacesAndHyphens) {
  std::string typed = code_.substr(0, 3) + "-" + code_.substr(3, 3) + " " + code_.substr(6);
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(service_->find_campaign(typed).code, code_);
  EXPECT_EQ(error_of([&] { service_->find_campaign("ZZZZZZ999"); }), ErrorCode::CAMPAIGN_NOT_FOUND);
  service_->archive_campaign(code_);
  EXPECT_EQ(error_of([&] { service_->find_campaign(code_); }), ErrorCode::CAMPAIGN_ARCHIVED);
  EXPECT_EQ(error_of([&] { enrol("Allan", "POE", "01/03/2014"); }), ErrorCode::CAMPAIGN_ARCHIVED);
}

TEST_P(Flow, CampaignCodesAreUniqueAndWellFormed) {
  std::set<std::string> codes{code_};
  for (int i = 0; i < 200; ++i) {
    // Built by appending: GCC 12 at -O2/-O3 reports a false -Wrestrict on `"C" + to_string(i)`
    // (GCC bug 105329).
    const auto name = std::string("C").append(std::to_string(i));
    const auto code = service_->create_campaign(kSampleUai, name).code;
    EXPECT_TRUE(is_well_formed_campaign_code(code)) << code;
    EXPECT_TRUE(codes.insert(code).second);
  }
  EXPECT_EQ(service_->campaigns(kSampleUai).size(), 201u);
}

TEST_P(Flow, InvalidInputIsRefusedWithItsCode) {
  EXPECT_EQ(error_of([&] { enrol("", "POE", "01/03/2014"); }), ErrorCode::NAME_REQUIRED);
  EXPECT_EQ(error_of([&] { enrol("Al\xff", "POE", "01/03/2014"); }), ErrorCode::INVALID_UTF8);
  EXPECT_EQ(error_of([&] { enrol("Allan", "POE", "31/02/2014"); }), ErrorCode::INVALID_BIRTHDATE);
  EXPECT_EQ(error_of([&] { enrol("Allan", "POE", "2014/03/01"); }),
            ErrorCode::INVALID_BIRTHDATE_FORMAT);
  EXPECT_EQ(
      error_of([&] { service_->register_pupil(code_, "Allan", "POE", "01/03/2014", "short"); }),
      ErrorCode::PASSWORD_TOO_WEAK);
  EXPECT_EQ(error_of([&] { service_->register_pupil(code_, "Allan", "POE", "01/03/2014", ""); }),
            ErrorCode::PASSWORD_REQUIRED);
  EXPECT_EQ(error_of([&] {
              service_->register_pupil(code_, "Allan", "POE", "01/03/2014", std::string(256, 'a'));
            }),
            ErrorCode::PASSWORD_TOO_LONG);
  EXPECT_EQ(error_of([&] {
              service_->register_pupil(code_, "Allan", "POE", "01/03/2014", "Allan2014x");
            }),
            ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(
      error_of([&] { service_->register_pupil(code_, "Allan", "POE", "01/03/2014", "Azerty123"); }),
      ErrorCode::PASSWORD_TOO_COMMON);
  EXPECT_EQ(error_of([&] { service_->create_organization("123", "x"); }), ErrorCode::INVALID_UAI);
  EXPECT_EQ(error_of([&] { service_->create_organization(kSampleUai, "x"); }),
            ErrorCode::ORGANIZATION_EXISTS);
  EXPECT_EQ(error_of([&] { service_->learners("0999999Z"); }), ErrorCode::ORGANIZATION_NOT_FOUND);
  // Nothing was half-written by the refused registrations.
  EXPECT_EQ(service_->not_joined(code_).size(), 17u);
}

TEST_P(Flow, LoginFailuresLookTheSameForUnknownUsers) {
  enrol("Allan", "POE", "01/03/2014");
  EXPECT_EQ(error_of([&] { service_->login("allan.poe0103", "Wrong12345"); }),
            ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(error_of([&] { service_->login("nobody.here0101", "Wrong12345"); }),
            ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(service_->login("allan.poe0103", kGoodPassword).status, LoginStatus::Success);
}

TEST_P(Flow, ChangePasswordWithTheOldOne) {
  enrol("Allan", "POE", "01/03/2014");
  service_->change_password("allan.poe0103", kGoodPassword, "Girouette77");
  EXPECT_EQ(error_of([&] { service_->login("allan.poe0103", kGoodPassword); }),
            ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(service_->login("allan.poe0103", "Girouette77").status, LoginStatus::Success);
  EXPECT_EQ(error_of([&] { service_->change_password("allan.poe0103", "Bad1xxxxx", "Xylo12345"); }),
            ErrorCode::INVALID_CREDENTIALS);
}

// --- Later matching stages (docs/rules.md §3) ---------------------------------------------

class LaterStages : public ServiceTest {
 protected:
  // A school whose roster holds the names the later stages are for; twins born 01/02/2014.
  void SetUp() override {
    service_.emplace(open());
    service_->create_organization(kSampleUai, "Collège");
    const std::vector<Pupil> pupils = {{"111111111AA", "Marie-Lou", "DUPONT", "01/02/2014"},
                                       {"222222222BB", "Marie-Anne", "DUPONT", "01/02/2014"},
                                       {"333333333CC", "Léa", "MARTIN DUPONT", "05/06/2014"},
                                       {"444444444DD", "Joe", "POE", "03/04/2014"},
                                       {"555555555EE", "Mathis", "PETIT", "07/08/2014"}};
    service_->import_roster(kSampleUai, write_file("stages.xml", siecle_xml(kSampleUai, pupils)));
    code_ = service_->create_campaign(kSampleUai, "Pix 5A").code;
  }
  std::optional<Service> service_;
  std::string code_;
};

TEST_P(LaterStages, TheReportSaysWhichStageFoundTheLearner) {
  const struct {
    const char *first, *last, *birthdate;
    MatchStage stage;
    const char* username;
  } cases[] = {
      {"Joe", "Poe", "03/04/2014", MatchStage::Exact, "joe.poe0304"},
      {"Joey", "Poe", "03/04/2014", MatchStage::Tolerant, "joe.poe0304"},
      {"Lou", "Dupont", "01/02/2014", MatchStage::GivenNames, "marielou.dupont0102"},
      {"Léa", "Dupont", "05/06/2014", MatchStage::FamilyNames, "lea.martindupont0506"},
      {"Poe", "Joe", "03/04/2014", MatchStage::Swapped, "joe.poe0304"},
      {"Mtahis", "Petit", "07/08/2014", MatchStage::Transposition, "mathis.petit0708"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.first) + " " + c.last);
    const auto report = service_->match(code_, c.first, c.last, c.birthdate);
    ASSERT_EQ(report.status, MatchStatus::Matched);
    ASSERT_TRUE(report.matched_by.has_value());
    EXPECT_EQ(match_stage_name(*report.matched_by), match_stage_name(c.stage));
    EXPECT_EQ(report.username, c.username);  // from the roster row, never from what was typed
  }
}

TEST_P(LaterStages, PixRulesRestoreTheTwoPassesAlone) {
  service_.reset();
  auto options = fast_options();
  options.matching = MatchRules::Pix;
  auto pix = open(options);
  EXPECT_EQ(*pix.match(code_, "Joey", "Poe", "03/04/2014").matched_by, MatchStage::Tolerant);
  for (const auto& [first, last, birthdate] :
       {std::tuple{"Lou", "Dupont", "01/02/2014"}, std::tuple{"Léa", "Dupont", "05/06/2014"},
        std::tuple{"Poe", "Joe", "03/04/2014"}, std::tuple{"Mtahis", "Petit", "07/08/2014"}}) {
    const auto report = pix.match(code_, first, last, birthdate);
    EXPECT_EQ(report.status, MatchStatus::NoNameMatch) << first << " " << last;
    EXPECT_FALSE(report.matched_by.has_value());
  }
}

TEST_P(LaterStages, TwinsSharingAWordStayAmbiguous) {
  const auto report = service_->match(code_, "Marie", "Dupont", "01/02/2014");
  EXPECT_EQ(report.status, MatchStatus::Ambiguous);
  EXPECT_FALSE(report.matched_by.has_value());
  EXPECT_FALSE(report.learner.has_value());
}

TEST_P(LaterStages, BirthDatesAreNeverCorrected) {
  // Day and month exchanged: nobody was born on 04/03/2014.
  EXPECT_EQ(service_->match(code_, "Joe", "Poe", "04/03/2014").status,
            MatchStatus::NoLearnerForBirthdate);
  EXPECT_EQ(service_->match(code_, "Poe", "Joe", "04/03/2014").status,
            MatchStatus::NoLearnerForBirthdate);
}

TEST_P(LaterStages, AClassmatesIdentityTypedWithOnesOwnBirthDate) {
  // Joe's names with Mathis's birth date: Mathis is the only candidate, and no stage fits him.
  EXPECT_EQ(service_->match(code_, "Joe", "Poe", "07/08/2014").status, MatchStatus::NoNameMatch);
  EXPECT_EQ(service_->match(code_, "Poe", "Joe", "07/08/2014").status, MatchStatus::NoNameMatch);
}

TEST_P(LaterStages, ARegistrationByALaterStageIsAudited) {
  const auto exact =
      service_->register_pupil(code_, "Mathis", "Petit", "07/08/2014", kGoodPassword);
  EXPECT_EQ(exact.matched_by, MatchStage::Exact);
  const auto swapped = service_->register_pupil(code_, "Poe", "Joe", "03/04/2014", kGoodPassword);
  EXPECT_EQ(swapped.username, "joe.poe0304");
  EXPECT_EQ(swapped.matched_by, MatchStage::Swapped);
  const auto learner_id = rows("SELECT id FROM learners WHERE ine = '444444444DD'").at(0).at(0);
  // One row of a pupil, for the later stage only; the learner by row id, no name, no password.
  EXPECT_EQ(rows("SELECT actor_kind, action, target, detail FROM audit_log "
                 "WHERE actor_kind = 'pupil'"),
            (std::vector<std::vector<std::string>>{
                {"pupil", "register", "joe.poe0304",
                 "0751234A learner #" + learner_id + " matched_by=swapped"}}));
  // Linked now: the same slip gets the masked hint, and still says how it was found.
  const auto again = service_->match(code_, "Poe", "Joe", "03/04/2014");
  EXPECT_EQ(again.status, MatchStatus::LearnerAlreadyLinked);
  EXPECT_EQ(again.matched_by, MatchStage::Swapped);
  EXPECT_EQ(again.masked_username, "j***.p***4");
}

// --- Re-import ------------------------------------------------------------------------------

class Reimport : public ServiceTest {
 protected:
  // Two schools, a collège 0751234A and a lycée 0331234B; Ana registered at the collège.
  Pupil register_ana_in_a_college(Service& service) {
    service.create_organization("0751234A", "Collège");
    service.create_organization("0331234B", "Lycée");
    const Pupil ana{"111111111AA", "Ana", "Lopez", "02/02/2014"};
    service.import_roster("0751234A", write_file("a.xml", siecle_xml("0751234A", {ana})));
    const auto code = service.create_campaign("0751234A", "all").code;
    service.register_pupil(code, "Ana", "Lopez", "02/02/2014", kGoodPassword);
    return ana;
  }

  // Every row of every table, as text: equal dumps mean equal content.
  std::string content() {
    std::string dump;
    for (const auto& table : engine_database().tables()) {
      dump += "# " + table + "\n";
      for (const auto& row : rows("SELECT * FROM \"" + table + "\"")) {
        for (const auto& value : row) dump += value + "|";
        dump += "\n";
      }
    }
    return dump;
  }
};

TEST_P(Reimport, RefusedFilesLeaveEveryTableUnchanged) {
  auto service = open_sample();
  const auto code = service.create_campaign(kSampleUai, "5A", std::string("5A")).code;
  service.register_pupil(code, "Allan", "POE", "01/03/2014", kGoodPassword);
  const auto before = content();
  ASSERT_NE(before.find("allan.poe0103"), std::string::npos);
  // One good pupil, one broken: nothing of the good one may be written either.
  const auto broken = write_file(
      "broken.xml", siecle_xml(kSampleUai, {Pupil{"999999999ZZ", "Ana", "Lopez", "02/02/2014"},
                                            Pupil{"111111111AA", "Bob", "Lopez", "31/02/2014"}}));
  EXPECT_THROW(service.import_roster(kSampleUai, broken), ImportRefused);
  EXPECT_THROW(service.import_roster(kSampleUai,
                                     std::filesystem::path(INSCRIRE_DATA_DIR) / "hostile-xxe.xml"),
               ImportRefused);
  EXPECT_THROW(service.import_roster(kSampleUai, write_file("empty.xml", "")), ImportRefused);
  EXPECT_EQ(content(), before);
}

TEST_P(Reimport, TheSameFileChangesNoAccount) {
  auto service = open_sample();
  const auto code = service.create_campaign(kSampleUai, "5A", std::string("5A")).code;
  service.register_pupil(code, "Allan", "POE", "01/03/2014", kGoodPassword);
  const auto report = service.import_roster(kSampleUai, sample_roster());
  EXPECT_EQ(report.created, 0);
  EXPECT_EQ(report.updated, 0);
  EXPECT_EQ(report.disabled, 0);
  EXPECT_EQ(service.not_joined(code).size(), 16u);
  EXPECT_EQ(service.login("allan.poe0103", kGoodPassword).status, LoginStatus::Success);
}

TEST_P(Reimport, AbsentPupilsAreDisabledAndComeBackWithTheirAccount) {
  auto service = open();
  service.create_organization(kSampleUai, "Test");
  const Pupil ana{"111111111AA", "Ana", "Lopez", "02/02/2014"};
  const Pupil ben{"222222222BB", "Ben", "Morel", "03/03/2014"};
  const auto both = write_file("both.xml", siecle_xml(kSampleUai, {ana, ben}));
  const auto only_ben = write_file("ben.xml", siecle_xml(kSampleUai, {ben}));
  EXPECT_EQ(service.import_roster(kSampleUai, both).created, 2);
  const auto code = service.create_campaign(kSampleUai, "5A", std::string("5A")).code;
  service.register_pupil(code, "Ana", "Lopez", "02/02/2014", kGoodPassword);

  const auto without = service.import_roster(kSampleUai, only_ben);
  EXPECT_EQ(without.disabled, 1);
  EXPECT_EQ(service.learners(kSampleUai).size(), 1u);
  EXPECT_EQ(service.learners(kSampleUai, std::nullopt, true).size(), 2u);
  EXPECT_EQ(service.match(code, "Ana", "Lopez", "02/02/2014").status,
            MatchStatus::NoLearnerForBirthdate);
  EXPECT_EQ(service.not_joined(code).size(), 1u);

  const auto back = service.import_roster(kSampleUai, both);
  EXPECT_EQ(back.reenabled, 1);
  EXPECT_EQ(back.created, 0);
  const auto learners = service.learners(kSampleUai);
  ASSERT_EQ(learners.size(), 2u);
  EXPECT_EQ(learners[0].username, "ana.lopez0202");
  EXPECT_EQ(service.not_joined(code).size(), 1u);  // her participation was kept
}

TEST_P(Reimport, ChangedFieldsAreUpdatedInPlace) {
  auto service = open();
  service.create_organization(kSampleUai, "Test");
  Pupil ana{"111111111AA", "Ana", "Lopez", "02/02/2014"};
  service.import_roster(kSampleUai, write_file("a.xml", siecle_xml(kSampleUai, {ana})));
  const auto code = service.create_campaign(kSampleUai, "all").code;
  service.register_pupil(code, "Ana", "Lopez", "02/02/2014", kGoodPassword);
  ana.division = "4B";
  ana.usage_name = "Garcia";
  const auto report =
      service.import_roster(kSampleUai, write_file("b.xml", siecle_xml(kSampleUai, {ana})));
  EXPECT_EQ(report.updated, 1);
  const auto learners = service.learners(kSampleUai);
  EXPECT_EQ(learners[0].division, "4B");
  EXPECT_EQ(learners[0].username, "ana.lopez0202");
  EXPECT_EQ(service.match(code, "Ana", "Garcia", "02/02/2014").status,
            MatchStatus::LearnerAlreadyLinked);
}

TEST_P(Reimport, AccountsFollowAnIneToAnotherSchoolWithTheSameBirthDate) {
  auto service = open();
  const auto ana = register_ana_in_a_college(service);

  auto moved = ana;
  moved.division = "2NDE1";
  const auto report =
      service.import_roster("0331234B", write_file("b.xml", siecle_xml("0331234B", {moved})));
  EXPECT_EQ(report.linked, 1);
  EXPECT_EQ(service.learners("0331234B")[0].username, "ana.lopez0202");
}

TEST_P(Reimport, NoAutomaticLinkWhenTheBirthDateDiffers) {
  auto service = open();
  const auto ana = register_ana_in_a_college(service);

  auto other = ana;
  other.birthdate = "03/02/2014";
  const auto report =
      service.import_roster("0331234B", write_file("b.xml", siecle_xml("0331234B", {other})));
  EXPECT_EQ(report.linked, 0);
  EXPECT_FALSE(service.learners("0331234B")[0].username.has_value());
  // Registering there is refused: the pupil already has an account elsewhere.
  const auto lycee_code = service.create_campaign("0331234B", "all").code;
  const auto match = service.match(lycee_code, "Ana", "Lopez", "03/02/2014");
  EXPECT_EQ(match.status, MatchStatus::LearnerHasAccountElsewhere);
  EXPECT_EQ(match.masked_username, "a***.l***2");
}

TEST_P(Reimport, ALoggedInPupilJoinsTheNewSchoolWithHisAccount) {
  auto service = open();
  auto ana = register_ana_in_a_college(service);
  ana.birthdate = "03/02/2014";  // the lycée's roster differs: no automatic link
  service.import_roster("0331234B", write_file("b.xml", siecle_xml("0331234B", {ana})));
  const auto lycee = service.create_campaign("0331234B", "all").code;
  const auto session = service.login("ana.lopez0202", kGoodPassword).session_token;
  EXPECT_EQ(error_of([&] { service.join_campaign(session, lycee); }), ErrorCode::LEARNER_NOT_FOUND);
  const auto joined = service.join_campaign(session, lycee, "Ana", "Lopez", "03/02/2014");
  EXPECT_EQ(joined.username, "ana.lopez0202");
  EXPECT_EQ(service.learners("0331234B")[0].username, "ana.lopez0202");
  EXPECT_TRUE(service.not_joined(lycee).empty());
  // Linked now: the plain join works, and a second identity in the same school is refused.
  EXPECT_EQ(service.join_campaign(session, lycee).username, "ana.lopez0202");
}

TEST_P(Reimport, ALoggedInPupilLinkedByALaterStageIsAudited) {
  auto service = open();
  auto ana = register_ana_in_a_college(service);
  ana.birthdate = "03/02/2014";  // no automatic link
  service.import_roster("0331234B", write_file("b.xml", siecle_xml("0331234B", {ana})));
  const auto lycee = service.create_campaign("0331234B", "all").code;
  const auto session = service.login("ana.lopez0202", kGoodPassword).session_token;
  const auto joined = service.join_campaign(session, lycee, "Lopez", "Ana", "03/02/2014");
  EXPECT_EQ(joined.username, "ana.lopez0202");
  EXPECT_EQ(joined.matched_by, MatchStage::Swapped);
  EXPECT_FALSE(service.join_campaign(session, lycee).matched_by.has_value());  // no matching
  const auto audit =
      rows("SELECT actor, action, target, detail FROM audit_log WHERE actor_kind = 'pupil'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0][1], "join_campaign");
  EXPECT_EQ(audit[0][2], "ana.lopez0202");
  EXPECT_TRUE(audit[0][3].starts_with("0331234B learner #")) << audit[0][3];
  EXPECT_TRUE(audit[0][3].ends_with(" matched_by=swapped")) << audit[0][3];
}

TEST_P(Reimport, AnAccountLinkedInASchoolCannotTakeASecondLearnerThere) {
  auto service = open();
  register_ana_in_a_college(service);
  const auto ben = Pupil{"222222222BB", "Ben", "Morel", "03/03/2014"};
  const auto ana = Pupil{"111111111AA", "Ana", "Lopez", "02/02/2014"};
  service.import_roster("0751234A", write_file("c.xml", siecle_xml("0751234A", {ana, ben})));
  const auto code = service.create_campaign("0751234A", "again").code;
  const auto session = service.login("ana.lopez0202", kGoodPassword).session_token;
  EXPECT_EQ(error_of([&] { service.join_campaign(session, code, "Ben", "Morel", "03/03/2014"); }),
            ErrorCode::USER_ALREADY_LINKED_IN_ORGANIZATION);
  service.register_pupil(code, "Ben", "Morel", "03/03/2014", kGoodPassword);
  EXPECT_EQ(error_of([&] { service.join_campaign(session, code, "Ben", "Morel", "03/03/2014"); }),
            ErrorCode::LEARNER_ALREADY_LINKED);
  EXPECT_EQ(service.join_campaign(session, code, "Ana", "Lopez", "02/02/2014").username,
            "ana.lopez0202");
}

TEST_P(Reimport, ARefusedFileLeavesTheDatabaseAsItWas) {
  auto service = open_sample();
  const auto before = service.learners(kSampleUai, std::nullopt, true).size();
  const auto broken = write_file(
      "broken.xml", siecle_xml(kSampleUai, {Pupil{"111111111AA", "Ana", "Lopez", "31/02/2014"}}));
  try {
    service.import_roster(kSampleUai, broken);
    FAIL() << "imported a broken file";
  } catch (const ImportRefused& refused) {
    EXPECT_EQ(refused.code(), ErrorCode::INVALID_BIRTHDATE);
    ASSERT_EQ(refused.report().errors.size(), 1u);
    EXPECT_EQ(refused.report().errors[0].ine, "111111111AA");
  }
  EXPECT_EQ(service.learners(kSampleUai, std::nullopt, true).size(), before);
  EXPECT_EQ(service.learners(kSampleUai).size(), before);
  EXPECT_EQ(error_of([&] { service.import_roster("0331234B", sample_roster()); }),
            ErrorCode::ORGANIZATION_NOT_FOUND);
  service.create_organization("0331234B", "Autre");
  EXPECT_EQ(error_of([&] { service.import_roster("0331234B", sample_roster()); }),
            ErrorCode::UAI_MISMATCH);
}

TEST_P(Reimport, DryRunReportsWithoutWriting) {
  auto service = open();
  service.create_organization(kSampleUai, "Test");
  ImportOptions options;
  options.dry_run = true;
  const auto report = service.import_roster(kSampleUai, sample_roster(), options);
  EXPECT_TRUE(report.dry_run);
  EXPECT_EQ(report.created, 310);
  EXPECT_TRUE(service.learners(kSampleUai).empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, LaterStages, ::testing::ValuesIn(store_engines()), engine_name);
INSTANTIATE_TEST_SUITE_P(Engines, Flow, ::testing::ValuesIn(store_engines()), engine_name);
INSTANTIATE_TEST_SUITE_P(Engines, Reimport, ::testing::ValuesIn(store_engines()), engine_name);

// SQLite's own file: schema versioning (PRAGMA user_version) and the writer lock.
class SqliteFile : public ServiceTest {};

TEST_F(SqliteFile, ASchemaNewerThanTheLibraryIsRefused) {
  { open(); }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(database().c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  EXPECT_EQ(error_of([&] { open(); }), ErrorCode::SCHEMA_TOO_NEW);
}

TEST_F(SqliteFile, ADatabaseOfTheFirstSchemaIsMigratedWithItsRows) {
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(database().c_str(), &db), SQLITE_OK);
    const std::string first = std::string(sqlite::kMigrations[0]) +
                              "INSERT INTO organizations(uai, name, created_at) "
                              "VALUES ('0751234A', 'Collège', 1); "
                              "INSERT INTO users(username, password_hash, failed_attempts, "
                              "blocked_until, blocked, created_at) "
                              "VALUES ('Lea.Martin0101', 'h', 12, 99, 1, 1); "
                              "PRAGMA user_version = 1;";
    ASSERT_EQ(sqlite3_exec(db, first.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto service = open();
  ASSERT_EQ(service.organizations().size(), 1u);
  service.import_roster(kSampleUai, sample_roster());
  EXPECT_EQ(service.learners(kSampleUai).size(), 310u);
  EXPECT_EQ(rows("PRAGMA user_version"), (Rows{{std::to_string(sqlite::kMigrations.size())}}));
  EXPECT_EQ(rows("SELECT count(*) FROM sqlite_master WHERE name = 'tokens_by_user'"),
            (Rows{{"1"}}));
  // Schema 3: an account's failures and block move to login_failures, under its lower-cased
  // username, and still refuse it.
  EXPECT_EQ(rows("SELECT username, failed_attempts, blocked_until, blocked FROM login_failures"),
            (Rows{{"lea.martin0101", "12", "99", "1"}}));
  EXPECT_EQ(rows("SELECT failed_attempts, blocked_until, blocked FROM users"),
            (Rows{{"0", "0", "0"}}));
  EXPECT_EQ(error_of([&] { service.login("lea.martin0101", "Whatever1"); }),
            ErrorCode::ACCOUNT_BLOCKED);
}

// docs/rules.md §8: password hashes and minors' data are not for the other users of the machine.
TEST_F(SqliteFile, TheDatabaseAndItsJournalFilesAreCreatedOwnerOnlyUnderUmask022) {
  const auto previous = ::umask(022);  // the usual umask, under which SQLite alone makes 0644
  {
    auto service = open();
    service.create_organization(kSampleUai, "Collège");  // a write: the WAL and its index exist
    for (const auto* suffix : {"", "-wal", "-shm", "-lock"}) {
      const auto file = std::filesystem::status(database().string() + suffix);
      ASSERT_TRUE(std::filesystem::is_regular_file(file)) << suffix;
      EXPECT_EQ(file.permissions() & std::filesystem::perms::all,
                std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
          << suffix;
    }
  }
  ::umask(previous);
}

TEST_F(SqliteFile, AnExistingFileKeepsTheModeItsOwnerGaveIt) {
  const auto previous = ::umask(022);
  { std::ofstream(database()).flush(); }  // an empty file: SQLite makes it a new database
  std::filesystem::permissions(database(), std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_write |
                                               std::filesystem::perms::group_read);
  open().create_organization(kSampleUai, "Collège");
  EXPECT_EQ(std::filesystem::status(database()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                std::filesystem::perms::group_read);
  ::umask(previous);
}

TEST_F(SqliteFile, WritersShareALockFileOnlyTheOwnerCanOpen) {
  open();
  const auto lock = std::filesystem::status(database().string() + "-lock");
  ASSERT_TRUE(std::filesystem::is_regular_file(lock));
  EXPECT_EQ(lock.permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace
}  // namespace inscrire::testing
