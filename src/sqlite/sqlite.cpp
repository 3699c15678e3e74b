#include "sqlite/sqlite.hpp"

#include <sys/stat.h>

#include <system_error>

#include "inscrire/error.hpp"

namespace inscrire::sqlite {

void fail(sqlite3* db, int result, std::string_view context) {
  const int primary = result & 0xff;
  std::string detail(context);
  detail += ": ";
  detail += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw Error(ErrorCode::DATABASE_BUSY, detail);
  }
  throw Error(ErrorCode::DATABASE_ERROR, detail);
}

namespace {

void check(sqlite3_stmt* statement, int result, std::string_view context) {
  if (result != SQLITE_OK) fail(sqlite3_db_handle(statement), result, context);
}

// sqlite3_bind_text64 binds NULL for a null pointer, which an empty std::string_view{} has:
// "" keeps it the empty text it is (a NOT NULL column refused `set_campaign_owner(id, staff, {})`).
const char* text_of(std::string_view value) noexcept {
  return value.data() != nullptr ? value.data() : "";
}

}  // namespace

Statement& Statement::bind(int index, std::int64_t value) {
  check(statement_, sqlite3_bind_int64(statement_, index, value), "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  check(statement_,
        sqlite3_bind_text64(statement_, index, text_of(value), value.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8),
        "bind");
  return *this;
}

Statement& Statement::bind_static(int index, std::string_view value) {
  check(statement_,
        sqlite3_bind_text64(statement_, index, text_of(value), value.size(), SQLITE_STATIC,
                            SQLITE_UTF8),
        "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, int size) {
  check(statement_, sqlite3_bind_blob(statement_, index, data, size, SQLITE_TRANSIENT), "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  check(statement_, sqlite3_bind_null(statement_, index), "bind");
  return *this;
}

bool Statement::step() {
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(statement_), result, "step");
}

void Statement::run() {
  while (step()) {
  }
}

std::int64_t Statement::integer(int column) const noexcept {
  return sqlite3_column_int64(statement_, column);
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(statement_, column);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data),
          static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
}

std::optional<std::int64_t> Statement::optional_integer(int column) const noexcept {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

bool Statement::is_null(int column) const noexcept {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::string_view Statement::blob(int column) const noexcept {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
}

namespace {

int trace_statement(unsigned /*type*/, void* context, void* statement, void* /*sql*/) {
  const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
  if (sql != nullptr) (*static_cast<std::function<void(std::string_view)>*>(context))(sql);
  return 0;
}

// Whether `path` names no file yet: SQLite is about to create it.
bool is_new_file(const std::filesystem::path& path) {
  std::error_code error;
  return !std::filesystem::exists(path, error) && !error;
}

// A database SQLite just created is made readable by its owner only (docs/rules.md §8:
// password hashes and minors' data); SQLite gives the journal files it creates later (-wal,
// -shm) the mode of the database file, so they are 0600 too. An existing file keeps the mode
// its admin gave it. chmod, not an open() of our own: closing any descriptor of the file would
// drop the POSIX locks SQLite's other connections in this process hold on it.
void restrict_new_file(const std::filesystem::path& path) { ::chmod(path.c_str(), 0600); }

}  // namespace

Connection::Connection(const std::filesystem::path& path, int busy_timeout_ms,
                       std::function<void(std::string_view sql)> on_statement)
    : on_statement_(std::move(on_statement)) {
  sqlite3* raw = nullptr;
  const bool created = is_new_file(path);
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int result = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (result == SQLITE_OK && created) restrict_new_file(path);
  if (result != SQLITE_OK) fail(raw, result, "open " + path.string());
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  if (on_statement_) sqlite3_trace_v2(raw, SQLITE_TRACE_STMT, trace_statement, &on_statement_);
}

void Connection::exec(const char* sql) {
  char* message = nullptr;
  const int result = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
  sqlite3_free(message);
  if (result != SQLITE_OK) fail(db_.get(), result, "exec");
}

void Connection::reset_statements() noexcept {
  for (auto& [sql, statement] : cache_) {
    if (sqlite3_stmt_busy(statement.get()) != 0) sqlite3_reset(statement.get());
  }
}

Statement Connection::prepare(storage::StaticSql static_sql) {
  const char* sql = static_sql.c_str();
  auto& cached = cache_[sql];
  if (!cached) {
    sqlite3_stmt* statement = nullptr;
    const int result =
        sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (result != SQLITE_OK) fail(db_.get(), result, "prepare");
    cached.reset(statement);
  } else {
    sqlite3_reset(cached.get());
    sqlite3_clear_bindings(cached.get());
  }
  return Statement(cached.get());
}

}  // namespace inscrire::sqlite
