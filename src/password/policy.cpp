// The policy on top of the rule: no personal information, no common password (password.hpp).
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <string>
#include <unordered_set>
#include <vector>

#include "inscrire/error.hpp"
#include "inscrire/password.hpp"
#include "inscrire/text.hpp"
#include "password/normalized_text.hpp"
#include "password/test_hooks.hpp"

namespace inscrire {
namespace {

using detail::is_ascii_alnum;
using detail::PasswordText;
using detail::Wiped;

// Common passwords that pass the rule, French first. Each is reduced like a candidate (key
// without leading and trailing digits), so "Azerty123" also stands for "azerty2024!".
constexpr auto kCommonPasswords = std::to_array<std::string_view>(
    {// French keyboards, words and habits
     "Azerty123", "Azertyuiop1", "Azerty1234", "Azertyui1", "Qsdfghjk1", "Wxcvbn123", "Aqwzsx123",
     "Motdepasse1", "MotDePasse123", "Motdepass1", "Mdp12345", "Soleil123", "Marseille13",
     "Bonjour123", "Bonsoir123", "Coucou123", "Doudou123", "Loulou123", "Chouchou1", "Nounours1",
     "Jetaime123", "Jetaime1", "Amour123", "Moncoeur1", "Chocolat1", "Princesse1", "Bisous123",
     "Famille1", "Maman123", "Papa1234", "Bebe1234", "Bienvenue1", "Bonheur1", "Liberte1",
     "Vacances1", "Papillon1", "Dauphin1", "Licorne1", "Chaton123", "Chien123", "Chat1234",
     "Minou123", "Tintin123", "Pompier1", "Camille1", "Nicolas1", "Julien123", "Thomas123",
     "Marine123", "Manon123", "Lucas123", "Hugo1234", "Emma1234", "Louise123", "Chloe123",
     "Mathis123", "Enzo1234", "Nathan123", "Paris2024", "Parisien1", "Toulouse31", "Bordeaux33",
     "Nantes44", "Lyon69000", "Lille59000", "France123", "Allezlom13", "Olympique1", "Psg12345",
     "Mbappe10", "Zidane10", "Ecole123", "College1", "Lycee123", "Classe123", "Eleve123",
     "Prof1234", "Prenom123", "Nom12345", "Janvier1", "Septembre1", "Printemps1", "Noel2024",
     "Bonneannee1", "Minecraft1", "Fortnite1", "Roblox123", "Pokemon1", "Naruto123",
     // International
     "Password1", "Password123", "Passw0rd", "P@ssw0rd1", "Qwerty123", "Qwertyuiop1", "Qwertz123",
     "Welcome1", "Welcome123", "Letmein1", "Iloveyou1", "Sunshine1", "Princess1", "Football1",
     "Baseball1", "Superman1", "Batman123", "Monkey123", "Dragon123", "Master123", "Shadow123",
     "Michael1", "Charlie1", "Trustno1", "Abc12345", "Abcd1234", "Aa123456", "Admin123",
     "Changeme1", "Test1234", "Hello123", "Starwars1", "Summer2024", "Winter2024", "Zaq12wsx",
     "Q1w2e3r4T"});

// The key of `text` (text.hpp) without its leading and trailing digits.
std::string common_form(std::string_view text) {
  std::string key = comparison_key(text);
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto first = std::find_if_not(key.begin(), key.end(), is_digit);
  const auto last = std::find_if_not(key.rbegin(), std::make_reverse_iterator(first), is_digit);
  std::string form(first, last.base());
  OPENSSL_cleanse(key.data(), key.size());
  return form;
}

const std::unordered_set<std::string>& common_forms() {
  static const std::unordered_set<std::string> forms = [] {
    std::unordered_set<std::string> set;
    for (const auto password : kCommonPasswords) set.insert(common_form(password));
    return set;
  }();
  return forms;
}

// Names shorter than this ("Li", "Bo", the "le" of "Le Gall") would refuse too many passwords.
constexpr std::size_t kMinPersonalKeyLength = 3;

void add_key(std::vector<std::string>& keys, std::string_view text) {
  std::string key = comparison_key(text);
  if (key.size() >= kMinPersonalKeyLength) keys.push_back(std::move(key));
}

// The keys of a name and of each of its words ("Jean-Marc" -> jeanmarc, jean, marc).
std::vector<std::string> name_keys(std::string_view name) {
  std::vector<std::string> keys;
  if (!is_valid_utf8(name)) return keys;
  add_key(keys, name);
  const auto is_separator = [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && !is_ascii_alnum(c);
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || is_separator(name[i])) {
      if (i > start) add_key(keys, name.substr(start, i - start));
      start = i + 1;
    }
  }
  return keys;
}

// The keys of a username "first.lastDDMM": itself, "first", "first.last", "last".
std::vector<std::string> username_keys(std::string_view username) {
  std::vector<std::string> keys;
  if (!is_valid_utf8(username)) return keys;
  add_key(keys, username);
  const auto stem_end = username.find_last_not_of("0123456789");
  const auto stem = username.substr(0, stem_end == std::string_view::npos ? 0 : stem_end + 1);
  add_key(keys, stem);
  const auto dot = stem.find('.');
  if (dot != std::string_view::npos) {
    add_key(keys, stem.substr(0, dot));
    add_key(keys, stem.substr(dot + 1));
  }
  return keys;
}

bool contains_any(std::string_view haystack, const std::vector<std::string>& needles) {
  return std::any_of(needles.begin(), needles.end(), [haystack](const std::string& needle) {
    return haystack.find(needle) != std::string_view::npos;
  });
}

}  // namespace

std::span<const std::string_view> detail::common_passwords() noexcept { return kCommonPasswords; }

void check_password_policy(std::string_view password, const PersonalInfo& person) {
  if (!is_valid_utf8(password)) throw Error(ErrorCode::INVALID_UTF8, "password");
  const PasswordText text(password);
  const Wiped<std::string> key{comparison_key(text.view())};
  if (contains_any(key.value, name_keys(person.first_name))) {
    throw Error(ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO, "first name");
  }
  if (contains_any(key.value, name_keys(person.last_name))) {
    throw Error(ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO, "last name");
  }
  if (contains_any(key.value, username_keys(person.username))) {
    throw Error(ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO, "username");
  }
  const Wiped<std::string> form{common_form(text.view())};
  if (common_forms().contains(form.value)) throw Error(ErrorCode::PASSWORD_TOO_COMMON);
}

}  // namespace inscrire
