// A Service on a fresh database of each engine (store_engines.hpp) in a fresh temporary
// directory, and small roster builders.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/temporary_directory.hpp"
#include "inscrire/service.hpp"
#include "store_engines.hpp"

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

// TEST_P on a fixture derived from this one runs on every engine (instantiate it with
// INSTANTIATE_TEST_SUITE_P(Engines, Fixture, ::testing::ValuesIn(store_engines()),
// engine_name)); a TEST_F runs on SQLite.
class ServiceTest : public ::testing::TestWithParam<Engine> {
 protected:
  ServiceTest() : database_(current_engine().create(directory_.path())) {}

  // The SQLite file of the SQLite engine, for tests of SQLite itself.
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
  // A Service with a Store of its own on the test's database.
  Service open(ServiceOptions options = fast_options()) {
    StoreOptions store_options;
    store_options.busy_timeout_ms = options.busy_timeout_ms;
    return Service(database_->open(store_options), std::move(options));
  }
  // The sample school with its roster imported.
  Service open_sample() {
    auto service = open();
    service.create_organization(kSampleUai, "Collège Victor Hugo");
    service.import_roster(kSampleUai, sample_roster());
    return service;
  }
  // The rows of a query on the test's database, through a connection of the test's own.
  Rows rows(const std::string& sql) { return database_->rows(sql); }
  EngineDatabase& engine_database() { return *database_; }

 private:
  static Engine current_engine() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    return test != nullptr && test->value_param() != nullptr ? GetParam() : sqlite_engine();
  }

 protected:
  TemporaryDirectory directory_;

 private:
  std::unique_ptr<EngineDatabase> database_;
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
