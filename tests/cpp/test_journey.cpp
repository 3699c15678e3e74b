// The pupil's journey after registration (issue 13) on every engine: sessions that end,
// participation steps, the teacher's participant list and its CSV, the admin learner list with
// account states and paging, look-ups, dissociation, bulk credentials that leave registered
// pupils alone, temporary passwords that expire, campaign corrections; and the migration of a
// database written by the first release (tests/data/v1-school.db).
#include <algorithm>
#include <filesystem>

#include "inscrire/render.hpp"
#include "inscrire/service.hpp"
#include "service_fixture.hpp"

namespace inscrire::testing {
namespace {

constexpr const char* kAllan = "allan.poe0103";
constexpr const char* kAllanIne = "552340183SS";
constexpr const char* kNewPassword = "Girouette77";
constexpr std::int64_t kStart = 1'750'000'000;
constexpr std::int64_t kDay = 24 * 3600;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class Journey : public ServiceTest {
 protected:
  void SetUp() override {
    service_.emplace(open_with(fast_options()));
    service_->create_organization(kSampleUai, "Collège Victor Hugo");
    service_->import_roster(kSampleUai, sample_roster());
    code_ = service_->create_campaign(kSampleUai, "Pix 5A", std::string("5A")).code;
  }

  Service open_with(ServiceOptions options) {
    options.clock = [this] { return now_; };
    return open(std::move(options));
  }

  std::string enrol_allan() {
    return service_->register_pupil(code_, "Allan", "POE", "01/03/2014", kGoodPassword).username;
  }

  std::string session_of(const std::string& username, const char* password = kGoodPassword) {
    const auto result = service_->login(username, password);
    EXPECT_EQ(result.status, LoginStatus::Success);
    return result.session_token;
  }

  // Allan POE's row (the sample has an Alian POE too).
  static Participant participant(const std::vector<Participant>& rows, const std::string& last) {
    const auto found = std::find_if(rows.begin(), rows.end(), [&](const Participant& p) {
      return p.last_name == last && p.first_name == "Allan";
    });
    EXPECT_NE(found, rows.end()) << last;
    return found == rows.end() ? Participant{} : *found;
  }

  std::int64_t now_ = kStart;
  std::optional<Service> service_;
  std::string code_;
};

// --- Sessions

TEST_P(Journey, AuthenticateNamesTheAccountItsLearnersAndTheExpiry) {
  const auto username = enrol_allan();
  const auto token = session_of(username);
  const auto session = service_->authenticate(token);
  EXPECT_EQ(session.username, username);
  EXPECT_EQ(session.expires_at, kStart + 8 * 3600);
  ASSERT_EQ(session.learners.size(), 1u);
  EXPECT_EQ(session.learners[0].uai, kSampleUai);
  EXPECT_EQ(session.learners[0].school, "Collège Victor Hugo");
  EXPECT_EQ(session.learners[0].division, "5A");
  EXPECT_EQ(session.learners[0].first_name, "Allan");
  EXPECT_EQ(session.learners[0].last_name, "POE");
  // Only a digest is stored.
  EXPECT_FALSE(contains(engine_database().stored_bytes(), token));
}

TEST_P(Journey, SessionsEndByThemselvesAtTheConfiguredLifetime) {
  ServiceOptions options = fast_options();
  options.login.session_seconds = 60;
  service_.emplace(open_with(options));
  const auto token = session_of(enrol_allan());
  now_ += 59;
  EXPECT_EQ(service_->authenticate(token).expires_at, kStart + 60);
  now_ += 1;
  EXPECT_EQ(error_of([&] { service_->authenticate(token); }), ErrorCode::SESSION_INVALID);
  EXPECT_EQ(error_of([&] { service_->join_campaign(token, code_); }), ErrorCode::SESSION_INVALID);
}

TEST_P(Journey, AfterLogoutTheOldSessionIsRefused) {
  const auto username = enrol_allan();
  const auto token = session_of(username);
  const auto other = session_of(username);
  service_->logout(token);
  EXPECT_EQ(error_of([&] { service_->authenticate(token); }), ErrorCode::SESSION_INVALID);
  EXPECT_EQ(error_of([&] { service_->logout(token); }), ErrorCode::SESSION_INVALID);
  EXPECT_EQ(error_of([&] { service_->participations(token); }), ErrorCode::SESSION_INVALID);
  EXPECT_EQ(service_->authenticate(other).username, username);  // the other device stays
  EXPECT_EQ(error_of([&] { service_->authenticate("not-a-token"); }), ErrorCode::SESSION_INVALID);
  EXPECT_EQ(error_of([&] { service_->authenticate(""); }), ErrorCode::SESSION_INVALID);
}

TEST_P(Journey, APasswordChangeOrResetEndsEverySession) {
  const auto username = enrol_allan();
  const auto first = session_of(username);
  const auto second = session_of(username);
  service_->change_password(username, kGoodPassword, kNewPassword);
  EXPECT_EQ(error_of([&] { service_->authenticate(first); }), ErrorCode::SESSION_INVALID);
  EXPECT_EQ(error_of([&] { service_->authenticate(second); }), ErrorCode::SESSION_INVALID);
  EXPECT_EQ(error_of([&] { service_->join_campaign(first, code_); }), ErrorCode::SESSION_INVALID);

  const auto third = session_of(username, kNewPassword);
  service_->reset_password(kSampleUai, username);
  EXPECT_EQ(error_of([&] { service_->authenticate(third); }), ErrorCode::SESSION_INVALID);
}

TEST_P(Journey, LoginRecordsTheLastLoginTime) {
  const auto username = enrol_allan();
  EXPECT_FALSE(service_->account(username).account.last_login_at);
  now_ += 100;
  session_of(username);
  EXPECT_EQ(service_->account(username).account.last_login_at, kStart + 100);
  now_ += 100;
  EXPECT_THROW(service_->login(username, "Wrong1234x"), LoginError);
  EXPECT_EQ(service_->account(username).account.last_login_at, kStart + 100);
}

TEST_P(Journey, TemporaryPasswordsExpireAfterTheConfiguredDays) {
  const auto username = enrol_allan();
  const auto temporary = service_->reset_password(kSampleUai, username);
  EXPECT_EQ(service_->account(username).account.temporary_expires_at, kStart + 30 * kDay);
  now_ += 30 * kDay - 1;
  EXPECT_EQ(service_->login(username, temporary).status, LoginStatus::PasswordChangeRequired);
  now_ += 1;
  EXPECT_EQ(error_of([&] { service_->login(username, temporary); }),
            ErrorCode::TEMPORARY_PASSWORD_EXPIRED);
  // A wrong password still says only that it is wrong.
  EXPECT_EQ(error_of([&] { service_->login(username, "Wrong1234x"); }),
            ErrorCode::INVALID_CREDENTIALS);
  // A new reset helps.
  const auto again = service_->reset_password(kSampleUai, username);
  const auto change = service_->login(username, again);
  service_->change_password_with_token(change.change_token, kNewPassword);
  EXPECT_EQ(service_->account(username).account.temporary_expires_at, 0);
  now_ += 400 * kDay;
  EXPECT_EQ(service_->login(username, kNewPassword).status, LoginStatus::Success);
}

TEST_P(Journey, TheTemporaryPasswordLifetimeIsAnOption) {
  ServiceOptions options = fast_options();
  options.login.temporary_password_days = 1;
  service_.emplace(open_with(options));
  const auto credentials = service_->generate_credentials(kSampleUai, "5A");
  const auto& row = credentials.rows.front();
  now_ += kDay;
  EXPECT_EQ(error_of([&] { service_->login(row.username, row.temporary_password); }),
            ErrorCode::TEMPORARY_PASSWORD_EXPIRED);
  options.login.temporary_password_days = 0;
  EXPECT_EQ(error_of([&] { options.validate(); }), ErrorCode::INVALID_ARGUMENT);
  options.login.temporary_password_days = 366;
  EXPECT_EQ(error_of([&] { options.validate(); }), ErrorCode::INVALID_ARGUMENT);
}

// --- Participations

TEST_P(Journey, AParticipationMovesStartedToShareSharedNeverBack) {
  const auto token = session_of(enrol_allan());
  auto mine = service_->participations(token);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].code, code_);
  EXPECT_EQ(mine[0].campaign, "Pix 5A");
  EXPECT_EQ(mine[0].uai, kSampleUai);
  EXPECT_EQ(mine[0].school, "Collège Victor Hugo");
  EXPECT_EQ(mine[0].status, kStarted);
  EXPECT_EQ(mine[0].started_at, kStart);
  EXPECT_FALSE(mine[0].completed_at);

  EXPECT_EQ(error_of([&] { service_->share_participation(token, code_); }),
            ErrorCode::INVALID_PARTICIPATION_STATUS);
  now_ += 10;
  const auto completed = service_->complete_participation(token, code_);
  EXPECT_EQ(completed.status, kToShare);
  EXPECT_EQ(completed.completed_at, kStart + 10);
  EXPECT_EQ(error_of([&] { service_->complete_participation(token, code_); }),
            ErrorCode::INVALID_PARTICIPATION_STATUS);
  now_ += 10;
  const auto shared = service_->share_participation(token, code_);
  EXPECT_EQ(shared.status, kShared);
  EXPECT_EQ(shared.shared_at, kStart + 20);
  EXPECT_EQ(shared.completed_at, kStart + 10);
  EXPECT_EQ(error_of([&] { service_->share_participation(token, code_); }),
            ErrorCode::INVALID_PARTICIPATION_STATUS);
  EXPECT_EQ(error_of([&] { service_->complete_participation(token, code_); }),
            ErrorCode::INVALID_PARTICIPATION_STATUS);
  // Logging in again and joining again keep the one participation and its step.
  EXPECT_EQ(service_->join_campaign(token, code_).participation_status, kShared);
  mine = service_->participations(token);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].status, kShared);
}

TEST_P(Journey, StepsNeedAParticipationAndAnOpenCampaign) {
  const auto token = session_of(enrol_allan());
  const auto other = service_->create_campaign(kSampleUai, "Pix 4B", std::string("4B")).code;
  EXPECT_EQ(error_of([&] { service_->complete_participation(token, other); }),
            ErrorCode::PARTICIPATION_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->complete_participation(token, "ZZZZZZ999"); }),
            ErrorCode::CAMPAIGN_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->complete_participation("nope", code_); }),
            ErrorCode::SESSION_INVALID);
  service_->archive_campaign(code_);
  EXPECT_EQ(error_of([&] { service_->complete_participation(token, code_); }),
            ErrorCode::CAMPAIGN_ARCHIVED);
  service_->unarchive_campaign(code_);
  EXPECT_EQ(service_->complete_participation(token, code_).status, kToShare);
}

TEST_P(Journey, TheParticipantListMovesFromNotJoinedToShared) {
  auto rows = service_->campaign_participants(code_);
  ASSERT_EQ(rows.size(), 17u);
  EXPECT_TRUE(std::all_of(rows.begin(), rows.end(),
                          [](const Participant& p) { return p.status == kNotJoined; }));
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.division, a.last_name, a.first_name) <
           std::tie(b.division, b.last_name, b.first_name);
  }));
  EXPECT_FALSE(participant(rows, "POE").username);

  const auto username = enrol_allan();
  const auto token = session_of(username);
  rows = service_->campaign_participants(code_);
  EXPECT_EQ(participant(rows, "POE").status, kStarted);
  EXPECT_EQ(participant(rows, "POE").username, username);
  EXPECT_EQ(participant(rows, "POE").started_at, kStart);
  now_ += 60;
  service_->complete_participation(token, code_);
  EXPECT_EQ(participant(service_->campaign_participants(code_), "POE").status, kToShare);
  now_ += 60;
  service_->share_participation(token, code_);
  rows = service_->campaign_participants(code_);
  EXPECT_EQ(participant(rows, "POE").status, kShared);
  EXPECT_EQ(participant(rows, "POE").shared_at, kStart + 120);
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                          [](const Participant& p) { return p.status == kNotJoined; }),
            16);

  const auto csv = participants_csv(rows);
  EXPECT_TRUE(csv.starts_with(
      "\xEF\xBB\xBF"
      "Classe;Nom;Prénom;Identifiant;Statut;Commencé le;Partagé le;Hors classe\r\n"));
  EXPECT_TRUE(contains(
      csv, "5A;POE;Allan;" + username + ";SHARED;2025-06-15T15:06:40Z;2025-06-15T15:08:40Z;\r\n"))
      << csv;
  EXPECT_EQ(error_of([&] { service_->campaign_participants("ZZZZZZ999"); }),
            ErrorCode::CAMPAIGN_NOT_FOUND);
}

TEST(ParticipantsCsv, NeutralisesFormulasInEveryCell) {
  Participant row;
  row.division = "=1+1";
  row.last_name = "+SUM(A1)";
  row.first_name = "@x";
  row.username = "-y";
  row.status = "STARTED";
  const auto csv = participants_csv({row});
  EXPECT_TRUE(contains(csv, "'=1+1;'+SUM(A1);'@x;'-y;STARTED;;;\r\n")) << csv;
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601_utc(1'750'000'000), "2025-06-15T15:06:40Z");
}

// --- Admin list, look-ups

TEST_P(Journey, TheLearnerListShowsEachAccountState) {
  const auto allan = enrol_allan();
  const auto ewen =
      service_->register_pupil(code_, "Ewen", "André", "15/09/2014", kGoodPassword).username;
  const auto jeanmarc =
      service_->register_pupil(code_, "Jean-Marc", "D'Artagnan", "01/03/2014", kGoodPassword)
          .username;
  service_->reset_password(kSampleUai, jeanmarc);
  for (int i = 0; i < 10; ++i) EXPECT_THROW(service_->login(ewen, "Wrong1234x"), LoginError);
  session_of(allan);
  service_->join_campaign(session_of(allan),
                          service_->create_campaign(kSampleUai, "Pix collège").code);

  LearnerQuery query;
  query.division = "5A";
  const auto all = service_->learners(kSampleUai, query);
  ASSERT_EQ(all.size(), 17u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::tie(a.learner.last_name, a.learner.first_name, a.learner.ine) <
           std::tie(b.learner.last_name, b.learner.first_name, b.learner.ine);
  }));
  const auto find = [&](const std::string& last) {
    return *std::find_if(all.begin(), all.end(), [&](const auto& row) {
      return row.learner.last_name == last && (last != "POE" || row.learner.first_name == "Allan");
    });
  };
  const auto poe = find("POE");
  EXPECT_EQ(poe.state, LearnerState::Active);
  ASSERT_TRUE(poe.account);
  EXPECT_EQ(poe.account->username, allan);
  EXPECT_EQ(poe.account->participations, 2);
  EXPECT_EQ(poe.account->last_login_at, kStart);
  EXPECT_EQ(find("ANDRÉ").state, LearnerState::Blocked);
  EXPECT_EQ(find("ANDRÉ").account->blocked, BlockState::Temporary);
  EXPECT_EQ(find("D'ARTAGNAN").state, LearnerState::MustChangePassword);

  const auto count = [&](LearnerState state) {
    LearnerQuery filtered = query;
    filtered.state = state;
    const auto rows = service_->learners(kSampleUai, filtered);
    // The store's filter and the service's state agree.
    EXPECT_TRUE(
        std::all_of(rows.begin(), rows.end(), [&](const auto& row) { return row.state == state; }));
    return rows.size();
  };
  EXPECT_EQ(count(LearnerState::Active), 1u);
  EXPECT_EQ(count(LearnerState::Blocked), 1u);
  EXPECT_EQ(count(LearnerState::MustChangePassword), 1u);
  EXPECT_EQ(count(LearnerState::NoAccount), 14u);
  EXPECT_EQ(count(LearnerState::Disabled), 0u);
  // The temporary block ends: the state follows the clock.
  now_ += 3600;
  EXPECT_EQ(count(LearnerState::Blocked), 0u);
  EXPECT_EQ(count(LearnerState::Active), 2u);

  EXPECT_EQ(learner_state_from_name("must_change_password"), LearnerState::MustChangePassword);
  EXPECT_EQ(learner_state_name(LearnerState::NoAccount), "no_account");
  EXPECT_FALSE(learner_state_from_name("asleep"));
}

TEST_P(Journey, TheLearnerListIsPagedWithCheckedBounds) {
  LearnerQuery query;
  const auto everybody = service_->learners(
      kSampleUai, LearnerQuery{std::nullopt, std::nullopt, kMaxLearnerPage, 0, std::nullopt});
  ASSERT_EQ(everybody.size(), service_->learners(kSampleUai, std::nullopt, true).size());
  ASSERT_GT(everybody.size(), 300u);
  EXPECT_EQ(service_->learners(kSampleUai, query).size(), std::size_t(kDefaultLearnerPage));
  query.limit = 7;
  std::vector<std::string> paged;
  for (query.offset = 0;; query.offset += query.limit) {
    const auto page = service_->learners(kSampleUai, query);
    for (const auto& row : page) paged.push_back(row.learner.ine);
    if (page.size() < 7u) break;
  }
  ASSERT_EQ(paged.size(), everybody.size());
  for (std::size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], everybody[i].learner.ine);

  for (const auto& [limit, offset] : std::vector<std::pair<int, int>>{
           {0, 0}, {-1, 0}, {kMaxLearnerPage + 1, 0}, {10, -1}, {10, kMaxLearnerOffset + 1}}) {
    EXPECT_EQ(error_of([&] {
                service_->learners(kSampleUai, LearnerQuery{std::nullopt, std::nullopt, limit,
                                                            offset, std::nullopt});
              }),
              ErrorCode::INVALID_ARGUMENT)
        << limit << " " << offset;
  }
  EXPECT_EQ(error_of([&] { service_->learners("0999999Z", LearnerQuery{}); }),
            ErrorCode::ORGANIZATION_NOT_FOUND);
}

TEST_P(Journey, OneLearnerAndOneAccountLookUps) {
  EXPECT_EQ(service_->learner(kSampleUai, kAllanIne).state, LearnerState::NoAccount);
  const auto username = enrol_allan();
  const auto view = service_->learner(kSampleUai, " 552340183ss ");
  EXPECT_EQ(view.learner.ine, kAllanIne);
  EXPECT_EQ(view.state, LearnerState::Active);
  ASSERT_TRUE(view.account);
  EXPECT_EQ(view.account->participations, 1);

  const auto details = service_->account(username);
  EXPECT_EQ(details.account.username, username);
  EXPECT_EQ(details.account.blocked, BlockState::None);
  ASSERT_EQ(details.learners.size(), 1u);
  EXPECT_EQ(details.learners[0].uai, kSampleUai);
  EXPECT_EQ(details.learners[0].learner.ine, kAllanIne);
  EXPECT_EQ(error_of([&] { service_->account("nobody.here0101"); }), ErrorCode::USER_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->learner(kSampleUai, "999999999ZZ"); }),
            ErrorCode::LEARNER_NOT_FOUND);
}

// --- Dissociation

TEST_P(Journey, ADissociatedLearnerRegistersAgainAndTheOldAccountKeepsItsParticipations) {
  const auto old_username = enrol_allan();
  const auto old_session = session_of(old_username);
  service_->complete_participation(old_session, code_);
  service_->dissociate(kSampleUai, kAllanIne, "mme.dupont");

  EXPECT_EQ(service_->learner(kSampleUai, kAllanIne).state, LearnerState::NoAccount);
  EXPECT_EQ(error_of([&] { service_->dissociate(kSampleUai, kAllanIne); }),
            ErrorCode::LEARNER_NOT_LINKED);
  const auto audit =
      rows("SELECT actor, action, target FROM audit_log WHERE action = 'dissociate'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0], (std::vector<std::string>{"mme.dupont", "dissociate", old_username}));
  // The old account still logs in and keeps its participation, at its step.
  const auto kept = service_->participations(old_session);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].status, kToShare);
  EXPECT_TRUE(service_->authenticate(old_session).learners.empty());
  EXPECT_EQ(participant(service_->campaign_participants(code_), "POE").status, kNotJoined);

  // The learner registers again: a new account, a new participation.
  const auto again = service_->register_pupil(code_, "Allan", "POE", "01/03/2014", kNewPassword);
  EXPECT_NE(again.username, old_username);
  EXPECT_TRUE(again.username.starts_with("allan.poe"));
  EXPECT_EQ(again.participation_status, kStarted);
  const auto new_session = session_of(again.username, kNewPassword);
  EXPECT_EQ(service_->participations(new_session).size(), 1u);
  EXPECT_EQ(service_->participations(new_session)[0].status, kStarted);
  EXPECT_EQ(service_->participations(old_session)[0].status, kToShare);
  EXPECT_EQ(service_->account(old_username).account.participations, 1);
  EXPECT_EQ(participant(service_->campaign_participants(code_), "POE").username, again.username);
  // The old account's step goes on, without touching the new one's.
  service_->share_participation(old_session, code_);
  EXPECT_EQ(service_->participations(new_session)[0].status, kStarted);
  EXPECT_EQ(error_of([&] { service_->dissociate(kSampleUai, "999999999ZZ"); }),
            ErrorCode::LEARNER_NOT_FOUND);
}

// --- Bulk credentials

TEST_P(Journey, ARegisteredPupilStillLogsInAfterTheClassCredentials) {
  const auto username = enrol_allan();
  const auto credentials = service_->generate_credentials(kSampleUai, "5A");
  EXPECT_EQ(credentials.created, 16);
  EXPECT_EQ(credentials.reset, 0);
  EXPECT_EQ(credentials.unchanged, 1);
  ASSERT_EQ(credentials.rows.size(), 17u);
  const auto allan = std::find_if(credentials.rows.begin(), credentials.rows.end(),
                                  [&](const Credential& c) { return c.username == username; });
  ASSERT_NE(allan, credentials.rows.end());
  EXPECT_TRUE(allan->temporary_password.empty());
  EXPECT_EQ(service_->login(username, kGoodPassword).status, LoginStatus::Success);
  // A second run creates nothing and resets nothing.
  const auto second = service_->generate_credentials(kSampleUai, "5A");
  EXPECT_EQ(second.created, 0);
  EXPECT_EQ(second.reset, 0);
  EXPECT_EQ(second.unchanged, 17);
  EXPECT_TRUE(std::all_of(second.rows.begin(), second.rows.end(),
                          [](const Credential& c) { return c.temporary_password.empty(); }));
  for (const auto& row : credentials.rows) {
    if (row.temporary_password.empty()) continue;
    EXPECT_EQ(service_->login(row.username, row.temporary_password).status,
              LoginStatus::PasswordChangeRequired);
  }
}

TEST_P(Journey, ResettingExistingAccountsIsAnExplicitChoice) {
  const auto username = enrol_allan();
  const auto session = session_of(username);
  service_->generate_credentials(kSampleUai, "5A");

  CredentialOptions listed;
  listed.ines = {" 552340183ss"};
  const auto one = service_->generate_credentials(kSampleUai, "5A", listed);
  EXPECT_EQ(one.reset, 1);
  EXPECT_EQ(one.created, 0);
  EXPECT_EQ(one.unchanged, 16);
  ASSERT_EQ(one.rows.size(), 17u);
  const auto row = std::find_if(one.rows.begin(), one.rows.end(),
                                [&](const Credential& c) { return c.username == username; });
  EXPECT_EQ(error_of([&] { service_->login(username, kGoodPassword); }),
            ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(error_of([&] { service_->authenticate(session); }), ErrorCode::SESSION_INVALID);
  EXPECT_EQ(service_->login(username, row->temporary_password).status,
            LoginStatus::PasswordChangeRequired);

  CredentialOptions everybody;
  everybody.reset_existing = true;
  const auto all = service_->generate_credentials(kSampleUai, "5A", everybody);
  EXPECT_EQ(all.reset, 17);
  EXPECT_TRUE(std::all_of(all.rows.begin(), all.rows.end(),
                          [](const Credential& c) { return !c.temporary_password.empty(); }));

  CredentialOptions outside;
  outside.ines = {"999999999ZZ"};
  EXPECT_EQ(error_of([&] { service_->generate_credentials(kSampleUai, "5A", outside); }),
            ErrorCode::LEARNER_NOT_FOUND);
  outside.ines = {"not an INE"};
  EXPECT_EQ(error_of([&] { service_->generate_credentials(kSampleUai, "5A", outside); }),
            ErrorCode::INVALID_VALUE);
}

// --- Campaigns

TEST_P(Journey, CampaignsUnarchiveAndDeleteOnlyWhenNobodyJoined) {
  const auto empty = service_->create_campaign(kSampleUai, "Pix vide").code;
  service_->archive_campaign(empty);
  EXPECT_EQ(service_->unarchive_campaign(empty).status, CampaignStatus::Active);
  EXPECT_EQ(service_->find_campaign(empty).code, empty);
  service_->delete_campaign(empty, "mme.dupont");
  EXPECT_EQ(error_of([&] { service_->find_campaign(empty); }), ErrorCode::CAMPAIGN_DELETED);
  EXPECT_EQ(error_of([&] { service_->unarchive_campaign(empty); }), ErrorCode::CAMPAIGN_DELETED);
  EXPECT_EQ(error_of([&] { service_->delete_campaign(empty); }), ErrorCode::CAMPAIGN_DELETED);
  EXPECT_EQ(rows("SELECT actor FROM audit_log WHERE action = 'delete_campaign'").size(), 1u);

  enrol_allan();
  EXPECT_EQ(error_of([&] { service_->delete_campaign(code_); }),
            ErrorCode::CAMPAIGN_HAS_PARTICIPATIONS);
  EXPECT_EQ(service_->find_campaign(code_).status, CampaignStatus::Active);
  EXPECT_EQ(error_of([&] { service_->delete_campaign("ZZZZZZ999"); }),
            ErrorCode::CAMPAIGN_NOT_FOUND);
}

INSTANTIATE_TEST_SUITE_P(Engines, Journey, ::testing::ValuesIn(store_engines()), engine_name);

// --- The username stem column (SQLite's schema 6, PostgreSQL's 4) added to a database of the
// schema before it: every learner gets the stem its names give, every account stays.

class StemMigration : public Journey {
 protected:
  // The database as the previous schema left it: no stem column, the version before it.
  void downgrade() {
    const bool sqlite = dynamic_cast<SqliteDatabase*>(&engine_database()) != nullptr;
    rows("ALTER TABLE learners DROP COLUMN username_stem");
    rows(sqlite ? "PRAGMA user_version = 5" : "UPDATE schema_version SET version = 3");
  }
};

TEST_P(StemMigration, FillsEveryLearnersStemAndKeepsEveryAccount) {
  const auto allan = enrol_allan();
  const auto stems = rows("SELECT ine, username_stem FROM learners ORDER BY ine");
  ASSERT_GT(stems.size(), 10u);
  const auto accounts = rows("SELECT id, username, password_hash FROM users ORDER BY id");
  const auto links = rows("SELECT ine, user_id FROM learners ORDER BY ine");
  const auto next = service_->match(code_, "Alian", "Poe", "01/03/2014");
  ASSERT_EQ(next.status, MatchStatus::Matched);
  service_.reset();
  downgrade();
  EXPECT_EQ(rows("SELECT count(*) FROM learners").at(0).at(0), std::to_string(stems.size()));

  service_.emplace(open_with(fast_options()));
  EXPECT_EQ(rows("SELECT ine, username_stem FROM learners ORDER BY ine"), stems);
  EXPECT_EQ(rows("SELECT count(*) FROM learners WHERE username_stem = ''"), (Rows{{"0"}}));
  EXPECT_EQ(rows("SELECT id, username, password_hash FROM users ORDER BY id"), accounts);
  EXPECT_EQ(rows("SELECT ine, user_id FROM learners ORDER BY ine"), links);
  EXPECT_EQ(service_->login(allan, kGoodPassword).status, LoginStatus::Success);
  // The match reads the stems' bitmaps through the filled column: the same proposal as before.
  const auto again = service_->match(code_, "Alian", "Poe", "01/03/2014");
  EXPECT_EQ(again.status, MatchStatus::Matched);
  EXPECT_EQ(again.username, next.username);
  EXPECT_EQ(service_->register_pupil(code_, "Alian", "Poe", "01/03/2014", kGoodPassword).username,
            next.username);
}

INSTANTIATE_TEST_SUITE_P(Engines, StemMigration, ::testing::ValuesIn(store_engines()), engine_name);

// --- Migration of a first-release database (SQLite only: the fixture is a SQLite file)

class FirstReleaseDatabase : public ::testing::Test {
 protected:
  FirstReleaseDatabase() {
    std::filesystem::copy_file(
        std::filesystem::path(INSCRIRE_DATA_DIR) / ".." / "tests" / "data" / "v1-school.db",
        directory_.path() / "school.db");
  }
  Service open() { return Service::open(directory_.path() / "school.db", fast_options()); }

  TemporaryDirectory directory_;
};

TEST_F(FirstReleaseDatabase, MigratesKeepingEveryAccountLinkAndParticipation) {
  auto service = open();
  LearnerQuery query;
  query.limit = kMaxLearnerPage;
  const auto learners = service.learners(kSampleUai, query);
  std::vector<std::string> linked;
  for (const auto& row : learners) {
    if (row.account) linked.push_back(row.account->username);
  }
  std::sort(linked.begin(), linked.end());
  EXPECT_EQ(linked, (std::vector<std::string>{"ewen.andre1509", "jeanmarc.dartagnan0103",
                                              "noe.martin2702"}));
  EXPECT_EQ(service.account("jeanmarc.dartagnan0103").account.must_change_password, true);
  EXPECT_EQ(service.account("noe.martin2702").account.failed_attempts, 3);
  EXPECT_EQ(service.account("ewen.andre1509").account.participations, 2);

  const auto ewen = service.login("ewen.andre1509", kGoodPassword);
  ASSERT_EQ(ewen.status, LoginStatus::Success);
  const auto mine = service.participations(ewen.session_token);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].code, "WDQGWT357");
  EXPECT_EQ(mine[1].code, "PCSHWR769");
  for (const auto& participation : mine) EXPECT_EQ(participation.status, kStarted);
  EXPECT_GT(mine[0].started_at, 0);
  EXPECT_EQ(service.login("noe.martin2702", kGoodPassword).status, LoginStatus::Success);
  EXPECT_EQ(service.complete_participation(ewen.session_token, "WDQGWT357").status, kToShare);

  const auto fifth = service.campaign_participants("WDQGWT357");
  EXPECT_EQ(std::count_if(fifth.begin(), fifth.end(),
                          [](const Participant& p) { return p.status != kNotJoined; }),
            2);
  const auto school = service.campaign_participants("PCSHWR769");
  EXPECT_EQ(std::count_if(school.begin(), school.end(),
                          [](const Participant& p) { return p.status == kStarted; }),
            2);
  // A reset account from before the expiry keeps its temporary password without a limit.
  EXPECT_EQ(service.account("jeanmarc.dartagnan0103").account.temporary_expires_at, 0);
  // Every learner got the username stem of its names (schema 6).
  SqliteDatabase file(directory_.path() / "school.db");
  EXPECT_EQ(file.rows("SELECT count(*) FROM learners WHERE username_stem = ''"), (Rows{{"0"}}));
  EXPECT_EQ(file.rows("SELECT DISTINCT username_stem FROM learners WHERE ine IN (SELECT l.ine "
                      "FROM learners l JOIN users u ON u.id = l.user_id AND u.username = "
                      "'jeanmarc.dartagnan0103')"),
            (Rows{{"jeanmarc.dartagnan"}}));
}

TEST_F(FirstReleaseDatabase, KeepsItsAuditRowsAsLegacyUnderTheSchoolTheyNamed) {
  auto service = open();
  const auto rows = service.audit_log(kSampleUai);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].actor_kind, "legacy");
  EXPECT_EQ(rows[0].actor_name, "admin");
  EXPECT_EQ(rows[0].action, "reset_password");
  EXPECT_EQ(rows[0].target, "jeanmarc.dartagnan0103");
  EXPECT_EQ(rows[0].outcome, "ok");
  // Staff arrive on a migrated database: the first ADMIN is invited by the operator.
  const auto invitation = service.invite_staff(kSampleUai, StaffRole::Admin);
  const auto login = service.accept_staff_invitation(invitation.code, "chef", "Mme Chef",
                                                     "Correct horse battery 42");
  EXPECT_EQ(service.members(kSampleUai, Actor::staff(login.session_token)).size(), 1u);
}

TEST_F(FirstReleaseDatabase, OpensAgainAfterMigrating) {
  { open(); }
  auto service = open();
  EXPECT_EQ(service.login("ewen.andre1509", kGoodPassword).status, LoginStatus::Success);
}

}  // namespace
}  // namespace inscrire::testing
