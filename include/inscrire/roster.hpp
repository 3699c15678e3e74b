// A school's roster as read from a file: one entry per pupil, plus what was skipped and every
// error found. Reading never touches the database; import (service.hpp) writes the result.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"
#include "inscrire/records.hpp"

namespace inscrire {

enum class Sex { Male, Female };

// One pupil of the file (a SIECLE ELEVE or a CSV line), already validated.
struct RosterEntry {
  std::string ine;  // ID_NATIONAL / "Identifiant unique"
  std::string first_name;
  std::string second_name;
  std::string third_name;
  std::string last_name;   // NOM_DE_FAMILLE
  std::string usage_name;  // NOM_USAGE, may be empty
  BirthDate birthdate;
  Sex sex = Sex::Male;
  std::string division;  // the class, e.g. "5A"
  std::string birth_country_code;
  std::string birth_department_code;
  std::string birth_city_code;
  std::string birth_city_name;
  std::string mef_code;
  std::string status;  // ST or AP
};

// Why a pupil of the file was not imported (counted in the report).
enum class SkipReason : std::uint8_t { Left, NoIne, NoDivision };
inline constexpr std::size_t kSkipReasonCount = 3;
std::string_view skip_reason_name(SkipReason reason) noexcept;  // "left", "no_ine", "no_division"

// One problem found in a file. `ine` (XML) or `line` (CSV, header = 1) says where; `field`
// names the element or column; `pupil_id` is the ELEVE_ID when the INE is missing; `detail`
// says more when the code alone cannot (the parser's message for INVALID_FILE, the value
// refused), in English, never a secret.
// One problem found in a roster file: `line` (CSV) or `ine` and `pupil_id` (XML) say where
// (records.hpp explains the list).
#define INSCRIRE_ROSTER_ERROR_FIELDS(FIELD, COMPOUND)                 \
  FIELD(ErrorCode, code, always)                                      \
  FIELD(std::string, ine, unless_empty)                               \
  FIELD(std::string, pupil_id, unless_empty) /* ELEVE_ID in SIECLE */ \
  FIELD(int, line, unless_empty)                                      \
  FIELD(std::string, field, unless_empty)                             \
  FIELD(std::string, detail, always)
struct RosterError {
  INSCRIRE_ROSTER_ERROR_FIELDS(INSCRIRE_RECORD_MEMBER, INSCRIRE_RECORD_MEMBER)
};
INSCRIRE_DESCRIBE_RECORD(RosterError, INSCRIRE_ROSTER_ERROR_FIELDS)

struct ParsedRoster {
  std::string uai;  // PARAMETRES/UAJ for SIECLE XML; empty for CSV
  std::vector<RosterEntry> entries;
  std::array<int, kSkipReasonCount> skipped{};
  std::vector<RosterError> errors;  // file-level errors first, then in file order

  int skipped_total() const noexcept { return skipped[0] + skipped[1] + skipped[2]; }
};

}  // namespace inscrire
