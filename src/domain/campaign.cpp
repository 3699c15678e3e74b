#include "inscrire/campaign.hpp"

#include <array>
#include <utility>

#include "inscrire/error.hpp"
#include "inscrire/random.hpp"
#include "inscrire/text.hpp"

namespace inscrire {
namespace {

char draw_from(std::string_view alphabet) {
  return alphabet[random_below(static_cast<std::uint32_t>(alphabet.size()))];
}

// Code points a pupil may type between code characters without meaning anything: blanks
// (phones insert NBSP or U+202F when text is pasted from a French document), invisible
// separators, and every hyphen or dash a keyboard or word processor produces.
bool is_ignorable(char32_t c) {
  if (c < 0x80) return c == ' ' || c == '-' || (c >= '\t' && c <= '\r');
  switch (c) {
    case 0x00A0:  // no-break space
    case 0x00AD:  // soft hyphen
    case 0x1680:  // ogham space mark
    case 0x2028:  // line separator
    case 0x2029:  // paragraph separator
    case 0x202F:  // narrow no-break space (French thousands separator)
    case 0x205F:  // medium mathematical space
    case 0x2060:  // word joiner
    case 0x2212:  // minus sign
    case 0x3000:  // ideographic space
    case 0xFE58:  // small em dash
    case 0xFE63:  // small hyphen-minus
    case 0xFEFF:  // zero-width no-break space (BOM)
    case 0xFF0D:  // full-width hyphen-minus
      return true;
    default:
      // U+2000..U+200D: en/em/thin/hair spaces and zero-width (non-)joiners;
      // U+2010..U+2015: hyphen, non-breaking hyphen, figure dash, en dash, em dash, bar.
      return (c >= 0x2000 && c <= 0x200D) || (c >= 0x2010 && c <= 0x2015);
  }
}

// Decodes the code point starting at text[i] (text is valid UTF-8) and returns it with its
// length in bytes.
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  char32_t c = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  return {c, length};
}

bool contains(std::string_view alphabet, char c) {
  return alphabet.find(c) != std::string_view::npos;
}

constexpr std::array<std::pair<CampaignStatus, std::string_view>, 3> kStatusNames = {{
    {CampaignStatus::Active, "active"},
    {CampaignStatus::Archived, "archived"},
    {CampaignStatus::Deleted, "deleted"},
}};

}  // namespace

std::string generate_campaign_code() {
  std::string code;
  code.reserve(kCodeLength);
  for (std::size_t i = 0; i < kCodeLetterCount; ++i) code.push_back(draw_from(kCodeLetters));
  for (std::size_t i = 0; i < kCodeDigitCount; ++i) code.push_back(draw_from(kCodeDigits));
  return code;
}

std::string canonical_campaign_code(std::string_view typed) {
  if (!is_valid_utf8(typed)) throw Error(ErrorCode::INVALID_UTF8, "campaign code");
  std::string out;
  out.reserve(typed.size());
  for (std::size_t i = 0; i < typed.size();) {
    const auto [c, length] = decode(typed, i);
    if (!is_ignorable(c)) {
      if (c < 0x80) {
        out.push_back(upper_ascii(static_cast<char>(c)));
      } else {
        out.append(typed.substr(i, length));  // kept verbatim: the lookup will not find it
      }
    }
    i += length;
  }
  return out;
}

bool is_well_formed_campaign_code(std::string_view canonical) noexcept {
  if (canonical.size() != kCodeLength) return false;
  for (std::size_t i = 0; i < kCodeLength; ++i) {
    const std::string_view alphabet = i < kCodeLetterCount ? kCodeLetters : kCodeDigits;
    if (!contains(alphabet, canonical[i])) return false;
  }
  return true;
}

std::string_view campaign_status_name(CampaignStatus status) noexcept {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "active";  // unreachable for a valid enumerator
}

std::optional<CampaignStatus> campaign_status_from_name(std::string_view name) noexcept {
  for (const auto& [value, spelled] : kStatusNames) {
    if (spelled == name) return value;
  }
  return std::nullopt;
}

}  // namespace inscrire
