// The limits of docs/rules.md §6 at the Service (every surface goes through it): each field
// over its length is FIELD_TOO_LONG, each label holding a control character INVALID_VALUE,
// with the field named, and nothing is written.
#include <gtest/gtest.h>

#include <string>

#include "inscrire/limits.hpp"
#include "service_fixture.hpp"

namespace inscrire::testing {
namespace {

std::string times(std::size_t count, const std::string& piece) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += piece;
  return out;
}

template <typename Work>
Error refusal(Work&& work) {
  try {
    work();
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorCode::INTERNAL_ERROR, "accepted");
}

class Limits : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = std::make_unique<Service>(Service::open(directory_.path() / "l.db", fast_options()));
    service_->create_organization(kSampleUai, "Collège");
    std::ofstream(roster_) << siecle_xml(kSampleUai,
                                         {{"123456789AB", "Léa", "MARTIN", "12/05/2013"}});
    service_->import_roster(kSampleUai, roster_);
    code_ = service_->create_campaign(kSampleUai, "Pix", "5A").code;
  }

  TemporaryDirectory directory_{"limits"};
  std::filesystem::path roster_ = directory_.path() / "r.xml";
  std::unique_ptr<Service> service_;
  std::string code_;
};

TEST_F(Limits, LabelsAtTheirLimitPassAndOneCharacterMoreIsRefusedByName) {
  EXPECT_NO_THROW(service_->create_organization("0751235B", times(200, "é")));
  auto e = refusal([&] { service_->create_organization("0751236C", times(201, "é")); });
  EXPECT_EQ(e.code(), ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(e.detail(), "school name: 200 characters at most");
  e = refusal([&] { service_->create_campaign(kSampleUai, times(201, "a")); });
  EXPECT_EQ(e.code(), ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(e.detail(), "campaign name: 200 characters at most");
  EXPECT_NO_THROW(service_->create_campaign(kSampleUai, "Pix", times(32, "b")));
  e = refusal([&] { service_->create_campaign(kSampleUai, "Pix", times(33, "b")); });
  EXPECT_EQ(e.code(), ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(e.detail(), "division: 32 characters at most");
  e = refusal([&] { service_->create_campaign(kSampleUai, "Pix", "5A", times(201, "p")); });
  EXPECT_EQ(e.code(), ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(service_->campaigns(kSampleUai).size(), 2U);  // Pix and the 32-character class
}

TEST_F(Limits, ControlCharactersInLabelsAreRefused) {
  for (const std::string bad : {"Coll\x1b[31mège", "A\tB", "Bell\a", "Del\x7f", "C1 \xc2\x9b"}) {
    const auto e = refusal([&] { service_->create_organization("0751237D", bad); });
    EXPECT_EQ(e.code(), ErrorCode::INVALID_VALUE) << bad;
    EXPECT_EQ(e.detail(), "school name: control characters");
    EXPECT_EQ(refusal([&] { service_->create_campaign(kSampleUai, "Pix", bad); }).code(),
              ErrorCode::INVALID_VALUE);
  }
  EXPECT_EQ(service_->organizations().size(), 1U);
}

TEST_F(Limits, NamesTypedByPupilsAndTheClientKey) {
  auto e = refusal([&] { service_->match(code_, times(101, "a"), "Martin", "12/05/2013"); });
  EXPECT_EQ(e.code(), ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(e.detail(), "first_name: 100 characters at most");
  e = refusal([&] { service_->match(code_, "Léa", times(101, "a"), "12/05/2013"); });
  EXPECT_EQ(e.detail(), "last_name: 100 characters at most");
  EXPECT_EQ(service_->match(code_, "Léa", "Martin", "12/05/2013", times(200, "k")).status,
            MatchStatus::Matched);
  e = refusal([&] { service_->match(code_, "Léa", "Martin", "12/05/2013", times(201, "k")); });
  EXPECT_EQ(e.code(), ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(e.detail(), "client_key: 200 characters at most");
  EXPECT_EQ(refusal([&] { service_->find_campaign(code_, "ip\n1"); }).code(),
            ErrorCode::INVALID_VALUE);
}

TEST_F(Limits, UsernamesAndInes) {
  auto e = refusal([&] { service_->login(times(65, "a"), kGoodPassword); });
  EXPECT_EQ(e.code(), ErrorCode::FIELD_TOO_LONG);
  EXPECT_EQ(e.detail(), "username: 64 characters at most");
  EXPECT_EQ(refusal([&] { service_->reset_password(kSampleUai, times(65, "a")); }).code(),
            ErrorCode::FIELD_TOO_LONG);
  for (const std::string bad : {"12345678AB", "123456789ABC", "1234567890AB", "ABCDEFGHIJK"}) {
    e = refusal([&] { service_->export_learner(kSampleUai, bad); });
    EXPECT_EQ(e.code(), ErrorCode::INVALID_VALUE) << bad;
  }
  // Upper-cased and trimmed, both shapes: 9 digits + 2 letters, 10 digits + 1 letter.
  EXPECT_NO_THROW(service_->export_learner(kSampleUai, " 123456789ab "));
  EXPECT_EQ(refusal([&] { service_->export_learner(kSampleUai, "1234567890A"); }).code(),
            ErrorCode::LEARNER_NOT_FOUND);
}

TEST(Echo, QuotesAtMost64CharactersWholeUtf8) {
  EXPECT_EQ(echo("court"), "court");
  EXPECT_EQ(echo(times(64, "é")), times(64, "é"));
  EXPECT_EQ(echo(times(65, "é")), times(64, "é") + "…");
  EXPECT_EQ(echo(times(100000, "x")).size(), 64U + std::string("…").size());
}

}  // namespace
}  // namespace inscrire::testing
