// Internal to the password files: a password as it is checked and hashed (NFC), and secrets
// wiped from memory when they go away.
#pragma once

#include <openssl/crypto.h>

#include <string>
#include <string_view>
#include <utility>

namespace inscrire::detail {

// A container whose bytes are wiped when it goes away, so a password or its normalised copy
// does not linger in freed heap memory.
template <typename Container>
struct Wiped {
  Container value;

  Wiped() = default;
  explicit Wiped(Container initial) : value(std::move(initial)) {}
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  ~Wiped() { OPENSSL_cleanse(value.data(), value.size() * sizeof(typename Container::value_type)); }
};

constexpr bool is_ascii_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The password as it is checked and hashed: NFC when it is valid UTF-8 not already in NFC,
// otherwise the bytes given. Not copyable: `view_` may point into `normalized_`.
class PasswordText {
 public:
  explicit PasswordText(std::string_view raw);
  PasswordText(const PasswordText&) = delete;
  PasswordText& operator=(const PasswordText&) = delete;

  [[nodiscard]] std::string_view view() const noexcept { return view_; }
  // True when view() differs from the bytes given.
  [[nodiscard]] bool changed() const noexcept { return changed_; }

 private:
  Wiped<std::string> normalized_;
  std::string_view view_;
  bool changed_ = false;
};

}  // namespace inscrire::detail
