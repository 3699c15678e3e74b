// A roster sent as a zip archive (SIECLE exports are often zipped): finding its one .xml entry
// and streaming it with libzip, never unzipped to disk or to memory as a whole.
#include "roster/zip.hpp"

#include <zip.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "inscrire/error.hpp"
#include "inscrire/text.hpp"
#include "roster/checks.hpp"

namespace inscrire::detail {
namespace {

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

ZipEntry refused_archive(std::string detail) {
  return ZipEntry{nullptr, 0, file_error(ErrorCode::INVALID_FILE, std::move(detail))};
}

std::string zip_message(zip_error_t& error) {
  std::string message = zip_error_strerror(&error);
  zip_error_fini(&error);
  return message;
}

bool is_ignored_entry(std::string_view name) {
  if (name.empty() || name.back() == '/') return true;  // a directory
  if (name.starts_with("__MACOSX/")) return true;       // macOS resource forks
  const auto slash = name.rfind('/');
  const auto base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  return base.empty() || base.front() == '.';  // hidden files, "._x.xml"
}

bool has_xml_extension(std::string_view name) {
  if (name.size() < 4) return false;
  return lower_ascii(name.substr(name.size() - 4)) == ".xml";
}

// The .xml entries of the archive, whatever else it holds.
std::vector<zip_uint64_t> xml_entries(zip_t* archive) {
  const zip_int64_t count = zip_get_num_entries(archive, 0);
  std::vector<zip_uint64_t> entries;
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    const char* name = zip_get_name(archive, index, ZIP_FL_ENC_GUESS);
    if (name == nullptr || is_ignored_entry(name) || !has_xml_extension(name)) continue;
    entries.push_back(index);
  }
  return entries;
}

// The unzipped size the archive records for entry `index`; 0 when it records none.
zip_uint64_t recorded_size(zip_t* archive, zip_uint64_t index) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive, index, 0, &stat) == 0 && (stat.valid & ZIP_STAT_SIZE) != 0) {
    return stat.size;
  }
  return 0;
}

ZipEntry open_roster_entry(ZipPtr archive, std::uint64_t max_bytes) {
  const auto entries = xml_entries(archive.get());
  if (entries.size() != 1) {
    return refused_archive("the zip archive must hold exactly one .xml file, it holds " +
                           std::to_string(entries.size()));
  }
  const zip_uint64_t size = recorded_size(archive.get(), entries[0]);
  if (size > max_bytes) {
    return ZipEntry{nullptr, 0,
                    file_error(ErrorCode::FILE_TOO_LARGE, "unzipped size " + std::to_string(size))};
  }
  ZipFilePtr file(zip_fopen_index(archive.get(), entries[0], 0));
  if (!file) {
    return refused_archive(std::string("zip entry unreadable: ") + zip_strerror(archive.get()));
  }
  return ZipEntry{std::make_unique<ZipEntrySource>(std::move(archive), std::move(file)), size, {}};
}

}  // namespace

ZipEntry open_zip_entry(std::string_view archive, std::uint64_t max_bytes) {
  zip_error_t error;
  zip_error_init(&error);
  ZipSourcePtr source(zip_source_buffer_create(archive.data(), archive.size(), 0, &error));
  if (!source) return refused_archive(zip_message(error));
  ZipPtr opened(zip_open_from_source(source.get(), ZIP_RDONLY, &error));
  if (!opened) return refused_archive(zip_message(error));
  static_cast<void>(source.release());  // now owned by the archive
  zip_error_fini(&error);
  return open_roster_entry(std::move(opened), max_bytes);
}

ZipEntry open_zip_entry(const std::filesystem::path& archive, std::uint64_t max_bytes) {
  int code = 0;
  ZipPtr opened(zip_open(archive.c_str(), ZIP_RDONLY, &code));
  if (!opened) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    return refused_archive(zip_message(error));
  }
  return open_roster_entry(std::move(opened), max_bytes);
}

}  // namespace inscrire::detail
