// Internal to the password files: verification of bcrypt hashes brought from another platform
// (bcrypt.cpp, libxcrypt). Nothing is ever hashed with bcrypt.
#pragma once

#include <string_view>

namespace inscrire::detail {

// True for "$2a$", "$2b$" or "$2y$" with a cost of 4 to 16 and the length of a bcrypt hash.
bool is_bcrypt(std::string_view stored) noexcept;

// True when `password`, as given or in NFC, matches the bcrypt hash `stored` (is_bcrypt). Holds
// a hash slot (hash_gate.hpp) while it computes.
bool verify_bcrypt(std::string_view password, std::string_view stored);

}  // namespace inscrire::detail
