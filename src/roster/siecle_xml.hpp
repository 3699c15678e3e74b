// Internal: the SIECLE XML reader (siecle_xml.cpp).
#pragma once

#include <string_view>

#include "inscrire/roster.hpp"
#include "roster/input.hpp"

namespace inscrire::detail {

// Reads the SIECLE XML document `input` holds (its shape already detected). PARAMETRES/UAJ must
// equal `expected_uai` unless that is empty. Problems go to ParsedRoster::errors; only an
// exception of the caller's progress callback leaves.
ParsedRoster parse_siecle_xml(Input& input, std::string_view expected_uai);

}  // namespace inscrire::detail
