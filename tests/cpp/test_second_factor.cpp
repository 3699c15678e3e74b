// The staff second factor's building blocks (include/inscrire/second_factor.hpp): the RFC 4226
// and RFC 6238 vectors, agreement with the real oathtool (OATH Toolkit, a Debian package of the
// test command), the verification window and replay, base32, the otpauth:// URI, recovery codes,
// and the secret box with its key file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inscrire/campaign.hpp"
#include "inscrire/error.hpp"
#include "inscrire/password.hpp"
#include "inscrire/random.hpp"
#include "inscrire/second_factor.hpp"
#include "inscrire/text.hpp"

namespace inscrire {
namespace {

// The seeds of RFC 6238 Appendix B, one per algorithm (RFC 4226 Appendix D uses the first).
const std::string kSeedSha1 = "12345678901234567890";
const std::string kSeedSha256 = "12345678901234567890123456789012";
const std::string kSeedSha512 = "1234567890123456789012345678901234567890123456789012345678901234";

struct TotpVector {
  std::int64_t time;
  std::string_view sha1, sha256, sha512;
};

// RFC 6238 Appendix B: every row of the table, 8 digits.
constexpr std::array<TotpVector, 6> kRfc6238 = {{
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
}};

ErrorCode code_of(const auto& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.code();
  }
  ADD_FAILURE() << "no Error thrown";
  return ErrorCode::INTERNAL_ERROR;
}

std::string random_secret(std::size_t size) {
  std::string secret(size, '\0');
  random_bytes({reinterpret_cast<std::uint8_t*>(secret.data()), secret.size()});
  return secret;
}

// ---- HOTP and TOTP against the RFCs -----------------------------------------------------------

TEST(Hotp, MatchesEveryRfc6238AppendixBVectorWithItsAlgorithmAndSeed) {
  for (const TotpVector& vector : kRfc6238) {
    const auto step = static_cast<std::uint64_t>(totp_step(vector.time));
    EXPECT_EQ(hotp(kSeedSha1, step, 8, OtpAlgorithm::Sha1), vector.sha1) << vector.time;
    EXPECT_EQ(hotp(kSeedSha256, step, 8, OtpAlgorithm::Sha256), vector.sha256) << vector.time;
    EXPECT_EQ(hotp(kSeedSha512, step, 8, OtpAlgorithm::Sha512), vector.sha512) << vector.time;
  }
}

TEST(Hotp, MatchesTheRfc4226AppendixDValuesForCounts0To9) {
  constexpr std::array<std::string_view, 10> kExpected = {"755224", "287082", "359152", "969429",
                                                          "338314", "254676", "287922", "162583",
                                                          "399871", "520489"};
  for (std::uint64_t count = 0; count < kExpected.size(); ++count) {
    EXPECT_EQ(hotp(kSeedSha1, count, 6), kExpected[count]) << count;
  }
}

TEST(Hotp, RefusesSecretsShorterThan128BitsAndDigitCountsOutsideSixToEight) {
  EXPECT_EQ(code_of([] { hotp("", 0, 6); }), ErrorCode::INVALID_ARGUMENT);
  EXPECT_EQ(code_of([] { hotp(std::string(15, 'k'), 0, 6); }), ErrorCode::INVALID_ARGUMENT);
  EXPECT_NO_THROW(hotp(std::string(16, 'k'), 0, 6));
  EXPECT_EQ(code_of([] { hotp(kSeedSha1, 0, 5); }), ErrorCode::INVALID_ARGUMENT);
  EXPECT_EQ(code_of([] { hotp(kSeedSha1, 0, 9); }), ErrorCode::INVALID_ARGUMENT);
  EXPECT_EQ(hotp(kSeedSha1, 0, 7).size(), 7u);
}

TEST(Totp, StepsAreThirtySecondsCountedFromTheEpoch) {
  EXPECT_EQ(totp_step(0), 0);
  EXPECT_EQ(totp_step(29), 0);
  EXPECT_EQ(totp_step(30), 1);
  EXPECT_EQ(totp_step(59), 1);
  EXPECT_EQ(totp_step(1111111109), 37037036);
  EXPECT_EQ(code_of([] { totp_step(-1); }), ErrorCode::INVALID_ARGUMENT);
  EXPECT_EQ(code_of([] { totp_code(kSeedSha1, -1); }), ErrorCode::INVALID_ARGUMENT);
}

TEST(Totp, TheProductsCodeIsTheSha1VectorsLastSixDigitsZeroPadded) {
  // hotp reduces the same 31 bits modulo 10^6 instead of 10^8: the last six digits.
  for (const TotpVector& vector : kRfc6238) {
    EXPECT_EQ(totp_code(kSeedSha1, totp_step(vector.time)), vector.sha1.substr(2)) << vector.time;
  }
  EXPECT_EQ(totp_code(kSeedSha1, totp_step(1111111109)), "081804");  // the leading zero kept
}

// ---- agreement with oathtool --------------------------------------------------------------------

// oathtool's code (its output's first line) for a base32 secret at a time.
std::string oathtool(const std::string& options, const std::string& base32, std::int64_t time) {
  // The secret is base32 and the time a number: nothing the shell could read otherwise.
  const std::string command =
      "oathtool " + options + " --base32 -N @" + std::to_string(time) + " " + base32 + " 2>&1";
  const std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return "popen failed";
  std::string output;
  std::array<char, 256> chunk{};
  while (fgets(chunk.data(), chunk.size(), pipe.get()) != nullptr) output += chunk.data();
  if (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

// A time from 1970 to about 2514 (34 bits), in whole seconds.
std::int64_t random_time() {
  return static_cast<std::int64_t>((std::uint64_t{random_below(1U << 30U)} << 4U) |
                                   random_below(16));
}

TEST(Totp, AgreesWithOathtoolForAThousandRandomSecretsAndTimes) {
  ASSERT_EQ(oathtool("--totp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59), "287082")
      << "oathtool missing or changed (Debian package oathtool, scripts/debian-packages.txt)";
  // Step boundaries and the 32-bit edges first, then random times; secrets of 16 to 100 bytes,
  // so keys longer than SHA-1's 64-byte block (which HMAC hashes first) are covered too.
  std::vector<std::int64_t> times = {0, 29, 30, 59, 60, 2147483647, 2147483648, 4294967296};
  while (times.size() < 1000) times.push_back(random_time());
  const auto start = std::chrono::steady_clock::now();
  int disagreements = 0;
  for (const std::int64_t time : times) {
    const std::string secret = random_secret(16 + random_below(85));
    const std::string base32 = base32_encode(secret);
    const std::string expected = oathtool("--totp", base32, time);
    const std::string ours = totp_code(secret, totp_step(time));
    if (ours != expected && ++disagreements <= 5) {
      ADD_FAILURE() << "secret " << base32 << " at @" << time << ": oathtool " << expected
                    << ", inscrire " << ours;
    }
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  EXPECT_EQ(disagreements, 0);
  std::cout << "oathtool: " << times.size() << " codes compared in " << elapsed.count() << " ms\n";
}

TEST(Totp, EightDigitSha256AndSha512CodesAgreeWithOathtool) {
  for (int i = 0; i < 100; ++i) {
    const std::int64_t time = random_time();
    const auto step = static_cast<std::uint64_t>(totp_step(time));
    const std::string secret = random_secret(16 + random_below(85));
    const std::string base32 = base32_encode(secret);
    ASSERT_EQ(hotp(secret, step, 8, OtpAlgorithm::Sha256),
              oathtool("--totp=sha256 -d 8", base32, time))
        << base32 << " @" << time;
    ASSERT_EQ(hotp(secret, step, 8, OtpAlgorithm::Sha512),
              oathtool("--totp=sha512 -d 8", base32, time))
        << base32 << " @" << time;
  }
}

// ---- verification: window, replay, what was typed -------------------------------------------

// A time in the middle of a step, today-ish.
constexpr std::int64_t kNow = 1'760'000'015;
constexpr std::int64_t kStep = kNow / 30;

TEST(TotpVerification, AcceptsThePreviousCurrentAndNextStepsAndSaysWhich) {
  const std::string secret = new_totp_secret();
  for (const std::int64_t step : {kStep - 1, kStep, kStep + 1}) {
    EXPECT_EQ(verify_totp(secret, totp_code(secret, step), kNow, std::nullopt), step);
  }
}

TEST(TotpVerification, RefusesTwoStepsBeforeOrAfter) {
  const std::string secret = new_totp_secret();
  for (const std::int64_t step : {kStep - 2, kStep + 2, kStep - 3, kStep + 3}) {
    const std::string code = totp_code(secret, step);
    // Unless the code happens to equal one of the window's (a chance of 3 in 10^6).
    if (code == totp_code(secret, kStep - 1) || code == totp_code(secret, kStep) ||
        code == totp_code(secret, kStep + 1)) {
      continue;
    }
    EXPECT_EQ(verify_totp(secret, code, kNow, std::nullopt), std::nullopt) << step;
  }
}

TEST(TotpVerification, WindowFollowsTheClockAtBothEdgesOfAStep) {
  const std::string secret = new_totp_secret();
  const std::string code = totp_code(secret, kStep);
  for (const std::int64_t now : {kStep * 30 - 30, kStep * 30 - 1, kStep * 30, kStep * 30 + 29,
                                 kStep * 30 + 30, kStep * 30 + 59}) {
    EXPECT_EQ(verify_totp(secret, code, now, std::nullopt), kStep) << now;
  }
}

TEST(TotpVerification, NeverAcceptsAStepAtOrBeforeTheLastAcceptedOne) {
  const std::string secret = new_totp_secret();
  const std::string current = totp_code(secret, kStep);
  const auto accepted = verify_totp(secret, current, kNow, std::nullopt);
  ASSERT_EQ(accepted, kStep);
  // The same code again, within its validity: a replay.
  EXPECT_EQ(verify_totp(secret, current, kNow, accepted), std::nullopt);
  EXPECT_EQ(verify_totp(secret, current, kNow + 20, accepted), std::nullopt);
  // An older code still inside the window.
  EXPECT_EQ(verify_totp(secret, totp_code(secret, kStep - 1), kNow, accepted), std::nullopt);
  // The next one is fresh; once it is taken, the current one is not any more.
  const auto next = verify_totp(secret, totp_code(secret, kStep + 1), kNow, accepted);
  EXPECT_EQ(next, kStep + 1);
  EXPECT_EQ(verify_totp(secret, current, kNow, next), std::nullopt);
  EXPECT_EQ(verify_totp(secret, current, kNow, kStep - 1), kStep);
}

TEST(TotpVerification, IgnoresSpacesAsAppsAndLocalesWriteThem) {
  const std::string secret = new_totp_secret();
  const std::string code = totp_code(secret, kStep);
  const std::string left = code.substr(0, 3);
  const std::string right = code.substr(3);
  for (const std::string& typed :
       {left + " " + right, " " + code + " ", left + "\t" + right, left + "\xC2\xA0" + right,
        left + "\xE2\x80\xAF" + right,
        code.substr(0, 2) + " " + code.substr(2, 2) + " " + code.substr(4)}) {
    EXPECT_EQ(verify_totp(secret, typed, kNow, std::nullopt), kStep) << typed;
  }
}

TEST(TotpVerification, RefusesAnythingButSixDigits) {
  const std::string secret = new_totp_secret();
  const std::string code = totp_code(secret, kStep);
  for (const std::string& typed :
       {std::string(), code.substr(0, 5), code + "0", "0" + code, code + "\n", code + "a",
        code.substr(0, 3) + "-" + code.substr(3), "+" + code.substr(1), "-" + code.substr(1),
        code.substr(0, 5) + "\xEF\xBC\x91",  // a full-width digit
        std::string(100, ' ') + code, code + std::string(1, '\0')}) {
    EXPECT_EQ(verify_totp(secret, typed, kNow, std::nullopt), std::nullopt) << typed;
  }
}

TEST(TotpVerification, AShortSecretOrABrokenClockIsAnErrorNotARefusal) {
  EXPECT_EQ(code_of([] { verify_totp("", "123456", kNow, std::nullopt); }),
            ErrorCode::INVALID_ARGUMENT);
  EXPECT_EQ(code_of([] { verify_totp(kSeedSha1, "123456", -5, std::nullopt); }),
            ErrorCode::INVALID_ARGUMENT);
}

TEST(TotpVerification, TheFirstStepOf1970HasNoStepBeforeIt) {
  EXPECT_EQ(verify_totp(kSeedSha1, totp_code(kSeedSha1, 0), 10, std::nullopt), 0);
  EXPECT_EQ(verify_totp(kSeedSha1, totp_code(kSeedSha1, 1), 10, std::nullopt), 1);
}

// ---- secrets, base32, the URI ---------------------------------------------------------------

TEST(TotpSecret, IsTwentyBytesFreshEachTime) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string secret = new_totp_secret();
    ASSERT_EQ(secret.size(), 20u);
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Base32, EncodesTheRfc4648VectorsInUpperCaseWithoutPadding) {
  EXPECT_EQ(base32_encode(""), "");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_encode("fo"), "MZXQ");
  EXPECT_EQ(base32_encode("foo"), "MZXW6");
  EXPECT_EQ(base32_encode("foob"), "MZXW6YQ");
  EXPECT_EQ(base32_encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32_encode(kSeedSha1), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32, DecodesAnyCaseWithSpacesAndCorrectPadding) {
  for (const std::string_view text :
       {"MZXW6YTBOI", "mzxw6ytboi", "MzXw 6yTb oI", "MZXW6YTBOI======", " MZXW 6YTB OI== ==== "}) {
    EXPECT_EQ(base32_decode(text), "foobar") << text;
  }
  EXPECT_EQ(base32_decode(""), "");
  EXPECT_EQ(base32_decode("MY======"), "f");
  EXPECT_EQ(base32_decode("MZXW6==="), "foo");
  EXPECT_EQ(base32_decode("MZXW6YQ="), "foob");
}

TEST(Base32, RoundTripsRandomBytesOfEveryLengthUpTo100) {
  for (std::size_t size = 0; size <= 100; ++size) {
    const std::string bytes = random_secret(size);
    const std::string text = base32_encode(bytes);
    ASSERT_EQ(text.size(), (size * 8 + 4) / 5);
    ASSERT_EQ(base32_decode(text), bytes) << text;
    ASSERT_EQ(base32_decode(lower_ascii(text)), bytes) << text;
  }
}

TEST(Base32, RefusesOtherCharactersImpossibleLengthsWrongPaddingAndStrayBits) {
  for (const std::string_view text : {
           "MZXW6!",  "MZXW0",    "MZXW1",     "MZXW8",     "MZXW-6",
           "MZXW6\n", "\xC3\x89",                            // characters
           "M",       "MZX",      "MZXW6Y",    "MZXW6YTBO",  // 1, 3, 6 symbols in the last group
           "MY=",     "MZXW6==",  "MZXW6====", "MZXW6YTB=", "========",
           "=MY",     "MY=Y",                                              // padding
           "MZ",      "MZXR",     "MZXW7",     "MZXW6YR",   "MZXW6YTBOJ",  // non-zero unused bits
       }) {
    EXPECT_EQ(base32_decode(text), std::nullopt) << text;
  }
}

TEST(OtpauthUri, HasTheKeyUriFormatShapeAuthenticatorAppsRead) {
  EXPECT_EQ(otpauth_uri("marie.dupont_2-b", kSeedSha1),
            "otpauth://totp/inscrire:marie.dupont_2-b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=inscrire");
}

TEST(OtpauthUri, PercentEncodesEveryByteOutsideTheUnreservedCharacters) {
  EXPECT_EQ(otpauth_uri("a b:c/d?e&f%~\xC3\xA9", kSeedSha1),
            "otpauth://totp/inscrire:a%20b%3Ac%2Fd%3Fe%26f%25~%C3%A9"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=inscrire");
  EXPECT_EQ(code_of([] { otpauth_uri("marie", "short"); }), ErrorCode::INVALID_ARGUMENT);
}

// ---- recovery codes ---------------------------------------------------------------------------

TEST(RecoveryCodes, AlphabetIsTheCampaignCodeAlphabet) {
  // The copy in second_factor.hpp, pinned to campaign.hpp's.
  EXPECT_EQ(std::string(kRecoveryCodeAlphabet),
            std::string(kCodeLetters) + std::string(kCodeDigits));
  EXPECT_EQ(kRecoveryCodeAlphabet.find_first_of("ILO01"), std::string_view::npos);
}

TEST(RecoveryCodes, TenDistinctCodesOfTenCharactersShownInTwoGroupsOfFive) {
  std::set<char> used;
  for (int round = 0; round < 100; ++round) {
    const std::vector<std::string> codes = new_recovery_codes();
    ASSERT_EQ(codes.size(), 10u);
    std::set<std::string> distinct;
    for (const std::string& code : codes) {
      ASSERT_EQ(code.size(), 11u) << code;
      ASSERT_EQ(code[5], '-') << code;
      for (std::size_t i = 0; i < code.size(); ++i) {
        if (i == 5) continue;
        ASSERT_NE(kRecoveryCodeAlphabet.find(code[i]), std::string_view::npos) << code;
        used.insert(code[i]);
      }
      distinct.insert(code);
    }
    ASSERT_EQ(distinct.size(), 10u);
  }
  // 10 000 characters drawn: every one of the 31 shows up.
  EXPECT_EQ(used.size(), kRecoveryCodeAlphabet.size());
}

TEST(RecoveryCodes, TypedFormsReadAsTheCanonicalCodeWhoseDigestIsStored) {
  for (const std::string_view typed : {"ABCDE-FGHJK", "abcde-fghjk", "ABCDEFGHJK", " abcde fghjk ",
                                       "ABCDE\xE2\x80\x90"
                                       "FGHJK",  // U+2010
                                       "AB-CD-EF-GH-JK",
                                       "abcde\xC2\xA0"
                                       "fghjk"}) {
    EXPECT_EQ(canonical_recovery_code(typed), "ABCDEFGHJK") << typed;
  }
  for (const std::string& code : new_recovery_codes()) {
    const auto canonical = canonical_recovery_code(code);
    ASSERT_TRUE(canonical) << code;
    EXPECT_EQ(*canonical, code.substr(0, 5) + code.substr(6));
    EXPECT_EQ(token_digest(*canonical_recovery_code(lower_ascii(code))), token_digest(*canonical));
  }
}

TEST(RecoveryCodes, RefusesWrongLengthsCharactersOutsideTheAlphabetAndInvalidUtf8) {
  for (const std::string_view typed :
       {"", "ABCDE-FGHJ", "ABCDE-FGHJKM", "ABCDE-FGHJI", "ABCDE-FGHJ0", "ABCDE-FGHJ1",
        "ABCDE-FGHJL", "ABCDE-FGHJO", "ABCDE_FGHJK", "ABCDE-FGHJ\xC3\x89", "ABCDE-FGHJ\xFF",
        "ABCDE-FGHJK-ABCDE-FGHJK"}) {
    EXPECT_EQ(canonical_recovery_code(typed), std::nullopt) << typed;
  }
  EXPECT_EQ(canonical_recovery_code(std::string(100000, ' ') + "ABCDEFGHJK"), std::nullopt);
}

// ---- the secret box and its key file --------------------------------------------------------

class SecretBox : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "inscrire-key-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  // A key file with exactly these bytes and this mode (whatever the umask).
  std::filesystem::path key_file(const std::string& name, std::string_view bytes,
                                 mode_t mode = 0600) {
    const std::filesystem::path path = directory_ / name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    EXPECT_EQ(::fchmod(fd, mode), 0);
    ::close(fd);
    return path;
  }

  SecretKey new_key(const std::string& name) {
    return SecretKey::load(key_file(name, random_secret(SecretKey::kSize)));
  }

  // The Error a key file gives, its detail kept for the caller.
  ErrorCode load_error(const std::filesystem::path& path, std::string* detail = nullptr) {
    try {
      SecretKey::load(path);
    } catch (const Error& error) {
      if (detail != nullptr) *detail = error.detail();
      return error.code();
    }
    ADD_FAILURE() << path << " was accepted";
    return ErrorCode::INTERNAL_ERROR;
  }

  std::filesystem::path directory_;
};

TEST_F(SecretBox, SealedValuesOpenToWhatWasSealedEvenUnderTheKeyLoadedAgain) {
  const std::string key_bytes = random_secret(SecretKey::kSize);
  const auto path = key_file("key", key_bytes);
  const SecretKey key = SecretKey::load(path);
  for (const std::string& plaintext :
       {std::string(), new_totp_secret(), std::string("a\0b", 3), random_secret(1000)}) {
    const std::string sealed = seal(key, plaintext);
    EXPECT_EQ(open_sealed(key, sealed), plaintext);
    EXPECT_EQ(open_sealed(SecretKey::load(path), sealed), plaintext);
  }
}

TEST_F(SecretBox, SealedValueIsV1AndBase64OfNonceCiphertextAndTagFreshEachTime) {
  const SecretKey key = new_key("key");
  const std::string secret = new_totp_secret();
  const std::string sealed = seal(key, secret);
  EXPECT_TRUE(sealed.starts_with("v1:"));
  // 12 + 20 + 16 = 48 bytes: 64 base64 characters, no padding.
  EXPECT_EQ(sealed.size(), 3u + 64u);
  EXPECT_EQ(sealed.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", 3),
            std::string::npos);
  EXPECT_EQ(sealed.find(base32_encode(secret)), std::string::npos);
  EXPECT_NE(seal(key, secret), sealed);       // a fresh nonce each time
  EXPECT_EQ(seal(key, "").size(), 3u + 40u);  // 28 bytes: 40 characters, ending "=="
}

TEST_F(SecretBox, OpensAValueSealedByAnotherAesGcmImplementation) {
  // Made with Python's cryptography (AESGCM): key 00 01 ... 1f, nonce 64 65 ... 6f, additional
  // data "inscrire-totp-v1". Pins the format: values stored by this version open in later ones.
  std::string key_bytes;
  for (int i = 0; i < 32; ++i) key_bytes.push_back(static_cast<char>(i));
  const SecretKey key = SecretKey::load(key_file("key", key_bytes));
  EXPECT_EQ(open_sealed(key, "v1:ZGVmZ2hpamtsbW5veSntUkzfYaYHUm7a6VFfy3X6Pzp34wM491P9+wZy7SCjnNON"),
            kSeedSha1);
}

TEST_F(SecretBox, AWrongKeyIsAnInternalErrorThatSaysSo) {
  const SecretKey key = new_key("key");
  const SecretKey other = new_key("other");
  const std::string sealed = seal(key, new_totp_secret());
  try {
    open_sealed(other, sealed);
    FAIL() << "opened under another key";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::INTERNAL_ERROR);
    EXPECT_NE(error.detail().find("does not open under this key"), std::string::npos);
  }
}

TEST_F(SecretBox, EverySingleByteChangeOfASealedValueIsRefused) {
  // Every position, every other byte value: with the strict base64, this covers every change of
  // one 6-bit group of nonce, ciphertext and tag (so every single bit flip), the padding and
  // the prefix.
  const SecretKey key = new_key("key");
  // 48, 46 and 47 bytes: no padding, "==" and "=".
  for (const std::string& plaintext :
       {new_totp_secret(), std::string("123456789012345678"), std::string("1234567890123456789")}) {
    const std::string sealed = seal(key, plaintext);
    int opened = 0;
    int other_errors = 0;
    for (std::size_t i = 0; i < sealed.size(); ++i) {
      for (int value = 0; value < 256; ++value) {
        if (static_cast<char>(value) == sealed[i]) continue;
        std::string altered = sealed;
        altered[i] = static_cast<char>(value);
        try {
          open_sealed(key, altered);
          if (++opened <= 3) ADD_FAILURE() << "opened: " << altered;
        } catch (const Error& error) {
          if (error.code() != ErrorCode::INTERNAL_ERROR) ++other_errors;
        }
      }
    }
    EXPECT_EQ(opened, 0);
    EXPECT_EQ(other_errors, 0);
  }
}

TEST_F(SecretBox, TruncatedExtendedAndForeignValuesAreRefused) {
  const SecretKey key = new_key("key");
  const std::string sealed = seal(key, "123456789012345678");  // 46 bytes: ends with "=="
  ASSERT_EQ(sealed.back(), '=');
  for (std::size_t length = 0; length < sealed.size(); ++length) {
    EXPECT_EQ(code_of([&] { open_sealed(key, sealed.substr(0, length)); }),
              ErrorCode::INTERNAL_ERROR)
        << length;
  }
  for (const std::string& foreign :
       {sealed + "A", sealed + "AAAA", sealed + "=", sealed + "\n", " " + sealed,
        "v2:" + sealed.substr(3), "V1:" + sealed.substr(3), base32_encode(new_totp_secret()),
        std::string("v1:")}) {
    EXPECT_EQ(code_of([&] { open_sealed(key, foreign); }), ErrorCode::INTERNAL_ERROR) << foreign;
  }
}

TEST_F(SecretBox, IsSealedTellsSealedValuesFromBase32Secrets) {
  const SecretKey key = new_key("key");
  EXPECT_TRUE(is_sealed(seal(key, new_totp_secret())));
  EXPECT_FALSE(is_sealed(base32_encode(new_totp_secret())));
  EXPECT_FALSE(is_sealed(""));
}

TEST_F(SecretBox, KeyFilesOfAnyOtherSizeThan32BytesAreRefused) {
  // Printable bytes, so that the test can look for them in the detail.
  const std::string bytes = "Kq7vR2mXp9LwZt4NcY8hB3sJfD6gHa5Ue";
  for (const std::size_t size : {0, 1, 16, 31, 33}) {
    const auto path = key_file("key" + std::to_string(size), bytes.substr(0, size));
    std::string detail;
    EXPECT_EQ(load_error(path, &detail), ErrorCode::INVALID_ARGUMENT) << size;
    EXPECT_NE(detail.find(path.string()), std::string::npos) << detail;
    EXPECT_NE(detail.find(size < 32 ? std::to_string(size) + " bytes" : "more than 32"),
              std::string::npos)
        << detail;
    for (std::size_t at = 0; at + 6 <= size; ++at) {
      EXPECT_EQ(detail.find(bytes.substr(at, 6)), std::string::npos) << detail;
    }
  }
  EXPECT_NO_THROW(SecretKey::load(key_file("key32", bytes.substr(0, 32))));
  std::string newline;
  EXPECT_EQ(load_error(key_file("hex", std::string(32, 'a') + "\n"), &newline),
            ErrorCode::INVALID_ARGUMENT);
  EXPECT_NE(newline.find("more than 32"), std::string::npos) << newline;
  EXPECT_EQ(load_error(key_file("large", std::string(4096, 'k'))), ErrorCode::INVALID_ARGUMENT);
}

TEST_F(SecretBox, KeyFilesThatGroupOrOthersCanAccessAreRefused) {
  const std::string bytes = random_secret(SecretKey::kSize);
  for (const mode_t mode : {0644, 0640, 0604, 0660, 0606, 0620, 0602, 0610, 0601, 0666, 0777}) {
    std::string detail;
    EXPECT_EQ(load_error(key_file("key" + std::to_string(mode), bytes, mode), &detail),
              ErrorCode::INVALID_ARGUMENT)
        << std::oct << mode;
    EXPECT_NE(detail.find("group or others"), std::string::npos) << detail;
  }
  for (const mode_t mode : {0600, 0400, 0700}) {
    EXPECT_NO_THROW(SecretKey::load(key_file("ok" + std::to_string(mode), bytes, mode)))
        << std::oct << mode;
  }
}

TEST_F(SecretBox, MissingFilesDirectoriesAndFifosAreRefused) {
  std::string detail;
  EXPECT_EQ(load_error(directory_ / "absent", &detail), ErrorCode::INVALID_ARGUMENT);
  EXPECT_NE(detail.find("absent"), std::string::npos) << detail;
  EXPECT_EQ(load_error(directory_, &detail), ErrorCode::INVALID_ARGUMENT);
  EXPECT_NE(detail.find("not a regular file"), std::string::npos) << detail;
  const auto fifo = directory_ / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(load_error(fifo, &detail), ErrorCode::INVALID_ARGUMENT);  // and does not hang
  EXPECT_NE(detail.find("not a regular file"), std::string::npos) << detail;
}

TEST_F(SecretBox, ASymbolicLinkToAGoodKeyFileIsFollowed) {
  // Kubernetes secrets and systemd credentials reach the service through links.
  const auto target = key_file("key", random_secret(SecretKey::kSize));
  const auto link = directory_ / "link";
  std::filesystem::create_symlink(target, link);
  const SecretKey key = SecretKey::load(link);
  EXPECT_EQ(open_sealed(key, seal(key, "x")), "x");
}

TEST_F(SecretBox, AMovedFromKeyIsRefusedAndTheMovedKeyWorks) {
  SecretKey key = new_key("key");
  const std::string sealed = seal(key, "secret");
  const SecretKey moved = std::move(key);
  EXPECT_EQ(open_sealed(moved, sealed), "secret");
  // NOLINTNEXTLINE(bugprone-use-after-move): what a moved-from key does is the point.
  EXPECT_EQ(code_of([&] { seal(key, "x"); }), ErrorCode::INVALID_ARGUMENT);
  EXPECT_EQ(code_of([&] { open_sealed(key, sealed); }), ErrorCode::INVALID_ARGUMENT);
}

TEST_F(SecretBox, NoErrorDetailHoldsThePlaintext) {
  const SecretKey key = new_key("key");
  const SecretKey other = new_key("other");
  const std::string plaintext = "GEZDGNBVGY3TQOJQ-plaintext";
  const std::string sealed = seal(key, plaintext);
  for (const std::string& value : {sealed, sealed.substr(0, 20), sealed + "A"}) {
    try {
      open_sealed(other, value);
      FAIL() << value;
    } catch (const Error& error) {
      EXPECT_EQ(error.detail().find("plaintext"), std::string::npos) << error.detail();
      EXPECT_EQ(error.message(Language::English).find("GEZDG"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace inscrire
