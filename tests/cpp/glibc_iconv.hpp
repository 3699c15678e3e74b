// glibc's iconv, from a single-byte encoding to UTF-8: the converter libxml2 opened for the XML
// reader before the tables of src/roster/single_byte.hpp replaced it, and so the reference they
// are checked against (tests/cpp/test_single_byte.cpp, tests/fuzz/fuzz_single_byte.cpp).
#pragma once

#include <iconv.h>

#include <cerrno>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace inscrire::testing {

// What iconv made of some bytes: `utf8` from the first `read` of them, and whether it refused
// the byte at `read` (EILSEQ: the encoding does not define it).
struct IconvResult {
  std::string utf8;
  std::size_t read = 0;
  bool refused = false;
};

class GlibcIconv {
 public:
  explicit GlibcIconv(std::string_view charset)
      : converter_(iconv_open("UTF-8", std::string(charset).c_str())) {
    if (converter_ == reinterpret_cast<iconv_t>(-1)) {
      throw std::runtime_error("iconv cannot convert from " + std::string(charset));
    }
  }
  ~GlibcIconv() { iconv_close(converter_); }
  GlibcIconv(const GlibcIconv&) = delete;
  GlibcIconv& operator=(const GlibcIconv&) = delete;

  // `in` converted until its end or the first byte iconv refuses.
  IconvResult to_utf8(std::string_view in) {
    iconv(converter_, nullptr, nullptr, nullptr, nullptr);  // a fresh state for each input
    IconvResult result;
    std::string out(in.size() * 4 + 4, '\0');  // no character of these encodings takes more
    // iconv's signature takes the input as char** although it does not write it.
    char* from = const_cast<char*>(in.data());
    std::size_t from_left = in.size();
    char* to = out.data();
    std::size_t to_left = out.size();
    const std::size_t status = iconv(converter_, &from, &from_left, &to, &to_left);
    if (status == static_cast<std::size_t>(-1)) {
      if (errno != EILSEQ) throw std::runtime_error("iconv failed otherwise than on a byte");
      result.refused = true;
    }
    result.read = in.size() - from_left;
    out.resize(out.size() - to_left);
    result.utf8 = std::move(out);
    return result;
  }

 private:
  iconv_t converter_;
};

}  // namespace inscrire::testing
