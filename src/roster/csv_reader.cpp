// The CSV roster variant (schools without SIECLE): ';'-separated, a header row of exact column
// titles, UTF-8, windows-1252 or Mac Roman. Rules: docs/rules.md §R, docs/formats.md.
#include "roster/csv_reader.hpp"

#include "inscrire/limits.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "inscrire/birthdate.hpp"
#include "inscrire/text.hpp"
#include "roster/checks.hpp"
#include "roster/single_byte.hpp"

namespace inscrire::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// Encodings. Per-byte tables (single_byte.hpp) rather than a converter: an undefined
// windows-1252 byte must be seen as an error (ICU reads them as C1 controls).

enum class Encoding { Utf8, Windows1252, MacRoman };

// `raw` as UTF-8, or nothing when it is not valid in `encoding`.
std::optional<std::string> decode(std::string_view raw, Encoding encoding) {
  switch (encoding) {
    case Encoding::Utf8:
      if (!is_valid_utf8(raw)) return std::nullopt;
      return std::string(raw);
    case Encoding::Windows1252: return decode(SingleByte::Windows1252, raw);
    case Encoding::MacRoman: return decode(SingleByte::MacRoman, raw);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Records. Split on raw bytes: ';', '"', CR and LF are ASCII in all three encodings, so the
// split comes before decoding.

struct Record {
  int line = 0;  // physical line where the record starts (header = 1)
  std::vector<std::string> cells;
  bool blank() const {
    return std::all_of(cells.begin(), cells.end(),
                       [](const std::string& cell) { return trim(cell).empty(); });
  }
};

// A record of a roster holds 15 cells of at most 255 characters (4 bytes each at most): one
// longer than this is not a roster line, and reading stops there rather than holding it whole
// (a header of one 100 MiB cell would otherwise be read, copied and decoded whole).
constexpr std::size_t kMaxRecordBytes = std::size_t{64} * 1024;

class RecordReader {
 public:
  explicit RecordReader(Input& input) : input_(input) {}

  // The next record; false at the end of the input, or at a record over kMaxRecordBytes (then
  // overlong() is true and `record.line` is where it starts).
  bool next(Record& record);
  bool overlong() const noexcept { return overlong_; }

 private:
  int get();  // next byte, or -1 at the end
  int peek();

  Input& input_;
  std::array<char, 1 << 16> buffer_{};
  std::size_t pos_ = 0;
  std::size_t size_ = 0;
  int line_ = 1;
  bool overlong_ = false;
};

int RecordReader::peek() {
  if (pos_ == size_) {
    size_ = input_.read(buffer_.data(), buffer_.size());
    pos_ = 0;
    if (size_ == 0) return -1;
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

int RecordReader::get() {
  const int c = peek();
  if (c >= 0) ++pos_;
  return c;
}

// Quoted cells ("a;b", "say ""hi""") may hold ';' and line breaks. Lines end with LF, CRLF or a
// lone CR (classic Mac files). Text after a closing quote is kept as is.
bool RecordReader::next(Record& record) {
  record.line = line_;
  record.cells.assign(1, std::string());
  int c = get();
  if (c < 0) return false;
  bool quoted = false;
  bool cell_start = true;
  for (std::size_t bytes = 1; c >= 0; c = get(), ++bytes) {
    if (bytes > kMaxRecordBytes) {
      overlong_ = true;
      return false;
    }
    std::string& cell = record.cells.back();
    if (quoted) {
      if (c == '"' && peek() == '"') {
        get();
        cell.push_back('"');
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n' || (c == '\r' && peek() != '\n')) ++line_;
        cell.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == '"' && cell_start) {
      quoted = true;
      cell_start = false;
    } else if (c == ';') {
      record.cells.emplace_back();
      cell_start = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && peek() == '\n') get();
      ++line_;
      return true;
    } else {
      cell.push_back(static_cast<char>(c));
      // Spaces before an opening quote do not make the cell unquoted.
      cell_start = cell_start && (c == ' ' || c == '\t');
      if (cell_start) cell.clear();
    }
  }
  return true;  // the last line had no line break
}

// ---------------------------------------------------------------------------------------------
// Columns

enum class Column : std::size_t {
  Ine,
  FirstName,
  SecondName,
  ThirdName,
  LastName,
  UsageName,
  Sex,
  Birthdate,
  CityCode,
  CityName,
  Department,
  Country,
  Status,
  Mef,
  Division,
  Count
};
constexpr std::size_t kColumnCount = static_cast<std::size_t>(Column::Count);

// The exact titles, stars included: '*' required, '**' required when born in France. Every
// starred column must be in the header.
constexpr std::array<std::string_view, kColumnCount> kTitles = {"Identifiant unique*",
                                                                "Premier prénom*",
                                                                "Deuxième prénom",
                                                                "Troisième prénom",
                                                                "Nom de famille*",
                                                                "Nom d'usage",
                                                                "Code sexe*",
                                                                "Date de naissance (jj/mm/aaaa)*",
                                                                "Code commune naissance**",
                                                                "Libellé commune naissance**",
                                                                "Code département naissance*",
                                                                "Code pays naissance*",
                                                                "Statut*",
                                                                "Code MEF*",
                                                                "Division*"};

constexpr std::string_view kEncodingMarker = "Premier prénom*";
constexpr std::size_t kMaxFieldLength = 255;  // characters (code points)

std::string_view title(Column column) { return kTitles[static_cast<std::size_t>(column)]; }

bool is_required_in_header(std::string_view column_title) {
  return !column_title.empty() && column_title.back() == '*';
}

// Which column each cell of a line belongs to (nothing: ignored).
using Layout = std::vector<std::optional<Column>>;

std::optional<Encoding> detect_encoding(std::string_view header) {
  for (const Encoding encoding : {Encoding::Utf8, Encoding::Windows1252, Encoding::MacRoman}) {
    const auto text = decode(header, encoding);
    if (text && text->find(kEncodingMarker) != std::string::npos) return encoding;
  }
  // No marker anywhere: a UTF-8 (or ASCII) header is read as such and its columns reported.
  if (is_valid_utf8(header)) return Encoding::Utf8;
  return std::nullopt;
}

std::string join_raw(const std::vector<std::string>& cells) {
  std::string out;
  for (const auto& cell : cells) {
    if (!out.empty()) out.push_back(';');
    out += cell;
  }
  return out;
}

// Maps the header cells to columns; reports unknown, repeated and missing columns.
Layout read_header(const std::vector<std::string>& titles, std::vector<RosterError>& errors) {
  Layout layout;
  std::array<bool, kColumnCount> present{};
  for (const std::string& cell : titles) {
    const std::string_view name = trim(cell);
    const auto* const it = std::find(kTitles.begin(), kTitles.end(), name);
    if (name.empty()) {
      layout.emplace_back();  // trailing separators left by spreadsheets
    } else if (it == kTitles.end()) {
      // Quoted capped (docs/rules.md §6): a header cell can be a whole file's worth of bytes.
      errors.push_back(file_error(ErrorCode::HEADER_UNKNOWN, "unknown column", echo(name), 1));
      layout.emplace_back();
    } else if (present[static_cast<std::size_t>(it - kTitles.begin())]) {
      errors.push_back(file_error(ErrorCode::HEADER_UNKNOWN, "column repeated", echo(name), 1));
      layout.emplace_back();
    } else {
      present[static_cast<std::size_t>(it - kTitles.begin())] = true;
      layout.emplace_back(static_cast<Column>(it - kTitles.begin()));
    }
  }
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    if (!present[i] && is_required_in_header(kTitles[i])) {
      errors.push_back(
          file_error(ErrorCode::HEADER_REQUIRED, "missing column", std::string(kTitles[i]), 1));
    }
  }
  return layout;
}

// ---------------------------------------------------------------------------------------------
// Lines

std::size_t code_points(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// INSEE country code of a pupil born abroad or in France: 99 then 1-5 then two digits.
bool is_country_code(std::string_view code) {
  return code.size() == 5 && is_ascii_digits(code) && code.substr(0, 2) == "99" && code[2] >= '1' &&
         code[2] <= '5';
}

// INSEE commune code: five digits, or 2A/2B and three digits for Corsica.
bool is_commune_code(std::string_view code) {
  if (code.size() != 5) return false;
  if (is_ascii_digits(code)) return true;
  return code[0] == '2' && (code[1] == 'A' || code[1] == 'B' || code[1] == 'a' || code[1] == 'b') &&
         is_ascii_digits(code.substr(2));
}

class CsvReader {
 public:
  CsvReader(Encoding encoding, Layout layout) : encoding_(encoding), layout_(std::move(layout)) {}

  void read_line(const Record& record);
  ParsedRoster finish(std::vector<RosterError> file_errors);

 private:
  void fail(ErrorCode code, Column column, std::string detail = {}) {
    errors_.push_back(
        RosterError{code, echo(ine_), {}, line_, std::string(title(column)), std::move(detail)});
  }
  const std::string& value(Column column) const {
    return values_[static_cast<std::size_t>(column)];
  }
  void decode_cells(const Record& record);
  void check_names(RosterEntry& entry);
  void check_identity(RosterEntry& entry);
  void check_birth(RosterEntry& entry);
  void check_school(RosterEntry& entry);

  Encoding encoding_;
  Layout layout_;
  int line_ = 0;
  std::string ine_;
  bool ine_shaped_ = false;  // ine_ has the shape of an INE
  std::array<std::string, kColumnCount> values_;
  std::array<bool, kColumnCount> bad_{};  // already reported (undecodable, too long)
  std::unordered_set<std::string> seen_ids_;
  std::vector<RosterEntry> entries_;
  std::vector<RosterError> errors_;
};

// Decodes and trims every cell, reporting undecodable, overlong and extra cells.
void CsvReader::decode_cells(const Record& record) {
  values_ = {};
  bad_ = {};
  ine_.clear();
  line_ = record.line;
  for (std::size_t i = 0; i < record.cells.size(); ++i) {
    const std::optional<Column> column = i < layout_.size() ? layout_[i] : std::nullopt;
    if (!column) {
      if (i >= layout_.size() && !trim(record.cells[i]).empty()) {
        errors_.push_back(file_error(ErrorCode::INVALID_VALUE, "more cells than the header",
                                     "column " + std::to_string(i + 1), line_));
      }
      continue;
    }
    const auto index = static_cast<std::size_t>(*column);
    const auto text = decode(trim(record.cells[i]), encoding_);
    if (!text) {
      bad_[index] = true;
      fail(ErrorCode::ENCODING_NOT_SUPPORTED, *column, "bytes invalid in the file's encoding");
    } else if (code_points(*text) > kMaxFieldLength) {
      bad_[index] = true;
      fail(ErrorCode::FIELD_TOO_LONG, *column);
    } else {
      values_[index] = *text;
    }
  }
  if (!bad_[static_cast<std::size_t>(Column::Ine)]) {
    ine_ = value(Column::Ine);
    ine_shaped_ = canonicalise_ine(ine_);
  }
  // The errors of this line pushed above were made before the INE was known.
  for (auto it = errors_.rbegin(); it != errors_.rend() && it->line == line_; ++it) {
    it->ine = echo(ine_);
  }
}

void CsvReader::check_names(RosterEntry& entry) {
  const auto name = [&](Column column, bool required, std::string& out) {
    if (bad_[static_cast<std::size_t>(column)]) return;
    out = value(column);
    const auto code = check_name(out, required);
    if (!code) return;
    // NAME_REQUIRED is the CSV's FIELD_REQUIRED; FIELD_TOO_LONG (over 100 characters) and
    // INVALID_NAME_CHARACTERS as they are.
    fail(*code == ErrorCode::NAME_REQUIRED ? ErrorCode::FIELD_REQUIRED : *code, column);
  };
  name(Column::FirstName, true, entry.first_name);
  name(Column::SecondName, false, entry.second_name);
  name(Column::ThirdName, false, entry.third_name);
  name(Column::LastName, true, entry.last_name);
  name(Column::UsageName, false, entry.usage_name);
}

// The id (INE_REQUIRED, DUPLICATE_ID) and the sex.
void CsvReader::check_identity(RosterEntry& entry) {
  entry.ine = ine_;
  if (!bad_[static_cast<std::size_t>(Column::Ine)]) {
    if (ine_.empty()) {
      fail(ErrorCode::INE_REQUIRED, Column::Ine);
    } else if (!ine_shaped_) {
      fail(ErrorCode::INVALID_VALUE, Column::Ine, kIneShape);
    } else if (!seen_ids_.insert(ine_).second) {
      fail(ErrorCode::DUPLICATE_ID, Column::Ine);
    }
  }
  if (bad_[static_cast<std::size_t>(Column::Sex)]) return;
  const std::string sex = lower_ascii(value(Column::Sex));
  if (sex.empty()) {
    fail(ErrorCode::FIELD_REQUIRED, Column::Sex);
  } else if (sex == "masculin") {
    entry.sex = Sex::Male;
  } else if (sex == "féminin" || sex == "fÉminin") {  // lower_ascii leaves É alone
    entry.sex = Sex::Female;
  } else {
    fail(ErrorCode::INVALID_VALUE, Column::Sex, value(Column::Sex));
  }
}

// Birth date, country, commune, department.
void CsvReader::check_birth(RosterEntry& entry) {
  const auto ok = [&](Column column) { return !bad_[static_cast<std::size_t>(column)]; };
  const std::string& date = value(Column::Birthdate);
  if (!ok(Column::Birthdate)) {
  } else if (date.empty()) {
    fail(ErrorCode::FIELD_REQUIRED, Column::Birthdate);
  } else if (!is_french_date_shape(date)) {
    fail(ErrorCode::INVALID_DATE, Column::Birthdate, date);
  } else {
    try {
      entry.birthdate = BirthDate::parse(date);
    } catch (const Error& error) {
      fail(ErrorCode::INVALID_DATE, Column::Birthdate, std::string(code_name(error.code())));
    }
  }
  entry.birth_country_code = value(Column::Country);
  entry.birth_city_code = value(Column::CityCode);
  entry.birth_city_name = value(Column::CityName);
  entry.birth_department_code = value(Column::Department);
  if (!ok(Column::Country)) {
  } else if (entry.birth_country_code.empty()) {
    fail(ErrorCode::FIELD_REQUIRED, Column::Country);
  } else if (!is_country_code(entry.birth_country_code)) {
    fail(ErrorCode::INVALID_INSEE_CODE, Column::Country, entry.birth_country_code);
  }
  const bool france = entry.birth_country_code == "99100";
  if (!ok(Column::CityCode)) {
  } else if (entry.birth_city_code.empty()) {
    if (france) fail(ErrorCode::BIRTH_CITY_CODE_REQUIRED, Column::CityCode);
  } else if (!is_commune_code(entry.birth_city_code)) {
    fail(ErrorCode::INVALID_INSEE_CODE, Column::CityCode, entry.birth_city_code);
  }
  if (france && ok(Column::CityName) && entry.birth_city_name.empty()) {
    fail(ErrorCode::FIELD_REQUIRED, Column::CityName);
  }
  if (ok(Column::Department) && entry.birth_department_code.empty()) {
    fail(ErrorCode::FIELD_REQUIRED, Column::Department);
  }
}

// Status, MEF, division.
void CsvReader::check_school(RosterEntry& entry) {
  const auto ok = [&](Column column) { return !bad_[static_cast<std::size_t>(column)]; };
  entry.status = value(Column::Status);
  if (!ok(Column::Status)) {
  } else if (entry.status.empty()) {
    fail(ErrorCode::FIELD_REQUIRED, Column::Status);
  } else if (entry.status != "ST" && entry.status != "AP") {
    fail(ErrorCode::INVALID_VALUE, Column::Status, entry.status);
  }
  entry.mef_code = value(Column::Mef);
  if (ok(Column::Mef) && entry.mef_code.empty()) fail(ErrorCode::FIELD_REQUIRED, Column::Mef);
  entry.division = collapse_spaces(value(Column::Division));
  if (!ok(Column::Division)) {
  } else if (entry.division.empty()) {
    fail(ErrorCode::FIELD_REQUIRED, Column::Division);
  } else if (const auto code = check_division(entry.division)) {
    fail(*code, Column::Division);
  }
  for (const Column column : {Column::Country, Column::CityCode, Column::CityName,
                              Column::Department, Column::Status, Column::Mef}) {
    if (ok(column) && has_control_characters(value(column))) fail(ErrorCode::INVALID_VALUE, column);
  }
}

void CsvReader::read_line(const Record& record) {
  const std::size_t before = errors_.size();
  decode_cells(record);
  RosterEntry entry;
  check_identity(entry);
  check_names(entry);
  check_birth(entry);
  check_school(entry);
  if (errors_.size() == before) entries_.push_back(std::move(entry));
}

ParsedRoster CsvReader::finish(std::vector<RosterError> file_errors) {
  ParsedRoster result;
  result.entries = std::move(entries_);
  result.errors = std::move(file_errors);
  std::move(errors_.begin(), errors_.end(), std::back_inserter(result.errors));
  if (result.entries.empty() && result.errors.empty()) {
    result.errors.push_back(file_error(ErrorCode::EMPTY, "no pupil line"));
  }
  return result;
}

RosterError overlong_record(int line) {
  return file_error(ErrorCode::INVALID_FILE,
                    "a line of over " + std::to_string(kMaxRecordBytes) + " bytes", {}, line);
}

}  // namespace

ParsedRoster parse_roster_csv(Input& input) {
  RecordReader records(input);
  Record header;
  bool found = false;
  while (!found && records.next(header)) found = !header.blank();
  if (input.too_large()) return refused(file_error(ErrorCode::FILE_TOO_LARGE, "above the limit"));
  if (records.overlong()) return refused(overlong_record(header.line));
  if (!found) return refused(file_error(ErrorCode::EMPTY, "no header and no pupil"));
  std::string& first = header.cells.front();
  const bool bom = first.rfind("\xEF\xBB\xBF", 0) == 0;
  if (bom) first.erase(0, 3);
  const auto encoding =
      bom ? std::optional(Encoding::Utf8) : detect_encoding(join_raw(header.cells));
  if (!encoding) {
    return refused(file_error(ErrorCode::ENCODING_NOT_SUPPORTED,
                              "the header is not UTF-8, windows-1252 or Mac Roman", {},
                              header.line));
  }
  std::vector<std::string> titles;
  for (const auto& cell : header.cells) titles.push_back(decode(cell, *encoding).value_or(""));
  std::vector<RosterError> file_errors;
  Layout layout = read_header(titles, file_errors);
  for (auto& error : file_errors) error.line = header.line;
  const bool columns_missing =
      std::any_of(file_errors.begin(), file_errors.end(),
                  [](const RosterError& e) { return e.code == ErrorCode::HEADER_REQUIRED; });
  if (columns_missing) return ParsedRoster{{}, {}, {}, std::move(file_errors)};

  CsvReader reader(*encoding, std::move(layout));
  Record record;
  while (records.next(record)) {
    if (!record.blank()) reader.read_line(record);
  }
  if (records.overlong()) return refused(overlong_record(record.line));
  input.finish();
  if (input.too_large()) return refused(file_error(ErrorCode::FILE_TOO_LARGE, "above the limit"));
  return reader.finish(std::move(file_errors));
}

}  // namespace inscrire::detail
