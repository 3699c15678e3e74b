// Passwords (docs/rules.md §4): the strength rule, the personal-information and common-password
// policy, Argon2id hashing in the PHC string format, verification of Argon2id and imported
// bcrypt hashes, temporary passwords, one-time tokens, and a process-wide bound on the number
// of hash computations running at once.
//
// Unicode: a password is hashed and checked in Unicode normalisation form C, so "é" typed as
// one code point (most keyboards) or as "e" + combining accent (some macOS input paths) is the
// same password. Plain ASCII is already NFC and passes through untouched.
//
// Thread safety: every function here may be called from any number of threads at once.
// hash_password, verify_password and burn_verification_time wait for a slot of the
// process-wide limit set by set_max_concurrent_hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inscrire {

// Argon2id cost. The defaults are OWASP's minimum (m = 19 MiB, t = 2, p = 1): about 20-45 ms.
struct HashParameters {
  std::uint32_t memory_kib = 19456;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;

  friend bool operator==(const HashParameters&, const HashParameters&) = default;
};

// The Argon2id parameters hash_password and verify_password accept: 1 <= t <= 256,
// 1 <= p <= 64, 8p <= m <= 4 GiB (libargon2's floor, and a ceiling that keeps a planted or
// corrupted hash from making a login allocate gigabytes or run for hours).
bool is_supported(const HashParameters& params) noexcept;

// Longest password accepted, in characters (code points after NFC).
inline constexpr std::size_t kMaxPasswordLength = 255;
// Shortest password accepted, in characters.
inline constexpr std::size_t kMinPasswordLength = 8;

// The rule of docs/rules.md §4: 8 to 255 characters with at least one upper-case letter, one
// lower-case letter (any script: general categories Lu/Lt and Ll) and one decimal digit (any
// script: category Nd). Throws Error with PASSWORD_REQUIRED (empty), INVALID_UTF8,
// PASSWORD_TOO_LONG, or PASSWORD_TOO_WEAK (too short or a class missing; the detail names
// what is missing). No error detail ever contains the password.
void check_password_rule(std::string_view password);

// The staff password rule (docs/rules.md §9, ASVS 2.1.1): 12 to 255 characters (counted in NFC),
// any characters, and not containing the username (ASCII case ignored). PASSWORD_REQUIRED,
// INVALID_UTF8, PASSWORD_TOO_WEAK (too short), PASSWORD_TOO_LONG,
// PASSWORD_CONTAINS_PERSONAL_INFO; the detail never contains the password.
inline constexpr std::size_t kMinStaffPasswordLength = 12;
void check_staff_password_rule(std::string_view password, std::string_view username);

// Whose password it is, for the personal-information policy. Any field may be empty.
struct PersonalInfo {
  std::string_view first_name;
  std::string_view last_name;
  std::string_view username;
};

// The extra policy, on top of check_password_rule (call that first):
// - PASSWORD_CONTAINS_PERSONAL_INFO when the comparison key of the password (text.hpp: case,
//   accents and punctuation ignored, any script transliterated) contains the key of the first
//   name, the last name, one word of either, the username, the username's part before the
//   dot, or its stem without the digits. Keys shorter than 3 characters are ignored.
// - PASSWORD_TOO_COMMON when the password, reduced to its key without leading and trailing
//   digits, equals one of a built-in list of ~100 common French and international passwords
//   reduced the same way: "Azerty123", "azerty2024!" and "AZERTY1" are all refused.
// Throws Error(INVALID_UTF8) for an invalid password; names that are not valid UTF-8 are
// skipped.
void check_password_policy(std::string_view password, const PersonalInfo& person);

// The Argon2id PHC string `$argon2id$v=19$m=M,t=T,p=P$salt$hash` of `password` with a fresh
// 16-byte salt from OpenSSL's RNG and a 32-byte hash. Throws Error(INVALID_ARGUMENT) for
// parameters libargon2 refuses (t < 1, p < 1, m < 8 p), Error(INTERNAL_ERROR) if hashing fails
// (out of memory). Does not apply check_password_rule.
std::string hash_password(std::string_view password, const HashParameters& params = {});

// True when `password` matches `stored_hash`: an Argon2id PHC string (as made by
// hash_password) or an imported bcrypt hash ($2a$, $2b$, $2y$). The comparison is constant
// time. An unknown, garbled or unreasonably expensive stored string gives false: this never
// throws because of `stored_hash`.
bool verify_password(std::string_view password, std::string_view stored_hash);

// True when `stored_hash` should be replaced after a successful login: not Argon2id, not
// version 19, unreadable, or m, t or p below `params`.
bool needs_rehash(std::string_view stored_hash, const HashParameters& params);

// m, t and p of an Argon2id PHC string; nullopt for anything else (bcrypt, garbled).
std::optional<HashParameters> parse_hash_parameters(std::string_view stored_hash);

// The alphabets of temporary passwords: no i, l, o (letters) and no 0, 1 (digits), which a
// pupil copying from paper confuses with each other.
inline constexpr std::string_view kTemporaryLetters = "abcdefghjkmnpqrstuvwxyz";
inline constexpr std::string_view kTemporaryDigits = "23456789";

// 6 letters from kTemporaryLetters then 2 digits from kTemporaryDigits, drawn uniformly with
// the cryptographic RNG (23^6 * 8^2, about 33 bits). It deliberately does not satisfy
// check_password_rule: the account is flagged "must change password".
std::string temporary_password();

// An opaque URL-safe token: 32 random bytes in base64url without padding (43 characters),
// for one-time password-change tokens and sessions. Store only its token_digest.
std::string random_token();
// The lower-case hexadecimal SHA-256 of `token` (64 characters): what the database stores.
std::string token_digest(std::string_view token);

// At most `n` hash computations (hash_password, verify_password, burn_verification_time) run
// at once in the process; the others wait. Argon2 holds m KiB for the whole computation, so
// this bounds the memory a burst of logins takes to about n * m. 0 restores the default,
// std::thread::hardware_concurrency() (at least 1). Lowering the limit lets computations
// already running finish.
void set_max_concurrent_hashes(unsigned n);
// The current limit.
unsigned max_concurrent_hashes() noexcept;

// Diagnostics (tests): the password-hash work done on the calling thread since it started,
// each Argon2id or bcrypt computation (hash_password, verify_password, burn_verification_time)
// counted once, and for Argon2id the memory times iterations it cost (KiB x passes). What
// lets a test show that two paths do the same hash work without timing them.
struct HashWork {
  std::uint64_t computations = 0;
  std::uint64_t argon2_kib_passes = 0;
  bool operator==(const HashWork&) const = default;
};
HashWork hash_work_on_this_thread() noexcept;

// Spends the time of a verification with `params`, for a login whose username does not exist,
// so that an unknown username and a wrong password take the same time. Verifies `password`
// against a dummy hash computed once per process and per `params` (the first call for given
// params therefore costs one extra hash).
void burn_verification_time(std::string_view password, const HashParameters& params);

}  // namespace inscrire
