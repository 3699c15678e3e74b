// A directory created fresh under the system's temporary directory and removed with the object
// (unless kept): for the demo, the tests and the benchmarks.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "inscrire/error.hpp"

namespace inscrire {

class TemporaryDirectory {
 public:
  explicit TemporaryDirectory(
      std::string_view prefix = "inscrire",
      const std::filesystem::path& parent = std::filesystem::temp_directory_path(),
      bool keep = false)
      : keep_(keep) {
    std::string pattern = (parent / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw Error(ErrorCode::INTERNAL_ERROR, "cannot create a temporary directory");
    }
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    if (!keep_) std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  bool keep_;
};

}  // namespace inscrire
