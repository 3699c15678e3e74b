// The learner list's search (docs/rules.md §10) as one SQL condition both engines run, over the
// columns of a learner page: ine, username and the five name keys. Its parameters stand in a
// fixed order from `first`: the INE, the username, the whole name, then the LearnerSearch::kWords
// words (store.hpp, LearnerSearch). A null INE parameter means no search at all.
//
// Keys hold [a-z0-9] only, so a prefix is compared with substr(), never LIKE: no wildcard to
// escape, and the same text on SQLite and PostgreSQL.
#pragma once

#include <string>
#include <string_view>

#include "inscrire/store.hpp"

namespace inscrire::storage {

// `sigil` is "?" (SQLite) or "$" (PostgreSQL); `cast` is appended to each parameter ("" or
// "::text", so that PostgreSQL knows the type of a parameter compared with NULL).
inline std::string learner_search_sql(std::string_view sigil, std::string_view cast, int first) {
  const auto parameter = [&](int offset) {
    return std::string(sigil) + std::to_string(first + offset) + std::string(cast);
  };
  const auto starts_a_key = [](const std::string& text) {
    std::string any = "(";
    for (const char* key : {"first_key", "second_key", "third_key", "last_key", "usage_key"}) {
      if (any.size() > 1) any += " OR ";
      any.append("substr(").append(key).append(", 1, length(").append(text).append(")) = ");
      any += text;
    }
    return any + ")";
  };
  const auto name = parameter(2);
  std::string every_word = "(";
  for (std::size_t i = 0; i < LearnerSearch::kWords; ++i) {
    const auto word = parameter(3 + static_cast<int>(i));
    if (i > 0) every_word += " AND ";
    every_word += "(" + word + " = '' OR " + starts_a_key(word) + ")";
  }
  every_word += ")";
  return "(" + parameter(0) + " IS NULL OR ine = " + parameter(0) +
         " OR username = " + parameter(1) + " OR (" + name + " <> '' AND (" + starts_a_key(name) +
         " OR " + every_word + ")))";
}

// How many parameters learner_search_sql takes.
inline constexpr int kLearnerSearchParameters = 3 + static_cast<int>(LearnerSearch::kWords);

}  // namespace inscrire::storage
