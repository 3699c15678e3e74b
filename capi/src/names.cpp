// The name rules with no database: usernames and comparison keys.
#include "inscrire/birthdate.hpp"
#include "inscrire/text.hpp"
#include "inscrire/username.hpp"
#include "internal.hpp"

using namespace inscrire;
using namespace inscrire::capi;

extern "C" {

int inscrire_username(const char* first_name, const char* last_name, const char* birthdate,
                      char** out) {
  return guard(nullptr, [&] {
    out_param(out, "out");
    const auto first = text(first_name, "first_name");
    const auto last = text(last_name, "last_name");
    const auto date = text(birthdate, "birthdate");
    // The same checks as a roster row, so that "" or "\t" is refused rather than "prenom".
    validate_name(first);
    validate_name(last);
    const auto parsed = BirthDate::parse(date);
    *out = library_string(base_username({.first_name = first, .last_name = last}, parsed));
  });
}

int inscrire_normalize(const char* text_in, char** out) {
  return guard(nullptr, [&] {
    out_param(out, "out");
    const auto name = text(text_in, "text");
    validate_name(name);
    *out = library_string(comparison_key(name));
  });
}

}  // extern "C"
