// Roster import (docs/rules.md §R, docs/benchmarks.md "bench_import"): parsing a 100 000-pupil
// SIECLE file beside libxml2's bare SAX2 parse of the same file, the whole import (parse + SQLite
// write into a fresh database) of 10 000 and 100 000 pupils, and the peak memory of each, the
// last measured in a fresh process so that nothing this process did before counts.
#include <benchmark/benchmark.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench_data.hpp"
#include "inscrire/roster_file.hpp"
#include "inscrire/service.hpp"
#include "roster/input.hpp"

namespace {

using namespace inscrire;

constexpr std::string_view kUai = "0751234A";

double file_mib(const std::filesystem::path& file) {
  return static_cast<double>(std::filesystem::file_size(file)) / (1024.0 * 1024.0);
}

void import_into_fresh_database(const std::filesystem::path& file) {
  bench::ScratchDirectory directory;
  auto service = Service::open(directory.path() / "import.db");
  service.create_organization(kUai, "Bench");
  service.import_roster(kUai, file);
}

// The number of entries, or nothing if the file has errors (the benchmark is then void).
std::optional<std::size_t> parse(const std::filesystem::path& file) {
  const auto parsed = read_roster_file(file, kUai);
  if (!parsed.errors.empty()) return std::nullopt;
  return parsed.entries.size();
}

// ---------------------------------------------------------------------------------------------
// The yardstick: libxml2's SAX2 push parser alone, with callbacks that do nothing, set up as
// src/roster/siecle_xml.cpp sets it up (same byte stream, look-ahead, chunk size, options, the
// declared ISO-8859-15 forced) but for the converter: this one is libxml2's own for ISO-8859-15,
// glibc's iconv, where the reader decodes by table (docs/formats.md, "Encoding"). It is what a
// plain libxml2 parse of the file costs; iconv takes about a quarter of it, which the reader no
// longer pays, so the reader's time over this one is not its callbacks' share alone.

void ignore_element_start(void* /*context*/, const xmlChar* /*name*/, const xmlChar* /*prefix*/,
                          const xmlChar* /*uri*/, int /*namespace_count*/,
                          const xmlChar** /*namespaces*/, int /*attribute_count*/,
                          int /*defaulted_count*/, const xmlChar** /*attributes*/) {}
void ignore_element_end(void* /*context*/, const xmlChar* /*name*/, const xmlChar* /*prefix*/,
                        const xmlChar* /*uri*/) {}
void ignore_text(void* /*context*/, const xmlChar* /*text*/, int /*size*/) {}

struct ContextDeleter {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};

constexpr std::size_t kChunkBytes = 64u << 10;  // as in src/roster/siecle_xml.cpp

// False if the file is not well-formed.
bool bare_sax2_parse(const std::filesystem::path& file) {
  const ReadOptions options;
  detail::Input input(std::make_unique<detail::FileSource>(std::ifstream(file, std::ios::binary)),
                      std::filesystem::file_size(file), options);
  input.peek(detail::kDetectBytes);
  xmlSAXHandler handler{};
  handler.initialized = XML_SAX2_MAGIC;
  handler.startElementNs = ignore_element_start;
  handler.endElementNs = ignore_element_end;
  handler.characters = ignore_text;
  handler.ignorableWhitespace = ignore_text;
  handler.cdataBlock = ignore_text;
  std::vector<char> chunk(kChunkBytes);
  std::size_t size = input.read(chunk.data(), chunk.size());
  const std::unique_ptr<xmlParserCtxt, ContextDeleter> context(
      xmlCreatePushParserCtxt(&handler, nullptr, chunk.data(), 4, nullptr));
  xmlCtxtUseOptions(context.get(), XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
  if (xmlSwitchToEncoding(context.get(), xmlFindCharEncodingHandler("ISO-8859-15")) != 0) {
    return false;
  }
  int status = xmlParseChunk(context.get(), chunk.data() + 4, static_cast<int>(size - 4), 0);
  while (status == 0 && size != 0) {
    size = input.read(chunk.data(), chunk.size());
    status = xmlParseChunk(context.get(), chunk.data(), static_cast<int>(size), size == 0 ? 1 : 0);
  }
  return status == 0;
}

// ---------------------------------------------------------------------------------------------
// Speed

void BM_BareSax2(benchmark::State& state) {
  const auto file = bench::roster_file(static_cast<int>(state.range(0)));
  xmlInitParser();
  for (auto _ : state) {
    if (!bare_sax2_parse(file)) state.SkipWithError("not well-formed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["file_mib"] = file_mib(file);
}

void BM_ParseOnly(benchmark::State& state) {
  const auto file = bench::roster_file(static_cast<int>(state.range(0)));
  std::size_t pupils = 0;
  for (auto _ : state) {
    const auto entries = parse(file);
    if (!entries) state.SkipWithError("the roster has errors");
    pupils = entries.value_or(0);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * pupils));
  state.counters["file_mib"] = file_mib(file);
}

void BM_Import(benchmark::State& state) {
  const auto pupils = static_cast<int>(state.range(0));
  const auto file = bench::roster_file(pupils);
  for (auto _ : state) import_into_fresh_database(file);
  state.SetItemsProcessed(state.iterations() * pupils);
}

BENCHMARK(BM_BareSax2)->Arg(100000)->Unit(benchmark::kMillisecond)->Repetitions(5);
BENCHMARK(BM_ParseOnly)->Arg(100000)->Unit(benchmark::kMillisecond)->Repetitions(5);
BENCHMARK(BM_Import)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->Repetitions(5);

// ---------------------------------------------------------------------------------------------
// Peak memory: this executable started afresh (`--peak-child=<work> <file>`, see main) does one
// piece of work and prints its own high-water mark. A forked child would start from this
// process's resident memory, which the speed benchmarks above have grown.

// VmHWM of /proc/self/status, in KiB.
long own_peak_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  }
  return -1;
}

double child_peak_mib(std::string_view work, const std::filesystem::path& file) {
  const std::string command = std::filesystem::read_symlink("/proc/self/exe").string() +
                              " --peak-child=" + std::string(work) + " " + file.string();
  const std::unique_ptr<FILE, int (*)(FILE*)> child(popen(command.c_str(), "r"), pclose);
  if (!child) throw std::runtime_error("cannot start " + command);
  long kib = -1;
  if (std::fscanf(child.get(), "%ld", &kib) != 1 || kib < 0) {
    throw std::runtime_error("no peak from " + command);
  }
  return static_cast<double>(kib) / 1024.0;
}

void BM_PeakMemory(benchmark::State& state) {
  const auto file = bench::roster_file(static_cast<int>(state.range(0)));
  const bool into_sqlite = state.range(1) != 0;
  double peak = 0;
  for (auto _ : state) peak = child_peak_mib(into_sqlite ? "import" : "parse", file);
  state.counters["peak_rss_mib"] = peak;
  state.counters["file_mib"] = file_mib(file);
}
BENCHMARK(BM_PeakMemory)
    ->ArgsProduct({{10000, 100000}, {0, 1}})
    ->ArgNames({"pupils", "sqlite"})
    ->Iterations(1)
    ->Repetitions(3)
    ->Unit(benchmark::kMillisecond);

// The child's side of BM_PeakMemory; false when `argv` does not ask for it.
bool run_peak_child(int argc, char** argv) {
  if (argc != 3) return false;
  const std::string_view work = argv[1];
  const std::filesystem::path file = argv[2];
  if (work == "--peak-child=parse") {
    parse(file);
  } else if (work == "--peak-child=import") {
    import_into_fresh_database(file);
  } else {
    return false;
  }
  std::printf("%ld\n", own_peak_kib());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (run_peak_child(argc, argv)) return 0;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
