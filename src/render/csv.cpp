// CSV for spreadsheets: the credentials of a class, one cell at a time through csv_cell.
#include <string>
#include <string_view>

#include "inscrire/render.hpp"

namespace inscrire {

std::string csv_cell(std::string_view value) {
  if (value.find_first_of(";\"\r\n") == std::string_view::npos) return std::string(value);
  std::string quoted = "\"";
  for (const char c : value) {
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

}  // namespace inscrire
