// Planning a roster import (docs/rules.md §R, "Re-import semantics"): which rows of the school are
// inserted, updated, disabled, re-enabled and linked automatically to an existing account,
// decided from the rows the school has, the file's entries and the accounts the file's INEs
// have in other schools. Pure computation: no storage, no clock. The service reads the inputs
// and applies the plan in one transaction (src/service/roster.cpp).
//
// Thread safety: every function here is reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "inscrire/roster.hpp"

namespace inscrire {

// The imported fields of an entry (all but the INE) joined: a stored row whose fields give the
// same string holds what the file says, and is not rewritten.
std::string imported_fields(const RosterEntry& entry);

// A row of the school as stored, as much as planning needs of it.
struct SchoolRow {
  std::int64_t learner_id = 0;
  std::string ine;
  bool disabled = false;
  bool linked = false;  // the row has an account
  std::string fields;   // imported_fields of the stored row
};

// A learner of any school linked to an account.
struct LinkedLearner {
  std::int64_t learner_id = 0;
  std::int64_t organization_id = 0;
  std::string ine;
  BirthDate birthdate;
  std::int64_t user_id = 0;
};

// A row of the school whose imported fields differ from entry `entry` of the file.
struct RowUpdate {
  std::int64_t learner_id = 0;
  std::size_t entry = 0;
};

// Step 3: the unlinked row of `entry` receives account `user_id`. `learner_id` is the existing
// row, or 0 for the row inserted for `entry` (inserted with its link).
struct AutomaticLink {
  std::int64_t learner_id = 0;
  std::size_t entry = 0;
  std::int64_t user_id = 0;
};

// What an import writes. Entries are referred to by their index in the file's entries.
struct ImportPlan {
  std::vector<std::size_t> inserts;     // entries whose INE the school lacks, in file order
  std::vector<RowUpdate> updates;       // rows whose imported fields changed (enabled or not)
  std::vector<std::int64_t> reenables;  // disabled rows that are in the file again
  std::vector<std::int64_t> disables;   // enabled rows whose INE is not in the file
  std::vector<AutomaticLink> links;
  // The report's "updated": updates of rows that were enabled (a re-enabled row counts as
  // re-enabled only, whether its fields changed or not).
  int updated = 0;
};

// Plans the import of `entries` (INEs distinct, as the readers guarantee) into school
// `organization_id`, whose rows are `school`.
//
// `linked` must hold every learner, of any school, linked to an account that is linked to a
// learner of another school holding one of the file's INEs (duplicates are harmless). From it,
// an entry whose row is new or unlinked gets the account its INE has in another school with
// the same birth date, unless several accounts qualify, or the account is already linked to a
// learner of this school or to a learner with a different INE.
ImportPlan plan_import(std::int64_t organization_id, std::span<const SchoolRow> school,
                       std::span<const RosterEntry> entries, std::span<const LinkedLearner> linked);

}  // namespace inscrire
