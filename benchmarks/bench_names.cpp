// Throughput of the name pipeline (product.md §2, §3): comparison_key and username_part on
// realistic ASCII, accented Latin and non-Latin names. Items/s = names per second, one thread.
#include <benchmark/benchmark.h>

#include <array>
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
void BM_UsernamePart_Ascii(benchmark::State& state) {
  run(state, kAscii, inscrire::username_part);
}
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
BENCHMARK(BM_ComparisonKey_AccentedLatin_Threads)
    ->MinTime(0.2)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

}  // namespace
