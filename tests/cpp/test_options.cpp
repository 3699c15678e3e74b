// ServiceOptions::validate, the one check every surface relies on: each option out of its range
// is refused by name, when the Service is made, before any file is created.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "cli/temporary_directory.hpp"
#include "inscrire/service.hpp"

namespace inscrire {
namespace {

// The detail of the refusal of `options`, or "accepted".
std::string refusal(const ServiceOptions& options) {
  try {
    options.validate();
    return "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
    return e.detail();
  }
}

ServiceOptions with(const std::function<void(ServiceOptions&)>& change) {
  ServiceOptions options;
  change(options);
  return options;
}

TEST(ServiceOptions, TheDefaultsAndTheCheapestKdfAreValid) {
  EXPECT_EQ(refusal({}), "accepted");
  EXPECT_EQ(refusal(with([](auto& o) { o.hash_parameters = {8, 1, 1}; })), "accepted");
}

TEST(ServiceOptions, EachOptionOutOfItsRangeIsRefusedByName) {
  const std::pair<const char*, std::function<void(ServiceOptions&)>> cases[] = {
      {"hash parameters", [](auto& o) { o.hash_parameters.iterations = 0; }},
      {"hash parameters", [](auto& o) { o.hash_parameters.iterations = 257; }},
      {"hash parameters", [](auto& o) { o.hash_parameters.memory_kib = 7; }},
      {"hash parameters", [](auto& o) { o.hash_parameters.memory_kib = 0xFFFFFFFFU; }},
      {"hash parameters",
       [](auto& o) {
         o.hash_parameters = {64, 1, 9};
       }},  // m < 8 p
      {"hash parameters", [](auto& o) { o.hash_parameters.parallelism = 0; }},
      {"busy_timeout_ms", [](auto& o) { o.busy_timeout_ms = -1; }},
      {"busy_timeout_ms", [](auto& o) { o.busy_timeout_ms = 3600 * 1000 + 1; }},
      {"throttle.max_failures", [](auto& o) { o.throttle.max_failures = 0; }},
      {"throttle.window_seconds", [](auto& o) { o.throttle.window_seconds = 0; }},
      {"login.failures_per_block", [](auto& o) { o.login.failures_per_block = 0; }},
      {"login.first_block_seconds", [](auto& o) { o.login.first_block_seconds = 0; }},
      {"login.first_block_seconds", [](auto& o) { o.login.first_block_seconds = 86401; }},
      {"login.permanent_block_failures", [](auto& o) { o.login.permanent_block_failures = 9; }},
      {"login.permanent_block_failures", [](auto& o) { o.login.permanent_block_failures = 201; }},
      {"login.change_token_seconds", [](auto& o) { o.login.change_token_seconds = 0; }},
      {"login.session_seconds", [](auto& o) { o.login.session_seconds = 0; }},
      {"login.session_seconds", [](auto& o) { o.login.session_seconds = 31 * 24 * 3600; }},
  };
  for (const auto& [name, change] : cases) {
    const auto detail = refusal(with(change));
    EXPECT_EQ(detail.rfind(name, 0), 0U) << name << ": " << detail;
  }
}

TEST(ServiceOptions, OpenRefusesThemBeforeCreatingTheFile) {
  TemporaryDirectory directory("options");
  const auto path = directory.path() / "never.db";
  try {
    Service::open(path, with([](auto& o) { o.hash_parameters.iterations = 0; }));
    FAIL() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ServiceOpen, RefusesAPathHoldingANulByte) {
  TemporaryDirectory directory("options");
  const std::string path = (directory.path() / "x.db").string() + std::string(1, '\0') + "junk";
  try {
    Service::open(std::filesystem::path(path));
    FAIL() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
  }
  EXPECT_FALSE(std::filesystem::exists(directory.path() / "x.db"));
}

}  // namespace
}  // namespace inscrire
