// libFuzzer target: any bytes as a campaign code typed by a pupil (canonical_campaign_code,
// is_well_formed_campaign_code). Nothing may crash or throw anything but inscrire::Error;
// canonicalising twice changes nothing, and a well-formed code is its own canonical form.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "inscrire/campaign.hpp"
#include "inscrire/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view typed(reinterpret_cast<const char*>(data), size);
  try {
    const std::string canonical = inscrire::canonical_campaign_code(typed);
    if (inscrire::canonical_campaign_code(canonical) != canonical) __builtin_trap();
    if (inscrire::is_well_formed_campaign_code(typed) && canonical != typed) __builtin_trap();
  } catch (const inscrire::Error&) {
  }
  return 0;
}
