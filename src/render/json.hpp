// A minimal JSON value for the CLI's --json output and the learner export: objects keep their
// insertion order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace inscrire {

// Text that already is JSON, embedded as is.
struct RawJson {
  std::string text;
};

class Json {
 public:
  using Object = std::vector<std::pair<std::string, Json>>;
  using Array = std::vector<Json>;

  Json() : value_(nullptr) {}
  Json(std::nullptr_t) : value_(nullptr) {}
  Json(bool value) : value_(value) {}
  Json(int value) : value_(static_cast<std::int64_t>(value)) {}
  Json(std::int64_t value) : value_(value) {}
  Json(std::string value) : value_(std::move(value)) {}
  Json(std::string_view value) : value_(std::string(value)) {}
  Json(const char* value) : value_(std::string(value)) {}
  Json(Object value) : value_(std::move(value)) {}
  Json(Array value) : value_(std::move(value)) {}
  Json(RawJson value) : value_(std::move(value)) {}

  static Json object() { return Json(Object{}); }
  static Json array() { return Json(Array{}); }

  // For objects: appends (or replaces) a field. Returns *this for chaining.
  Json& set(std::string key, Json value);
  // For objects: removes a field, if there. Returns *this for chaining.
  Json& erase(std::string_view key);
  // For objects: appends every field of another object.
  Json& merge(const Json& other);
  // For arrays: appends an element.
  Json& push(Json value);

  std::string dump() const;

 private:
  void write(std::string& out) const;
  std::variant<std::nullptr_t, bool, std::int64_t, std::string, Object, Array, RawJson> value_;
};

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace inscrire
