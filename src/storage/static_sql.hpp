// SQL text whose address never changes: the engines cache a prepared statement per SQL text and
// key the cache by that address (src/sqlite/sqlite.hpp, src/postgresql/libpq.hpp). A string
// built at run time and then freed, or rebuilt at another address, would find a stale statement
// or fill the cache without end, so prepare() takes only this type: a string literal, checked by
// the compiler, or a built string handed over for the life of the process.
#pragma once

#include <cstddef>
#include <forward_list>
#include <mutex>
#include <string>

namespace inscrire::storage {

class StaticSql {
 public:
  // A string literal (the implicit conversion is the point: prepare("SELECT ...")).
  template <std::size_t N>
  consteval StaticSql(const char (&text)[N]) noexcept  // NOLINT(google-explicit-constructor)
      : text_(text) {}

  // SQL made at run time (an IN list of a given length), kept until the process ends: hold the
  // result in a static, as `static const auto sql = StaticSql::keep(...)`.
  static StaticSql keep(std::string text);

  const char* c_str() const noexcept { return text_; }

 private:
  explicit StaticSql(const char* text, int /*kept*/) noexcept : text_(text) {}
  const char* text_;
};

inline StaticSql StaticSql::keep(std::string text) {
  // Kept until exit: the address is a cache key in every connection that prepared it. A list,
  // because its nodes (and so the strings' buffers) never move when another is added.
  static std::mutex guard;
  static std::forward_list<std::string> kept;
  const std::lock_guard lock(guard);
  return StaticSql(kept.emplace_front(std::move(text)).c_str(), 0);
}

}  // namespace inscrire::storage
