// The storage engines that the Store contract tests and the Service tests run on: one factory
// per engine, each giving a fresh database per test and a connection of its own to read it
// back: SQLite always, PostgreSQL whenever INSCRIRE_TEST_POSTGRES_URL names a server (the test
// command, scripts/setup test, starts one of its own and always sets it). An engine is added by
// appending its factory to store_engines().
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>

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

// The server of the PostgreSQL engine, or "" when none is configured.
inline std::string postgres_test_url() {
  const char* url = std::getenv("INSCRIRE_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// A PostgreSQL connection of the test's own, closed when it goes.
class PostgresSession {
 public:
  explicit PostgresSession(const std::string& url) : conn_(PQconnectdb(url.c_str()), PQfinish) {
    EXPECT_EQ(PQstatus(conn_.get()), CONNECTION_OK) << PQerrorMessage(conn_.get());
    PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
  }
  // Runs `sql`, returning its rows as text; the test fails if it fails.
  Rows run(const std::string& sql) {
    const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn_.get(), sql.c_str()),
                                                               PQclear);
    const auto status = PQresultStatus(result.get());
    EXPECT_TRUE(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        << PQresultErrorMessage(result.get()) << "\n"
        << sql;
    Rows found;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      found.emplace_back();
      for (int column = 0; column < PQnfields(result.get()); ++column) {
        found.back().emplace_back(PQgetvalue(result.get(), row, column));
      }
    }
    return found;
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

// One test's database on PostgreSQL: a schema of its own on the test server, created by the
// first Store opened on it and dropped with this object.
class PostgresDatabase final : public EngineDatabase {
 public:
  explicit PostgresDatabase(std::string server_url)
      : server_url_(std::move(server_url)), schema_(fresh_schema_name()), owner_(getpid()) {}
  ~PostgresDatabase() override {
    if (getpid() == owner_)
      PostgresSession(server_url_).run("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  // The URL of this test's schema (what Service::open and inscrire.open take).
  std::string url() const {
    return server_url_ + (server_url_.find('?') == std::string::npos ? "?" : "&") +
           "schema=" + schema_;
  }
  const std::string& schema() const noexcept { return schema_; }
  const std::string& server_url() const noexcept { return server_url_; }

  std::unique_ptr<Store> open(const StoreOptions& options = {}) override {
    return open_postgresql_store(url(), options);
  }

  Rows rows(const std::string& sql) override {
    PostgresSession session(server_url_);
    session.run("SET search_path = " + schema_);
    return session.run(sql);
  }

  std::vector<std::string> tables() override {
    std::vector<std::string> names;
    for (auto& row :
         rows("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema_ +
              "' ORDER BY table_name COLLATE \"C\"")) {
      names.push_back(std::move(row[0]));
    }
    return names;
  }

  // The files of the schema's tables, indexes and TOAST tables once a checkpoint wrote them,
  // and the write-ahead log (the server's, whose superuser the test server makes us).
  std::string stored_bytes() override {
    PostgresSession session(server_url_);
    session.run("CHECKPOINT");
    const auto directory = std::filesystem::path(session.run("SHOW data_directory").at(0).at(0));
    std::vector<std::filesystem::path> files;
    for (const auto& row : session.run(
             "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = "
             "c.relnamespace WHERE n.nspname IN ('" +
             schema_ +
             "', 'pg_toast') AND "
             "pg_relation_filepath(c.oid) IS NOT NULL")) {
      files.push_back(directory / row[0]);
    }
    for (const auto& entry : std::filesystem::directory_iterator(directory / "pg_wal")) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::string bytes;
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

 private:
  static std::string fresh_schema_name() {
    static std::atomic<int> counter{0};
    std::random_device random;
    return "test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(random() % 1000000);
  }

  std::string server_url_;
  std::string schema_;
  pid_t owner_;
};

inline Engine postgres_engine(const std::string& server_url) {
  return {"PostgreSQL",
          [server_url](const std::filesystem::path&) -> std::unique_ptr<EngineDatabase> {
            return std::make_unique<PostgresDatabase>(server_url);
          }};
}

// The PostgreSQL engine alone (suites about PostgreSQL itself), when a server is configured.
inline std::vector<Engine> postgres_engines() {
  const auto url = postgres_test_url();
  if (url.empty()) return {};
  return {postgres_engine(url)};
}

// GoogleTest prints a parameter with this: the engine's name, not its bytes.
inline void PrintTo(const Engine& engine, std::ostream* out) { *out << engine.name; }

// Every engine the suites run on.
inline std::vector<Engine> store_engines() {
  auto engines = postgres_engines();
  engines.insert(engines.begin(), sqlite_engine());
  return engines;
}

// For INSTANTIATE_TEST_SUITE_P: the engine's name as the test name's suffix.
inline std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
  return info.param.name;
}

}  // namespace inscrire::testing
