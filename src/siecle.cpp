// Roster files: shape detection, zip archives, the SIECLE XML export, and the name checks both
// formats share. The CSV variant lives in roster_csv.cpp. Rules: siecle.md, docs/formats.md.
#include "inscrire/siecle.hpp"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlversion.h>
#include <unicode/utf8.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <exception>
#include <fstream>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "inscrire/birthdate.hpp"
#include "inscrire/text.hpp"
#include "roster_input.hpp"

namespace inscrire {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Input

namespace {
constexpr std::uint64_t kProgressStep = 1u << 20;
}  // namespace

Input::Input(std::unique_ptr<ByteSource> source, std::uint64_t total, const ReadOptions& options)
    : source_(std::move(source)), total_(total), options_(options) {}

std::size_t Input::pull(char* buffer, std::size_t size) {
  std::size_t got = 0;
  // Sources may return short reads; fill as much as asked unless the end is reached.
  while (got < size) {
    const std::size_t n = source_->read(buffer + got, size - got);
    if (n == 0) break;
    got += n;
  }
  return got;
}

std::string_view Input::peek(std::size_t size) {
  if (head_.size() < size) {
    const std::size_t old = head_.size();
    head_.resize(size);
    head_.resize(old + pull(head_.data() + old, size - old));
  }
  return std::string_view(head_).substr(0, std::min(size, head_.size()));
}

std::size_t Input::read(char* buffer, std::size_t size) {
  if (too_large_) return 0;
  std::size_t got = 0;
  if (head_pos_ < head_.size()) {
    got = std::min(size, head_.size() - head_pos_);
    std::copy_n(head_.data() + head_pos_, got, buffer);
    head_pos_ += got;
  } else {
    got = pull(buffer, size);
  }
  done_ += got;
  if (done_ > options_.max_file_bytes) {
    too_large_ = true;
    return 0;
  }
  if (options_.progress && done_ - last_report_ >= kProgressStep) {
    last_report_ = done_;
    options_.progress(done_, std::max(total_, done_));
  }
  return got;
}

void Input::finish() {
  if (options_.progress) options_.progress(done_, std::max(total_, done_));
}

// ---------------------------------------------------------------------------------------------
// Shared checks

std::string collapse_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_space = false;
  for (const char c : trim(text)) {
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    if (space && in_space) continue;
    out.push_back(space ? ' ' : c);
    in_space = space;
  }
  return out;
}

std::optional<ErrorCode> check_name(std::string_view name, bool required) {
  if (name.empty()) {
    return required ? std::optional(ErrorCode::NAME_REQUIRED) : std::nullopt;
  }
  try {
    validate_name(name);
  } catch (const Error& error) {
    switch (error.code()) {
      case ErrorCode::NAME_REQUIRED:  // only blank Unicode spaces (U+00A0...)
        return required ? ErrorCode::NAME_REQUIRED : ErrorCode::INVALID_NAME_CHARACTERS;
      case ErrorCode::NAME_TOO_LONG: return ErrorCode::NAME_TOO_LONG;
      default: return ErrorCode::INVALID_NAME_CHARACTERS;
    }
  }
  if (looks_mis_encoded(name)) return ErrorCode::INVALID_NAME_CHARACTERS;
  return std::nullopt;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Helpers of the readers below

namespace {

using detail::ByteSource;
using detail::check_name;
using detail::collapse_spaces;
using detail::file_error;
using detail::Input;

// Enough to see past a byte order mark and blank lines, and to hold an XML declaration.
constexpr std::size_t kDetectBytes = 4096;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

ParsedRoster refused(RosterError error) {
  ParsedRoster result;
  result.errors.push_back(std::move(error));
  return result;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Mojibake

namespace {

// windows-1252 punctuation in 0x80-0x9F: what a UTF-8 continuation byte becomes when read as
// windows-1252. Its letters (Š, Œ, Ž, š, œ, ž, Ÿ, ƒ) are left out: they occur in real names.
bool is_cp1252_punctuation(UChar32 c) {
  constexpr std::array<UChar32, 19> kPunctuation = {
      0x20AC, 0x201A, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x2039, 0x2018,
      0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x203A};
  return std::find(kPunctuation.begin(), kPunctuation.end(), c) != kPunctuation.end();
}

// Same, minus the dashes and quotes that may follow a real lower-case accented letter
// ("José–Maria"); the euro sign stays: "â€™" is the mojibake of ’.
bool is_cp1252_symbol(UChar32 c) {
  return is_cp1252_punctuation(c) && c != 0x2013 && c != 0x2014 && c != 0x2018 && c != 0x2019 &&
         c != 0x201C && c != 0x201D && c != 0x2026;
}

// What a UTF-8 continuation byte (0x80-0xBF) looks like once decoded as Latin-1: C1 controls
// and the symbols ¡..¿ (the no-break space, which also separates real names, is left out).
bool is_latin1_continuation(UChar32 c) { return c >= 0x80 && c <= 0xBF && c != 0xA0; }

// A UTF-8 lead byte decoded as Latin-1 (Â..ß for two-byte sequences, à..ï for three-byte ones)
// followed by what a continuation byte decodes to is the signature of UTF-8 read as Latin-1 or
// windows-1252: "Ã©" for é, "Ã«" for ë, "Å“" for œ, "â€™" for ’.
bool is_mojibake_pair(UChar32 lead, UChar32 next) {
  if (lead >= 0xC2 && lead <= 0xDF) {
    return is_latin1_continuation(next) || is_cp1252_punctuation(next) ||
           (next == 0xA0 && (lead == 0xC2 || lead == 0xC3));  // "Ã" + no-break space is "à"
  }
  if (lead >= 0xE0 && lead <= 0xEF) return is_latin1_continuation(next) || is_cp1252_symbol(next);
  return false;
}

}  // namespace

bool looks_mis_encoded(std::string_view utf8) {
  if (!is_valid_utf8(utf8)) return true;
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  UChar32 previous = -1;
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    // U+FFFD: a decoder already gave up; C1 controls: bytes 0x80-0x9F read as Latin-1; U+FEFF:
    // a byte order mark inside the text; √ and ≈: UTF-8 lead bytes C3 and C5 read as Mac Roman.
    if (c == 0xFFFD || (c >= 0x80 && c <= 0x9F) || c == 0xFEFF || c == 0x221A || c == 0x2248) {
      return true;
    }
    if (previous >= 0 && is_mojibake_pair(previous, c)) return true;
    previous = c;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// SIECLE XML

namespace {

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
  return out;
}

// The encoding named by the XML declaration at the start of `head` ("UTF-8" without one).
std::string declared_encoding(std::string_view head) {
  if (!starts_with(head, "<?xml")) return "UTF-8";
  const auto declaration = head.substr(0, head.find("?>"));
  const auto at = declaration.find("encoding");
  if (at == std::string_view::npos) return "UTF-8";
  auto rest = declaration.substr(at + 8);
  const auto quote = rest.find_first_of("\"'");
  if (quote == std::string_view::npos) return {};
  rest.remove_prefix(quote + 1);
  return std::string(rest.substr(0, rest.find(declaration[at + 8 + quote])));
}

// The name to hand libxml2 for a supported encoding ("" for UTF-8, which it detects itself,
// byte order mark included), nothing for any other.
std::optional<std::string> supported_encoding(std::string_view head) {
  const bool bom = starts_with(head, "\xEF\xBB\xBF");
  if (bom) head.remove_prefix(3);
  const std::string name = upper_ascii(declared_encoding(head));
  if (name == "UTF-8" || name == "UTF8") return std::string();
  if (bom) return std::nullopt;  // a UTF-8 byte order mark contradicts the declaration
  if (name == "ISO-8859-15" || name == "ISO8859-15" || name == "ISO_8859-15" || name == "LATIN-9" ||
      name == "LATIN9") {
    return "ISO-8859-15";
  }
  if (name == "ISO-8859-1" || name == "ISO8859-1" || name == "ISO_8859-1" || name == "LATIN1" ||
      name == "LATIN-1") {
    return "ISO-8859-1";
  }
  if (name == "WINDOWS-1252" || name == "CP1252") return "windows-1252";
  return std::nullopt;
}

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

void ignore_generic_error(void* /*context*/, const char* /*format*/, ...) {}

// Routes libxml2's messages on this thread to `errors` while alive. libxml2 keeps these
// handlers per thread; the previous ones are put back.
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

struct ReaderDeleter {
  void operator()(xmlTextReader* reader) const { xmlFreeTextReader(reader); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};
using ReaderPtr = std::unique_ptr<xmlTextReader, ReaderDeleter>;
using XmlCharPtr = std::unique_ptr<xmlChar, XmlCharDeleter>;

// What libxml2's read callback needs. Exceptions must not cross libxml2's C frames: they are
// parked here and rethrown once the reader has returned.
struct IoContext {
  Input* input;
  std::string read_error;
  std::exception_ptr failure;
};

int io_read(void* context, char* buffer, int size) {
  auto* io = static_cast<IoContext*>(context);
  try {
    return static_cast<int>(io->input->read(buffer, static_cast<std::size_t>(size)));
  } catch (const Error& error) {
    io->read_error = error.detail();
  } catch (...) {
    io->failure = std::current_exception();
  }
  return -1;
}

int io_close(void* /*context*/) { return 0; }

std::string_view view(const xmlChar* text) {
  return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
}

// The children of ELEVE that are read; the others are ignored.
enum class Field : std::size_t {
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

std::optional<Field> field_of(std::string_view element) {
  const auto it = std::find(kFieldNames.begin(), kFieldNames.end(), element);
  if (it == kFieldNames.end()) return std::nullopt;
  return static_cast<Field>(it - kFieldNames.begin());
}

// One ELEVE as read, values trimmed.
struct RawPupil {
  std::string eleve_id;
  int line = 0;
  std::array<std::string, kFieldCount> fields;
  const std::string& operator[](Field field) const {
    return fields[static_cast<std::size_t>(field)];
  }
};

// A pupil kept until the STRUCTURES (after the ELEVES in the file) give its division.
struct PendingPupil {
  RosterEntry entry;
  std::string eleve_id;
  int line = 0;
  std::vector<RosterError> errors;
};

// DD/MM/YYYY exactly: the export never writes another shape, anything else is a damaged file.
bool is_french_date_shape(std::string_view text) {
  if (text.size() != 10 || text[2] != '/' || text[5] != '/') return false;
  for (const std::size_t i : {0, 1, 3, 4, 6, 7, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

bool is_france(std::string_view country) { return country == "100" || country == "99100"; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return upper_ascii(a) == upper_ascii(b);
}

// Builds the entry of one pupil and collects its errors (skips are decided before).
PendingPupil check_pupil(const RawPupil& raw) {
  PendingPupil pending{{}, raw.eleve_id, raw.line, {}};
  RosterEntry& entry = pending.entry;
  entry.ine = raw[Field::Ine];
  const auto fail = [&](ErrorCode code, Field field, std::string detail = {}) {
    pending.errors.push_back(RosterError{code, entry.ine, raw.eleve_id, raw.line,
                                         std::string(kFieldNames[static_cast<std::size_t>(field)]),
                                         std::move(detail)});
  };
  const auto name = [&](Field field, bool required, std::string& out) {
    out = raw[field];
    if (const auto code = check_name(out, required)) fail(*code, field);
  };
  name(Field::LastName, true, entry.last_name);
  name(Field::UsageName, false, entry.usage_name);
  name(Field::FirstName, true, entry.first_name);
  name(Field::SecondName, false, entry.second_name);
  name(Field::ThirdName, false, entry.third_name);

  const std::string& sex = raw[Field::Sex];
  if (sex.empty()) {
    fail(ErrorCode::SEX_CODE_REQUIRED, Field::Sex);
  } else if (sex == "1" || sex == "2") {
    entry.sex = sex == "1" ? Sex::Male : Sex::Female;
  } else {
    fail(ErrorCode::INVALID_VALUE, Field::Sex, sex);
  }

  const std::string& birthdate = raw[Field::Birthdate];
  if (birthdate.empty()) {
    fail(ErrorCode::BIRTHDATE_REQUIRED, Field::Birthdate);
  } else if (!is_french_date_shape(birthdate)) {
    fail(ErrorCode::INVALID_BIRTHDATE, Field::Birthdate,
         code_name(ErrorCode::INVALID_BIRTHDATE_FORMAT).data());
  } else {
    try {
      entry.birthdate = BirthDate::parse(birthdate);
    } catch (const Error& error) {
      fail(ErrorCode::INVALID_BIRTHDATE, Field::Birthdate, std::string(code_name(error.code())));
    }
  }

  entry.birth_country_code = raw[Field::Country];
  entry.birth_department_code = raw[Field::Department];
  entry.birth_city_code = raw[Field::CityCode];
  entry.birth_city_name = raw[Field::CityName];
  if (is_france(entry.birth_country_code) && entry.birth_city_code.empty()) {
    fail(ErrorCode::BIRTH_CITY_CODE_REQUIRED, Field::CityCode);
  }
  entry.mef_code = raw[Field::Mef];
  entry.status = raw[Field::Status];
  if (!entry.status.empty() && entry.status != "ST" && entry.status != "AP") {
    fail(ErrorCode::INVALID_VALUE, Field::Status, entry.status);
  }
  return pending;
}

// Pulls the document node by node. Only what the rules need is kept: the pupils not yet
// skipped (until their division is known) and the division of each ELEVE_ID.
class SiecleReader {
 public:
  explicit SiecleReader(std::string_view expected_uai) : expected_uai_(expected_uai) {}

  // False when the document must be refused at once (wrong root).
  bool on_start(xmlTextReader* reader, std::string_view name, bool empty);
  void on_end();
  void on_text(std::string_view text) { text_.append(text); }
  std::optional<RosterError>& refusal() { return refusal_; }
  ParsedRoster finish();

 private:
  bool at(std::initializer_list<std::string_view> path) const {
    return std::equal(path_.begin(), path_.end(), path.begin(), path.end());
  }
  void end_pupil();
  void end_structure();

  std::string expected_uai_;
  std::optional<RosterError> refusal_;
  std::vector<std::string> path_;
  std::string text_;
  std::optional<std::string> uai_;
  RawPupil pupil_;
  std::string structure_owner_;
  std::string structure_code_;
  std::string structure_type_;
  std::vector<PendingPupil> pending_;
  std::unordered_map<std::string, std::string> divisions_;
  std::array<int, kSkipReasonCount> skipped_{};
};

std::string attribute(xmlTextReader* reader, const char* name) {
  const XmlCharPtr value(xmlTextReaderGetAttribute(reader, BAD_CAST name));
  return std::string(trim(view(value.get())));
}

bool SiecleReader::on_start(xmlTextReader* reader, std::string_view name, bool empty) {
  if (path_.empty() && name != "BEE_ELEVES") {
    refusal_ = file_error(ErrorCode::INVALID_FILE,
                          "the root element is " + std::string(name) + ", not BEE_ELEVES");
    return false;
  }
  path_.emplace_back(name);
  text_.clear();
  if (at({"BEE_ELEVES", "DONNEES", "ELEVES", "ELEVE"})) {
    pupil_ = RawPupil{attribute(reader, "ELEVE_ID"), xmlTextReaderGetParserLineNumber(reader), {}};
  } else if (at({"BEE_ELEVES", "DONNEES", "STRUCTURES", "STRUCTURES_ELEVE"})) {
    structure_owner_ = attribute(reader, "ELEVE_ID");
  } else if (at({"BEE_ELEVES", "DONNEES", "STRUCTURES", "STRUCTURES_ELEVE", "STRUCTURE"})) {
    structure_code_.clear();
    structure_type_.clear();
  }
  if (empty) on_end();
  return true;
}

void SiecleReader::on_end() {
  if (path_.empty()) return;
  const std::string_view value = trim(text_);
  if (path_.size() == 5 && path_[3] == "ELEVE" &&
      at({"BEE_ELEVES", "DONNEES", "ELEVES", "ELEVE", path_[4]})) {
    if (const auto field = field_of(path_[4])) {
      pupil_.fields[static_cast<std::size_t>(*field)] = value;
    }
  } else if (at({"BEE_ELEVES", "PARAMETRES", "UAJ"})) {
    uai_ = std::string(value);
  } else if (at({"BEE_ELEVES", "DONNEES", "ELEVES", "ELEVE"})) {
    end_pupil();
  } else if (path_.size() == 6 && path_[4] == "STRUCTURE") {
    if (path_[5] == "CODE_STRUCTURE") structure_code_ = collapse_spaces(value);
    if (path_[5] == "TYPE_STRUCTURE") structure_type_ = value;
  } else if (at({"BEE_ELEVES", "DONNEES", "STRUCTURES", "STRUCTURES_ELEVE", "STRUCTURE"})) {
    end_structure();
  }
  path_.pop_back();
  text_.clear();
}

// Order of the skips: left the school, then no INE; the division is only known at the end.
void SiecleReader::end_pupil() {
  if (!pupil_[Field::LeftDate].empty()) {
    ++skipped_[static_cast<std::size_t>(SkipReason::Left)];
  } else if (pupil_[Field::Ine].empty()) {
    ++skipped_[static_cast<std::size_t>(SkipReason::NoIne)];
  } else {
    pending_.push_back(check_pupil(pupil_));
  }
  pupil_ = RawPupil{};
}

void SiecleReader::end_structure() {
  if (structure_type_ != "D" || structure_code_.empty() ||
      equals_ignoring_case(structure_code_, "Inactifs")) {
    return;  // a group, or the placeholder division of inactive pupils
  }
  divisions_.try_emplace(structure_owner_, structure_code_);  // the first division wins
}

ParsedRoster SiecleReader::finish() {
  ParsedRoster result;
  if (uai_) result.uai = *uai_;
  if (!expected_uai_.empty()) {
    if (!uai_ || uai_->empty()) {
      result.errors.push_back(
          file_error(ErrorCode::UAI_MISMATCH, "no PARAMETRES/UAJ in the file", "UAJ"));
    } else if (!equals_ignoring_case(trim(*uai_), trim(expected_uai_))) {
      result.errors.push_back(file_error(
          ErrorCode::UAI_MISMATCH, "the file is for " + *uai_ + ", not " + expected_uai_, "UAJ"));
    }
  }
  const std::size_t file_errors = result.errors.size();
  std::unordered_set<std::string> seen;
  for (PendingPupil& pupil : pending_) {
    const auto division = divisions_.find(pupil.eleve_id);
    if (division == divisions_.end()) {
      ++skipped_[static_cast<std::size_t>(SkipReason::NoDivision)];
      continue;  // not imported: its own errors do not matter
    }
    pupil.entry.division = division->second;
    if (!seen.insert(pupil.entry.ine).second) {
      pupil.errors.push_back(RosterError{ErrorCode::DUPLICATE_INE,
                                         pupil.entry.ine,
                                         pupil.eleve_id,
                                         pupil.line,
                                         "ID_NATIONAL",
                                         {}});
    }
    if (pupil.errors.empty()) {
      result.entries.push_back(std::move(pupil.entry));
    } else {
      std::move(pupil.errors.begin(), pupil.errors.end(), std::back_inserter(result.errors));
    }
  }
  pending_.clear();
  result.skipped = skipped_;
  if (result.entries.empty() && result.errors.size() == file_errors && file_errors == 0) {
    result.errors.push_back(file_error(ErrorCode::EMPTY, "no importable pupil"));
  }
  return result;
}

constexpr const char* kNoDtd = "DTD and entities are refused";

void init_libxml2() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

namespace detail {

ParsedRoster parse_siecle_xml(Input& input, std::string_view expected_uai) {
  const auto encoding = supported_encoding(input.peek(kDetectBytes));
  if (!encoding) {
    return refused(file_error(ErrorCode::ENCODING_NOT_SUPPORTED,
                              "declared encoding: " + declared_encoding(input.peek(kDetectBytes))));
  }
  // Refused before libxml2 even reads the internal subset (where an entity bomb is declared);
  // a DOCTYPE further away than the look-ahead is still caught by the node check below.
  if (input.peek(kDetectBytes).find("<!DOCTYPE") != std::string_view::npos) {
    return refused(file_error(ErrorCode::INVALID_FILE, kNoDtd));
  }
  init_libxml2();
  XmlErrors errors;
  const XmlErrorCapture capture(errors);
  IoContext io{&input, {}, {}};
  // NONET: nothing is ever fetched; no NOENT / DTDLOAD / DTDATTR: no entity is substituted
  // and no DTD loaded. IGNORE_ENC with a forced encoding: what was checked is what is used.
  const int options =
      XML_PARSE_NONET | XML_PARSE_NOBLANKS | (encoding->empty() ? 0 : XML_PARSE_IGNORE_ENC);
  ReaderPtr reader(xmlReaderForIO(io_read, io_close, &io, nullptr,
                                  encoding->empty() ? nullptr : encoding->c_str(), options));
  if (!reader) return refused(file_error(ErrorCode::INVALID_FILE, "cannot start the XML reader"));
  xmlTextReaderSetStructuredErrorHandler(reader.get(), collect_xml_error, &errors);

  SiecleReader siecle(expected_uai);
  int status = 0;
  while ((status = xmlTextReaderRead(reader.get())) == 1) {
    const int type = xmlTextReaderNodeType(reader.get());
    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
        type == XML_READER_TYPE_ENTITY) {
      siecle.refusal() = file_error(ErrorCode::INVALID_FILE, kNoDtd);
      break;
    }
    if (type == XML_READER_TYPE_ELEMENT) {
      if (!siecle.on_start(reader.get(), view(xmlTextReaderConstName(reader.get())),
                           xmlTextReaderIsEmptyElement(reader.get()) == 1)) {
        break;
      }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      siecle.on_end();
    } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
               type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
      siecle.on_text(view(xmlTextReaderConstValue(reader.get())));
    }
  }
  reader.reset();
  if (io.failure) std::rethrow_exception(io.failure);
  input.finish();
  if (input.too_large()) {
    return refused(file_error(ErrorCode::FILE_TOO_LARGE, "unzipped size above the limit"));
  }
  if (siecle.refusal()) return refused(std::move(*siecle.refusal()));
  if (status != 0) {
    std::string detail = !io.read_error.empty()    ? io.read_error
                         : !errors.message.empty() ? errors.message
                                                   : "not well-formed XML";
    return refused(file_error(ErrorCode::INVALID_FILE, std::move(detail), {}, errors.line));
  }
  return siecle.finish();
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Sources

namespace {

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  std::size_t read(char* buffer, std::size_t size) override {
    const std::size_t n = std::min(size, bytes_.size());
    std::copy_n(bytes_.data(), n, buffer);
    bytes_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view bytes_;
};

class FileSource final : public ByteSource {
 public:
  explicit FileSource(std::ifstream stream) : stream_(std::move(stream)) {}
  std::size_t read(char* buffer, std::size_t size) override {
    stream_.read(buffer, static_cast<std::streamsize>(size));
    if (stream_.bad()) throw Error(ErrorCode::INVALID_FILE, "read error");
    return static_cast<std::size_t>(stream_.gcount());
  }

 private:
  std::ifstream stream_;
};

struct ZipDeleter {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipSourceDeleter {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};
struct ZipFileDeleter {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDeleter>;
using ZipSourcePtr = std::unique_ptr<zip_source_t, ZipSourceDeleter>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileDeleter>;

// Streams one zip entry. Owns the archive so that the entry outlives nothing it needs.
class ZipEntrySource final : public ByteSource {
 public:
  ZipEntrySource(ZipPtr archive, ZipFilePtr file)
      : archive_(std::move(archive)), file_(std::move(file)) {}
  std::size_t read(char* buffer, std::size_t size) override {
    const zip_int64_t n = zip_fread(file_.get(), buffer, size);
    if (n < 0) {
      throw Error(ErrorCode::INVALID_FILE,
                  std::string("zip entry unreadable: ") + zip_file_strerror(file_.get()));
    }
    return static_cast<std::size_t>(n);
  }

 private:
  ZipPtr archive_;  // declared first: destroyed after the entry
  ZipFilePtr file_;
};

// ---------------------------------------------------------------------------------------------
// Shape detection

enum class Shape { Empty, Zip, Xml, Utf16, Csv };

Shape detect_shape(std::string_view head) {
  if (head.empty()) return Shape::Empty;
  // Local file header, or the end-of-central-directory record of an empty archive.
  if (starts_with(head, std::string_view("PK\x03\x04", 4)) ||
      starts_with(head, std::string_view("PK\x05\x06", 4))) {
    return Shape::Zip;
  }
  if (starts_with(head, "\xFE\xFF") || starts_with(head, "\xFF\xFE")) return Shape::Utf16;
  if (starts_with(head, "\xEF\xBB\xBF")) head.remove_prefix(3);
  const auto first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Shape::Empty;
  return head[first] == '<' ? Shape::Xml : Shape::Csv;
}

ParsedRoster parse_detected(Input& input, std::string_view expected_uai,
                            const std::function<ParsedRoster()>& open_zip) try {
  switch (detect_shape(input.peek(kDetectBytes))) {
    case Shape::Empty: return refused(file_error(ErrorCode::EMPTY, "the file is empty"));
    case Shape::Zip: return open_zip();
    case Shape::Utf16:
      return refused(file_error(ErrorCode::ENCODING_NOT_SUPPORTED, "UTF-16 is not supported"));
    case Shape::Xml: return detail::parse_siecle_xml(input, expected_uai);
    case Shape::Csv: return detail::parse_roster_csv(input);
  }
  return refused(file_error(ErrorCode::INVALID_FILE, "unknown shape"));
} catch (const Error& error) {  // a read error of the file itself
  return refused(file_error(error.code(), error.detail()));
}

// ---------------------------------------------------------------------------------------------
// Zip archives

std::string zip_message(zip_error_t& error) {
  std::string message = zip_error_strerror(&error);
  zip_error_fini(&error);
  return message;
}

bool is_ignored_entry(std::string_view name) {
  if (name.empty() || name.back() == '/') return true;  // a directory
  if (starts_with(name, "__MACOSX/")) return true;      // macOS resource forks
  const auto slash = name.rfind('/');
  const auto base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  return base.empty() || base.front() == '.';  // hidden files, "._x.xml"
}

bool has_xml_extension(std::string_view name) {
  if (name.size() < 4) return false;
  std::string extension(name.substr(name.size() - 4));
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return extension == ".xml";
}

// The roster entry of the archive, or the error that refuses the archive.
ParsedRoster parse_zip(ZipPtr archive, std::string_view expected_uai, const ReadOptions& options) {
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  std::vector<zip_uint64_t> xml_entries;
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    const char* name = zip_get_name(archive.get(), index, ZIP_FL_ENC_GUESS);
    if (name == nullptr || is_ignored_entry(name) || !has_xml_extension(name)) continue;
    xml_entries.push_back(index);
  }
  if (xml_entries.size() != 1) {
    return refused(file_error(ErrorCode::INVALID_FILE,
                              "the zip archive must hold exactly one .xml file, it holds " +
                                  std::to_string(xml_entries.size())));
  }
  zip_stat_t stat;
  zip_stat_init(&stat);
  zip_uint64_t size = 0;
  if (zip_stat_index(archive.get(), xml_entries[0], 0, &stat) == 0 &&
      (stat.valid & ZIP_STAT_SIZE) != 0) {
    size = stat.size;
  }
  if (size > options.max_file_bytes) {
    return refused(file_error(ErrorCode::FILE_TOO_LARGE, "unzipped size " + std::to_string(size)));
  }
  ZipFilePtr file(zip_fopen_index(archive.get(), xml_entries[0], 0));
  if (!file) {
    return refused(file_error(ErrorCode::INVALID_FILE,
                              std::string("zip entry unreadable: ") + zip_strerror(archive.get())));
  }
  Input input(std::make_unique<ZipEntrySource>(std::move(archive), std::move(file)), size, options);
  const Shape shape = detect_shape(input.peek(kDetectBytes));
  if (shape != Shape::Xml) {
    return refused(file_error(ErrorCode::INVALID_FILE, "the zipped .xml file is not XML"));
  }
  return detail::parse_siecle_xml(input, expected_uai);
}

ParsedRoster open_zip_buffer(std::string_view bytes, std::string_view expected_uai,
                             const ReadOptions& options) {
  zip_error_t error;
  zip_error_init(&error);
  ZipSourcePtr source(zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error));
  if (!source) return refused(file_error(ErrorCode::INVALID_FILE, zip_message(error)));
  ZipPtr archive(zip_open_from_source(source.get(), ZIP_RDONLY, &error));
  if (!archive) return refused(file_error(ErrorCode::INVALID_FILE, zip_message(error)));
  source.release();  // now owned by the archive
  zip_error_fini(&error);
  return parse_zip(std::move(archive), expected_uai, options);
}

ParsedRoster open_zip_file(const std::filesystem::path& file, std::string_view expected_uai,
                           const ReadOptions& options) {
  int code = 0;
  ZipPtr archive(zip_open(file.c_str(), ZIP_RDONLY, &code));
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    return refused(file_error(ErrorCode::INVALID_FILE, zip_message(error)));
  }
  return parse_zip(std::move(archive), expected_uai, options);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Entry points

ParsedRoster read_roster(std::string_view bytes, std::string_view expected_uai,
                         const ReadOptions& options) {
  if (bytes.size() > options.max_file_bytes) {
    return refused(file_error(ErrorCode::FILE_TOO_LARGE, std::to_string(bytes.size()) + " bytes"));
  }
  Input input(std::make_unique<MemorySource>(bytes), bytes.size(), options);
  return parse_detected(input, expected_uai,
                        [&] { return open_zip_buffer(bytes, expected_uai, options); });
}

ParsedRoster read_roster_file(const std::filesystem::path& file, std::string_view expected_uai,
                              const ReadOptions& options) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) return refused(file_error(ErrorCode::INVALID_FILE, error.message()));
  if (size > options.max_file_bytes) {
    return refused(file_error(ErrorCode::FILE_TOO_LARGE, std::to_string(size) + " bytes"));
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return refused(file_error(ErrorCode::INVALID_FILE, "cannot open the file"));
  Input input(std::make_unique<FileSource>(std::move(stream)), size, options);
  return parse_detected(input, expected_uai,
                        [&] { return open_zip_file(file, expected_uai, options); });
}

}  // namespace inscrire
