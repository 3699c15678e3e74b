// Internal: the CSV roster reader (csv_reader.cpp).
#pragma once

#include "inscrire/roster.hpp"
#include "roster/input.hpp"

namespace inscrire::detail {

// Reads the CSV variant `input` holds (its shape already detected). Problems go to
// ParsedRoster::errors; only an exception of the caller's progress callback leaves.
ParsedRoster parse_roster_csv(Input& input);

}  // namespace inscrire::detail
