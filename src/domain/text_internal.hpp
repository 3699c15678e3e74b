// Internals of text.cpp that tests compare against.
#pragma once

#include <string>
#include <string_view>

namespace inscrire::detail {

// The ICU pipeline alone, without the ASCII, table and cache shortcuts: the reference the
// shortcuts must agree with.
std::string fold_with_icu(std::string_view name, bool keep_digits);

}  // namespace inscrire::detail
