#include "render/json.hpp"

#include <array>
#include <cstdio>

namespace inscrire {

Json& Json::set(std::string key, Json value) {
  auto& fields = std::get<Object>(value_);
  for (auto& [name, existing] : fields) {
    if (name == key) {
      existing = std::move(value);
      return *this;
    }
  }
  fields.emplace_back(std::move(key), std::move(value));
  return *this;
}

Json& Json::erase(std::string_view key) {
  std::erase_if(std::get<Object>(value_), [&](const auto& field) { return field.first == key; });
  return *this;
}

Json& Json::merge(const Json& other) {
  for (const auto& [name, value] : std::get<Object>(other.value_)) set(name, value);
  return *this;
}

Json& Json::push(Json value) {
  std::get<Array>(value_).push_back(std::move(value));
  return *this;
}

std::string Json::dump() const {
  std::string out;
  write(out);
  return out;
}

void Json::write(std::string& out) const {
  struct Writer {
    std::string& out;
    void operator()(std::nullptr_t) const { out += "null"; }
    void operator()(bool value) const { out += value ? "true" : "false"; }
    void operator()(std::int64_t value) const { out += std::to_string(value); }
    void operator()(const std::string& value) const { out += json_quote(value); }
    void operator()(const RawJson& value) const { out += value.text; }
    void operator()(const Object& fields) const {
      out += '{';
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ", ";
        out += json_quote(fields[i].first);
        out += ": ";
        fields[i].second.write(out);
      }
      out += '}';
    }
    void operator()(const Array& items) const {
      out += '[';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ", ";
        items[i].write(out);
      }
      out += ']';
    }
  };
  std::visit(Writer{out}, value_);
}

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          std::array<char, 8> escaped{};
          std::snprintf(escaped.data(), escaped.size(), "\\u%04x", c);
          out += escaped.data();
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace inscrire
