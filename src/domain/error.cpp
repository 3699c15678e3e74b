#include "inscrire/error.hpp"

#include <array>

namespace inscrire {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  std::string_view french;
  std::string_view english;
};

constexpr std::array kCodes{
#define INSCRIRE_INFO_ENTRY(name, fr, en) CodeInfo{ErrorCode::name, #name, fr, en},
    INSCRIRE_ERROR_CODES(INSCRIRE_INFO_ENTRY)
#undef INSCRIRE_INFO_ENTRY
};

constexpr std::array kAllCodes = [] {
  std::array<ErrorCode, kCodes.size()> codes{};
  for (std::size_t i = 0; i < kCodes.size(); ++i) codes[i] = kCodes[i].code;
  return codes;
}();

const CodeInfo& info(ErrorCode code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < kCodes.size() ? kCodes[index] : kCodes[0];
}

std::string compose(ErrorCode code, const std::string& detail) {
  std::string text(info(code).english);
  if (!detail.empty()) text += " " + detail;
  return text;
}

}  // namespace

std::string_view code_name(ErrorCode code) noexcept { return info(code).name; }

std::optional<ErrorCode> code_from_name(std::string_view name) noexcept {
  for (const auto& entry : kCodes) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

std::string_view describe(ErrorCode code, Language language) noexcept {
  return language == Language::French ? info(code).french : info(code).english;
}

std::span<const ErrorCode> all_error_codes() noexcept { return kAllCodes; }

Error::Error(ErrorCode code, std::string detail)
    : std::runtime_error(compose(code, detail)), code_(code), detail_(std::move(detail)) {}

std::string Error::message(Language language) const {
  std::string text(describe(code_, language));
  if (!detail_.empty()) text += " " + detail_;
  return text;
}

}  // namespace inscrire
