// Throughput of the name pipeline (docs/rules.md §2, §3): comparison_key and username_part on
// realistic ASCII, accented Latin and non-Latin names. Items/s = names per second, one thread.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <string_view>

#include "inscrire/text.hpp"

namespace {

// Common French given names and surnames written without diacritics: the ASCII fast path.
constexpr std::array<std::string_view, 24> kAscii = {
    "Martin",  "Lucas",     "Dupont",     "Emma",     "Bernard", "Gabriel", "Thomas", "Jade",
    "Petit",   "Louise",    "Robert",     "Arthur",   "Durand",  "Jules",   "Moreau", "Alice",
    "Le Gall", "Jean-Marc", "D'Artagnan", "Da Silva", "Mohamed", "Diallo",  "Nguyen", "Rose"};

// French and European names with accents, ligatures and special letters: ICU, Latin-ASCII.
constexpr std::array<std::string_view, 24> kAccented = {
    "Éloïse", "Chloé",  "Lefèvre",  "Müller", "Straße", "Œnone",      "Ærøn",    "Noémie",
    "Maëlys", "Hélène", "François", "Guérin", "Jérôme", "Gaël",       "Zoë",     "Lévêque",
    "Łukasz", "Dvořák", "Øystein",  "Işıl",   "Çağla",  "Nguyễn Thị", "Prévost", "Côme"};

// Names in other scripts: ICU, Any-Latin then Latin-ASCII.
constexpr std::array<std::string_view, 24> kNonLatin = {
    "Анна",   "Дмитрий", "Юлия",   "Каренина", "Αλέξανδρος", "Σωκράτης", "Ζωή",    "王芳",
    "李小龙", "张伟",    "김민준", "이서연",   "やまだ",     "さくら",   "トヨタ", "محمد",
    "فاطمة",  "יוסף",    "राम",    "สมชาย",    "Ольга",      "Сергей",   "Ἑλένη",  "Мария"};

template <std::size_t N, class Fn>
void run(benchmark::State& state, const std::array<std::string_view, N>& names, Fn fn) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn(names[i]));
    i = i + 1 == N ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ComparisonKey_Ascii(benchmark::State& state) {
  run(state, kAscii, inscrire::comparison_key);
}
void BM_ComparisonKey_AccentedLatin(benchmark::State& state) {
  run(state, kAccented, inscrire::comparison_key);
}
void BM_ComparisonKey_NonLatin(benchmark::State& state) {
  run(state, kNonLatin, inscrire::comparison_key);
}
void BM_UsernamePart_Ascii(benchmark::State& state) { run(state, kAscii, inscrire::username_part); }
void BM_UsernamePart_AccentedLatin(benchmark::State& state) {
  run(state, kAccented, inscrire::username_part);
}
void BM_UsernamePart_NonLatin(benchmark::State& state) {
  run(state, kNonLatin, inscrire::username_part);
}
void BM_ValidateName_Accented(benchmark::State& state) {
  run(state, kAccented, [](std::string_view name) {
    inscrire::validate_name(name);
    return name.size();
  });
}

// Both values a roster row needs (what import and registration compute), as the targets state
// them: key + username part per second.
void BM_KeyAndUsernamePart_Ascii(benchmark::State& state) {
  run(state, kAscii, [](std::string_view name) {
    return inscrire::comparison_key(name).size() + inscrire::username_part(name).size();
  });
}
void BM_KeyAndUsernamePart_AccentedLatin(benchmark::State& state) {
  run(state, kAccented, [](std::string_view name) {
    return inscrire::comparison_key(name).size() + inscrire::username_part(name).size();
  });
}

// Names never seen before: the per-thread cache of recent names misses every time, so this is
// the cost of ICU itself (a roster of rare names, the first occurrence of a name).
template <std::size_t N>
void run_cold(benchmark::State& state, const std::array<std::string_view, N>& names) {
  std::size_t i = 0;
  std::string name;
  for (auto _ : state) {
    name.assign(names[i % N]);
    for (std::size_t n = i; n > 0; n /= 26) name.push_back(static_cast<char>('a' + n % 26));
    benchmark::DoNotOptimize(inscrire::comparison_key(name));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_ComparisonKey_AccentedLatin_Cold(benchmark::State& state) { run_cold(state, kAccented); }
void BM_ComparisonKey_NonLatin_Cold(benchmark::State& state) { run_cold(state, kNonLatin); }

// Same work spread over two threads: each thread has its own transliterator, so throughput
// should scale with cores (this machine has two, shared).
void BM_ComparisonKey_AccentedLatin_Threads(benchmark::State& state) {
  run(state, kAccented, inscrire::comparison_key);
}

BENCHMARK(BM_ComparisonKey_Ascii)->MinTime(0.2);
BENCHMARK(BM_ComparisonKey_AccentedLatin)->MinTime(0.2);
BENCHMARK(BM_ComparisonKey_NonLatin)->MinTime(0.2);
BENCHMARK(BM_UsernamePart_Ascii)->MinTime(0.2);
BENCHMARK(BM_UsernamePart_AccentedLatin)->MinTime(0.2);
BENCHMARK(BM_UsernamePart_NonLatin)->MinTime(0.2);
BENCHMARK(BM_ValidateName_Accented)->MinTime(0.2);
BENCHMARK(BM_KeyAndUsernamePart_Ascii)->MinTime(0.2);
BENCHMARK(BM_KeyAndUsernamePart_AccentedLatin)->MinTime(0.2);
BENCHMARK(BM_ComparisonKey_AccentedLatin_Cold)->MinTime(0.2);
BENCHMARK(BM_ComparisonKey_NonLatin_Cold)->MinTime(0.2);
BENCHMARK(BM_ComparisonKey_AccentedLatin_Threads)
    ->MinTime(0.2)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

}  // namespace
