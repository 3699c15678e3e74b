// The staff accounts' second factor (docs/security.md, "Second factor (TOTP)"), domain part:
// one-time passwords (RFC 4226 HOTP, RFC 6238 TOTP), their secrets and the otpauth:// URI that
// authenticator apps read, recovery codes, and the secret box that keeps a TOTP secret
// encrypted at rest under a key file. Nothing here stores anything: the service keeps the
// (sealed) secret, the last accepted step and the digests of the recovery codes.
//
// Bytes: a secret is raw bytes carried in a std::string (not text); base32 is only for people
// and URIs.
//
// Thread safety: every function may be called from any number of threads at once; a SecretKey
// may be shared by threads that only read it (seal, open_sealed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inscrire {

// ---- one-time passwords ---------------------------------------------------------------------

// The HMAC hash of an HOTP/TOTP code. The product uses SHA-1 (what every authenticator app
// reads); SHA-256 and SHA-512 are there so that the RFC 6238 vectors can be checked.
enum class OtpAlgorithm { Sha1, Sha256, Sha512 };

// Shortest secret accepted, in bytes: RFC 4226 §4 R6 asks for 128 bits. An empty secret
// (a storage bug) would make every code computable by anyone, so it is refused, never used.
inline constexpr std::size_t kMinOtpSecretBytes = 16;
// Size of the secrets new_totp_secret draws (RFC 4226 recommends 160 bits).
inline constexpr std::size_t kTotpSecretBytes = 20;
// The product's TOTP: 6 digits, 30-second steps counted from the Unix epoch, SHA-1.
inline constexpr int kTotpDigits = 6;
inline constexpr std::int64_t kTotpStepSeconds = 30;

// RFC 4226 §5.3: HMAC(secret, counter as 8 big-endian bytes), dynamic truncation to 31 bits,
// modulo 10^digits, zero-padded to `digits` characters. Throws Error(INVALID_ARGUMENT) for a
// secret shorter than kMinOtpSecretBytes or `digits` outside 6..8, Error(INTERNAL_ERROR) if
// OpenSSL fails.
std::string hotp(std::string_view secret, std::uint64_t counter, int digits,
                 OtpAlgorithm algorithm = OtpAlgorithm::Sha1);

// The TOTP step of a time: floor(unix_seconds / 30). Throws Error(INVALID_ARGUMENT) for a time
// before 1970 (a broken clock).
std::int64_t totp_step(std::int64_t unix_seconds);

// The product's code for a step: hotp(secret, step, 6, SHA-1), e.g. "081804". Throws as hotp
// does, and Error(INVALID_ARGUMENT) for a negative step.
std::string totp_code(std::string_view secret, std::int64_t step);

// What a staff member typed, checked at `now` (unix seconds). Returns the step it was accepted
// for, which the caller stores as the new `last_accepted_step`, or nullopt.
// - Accepts the codes of steps t-1, t and t+1 (t = totp_step(now)): 30 s of clock drift or
//   typing time either way, RFC 6238 §5.2.
// - Never accepts a step <= `last_accepted_step` (nullopt: nothing accepted yet), so a code
//   seen over a shoulder or in a log cannot be used again, nor an older one.
// - Spaces are ignored (ASCII space and tab, U+00A0 and U+202F: "123 456" as apps show it);
//   anything else than exactly 6 ASCII digits is refused without computing anything.
// - The three candidate codes are always computed, and each compared in constant time
//   (CRYPTO_memcmp) whatever matched before: the time taken says nothing about which step
//   matched, nor about how many leading digits were right. If two steps happen to share the
//   code, the earliest acceptable one is returned.
// Throws as totp_code does (short secret, `now` before 1970); a wrong code is never an error.
std::optional<std::int64_t> verify_totp(std::string_view secret, std::string_view typed_code,
                                        std::int64_t now,
                                        std::optional<std::int64_t> last_accepted_step);

// kTotpSecretBytes fresh bytes from the cryptographic RNG. Throws Error(INTERNAL_ERROR) if it
// fails.
std::string new_totp_secret();

// RFC 4648 §6 base32, upper case, without padding (what otpauth:// URIs carry):
// "foobar" -> "MZXW6YTBOI".
std::string base32_encode(std::string_view bytes);

// The inverse of base32_encode, lenient where people are and strict where a typo would go
// unnoticed: case ignored, ASCII spaces ignored anywhere, correct "=" padding accepted at the
// end. nullopt for any other character, a length no byte string encodes to (1, 3 or 6 symbols
// in the last group), wrong padding, or non-zero unused bits in the last symbol (so every byte
// string has exactly one accepted spelling, up to case, spaces and padding).
std::optional<std::string> base32_decode(std::string_view text);

// The enrolment URI of Google's Key Uri Format, which authenticator apps read from a QR code:
// otpauth://totp/inscrire:USERNAME?secret=BASE32&issuer=inscrire, the username
// percent-encoded as RFC 3986 §3.3 requires (every byte but the unreserved characters
// A-Z a-z 0-9 - . _ ~ becomes %XX; a staff username, [a-z0-9._-], comes out as it went in).
// Throws Error(INVALID_ARGUMENT) for a secret shorter than kMinOtpSecretBytes.
std::string otpauth_uri(std::string_view username, std::string_view secret);

// ---- recovery codes -------------------------------------------------------------------------

// The campaign-code alphabet (campaign.hpp: kCodeLetters then kCodeDigits, a test checks the
// copy): no I, L, O, 0, 1, which people copying from paper confuse.
inline constexpr std::string_view kRecoveryCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
inline constexpr std::size_t kRecoveryCodeCount = 10;
// Characters of a code, without its hyphen: 31^10, about 49 bits each.
inline constexpr std::size_t kRecoveryCodeLength = 10;

// kRecoveryCodeCount distinct codes of kRecoveryCodeLength characters drawn uniformly from the
// cryptographic RNG, each shown as "ABCDE-FGHJK". Show them once; store only
// token_digest(*canonical_recovery_code(code)) (password.hpp). Throws Error(INTERNAL_ERROR) if
// the RNG fails.
std::vector<std::string> new_recovery_codes();

// What was typed -> the canonical code ("ABCDEFGHJK"): spaces, hyphens and dashes removed and
// case ignored as for campaign codes (canonical_campaign_code). nullopt when what remains is
// not kRecoveryCodeLength characters of kRecoveryCodeAlphabet (invalid UTF-8 included), so the
// caller can answer without a look-up. Never throws.
std::optional<std::string> canonical_recovery_code(std::string_view typed);

// ---- the secret box (TOTP secrets at rest) --------------------------------------------------

// An AES-256 key read from a file the host provides (32 random bytes, e.g.
// `head -c 32 /dev/urandom > key && chmod 600 key`). Its bytes live in one heap block, wiped
// when the key goes away; the key moves but is never copied, so no stray copy outlives it. A
// moved-from key holds nothing: seal and open_sealed refuse it (INVALID_ARGUMENT).
class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  // Reads the key file at `path` (symbolic links followed). Throws Error(INVALID_ARGUMENT),
  // the detail naming the path and the problem but never a byte of the file, when the file
  // cannot be opened or read, is not a regular file, grants any permission to its group or to
  // others (mode & 077, as OpenSSH requires of private keys: whoever can read the key can read
  // every secret, whoever can write it can swap it), or does not hold exactly 32 bytes (a
  // trailing newline counts: `openssl rand -hex 16` makes 33 bytes and is refused).
  static SecretKey load(const std::filesystem::path& path);

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

 private:
  struct Material;  // the 32 bytes, wiped by its destructor (secret_box.cpp)
  explicit SecretKey(std::unique_ptr<Material> material) noexcept;
  friend std::string seal(const SecretKey& key, std::string_view plaintext);
  friend std::string open_sealed(const SecretKey& key, std::string_view sealed);

  std::unique_ptr<Material> material_;
};

// `plaintext` encrypted and authenticated with AES-256-GCM under `key`, as text for a database
// column: "v1:" + base64 (RFC 4648 §4, padded) of a fresh 12-byte random nonce, the ciphertext
// and the 16-byte tag. The additional data "inscrire-totp-v1" binds the value to its use. Two
// seals of the same plaintext differ. Throws Error(INTERNAL_ERROR) if OpenSSL or the RNG fails.
std::string seal(const SecretKey& key, std::string_view plaintext);

// The plaintext of a value made by seal under the same key. Throws Error(INTERNAL_ERROR) when
// it is not one: a wrong key, a truncated, extended or altered value, an unknown version
// prefix, malformed base64. INTERNAL_ERROR because none of these is the user's doing (a key
// file that changed, a damaged database): the service must not answer as if the code typed
// were wrong. The detail says which of these it is, never a byte of key or plaintext.
std::string open_sealed(const SecretKey& key, std::string_view sealed);

// True when `stored` has the shape of seal's output (its "v1:" prefix): lets a service that
// keeps base32 secrets as is when no key is configured tell them from sealed ones (base32 has
// no ':').
bool is_sealed(std::string_view stored) noexcept;

}  // namespace inscrire
