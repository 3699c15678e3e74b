// Test hooks of the password files: not part of the public API, not exported.
#pragma once

#include <span>
#include <string_view>

namespace inscrire::detail {

// The largest number of hash computations seen running at once since the last reset: lets a
// test observe that set_max_concurrent_hashes is honoured (hash_gate.cpp).
unsigned peak_concurrent_hashes() noexcept;
void reset_peak_concurrent_hashes() noexcept;

// The built-in list of common passwords, as written (before reduction; password_policy.cpp).
std::span<const std::string_view> common_passwords() noexcept;

}  // namespace inscrire::detail
