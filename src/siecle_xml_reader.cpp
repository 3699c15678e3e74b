// The former SIECLE XML reader, on libxml2's pull reader (xmlTextReader), kept only until the
// SAX reader (siecle_xml.cpp) is shown to agree with it (test_roster_files). It read from a
// stream, never as a DOM. Rules: siecle.md, docs/formats.md.
#include "siecle_xml.hpp"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlversion.h>

#include <algorithm>
#include <array>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"
#include "inscrire/text.hpp"
#include "roster_checks.hpp"

namespace inscrire::detail {
namespace {

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
  return out;
}

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

// The name to hand libxml2 for a supported encoding ("" for UTF-8, which it detects itself,
// byte order mark included), nothing for any other.
std::optional<std::string> supported_encoding(std::string_view head) {
  const bool bom = head.starts_with("\xEF\xBB\xBF");
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

// Hands every node to `siecle` until the end (0), a parse error (-1) or a refusal (1, with
// siecle.refusal() set).
int read_nodes(xmlTextReader* reader, SiecleReader& siecle) {
  int status = 0;
  while ((status = xmlTextReaderRead(reader)) == 1) {
    const int type = xmlTextReaderNodeType(reader);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
        type == XML_READER_TYPE_ENTITY) {
      siecle.refusal() = file_error(ErrorCode::INVALID_FILE, kNoDtd);
      break;
    }
    if (type == XML_READER_TYPE_ELEMENT) {
      if (!siecle.on_start(reader, view(xmlTextReaderConstName(reader)),
                           xmlTextReaderIsEmptyElement(reader) == 1)) {
        break;
      }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      siecle.on_end();
    } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
               type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
      siecle.on_text(view(xmlTextReaderConstValue(reader)));
    }
  }
  return status;
}

}  // namespace

ParsedRoster parse_siecle_xml_with_reader(Input& input, std::string_view expected_uai) {
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
  const int status = read_nodes(reader.get(), siecle);
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

}  // namespace inscrire::detail
