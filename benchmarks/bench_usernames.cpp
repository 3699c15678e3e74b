// Username collision resolution (docs/rules.md §2): ours against a faithful re-implementation of
// Pix's strategy, on the same in-memory registry, at several occupancies of one stem; and a
// whole-country run: usernames for 1 000 000 pupils with realistic (Zipf-like) French names.
//
// Pix (generateUsernameUntilAvailable): try `stem + DDMM`; while the registry says the full
// username is taken, draw four random digits and try again: one is_taken lookup per try, no
// bound. Here the loop is capped (kPixCap tries per call) only so that the 100 % case ends; the
// number of calls that hit the cap is reported.
//
// Ours: one taken_suffixes lookup for the stem, then DDMM or a uniformly drawn free suffix
// (cryptographic RNG), USERNAME_SPACE_EXHAUSTED at once when the stem is full.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"
#include "inscrire/username.hpp"

namespace {

using inscrire::BirthDate;
using inscrire::CollisionPolicy;
using inscrire::MemoryUsernames;
using inscrire::UsernameSource;

constexpr std::string_view kStem = "lucas.martin";
constexpr int kDdmm = 1402;  // born 14/02
constexpr long kPixCap = 1'000'000;

const BirthDate& birthdate() {
  static const BirthDate date = BirthDate::from_ymd(2011, 2, 14);
  return date;
}

std::string with_suffix(std::string_view stem, int suffix) {
  std::array<char, 8> digits{};
  std::snprintf(digits.data(), digits.size(), "%04d", suffix);
  std::string username(stem);
  username += digits.data();
  return username;
}

// The stem filled to `permille` / 1000 of its 10 000 suffixes with random distinct suffixes,
// DDMM always among them when anything is taken (that is what sends both sides to collisions).
// Plus some unrelated accounts, so the registry is not a one-entry map.
MemoryUsernames filled_registry(int permille) {
  MemoryUsernames registry;
  const int taken = permille * 10;
  std::vector<int> others(inscrire::kSuffixCount);
  std::iota(others.begin(), others.end(), 0);
  others.erase(others.begin() + kDdmm);
  std::mt19937 rng(42);
  std::shuffle(others.begin(), others.end(), rng);
  if (taken > 0) registry.add(with_suffix(kStem, kDdmm));
  for (int i = 0; i + 1 < taken; ++i) {
    registry.add(with_suffix(kStem, others[static_cast<std::size_t>(i)]));
  }
  for (const std::string_view other : {"emma.martin", "lucas.bernard", "lucas.martine"}) {
    for (int i = 0; i < inscrire::kSuffixCount; i += 3) registry.add(with_suffix(other, i));
  }
  return registry;
}

// --- Pix --------------------------------------------------------------------------------------

// generateUsernameUntilAvailable, minus the database round trip: returns the username and
// adds the number of is_taken lookups to `tries`. Pix draws with Math.random; a fast PRNG here
// (not our cryptographic one) so that Pix is not charged for our RNG.
std::string pix_generate(inscrire::UsernameRegistry& registry, std::string_view stem,
                         const BirthDate& date, std::mt19937& rng, long& tries, bool& capped) {
  std::uniform_int_distribution<int> four_digits(0, 9999);
  std::string username = std::string(stem) + date.ddmm();
  long attempt = 0;
  while (true) {
    ++attempt;
    if (!registry.is_taken(username)) break;
    if (attempt == kPixCap) {
      capped = true;
      break;
    }
    username = with_suffix(stem, four_digits(rng));
  }
  tries += attempt;
  return username;
}

void BM_Pix(benchmark::State& state) {
  auto registry = filled_registry(static_cast<int>(state.range(0)));
  std::mt19937 rng(7);
  long tries = 0;
  long cap_hits = 0;
  for (auto _ : state) {
    bool capped = false;
    benchmark::DoNotOptimize(pix_generate(registry, kStem, birthdate(), rng, tries, capped));
    cap_hits += capped ? 1 : 0;
  }
  state.counters["tries_per_call"] =
      benchmark::Counter(static_cast<double>(tries), benchmark::Counter::kAvgIterations);
  state.counters["cap_hits"] = static_cast<double>(cap_hits);
  state.counters["occupancy_pct"] = static_cast<double>(state.range(0)) / 10.0;
}

// --- ours -------------------------------------------------------------------------------------

// The lookup + choice, from the same precomputed stem Pix gets.
void BM_Ours_Choose(benchmark::State& state) {
  auto registry = filled_registry(static_cast<int>(state.range(0)));
  long exhausted = 0;
  for (auto _ : state) {
    try {
      benchmark::DoNotOptimize(inscrire::choose_username(
          kStem, birthdate(), registry.taken_suffixes(kStem), CollisionPolicy::Random));
    } catch (const inscrire::Error& e) {
      if (e.code() != inscrire::ErrorCode::USERNAME_SPACE_EXHAUSTED) throw;
      ++exhausted;
    }
  }
  state.counters["exhausted"] = static_cast<double>(exhausted);
  state.counters["occupancy_pct"] = static_cast<double>(state.range(0)) / 10.0;
}

// The whole generate_username from the roster names (normalisation included).
void BM_Ours_Generate(benchmark::State& state) {
  auto registry = filled_registry(static_cast<int>(state.range(0)));
  const UsernameSource source{.first_name = "Lucas", .last_name = "Martin"};
  long exhausted = 0;
  for (auto _ : state) {
    try {
      benchmark::DoNotOptimize(inscrire::generate_username(registry, source, birthdate()));
    } catch (const inscrire::Error& e) {
      if (e.code() != inscrire::ErrorCode::USERNAME_SPACE_EXHAUSTED) throw;
      ++exhausted;
    }
  }
  state.counters["exhausted"] = static_cast<double>(exhausted);
}

void BM_Ours_Sequential(benchmark::State& state) {
  auto registry = filled_registry(static_cast<int>(state.range(0)));
  long exhausted = 0;
  for (auto _ : state) {
    try {
      benchmark::DoNotOptimize(inscrire::choose_username(
          kStem, birthdate(), registry.taken_suffixes(kStem), CollisionPolicy::Sequential));
    } catch (const inscrire::Error& e) {
      if (e.code() != inscrire::ErrorCode::USERNAME_SPACE_EXHAUSTED) throw;
      ++exhausted;
    }
  }
  state.counters["exhausted"] = static_cast<double>(exhausted);
}

void occupancies(benchmark::internal::Benchmark* b) {
  for (const int permille : {0, 500, 900, 990, 999, 1000}) b->Arg(permille);
  b->ArgName("permille")->MinTime(0.05)->Repetitions(5)->ReportAggregatesOnly(true);
}

BENCHMARK(BM_Ours_Choose)->Apply(occupancies);
BENCHMARK(BM_Pix)->Apply(occupancies);
BENCHMARK(BM_Ours_Generate)->Apply(occupancies);
BENCHMARK(BM_Ours_Sequential)->Apply(occupancies);

// --- 1 000 000 pupils ---------------------------------------------------------------------------

// Common French given names and surnames (the lists of tools/make-roster, trimmed),
// drawn with Zipf-like weights 1 / rank^0.6 (flatter than 0.9, or the 23 000 possible stems
// could not hold a million pupils: "Emma Martin" alone would exceed 10 000).
constexpr std::string_view kGiven[] = {
    "Emma",          "Gabriel", "Jade",         "Léo",       "Louise",      "Raphaël",   "Alice",
    "Arthur",        "Chloé",   "Louis",        "Lina",      "Jules",       "Léa",       "Adam",
    "Rose",          "Maël",    "Anna",         "Lucas",     "Mila",        "Hugo",      "Inès",
    "Noah",          "Ambre",   "Liam",         "Julia",     "Gabin",       "Mia",       "Sacha",
    "Léna",          "Paul",    "Manon",        "Nathan",    "Juliette",    "Aaron",     "Lou",
    "Mohamed",       "Zoé",     "Ethan",        "Camille",   "Tom",         "Agathe",    "Éthan",
    "Jeanne",        "Noé",     "Lucie",        "Timéo",     "Éva",         "Théo",      "Nina",
    "Nolan",         "Sarah",   "Mathis",       "Romane",    "Enzo",        "Inaya",     "Axel",
    "Charlotte",     "Martin",  "Léonie",       "Victor",    "Adèle",       "Malo",      "Margaux",
    "Baptiste",      "Maëlys",  "Clément",      "Noémie",    "Maxime",      "Anaïs",     "Samuel",
    "Héloïse",       "Antoine", "Zoë",          "Alexandre", "Mathilde",    "Thomas",    "Océane",
    "Rayan",         "Yasmine", "Ilyès",        "Aïcha",     "Amir",        "Fatoumata", "Mamadou",
    "Salomé",        "Moussa",  "Marie-Louise", "Loïc",      "Anne-Sophie", "Gaël",      "Maïwenn",
    "Jean-Baptiste", "Æmilia",  "Côme",         "Éloïse",    "Timothée",    "Noëlie",    "Anaël"};
constexpr std::string_view kSurnames[] = {
    "Martin",     "Bernard",    "Thomas",        "Petit",       "Robert",         "Richard",
    "Durand",     "Dubois",     "Moreau",        "Laurent",     "Simon",          "Michel",
    "Lefebvre",   "Leroy",      "Roux",          "David",       "Bertrand",       "Morel",
    "Fournier",   "Girard",     "Bonnet",        "Dupont",      "Lambert",        "Fontaine",
    "Rousseau",   "Vincent",    "Muller",        "Lefèvre",     "Faure",          "André",
    "Mercier",    "Blanc",      "Guérin",        "Boyer",       "Garnier",        "Chevalier",
    "François",   "Legrand",    "Gauthier",      "Garcia",      "Perrin",         "Robin",
    "Clément",    "Morin",      "Nicolas",       "Henry",       "Roussel",        "Mathieu",
    "Gautier",    "Masson",     "Marchand",      "Duval",       "Denis",          "Dumont",
    "Marie",      "Lemaire",    "Noël",          "Meyer",       "Dufour",         "Meunier",
    "Brun",       "Blanchard",  "Giraud",        "Joly",        "Rivière",        "Lucas",
    "Brunet",     "Gaillard",   "Barbier",       "Arnaud",      "Martinez",       "Gérard",
    "Roche",      "Renard",     "Schmitt",       "Roy",         "Leroux",         "Colin",
    "Vidal",      "Caron",      "Picard",        "Roger",       "Fabre",          "Aubert",
    "Lemoine",    "Renaud",     "Dumas",         "Lacroix",     "Olivier",        "Philippe",
    "Bourgeois",  "Pierre",     "Benoît",        "Rey",         "Leclerc",        "Payet",
    "Rolland",    "Leclercq",   "Guillaume",     "Lecomte",     "Lopez",          "Jean",
    "Dupuy",      "Guillot",    "Hubert",        "Berger",      "Carpentier",     "Sanchez",
    "Dupuis",     "Moulin",     "Louis",         "Deschamps",   "Huet",           "Vasseur",
    "Perez",      "Boucher",    "Fleury",        "Royer",       "Klein",          "Jacquet",
    "Adam",       "Paris",      "Poirier",       "Marty",       "Aubry",          "Guyot",
    "Carré",      "Charles",    "Renault",       "Charpentier", "Ménard",         "Maillard",
    "Baron",      "Bertin",     "Bailly",        "Hervé",       "Schneider",      "Fernandez",
    "Collet",     "Léger",      "Bouvier",       "Julien",      "Prévost",        "Millet",
    "Perrot",     "Daniel",     "Cousin",        "Germain",     "Breton",         "Besson",
    "Langlois",   "Rémy",       "Pelletier",     "Lévêque",     "Perrier",        "Leblanc",
    "Barré",      "Lebrun",     "Marchal",       "Weber",       "Mallet",         "Hamon",
    "Boulanger",  "Jacob",      "Monnier",       "Michaud",     "Rodriguez",      "Guichard",
    "Gillet",     "Étienne",    "Grondin",       "Poulain",     "Tessier",        "Chevallier",
    "Collin",     "Chauvin",    "Bouchet",       "Gay",         "Lemaître",       "Bénard",
    "Maréchal",   "Humbert",    "Reynaud",       "Antoine",     "Hoarau",         "Perret",
    "Barthélemy", "Cordier",    "Pichon",        "Lejeune",     "Gilbert",        "Lamy",
    "Delaunay",   "Pasquier",   "Carlier",       "Laporte",     "Diallo",         "Traoré",
    "Nguyen",     "Benali",     "Haddad",        "Diop",        "Camara",         "Sow",
    "Cissé",      "Kone",       "Mendy",         "Schäfer",     "Müller",         "Kowalski",
    "Öztürk",     "Cœurdacier", "Le Gall",       "Le Roux",     "Le Goff",        "Da Silva",
    "Dos Santos", "Da Costa",   "N'Diaye",       "Ben Ahmed",   "De La Fontaine", "Van der Berg",
    "Le Bihan",   "D'Artagnan", "Saint-Exupéry", "O'Neill"};

struct Pupil {
  std::string_view first;
  std::string_view last;
  BirthDate birthdate;
};

template <std::size_t N>
std::discrete_distribution<std::size_t> zipf(const std::string_view (&)[N]) {
  std::vector<double> weights(N);
  for (std::size_t rank = 0; rank < N; ++rank) {
    weights[rank] = 1.0 / std::pow(static_cast<double>(rank + 1), 0.6);
  }
  return {weights.begin(), weights.end()};
}

const std::vector<Pupil>& million_pupils() {
  static const std::vector<Pupil> pupils = [] {
    std::mt19937 rng(2024);
    auto given = zipf(kGiven);
    auto surname = zipf(kSurnames);
    // Collège and lycée ages: born 2006..2013, any day.
    std::vector<BirthDate> days;
    for (int y = 2006; y <= 2013; ++y) {
      for (int m = 1; m <= 12; ++m) {
        for (int d = 1; d <= 31; ++d) {
          try {
            days.push_back(BirthDate::from_ymd(y, m, d));
          } catch (const inscrire::Error&) {
          }
        }
      }
    }
    std::uniform_int_distribution<std::size_t> day(0, days.size() - 1);
    std::vector<Pupil> out;
    out.reserve(1'000'000);
    for (int i = 0; i < 1'000'000; ++i) {
      out.push_back({kGiven[given(rng)], kSurnames[surname(rng)], days[day(rng)]});
    }
    return out;
  }();
  return pupils;
}

void BM_MillionPupils(benchmark::State& state) {
  const auto& pupils = million_pupils();
  std::size_t collisions = 0;
  std::size_t exhausted = 0;
  std::size_t stems_max = 0;
  for (auto _ : state) {
    MemoryUsernames registry;
    collisions = 0;
    exhausted = 0;
    for (const auto& pupil : pupils) {
      try {
        const auto username = inscrire::generate_username(
            registry, {.first_name = pupil.first, .last_name = pupil.last}, pupil.birthdate);
        if (!username.ends_with(pupil.birthdate.ddmm())) ++collisions;
        registry.add(username);
      } catch (const inscrire::Error&) {
        ++exhausted;
      }
    }
    benchmark::DoNotOptimize(registry.size());
    stems_max =
        static_cast<std::size_t>(registry
                                     .taken_suffixes(inscrire::username_stem(
                                         {.first_name = kGiven[0], .last_name = kSurnames[0]}))
                                     .count());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(pupils.size()));
  state.counters["collisions"] = static_cast<double>(collisions);
  state.counters["exhausted"] = static_cast<double>(exhausted);
  state.counters["top_stem_accounts"] = static_cast<double>(stems_max);
}

BENCHMARK(BM_MillionPupils)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

}  // namespace
