// Thin RAII over the SQLite C API: a connection with a statement cache, and statements.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/static_sql.hpp"

namespace inscrire::sqlite {

// Throws Error(DATABASE_BUSY) for SQLITE_BUSY/LOCKED, Error(DATABASE_ERROR) otherwise.
[[noreturn]] void fail(sqlite3* db, int result, std::string_view context);

class Statement {
 public:
  explicit Statement(sqlite3_stmt* statement) noexcept : statement_(statement) {}

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view value);
  // Binds text without copying it: `value` must stay alive and unchanged until the statement
  // has run (bulk writes bind thousands of fields per call).
  Statement& bind_static(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind_blob(int index, const void* data, int size);
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances; true while a row is available.
  bool step();
  // Runs a statement that returns no row.
  void run();

  std::int64_t integer(int column) const noexcept;
  std::string text(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const noexcept;
  bool flag(int column) const noexcept { return integer(column) != 0; }
  bool is_null(int column) const noexcept;
  std::string_view blob(int column) const noexcept;

 private:
  sqlite3_stmt* statement_;
};

class Connection {
 public:
  // `on_statement`, if set, is called with the SQL text of every statement before it runs.
  Connection(const std::filesystem::path& path, int busy_timeout_ms,
             std::function<void(std::string_view sql)> on_statement = {});
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Executes one or more statements without results.
  void exec(const char* sql);
  // A cached prepared statement, reset and unbound; valid until the next prepare of the same
  // SQL text. The text's address is the cache key (storage/static_sql.hpp).
  Statement prepare(storage::StaticSql sql);
  // Resets every cached statement so none holds a read snapshot past its transaction.
  void reset_statements() noexcept;
  std::int64_t last_insert_id() const noexcept { return sqlite3_last_insert_rowid(db_.get()); }
  int changes() const noexcept { return sqlite3_changes(db_.get()); }
  sqlite3* handle() const noexcept { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
  };
  std::function<void(std::string_view sql)> on_statement_;  // before db_: outlives the trace
  std::unique_ptr<sqlite3, Closer> db_;
  std::unordered_map<const char*, std::unique_ptr<sqlite3_stmt, Finalizer>> cache_;
};

}  // namespace inscrire::sqlite
