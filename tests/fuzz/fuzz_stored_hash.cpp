// libFuzzer target: any bytes as a stored password hash (a corrupted or planted row):
// parse_hash_parameters, needs_rehash and verify_password. Nothing may crash, throw or run
// away: verification is only attempted where its cost is small (the target must stay fast),
// and it must answer false for anything that is not a hash of the password.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inscrire/password.hpp"

namespace {

// Verifications the fuzzer may afford: tiny Argon2 parameters, or a bcrypt cost of 4 or 5.
bool cheap_to_verify(std::string_view stored) {
  if (const auto params = inscrire::parse_hash_parameters(stored)) {
    return params->memory_kib <= 256 && params->iterations <= 2 && params->parallelism <= 2;
  }
  return !(stored.size() > 6 && stored[0] == '$' && stored[1] == '2' &&
           !(stored[4] == '0' && (stored[5] == '4' || stored[5] == '5')));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view stored(reinterpret_cast<const char*>(data), size);
  static const inscrire::HashParameters configured{1024, 1, 1};
  (void)inscrire::needs_rehash(stored, configured);
  if (cheap_to_verify(stored) && inscrire::verify_password("Tournesol42", stored)) {
    // Only a real hash of that password may match: it must then read as one.
    if (!inscrire::parse_hash_parameters(stored) && stored.rfind("$2", 0) != 0) __builtin_trap();
  }
  return 0;
}
