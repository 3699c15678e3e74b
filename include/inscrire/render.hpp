// The documents the surfaces hand out, made from the service's data: the printable class sheet
// and staff invitation (HTML), the credentials of a class (CSV) and the export of a learner
// (JSON). Rendering reads nothing from the database and changes nothing; the C ABI, Python and
// the CLI give these bytes as they are.
//
// Thread safety: every function here may be called from any number of threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "inscrire/qr_code.hpp"
#include "inscrire/service.hpp"

namespace inscrire {

// The class sheet: an HTML page in French with the school, the campaign (its name, its
// division if any, its code spaced as "ABCDEF 234"), the direct link and its QR code when the
// sheet has one, and the steps a pupil follows. Every value is HTML-escaped.
std::string class_sheet_html(const ClassSheet& sheet);

// The address a staff invitation links to: `base_url` (the platform's address; trailing '/'
// dropped) + "/admin/invitation/" + `code`, the page of the web application that accepts it.
// Throws Error(INVALID_ARGUMENT) for a base URL the class sheet refuses too: not http:// or
// https://, characters outside printable ASCII, a space, a quote, an angle bracket or a
// backslash, or over 200 characters.
std::string invitation_link(std::string_view base_url, std::string_view code);

// The staff invitation sheet: an HTML page in French for the person invited into the team of
// `school_name`: the school and its UAI, the role (« Administrateur » or « Membre ») and what it
// allows, the expiry (UTC), the code, the link of invitation_link and its QR code, and the steps
// to create the account. Every value is HTML-escaped; the page has no script and loads nothing.
// Throws Error(INVALID_ARGUMENT) for an invitation without its code (only invite_staff's result
// has it) and for a base URL invitation_link refuses.
std::string invitation_sheet_html(const StaffInvitation& invitation, std::string_view school_name,
                                  std::string_view base_url);

// The per-pupil slips of a credential generation (docs/rules.md §10): A4 pages of `per_page`
// slips (8, with cut marks, or 1; else Error(INVALID_ARGUMENT)), one per row, in the rows'
// order: school, class, first and last name, username, the temporary password only for a row
// that has one (« ton mot de passe habituel » otherwise) with the day in France it expires, the
// sign-in link `base_url` with its QR code (left out when empty; refused as by
// checked_base_url), and the three steps. Every value is HTML-escaped; no script, nothing
// loaded. The page holds passwords: hand it out once, never cache it.
std::string credential_slips_html(const Credentials& credentials, std::string_view base_url = {},
                                  int per_page = 8);

// `text` with &, <, >, " and ' replaced by their entities: safe in HTML text and attributes.
std::string html_escape(std::string_view text);

// One CSV cell: `value` as is, or between double quotes (inner quotes doubled) when it holds
// ';', '"', CR or LF. A value beginning with '=', '+', '-', '@', a tab or a carriage return is
// first prefixed with "'", so that no spreadsheet runs it as a formula (OWASP CSV injection).
std::string csv_cell(std::string_view value);

// "Classe;Nom;Prénom;Identifiant;Mot de passe" then one line per row, cells from csv_cell,
// lines ended by CRLF, in UTF-8 with a byte order mark (spreadsheets need it).
std::string credentials_csv(const Credentials& credentials);

// "2026-12-01T23:04:38Z": unix seconds as an ISO 8601 UTC time, as every surface writes times.
std::string iso8601_utc(std::int64_t unix_seconds);

// The teacher's list of a campaign (Service::campaign_participants):
// "Classe;Nom;Prénom;Identifiant;Statut;Commencé le;Partagé le;Hors classe", then one line per
// learner, the status as its stable code (NOT_JOINED, STARTED, TO_SHARE, SHARED), times from
// iso8601_utc (empty when not reached), « oui » under « Hors classe » for a learner of another
// division who joined with this code (docs/rules.md §10); cells from csv_cell, CRLF, UTF-8 with
// a byte order mark.
std::string participants_csv(const std::vector<Participant>& participants);

// One JSON object: "school" (uai, name), "learner" (every roster field, the birth date in ISO
// form, "disabled"), "account" (only when a learner has one; never its password hash) and
// "participations" (status, and campaign code, name and division when known).
std::string learner_export_json(const LearnerExport& exported);

}  // namespace inscrire
