// Campaigns and their codes (docs/rules.md §5), domain part: drawing a code, reading what a pupil
// typed, and the Campaign value the store returns. Uniqueness of codes is the store's job
// (a UNIQUE constraint; the caller draws again on conflict).
//
// Thread safety: every function may be called from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "inscrire/records.hpp"

namespace inscrire {

// No I, L, O (they read as 1, 1, 0) and no 0, 1.
inline constexpr std::string_view kCodeLetters = "ABCDEFGHJKMNPQRSTUVWXYZ";
inline constexpr std::string_view kCodeDigits = "23456789";
inline constexpr std::size_t kCodeLetterCount = 6;
inline constexpr std::size_t kCodeDigitCount = 3;
inline constexpr std::size_t kCodeLength = kCodeLetterCount + kCodeDigitCount;

// A fresh code: 6 letters from kCodeLetters then 3 digits from kCodeDigits, each drawn
// independently from the cryptographic RNG without modulo bias (23^6 * 8^3, about 7.5e10 codes).
// Throws Error(INTERNAL_ERROR) if the RNG fails.
std::string generate_campaign_code();

// What a pupil typed -> canonical form: ASCII letters upper-cased; white space (ASCII blanks,
// NBSP U+00A0, U+202F and the other Unicode spaces, zero-width spaces) and hyphens/dashes ("-",
// U+2010 to U+2015, U+2212 minus) removed; anything else kept as is. "abc-def 234" ->
// "ABCDEF234". Returns the canonical string even when it is not a well-formed code: the lookup
// decides (and answers CAMPAIGN_NOT_FOUND). Throws only Error(INVALID_UTF8).
std::string canonical_campaign_code(std::string_view typed);

// True for exactly 6 characters of kCodeLetters followed by 3 of kCodeDigits.
bool is_well_formed_campaign_code(std::string_view canonical) noexcept;

enum class CampaignStatus { Active, Archived, Deleted };

// "active", "archived", "deleted": the spelling the SQLite store writes; one spelling for every
// surface.
std::string_view campaign_status_name(CampaignStatus status) noexcept;
// The inverse of campaign_status_name; nullopt for anything else.
std::optional<CampaignStatus> campaign_status_from_name(std::string_view name) noexcept;

// A campaign and the code pupils type to join it (records.hpp explains the list).
#define INSCRIRE_CAMPAIGN_FIELDS(FIELD, COMPOUND)                                        \
  FIELD(std::int64_t, id, internal)                                                      \
  FIELD(std::int64_t, organization_id, internal)                                         \
  FIELD(std::string, code, always)                                                       \
  FIELD(std::string, name, always)                                                       \
  FIELD(std::string, uai, always)            /* its school */                            \
  FIELD(std::string, division, unless_empty) /* empty: the whole school */               \
  FIELD(std::string, target_profile, unless_empty)                                       \
  FIELD(CampaignStatus, status, always)                                                  \
  FIELD(std::string, created_at, always) /* as the store wrote it */                     \
  FIELD(std::optional<std::int64_t>, owner_staff_id, internal)                           \
  FIELD(std::string, owner_subject, internal) /* asserted: issuer LF subject */          \
  /* the owner: a staff member's username, or an asserted subject (docs/rules.md §9) */ \
  FIELD(std::string, owner, unless_empty)
struct Campaign {
  INSCRIRE_CAMPAIGN_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(Campaign, INSCRIRE_CAMPAIGN_FIELDS)

}  // namespace inscrire
