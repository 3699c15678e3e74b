#include "inscrire/password.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "inscrire/error.hpp"
#include "inscrire/random.hpp"
#include "inscrire/text.hpp"
#include "password_internal.hpp"

namespace inscrire {
namespace {

// ---------------------------------------------------------------------------------------------
// Secrets in memory

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

bool is_ascii(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

const UNormalizer2* nfc_normalizer() {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2* nfc = unorm2_getNFCInstance(&status);
  if (U_FAILURE(status)) throw Error(ErrorCode::INTERNAL_ERROR, "ICU NFC data unavailable");
  return nfc;
}

// NFC of valid UTF-8 `text` into `out`; false (and `out` untouched) when `text` is already
// NFC or cannot be converted, in which case the bytes are used as they are.
bool to_nfc(std::string_view text, std::string& out) {
  if (is_ascii(text) || text.size() > INT32_MAX / 4) return false;
  const UNormalizer2* nfc = nfc_normalizer();
  UErrorCode status = U_ZERO_ERROR;
  Wiped<std::vector<UChar>> utf16;
  utf16.value.resize(text.size());  // UTF-16 never needs more units than UTF-8 has bytes
  int32_t length = 0;
  u_strFromUTF8(utf16.value.data(), static_cast<int32_t>(utf16.value.size()), &length, text.data(),
                static_cast<int32_t>(text.size()), &status);
  if (U_FAILURE(status)) return false;
  if (unorm2_quickCheck(nfc, utf16.value.data(), length, &status) == UNORM_YES) return false;
  // NFC expands by at most 3x (UAX #15); the retry only guards against a mistake in that bound.
  Wiped<std::vector<UChar>> composed;
  int32_t composed_length = 3 * length;
  do {
    composed.value.assign(static_cast<std::size_t>(composed_length), u'\0');
    status = U_ZERO_ERROR;
    composed_length = unorm2_normalize(nfc, utf16.value.data(), length, composed.value.data(),
                                       static_cast<int32_t>(composed.value.size()), &status);
  } while (status == U_BUFFER_OVERFLOW_ERROR);
  if (U_FAILURE(status)) throw Error(ErrorCode::INTERNAL_ERROR, "NFC normalisation failed");
  out.assign(static_cast<std::size_t>(composed_length) * 3, '\0');  // <= 3 bytes per unit
  int32_t utf8_length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &utf8_length, composed.value.data(),
              composed_length, &status);
  if (U_FAILURE(status)) throw Error(ErrorCode::INTERNAL_ERROR, "UTF-8 conversion failed");
  out.resize(static_cast<std::size_t>(utf8_length));
  return true;
}

// The password as it is checked and hashed: NFC when it is valid UTF-8 not already in NFC,
// otherwise the bytes given. Not copyable: `view_` may point into `normalized_`.
class PasswordText {
 public:
  explicit PasswordText(std::string_view raw) : view_(raw) {
    changed_ = to_nfc(raw, normalized_.value);
    if (changed_) view_ = normalized_.value;
  }
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

// ---------------------------------------------------------------------------------------------
// The rule

// Bytes beyond which no NFC form can stay within kMaxPasswordLength code points (a precomposed
// character comes from at most 9 bytes of decomposed UTF-8, Hangul LVT): refused before any
// normalisation work, so a megabyte "password" costs nothing.
constexpr std::size_t kMaxPasswordBytes = kMaxPasswordLength * 16;

struct CharacterCensus {
  std::size_t characters = 0;
  bool upper = false;
  bool lower = false;
  bool digit = false;
};

CharacterCensus census(std::string_view text) {
  CharacterCensus result;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    ++result.characters;
    switch (u_charType(c)) {
      case U_UPPERCASE_LETTER:
      case U_TITLECASE_LETTER:  // "ǅ" begins a word in upper case
        result.upper = true;
        break;
      case U_LOWERCASE_LETTER: result.lower = true; break;
      case U_DECIMAL_DIGIT_NUMBER: result.digit = true; break;
      default: break;
    }
  }
  return result;
}

// Names what the password lacks, never what it contains.
std::string weakness(const CharacterCensus& found) {
  std::string detail;
  const auto add = [&detail](std::string_view what) {
    if (!detail.empty()) detail += ", ";
    detail += what;
  };
  if (found.characters < kMinPasswordLength) add("fewer than 8 characters");
  if (!found.upper) add("no upper-case letter");
  if (!found.lower) add("no lower-case letter");
  if (!found.digit) add("no digit");
  return detail;
}

// ---------------------------------------------------------------------------------------------
// The policy

// Common passwords that pass the rule, French first. Each is reduced like a candidate (key
// without leading and trailing digits), so "Azerty123" also stands for "azerty2024!".
constexpr auto kCommonPasswords = std::to_array<std::string_view>(
    {// French keyboards, words and habits
     "Azerty123", "Azertyuiop1", "Azerty1234", "Azertyui1", "Qsdfghjk1", "Wxcvbn123", "Aqwzsx123",
     "Motdepasse1", "MotDePasse123", "Motdepass1", "Mdp12345", "Soleil123", "Marseille13",
     "Bonjour123", "Bonsoir123", "Coucou123", "Doudou123", "Loulou123", "Chouchou1", "Nounours1",
     "Jetaime123", "Jetaime1", "Amour123", "Moncoeur1", "Chocolat1", "Princesse1", "Bisous123",
     "Famille1", "Maman123", "Papa1234", "Bebe1234", "Bienvenue1", "Bonheur1", "Liberte1",
     "Vacances1", "Papillon1", "Dauphin1", "Licorne1", "Chaton123", "Chien123", "Chat1234",
     "Minou123", "Tintin123", "Pompier1", "Camille1", "Nicolas1", "Julien123", "Thomas123",
     "Marine123", "Manon123", "Lucas123", "Hugo1234", "Emma1234", "Louise123", "Chloe123",
     "Mathis123", "Enzo1234", "Nathan123", "Paris2024", "Parisien1", "Toulouse31", "Bordeaux33",
     "Nantes44", "Lyon69000", "Lille59000", "France123", "Allezlom13", "Olympique1", "Psg12345",
     "Mbappe10", "Zidane10", "Ecole123", "College1", "Lycee123", "Classe123", "Eleve123",
     "Prof1234", "Prenom123", "Nom12345", "Janvier1", "Septembre1", "Printemps1", "Noel2024",
     "Bonneannee1", "Minecraft1", "Fortnite1", "Roblox123", "Pokemon1", "Naruto123",
     // International
     "Password1", "Password123", "Passw0rd", "P@ssw0rd1", "Qwerty123", "Qwertyuiop1", "Qwertz123",
     "Welcome1", "Welcome123", "Letmein1", "Iloveyou1", "Sunshine1", "Princess1", "Football1",
     "Baseball1", "Superman1", "Batman123", "Monkey123", "Dragon123", "Master123", "Shadow123",
     "Michael1", "Charlie1", "Trustno1", "Abc12345", "Abcd1234", "Aa123456", "Admin123",
     "Changeme1", "Test1234", "Hello123", "Starwars1", "Summer2024", "Winter2024", "Zaq12wsx",
     "Q1w2e3r4T"});

// The key of `text` (text.hpp) without its leading and trailing digits.
std::string common_form(std::string_view text) {
  std::string key = comparison_key(text);
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto first = std::find_if_not(key.begin(), key.end(), is_digit);
  const auto last = std::find_if_not(key.rbegin(), std::make_reverse_iterator(first), is_digit);
  std::string form(first, last.base());
  OPENSSL_cleanse(key.data(), key.size());
  return form;
}

const std::unordered_set<std::string>& common_forms() {
  static const std::unordered_set<std::string> forms = [] {
    std::unordered_set<std::string> set;
    for (const auto password : kCommonPasswords) set.insert(common_form(password));
    return set;
  }();
  return forms;
}

// Names shorter than this ("Li", "Bo", the "le" of "Le Gall") would refuse too many passwords.
constexpr std::size_t kMinPersonalKeyLength = 3;

void add_key(std::vector<std::string>& keys, std::string_view text) {
  std::string key = comparison_key(text);
  if (key.size() >= kMinPersonalKeyLength) keys.push_back(std::move(key));
}

// The keys of a name and of each of its words ("Jean-Marc" -> jeanmarc, jean, marc).
std::vector<std::string> name_keys(std::string_view name) {
  std::vector<std::string> keys;
  if (!is_valid_utf8(name)) return keys;
  add_key(keys, name);
  const auto is_separator = [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && !is_ascii_alnum(c);
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || is_separator(name[i])) {
      if (i > start) add_key(keys, name.substr(start, i - start));
      start = i + 1;
    }
  }
  return keys;
}

// The keys of a username "first.lastDDMM": itself, "first", "first.last", "last".
std::vector<std::string> username_keys(std::string_view username) {
  std::vector<std::string> keys;
  if (!is_valid_utf8(username)) return keys;
  add_key(keys, username);
  const auto stem_end = username.find_last_not_of("0123456789");
  const auto stem = username.substr(0, stem_end == std::string_view::npos ? 0 : stem_end + 1);
  add_key(keys, stem);
  const auto dot = stem.find('.');
  if (dot != std::string_view::npos) {
    add_key(keys, stem.substr(0, dot));
    add_key(keys, stem.substr(dot + 1));
  }
  return keys;
}

bool contains_any(std::string_view haystack, const std::vector<std::string>& needles) {
  return std::any_of(needles.begin(), needles.end(), [haystack](const std::string& needle) {
    return haystack.find(needle) != std::string_view::npos;
  });
}

// ---------------------------------------------------------------------------------------------
// Concurrency bound

unsigned default_hash_limit() noexcept { return std::max(1U, std::thread::hardware_concurrency()); }

// A counting semaphore whose count can change at run time (std::counting_semaphore cannot).
class HashGate {
 public:
  class Slot {
   public:
    explicit Slot(HashGate& gate) : gate_(gate) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { gate_.release(); }

   private:
    HashGate& gate_;
  };

  [[nodiscard]] Slot acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return active_ < limit_; });
    ++active_;
    peak_ = std::max(peak_, active_);
    return Slot(*this);
  }

  void set_limit(unsigned limit) {
    {
      const std::lock_guard lock(mutex_);
      limit_ = limit == 0 ? default_hash_limit() : limit;
    }
    available_.notify_all();
  }

  unsigned limit() noexcept {
    const std::lock_guard lock(mutex_);
    return limit_;
  }

  unsigned peak() noexcept {
    const std::lock_guard lock(mutex_);
    return peak_;
  }

  void reset_peak() noexcept {
    const std::lock_guard lock(mutex_);
    peak_ = active_;
  }

 private:
  void release() {
    {
      const std::lock_guard lock(mutex_);
      --active_;
    }
    available_.notify_one();
  }

  std::mutex mutex_;
  std::condition_variable available_;
  unsigned limit_ = default_hash_limit();
  unsigned active_ = 0;
  unsigned peak_ = 0;
};

HashGate& hash_gate() {
  static HashGate gate;
  return gate;
}

// ---------------------------------------------------------------------------------------------
// Argon2id

constexpr std::size_t kSaltBytes = 16;
constexpr std::uint32_t kHashBytes = 32;
// Beyond these a stored string is taken as garbled or hostile: verifying it would hold
// gigabytes or run for minutes. hash_password refuses the same values, so whatever it writes
// verifies.
constexpr std::uint32_t kMaxMemoryKiB = 4U * 1024 * 1024;  // 4 GiB
constexpr std::uint32_t kMaxIterations = 256;
constexpr std::uint32_t kMaxParallelism = 64;

bool reasonable(const HashParameters& p) noexcept {
  return p.iterations >= 1 && p.iterations <= kMaxIterations && p.parallelism >= 1 &&
         p.parallelism <= kMaxParallelism && p.memory_kib >= 8 * p.parallelism &&
         p.memory_kib <= kMaxMemoryKiB;
}

struct PhcHeader {
  std::uint32_t version = ARGON2_VERSION_10;  // the reference decoder's default without v=
  HashParameters params;
};

// Consumes `prefix` from the front of `text`.
bool consume(std::string_view& text, std::string_view prefix) noexcept {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// Consumes a decimal uint32 from the front of `text`.
bool consume_number(std::string_view& text, std::uint32_t& value) noexcept {
  std::uint64_t number = 0;
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    number = number * 10 + static_cast<std::uint64_t>(text[digits] - '0');
    if (++digits > 10 || number > UINT32_MAX) return false;
  }
  if (digits == 0) return false;
  value = static_cast<std::uint32_t>(number);
  text.remove_prefix(digits);
  return true;
}

// Consumes unpadded standard base64 up to the next '$' or the end.
bool consume_base64(std::string_view& text) noexcept {
  const auto end = std::min(text.find('$'), text.size());
  if (end == 0) return false;
  const bool valid = std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end),
                                 [](char c) { return is_ascii_alnum(c) || c == '+' || c == '/'; });
  text.remove_prefix(end);
  return valid;
}

// $argon2id$[v=V$]m=M,t=T,p=P$salt$hash, the format libargon2 writes and reads.
std::optional<PhcHeader> parse_phc(std::string_view text) noexcept {
  PhcHeader header;
  if (!consume(text, "$argon2id$")) return std::nullopt;
  if (consume(text, "v=") && !(consume_number(text, header.version) && consume(text, "$"))) {
    return std::nullopt;
  }
  auto& p = header.params;
  if (!(consume(text, "m=") && consume_number(text, p.memory_kib) && consume(text, ",t=") &&
        consume_number(text, p.iterations) && consume(text, ",p=") &&
        consume_number(text, p.parallelism) && consume(text, "$") && consume_base64(text) &&
        consume(text, "$") && consume_base64(text) && text.empty())) {
    return std::nullopt;
  }
  return header;
}

bool verify_argon2id(std::string_view password, std::string_view stored) {
  const auto header = parse_phc(stored);
  if (!header || !reasonable(header->params)) return false;
  const PasswordText text(password);
  if (text.view().size() > ARGON2_MAX_PWD_LENGTH) return false;
  const std::string encoded(stored);  // libargon2 wants a NUL-terminated string
  const auto slot = hash_gate().acquire();
  // argon2id_verify recomputes the hash and compares it in constant time.
  return argon2id_verify(encoded.c_str(), text.view().data(),
                         static_cast<std::size_t>(text.view().size())) == ARGON2_OK;
}

// ---------------------------------------------------------------------------------------------
// bcrypt (imported accounts)

constexpr std::size_t kBcryptLength = 60;  // $2b$NN$ + 22 salt + 31 hash characters
// Cost 16 is about 4 s here; a higher one in an import is garbled or hostile.
constexpr int kMaxBcryptCost = 16;

bool is_bcrypt(std::string_view stored) noexcept {
  if (stored.size() != kBcryptLength) return false;
  if (!(stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$"))) {
    return false;
  }
  const char tens = stored[4];
  const char units = stored[5];
  if (stored[6] != '$' || tens < '0' || tens > '9' || units < '0' || units > '9') return false;
  const int cost = (tens - '0') * 10 + (units - '0');
  return cost >= 4 && cost <= kMaxBcryptCost;
}

// crypt_r of one candidate; `data` is reused between candidates and wiped by the caller.
bool bcrypt_matches(const std::string& candidate, const std::string& setting, crypt_data& data) {
  const char* result = crypt_r(candidate.c_str(), setting.c_str(), &data);
  // libxcrypt reports failure with NULL or a string starting with '*'.
  if (result == nullptr || result[0] == '*') return false;
  return std::strlen(result) == setting.size() &&
         CRYPTO_memcmp(result, setting.data(), setting.size()) == 0;
}

bool verify_bcrypt(std::string_view password, std::string_view stored) {
  // crypt_r reads a C string: an embedded NUL would silently shorten the password.
  if (password.find('\0') != std::string_view::npos) return false;
  const std::string setting(stored);
  const Wiped<std::string> raw{std::string(password)};
  // crypt_data is 32 KiB: on the heap, value-initialised as crypt_r requires.
  auto data = std::make_unique<crypt_data>();
  const auto slot = hash_gate().acquire();
  // Imported hashes were made from the bytes the old system received; try the NFC form too in
  // case the pupil's keyboard now sends the other form.
  bool match = bcrypt_matches(raw.value, setting, *data);
  if (!match) {
    const PasswordText text(password);
    if (text.changed()) match = bcrypt_matches(std::string(text.view()), setting, *data);
  }
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return match;
}

// ---------------------------------------------------------------------------------------------
// Tokens

std::string base64url(std::span<const std::uint8_t> bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (bytes[i] << 16U) | (bytes[i + 1] << 8U) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(group >> shift) & 63U]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = static_cast<std::uint32_t>(bytes[i]) << 16U;
    if (rest == 2) group |= static_cast<std::uint32_t>(bytes[i + 1]) << 8U;
    out.push_back(kAlphabet[(group >> 18U) & 63U]);
    out.push_back(kAlphabet[(group >> 12U) & 63U]);
    if (rest == 2) out.push_back(kAlphabet[(group >> 6U) & 63U]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dummy hashes for burn_verification_time

using ParameterKey = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;

std::string dummy_hash(const HashParameters& params) {
  static std::mutex mutex;
  static std::map<ParameterKey, std::string> hashes;
  const ParameterKey key{params.memory_kib, params.iterations, params.parallelism};
  {
    const std::lock_guard lock(mutex);
    if (const auto found = hashes.find(key); found != hashes.end()) return found->second;
  }
  // Hashed outside the lock: a slow first computation must not stall other parameters. Two
  // threads may both compute it once; either result serves.
  std::string hash = hash_password(random_token(), params);
  const std::lock_guard lock(mutex);
  return hashes.emplace(key, std::move(hash)).first->second;
}

}  // namespace

namespace detail {

unsigned peak_concurrent_hashes() noexcept { return hash_gate().peak(); }
void reset_peak_concurrent_hashes() noexcept { hash_gate().reset_peak(); }
std::span<const std::string_view> common_passwords() noexcept { return kCommonPasswords; }

}  // namespace detail

void check_password_rule(std::string_view password) {
  if (password.empty()) throw Error(ErrorCode::PASSWORD_REQUIRED);
  if (!is_valid_utf8(password)) throw Error(ErrorCode::INVALID_UTF8, "password");
  if (password.size() > kMaxPasswordBytes) throw Error(ErrorCode::PASSWORD_TOO_LONG);
  const PasswordText text(password);
  const CharacterCensus found = census(text.view());
  if (found.characters > kMaxPasswordLength) throw Error(ErrorCode::PASSWORD_TOO_LONG);
  const std::string missing = weakness(found);
  if (!missing.empty()) throw Error(ErrorCode::PASSWORD_TOO_WEAK, missing);
}

void check_password_policy(std::string_view password, const PersonalInfo& person) {
  if (!is_valid_utf8(password)) throw Error(ErrorCode::INVALID_UTF8, "password");
  const PasswordText text(password);
  const Wiped<std::string> key{comparison_key(text.view())};
  if (contains_any(key.value, name_keys(person.first_name))) {
    throw Error(ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO, "first name");
  }
  if (contains_any(key.value, name_keys(person.last_name))) {
    throw Error(ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO, "last name");
  }
  if (contains_any(key.value, username_keys(person.username))) {
    throw Error(ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO, "username");
  }
  const Wiped<std::string> form{common_form(text.view())};
  if (common_forms().contains(form.value)) throw Error(ErrorCode::PASSWORD_TOO_COMMON);
}

std::string hash_password(std::string_view password, const HashParameters& params) {
  if (!reasonable(params)) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "Argon2 parameters out of range (1 <= t <= 256, 1 <= p <= 64, 8p <= m <= 4 GiB)");
  }
  const PasswordText text(password);
  if (text.view().size() > ARGON2_MAX_PWD_LENGTH) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "password too long to hash");
  }
  std::array<std::uint8_t, kSaltBytes> salt{};
  random_bytes(salt);
  std::string encoded(argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                        kSaltBytes, kHashBytes, Argon2_id),
                      '\0');
  int status = ARGON2_OK;
  {
    const auto slot = hash_gate().acquire();
    status = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                   text.view().data(), text.view().size(), salt.data(), salt.size(),
                                   kHashBytes, encoded.data(), encoded.size());
  }
  if (status != ARGON2_OK) {
    throw Error(ErrorCode::INTERNAL_ERROR,
                std::string("Argon2id: ") + argon2_error_message(status));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool verify_password(std::string_view password, std::string_view stored_hash) {
  if (stored_hash.starts_with("$argon2id$")) return verify_argon2id(password, stored_hash);
  if (is_bcrypt(stored_hash)) return verify_bcrypt(password, stored_hash);
  return false;
}

std::optional<HashParameters> parse_hash_parameters(std::string_view stored_hash) {
  const auto header = parse_phc(stored_hash);
  if (!header) return std::nullopt;
  return header->params;
}

bool needs_rehash(std::string_view stored_hash, const HashParameters& params) {
  const auto header = parse_phc(stored_hash);
  if (!header || header->version != ARGON2_VERSION_13) return true;
  const HashParameters& stored = header->params;
  return stored.memory_kib < params.memory_kib || stored.iterations < params.iterations ||
         stored.parallelism < params.parallelism;
}

std::string temporary_password() {
  return random_string(kTemporaryLetters, 6) + random_string(kTemporaryDigits, 2);
}

std::string random_token() {
  std::array<std::uint8_t, 32> bytes{};
  random_bytes(bytes);
  std::string token = base64url(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

std::string token_digest(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorCode::INTERNAL_ERROR, "SHA-256 failed");
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * static_cast<std::size_t>(length));
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4U]);
    hex.push_back(kHex[digest[i] & 15U]);
  }
  return hex;
}

void set_max_concurrent_hashes(unsigned n) { hash_gate().set_limit(n); }

unsigned max_concurrent_hashes() noexcept { return hash_gate().limit(); }

void burn_verification_time(std::string_view password, const HashParameters& params) {
  // The result is meaningless (the dummy's password is random); only the time spent counts.
  static_cast<void>(verify_password(password, dummy_hash(params)));
}

}  // namespace inscrire
