// The storage engines that the Store contract tests and the Service tests run on: one factory
// per engine, each giving a fresh database per test and a connection of its own to read it
// back. Today SQLite only; an engine is added by appending its factory to store_engines().
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "inscrire/store.hpp"

namespace inscrire::testing {

using Rows = std::vector<std::vector<std::string>>;

// One test's database on one engine.
class EngineDatabase {
 public:
  virtual ~EngineDatabase() = default;
  // A new Store on this database (each call its own connection).
  virtual std::unique_ptr<Store> open(const StoreOptions& options = {}) = 0;
  // The rows of a query run outside any Store, every column as text ("" for NULL).
  virtual Rows rows(const std::string& sql) = 0;
  // Every table's name, sorted.
  virtual std::vector<std::string> tables() = 0;
  // Every byte the engine keeps for this database, for tests that look for secrets in clear.
  virtual std::string stored_bytes() = 0;
};

struct Engine {
  std::string name;  // a test-name suffix: letters and digits
  // A fresh database in `directory` (a temporary directory of the test, if the engine needs
  // one).
  std::function<std::unique_ptr<EngineDatabase>(const std::filesystem::path& directory)> create;
};

class SqliteDatabase final : public EngineDatabase {
 public:
  explicit SqliteDatabase(std::filesystem::path file) : file_(std::move(file)) {}

  std::unique_ptr<Store> open(const StoreOptions& options) override {
    return open_sqlite_store(file_, options);
  }

  Rows rows(const std::string& sql) override {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open_v2(file_.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
    sqlite3_busy_timeout(db.get(), 10000);
    Rows found;
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db.get(), sql.c_str(), append_row, &found, &message), SQLITE_OK)
        << (message != nullptr ? message : "") << "\n"
        << sql;
    sqlite3_free(message);
    return found;
  }

  std::vector<std::string> tables() override {
    std::vector<std::string> names;
    for (auto& row : rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      names.push_back(std::move(row[0]));
    }
    return names;
  }

  std::string stored_bytes() override {
    std::string bytes;
    for (const auto* suffix : {"", "-wal"}) {
      std::ifstream file(file_.string() + suffix, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  static int append_row(void* out, int count, char** values, char** /*names*/) {
    auto& found = *static_cast<Rows*>(out);
    found.emplace_back();
    for (int i = 0; i < count; ++i) found.back().emplace_back(values[i] ? values[i] : "");
    return 0;
  }

  std::filesystem::path file_;
};

inline Engine sqlite_engine() {
  return {"SQLite", [](const std::filesystem::path& directory) -> std::unique_ptr<EngineDatabase> {
            return std::make_unique<SqliteDatabase>(directory / "inscrire.db");
          }};
}

// GoogleTest prints a parameter with this: the engine's name, not its bytes.
inline void PrintTo(const Engine& engine, std::ostream* out) { *out << engine.name; }

// Every engine the suites run on.
inline std::vector<Engine> store_engines() { return {sqlite_engine()}; }

// For INSTANTIATE_TEST_SUITE_P: the engine's name as the test name's suffix.
inline std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
  return info.param.name;
}

}  // namespace inscrire::testing
