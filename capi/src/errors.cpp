// Errors, version and library-owned strings: the thread-local error state every shim writes
// through the guard (internal.hpp), and its accessors.
#include <atomic>

#include "inscrire/text.hpp"
#include "internal.hpp"

namespace inscrire::capi {
namespace {

// The outcome of the calling thread's last fallible call.
struct LastError {
  int code = INSCRIRE_OK;
  std::string message;
  std::string masked_username;
  int remaining_attempts = -1;
  std::int64_t retry_after = 0;
};

thread_local LastError last_error;

std::atomic<int> process_language{static_cast<int>(Language::French)};

bool is_language(int language) noexcept {
  return language == INSCRIRE_LANGUAGE_FRENCH || language == INSCRIRE_LANGUAGE_ENGLISH;
}

// The ErrorCode of a C number, if it is one.
std::optional<ErrorCode> from_c(int code) noexcept {
  const auto codes = all_error_codes();
  if (code >= 0 || static_cast<std::size_t>(-(code + 1)) >= codes.size()) return std::nullopt;
  return codes[static_cast<std::size_t>(-(code + 1))];
}

// Starts a fresh error state; the strings keep their capacity, so this does not allocate.
LastError& reset(int code) noexcept {
  auto& state = last_error;
  state.code = code;
  state.message.clear();
  state.masked_username.clear();
  state.remaining_attempts = -1;
  state.retry_after = 0;
  return state;
}

// The message, or nothing if even that cannot be allocated: inscrire_error_last then falls
// back to the code's static sentence.
void set_message(LastError& state, const std::string& message) noexcept {
  try {
    state.message = message;
  } catch (...) {
    state.message.clear();
  }
}

// The extra facts some errors carry (service.hpp), kept for the accessors.
void keep_details(LastError& state, const Error& error) noexcept {
  if (const auto* login = dynamic_cast<const LoginError*>(&error)) {
    state.remaining_attempts = login->remaining_attempts().value_or(-1);
    state.retry_after = login->retry_after_seconds();
  } else if (const auto* throttled = dynamic_cast<const ThrottledError*>(&error)) {
    state.retry_after = throttled->retry_after_seconds();
  } else if (const auto* refused = dynamic_cast<const MatchRefused*>(&error)) {
    try {
      state.masked_username = refused->masked_username();
    } catch (...) {
      state.masked_username.clear();
    }
  }
}

}  // namespace

Language language_for(const inscrire_db* db) noexcept {
  if (db != nullptr && db->language) return *db->language;
  return static_cast<Language>(process_language.load(std::memory_order_relaxed));
}

Language language_for(const inscrire_options* options) noexcept {
  if (options != nullptr && options->language) return *options->language;
  return language_for(static_cast<const inscrire_db*>(nullptr));
}

int record_success() noexcept { return reset(INSCRIRE_OK).code; }

int record_error(const Error& error, Language language) noexcept {
  auto& state = reset(to_c(error.code()));
  try {
    set_message(state, error.message(language));
  } catch (...) {
    state.message.clear();
  }
  keep_details(state, error);
  return state.code;
}

int record_failure(ErrorCode code, const char* detail, Language language) noexcept {
  auto& state = reset(to_c(code));
  try {
    set_message(state, std::string(describe(code, language)) + " " + detail);
  } catch (...) {
    state.message.clear();
  }
  return state.code;
}

std::string_view text(const char* value, const char* name) {
  const std::string_view view(require(value, name));
  if (!is_valid_utf8(view)) {
    throw Error(ErrorCode::INVALID_UTF8, std::string("(") + name + ")");
  }
  return view;
}

std::string_view text_or(const char* value, const char* name, std::string_view fallback) {
  return value == nullptr ? fallback : text(value, name);
}

std::optional<std::string> optional_text(const char* value, const char* name) {
  if (value == nullptr) return std::nullopt;
  return std::string(text(value, name));
}

char* library_string(std::string_view value) {
  auto* copy = static_cast<char*>(std::malloc(value.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, value.data(), value.size());
  copy[value.size()] = '\0';
  return copy;
}

}  // namespace inscrire::capi

using namespace inscrire;
using namespace inscrire::capi;

extern "C" {

unsigned inscrire_version_number(void) { return INSCRIRE_VERSION_NUMBER; }

const char* inscrire_version_string(void) { return INSCRIRE_VERSION_STRING; }

const char* inscrire_error_code_name(int code) {
  if (code == INSCRIRE_OK) return "OK";
  const auto known = from_c(code);
  // code_name() views a string literal, so data() is NUL-terminated.
  return known ? code_name(*known).data() : nullptr;
}

const char* inscrire_error_describe(int code, int language) {
  const auto known = from_c(code);
  if (!known || !is_language(language)) return nullptr;
  return describe(*known, static_cast<Language>(language)).data();
}

int inscrire_error_last(const char** code_name, const char** message) {
  const auto& state = last_error;
  if (code_name != nullptr) *code_name = inscrire_error_code_name(state.code);
  if (message != nullptr) {
    *message = state.message.empty() && state.code != INSCRIRE_OK
                   ? inscrire_error_describe(state.code, INSCRIRE_LANGUAGE_ENGLISH)
                   : state.message.c_str();
  }
  return state.code;
}

const char* inscrire_error_last_masked_username(void) {
  const auto& masked = last_error.masked_username;
  return masked.empty() ? nullptr : masked.c_str();
}

int inscrire_error_last_remaining_attempts(void) { return last_error.remaining_attempts; }

int64_t inscrire_error_last_retry_after(void) { return last_error.retry_after; }

void inscrire_error_clear(void) { reset(INSCRIRE_OK); }

int inscrire_set_language(int language) {
  return guard(nullptr, [&] {
    if (!is_language(language)) throw Error(ErrorCode::INVALID_ARGUMENT, "unknown language");
    process_language.store(language, std::memory_order_relaxed);
  });
}

void inscrire_string_free(char* string) { std::free(string); }

size_t inscrire_string_list_count(const inscrire_string_list* list) {
  return list == nullptr ? 0 : list->strings.size();
}
const char* inscrire_string_list_get(const inscrire_string_list* list, size_t index) {
  return at(list == nullptr ? nullptr : &list->strings, index,
            [](const std::string& value) -> const std::string& { return value; });
}
void inscrire_string_list_free(inscrire_string_list* list) { delete list; }

}  // extern "C"
