// Thin RAII over libpq: a connection with a cache of prepared statements, results, and the
// parameters of a statement. Every value travels as text (the server parses it once); results
// are read as text too.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/static_sql.hpp"

namespace inscrire::postgresql {

// Connection settings once inscrire's own parameters are taken out of the URL.
struct ConnectionSettings {
  std::string conninfo;  // what libpq parses: a URI, or key=value pairs
  std::string schema = "inscrire";
  int pool_size = 4;
  std::string password;  // the URL's password if it held one: removed from every message
};

// Splits a `postgresql://` / `postgres://` URI or a `postgresql:key=value...` string into
// libpq's part and inscrire's (`schema`, `pool_size` query parameters of a URI). Throws
// Error(INVALID_ARGUMENT) when libpq cannot parse it.
ConnectionSettings parse_connection_url(std::string_view url);

// `text` without any occurrence of `secret` (replaced by "***").
std::string redact(std::string text, std::string_view secret);

// A result owned until destroyed.
class Result {
 public:
  Result() = default;
  explicit Result(PGresult* result) noexcept : result_(result) {}

  int rows() const noexcept { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const noexcept {
    return PQgetisnull(result_.get(), row, column) != 0;
  }
  std::string_view view(int row, int column) const noexcept {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  std::string text(int row, int column) const { return std::string(view(row, column)); }
  std::int64_t integer(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return integer(row, column);
  }
  bool boolean(int row, int column) const { return integer(row, column) != 0; }
  // A bytea column (hex output) decoded to its bytes.
  std::string bytes(int row, int column) const;
  // Rows written by an INSERT, UPDATE or DELETE.
  int affected() const;
  PGresult* get() const noexcept { return result_.get(); }

 private:
  struct Clear {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

// One row of a result, read as the engines' shared row mappers read a row (storage/rows.hpp),
// from its column `first` on (a statement that reads several records side by side).
class Row {
 public:
  Row(const Result& result, int row, int first = 0) noexcept
      : result_(result), row_(row), first_(first) {}
  bool is_null(int column) const noexcept { return result_.is_null(row_, first_ + column); }
  std::string text(int column) const { return result_.text(row_, first_ + column); }
  std::int64_t integer(int column) const { return result_.integer(row_, first_ + column); }
  std::optional<std::int64_t> optional_integer(int column) const {
    return result_.optional_integer(row_, first_ + column);
  }
  bool flag(int column) const { return result_.boolean(row_, first_ + column); }

 private:
  const Result& result_;
  int row_;
  int first_;
};

// The parameters of one statement, as text (nullopt = SQL NULL).
class Params {
 public:
  Params& add(std::string_view value) {
    values_.emplace_back(value);
    return *this;
  }
  Params& add(const char* value) { return add(std::string_view(value)); }
  Params& add(const std::string& value) { return add(std::string_view(value)); }
  Params& add(std::int64_t value) {
    values_.emplace_back(std::to_string(value));
    return *this;
  }
  Params& add(int value) { return add(static_cast<std::int64_t>(value)); }
  Params& add(bool value) { return add(static_cast<std::int64_t>(value ? 1 : 0)); }
  Params& add(const std::optional<std::int64_t>& value) {
    if (value) return add(*value);
    values_.emplace_back(std::nullopt);
    return *this;
  }
  Params& add_null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  // Takes a ready text value (an array literal built by the caller) without copying it.
  Params& add_owned(std::string value) {
    values_.emplace_back(std::move(value));
    return *this;
  }

  int size() const noexcept { return static_cast<int>(values_.size()); }
  // Pointers to the values, NULL for SQL NULL; valid while this object lives unchanged.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// An array literal of text values ({"a","b",NULL}) for a $n::text[] parameter.
class TextArray {
 public:
  void add(std::string_view value);
  void add_null();
  std::string take() &&;

 private:
  std::string literal_ = "{";
};

// Rows in PostgreSQL's binary COPY format, built in memory: the header, then each row's field
// count and fields (a bigint as 8 bytes, big-endian; text as its bytes), then the trailer.
class BinaryCopy {
 public:
  BinaryCopy();
  void begin_row(int fields);
  void add(std::string_view text);
  void add(std::int64_t value);
  void add_null();
  std::string take() &&;

 private:
  void put_int(std::uint64_t value, int bytes);
  std::string data_;
};

class Connection {
 public:
  // Connects; throws Error(DATABASE_UNAVAILABLE) with libpq's message (password removed).
  // `schema` replaces the '@' that prefixes every table name in the SQL given to prepare().
  // `on_round_trip`, if set, is called once per exchange with the server that waits for its
  // answer (a statement, a preparation, a pipeline, a COPY).
  Connection(const ConnectionSettings& settings,
             std::function<void(std::string_view sql)> on_statement = {},
             std::function<void()> on_round_trip = {});
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a statement through a prepared statement cached per connection; the text's address
  // is the cache key (storage/static_sql.hpp).
  Result run(storage::StaticSql static_sql, const Params& params = {});
  // Runs SQL text without parameters (one or several statements), unprepared.
  Result exec(std::string_view sql);
  // Statements without parameters (BEGIN...) sent in one pipeline with the next run(), so that
  // they cost no round trip of their own; their failure fails that run().
  void send_with_next(std::vector<std::string> statements) { pending_ = std::move(statements); }
  // Runs a statement now, without what send_with_next() left pending, which stays pending for
  // the next run(): a read that is a transaction of its own (one statement sees one snapshot).
  Result run_alone(storage::StaticSql static_sql, const Params& params = {});
  // Runs `copy_sql` (COPY ... FROM STDIN) with `data` as its input, after what send_with_next()
  // left pending; returns the rows copied. Two round trips: the COPY's start, then the data
  // and its end.
  int copy_in(std::string_view copy_sql, std::string_view data);
  // Whether send_with_next() left statements unsent (none of the transaction was sent yet).
  bool has_pending() const noexcept { return !pending_.empty(); }
  // Forgets what send_with_next() left unsent.
  void drop_pending() noexcept { pending_.clear(); }
  // false once the server went away; the pool then drops the connection.
  bool healthy() const noexcept { return !broken_ && PQstatus(conn_.get()) == CONNECTION_OK; }
  // true when the connection is inside a transaction block (even a failed one).
  bool in_transaction() const noexcept { return PQtransactionStatus(conn_.get()) != PQTRANS_IDLE; }
  // The table prefix: the quoted schema followed by a dot.
  const std::string& prefix() const noexcept { return prefix_; }
  // The SQL with every '@' replaced by the table prefix.
  std::string qualified(std::string_view sql) const;

 private:
  Result check(PGresult* raw, std::string_view sql);
  // A statement this connection prepared: its name and its qualified text (what on_statement
  // is given, kept so that a statement is qualified once per connection, not at every run).
  struct Prepared {
    std::string name;
    std::string text;
  };
  // The statement prepared for `sql`, prepared first if this connection has not.
  const Prepared& prepared(const char* sql);
  void count_round_trip() const {
    if (on_round_trip_) on_round_trip_();
  }
  // Runs `statement` alone (one round trip); `sql`, as written, names it in an error.
  Result execute(const Prepared& statement, const Params& params, std::string_view sql);
  Result run_pipelined(const Prepared& last, const Params& params);
  [[noreturn]] void fail(const PGresult* result, std::string_view context);

  struct Finish {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
  };
  std::unique_ptr<PGconn, Finish> conn_;
  std::string password_;
  std::string prefix_;
  std::function<void(std::string_view sql)> on_statement_;
  std::function<void()> on_round_trip_;
  std::unordered_map<const char*, Prepared> prepared_;  // by the SQL's address
  std::vector<std::string> pending_;                    // sent ahead of the next run()
  bool broken_ = false;  // a pipeline left in a state nobody can resume
};

}  // namespace inscrire::postgresql
