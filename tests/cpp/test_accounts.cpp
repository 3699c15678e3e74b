// Accounts an admin can manage safely (issue 5): resets and the forced change, blocking with an
// injected clock, bulk credentials, throttling per client key, Argon2id rehash, bcrypt import,
// RGPD anonymisation and export, the audit trail, and secrets that never leak.
#include <crypt.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <sstream>

#include "inscrire/password.hpp"
#include "inscrire/render.hpp"
#include "inscrire/service.hpp"
#include "password/test_hooks.hpp"
#include "service_fixture.hpp"

namespace inscrire::testing {
namespace {

constexpr const char* kAllan = "allan.poe0103";
constexpr const char* kAllanIne = "552340183SS";
constexpr const char* kNewPassword = "Girouette77";
constexpr std::int64_t kStart = 1'750'000'000;  // a fixed "now" for the injected clock
constexpr std::int64_t kDay = 24 * 3600;

std::string bcrypt(const std::string& password, int cost = 4) {
  auto data = std::make_unique<crypt_data>();
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting,
                             sizeof setting),
            nullptr);
  const char* hash = crypt_r(password.c_str(), setting, data.get());
  EXPECT_NE(hash, nullptr);
  return hash;
}

std::string lower_case_copy(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The sample school, its 5A campaign and a clock the test moves.
class Accounts : public ServiceTest {
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

  // Registers a pupil of the sample with kGoodPassword; returns the username.
  std::string enrol(const char* first, const char* last, const char* birthdate) {
    return service_->register_pupil(code_, first, last, birthdate, kGoodPassword).username;
  }

  std::string stored_hash(const std::string& username) {
    const auto found = rows("SELECT password_hash FROM users WHERE username = '" + username + "'");
    return found.empty() ? std::string() : found[0][0];
  }

  // Runs `operation`, expecting a LoginError; returns it.
  template <typename Operation>
  LoginError login_error(Operation&& operation) {
    try {
      operation();
    } catch (const LoginError& e) {
      return e;
    } catch (const Error& e) {
      ADD_FAILURE() << "not a LoginError: " << code_name(e.code());
      return LoginError(e.code(), std::nullopt, 0);
    }
    ADD_FAILURE() << "no error thrown";
    return LoginError(ErrorCode::INTERNAL_ERROR, std::nullopt, 0);
  }

  LoginError wrong_login(const std::string& username) {
    return login_error([&] { service_->login(username, "Mauvais999"); });
  }

  std::int64_t now_ = kStart;
  std::optional<Service> service_;
  std::string code_;
};

// --- Admin reset and the forced change ------------------------------------------------------

TEST_P(Accounts, ResetGivesAOneTimeTemporaryPasswordAndForcesAChange) {
  const auto username = enrol("Allan", "POE", "01/03/2014");
  ASSERT_EQ(username, kAllan);
  const auto temporary = service_->reset_password(kSampleUai, "  ALLAN.Poe0103 ");
  ASSERT_EQ(temporary.size(), 8u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NE(kTemporaryLetters.find(temporary[i]), std::string_view::npos) << temporary;
  }
  for (std::size_t i = 6; i < 8; ++i) {
    EXPECT_NE(kTemporaryDigits.find(temporary[i]), std::string_view::npos) << temporary;
  }
  EXPECT_NE(service_->reset_password(kSampleUai, kAllan), temporary);  // drawn afresh
  const auto second = service_->reset_password(kSampleUai, kAllan);

  // The old password and the earlier temporary one are gone.
  EXPECT_EQ(wrong_login(kAllan).code(), ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(error_of([&] { service_->login(kAllan, kGoodPassword); }),
            ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(error_of([&] { service_->login(kAllan, temporary); }), ErrorCode::INVALID_CREDENTIALS);

  const auto result = service_->login(kAllan, second);
  EXPECT_EQ(result.status, LoginStatus::PasswordChangeRequired);
  EXPECT_EQ(result.username, kAllan);
  EXPECT_EQ(result.change_token.size(), 43u);
  EXPECT_TRUE(result.session_token.empty());
}

TEST_P(Accounts, ResetRefusesWithDistinctCodes) {
  enrol("Allan", "POE", "01/03/2014");
  EXPECT_EQ(error_of([&] { service_->reset_password(kSampleUai, "nobody.here0101"); }),
            ErrorCode::USER_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->reset_password("0999999Z", kAllan); }),
            ErrorCode::ORGANIZATION_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->reset_password("12", kAllan); }), ErrorCode::INVALID_UAI);
  // A school that exists but where this account has no learner.
  service_->create_organization("0331234B", "Lycée");
  EXPECT_EQ(error_of([&] { service_->reset_password("0331234B", kAllan); }),
            ErrorCode::LEARNER_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->unblock("0331234B", kAllan); }), ErrorCode::LEARNER_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->unblock(kSampleUai, "nobody.here0101"); }),
            ErrorCode::USER_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->unblock("0999999Z", kAllan); }),
            ErrorCode::ORGANIZATION_NOT_FOUND);
  // Nothing changed: the pupil still logs in with their own password.
  EXPECT_EQ(service_->login(kAllan, kGoodPassword).status, LoginStatus::Success);
}

TEST_P(Accounts, ResetOfAPupilWhoLeftTheSchoolIsRefused) {
  const Pupil ana{"111111111AA", "Ana", "Lopez", "02/02/2014"};
  const Pupil ben{"222222222BB", "Ben", "Morel", "03/03/2014"};
  service_->create_organization("0331234B", "Lycée");
  service_->import_roster("0331234B", write_file("both.xml", siecle_xml("0331234B", {ana, ben})));
  const auto code = service_->create_campaign("0331234B", "all").code;
  const auto username =
      service_->register_pupil(code, "Ana", "Lopez", "02/02/2014", kGoodPassword).username;
  service_->import_roster("0331234B", write_file("ben.xml", siecle_xml("0331234B", {ben})));
  EXPECT_EQ(error_of([&] { service_->reset_password("0331234B", username); }),
            ErrorCode::LEARNER_DISABLED);
}

TEST_P(Accounts, ForcedChangeWithTheOneTimeToken) {
  enrol("Allan", "POE", "01/03/2014");
  const auto temporary = service_->reset_password(kSampleUai, kAllan);
  const auto token = service_->login(kAllan, temporary).change_token;

  // Refused new passwords consume nothing.
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(token, "court"); }),
            ErrorCode::PASSWORD_TOO_WEAK);
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(token, ""); }),
            ErrorCode::PASSWORD_REQUIRED);
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(token, "Allan2014x"); }),
            ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(token, "Azerty123"); }),
            ErrorCode::PASSWORD_TOO_COMMON);
  EXPECT_EQ(error_of([&] { service_->change_password_with_token("not-a-token", kNewPassword); }),
            ErrorCode::INVALID_TOKEN);

  service_->change_password_with_token(token, kNewPassword);
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(token, "Autre12345"); }),
            ErrorCode::INVALID_TOKEN);  // used once
  EXPECT_EQ(error_of([&] { service_->login(kAllan, temporary); }), ErrorCode::INVALID_CREDENTIALS);
  const auto session = service_->login(kAllan, kNewPassword);
  EXPECT_EQ(session.status, LoginStatus::Success);
  EXPECT_FALSE(session.session_token.empty());
  EXPECT_TRUE(session.change_token.empty());
}

TEST_P(Accounts, TheChangeTokenLastsOneHour) {
  enrol("Allan", "POE", "01/03/2014");
  const auto temporary = service_->reset_password(kSampleUai, kAllan);
  const auto first = service_->login(kAllan, temporary).change_token;
  now_ += 3600;
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(first, kNewPassword); }),
            ErrorCode::INVALID_TOKEN);
  // Still flagged: a new login gives a new token, good for 59 min 59 s.
  const auto second = service_->login(kAllan, temporary);
  EXPECT_EQ(second.status, LoginStatus::PasswordChangeRequired);
  now_ += 3599;
  service_->change_password_with_token(second.change_token, kNewPassword);
  EXPECT_EQ(service_->login(kAllan, kNewPassword).status, LoginStatus::Success);
}

TEST_P(Accounts, ChangingThePasswordKillsTheOtherChangeTokens) {
  enrol("Allan", "POE", "01/03/2014");
  const auto temporary = service_->reset_password(kSampleUai, kAllan);
  const auto first = service_->login(kAllan, temporary).change_token;
  const auto second = service_->login(kAllan, temporary).change_token;
  service_->change_password_with_token(second, kNewPassword);
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(first, "Autre12345"); }),
            ErrorCode::INVALID_TOKEN);
  EXPECT_EQ(service_->login(kAllan, kNewPassword).status, LoginStatus::Success);
}

TEST_P(Accounts, AResetEndsTheOpenSessions) {
  enrol("Allan", "POE", "01/03/2014");
  const auto other = service_->create_campaign(kSampleUai, "Autre", std::string("5A")).code;
  const auto session = service_->login(kAllan, kGoodPassword).session_token;
  const auto temporary = service_->reset_password(kSampleUai, kAllan);
  EXPECT_EQ(error_of([&] { service_->join_campaign(session, other); }), ErrorCode::SESSION_INVALID);
  // And the change token of a reset that is itself superseded by another reset dies too.
  const auto token = service_->login(kAllan, temporary).change_token;
  service_->reset_password(kSampleUai, kAllan);
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(token, kNewPassword); }),
            ErrorCode::INVALID_TOKEN);
}

TEST_P(Accounts, ChangeWithTheOldPasswordClearsTheFlag) {
  enrol("Allan", "POE", "01/03/2014");
  const auto temporary = service_->reset_password(kSampleUai, kAllan);
  service_->change_password(kAllan, temporary, kNewPassword);
  EXPECT_EQ(service_->login(kAllan, kNewPassword).status, LoginStatus::Success);
}

// --- Blocking (docs/rules.md §4), with the injected clock --------------------------------------

TEST_P(Accounts, TenthFailureBlocksForTwoMinutesAndSuccessResetsTheCounter) {
  enrol("Allan", "POE", "01/03/2014");
  for (int failure = 1; failure <= 9; ++failure) {
    const auto e = wrong_login(kAllan);
    EXPECT_EQ(e.code(), ErrorCode::INVALID_CREDENTIALS) << failure;
    EXPECT_FALSE(e.remaining_attempts()) << failure;  // 21 or more left before the last block
    EXPECT_EQ(e.retry_after_seconds(), 0);
  }
  const auto tenth = wrong_login(kAllan);
  EXPECT_EQ(tenth.code(), ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  EXPECT_EQ(tenth.retry_after_seconds(), 120);

  // Refused even with the right password, and the wait shrinks with time.
  const auto right = login_error([&] { service_->login(kAllan, kGoodPassword); });
  EXPECT_EQ(right.code(), ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  EXPECT_EQ(right.retry_after_seconds(), 120);
  now_ += 119;
  EXPECT_EQ(login_error([&] { service_->login(kAllan, kGoodPassword); }).retry_after_seconds(), 1);
  // Failures during the block do not count (the password is not even looked at).
  EXPECT_EQ(wrong_login(kAllan).code(), ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  now_ += 1;
  EXPECT_EQ(service_->login(kAllan, kGoodPassword).status, LoginStatus::Success);

  // The counter restarted from zero: nine more failures are harmless, the tenth blocks again
  // for 2 minutes (not 4).
  for (int failure = 1; failure <= 9; ++failure) {
    EXPECT_EQ(wrong_login(kAllan).code(), ErrorCode::INVALID_CREDENTIALS) << failure;
  }
  EXPECT_EQ(wrong_login(kAllan).retry_after_seconds(), 120);
}

TEST_P(Accounts, BlocksDoubleThenBecomePermanentUntilUnblocked) {
  enrol("Allan", "POE", "01/03/2014");
  for (int failure = 1; failure <= 9; ++failure) wrong_login(kAllan);
  EXPECT_EQ(wrong_login(kAllan).retry_after_seconds(), 120);  // 10th
  now_ += 120;
  for (int failure = 11; failure <= 19; ++failure) {
    const auto e = wrong_login(kAllan);
    EXPECT_EQ(e.code(), ErrorCode::INVALID_CREDENTIALS) << failure;
    // 30 - failure attempts are left: reported only once that is 10 or fewer.
    EXPECT_FALSE(e.remaining_attempts()) << failure;
  }
  const auto twentieth = wrong_login(kAllan);
  EXPECT_EQ(twentieth.code(), ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  EXPECT_EQ(twentieth.retry_after_seconds(), 240);
  now_ += 239;
  EXPECT_EQ(login_error([&] { service_->login(kAllan, kGoodPassword); }).code(),
            ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  now_ += 1;
  for (int failure = 21; failure <= 29; ++failure) {
    const auto e = wrong_login(kAllan);
    EXPECT_EQ(e.code(), ErrorCode::INVALID_CREDENTIALS) << failure;
    ASSERT_TRUE(e.remaining_attempts()) << failure;
    EXPECT_EQ(*e.remaining_attempts(), 30 - failure);
    EXPECT_TRUE(contains(e.message(Language::English), std::to_string(30 - failure)));
  }
  const auto thirtieth = wrong_login(kAllan);
  EXPECT_EQ(thirtieth.code(), ErrorCode::ACCOUNT_BLOCKED);
  EXPECT_EQ(thirtieth.retry_after_seconds(), 0);

  // Permanent: days later, with the right password, still refused.
  now_ += 30 * kDay;
  EXPECT_EQ(error_of([&] { service_->login(kAllan, kGoodPassword); }), ErrorCode::ACCOUNT_BLOCKED);
  EXPECT_EQ(error_of([&] { service_->change_password(kAllan, kGoodPassword, kNewPassword); }),
            ErrorCode::ACCOUNT_BLOCKED);

  service_->unblock(kSampleUai, kAllan, "mme.dupont");
  EXPECT_EQ(service_->login(kAllan, kGoodPassword).status, LoginStatus::Success);
  // Unblocking also cleared the counter.
  for (int failure = 1; failure <= 9; ++failure) {
    EXPECT_EQ(wrong_login(kAllan).code(), ErrorCode::INVALID_CREDENTIALS);
  }
}

TEST_P(Accounts, UnblockEndsATemporaryBlockToo) {
  enrol("Allan", "POE", "01/03/2014");
  for (int failure = 1; failure <= 10; ++failure) wrong_login(kAllan);
  service_->unblock(kSampleUai, kAllan);
  EXPECT_EQ(service_->login(kAllan, kGoodPassword).status, LoginStatus::Success);
}

TEST_P(Accounts, ThePolicyIsConfigurable) {
  ServiceOptions options = fast_options();
  options.login.failures_per_block = 3;
  options.login.first_block_seconds = 10;
  options.login.permanent_block_failures = 7;
  service_.emplace(open_with(options));
  enrol("Allan", "POE", "01/03/2014");
  wrong_login(kAllan);
  EXPECT_EQ(wrong_login(kAllan).code(), ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(wrong_login(kAllan).retry_after_seconds(), 10);  // 3rd
  now_ += 10;
  const auto fourth = wrong_login(kAllan);
  ASSERT_TRUE(fourth.remaining_attempts());
  EXPECT_EQ(*fourth.remaining_attempts(), 3);
  wrong_login(kAllan);
  EXPECT_EQ(wrong_login(kAllan).retry_after_seconds(), 20);  // 6th
  now_ += 20;
  EXPECT_EQ(wrong_login(kAllan).code(), ErrorCode::ACCOUNT_BLOCKED);  // 7th
}

// docs/rules.md §4 [v2]: failures are counted per username whether or not an account holds it,
// so 30 failures on an unknown username and on a real one get the very same answers.
TEST_P(Accounts, UnknownAndRealUsernamesGetTheSameAnswersThroughThirtyFailures) {
  enrol("Allan", "POE", "01/03/2014");
  const std::string unknown = "nobody.here0101";
  const auto same = [&](const LoginError& real, const LoginError& other, const std::string& at) {
    EXPECT_EQ(code_name(real.code()), code_name(other.code())) << at;
    EXPECT_EQ(real.remaining_attempts(), other.remaining_attempts()) << at;
    EXPECT_EQ(real.retry_after_seconds(), other.retry_after_seconds()) << at;
    EXPECT_EQ(real.message(), other.message()) << at;
    EXPECT_EQ(real.message(Language::English), other.message(Language::English)) << at;
  };
  std::vector<std::string> codes;
  for (int failure = 1; failure <= 30; ++failure) {
    const auto real = wrong_login(kAllan);
    const auto other = wrong_login(unknown);
    same(real, other, "failure " + std::to_string(failure));
    codes.emplace_back(code_name(real.code()));
    if (real.retry_after_seconds() > 0) {
      // During the block both are refused the same way, the right password included.
      now_ += 1;
      same(login_error([&] { service_->login(kAllan, kGoodPassword); }), wrong_login(unknown),
           "blocked after " + std::to_string(failure));
      now_ += real.retry_after_seconds() - 1;
    }
  }
  // The schedule of the spec, on both: blocks at 10 and 20, permanent at 30.
  EXPECT_EQ(codes[9], "ACCOUNT_TEMPORARILY_BLOCKED");
  EXPECT_EQ(codes[19], "ACCOUNT_TEMPORARILY_BLOCKED");
  EXPECT_EQ(codes[29], "ACCOUNT_BLOCKED");
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "INVALID_CREDENTIALS"), 27);
  now_ += 30 * kDay;
  same(login_error([&] { service_->login(kAllan, kGoodPassword); }), wrong_login(unknown),
       "permanent");
}

TEST_P(Accounts, ARemainingAttemptsCountIsGivenForUnknownUsernamesToo) {
  ServiceOptions options = fast_options();
  options.login.failures_per_block = 3;
  options.login.permanent_block_failures = 3;
  service_.emplace(open_with(options));
  const auto first = wrong_login("nobody.here0101");
  ASSERT_TRUE(first.remaining_attempts());
  EXPECT_EQ(*first.remaining_attempts(), 2);
  wrong_login("NOBODY.here0101 ");  // the same username, normalised
  EXPECT_EQ(wrong_login("nobody.here0101").code(), ErrorCode::ACCOUNT_BLOCKED);
}

// Usernames are predictable: failures typed at one before it was anyone's must not block the
// pupil who gets it.
TEST_P(Accounts, CreatingTheAccountForgetsTheFailuresOfItsUsername) {
  for (int failure = 1; failure <= 30; ++failure, now_ += 600) wrong_login(kAllan);
  EXPECT_EQ(wrong_login(kAllan).code(), ErrorCode::ACCOUNT_BLOCKED);
  ASSERT_EQ(enrol("Allan", "POE", "01/03/2014"), kAllan);
  EXPECT_EQ(service_->login(kAllan, kGoodPassword).status, LoginStatus::Success);
}

TEST_P(Accounts, WrongOldPasswordsInAChangeCountTowardsTheBlock) {
  enrol("Allan", "POE", "01/03/2014");
  for (int failure = 1; failure <= 9; ++failure) {
    EXPECT_EQ(error_of([&] { service_->change_password(kAllan, "Mauvais999", kNewPassword); }),
              ErrorCode::INVALID_CREDENTIALS);
  }
  EXPECT_EQ(error_of([&] { service_->change_password(kAllan, "Mauvais999", kNewPassword); }),
            ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
  EXPECT_EQ(error_of([&] { service_->login(kAllan, kGoodPassword); }),
            ErrorCode::ACCOUNT_TEMPORARILY_BLOCKED);
}

TEST_P(Accounts, ChangeAnswersTheSameWhetherTheUserExists) {
  enrol("Allan", "POE", "01/03/2014");
  // The rule is checked before any look-up: a weak new password says nothing about the user.
  EXPECT_EQ(error_of([&] { service_->change_password("nobody.here0101", "x", "court"); }),
            ErrorCode::PASSWORD_TOO_WEAK);
  EXPECT_EQ(error_of([&] { service_->change_password(kAllan, "x", "court"); }),
            ErrorCode::PASSWORD_TOO_WEAK);
  EXPECT_EQ(error_of([&] { service_->change_password("nobody.here0101", "x", kNewPassword); }),
            ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(error_of([&] { service_->change_password(kAllan, "x", kNewPassword); }),
            ErrorCode::INVALID_CREDENTIALS);
  // The personal-information policy only after the old password was proved.
  EXPECT_EQ(error_of([&] { service_->change_password(kAllan, kGoodPassword, "Allan2014x"); }),
            ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
}

// --- Equal cost for unknown usernames ---------------------------------------------------------

TEST_P(Accounts, AnUnknownUsernameCostsAVerification) {
  enrol("Allan", "POE", "01/03/2014");
  // Deterministic: the unknown-user path takes a hashing slot, as a real verification does.
  detail::reset_peak_concurrent_hashes();
  EXPECT_EQ(error_of([&] { service_->login("nobody.here0101", "Mauvais999"); }),
            ErrorCode::INVALID_CREDENTIALS);
  EXPECT_GE(detail::peak_concurrent_hashes(), 1u);
  detail::reset_peak_concurrent_hashes();
  EXPECT_EQ(
      error_of([&] { service_->change_password("nobody.here0101", "Mauvais9", kNewPassword); }),
      ErrorCode::INVALID_CREDENTIALS);
  EXPECT_GE(detail::peak_concurrent_hashes(), 1u);
}

// Equal cost without timing anything: a failed login of an unknown username and a wrong
// password on a real account do the same hash work (computations and Argon2 memory x passes)
// and run the same SQL statements, in the same order, writes included.
TEST_P(Accounts, UnknownAndWrongPasswordDoTheSameHashWorkAndTheSameStatements) {
  enrol("Allan", "POE", "01/03/2014");
  std::vector<std::string> statements;
  StoreOptions store_options;
  store_options.on_statement = [&](std::string_view sql) { statements.emplace_back(sql); };
  ServiceOptions options = fast_options();
  options.clock = [this] { return now_; };
  Service traced(engine_database().open(store_options), options);
  const auto cost_of = [&](const std::string& username) {
    statements.clear();
    const auto before = hash_work_on_this_thread();
    EXPECT_EQ(error_of([&] { traced.login(username, "Mauvais999"); }),
              ErrorCode::INVALID_CREDENTIALS);
    const auto after = hash_work_on_this_thread();
    return std::pair{HashWork{after.computations - before.computations,
                              after.argon2_kib_passes - before.argon2_kib_passes},
                     statements};
  };
  cost_of("nobody.here0101");  // the first call also computes the process's dummy hash
  for (int round = 0; round < 3; ++round) {  // first failure of a name, then later ones
    const auto [unknown_work, unknown_sql] = cost_of("nobody.else0202");
    const auto [real_work, real_sql] = cost_of(kAllan);
    EXPECT_EQ(unknown_work.computations, 1u) << round;
    EXPECT_EQ(unknown_work.argon2_kib_passes, 1024u) << round;  // fast_options: m=1024, t=1
    EXPECT_TRUE(unknown_work == real_work) << round;
    EXPECT_EQ(unknown_sql, real_sql) << round;
    const auto writes = std::count_if(real_sql.begin(), real_sql.end(), [](const auto& sql) {
      return sql.starts_with("INSERT") || sql.starts_with("UPDATE") || sql.starts_with("DELETE");
    });
    EXPECT_EQ(writes, 1) << round;  // the failure count, on both paths
  }
}

// --- Hashes: rehash, import from another platform -------------------------------------------

TEST_P(Accounts, LoginRehashesWhenTheParametersWereRaised) {
  enrol("Allan", "POE", "01/03/2014");
  const auto before = stored_hash(kAllan);
  ASSERT_TRUE(before.starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << before;
  service_->login(kAllan, kGoodPassword);
  EXPECT_EQ(stored_hash(kAllan), before);  // same parameters: untouched

  ServiceOptions stronger = fast_options();
  stronger.hash_parameters = {2048, 2, 1};
  service_.emplace(open_with(stronger));
  EXPECT_EQ(error_of([&] { service_->login(kAllan, "Mauvais999"); }),
            ErrorCode::INVALID_CREDENTIALS);
  EXPECT_EQ(stored_hash(kAllan), before);  // a failure rehashes nothing
  EXPECT_EQ(service_->login(kAllan, kGoodPassword).status, LoginStatus::Success);
  const auto after = stored_hash(kAllan);
  EXPECT_TRUE(after.starts_with("$argon2id$v=19$m=2048,t=2,p=1$")) << after;
  EXPECT_EQ(service_->login(kAllan, kGoodPassword).status, LoginStatus::Success);
  EXPECT_EQ(stored_hash(kAllan), after);
}

TEST_P(Accounts, ImportedBcryptAccountsLogInAndAreUpgraded) {
  for (const char* variant : {"$2a$", "$2b$", "$2y$"}) {
    SCOPED_TRACE(variant);
    auto hash = bcrypt("Ancien1234");
    hash.replace(0, 4, variant);  // the three prefixes name the same algorithm for ASCII
    const char* ine = std::string(variant) == "$2a$"   ? kAllanIne
                      : std::string(variant) == "$2b$" ? "960523400XC"
                                                       : "987380426TM";
    const char* username = std::string(variant) == "$2a$"   ? "Allan.Poe2010"
                           : std::string(variant) == "$2b$" ? "ewen.andre1111"
                                                            : "alice.gauthier4242";
    const auto stored = service_->import_account(kSampleUai, ine, username, hash, "mme.dupont");
    EXPECT_EQ(stored, lower_case_copy(username));
    EXPECT_EQ(stored_hash(stored), hash);
    EXPECT_EQ(error_of([&] { service_->login(stored, "Ancien12345"); }),
              ErrorCode::INVALID_CREDENTIALS);
    EXPECT_EQ(stored_hash(stored), hash);
    EXPECT_EQ(service_->login(stored, "Ancien1234").status, LoginStatus::Success);
    const auto upgraded = stored_hash(stored);
    EXPECT_TRUE(upgraded.starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << upgraded;
    EXPECT_EQ(service_->login(stored, "Ancien1234").status, LoginStatus::Success);
  }
  // The imported accounts are linked: the roster shows them and matching says "log in".
  const auto learners = service_->learners(kSampleUai, std::string("5A"));
  const auto allan = std::find_if(learners.begin(), learners.end(),
                                  [](const auto& l) { return l.ine == kAllanIne; });
  ASSERT_NE(allan, learners.end());
  EXPECT_EQ(allan->username, "allan.poe2010");
  EXPECT_EQ(service_->match(code_, "Allan", "POE", "01/03/2014").status,
            MatchStatus::LearnerAlreadyLinked);
}

TEST_P(Accounts, ImportedArgon2idAccountsKeepTheirHash) {
  const auto hash = hash_password("Ancien1234", {1024, 1, 1});
  EXPECT_EQ(service_->import_account(kSampleUai, kAllanIne, "allan.poe2010", hash),
            "allan.poe2010");
  EXPECT_EQ(service_->login("allan.poe2010", "Ancien1234").status, LoginStatus::Success);
  EXPECT_EQ(stored_hash("allan.poe2010"), hash);
}

TEST_P(Accounts, ImportRefusesWithDistinctCodes) {
  const auto good = bcrypt("Ancien1234");
  const auto import = [&](const std::string& ine, const std::string& username,
                          const std::string& hash) {
    return error_of([&] { service_->import_account(kSampleUai, ine, username, hash); });
  };
  // Usernames must have the prénom.nomJJMM form.
  for (const char* bad : {"jdupont", "jean.dupont", "jean.dupont12345", "jean-marc.x0101", "",
                          "élodie.x0101", "a.b0101; DROP"}) {
    EXPECT_EQ(import(kAllanIne, bad, good), ErrorCode::INVALID_ARGUMENT) << bad;
  }
  // Hashes: bcrypt or Argon2id only, well formed; a plain password is refused too.
  const std::string hashes[] = {
      "Ancien1234",
      "",
      "$2x$04$" + good.substr(7),
      "$2b$31$" + good.substr(7),
      "$2b$03$" + good.substr(7),
      good.substr(0, 59),
      good + "x",
      good.substr(0, 59) + "!",
      "$1$abcdefgh$abcdefghijklmnopqrstuv",
      "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$argon2id$v=19$m=1024,t=1,p=1$$",
      "$argon2id$v=19$m=1024,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
  };
  for (const auto& bad : hashes) {
    EXPECT_EQ(import(kAllanIne, "allan.poe2010", bad), ErrorCode::INVALID_ARGUMENT) << bad;
  }
  EXPECT_EQ(import("000000000XX", "allan.poe2010", good), ErrorCode::LEARNER_NOT_FOUND);
  EXPECT_EQ(
      error_of([&] { service_->import_account("0999999Z", kAllanIne, "allan.poe2010", good); }),
      ErrorCode::ORGANIZATION_NOT_FOUND);

  const auto existing = enrol("Ewen", "ANDRÉ", "15/09/2014");
  EXPECT_EQ(import(kAllanIne, existing, good), ErrorCode::USERNAME_TAKEN);
  std::string shouted = existing;
  std::transform(shouted.begin(), shouted.end(), shouted.begin(),
                 [](char c) { return c == '.' ? c : static_cast<char>(std::toupper(c)); });
  EXPECT_EQ(import(kAllanIne, shouted, good), ErrorCode::USERNAME_TAKEN);
  EXPECT_EQ(import("960523400XC", "ewen.andre2020", good), ErrorCode::LEARNER_ALREADY_LINKED);

  // Nothing was written by the refusals.
  EXPECT_EQ(service_->match(code_, "Allan", "POE", "01/03/2014").status, MatchStatus::Matched);
  EXPECT_EQ(rows("SELECT count(*) FROM users")[0][0], "1");
}

TEST_P(Accounts, ImportRefusesALearnerWhoLeftOrHasAnAccountElsewhere) {
  const Pupil ana{"111111111AA", "Ana", "Lopez", "02/02/2014"};
  const Pupil ben{"222222222BB", "Ben", "Morel", "03/03/2014"};
  service_->create_organization("0331234B", "Lycée");
  service_->create_organization("0441234C", "Autre collège");
  service_->import_roster("0331234B", write_file("a.xml", siecle_xml("0331234B", {ana, ben})));
  // Ana also appears in a third school, with another birth date (so no automatic link).
  const Pupil ana_elsewhere{"111111111AA", "Ana", "Lopez", "05/05/2014"};
  service_->import_roster("0441234C", write_file("c.xml", siecle_xml("0441234C", {ana_elsewhere})));
  const auto hash = bcrypt("Ancien1234");
  service_->import_account("0331234B", "111111111AA", "ana.lopez0202", hash);
  EXPECT_EQ(
      error_of([&] { service_->import_account("0441234C", "111111111AA", "ana.lopez0505", hash); }),
      ErrorCode::LEARNER_HAS_ACCOUNT_ELSEWHERE);
  service_->import_roster("0331234B", write_file("b.xml", siecle_xml("0331234B", {ana})));
  EXPECT_EQ(
      error_of([&] { service_->import_account("0331234B", "222222222BB", "ben.morel0303", hash); }),
      ErrorCode::LEARNER_DISABLED);
}

// --- Bulk credentials ------------------------------------------------------------------------

TEST_P(Accounts, CredentialsForAClass) {
  const auto allan = enrol("Allan", "POE", "01/03/2014");
  const auto zoe = enrol("Zoë", "Müller", "28/02/2014");
  const auto credentials = service_->generate_credentials(kSampleUai, " 5A ", "mme.dupont");
  ASSERT_EQ(credentials.rows.size(), 17u);

  std::set<std::string> usernames;
  for (const auto& row : credentials.rows) {
    EXPECT_EQ(row.division, "5A");
    EXPECT_TRUE(is_valid_username(row.username)) << row.username;
    usernames.insert(row.username);
  }
  EXPECT_EQ(usernames.size(), 17u);
  EXPECT_TRUE(usernames.contains(allan));  // existing accounts keep their username
  EXPECT_TRUE(usernames.contains(zoe));
  EXPECT_TRUE(usernames.contains("oenone.coeurdacier1407"));
  EXPECT_TRUE(usernames.contains("noe.saintexupery2702"));

  // Every learner of the class now has an account.
  for (const auto& learner : service_->learners(kSampleUai, std::string("5A"))) {
    EXPECT_TRUE(learner.username) << learner.ine;
  }

  // The CSV: UTF-8 with a BOM, the header, one line per pupil, accents intact.
  const auto csv = credentials_csv(credentials);
  ASSERT_TRUE(csv.starts_with("\xEF\xBB\xBF"));
  std::istringstream lines(csv.substr(3));
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) {
    ASSERT_TRUE(line.ends_with("\r"));
    line.pop_back();
    all.push_back(line);
  }
  ASSERT_EQ(all.size(), 18u);
  EXPECT_EQ(all[0], "Classe;Nom;Prénom;Identifiant;Mot de passe");
  EXPECT_TRUE(contains(csv, "5A;CŒURDACIER;Œnone;oenone.coeurdacier1407;"));
  EXPECT_TRUE(contains(csv, "5A;MÜLLER;Zoë;" + zoe + ";"));
  EXPECT_TRUE(contains(csv, "5A;SAINT-EXUPÉRY;Noé;"));
  EXPECT_TRUE(contains(csv, "5A;D'ARTAGNAN;Jean-Marc;"));
  for (std::size_t i = 1; i < all.size(); ++i) {
    const auto& row = credentials.rows[i - 1];
    EXPECT_EQ(all[i], row.division + ";" + row.last_name + ";" + row.first_name + ";" +
                          row.username + ";" + row.temporary_password);
  }

  // The two pupils who registered keep their passwords (docs/rules.md §1.8): their rows carry none.
  EXPECT_EQ(credentials.created, 15);
  EXPECT_EQ(credentials.unchanged, 2);
  EXPECT_EQ(service_->login(allan, kGoodPassword).status, LoginStatus::Success);
  EXPECT_EQ(service_->login(zoe, kGoodPassword).status, LoginStatus::Success);
  // Every temporary password works, and only as a temporary one.
  int index = 10;
  for (const auto& row : credentials.rows) {
    if (row.username == allan || row.username == zoe) {
      EXPECT_TRUE(row.temporary_password.empty());
      continue;
    }
    ASSERT_EQ(row.temporary_password.size(), 8u);
    const auto result = service_->login(row.username, row.temporary_password);
    EXPECT_EQ(result.status, LoginStatus::PasswordChangeRequired) << row.username;
    service_->change_password_with_token(result.change_token,
                                         "Girouette" + std::to_string(index++));
  }
  for (const auto& row : credentials.rows) {
    if (row.temporary_password.empty()) continue;
    EXPECT_EQ(error_of([&] { service_->login(row.username, row.temporary_password); }),
              ErrorCode::INVALID_CREDENTIALS);
  }
}

TEST_P(Accounts, CredentialsRefusals) {
  EXPECT_EQ(error_of([&] { service_->generate_credentials(kSampleUai, "9Z"); }),
            ErrorCode::LEARNER_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->generate_credentials(kSampleUai, " "); }),
            ErrorCode::INVALID_ARGUMENT);
  EXPECT_EQ(error_of([&] { service_->generate_credentials("0999999Z", "5A"); }),
            ErrorCode::ORGANIZATION_NOT_FOUND);
  EXPECT_EQ(rows("SELECT count(*) FROM users")[0][0], "0");
}

// --- Throttling per client key ---------------------------------------------------------------

class Throttling : public ServiceTest {
 protected:
  Service open_clocked(ServiceOptions options = fast_options()) {
    options.clock = [this] { return now_; };
    return open(std::move(options));
  }
  std::int64_t now_ = kStart;
};

TEST_P(Throttling, AClassOf35BehindOneAddressIsNeverThrottled) {
  auto service = open_clocked();  // default throttle limits
  service.create_organization(kSampleUai, "Collège");
  const char* names[] = {"Adam",   "Basile", "Camille", "Diane",  "Elias", "Fanny",  "Gaspard",
                         "Hugo",   "Iris",   "Jade",    "Kylian", "Lina",  "Malo",   "Nina",
                         "Oscar",  "Paul",   "Quentin", "Rose",   "Sacha", "Timeo",  "Ugo",
                         "Victor", "Wanda",  "Xavier",  "Yanis",  "Zelie", "Anael",  "Blanche",
                         "Cyril",  "Dorian", "Elsa",    "Flore",  "Gabin", "Hector", "Ilan"};
  std::vector<Pupil> pupils;
  for (int i = 0; i < 35; ++i) {
    char birthdate[11];
    std::snprintf(birthdate, sizeof birthdate, "%02d/%02d/2013", i % 28 + 1, i / 28 + 3);
    char ine[12];
    std::snprintf(ine, sizeof ine, "%09dAB", 100000000 + i);
    pupils.push_back({ine, names[i], "Durand", birthdate});
  }
  service.import_roster(kSampleUai, write_file("class.xml", siecle_xml(kSampleUai, pupils)));
  const auto code = service.create_campaign(kSampleUai, "5A", std::string("5A")).code;
  const std::string school_address = "203.0.113.7";
  for (const auto& pupil : pupils) {
    // A typo in the code, then a typo in the name, then the right thing: two failures each,
    // all within the same minute.
    EXPECT_EQ(error_of([&] { service.find_campaign(code + "X", school_address); }),
              ErrorCode::CAMPAIGN_NOT_FOUND);
    EXPECT_EQ(service.find_campaign(code, school_address).code, code);
    EXPECT_EQ(
        service.match(code, "Zzzzzzzz", pupil.last_name, pupil.birthdate, school_address).status,
        MatchStatus::NoNameMatch);
    EXPECT_NO_THROW(service.register_pupil(code, pupil.first_name, pupil.last_name, pupil.birthdate,
                                           "Tournesol" + pupil.ine.substr(7, 2), school_address))
        << pupil.first_name;
  }
  EXPECT_TRUE(service.not_joined(code).empty());
}

TEST_P(Throttling, AnAttackerKeyIsThrottledThenRecoversAfterTheWindow) {
  auto service = open_clocked();
  service.create_organization(kSampleUai, "Collège");
  service.import_roster(kSampleUai, sample_roster());
  const auto code = service.create_campaign(kSampleUai, "5A", std::string("5A")).code;
  const ThrottleOptions defaults;
  // One failed guess per second, alternating code guesses and identity guesses.
  for (int attempt = 0; attempt < defaults.max_failures; ++attempt, ++now_) {
    if (attempt % 2 == 0) {
      ASSERT_EQ(error_of([&] { service.find_campaign("AAAAAA222", "attacker"); }),
                ErrorCode::CAMPAIGN_NOT_FOUND);
    } else {
      ASSERT_EQ(service.match(code, "Allan", "POE", "31/12/2000", "attacker").status,
                MatchStatus::NoLearnerForBirthdate);
    }
  }
  const auto refused = [&] {
    try {
      service.find_campaign(code, "attacker");  // even a right code
    } catch (const ThrottledError& e) {
      return e;
    }
    ADD_FAILURE() << "not throttled";
    return ThrottledError(0);
  }();
  EXPECT_EQ(refused.code(), ErrorCode::TOO_MANY_ATTEMPTS);
  // The first failure was 100 s ago; it leaves the 600 s window in 501 s.
  EXPECT_EQ(refused.retry_after_seconds(), defaults.window_seconds - defaults.max_failures + 1);
  EXPECT_EQ(error_of([&] { service.match(code, "Allan", "POE", "01/03/2014", "attacker"); }),
            ErrorCode::TOO_MANY_ATTEMPTS);
  EXPECT_EQ(error_of([&] {
              service.register_pupil(code, "Allan", "POE", "01/03/2014", kGoodPassword, "attacker");
            }),
            ErrorCode::TOO_MANY_ATTEMPTS);
  // Other keys, and callers that pass none, are not affected.
  EXPECT_EQ(service.find_campaign(code, "pupil").code, code);
  EXPECT_EQ(service.find_campaign(code).code, code);

  now_ += refused.retry_after_seconds() - 1;
  EXPECT_EQ(error_of([&] { service.find_campaign(code, "attacker"); }),
            ErrorCode::TOO_MANY_ATTEMPTS);
  now_ += 1;
  EXPECT_EQ(service.find_campaign(code, "attacker").code, code);
  // One slot freed: one more failure fills it again.
  EXPECT_EQ(error_of([&] { service.find_campaign("AAAAAA222", "attacker"); }),
            ErrorCode::CAMPAIGN_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service.find_campaign(code, "attacker"); }),
            ErrorCode::TOO_MANY_ATTEMPTS);
  // After a whole quiet window the key is fresh.
  now_ += defaults.window_seconds;
  EXPECT_EQ(service.register_pupil(code, "Allan", "POE", "01/03/2014", kGoodPassword, "attacker")
                .username,
            kAllan);
}

// docs/rules.md §4 [v2]: one device walking a class list is throttled across usernames; a class
// logging in correctly behind one address is never slowed.
TEST_P(Throttling, LoginFailuresAreThrottledPerClientKeyAcrossUsernames) {
  auto service = open_clocked();  // default: 50 failures per 10 minutes
  service.create_organization(kSampleUai, "Collège");
  service.import_roster(kSampleUai, sample_roster());
  const auto code = service.create_campaign(kSampleUai, "5A", std::string("5A")).code;
  const auto allan =
      service.register_pupil(code, "Allan", "POE", "01/03/2014", kGoodPassword).username;
  const ThrottleOptions defaults;
  ASSERT_EQ(defaults.max_login_failures, 50);
  ASSERT_EQ(defaults.login_window_seconds, 600);
  // Successful logins never count.
  for (int login = 0; login < 3 * defaults.max_login_failures; ++login) {
    ASSERT_EQ(service.login(allan, kGoodPassword, "203.0.113.7").status, LoginStatus::Success);
  }
  // 50 usernames, one guess each, one per second: each under its own block threshold.
  for (int attempt = 0; attempt < defaults.max_login_failures; ++attempt, ++now_) {
    char name[32];
    std::snprintf(name, sizeof name, "pupil.guess%04d", attempt);
    ASSERT_EQ(error_of([&] { service.login(name, "Mauvais999", "attacker"); }),
              ErrorCode::INVALID_CREDENTIALS)
        << attempt;
  }
  const auto refused = [&] {
    try {
      service.login(allan, kGoodPassword, "attacker");  // even the right password
    } catch (const ThrottledError& e) {
      return e;
    }
    ADD_FAILURE() << "not throttled";
    return ThrottledError(0);
  }();
  EXPECT_EQ(refused.retry_after_seconds(),
            defaults.login_window_seconds - defaults.max_login_failures + 1);
  // The refusal comes before any hashing, and counts nothing against the username.
  const auto before = hash_work_on_this_thread();
  EXPECT_EQ(error_of([&] { service.login(allan, "Mauvais999", "attacker"); }),
            ErrorCode::TOO_MANY_ATTEMPTS);
  EXPECT_EQ(hash_work_on_this_thread().computations, before.computations);
  EXPECT_EQ(rows("SELECT count(*) FROM login_failures WHERE username = '" + allan + "'"),
            (Rows{{"0"}}));
  // Other keys and callers without a key are not affected; the key recovers after the window.
  EXPECT_EQ(service.login(allan, kGoodPassword, "203.0.113.7").status, LoginStatus::Success);
  EXPECT_EQ(service.login(allan, kGoodPassword).status, LoginStatus::Success);
  now_ += refused.retry_after_seconds();
  EXPECT_EQ(service.login(allan, kGoodPassword, "attacker").status, LoginStatus::Success);
  // The code and identity throttle is separate: those 50 login failures did not touch it.
  EXPECT_EQ(service.find_campaign(code, "attacker").code, code);
}

TEST_P(Throttling, TheLoginThrottleIsConfigurable) {
  ServiceOptions options = fast_options();
  options.throttle.max_login_failures = 2;
  options.throttle.login_window_seconds = 30;
  auto service = open_clocked(options);
  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_EQ(error_of([&] { service.login("a.b0101", "Mauvais999", "k"); }),
              ErrorCode::INVALID_CREDENTIALS);
  }
  EXPECT_EQ(error_of([&] { service.login("c.d0101", "Mauvais999", "k"); }),
            ErrorCode::TOO_MANY_ATTEMPTS);
  now_ += 31;
  EXPECT_EQ(error_of([&] { service.login("c.d0101", "Mauvais999", "k"); }),
            ErrorCode::INVALID_CREDENTIALS);
  options.throttle.max_login_failures = 0;
  EXPECT_EQ(error_of([&] { open_clocked(options); }), ErrorCode::INVALID_ARGUMENT);
}

TEST_P(Throttling, LimitsAreConfigurable) {
  ServiceOptions options = fast_options();
  options.throttle = {3, 60};
  auto service = open_clocked(options);
  service.create_organization(kSampleUai, "Collège");
  for (int attempt = 0; attempt < 3; ++attempt) {
    EXPECT_EQ(error_of([&] { service.find_campaign("AAAAAA222", "k"); }),
              ErrorCode::CAMPAIGN_NOT_FOUND);
  }
  EXPECT_EQ(error_of([&] { service.find_campaign("AAAAAA222", "k"); }),
            ErrorCode::TOO_MANY_ATTEMPTS);
  now_ += 61;
  EXPECT_EQ(error_of([&] { service.find_campaign("AAAAAA222", "k"); }),
            ErrorCode::CAMPAIGN_NOT_FOUND);

  // Refused registrations count too; refusals that are not guesses (a weak password) do not.
  service.import_roster(kSampleUai, sample_roster());
  const auto code = service.create_campaign(kSampleUai, "5A", std::string("5A")).code;
  now_ += 61;
  for (int attempt = 0; attempt < 5; ++attempt) {
    EXPECT_EQ(error_of([&] {
                service.register_pupil(code, "Allan", "POE", "01/03/2014", "faible", "r");
              }),
              ErrorCode::PASSWORD_TOO_WEAK);
  }
  EXPECT_EQ(error_of([&] {
              service.register_pupil(code, "Zzzzzz", "POE", "01/03/2014", kGoodPassword, "r");
            }),
            ErrorCode::NO_NAME_MATCH);
  EXPECT_EQ(error_of([&] {
              service.register_pupil(code, "Allan", "POE", "31/12/2000", kGoodPassword, "r");
            }),
            ErrorCode::NO_LEARNER_FOR_BIRTHDATE);
  EXPECT_EQ(error_of([&] { service.find_campaign("AAAAAA222", "r"); }),
            ErrorCode::CAMPAIGN_NOT_FOUND);
  EXPECT_EQ(error_of([&] {
              service.register_pupil(code, "Allan", "POE", "01/03/2014", kGoodPassword, "r");
            }),
            ErrorCode::TOO_MANY_ATTEMPTS);
}

// --- RGPD: anonymise and export --------------------------------------------------------------

TEST_P(Accounts, ExportHoldsEverythingOnTheLearnerButNoSecret) {
  enrol("Allan", "POE", "01/03/2014");
  const auto document =
      learner_export_json(service_->export_learner(kSampleUai, kAllanIne, "mme.dupont"));
  for (const char* expected :
       {"\"uai\": \"0751234A\"", "\"name\": \"Collège Victor Hugo\"", "\"ine\": \"552340183SS\"",
        "\"first_name\": \"Allan\"", "\"last_name\": \"POE\"", "\"birthdate\": \"2014-03-01\"",
        "\"division\": \"5A\"", "\"username\": \"allan.poe0103\"",
        "\"must_change_password\": false", "\"status\": \"STARTED\"", "\"name\": \"Pix 5A\""}) {
    EXPECT_TRUE(contains(document, expected)) << expected << "\n" << document;
  }
  EXPECT_TRUE(contains(document, "\"code\": \"" + code_ + "\"")) << document;
  EXPECT_FALSE(contains(document, "argon2")) << document;
  EXPECT_FALSE(contains(document, kGoodPassword));
  EXPECT_EQ(error_of([&] { service_->export_learner(kSampleUai, "000000000XX"); }),
            ErrorCode::LEARNER_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->export_learner("0999999Z", kAllanIne); }),
            ErrorCode::ORGANIZATION_NOT_FOUND);
  // A learner without an account has no "account" part.
  EXPECT_FALSE(contains(learner_export_json(service_->export_learner(kSampleUai, "960523400XC")),
                        "\"account\""));
}

TEST_P(Accounts, AnonymiseKeepsParticipationsWithoutIdentity) {
  enrol("Allan", "POE", "01/03/2014");
  const auto temporary = service_->reset_password(kSampleUai, kAllan, "mme.dupont");
  const auto token = service_->login(kAllan, temporary).change_token;
  service_->anonymize_learner(kSampleUai, " 552340183SS ", "mme.dupont");
  EXPECT_EQ(error_of([&] { service_->change_password_with_token(token, kNewPassword); }),
            ErrorCode::INVALID_TOKEN);

  const auto all = service_->learners(kSampleUai, std::nullopt, true);
  const auto row = std::find_if(all.begin(), all.end(),
                                [](const auto& l) { return l.ine.starts_with("ANONYME-"); });
  ASSERT_NE(row, all.end());
  EXPECT_EQ(row->first_name, "Anonyme");
  EXPECT_EQ(row->last_name, "Anonyme");
  EXPECT_EQ(row->second_name, "");
  EXPECT_EQ(row->usage_name, "");
  EXPECT_EQ(row->birthdate.iso(), "2014-01-01");  // the year only, stored as 1 January
  EXPECT_EQ(row->division, "");
  EXPECT_TRUE(row->disabled);
  EXPECT_FALSE(row->username);  // unlinked

  // The account is disabled and no longer carries the name in its username.
  EXPECT_EQ(error_of([&] { service_->login(kAllan, kGoodPassword); }),
            ErrorCode::INVALID_CREDENTIALS);
  const auto users = rows("SELECT id, username, password_hash, disabled FROM users");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0][1], "anonyme-" + users[0][0]);
  EXPECT_EQ(users[0][2], "");
  EXPECT_EQ(users[0][3], "1");
  EXPECT_EQ(error_of([&] { service_->login(users[0][1], kGoodPassword); }),
            ErrorCode::INVALID_CREDENTIALS);

  // The participation is still there, attached to the anonymous rows.
  const auto participations = rows(
      "SELECT p.status, l.first_name, u.username FROM participations p JOIN "
      "learners l ON l.id = p.learner_id JOIN users u ON u.id = p.user_id");
  ASSERT_EQ(participations.size(), 1u);
  EXPECT_EQ(participations[0][0], "STARTED");
  EXPECT_EQ(participations[0][1], "Anonyme");
  EXPECT_EQ(participations[0][2], users[0][1]);

  // Nothing in the database names the pupil any more: not the INE, not the username (the
  // audit rows were re-pointed too), not the birth day.
  for (const char* table : {"learners", "users", "audit_log", "participations", "tokens"}) {
    const auto dump = rows(std::string("SELECT * FROM ") + table);
    for (const auto& r : dump) {
      for (const auto& field : r) {
        EXPECT_FALSE(contains(field, kAllanIne)) << table;
        EXPECT_FALSE(contains(field, kAllan)) << table;
      }
    }
  }
  EXPECT_EQ(rows("SELECT count(*) FROM tokens")[0][0], "0");
  EXPECT_EQ(error_of([&] { service_->export_learner(kSampleUai, kAllanIne); }),
            ErrorCode::LEARNER_NOT_FOUND);
  // The anonymous row can still be exported by its new id, with no account.
  const auto ine = row->ine;
  const auto exported = learner_export_json(service_->export_learner(kSampleUai, ine));
  EXPECT_TRUE(contains(exported, "\"status\": \"STARTED\"")) << exported;
  EXPECT_FALSE(contains(exported, "\"account\"")) << exported;

  EXPECT_EQ(error_of([&] { service_->anonymize_learner(kSampleUai, kAllanIne); }),
            ErrorCode::LEARNER_NOT_FOUND);
  EXPECT_EQ(error_of([&] { service_->anonymize_learner("0999999Z", "960523400XC"); }),
            ErrorCode::ORGANIZATION_NOT_FOUND);
}

TEST_P(Accounts, AnonymiseLeavesAnAccountAnotherSchoolStillUses) {
  const Pupil ana{"111111111AA", "Ana", "Lopez", "02/02/2014"};
  service_->create_organization("0331234B", "Lycée");
  service_->create_organization("0441234C", "Autre");
  service_->import_roster("0331234B", write_file("a.xml", siecle_xml("0331234B", {ana})));
  const auto code = service_->create_campaign("0331234B", "all").code;
  const auto username =
      service_->register_pupil(code, "Ana", "Lopez", "02/02/2014", kGoodPassword).username;
  // Same INE and birth date in another school: linked automatically at import.
  EXPECT_EQ(service_->import_roster("0441234C", write_file("c.xml", siecle_xml("0441234C", {ana})))
                .linked,
            1);
  service_->anonymize_learner("0331234B", "111111111AA");
  EXPECT_EQ(service_->login(username, kGoodPassword).status, LoginStatus::Success);
  EXPECT_EQ(service_->learners("0441234C")[0].username, username);
  EXPECT_EQ(service_->learners("0331234B", std::nullopt, true)[0].first_name, "Anonyme");
}

// --- Audit trail and secrets -----------------------------------------------------------------

TEST_P(Accounts, AdminActionsAreAuditedWithoutSecrets) {
  enrol("Allan", "POE", "01/03/2014");
  std::vector<std::string> secrets = {kGoodPassword};
  secrets.push_back(service_->reset_password(kSampleUai, kAllan, "mme.dupont"));
  now_ += 5;
  service_->unblock(kSampleUai, kAllan, "mme.dupont");
  const auto credentials = service_->generate_credentials(kSampleUai, "5A", "m.martin");
  for (const auto& row : credentials.rows) {
    if (!row.temporary_password.empty()) secrets.push_back(row.temporary_password);
  }
  const auto bcrypt_hash = bcrypt("Ancien1234");
  const auto other = service_->learners(kSampleUai, std::string("5B")).at(0).ine;
  service_->import_account(kSampleUai, other, "rose.petit0101", bcrypt_hash, "m.martin");
  secrets.push_back(bcrypt_hash);
  secrets.push_back(bcrypt_hash.substr(7));  // the salt and hash without the prefix
  service_->export_learner(kSampleUai, kAllanIne, "dpo");
  service_->anonymize_learner(kSampleUai, "960523400XC", "dpo");

  // The set-up's rows (the school, its roster and campaign) come first.
  const auto audit = rows(
      "SELECT at, actor, action, target, detail FROM audit_log "
      "WHERE action NOT IN ('create_organization', 'import_roster', 'create_campaign') "
      "ORDER BY id");
  std::vector<std::string> actions;
  for (const auto& row : audit) actions.push_back(row[1] + " " + row[2]);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"mme.dupont reset_password", "mme.dupont unblock",
                                      "m.martin generate_credentials", "m.martin import_account",
                                      "dpo export_learner", "dpo anonymize_learner"}));
  EXPECT_EQ(audit[0][0], std::to_string(kStart));
  EXPECT_EQ(audit[1][0], std::to_string(kStart + 5));
  EXPECT_EQ(audit[0][3], kAllan);  // on whom
  EXPECT_EQ(audit[2][3], "0751234A 5A");
  EXPECT_EQ(audit[2][4], "16 created, 0 reset, 1 unchanged");
  for (const auto& row : audit) {
    for (const auto& field : row) {
      for (const auto& secret : secrets) {
        EXPECT_FALSE(contains(field, secret)) << field;
      }
      EXPECT_FALSE(contains(field, "$argon2")) << field;
    }
  }
}

// Every Error thrown along the account scenarios, with all its texts, and every audit row and
// byte of the database: none holds a password, a temporary password or a token.
TEST_P(Accounts, NoSecretInAnyErrorMessageAuditRowOrDatabaseByte) {
  std::vector<std::string> secrets;
  std::vector<std::string> texts;
  const auto refused = [&](auto&& operation) {
    try {
      operation();
    } catch (const Error& e) {
      texts.push_back(e.what());
      texts.push_back(e.detail());
      texts.push_back(e.message(Language::French));
      texts.push_back(e.message(Language::English));
      return;
    }
    ADD_FAILURE() << "no error";
  };
  const std::string wrong = "Mauvais999";
  const std::string weak = "secretfaible";
  secrets = {kGoodPassword, wrong, weak, kNewPassword, "Allan2014xZ"};

  const auto username = enrol("Allan", "POE", "01/03/2014");
  refused([&] { service_->register_pupil(code_, "Allan", "POE", "01/03/2014", weak); });
  refused([&] { service_->login("nobody.here0101", wrong); });
  for (int i = 0; i < 30; ++i) refused([&] { service_->login(username, wrong); });
  refused([&] { service_->login(username, kGoodPassword); });
  service_->unblock(kSampleUai, username);
  const auto temporary = service_->reset_password(kSampleUai, username);
  secrets.push_back(temporary);
  refused([&] { service_->change_password(username, wrong, kNewPassword); });
  refused([&] { service_->change_password(username, temporary, weak); });
  refused([&] { service_->change_password(username, temporary, "Allan2014xZ"); });
  const auto token = service_->login(username, temporary).change_token;
  secrets.push_back(token);
  refused([&] { service_->change_password_with_token(token, weak); });
  refused([&] { service_->change_password_with_token(token, "Azerty123"); });
  service_->change_password_with_token(token, kNewPassword);
  refused([&] { service_->change_password_with_token(token, "Autre12345"); });
  const auto session = service_->login(username, kNewPassword).session_token;
  secrets.push_back(session);
  refused([&] { service_->join_campaign(session + "x", code_); });
  const auto credentials = service_->generate_credentials(kSampleUai, "5A");
  for (const auto& row : credentials.rows) {
    if (row.temporary_password.empty()) continue;  // a registered pupil's row
    secrets.push_back(row.temporary_password);
    refused([&] { service_->change_password(row.username, row.temporary_password, weak); });
  }
  const auto hash = bcrypt("Ancien1234");
  secrets.push_back("Ancien1234");
  secrets.push_back(hash.substr(7));
  refused([&] { service_->import_account(kSampleUai, kAllanIne, "allan.poe2010", "Ancien1234"); });
  refused([&] { service_->import_account(kSampleUai, kAllanIne, "allan.poe2010", hash); });
  refused([&] { service_->import_account(kSampleUai, kAllanIne, "x", hash); });

  ASSERT_GT(texts.size(), 100u);
  for (const auto& text : texts) {
    for (const auto& secret : secrets) {
      EXPECT_FALSE(contains(text, secret)) << text;
    }
  }
  for (const auto& row : rows("SELECT actor, action, target, detail FROM audit_log")) {
    for (const auto& field : row) {
      for (const auto& secret : secrets) EXPECT_FALSE(contains(field, secret)) << field;
    }
  }
  // Not even the bytes the engine stores (SQLite: the file and its write-ahead log) hold a
  // secret in clear (tokens are stored as SHA-256 digests, passwords as Argon2id hashes).
  const auto bytes = engine_database().stored_bytes();
  ASSERT_GT(bytes.size(), 10000u);
  for (const auto& secret : secrets) {
    if (secret == hash.substr(7)) continue;  // the import was refused: it is not there anyway
    EXPECT_FALSE(contains(bytes, secret)) << secret;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, Accounts, ::testing::ValuesIn(store_engines()), engine_name);
INSTANTIATE_TEST_SUITE_P(Engines, Throttling, ::testing::ValuesIn(store_engines()), engine_name);

}  // namespace
}  // namespace inscrire::testing
