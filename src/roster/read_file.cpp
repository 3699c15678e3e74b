// Reading a roster file of any format: the shape is detected by content, never by name, then
// the reader of that shape runs (docs/formats.md, "Detection").
#include "inscrire/roster_file.hpp"

#include <fstream>
#include <functional>
#include <string>
#include <utility>

#include "inscrire/error.hpp"
#include "roster/checks.hpp"
#include "roster/csv_reader.hpp"
#include "roster/input.hpp"
#include "roster/siecle_xml.hpp"
#include "roster/zip.hpp"

namespace inscrire {
namespace {

using detail::file_error;
using detail::Input;
using detail::kDetectBytes;
using detail::refused;
using detail::ZipEntry;

enum class Shape { Empty, Zip, Xml, Utf16, Csv };

Shape detect_shape(std::string_view head) {
  if (head.empty()) return Shape::Empty;
  // Local file header, or the end-of-central-directory record of an empty archive.
  if (head.starts_with(std::string_view("PK\x03\x04", 4)) ||
      head.starts_with(std::string_view("PK\x05\x06", 4))) {
    return Shape::Zip;
  }
  if (head.starts_with("\xFE\xFF") || head.starts_with("\xFF\xFE")) return Shape::Utf16;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  const auto first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Shape::Empty;
  return head[first] == '<' ? Shape::Xml : Shape::Csv;
}

// The one .xml entry of an archive must be SIECLE XML (docs/formats.md, "Zip").
ParsedRoster read_zipped(ZipEntry entry, std::string_view expected_uai,
                         const ReadOptions& options) {
  if (entry.refusal) return refused(std::move(*entry.refusal));
  Input input(std::move(entry.source), entry.size, options);
  if (detect_shape(input.peek(kDetectBytes)) != Shape::Xml) {
    return refused(file_error(ErrorCode::INVALID_FILE, "the zipped .xml file is not XML"));
  }
  return detail::parse_siecle_xml(input, expected_uai);
}

// `open_zip` opens the same bytes as an archive: libzip reads from its own source, not `input`.
ParsedRoster read_detected(Input& input, std::string_view expected_uai, const ReadOptions& options,
                           const std::function<ZipEntry()>& open_zip) try {
  switch (detect_shape(input.peek(kDetectBytes))) {
    case Shape::Empty: return refused(file_error(ErrorCode::EMPTY, "the file is empty"));
    case Shape::Zip: return read_zipped(open_zip(), expected_uai, options);
    case Shape::Utf16:
      return refused(file_error(ErrorCode::ENCODING_NOT_SUPPORTED, "UTF-16 is not supported"));
    case Shape::Xml: return detail::parse_siecle_xml(input, expected_uai);
    case Shape::Csv: return detail::parse_roster_csv(input);
  }
  return refused(file_error(ErrorCode::INVALID_FILE, "unknown shape"));
} catch (const Error& error) {  // a read error of the file itself
  return refused(file_error(error.code(), error.detail()));
}

}  // namespace

ParsedRoster read_roster(std::string_view bytes, std::string_view expected_uai,
                         const ReadOptions& options) {
  if (bytes.size() > options.max_file_bytes) {
    return refused(file_error(ErrorCode::FILE_TOO_LARGE, std::to_string(bytes.size()) + " bytes"));
  }
  Input input(std::make_unique<detail::MemorySource>(bytes), bytes.size(), options);
  return read_detected(input, expected_uai, options,
                       [&] { return detail::open_zip_entry(bytes, options.max_file_bytes); });
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
  Input input(std::make_unique<detail::FileSource>(std::move(stream)), size, options);
  return read_detected(input, expected_uai, options,
                       [&] { return detail::open_zip_entry(file, options.max_file_bytes); });
}

}  // namespace inscrire
