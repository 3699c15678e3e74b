#include "inscrire/password.hpp"

#include <crypt.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "inscrire/error.hpp"
#include "password/test_hooks.hpp"

namespace inscrire {
namespace {

// Cheap parameters for tests where the cost is not the point.
constexpr HashParameters kFast{1024, 1, 1};

// The code thrown by `call`, or nullopt.
template <typename F>
std::optional<ErrorCode> code_of(F&& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.code();
  }
  return std::nullopt;
}

ErrorCode rule_code(std::string_view password) {
  const auto code = code_of([&] { check_password_rule(password); });
  EXPECT_TRUE(code.has_value()) << "accepted";
  return code.value_or(ErrorCode::INTERNAL_ERROR);
}

std::string rule_detail(std::string_view password) {
  try {
    check_password_rule(password);
  } catch (const Error& e) {
    return e.detail();
  }
  return "accepted";
}

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// ---------------------------------------------------------------------------------------------
// Rule

TEST(PasswordRule, AcceptsEveryClassInAnyScript) {
  EXPECT_NO_THROW(check_password_rule("Abcdefg1"));
  EXPECT_NO_THROW(check_password_rule("Ébène1234"));
  EXPECT_NO_THROW(check_password_rule("Жираф123a"));
  EXPECT_NO_THROW(check_password_rule("жИРАФ1234"));
  EXPECT_NO_THROW(check_password_rule("Ωμέγα2024"));
  EXPECT_NO_THROW(check_password_rule("Abcdefg\u0663"));  // Arabic-Indic digit three
  EXPECT_NO_THROW(check_password_rule("\u01C5abcdef1"));  // titlecase ǅ counts as upper
  EXPECT_NO_THROW(check_password_rule("  Ab 1   "));      // spaces count as characters
}

TEST(PasswordRule, EmptyIsRequired) { EXPECT_EQ(rule_code(""), ErrorCode::PASSWORD_REQUIRED); }

TEST(PasswordRule, TooShort) {
  EXPECT_EQ(rule_code("Abcdef1"), ErrorCode::PASSWORD_TOO_WEAK);
  EXPECT_EQ(rule_detail("Abcdef1"), "fewer than 8 characters");
  // Characters, not bytes: 7 characters in 12 bytes.
  EXPECT_EQ(rule_code("Éééééé1"), ErrorCode::PASSWORD_TOO_WEAK);
}

TEST(PasswordRule, EachMissingClassIsNamed) {
  EXPECT_EQ(rule_detail("abcdefg1"), "no upper-case letter");
  EXPECT_EQ(rule_detail("ABCDEFG1"), "no lower-case letter");
  EXPECT_EQ(rule_detail("Abcdefgh"), "no digit");
  EXPECT_EQ(rule_detail("жираф1234"), "no upper-case letter");
  EXPECT_EQ(rule_detail("ЖИРАФ1234"), "no lower-case letter");
  EXPECT_EQ(rule_detail("密码密码密码12"), "no upper-case letter, no lower-case letter");
  EXPECT_EQ(rule_detail("        "), "no upper-case letter, no lower-case letter, no digit");
  EXPECT_EQ(rule_detail("a"), "fewer than 8 characters, no upper-case letter, no digit");
  for (const auto* weak : {"abcdefg1", "ABCDEFG1", "Abcdefgh", "a"}) {
    EXPECT_EQ(rule_code(weak), ErrorCode::PASSWORD_TOO_WEAK) << weak;
  }
}

TEST(PasswordRule, LengthLimitIsInCharacters) {
  const std::string ascii255 = "Aa1" + std::string(252, 'x');
  EXPECT_NO_THROW(check_password_rule(ascii255));
  EXPECT_EQ(rule_code(ascii255 + "x"), ErrorCode::PASSWORD_TOO_LONG);

  const std::string accented255 = "Éa1" + repeat("é", 252);  // 507 bytes, 255 characters
  EXPECT_NO_THROW(check_password_rule(accented255));
  EXPECT_EQ(rule_code(accented255 + "é"), ErrorCode::PASSWORD_TOO_LONG);

  // Decomposed input is counted after NFC: 255 characters, 509 code points as typed.
  const std::string decomposed = "Aa1" + repeat("e\u0301", 252);
  EXPECT_NO_THROW(check_password_rule(decomposed));

  EXPECT_EQ(rule_code("Aa1" + std::string(1 << 20, 'x')), ErrorCode::PASSWORD_TOO_LONG);
}

TEST(PasswordRule, InvalidUtf8) {
  EXPECT_EQ(rule_code("Abcdefg1\xff"), ErrorCode::INVALID_UTF8);
  EXPECT_EQ(rule_code("Abcdefg1\xc0\xaf"), ErrorCode::INVALID_UTF8);      // overlong '/'
  EXPECT_EQ(rule_code("Abcdefg1\xed\xa0\x80"), ErrorCode::INVALID_UTF8);  // surrogate
  EXPECT_EQ(rule_code("Abcdefg1\xc3"), ErrorCode::INVALID_UTF8);          // truncated
}

// What a refusal says must never echo the password (logs, API responses, screens).
void expect_no_echo(std::string_view password, const std::function<void()>& call) {
  try {
    call();
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    for (const std::string& text : {std::string(e.what()), e.detail(), e.message(Language::French),
                                    e.message(Language::English)}) {
      EXPECT_EQ(text.find(password), std::string::npos) << code_name(e.code());
    }
  }
}

TEST(PasswordRule, NoErrorTextContainsThePassword) {
  const std::string long_one = "Qz9" + std::string(300, 'w');
  for (const std::string& password :
       {std::string("Qz9wk"), std::string("qzvwkjpx9"), std::string("QZVWKJPX9"),
        std::string("Qzvwkjpxy"), long_one, std::string("Qzvwkj9\xff")}) {
    expect_no_echo(password, [&] { check_password_rule(password); });
  }
}

// ---------------------------------------------------------------------------------------------
// Policy

const PersonalInfo kJean{"Jean-Marc", "Dupont", "jeanmarc.dupont0312"};

ErrorCode policy_code(std::string_view password, const PersonalInfo& person = kJean) {
  const auto code = code_of([&] { check_password_policy(password, person); });
  EXPECT_TRUE(code.has_value()) << "accepted";
  return code.value_or(ErrorCode::INTERNAL_ERROR);
}

TEST(PasswordPolicy, AcceptsUnrelatedPasswords) {
  EXPECT_NO_THROW(check_password_policy("Tournesol42Bleu", kJean));
  EXPECT_NO_THROW(check_password_policy("Ébène1234", kJean));
  EXPECT_NO_THROW(check_password_policy("Soleil123Lune", kJean));  // a common one, extended
  EXPECT_NO_THROW(check_password_policy("Girafe8Violette", PersonalInfo{}));
}

TEST(PasswordPolicy, RefusesNames) {
  EXPECT_EQ(policy_code("Dupont2012Xy"), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("xyDUPONT99"), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("Jeanmarc1X"), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("Jean-Marc1X"), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("Marc1234Zz"), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);  // one word
  EXPECT_EQ(policy_code("Ma.Jean.9Z"), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
}

TEST(PasswordPolicy, DetailNamesTheField) {
  const auto detail = [](std::string_view password, const PersonalInfo& person) {
    try {
      check_password_policy(password, person);
    } catch (const Error& e) {
      return e.detail();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(detail("Jean1234Zz", kJean), "first name");
  EXPECT_EQ(detail("Dupont12Zz", kJean), "last name");
  EXPECT_EQ(detail("Dupont12Zz", PersonalInfo{"", "", "paul.dupont1203"}), "username");
}

TEST(PasswordPolicy, IgnoresCaseAccentsAndScript) {
  const PersonalInfo eloise{"Éloïse", "Lefèvre", "eloise.lefevre0101"};
  EXPECT_EQ(policy_code("Eloise2012A", eloise), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("ÉLOÏSE99a", eloise), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("xLEFEVREx9", eloise), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  // Decomposed accents in the password.
  EXPECT_EQ(policy_code("E\u0301loi\u0308se2012A", eloise),
            ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  const PersonalInfo anna{"Анна", "Иванова", "anna.ivanova0505"};
  EXPECT_EQ(policy_code("Anna2010xZ", anna), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("Анна2010xZ", anna), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
}

TEST(PasswordPolicy, IgnoresShortNameKeys) {
  const PersonalInfo li{"Li", "Le Gall", "li.legall0101"};
  EXPECT_NO_THROW(check_password_policy("Lily2012Xq", li));  // "li" is too short to refuse
  EXPECT_NO_THROW(check_password_policy("Lemon2012X", li));  // "le" likewise
  EXPECT_EQ(policy_code("Gall2012Xq", li), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("Zoe12345Q", PersonalInfo{"Zoé", "", ""}),
            ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
}

TEST(PasswordPolicy, RefusesUsernameAndItsParts) {
  const PersonalInfo only_username{"", "", "camille.martin1503"};
  EXPECT_EQ(policy_code("Camille7Xy!", only_username), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("xMARTIN9q", only_username), ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("Camille.Martin9", only_username),
            ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  EXPECT_EQ(policy_code("camillemartin1503X", only_username),
            ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
}

TEST(PasswordPolicy, RefusesCommonPasswordsAndVariants) {
  const PersonalInfo nobody{};
  for (const auto* common : {"Azerty123", "azerty2024!", "AZERTY1", "12Azerty", "Motdepasse1",
                             "MotDePasse2024", "Password1", "Soleil123", "Marseille13", "Passw0rd!",
                             "P@ssw0rd1", "Qwerty123", "Azertyuiop2"}) {
    EXPECT_EQ(policy_code(common, nobody), ErrorCode::PASSWORD_TOO_COMMON) << common;
  }
}

TEST(PasswordPolicy, EveryListedPasswordPassesTheRuleAndIsRefused) {
  const auto list = detail::common_passwords();
  EXPECT_GE(list.size(), 100U);
  for (const auto password : list) {
    EXPECT_NO_THROW(check_password_rule(password)) << password;
    EXPECT_EQ(policy_code(password, PersonalInfo{}), ErrorCode::PASSWORD_TOO_COMMON) << password;
  }
}

TEST(PasswordPolicy, PersonalInfoTakesPrecedenceAndNothingIsEchoed) {
  EXPECT_EQ(policy_code("Dupont123", PersonalInfo{"", "Dupont", ""}),
            ErrorCode::PASSWORD_CONTAINS_PERSONAL_INFO);
  expect_no_echo("Dupont12Zz", [] { check_password_policy("Dupont12Zz", kJean); });
  expect_no_echo("Azerty123", [] { check_password_policy("Azerty123", kJean); });
}

TEST(PasswordPolicy, InvalidUtf8) {
  EXPECT_EQ(policy_code("Abcdefg1\xff"), ErrorCode::INVALID_UTF8);
  // A garbled name is skipped rather than blamed on the password.
  EXPECT_NO_THROW(check_password_policy("Tournesol42", PersonalInfo{"Jo\xffrge", "", ""}));
}

// ---------------------------------------------------------------------------------------------
// Argon2id

TEST(PasswordHash, PhcFormat) {
  const std::string hash = hash_password("Abcdefg1", kFast);
  const std::regex phc(R"(\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43})");
  EXPECT_TRUE(std::regex_match(hash, phc)) << hash;
  const std::string other = hash_password("Abcdefg1", HashParameters{2048, 3, 2});
  EXPECT_TRUE(other.starts_with("$argon2id$v=19$m=2048,t=3,p=2$")) << other;
}

TEST(PasswordHash, VerifiesRightAndRefusesWrong) {
  const std::string hash = hash_password("Ébène1234", kFast);
  EXPECT_TRUE(verify_password("Ébène1234", hash));
  EXPECT_FALSE(verify_password("ébène1234", hash));
  EXPECT_FALSE(verify_password("Ébène123", hash));
  EXPECT_FALSE(verify_password("", hash));
}

TEST(PasswordHash, SaltsDiffer) {
  const std::string first = hash_password("Abcdefg1", kFast);
  const std::string second = hash_password("Abcdefg1", kFast);
  EXPECT_NE(first, second);
  EXPECT_NE(first.substr(0, first.rfind('$')), second.substr(0, second.rfind('$')));
  EXPECT_TRUE(verify_password("Abcdefg1", first));
  EXPECT_TRUE(verify_password("Abcdefg1", second));
}

TEST(PasswordHash, NormalisationFormDoesNotMatter) {
  const std::string composed = "\u00C9b\u00E8ne1234";
  const std::string decomposed = "E\u0301be\u0300ne1234";
  EXPECT_TRUE(verify_password(decomposed, hash_password(composed, kFast)));
  EXPECT_TRUE(verify_password(composed, hash_password(decomposed, kFast)));
}

TEST(PasswordHash, EmbeddedNulIsPartOfThePassword) {
  const std::string with_nul("Abc\0defg1", 9);
  const std::string hash = hash_password(with_nul, kFast);
  EXPECT_TRUE(verify_password(with_nul, hash));
  EXPECT_FALSE(verify_password("Abc", hash));
}

TEST(PasswordHash, RefusesParametersLibargon2WouldRefuse) {
  for (const HashParameters& bad :
       {HashParameters{1024, 0, 1}, HashParameters{1024, 1, 0}, HashParameters{4, 1, 1},
        HashParameters{1024, 1, 200}, HashParameters{1024, 100000, 1}}) {
    EXPECT_EQ(code_of([&] { hash_password("Abcdefg1", bad); }), ErrorCode::INVALID_ARGUMENT);
  }
}

TEST(PasswordHash, DefaultParametersCostTensOfMilliseconds) {
  const HashParameters defaults;
  EXPECT_EQ(defaults, (HashParameters{19456, 2, 1}));
  const auto start = std::chrono::steady_clock::now();
  const std::string hash = hash_password("Abcdefg1");
  const double hash_ms = milliseconds_since(start);
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
  const auto verify_start = std::chrono::steady_clock::now();
  EXPECT_TRUE(verify_password("Abcdefg1", hash));
  const double verify_ms = milliseconds_since(verify_start);
  std::printf("[ timing   ] Argon2id m=19456 t=2 p=1: hash %.1f ms, verify %.1f ms\n", hash_ms,
              verify_ms);
  RecordProperty("hash_ms", std::to_string(hash_ms));
  // Not a benchmark: only catches an order-of-magnitude mistake (wrong unit for m, say).
  EXPECT_GT(hash_ms, 2.0);
  EXPECT_LT(hash_ms, 2000.0);
}

TEST(PasswordHash, ParseParameters) {
  const auto params = parse_hash_parameters(hash_password("Abcdefg1", HashParameters{2048, 3, 2}));
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(*params, (HashParameters{2048, 3, 2}));
  EXPECT_FALSE(
      parse_hash_parameters("$2b$04$8tFasqYvkHpqVom0yI.opeuB3VlCdRrrcHSbJXMoF5hb9Ua3lnB2q"));
  EXPECT_FALSE(parse_hash_parameters("$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"));
  EXPECT_FALSE(parse_hash_parameters("garbage"));
  EXPECT_FALSE(parse_hash_parameters("$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ"));
  EXPECT_FALSE(parse_hash_parameters("$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdA$aGFzaA"));
  // Version is optional in the format (v=16 hashes omitted it).
  EXPECT_TRUE(parse_hash_parameters("$argon2id$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"));
}

TEST(PasswordHash, NeedsRehash) {
  const std::string weak = hash_password("Abcdefg1", kFast);
  EXPECT_FALSE(needs_rehash(weak, kFast));
  EXPECT_FALSE(needs_rehash(weak, HashParameters{512, 1, 1}));  // stronger than asked: keep
  EXPECT_TRUE(needs_rehash(weak, HashParameters{}));
  EXPECT_TRUE(needs_rehash(weak, HashParameters{2048, 1, 1}));
  EXPECT_TRUE(needs_rehash(weak, HashParameters{1024, 2, 1}));
  EXPECT_TRUE(needs_rehash(weak, HashParameters{1024, 1, 2}));
  EXPECT_TRUE(needs_rehash("$2b$04$8tFasqYvkHpqVom0yI.opeuB3VlCdRrrcHSbJXMoF5hb9Ua3lnB2q", kFast));
  EXPECT_TRUE(needs_rehash("", kFast));
  EXPECT_TRUE(needs_rehash("$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", kFast));
}

TEST(PasswordHash, GarbledStoredHashesAreFalseNeverThrow) {
  const std::string good = hash_password("Abcdefg1", kFast);
  std::string flipped = good;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  const std::string huge_memory =
      "$argon2id$v=19$m=4294967295,t=1,p=1" + good.substr(good.find("$", 30));
  const std::string huge_time =
      "$argon2id$v=19$m=1024,t=4294967295,p=1" + good.substr(good.find("$", 30));
  for (const std::string& garbled :
       {std::string(), std::string("Abcdefg1"), std::string("$argon2id$"), flipped,
        good.substr(0, good.size() - 1), good.substr(0, good.rfind('$')), good + "=", good + "$",
        "$argon2i" + good.substr(9), "$argon2d" + good.substr(9), huge_memory, huge_time,
        std::string("$argon2id$v=19$m=1024,t=1,p=1$$"), std::string("$2b$04$short"),
        std::string("$2b$31$8tFasqYvkHpqVom0yI.opeuB3VlCdRrrcHSbJXMoF5hb9Ua3lnB2q"),
        std::string("$2b$04$8tFasqYvkHpqVom0yI.opeuB3VlCdRrrcHSbJXMoF5hb9Ua3lnB2"),
        std::string("$1$saltsalt$Abcdefg1xxxxxxxxxxxxx"), std::string("\0\0\0", 3)}) {
    bool result = true;
    EXPECT_NO_THROW(result = verify_password("Abcdefg1", garbled)) << garbled;
    EXPECT_FALSE(result) << garbled;
  }
}

// ---------------------------------------------------------------------------------------------
// bcrypt

std::string bcrypt(const std::string& password, int cost) {
  auto data = std::make_unique<crypt_data>();
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting,
                             sizeof setting),
            nullptr);
  const char* hash = crypt_r(password.c_str(), setting, data.get());
  EXPECT_NE(hash, nullptr);
  return hash;
}

TEST(PasswordBcrypt, GeneratedHashVerifies) {
  const std::string hash = bcrypt("Ancien1234", 4);
  ASSERT_TRUE(hash.starts_with("$2b$04$")) << hash;
  EXPECT_TRUE(verify_password("Ancien1234", hash));
  EXPECT_FALSE(verify_password("Ancien12345", hash));
  EXPECT_FALSE(verify_password("ancien1234", hash));
  // crypt_r would stop at the NUL and see "Ancien1234": refused instead.
  EXPECT_FALSE(verify_password(std::string("Ancien1234\0x", 12), hash));
  EXPECT_TRUE(needs_rehash(hash, kFast));
}

TEST(PasswordBcrypt, KnownVectors) {
  // From the crypt_blowfish test suite (Openwall).
  EXPECT_TRUE(
      verify_password("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(
      verify_password("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(
      verify_password("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_FALSE(
      verify_password("U*V", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(
      verify_password("\xa3", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"));
  EXPECT_TRUE(
      verify_password("\xa3", "$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"));
  // The case where $2a$ (the corrected 8-bit handling) and $2y$ differ.
  EXPECT_TRUE(verify_password("\xff\xff\xa3",
                              "$2a$05$/OK.fbVrR/bpIqNJ5ianF.nqd1wy.pTMdcvrRWxyiGL2eMz.2a85."));
  EXPECT_TRUE(verify_password("\xff\xff\xa3",
                              "$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"));
  EXPECT_FALSE(verify_password("\xff\xff\xa3",
                               "$2a$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"));
  // $2x$ (the buggy pre-2011 variant) is not accepted.
  EXPECT_FALSE(
      verify_password("U*U", "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
}

TEST(PasswordBcrypt, EitherNormalisationFormMatches) {
  const std::string composed = "\u00C9b\u00E8ne1234";
  const std::string decomposed = "E\u0301be\u0300ne1234";
  EXPECT_TRUE(verify_password(composed, bcrypt(composed, 4)));
  EXPECT_TRUE(verify_password(decomposed, bcrypt(decomposed, 4)));
  EXPECT_TRUE(verify_password(decomposed, bcrypt(composed, 4)));
}

// ---------------------------------------------------------------------------------------------
// Temporary passwords and tokens

TEST(TemporaryPassword, ShapeAlphabetAndSpread) {
  const std::regex shape("[abcdefghjkmnpqrstuvwxyz]{6}[2-9]{2}");
  std::set<std::string> seen;
  std::set<char> letters;
  std::set<char> digits;
  for (int i = 0; i < 1000; ++i) {
    const std::string password = temporary_password();
    ASSERT_TRUE(std::regex_match(password, shape)) << password;
    seen.insert(password);
    letters.insert(password.begin(), password.begin() + 6);
    digits.insert(password.begin() + 6, password.end());
  }
  // 9.5e9 possibilities: a collision among 1000 has probability 5e-5.
  EXPECT_GE(seen.size(), 999U);
  EXPECT_EQ(letters.size(), kTemporaryLetters.size());
  EXPECT_EQ(digits.size(), kTemporaryDigits.size());
}

TEST(Token, ShapeAndUniqueness) {
  const std::regex shape("[A-Za-z0-9_-]{43}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string token = random_token();
    ASSERT_TRUE(std::regex_match(token, shape)) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 1000U);
}

TEST(Token, DigestIsSha256Hex) {
  EXPECT_EQ(token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(token_digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string token = random_token();
  EXPECT_EQ(token_digest(token), token_digest(token));
  EXPECT_NE(token_digest(token), token_digest(random_token()));
  EXPECT_TRUE(std::regex_match(token_digest(token), std::regex("[0-9a-f]{64}")));
}

// ---------------------------------------------------------------------------------------------
// Concurrency bound and timing equaliser

// Restores the default limit whatever the test does.
struct LimitGuard {
  ~LimitGuard() { set_max_concurrent_hashes(0); }
};

void hash_in_threads(int threads, int per_thread) {
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([per_thread] {
      for (int i = 0; i < per_thread; ++i) {
        const std::string hash = hash_password("Abcdefg1", HashParameters{4096, 1, 1});
        EXPECT_TRUE(verify_password("Abcdefg1", hash));
      }
    });
  }
  for (auto& worker : workers) worker.join();
}

TEST(HashConcurrency, LimitOneSerialises) {
  const LimitGuard guard;
  set_max_concurrent_hashes(1);
  EXPECT_EQ(max_concurrent_hashes(), 1U);
  detail::reset_peak_concurrent_hashes();
  hash_in_threads(8, 3);
  EXPECT_EQ(detail::peak_concurrent_hashes(), 1U);
}

TEST(HashConcurrency, LimitIsAnUpperBound) {
  const LimitGuard guard;
  set_max_concurrent_hashes(2);
  detail::reset_peak_concurrent_hashes();
  hash_in_threads(8, 3);
  EXPECT_GE(detail::peak_concurrent_hashes(), 1U);
  EXPECT_LE(detail::peak_concurrent_hashes(), 2U);
}

TEST(HashConcurrency, ZeroRestoresTheDefault) {
  set_max_concurrent_hashes(3);
  EXPECT_EQ(max_concurrent_hashes(), 3U);
  set_max_concurrent_hashes(0);
  EXPECT_EQ(max_concurrent_hashes(), std::max(1U, std::thread::hardware_concurrency()));
}

TEST(HashConcurrency, RaisingTheLimitWakesWaiters) {
  const LimitGuard guard;
  set_max_concurrent_hashes(1);
  std::atomic<int> done{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&done] {
      burn_verification_time("Abcdefg1", kFast);
      ++done;
    });
  }
  set_max_concurrent_hashes(4);
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(done.load(), 8);
}

TEST(BurnVerificationTime, TakesAboutAsLongAsAVerification) {
  const HashParameters params{8192, 2, 1};
  const std::string hash = hash_password("Abcdefg1", params);
  burn_verification_time("Abcdefg1", params);  // computes the dummy once
  std::vector<double> burn;
  std::vector<double> verify;
  for (int i = 0; i < 7; ++i) {
    auto start = std::chrono::steady_clock::now();
    burn_verification_time("Wrong1234", params);
    burn.push_back(milliseconds_since(start));
    start = std::chrono::steady_clock::now();
    EXPECT_FALSE(verify_password("Wrong1234", hash));
    verify.push_back(milliseconds_since(start));
  }
  std::sort(burn.begin(), burn.end());
  std::sort(verify.begin(), verify.end());
  const double ratio = burn[3] / verify[3];
  EXPECT_GT(ratio, 0.33) << burn[3] << " ms vs " << verify[3] << " ms";
  EXPECT_LT(ratio, 3.0) << burn[3] << " ms vs " << verify[3] << " ms";
}

}  // namespace
}  // namespace inscrire
