// The SIECLE XML export (ElevesSansAdresses.xml), streamed through libxml2's SAX2 push parser:
// the bytes of `Input` are pushed chunk by chunk, no tree is ever built, and the callbacks keep
// only what the rules need. Rules: docs/rules.md §R, docs/formats.md.
#include "roster/siecle_xml.hpp"

#include <libxml/SAX2.h>
#include <libxml/dict.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"
#include "inscrire/limits.hpp"
#include "inscrire/text.hpp"
#include "roster/checks.hpp"
#include "roster/single_byte.hpp"

namespace inscrire::detail {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return upper_ascii(x) == upper_ascii(y); });
}

// ---------------------------------------------------------------------------------------------
// Encoding (docs/formats.md, "Encoding")

// The encoding named by the XML declaration at the start of `head` ("UTF-8" without one).
std::string declared_encoding(std::string_view head) {
  if (!head.starts_with("<?xml")) return "UTF-8";
  const auto declaration = head.substr(0, head.find("?>"));
  const auto at = declaration.find("encoding");
  if (at == std::string_view::npos) return "UTF-8";
  auto rest = declaration.substr(at + 8);
  const auto quote = rest.find_first_of("\"'");
  if (quote == std::string_view::npos) return {};
  rest.remove_prefix(quote + 1);
  return std::string(rest.substr(0, rest.find(declaration[at + 8 + quote])));
}

// An encoding the reader accepts: UTF-8, which libxml2 reads itself (byte order mark
// included), or a single-byte one, decoded by its table (see "Single-byte encodings" below).
struct Accepted {
  std::optional<SingleByte> single_byte;  // nothing: UTF-8
};

std::optional<Accepted> supported_encoding(std::string_view head) {
  const bool bom = head.starts_with("\xEF\xBB\xBF");
  if (bom) head.remove_prefix(3);
  const std::string name = upper_ascii(declared_encoding(head));
  if (name == "UTF-8" || name == "UTF8") return Accepted{};
  if (bom) return std::nullopt;  // a UTF-8 byte order mark contradicts the declaration
  if (name == "ISO-8859-15" || name == "ISO8859-15" || name == "ISO_8859-15" || name == "LATIN-9" ||
      name == "LATIN9") {
    return Accepted{SingleByte::Iso8859_15};
  }
  if (name == "ISO-8859-1" || name == "ISO8859-1" || name == "ISO_8859-1" || name == "LATIN1" ||
      name == "LATIN-1") {
    return Accepted{SingleByte::Iso8859_1};
  }
  if (name == "WINDOWS-1252" || name == "CP1252") return Accepted{SingleByte::Windows1252};
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Single-byte encodings: a libxml2 input converter over the tables of single_byte.hpp, in place
// of the iconv converter libxml2 would open for them (a quarter of the parse; docs/benchmarks.md,
// "bench_import"). It is forced on the parser (XML_PARSE_IGNORE_ENC) as iconv's was, so libxml2
// still does everything else: buffering, the line count, and the refusal of a byte the encoding
// does not define, with the message and line it gave through iconv.

// What an input converter returns when it stops early (libxml2's xmlCharEncodingInputFunc,
// named XML_ENC_ERR_INPUT and XML_ENC_ERR_SPACE since 2.12): a byte the encoding does not define,
// or no room in the output for the next character. Every version treats the second as iconv's
// E2BIG: it converts the rest later, into more room.
constexpr int kUndefinedByte = -2;
constexpr int kNoRoom = -3;

// `*in_size` bytes of `in` into at most `*out_size` bytes of `out`, both sizes then set to what
// was used. It stops where glibc's iconv stops (tests/fuzz/fuzz_single_byte.cpp).
int convert(SingleByte encoding, unsigned char* out, int* out_size, const unsigned char* in,
            int* in_size) noexcept {
  const auto given = static_cast<std::size_t>(*in_size);
  const Decoded decoded =
      decode_some(encoding, {in, given}, {out, static_cast<std::size_t>(*out_size)});
  *in_size = static_cast<int>(decoded.read);
  *out_size = static_cast<int>(decoded.written);
  if (decoded.undefined) return kUndefinedByte;
  return decoded.read == given ? 0 : kNoRoom;
}

#if LIBXML_VERSION >= 21400
// Since libxml2 2.14 a converter has a context (here, the encoding it decodes) and is made anew
// for each parser, which frees it.
xmlCharEncError convert_with_context(void* context, unsigned char* out, int* out_size,
                                     const unsigned char* in, int* in_size, int /*flush*/) {
  return static_cast<xmlCharEncError>(
      convert(*static_cast<const SingleByte*>(context), out, out_size, in, in_size));
}

xmlCharEncodingHandler* table_converter(SingleByte encoding) {
  // Contexts that outlive every parser, one per encoding.
  static constexpr std::array kEncodings = {SingleByte::Iso8859_1, SingleByte::Iso8859_15,
                                            SingleByte::Windows1252, SingleByte::MacRoman};
  void* context = const_cast<SingleByte*>(&kEncodings.at(static_cast<std::size_t>(encoding)));
  const std::string name(charset_name(encoding));
  xmlCharEncodingHandler* converter = nullptr;
  if (xmlCharEncNewCustomHandler(name.c_str(), convert_with_context, nullptr, nullptr, context,
                                 nullptr, &converter) != XML_ERR_OK) {
    return nullptr;
  }
  return converter;
}
#else
// Before 2.14 a converter is a plain function, one per table here, in a handler that libxml2
// frees only if it holds an iconv or ICU converter (xmlCharEncCloseFunc, 2.9 to 2.13). These
// handlers live as long as the process, are never registered (no other libxml2 user of the
// process finds them by name) and are only read, so every thread shares them.
template <SingleByte kEncoding>
int convert_from(unsigned char* out, int* out_size, const unsigned char* in, int* in_size) {
  return convert(kEncoding, out, out_size, in, in_size);
}

template <SingleByte kEncoding>
xmlCharEncodingHandler* converter_of() {
  static std::string name(charset_name(kEncoding));  // libxml2 reads it (xmlParseChunk)
  static xmlCharEncodingHandler converter = [] {
    xmlCharEncodingHandler made{};
    made.name = name.data();
    made.input = convert_from<kEncoding>;
    return made;
  }();
  return &converter;
}

xmlCharEncodingHandler* table_converter(SingleByte encoding) {
  switch (encoding) {
    case SingleByte::Iso8859_1: return converter_of<SingleByte::Iso8859_1>();
    case SingleByte::Iso8859_15: return converter_of<SingleByte::Iso8859_15>();
    case SingleByte::Windows1252: return converter_of<SingleByte::Windows1252>();
    case SingleByte::MacRoman: return converter_of<SingleByte::MacRoman>();
  }
  return nullptr;
}
#endif

// ---------------------------------------------------------------------------------------------
// libxml2's messages

#if LIBXML_VERSION >= 21200
using XmlErrorArg = const xmlError*;
#else
using XmlErrorArg = xmlErrorPtr;
#endif

// The first error libxml2 reported; libxml2 itself prints nothing.
struct XmlErrors {
  std::string message;
  int line = 0;
};

void collect_xml_error(void* context, XmlErrorArg error) {
  auto* errors = static_cast<XmlErrors*>(context);
  if (error == nullptr || error->level < XML_ERR_ERROR || !errors->message.empty()) return;
  errors->message = error->message != nullptr ? std::string(trim(error->message)) : "XML error";
  errors->line = error->line;
}

// libxml2's generic handler is C-variadic by its signature; nothing is read from the arguments.
// NOLINTNEXTLINE(cert-dcl50-cpp)
void ignore_generic_error(void* /*context*/, const char* /*format*/, ...) {}

// Routes libxml2's messages on this thread to `errors` while alive. libxml2 keeps these
// handlers per thread; the previous ones are put back. The parser's errors come here too: the
// SAX handler below sets no error callback of its own.
class XmlErrorCapture {
 public:
  explicit XmlErrorCapture(XmlErrors& errors)
      : structured_(xmlStructuredError),
        structured_context_(xmlStructuredErrorContext),
        generic_(xmlGenericError),
        generic_context_(xmlGenericErrorContext) {
    xmlSetStructuredErrorFunc(&errors, collect_xml_error);
    xmlSetGenericErrorFunc(nullptr, ignore_generic_error);
  }
  ~XmlErrorCapture() {
    xmlSetStructuredErrorFunc(structured_context_, structured_);
    xmlSetGenericErrorFunc(generic_context_, generic_);
  }
  XmlErrorCapture(const XmlErrorCapture&) = delete;
  XmlErrorCapture& operator=(const XmlErrorCapture&) = delete;

 private:
  xmlStructuredErrorFunc structured_;
  void* structured_context_;
  xmlGenericErrorFunc generic_;
  void* generic_context_;
};

std::string_view view(const xmlChar* text) {
  return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
}

std::string_view view(const xmlChar* begin, const xmlChar* end) {
  return {reinterpret_cast<const char*>(begin), static_cast<std::size_t>(end - begin)};
}

// ---------------------------------------------------------------------------------------------
// What the rules read

// The children of ELEVE that are read; the others are ignored.
enum class Field : std::uint8_t {
  Ine,
  LastName,
  UsageName,
  FirstName,
  SecondName,
  ThirdName,
  Sex,
  Birthdate,
  Country,
  Department,
  CityCode,
  CityName,
  Mef,
  Status,
  LeftDate,
  Count
};
constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::Count);
constexpr std::array<std::string_view, kFieldCount> kFieldNames = {"ID_NATIONAL",
                                                                   "NOM_DE_FAMILLE",
                                                                   "NOM_USAGE",
                                                                   "PRENOM",
                                                                   "PRENOM2",
                                                                   "PRENOM3",
                                                                   "CODE_SEXE",
                                                                   "DATE_NAISS",
                                                                   "CODE_PAYS",
                                                                   "CODE_DEPARTEMENT_NAISS",
                                                                   "CODE_COMMUNE_INSEE_NAISS",
                                                                   "VILLE_NAISS",
                                                                   "CODE_MEF",
                                                                   "CODE_STATUT",
                                                                   "DATE_SORTIE"};

std::string field_name(Field field) {
  return std::string(kFieldNames[static_cast<std::size_t>(field)]);
}

// Where an open element sits, as far as the rules care; Ignored for any other element and
// everything inside one.
enum class Node : std::uint8_t {
  Ignored,
  Root,
  Parametres,
  Uaj,
  Donnees,
  Eleves,
  Eleve,
  EleveField,
  Structures,
  StructuresEleve,
  Structure,
  StructureCode,
  StructureType
};

struct OpenElement {
  Node node = Node::Ignored;
  Field field = Field::Count;  // for EleveField
};

// The paths of BEE_ELEVES that are read, one step at a time (the children of ELEVE aside).
struct Step {
  Node parent;
  std::string_view name;
  Node child;
};
constexpr std::array<Step, 10> kSteps = {{
    {Node::Root, "PARAMETRES", Node::Parametres},
    {Node::Parametres, "UAJ", Node::Uaj},
    {Node::Root, "DONNEES", Node::Donnees},
    {Node::Donnees, "ELEVES", Node::Eleves},
    {Node::Eleves, "ELEVE", Node::Eleve},
    {Node::Donnees, "STRUCTURES", Node::Structures},
    {Node::Structures, "STRUCTURES_ELEVE", Node::StructuresEleve},
    {Node::StructuresEleve, "STRUCTURE", Node::Structure},
    {Node::Structure, "CODE_STRUCTURE", Node::StructureCode},
    {Node::Structure, "TYPE_STRUCTURE", Node::StructureType},
}};

// The element names the rules read, as the parser's dictionary holds them. libxml2 hands every
// element name from that dictionary, where each name is stored once: an element is recognised
// by comparing pointers, not text (no strlen, no memcmp for the 24 elements of each pupil).
class ElementNames {
 public:
  explicit ElementNames(xmlDict* dictionary) : dictionary_(dictionary) {
    root_ = intern("BEE_ELEVES");
    for (std::size_t i = 0; i < kSteps.size(); ++i) steps_[i] = intern(kSteps[i].name);
    for (std::size_t i = 0; i < kFieldCount; ++i) fields_[i] = intern(kFieldNames[i]);
  }

  bool is_root(const xmlChar* name) const { return name == root_; }

  OpenElement child_of(OpenElement parent, const xmlChar* name) const {
    if (parent.node == Node::Eleve) {
      const auto* const it = std::find(fields_.begin(), fields_.end(), name);
      if (it == fields_.end()) return {};
      return {Node::EleveField, static_cast<Field>(it - fields_.begin())};
    }
    for (std::size_t i = 0; i < kSteps.size(); ++i) {
      if (kSteps[i].parent == parent.node && steps_[i] == name) return {kSteps[i].child};
    }
    return {};
  }

 private:
  const xmlChar* intern(std::string_view name) {
    const xmlChar* interned = xmlDictLookup(
        dictionary_, reinterpret_cast<const xmlChar*>(name.data()), static_cast<int>(name.size()));
    if (interned == nullptr) throw std::bad_alloc();
    return interned;
  }

  xmlDict* dictionary_;
  const xmlChar* root_ = nullptr;
  std::array<const xmlChar*, kSteps.size()> steps_{};
  std::array<const xmlChar*, kFieldCount> fields_{};
};

// The elements whose text is a value; the text of every other element is only counted.
bool holds_value(Node node) {
  return node == Node::Uaj || node == Node::EleveField || node == Node::StructureCode ||
         node == Node::StructureType;
}

// ---------------------------------------------------------------------------------------------
// One pupil: its values and their checks

// One ELEVE as read, values trimmed. The buffers are reused from one pupil to the next, so
// reading a pupil allocates nothing once they are long enough.
struct PupilFields {
  std::string eleve_id;
  int line = 0;
  std::array<std::string, kFieldCount> values;

  std::string_view operator[](Field field) const { return values[static_cast<std::size_t>(field)]; }
  void clear() {
    for (std::string& value : values) value.clear();
  }
};

bool is_france(std::string_view country) { return country == "100" || country == "99100"; }

// The field checks of one pupil (docs/formats.md, "Pupils: order of the checks"), on views:
// only an error allocates. Errors go to the end of `errors`.
class PupilCheck {
 public:
  PupilCheck(const PupilFields& pupil, std::vector<RosterError>& errors)
      : pupil_(pupil), errors_(errors) {}

  void ine() {
    if (!is_valid_ine(pupil_[Field::Ine])) fail(ErrorCode::INVALID_VALUE, Field::Ine, kIneShape);
  }

  void names() {
    for (const auto& [field, required] :
         {std::pair{Field::LastName, true}, std::pair{Field::UsageName, false},
          std::pair{Field::FirstName, true}, std::pair{Field::SecondName, false},
          std::pair{Field::ThirdName, false}}) {
      if (const auto code = check_name(pupil_[field], required)) fail(*code, field);
    }
  }

  Sex sex() {
    const std::string_view sex = pupil_[Field::Sex];
    if (sex.empty()) {
      fail(ErrorCode::SEX_CODE_REQUIRED, Field::Sex);
    } else if (sex != "1" && sex != "2") {
      fail(ErrorCode::INVALID_VALUE, Field::Sex, std::string(sex));
    }
    return sex == "2" ? Sex::Female : Sex::Male;
  }

  BirthDate birthdate(BirthDate today) {
    const std::string_view birthdate = pupil_[Field::Birthdate];
    if (birthdate.empty()) {
      fail(ErrorCode::BIRTHDATE_REQUIRED, Field::Birthdate);
    } else if (!is_french_date_shape(birthdate)) {
      fail(ErrorCode::INVALID_BIRTHDATE, Field::Birthdate,
           std::string(code_name(ErrorCode::INVALID_BIRTHDATE_FORMAT)));
    } else {
      try {
        return BirthDate::parse(birthdate, today);
      } catch (const Error& error) {
        fail(ErrorCode::INVALID_BIRTHDATE, Field::Birthdate, std::string(code_name(error.code())));
      }
    }
    return {};
  }

  void birthplace_and_status() {
    if (is_france(pupil_[Field::Country]) && pupil_[Field::CityCode].empty()) {
      fail(ErrorCode::BIRTH_CITY_CODE_REQUIRED, Field::CityCode);
    }
    const std::string_view status = pupil_[Field::Status];
    if (!status.empty() && status != "ST" && status != "AP") {
      fail(ErrorCode::INVALID_VALUE, Field::Status, std::string(status));
    }
  }

 private:
  void fail(ErrorCode code, Field field, std::string detail = {}) {
    errors_.push_back(RosterError{code, echo(pupil_[Field::Ine]), echo(pupil_.eleve_id),
                                  pupil_.line, field_name(field), std::move(detail)});
  }

  const PupilFields& pupil_;
  std::vector<RosterError>& errors_;
};

// ---------------------------------------------------------------------------------------------
// The pupils waiting for their division

// What a pupil keeps until the end of the file, in this order: the texts of its RosterEntry
// (the division aside) and its ELEVE_ID.
enum class Text : std::uint8_t {
  Ine,
  EleveId,
  FirstName,
  SecondName,
  ThirdName,
  LastName,
  UsageName,
  Country,
  Department,
  CityCode,
  CityName,
  Mef,
  Status,
  Count
};
constexpr std::size_t kTextCount = static_cast<std::size_t>(Text::Count);
using Texts = std::array<std::string_view, kTextCount>;

std::string_view text(const Texts& texts, Text which) {
  return texts[static_cast<std::size_t>(which)];
}

Texts texts_of(const PupilFields& pupil) {
  return {pupil[Field::Ine],        pupil.eleve_id,          pupil[Field::FirstName],
          pupil[Field::SecondName], pupil[Field::ThirdName], pupil[Field::LastName],
          pupil[Field::UsageName],  pupil[Field::Country],   pupil[Field::Department],
          pupil[Field::CityCode],   pupil[Field::CityName],  pupil[Field::Mef],
          pupil[Field::Status]};
}

// Bytes kept until the end of the file, in blocks that never move: a pupil's texts cost their
// length plus one byte, not a std::string each (32 bytes, plus a heap block when long).
class TextArena {
 public:
  // The texts one after the other, each followed by a NUL. XML forbids U+0000 in text and
  // attribute values (libxml2 refuses the document before any callback sees one), so NUL
  // cannot occur inside a value.
  const char* pack(std::span<const std::string_view> texts) {
    std::size_t size = 0;
    for (const std::string_view t : texts) size += t.size() + 1;
    char* out = allocate(size);
    const char* packed = out;
    for (const std::string_view t : texts) {
      out = std::copy(t.begin(), t.end(), out);
      *out++ = '\0';
    }
    return packed;
  }

  // The first texts.size() texts packed at `packed`.
  static void unpack(const char* packed, std::span<std::string_view> texts) {
    for (std::string_view& t : texts) {
      t = packed;
      packed += t.size() + 1;
    }
  }

 private:
  static constexpr std::size_t kBlockBytes = 64u << 10;

  char* allocate(std::size_t size) {
    if (size > room_) {
      const std::size_t block = std::max(size, kBlockBytes);
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(block));
      next_ = blocks_.back().get();
      room_ = block;
    }
    char* out = next_;
    next_ += size;
    room_ -= size;
    return out;
  }

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  std::size_t room_ = 0;
};

// The first two texts of a packed record: INE and ELEVE_ID for a pupil, ELEVE_ID and code for
// a division.
std::array<std::string_view, 2> first_two(const char* packed) {
  std::array<std::string_view, 2> texts;
  TextArena::unpack(packed, texts);
  return texts;
}

// Text keys and the index each was first inserted with, in an open-addressing table (linear
// probing, at most half full): 8 bytes a slot where std::unordered_map spends a heap node per
// key, and a short probe instead of a chain of cache misses per lookup (the join of 100 000
// pupils to their divisions showed in the profile). The keys live elsewhere: `key_of(index)`
// gives them back. Indices are 32-bit: a pupil takes more than 40 bytes of XML and more than
// 60 of memory, so 2^32 of them cannot be read anyway.
class FirstIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  FirstIndex() = default;
  // Sized for `count` keys at once.
  explicit FirstIndex(std::size_t count)
      : slots_(std::bit_ceil(std::max<std::size_t>(64, 2 * count))) {}

  // The index first inserted with `key`; `index` itself, now stored, when `key` is new.
  template <typename KeyOf>
  std::uint32_t insert(std::string_view key, std::uint32_t index, const KeyOf& key_of) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    const std::uint32_t hash = hash_of(key);
    for (std::size_t at = hash & mask();; at = (at + 1) & mask()) {
      Slot& slot = slots_[at];
      if (slot.index == kNone) {
        slot = {index, hash};
        ++size_;
        return index;
      }
      if (slot.hash == hash && key_of(slot.index) == key) return slot.index;
    }
  }

  // Starts loading the slot where `key` would be looked up, so that a later insert or find
  // need not wait for it.
  void prefetch(std::string_view key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash_of(key) & mask()]);
  }

  // The index first inserted with `key`, or kNone.
  template <typename KeyOf>
  std::uint32_t find(std::string_view key, const KeyOf& key_of) const {
    if (slots_.empty()) return kNone;
    const std::uint32_t hash = hash_of(key);
    for (std::size_t at = hash & mask();; at = (at + 1) & mask()) {
      const Slot& slot = slots_[at];
      if (slot.index == kNone) return kNone;
      if (slot.hash == hash && key_of(slot.index) == key) return slot.index;
    }
  }

 private:
  struct Slot {
    std::uint32_t index = kNone;
    std::uint32_t hash = 0;
  };

  static std::uint32_t hash_of(std::string_view key) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(key));
  }
  std::size_t mask() const { return slots_.size() - 1; }

  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.index == kNone) continue;
      std::size_t at = slot.hash & mask();
      while (slots_[at].index != kNone) at = (at + 1) & mask();
      slots_[at] = slot;
    }
  }

  std::vector<Slot> slots_;  // a power of two in size
  std::size_t size_ = 0;
};

// A pupil read and checked, kept until the STRUCTURES (after the ELEVES) give its division.
struct PendingPupil {
  const char* texts;  // Text, packed
  BirthDate birthdate;
  int line = 0;
  std::uint32_t division = FirstIndex::kNone;  // in SiecleRoster::divisions_, set at the end
  std::uint8_t error_count = 0;  // its errors, next in line in SiecleRoster::pupil_errors_
  bool female = false;
  bool duplicate = false;                   // its INE was seen before (set with the division)
  std::optional<ErrorCode> division_error;  // of its division's code (set with the division)
};

// The roster as it is read: the UAJ, the skips, the pupils waiting for their division, and the
// division of each ELEVE_ID. Turned into the ParsedRoster once the whole file is read.
class SiecleRoster {
 public:
  SiecleRoster() : today_(BirthDate::today()) {}

  void set_uai(std::string_view uai) { uai_ = std::string(uai); }
  void add_pupil(const PupilFields& pupil);
  // A STRUCTURES_ELEVE starts: its STRUCTURE children are a few hundred bytes of parsing
  // away, time enough for the index slot of `owner` to reach the cache (waiting for it was
  // the largest single cost of our callbacks).
  void expect_structures_of(std::string_view owner) const { division_of_.prefetch(owner); }
  void add_structure(std::string_view owner, std::string_view type, std::string_view code);
  ParsedRoster finish(std::string_view expected_uai);

 private:
  void check_uai(std::string_view expected_uai, std::vector<RosterError>& errors) const;
  std::size_t resolve_divisions();
  void emit(ParsedRoster& result);
  RosterEntry entry_of(const PendingPupil& pupil) const;

  BirthDate today_;
  std::optional<std::string> uai_;
  std::array<int, kSkipReasonCount> skipped_{};
  TextArena arena_;
  // Deques: they grow without copying (a vector would hold its old and new buffers at once).
  std::deque<PendingPupil> pending_;
  std::vector<RosterError> pupil_errors_;  // of the pending pupils, in their order
  std::deque<const char*> divisions_;      // the first of each ELEVE_ID: ELEVE_ID and code, packed
  FirstIndex division_of_;                 // ELEVE_ID -> divisions_
};

void skip(std::array<int, kSkipReasonCount>& skipped, SkipReason reason) {
  ++skipped[static_cast<std::size_t>(reason)];
}

// Order of the skips: left the school, then no INE; the division is only known at the end.
void SiecleRoster::add_pupil(const PupilFields& pupil) {
  if (!pupil[Field::LeftDate].empty()) return skip(skipped_, SkipReason::Left);
  if (pupil[Field::Ine].empty()) return skip(skipped_, SkipReason::NoIne);
  const std::size_t errors_before = pupil_errors_.size();
  PupilCheck check(pupil, pupil_errors_);
  check.ine();
  check.names();
  const Sex sex = check.sex();
  const BirthDate birthdate = check.birthdate(today_);
  check.birthplace_and_status();
  const auto error_count = static_cast<std::uint8_t>(pupil_errors_.size() - errors_before);
  pending_.push_back(PendingPupil{arena_.pack(texts_of(pupil)), birthdate, pupil.line,
                                  FirstIndex::kNone, error_count, sex == Sex::Female, false,
                                  std::nullopt});
}

void SiecleRoster::add_structure(std::string_view owner, std::string_view type,
                                 std::string_view code) {
  if (type != "D" || code.empty() || equals_ignoring_case(code, "Inactifs")) {
    return;  // a group, or the placeholder division of inactive pupils
  }
  const auto next = static_cast<std::uint32_t>(divisions_.size());
  const auto eleve_id = [&](std::uint32_t index) { return first_two(divisions_[index])[0]; };
  if (division_of_.insert(owner, next, eleve_id) == next) {  // the first division wins
    divisions_.push_back(arena_.pack(std::array{owner, code}));
  }
}

void SiecleRoster::check_uai(std::string_view expected_uai,
                             std::vector<RosterError>& errors) const {
  if (expected_uai.empty()) return;
  if (!uai_ || uai_->empty()) {
    errors.push_back(file_error(ErrorCode::UAI_MISMATCH, "no PARAMETRES/UAJ in the file", "UAJ"));
  } else if (!equals_ignoring_case(trim(*uai_), trim(expected_uai))) {
    errors.push_back(file_error(ErrorCode::UAI_MISMATCH,
                                "the file is for " + *uai_ + ", not " + std::string(expected_uai),
                                "UAJ"));
  }
}

// Gives each pending pupil its division and marks the INEs seen before among the pupils that
// have one (the first occurrence is kept). Returns how many pupils become entries.
std::size_t SiecleRoster::resolve_divisions() {
  const auto division_id = [&](std::uint32_t index) { return first_two(divisions_[index])[0]; };
  const auto pupil_ine = [&](std::uint32_t index) { return first_two(pending_[index].texts)[0]; };
  FirstIndex seen(pending_.size());
  std::size_t entries = 0;
  std::uint32_t next_division = 0;
  for (std::uint32_t i = 0; i < pending_.size(); ++i) {
    PendingPupil& pupil = pending_[i];
    const auto [ine, eleve_id] = first_two(pupil.texts);
    // STRUCTURES usually follow the order of ELEVES: trying the division after the last one
    // found saves most hash lookups (ELEVE_IDs are unique in divisions_, so a hit is exact).
    const bool in_order =
        next_division < divisions_.size() && division_id(next_division) == eleve_id;
    pupil.division = in_order ? next_division : division_of_.find(eleve_id, division_id);
    if (pupil.division == FirstIndex::kNone) continue;
    next_division = pupil.division + 1;
    pupil.duplicate = seen.insert(ine, i, pupil_ine) != i;
    pupil.division_error = check_division(first_two(divisions_[pupil.division])[1]);
    if (pupil.error_count == 0 && !pupil.duplicate && !pupil.division_error) ++entries;
  }
  return entries;
}

RosterEntry SiecleRoster::entry_of(const PendingPupil& pupil) const {
  Texts texts;
  TextArena::unpack(pupil.texts, texts);
  const auto copy = [&](Text which) { return std::string(text(texts, which)); };
  return RosterEntry{.ine = copy(Text::Ine),
                     .first_name = copy(Text::FirstName),
                     .second_name = copy(Text::SecondName),
                     .third_name = copy(Text::ThirdName),
                     .last_name = copy(Text::LastName),
                     .usage_name = copy(Text::UsageName),
                     .birthdate = pupil.birthdate,
                     .sex = pupil.female ? Sex::Female : Sex::Male,
                     .division = std::string(first_two(divisions_[pupil.division])[1]),
                     .birth_country_code = copy(Text::Country),
                     .birth_department_code = copy(Text::Department),
                     .birth_city_code = copy(Text::CityCode),
                     .birth_city_name = copy(Text::CityName),
                     .mef_code = copy(Text::Mef),
                     .status = copy(Text::Status)};
}

RosterError duplicate_error(const PendingPupil& pupil) {
  const auto [ine, eleve_id] = first_two(pupil.texts);
  return RosterError{ErrorCode::DUPLICATE_INE, echo(ine), echo(eleve_id), pupil.line,
                     field_name(Field::Ine),   {}};
}

RosterError division_error(const PendingPupil& pupil) {
  const auto [ine, eleve_id] = first_two(pupil.texts);
  return RosterError{*pupil.division_error, echo(ine), echo(eleve_id), pupil.line,
                     "CODE_STRUCTURE",      {}};
}

// The entries and the pupils' errors, in file order. A pupil without a division is skipped and
// its own errors are dropped: it is not imported, so a flaw in its row must not block the rest.
void SiecleRoster::emit(ParsedRoster& result) {
  auto errors = pupil_errors_.begin();
  for (const PendingPupil& pupil : pending_) {
    const auto own_end = errors + pupil.error_count;
    if (pupil.division == FirstIndex::kNone) {
      skip(skipped_, SkipReason::NoDivision);
    } else if (pupil.error_count == 0 && !pupil.duplicate && !pupil.division_error) {
      result.entries.push_back(entry_of(pupil));
    } else {
      std::move(errors, own_end, std::back_inserter(result.errors));
      if (pupil.duplicate) result.errors.push_back(duplicate_error(pupil));
      if (pupil.division_error) result.errors.push_back(division_error(pupil));
    }
    errors = own_end;
  }
}

ParsedRoster SiecleRoster::finish(std::string_view expected_uai) {
  ParsedRoster result;
  if (uai_) result.uai = *uai_;
  check_uai(expected_uai, result.errors);
  result.entries.reserve(resolve_divisions());
  emit(result);
  result.skipped = skipped_;
  if (result.entries.empty() && result.errors.empty()) {
    result.errors.push_back(file_error(ErrorCode::EMPTY, "no importable pupil"));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The SAX callbacks

constexpr const char* kNoDtd = "DTD and entities are refused";

// libxml2 hands attribute values with '&' still escaped as "&#38;" (its tree builder decodes
// that later; there is no tree here), every other reference already replaced.
void assign_attribute_value(std::string_view raw, std::string& out) {
  constexpr std::string_view kAmpersand = "&#38;";
  out.clear();
  for (auto at = raw.find(kAmpersand); at != std::string_view::npos; at = raw.find(kAmpersand)) {
    out.append(raw.substr(0, at)).push_back('&');
    raw.remove_prefix(at + kAmpersand.size());
  }
  out.append(raw);
}

// The ELEVE_ID attribute (no namespace), trimmed, into `out`; empty when there is none.
void read_eleve_id(std::span<const xmlChar*> attributes, std::string& out) {
  out.clear();
  // Five pointers per attribute: local name, prefix, namespace, value, end of the value.
  for (std::size_t i = 0; i + 4 < attributes.size(); i += 5) {
    if (attributes[i + 1] == nullptr && view(attributes[i]) == "ELEVE_ID") {
      return assign_attribute_value(trim(view(attributes[i + 3], attributes[i + 4])), out);
    }
  }
}

// Follows the document element by element and hands the values to a SiecleRoster. A refusal
// (wrong root, DTD, nesting or text beyond libxml2's own limits) stops the parser at once.
class SiecleSax {
 public:
  void attach(xmlParserCtxt* context) {
    context_ = context;
    names_.emplace(context->dict);
  }
  bool stopped() const { return refusal_.has_value() || failure_ != nullptr; }
  std::optional<RosterError>& refusal() { return refusal_; }
  std::exception_ptr failure() const { return failure_; }
  SiecleRoster& roster() { return roster_; }

  void start_element(const xmlChar* prefix, const xmlChar* name,
                     std::span<const xmlChar*> attributes);
  void end_element();
  void text(const xmlChar* chunk, int size);
  void refuse(RosterError error);
  void fail(std::exception_ptr failure);

 private:
  int line() const { return xmlSAX2GetLineNumber(context_); }
  void start_root(const xmlChar* prefix, const xmlChar* name);
  // Out of line and cold: the callbacks that may call them stay small on the way taken.
  [[gnu::cold, gnu::noinline]] void refuse_depth();
  [[gnu::cold, gnu::noinline]] void refuse_huge_text();
  void end_value(OpenElement element);
  void clear_text() {
    text_.clear();
    text_bytes_ = 0;
  }

  xmlParserCtxt* context_ = nullptr;
  std::optional<ElementNames> names_;
  std::optional<RosterError> refusal_;
  std::exception_ptr failure_;
  SiecleRoster roster_;
  std::vector<OpenElement> open_;  // no deeper than xmlParserMaxDepth + 1
  bool keep_text_ = false;         // the innermost open element holds a value
  std::string text_;               // of that element, since the last tag
  std::size_t text_bytes_ = 0;     // of any element since the last tag, kept or not
  PupilFields pupil_;
  std::string structure_owner_;
  std::string structure_code_;
  std::string structure_type_;
};

void SiecleSax::refuse(RosterError error) {
  refusal_ = std::move(error);
  xmlStopParser(context_);
}

void SiecleSax::fail(std::exception_ptr failure) {
  failure_ = std::move(failure);
  xmlStopParser(context_);
}

void SiecleSax::refuse_depth() {
  refuse(file_error(ErrorCode::INVALID_FILE,
                    "Excessive depth in document: an element more than " +
                        std::to_string(xmlParserMaxDepth) + " levels below the root",
                    {}, line()));
}

void SiecleSax::refuse_huge_text() {
  refuse(file_error(ErrorCode::INVALID_FILE,
                    "huge text node: more than " + std::to_string(XML_MAX_TEXT_LENGTH) +
                        " bytes between two tags",
                    {}, line()));
}

void SiecleSax::start_root(const xmlChar* prefix, const xmlChar* name) {
  if (prefix != nullptr || !names_->is_root(name)) {
    const std::string local(view(name));
    const std::string qualified =
        prefix != nullptr ? std::string(view(prefix)) + ":" + local : local;
    return refuse(file_error(ErrorCode::INVALID_FILE,
                             "the root element is " + qualified + ", not BEE_ELEVES"));
  }
  open_.push_back({Node::Root, Field::Count});
}

void SiecleSax::start_element(const xmlChar* prefix, const xmlChar* name,
                              std::span<const xmlChar*> attributes) {
  clear_text();
  if (open_.empty()) return start_root(prefix, name);
  // libxml2 enforces this bound while building a tree only: without one, it is ours to keep.
  if (open_.size() > xmlParserMaxDepth) return refuse_depth();
  // A prefixed name ("x:ELEVE") is not one the rules read, whatever its namespace.
  const OpenElement element =
      prefix != nullptr ? OpenElement{} : names_->child_of(open_.back(), name);
  open_.push_back(element);
  keep_text_ = holds_value(element.node);
  if (element.node == Node::Eleve) {
    read_eleve_id(attributes, pupil_.eleve_id);
    pupil_.line = line();
    pupil_.clear();
  } else if (element.node == Node::StructuresEleve) {
    read_eleve_id(attributes, structure_owner_);
    roster_.expect_structures_of(structure_owner_);
  } else if (element.node == Node::Structure) {
    structure_code_.clear();
    structure_type_.clear();
  }
}

// `text` without its surrounding blanks, in place.
void trim_in_place(std::string& text) {
  const std::string_view kept = trim(text);
  if (kept.size() == text.size()) return;
  if (kept.empty()) return text.clear();
  const auto start = static_cast<std::size_t>(kept.data() - text.data());
  text.erase(start + kept.size()).erase(0, start);
}

void SiecleSax::end_value(OpenElement element) {
  if (element.node == Node::EleveField) {
    // The text becomes the value without a copy; text_ gets the old value's buffer.
    std::string& value = pupil_.values[static_cast<std::size_t>(element.field)];
    value.swap(text_);
    trim_in_place(value);
    if (element.field == Field::Ine) canonicalise_ine(value);  // its shape is checked later
    return;
  }
  const std::string_view value = trim(text_);
  switch (element.node) {
    case Node::Uaj: roster_.set_uai(value); break;
    case Node::StructureCode: structure_code_ = collapse_spaces(value); break;
    case Node::StructureType: structure_type_ = value; break;
    case Node::Eleve: roster_.add_pupil(pupil_); break;
    case Node::Structure:
      roster_.add_structure(structure_owner_, structure_type_, structure_code_);
      break;
    default: break;
  }
}

void SiecleSax::end_element() {
  end_value(open_.back());
  open_.pop_back();
  keep_text_ = !open_.empty() && holds_value(open_.back().node);
  clear_text();
}

void SiecleSax::text(const xmlChar* chunk, int size) {
  text_bytes_ += static_cast<std::size_t>(size);
  // libxml2's tree builder refused a longer text node; without a tree, this bound is ours.
  if (text_bytes_ > XML_MAX_TEXT_LENGTH) return refuse_huge_text();
  if (keep_text_) {
    text_.append(reinterpret_cast<const char*>(chunk), static_cast<std::size_t>(size));
  }
}

// Exceptions (std::bad_alloc) must not cross libxml2's C frames: each callback parks them in
// the SiecleSax, which stops the parser; they are rethrown once xmlParseChunk has returned.
template <typename Action>
void guarded(void* context, Action&& action) noexcept {
  auto& sax = *static_cast<SiecleSax*>(context);
  try {
    std::forward<Action>(action)(sax);
  } catch (...) {
    sax.fail(std::current_exception());
  }
}

void on_start_element(void* context, const xmlChar* name, const xmlChar* prefix,
                      const xmlChar* /*uri*/, int /*namespace_count*/,
                      const xmlChar** /*namespaces*/, int attribute_count, int /*defaulted_count*/,
                      const xmlChar** attributes) {
  guarded(context, [&](SiecleSax& sax) {
    sax.start_element(prefix, name, {attributes, static_cast<std::size_t>(attribute_count) * 5});
  });
}

void on_end_element(void* context, const xmlChar* /*name*/, const xmlChar* /*prefix*/,
                    const xmlChar* /*uri*/) {
  guarded(context, [](SiecleSax& sax) { sax.end_element(); });
}

void on_text(void* context, const xmlChar* chunk, int size) {
  guarded(context, [&](SiecleSax& sax) { sax.text(chunk, size); });
}

// Called for any <!DOCTYPE, before its internal subset is read (the "<!DOCTYPE in the first
// 4 KiB" check in parse_siecle_xml catches most before parsing even starts).
void on_doctype(void* context, const xmlChar* /*name*/, const xmlChar* /*external_id*/,
                const xmlChar* /*system_id*/) {
  guarded(context, [](SiecleSax& sax) { sax.refuse(file_error(ErrorCode::INVALID_FILE, kNoDtd)); });
}

// No tree: no startDocument (which would build one), no entity declaration or lookup callback,
// so that no entity other than the five predefined ones can ever be resolved, let alone
// expanded (with no DTD there is none to declare anyway). Blanks go to on_text like any text:
// every value is trimmed, and libxml2's heuristics for "ignorable" blanks need a tree.
xmlSAXHandler sax_handler() {
  xmlSAXHandler handler{};
  handler.initialized = XML_SAX2_MAGIC;
  handler.internalSubset = on_doctype;
  handler.startElementNs = on_start_element;
  handler.endElementNs = on_end_element;
  handler.characters = on_text;
  handler.ignorableWhitespace = on_text;
  handler.cdataBlock = on_text;
  return handler;
}

// ---------------------------------------------------------------------------------------------
// Pushing the document

// No document to free with the context: nothing here builds one, and the one libxml2 would
// build itself to hold the entities of a DTD is never made, the DTD being refused (on_doctype)
// before its declarations are read.
struct ContextDeleter {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};
using ContextPtr = std::unique_ptr<xmlParserCtxt, ContextDeleter>;

// Large enough that libxml2's per-chunk work is negligible, small enough to stay in cache.
constexpr std::size_t kChunkBytes = 64u << 10;

// NONET: nothing is ever fetched; no NOENT / DTDLOAD / DTDATTR / HUGE: no entity is
// substituted, no DTD loaded, libxml2's limits stay on. IGNORE_ENC with a forced encoding: what
// was checked is what is used.
int parser_options(const Accepted& encoding) {
  return XML_PARSE_NONET | (encoding.single_byte ? XML_PARSE_IGNORE_ENC : 0);
}

// The push parser, set up as xmlReaderForIO sets up its own: the first 4 bytes let libxml2
// detect a byte order mark, then the options, then the forced encoding. Null if libxml2
// cannot start (no memory).
ContextPtr start_parser(SiecleSax& sax, std::string_view first_bytes, const Accepted& encoding) {
  xmlSAXHandler handler = sax_handler();
  const bool detect = first_bytes.size() >= 4;
  ContextPtr context(xmlCreatePushParserCtxt(&handler, &sax, detect ? first_bytes.data() : nullptr,
                                             detect ? 4 : 0, nullptr));
  if (!context) return nullptr;
  sax.attach(context.get());
  xmlCtxtUseOptions(context.get(), parser_options(encoding));
  if (encoding.single_byte) {
    xmlCharEncodingHandler* converter = table_converter(*encoding.single_byte);
    if (converter == nullptr || xmlSwitchToEncoding(context.get(), converter) != 0) return nullptr;
  }
  return context;
}

// How pushing the document ended (a refusal or an exception is in the SiecleSax).
struct Pushed {
  bool well_formed = true;
  bool started = true;
  std::string read_error;
};

// One chunk from `input`; an unreadable source ends the document as not well-formed.
std::size_t read_chunk(Input& input, std::vector<char>& chunk, Pushed& pushed) {
  try {
    return input.read(chunk.data(), chunk.size());
  } catch (const Error& error) {
    pushed.well_formed = false;
    pushed.read_error = error.detail();
    return 0;
  }
}

Pushed push_document(Input& input, const Accepted& encoding, SiecleSax& sax) {
  Pushed pushed;
  std::vector<char> chunk(kChunkBytes);
  std::size_t size = read_chunk(input, chunk, pushed);
  if (!pushed.well_formed) return pushed;
  const ContextPtr context = start_parser(sax, {chunk.data(), size}, encoding);
  if (!context) {
    pushed.started = false;
    return pushed;
  }
  std::size_t offset = size >= 4 ? 4 : 0;  // already given to start_parser
  while (true) {
    const bool end = size == 0;
    if (end && input.too_large()) return pushed;  // refused whatever the parser would say
    const int status = xmlParseChunk(context.get(), chunk.data() + offset,
                                     static_cast<int>(size - offset), end ? 1 : 0);
    if (sax.stopped()) return pushed;
    if (status != 0) pushed.well_formed = false;
    if (status != 0 || end) return pushed;
    size = read_chunk(input, chunk, pushed);
    offset = 0;
    if (!pushed.well_formed) return pushed;
  }
}

void init_libxml2() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

ParsedRoster parse_siecle_xml(Input& input, std::string_view expected_uai) {
  const std::string_view head = input.peek(kDetectBytes);
  const auto encoding = supported_encoding(head);
  if (!encoding) {
    return refused(file_error(ErrorCode::ENCODING_NOT_SUPPORTED,
                              "declared encoding: " + declared_encoding(head)));
  }
  // Refused before libxml2 even reads the internal subset (where an entity bomb is declared);
  // a DOCTYPE further away than the look-ahead is still caught by on_doctype.
  if (head.find("<!DOCTYPE") != std::string_view::npos) {
    return refused(file_error(ErrorCode::INVALID_FILE, kNoDtd));
  }
  init_libxml2();
  XmlErrors errors;
  const XmlErrorCapture capture(errors);
  SiecleSax sax;
  const Pushed pushed = push_document(input, *encoding, sax);
  if (sax.failure()) std::rethrow_exception(sax.failure());
  input.finish();
  if (input.too_large()) {
    return refused(file_error(ErrorCode::FILE_TOO_LARGE, "unzipped size above the limit"));
  }
  if (sax.refusal()) return refused(std::move(*sax.refusal()));
  if (!pushed.started) {
    return refused(file_error(ErrorCode::INVALID_FILE, "cannot start the XML parser"));
  }
  if (!pushed.well_formed) {
    std::string detail = !pushed.read_error.empty() ? pushed.read_error
                         : !errors.message.empty()  ? errors.message
                                                    : "not well-formed XML";
    return refused(file_error(ErrorCode::INVALID_FILE, std::move(detail), {}, errors.line));
  }
  return sax.roster().finish(expected_uai);
}

}  // namespace inscrire::detail
