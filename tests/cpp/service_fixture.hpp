// A Service on a real SQLite file in a fresh temporary directory, and small roster builders.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "inscrire/service.hpp"
#include "temporary_directory.hpp"

namespace inscrire::testing {

inline constexpr const char* kSampleUai = "0751234A";
inline constexpr const char* kGoodPassword = "Tournesol42";

// Cheap Argon2 parameters: the tests exercise the flow, not the KDF's cost.
inline ServiceOptions fast_options() {
  ServiceOptions options;
  options.hash_parameters = {1024, 1, 1};
  return options;
}

// One pupil of a hand-made SIECLE file.
struct Pupil {
  std::string ine;
  std::string first_name;
  std::string last_name;
  std::string birthdate;  // DD/MM/YYYY
  std::string division = "5A";
  std::string usage_name = {};
  std::string second_name = {};
  std::string third_name = {};
};

// A UTF-8 SIECLE export holding `pupils`, for school `uai`.
inline std::string siecle_xml(const std::string& uai, const std::vector<Pupil>& pupils) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BEE_ELEVES VERSION=\"3.1\">\n"
      "<PARAMETRES><UAJ>" +
      uai + "</UAJ></PARAMETRES>\n<DONNEES><ELEVES>\n";
  int id = 1;
  for (const auto& p : pupils) {
    xml += "<ELEVE ELEVE_ID=\"" + std::to_string(id++) + "\"><ID_NATIONAL>" + p.ine +
           "</ID_NATIONAL><NOM_DE_FAMILLE>" + p.last_name + "</NOM_DE_FAMILLE><NOM_USAGE>" +
           p.usage_name + "</NOM_USAGE><PRENOM>" + p.first_name + "</PRENOM><PRENOM2>" +
           p.second_name + "</PRENOM2><PRENOM3>" + p.third_name +
           "</PRENOM3><CODE_SEXE>1</CODE_SEXE><DATE_NAISS>" + p.birthdate +
           "</DATE_NAISS><CODE_PAYS>100</CODE_PAYS><CODE_COMMUNE_INSEE_NAISS>75056"
           "</CODE_COMMUNE_INSEE_NAISS><CODE_STATUT>ST</CODE_STATUT><DATE_SORTIE/></ELEVE>\n";
  }
  xml += "</ELEVES><STRUCTURES>\n";
  id = 1;
  for (const auto& p : pupils) {
    xml += "<STRUCTURES_ELEVE ELEVE_ID=\"" + std::to_string(id++) +
           "\"><STRUCTURE><CODE_STRUCTURE>" + p.division +
           "</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>\n";
  }
  return xml + "</STRUCTURES></DONNEES></BEE_ELEVES>\n";
}

class ServiceTest : public ::testing::Test {
 protected:
  std::filesystem::path database() const { return directory_.path() / "inscrire.db"; }
  std::filesystem::path sample_roster() const {
    return std::filesystem::path(INSCRIRE_DATA_DIR) / "siecle-0751234A.xml";
  }
  // Writes a roster file into the test directory and returns its path.
  std::filesystem::path write_file(const std::string& name, const std::string& content) const {
    const auto path = directory_.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  Service open(ServiceOptions options = fast_options()) {
    return Service::open(database(), std::move(options));
  }
  // The sample school with its roster imported.
  Service open_sample() {
    auto service = open();
    service.create_organization(kSampleUai, "Collège Victor Hugo");
    service.import_roster(kSampleUai, sample_roster());
    return service;
  }

  TemporaryDirectory directory_;
};

// Runs `operation` and returns the code of the Error it throws (fails the test if none).
template <typename Operation>
ErrorCode error_of(Operation&& operation) {
  try {
    operation();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error thrown";
  return ErrorCode::INTERNAL_ERROR;
}

}  // namespace inscrire::testing
