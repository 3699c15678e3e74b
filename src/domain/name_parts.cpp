#include "domain/name_parts.hpp"

#include <algorithm>
#include <initializer_list>

#include "inscrire/text.hpp"

namespace inscrire::detail {
namespace {

// A form shorter than this is never compared on its own: the budget of such keys is 0 anyway,
// and two letters single out nobody ("Le" of "LE ROUX", "Jo" of "Marie-Jo").
constexpr std::size_t kShortestForm = 3;

// Particles of family names found on French rosters: French, and the Italian, Spanish,
// Portuguese, Dutch and German ones that immigration brought. Keys, so "d'" is "d". Left out on
// purpose: el, al, ben, mac, mc, o (parts of the name itself, not particles), and st/ste
// (abbreviations SIECLE does not use).
constexpr std::array<std::string_view, 25> kParticles = {
    "d",   "l",     "le",  "la",  "les", "de",  "du",  "des", "da",  "das", "do",    "dos",   "di",
    "del", "della", "los", "las", "van", "der", "den", "ten", "ter", "von", "saint", "sainte"};

// Separators of more than one byte (UTF-8): the no-break spaces U+00A0 and U+202F, the hyphens
// and dashes U+2010 to U+2014; and the typographic apostrophes U+2019 and U+02BC, which behave
// like "'". Their lead bytes never occur inside another character, so a byte-wise search is safe.
constexpr std::array<std::string_view, 7> kWideSeparators = {
    "\xC2\xA0",     "\xE2\x80\xAF", "\xE2\x80\x90", "\xE2\x80\x91",
    "\xE2\x80\x92", "\xE2\x80\x93", "\xE2\x80\x94"};
constexpr std::array<std::string_view, 2> kWideApostrophes = {"\xE2\x80\x99", "\xCA\xBC"};

// The length of the separator starting at `at`, 0 if none; `word` is the current word so far
// (an apostrophe separates only after a lone d or l).
std::size_t separator_at(std::string_view text, std::size_t at, std::string_view word) {
  const char c = text[at];
  if (c == ' ' || c == '\t' || c == '-' || c == ',') return 1;
  const std::string_view rest = text.substr(at);
  for (const std::string_view wide : kWideSeparators) {
    if (rest.starts_with(wide)) return wide.size();
  }
  const bool after_particle_letter = word == "d" || word == "D" || word == "l" || word == "L";
  if (!after_particle_letter) return 0;
  if (c == '\'') return 1;
  for (const std::string_view wide : kWideApostrophes) {
    if (rest.starts_with(wide)) return wide.size();
  }
  return 0;
}

// Calls visit(word) for each non-empty raw word of the name, in order.
template <typename Visit>
void for_each_word(std::string_view raw_name, Visit&& visit) {
  std::size_t begin = 0;
  for (std::size_t at = 0; at < raw_name.size();) {
    const std::size_t length = separator_at(raw_name, at, raw_name.substr(begin, at - begin));
    if (length == 0) {
      ++at;
      continue;
    }
    if (at > begin) visit(raw_name.substr(begin, at - begin));
    at += length;
    begin = at;
  }
  if (raw_name.size() > begin) visit(raw_name.substr(begin));
}

// Most names are one word: they give no form, and this tells so without allocating.
bool has_several_words(std::string_view raw_name) {
  int words = 0;
  for_each_word(raw_name, [&](std::string_view) { ++words; });
  return words > 1;
}

void add_unique(std::vector<std::string>& forms, std::string form) {
  if (form.size() < kShortestForm) return;
  if (std::find(forms.begin(), forms.end(), form) == forms.end()) forms.push_back(std::move(form));
}

// Stage 1: the words of a compound given name, particles excepted ("Marie-des-Neiges" gives
// marie and neiges: a particle is never a name by itself).
std::vector<std::string> given_name_words(std::string_view raw_name) {
  std::vector<std::string> kept;
  if (!has_several_words(raw_name)) return kept;
  const std::vector<std::string> words = word_keys(raw_name);
  if (words.size() < 2) return kept;
  for (const std::string& word : words) {
    if (!is_particle(word)) add_unique(kept, word);
  }
  return kept;
}

// A part of a family name: one word that is no particle, with the particles written before it
// ("DE LA TOUR": core tour, written delatour).
struct Part {
  std::string written;
  std::string core;
};

std::vector<Part> parts_of(std::string_view raw_name) {
  std::vector<Part> parts;
  std::string particles;
  for (const std::string& word : word_keys(raw_name)) {
    if (is_particle(word)) {
      particles += word;
    } else {
      parts.push_back({particles + word, word});
      particles.clear();
    }
  }
  // Particles after the last word ("DUPONT DE", a typing slip) stay with it as written.
  if (!parts.empty()) parts.back().written += particles;
  return parts;
}

// Stage 2, from one family or usage name: each part as written and without its particles, the
// parts as written in reverse order, and the whole name without its particles.
void add_family_forms(std::vector<std::string>& forms, std::string_view raw_name) {
  if (!has_several_words(raw_name)) return;  // its one form would be its key
  const std::vector<Part> parts = parts_of(raw_name);
  std::string reversed;
  std::string cores;
  for (const Part& part : parts) {
    if (parts.size() > 1) add_unique(forms, part.written);
    add_unique(forms, part.core);
    reversed.insert(0, part.written);
    cores += part.core;
  }
  if (parts.size() > 1) add_unique(forms, std::move(reversed));
  add_unique(forms, std::move(cores));
}

std::vector<std::string> together(std::initializer_list<const std::string*> keys) {
  std::string joined;
  for (const std::string* key : keys) {
    if (key->empty()) return {};
    joined += *key;
  }
  std::vector<std::string> forms;
  add_unique(forms, std::move(joined));
  return forms;
}

}  // namespace

std::vector<std::string> word_keys(std::string_view raw_name) {
  std::vector<std::string> keys;
  for_each_word(raw_name, [&](std::string_view word) {
    std::string key = comparison_key(word);
    if (!key.empty()) keys.push_back(std::move(key));
  });
  return keys;
}

bool is_particle(std::string_view word_key) noexcept {
  return std::find(kParticles.begin(), kParticles.end(), word_key) != kParticles.end();
}

GivenNameForms given_name_forms(const RosterNames& names, const MatchCandidate& keys) {
  return {given_name_words(names.first_name), given_name_words(names.second_name),
          given_name_words(names.third_name), together({&keys.first_name, &keys.second_name}),
          together({&keys.first_name, &keys.second_name, &keys.third_name})};
}

std::vector<std::string> last_name_forms(const RosterNames& names, const MatchCandidate& keys) {
  std::vector<std::string> forms;
  add_family_forms(forms, names.last_name);
  add_family_forms(forms, names.usage_name);
  if (!keys.last_name.empty() && !keys.usage_name.empty()) {
    add_unique(forms, keys.last_name + keys.usage_name);
    add_unique(forms, keys.usage_name + keys.last_name);
  }
  // The two passes compared these already.
  std::erase_if(forms, [&](const std::string& form) {
    return form == keys.last_name || form == keys.usage_name;
  });
  return forms;
}

}  // namespace inscrire::detail
