#include "postgresql/libpq.hpp"

#include <charconv>
#include <cstring>

#include "inscrire/error.hpp"

namespace inscrire::postgresql {
namespace {

constexpr int kMaxPoolSize = 64;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of one URI query value ('+' is not a space in libpq's URIs).
std::string percent_decoded(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

// A schema name inscrire accepts: letters, digits and underscores, 1 to 63 bytes (it appears
// quoted in every statement, but a plain name keeps the logs and advisory keys readable).
void check_schema(const std::string& schema) {
  bool valid = !schema.empty() && schema.size() <= 63;
  for (const char c : schema) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_');
  }
  if (!valid) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "schema must be 1 to 63 letters, digits or underscores: " + schema);
  }
}

int parse_pool_size(std::string_view text) {
  int size = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (error != std::errc() || end != text.data() + text.size() || size < 1 || size > kMaxPoolSize) {
    throw Error(ErrorCode::INVALID_ARGUMENT,
                "pool_size must be an integer from 1 to " + std::to_string(kMaxPoolSize));
  }
  return size;
}

// Takes inscrire's own query parameters out of a URI, leaving libpq's.
std::string take_own_parameters(std::string_view uri, ConnectionSettings& settings) {
  const auto question = uri.find('?');
  if (question == std::string_view::npos) return std::string(uri);
  std::string kept(uri.substr(0, question));
  auto query = uri.substr(question + 1);
  char separator = '?';
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto equals = pair.find('=');
    const auto key = pair.substr(0, equals);
    const auto value =
        equals == std::string_view::npos ? std::string() : percent_decoded(pair.substr(equals + 1));
    if (key == "schema") {
      settings.schema = value;
    } else if (key == "pool_size") {
      settings.pool_size = parse_pool_size(value);
    } else if (!pair.empty()) {
      kept += separator;
      kept += pair;
      separator = '&';
    }
  }
  return kept;
}

struct ConninfoOptions {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};

}  // namespace

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

ConnectionSettings parse_connection_url(std::string_view url) {
  ConnectionSettings settings;
  if (url.find('\0') != std::string_view::npos) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "database URL holds a NUL byte");
  }
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
    settings.conninfo = take_own_parameters(url, settings);
  } else if (starts_with(url, "postgresql:")) {
    settings.conninfo = std::string(url.substr(std::strlen("postgresql:")));
  } else {
    throw Error(ErrorCode::INVALID_ARGUMENT, "not a PostgreSQL URL");
  }
  check_schema(settings.schema);
  char* message = nullptr;
  const std::unique_ptr<PQconninfoOption, ConninfoOptions> options(
      PQconninfoParse(settings.conninfo.c_str(), &message));
  if (!options) {
    std::string detail = message != nullptr ? message : "cannot parse the connection string";
    PQfreemem(message);
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    // The unparsed string may hold a password: only libpq's words about it come back.
    throw Error(ErrorCode::INVALID_ARGUMENT, "malformed PostgreSQL URL: " + detail);
  }
  for (const auto* option = options.get(); option->keyword != nullptr; ++option) {
    if (std::strcmp(option->keyword, "password") == 0 && option->val != nullptr) {
      settings.password = option->val;
    }
  }
  return settings;
}

std::int64_t Result::integer(int row, int column) const {
  const auto text = view(row, column);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw Error(ErrorCode::DATABASE_ERROR, "not an integer: " + std::string(text));
  }
  return value;
}

std::string Result::bytes(int row, int column) const {
  const auto text = view(row, column);
  std::string decoded;
  if (!starts_with(text, "\\x")) return decoded;
  decoded.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
    decoded += static_cast<char>(hex_value(text[i]) * 16 + hex_value(text[i + 1]));
  }
  return decoded;
}

int Result::affected() const {
  const char* count = PQcmdTuples(result_.get());
  if (count == nullptr) return 0;
  // The server's own decimal row count ("" for commands that count nothing).
  int affected = 0;
  std::from_chars(count, count + std::strlen(count), affected);
  return affected;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

void TextArray::add(std::string_view value) {
  if (literal_.size() > 1) literal_ += ',';
  literal_ += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') literal_ += '\\';
    literal_ += c;
  }
  literal_ += '"';
}

void TextArray::add_null() {
  if (literal_.size() > 1) literal_ += ',';
  literal_ += "NULL";
}

std::string TextArray::take() && {
  literal_ += '}';
  return std::move(literal_);
}

BinaryCopy::BinaryCopy() {
  // Signature, flags (no OIDs), header extension length.
  data_.append("PGCOPY\n\377\r\n\0", 11);
  put_int(0, 4);
  put_int(0, 4);
}

void BinaryCopy::put_int(std::uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    data_ += static_cast<char>((value >> shift) & 0xFFU);
  }
}

void BinaryCopy::begin_row(int fields) { put_int(static_cast<std::uint64_t>(fields), 2); }

void BinaryCopy::add(std::string_view text) {
  put_int(static_cast<std::uint32_t>(text.size()), 4);
  data_.append(text);
}

void BinaryCopy::add(std::int64_t value) {
  put_int(8, 4);
  put_int(static_cast<std::uint64_t>(value), 8);
}

void BinaryCopy::add_null() { put_int(0xFFFFFFFFU, 4); }

std::string BinaryCopy::take() && {
  put_int(0xFFFFU, 2);  // -1: no more rows
  return std::move(data_);
}

Connection::Connection(const ConnectionSettings& settings,
                       std::function<void(std::string_view sql)> on_statement,
                       std::function<void()> on_round_trip)
    : password_(settings.password),
      on_statement_(std::move(on_statement)),
      on_round_trip_(std::move(on_round_trip)) {
  // Later keywords override what the expanded connection string says: the library speaks
  // UTF-8 whatever the server's default, and names itself unless the URL names it.
  const char* keywords[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
  const char* values[] = {settings.conninfo.c_str(), "inscrire", "UTF8", nullptr};
  conn_.reset(PQconnectdbParams(keywords, values, 1));
  if (!conn_) throw Error(ErrorCode::DATABASE_UNAVAILABLE, "out of memory");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_.get());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    throw Error(ErrorCode::DATABASE_UNAVAILABLE, redact(message, password_));
  }
  // Notices (IF NOT EXISTS skipped, cascades) are not the library's output.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
  char* quoted = PQescapeIdentifier(conn_.get(), settings.schema.c_str(), settings.schema.size());
  if (quoted == nullptr) throw Error(ErrorCode::INVALID_ARGUMENT, "schema");
  prefix_ = std::string(quoted) + ".";
  PQfreemem(quoted);
}

std::string Connection::qualified(std::string_view sql) const {
  std::string text;
  text.reserve(sql.size() + 64);
  for (const char c : sql) {
    if (c == '@') {
      text += prefix_;
    } else {
      text += c;
    }
  }
  return text;
}

void Connection::fail(const PGresult* result, std::string_view context) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = state != nullptr ? state : "";
  std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty()) message = PQerrorMessage(conn_.get());
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  auto detail = std::string(context) + ": " + redact(message, password_);
  if (!sqlstate.empty()) detail.append(" (SQLSTATE ").append(sqlstate).append(")");
  // Class 08 (connection exception) and the server's shutdowns (57P01..57P03) lose the session.
  if (!healthy() || starts_with(sqlstate, "08") || starts_with(sqlstate, "57P")) {
    throw Error(ErrorCode::DATABASE_UNAVAILABLE, detail);
  }
  // Serialization failure, deadlock, lock timeout, statement timeout: try again later.
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014") {
    throw Error(ErrorCode::DATABASE_BUSY, detail);
  }
  throw Error(ErrorCode::DATABASE_ERROR, detail);
}

Result Connection::check(PGresult* raw, std::string_view sql) {
  Result result(raw);
  const auto status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fail(raw, sql.substr(0, std::min<std::size_t>(sql.size(), 60)));
  }
  return result;
}

const Connection::Prepared& Connection::prepared(const char* sql) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    auto text = qualified(sql);
    // Built by appending: GCC 12 at -O3 reports a false -Wrestrict on "s" + std::to_string().
    std::string name("s");
    name.append(std::to_string(prepared_.size()));
    count_round_trip();
    check(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr), text);
    found = prepared_.emplace(sql, Prepared{std::move(name), std::move(text)}).first;
  }
  return found->second;
}

Result Connection::run(storage::StaticSql static_sql, const Params& params) {
  const auto& statement = prepared(static_sql.c_str());
  if (!pending_.empty()) return run_pipelined(statement, params);
  return execute(statement, params, static_sql.c_str());
}

Result Connection::run_alone(storage::StaticSql static_sql, const Params& params) {
  const char* sql = static_sql.c_str();
  return execute(prepared(sql), params, sql);
}

Result Connection::execute(const Prepared& statement, const Params& params, std::string_view sql) {
  if (on_statement_) on_statement_(statement.text);
  const auto pointers = params.pointers();
  count_round_trip();
  return check(PQexecPrepared(conn_.get(), statement.name.c_str(), params.size(), pointers.data(),
                              nullptr, nullptr, 0),
               sql);
}

// One round trip for the pending statements and this one: pipeline mode sends them all, then
// reads one result per statement, in order, and the sync point.
Result Connection::run_pipelined(const Prepared& last, const Params& params) {
  auto statements = std::move(pending_);
  pending_.clear();
  PGconn* conn = conn_.get();
  if (PQenterPipelineMode(conn) != 1) fail(nullptr, "pipeline");
  bool sent = true;
  for (const auto& statement : statements) {
    if (on_statement_) on_statement_(statement);
    sent = sent && PQsendQueryParams(conn, statement.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                                     0) == 1;
  }
  if (on_statement_) on_statement_(last.text);
  const auto pointers = params.pointers();
  sent = sent && PQsendQueryPrepared(conn, last.name.c_str(), params.size(), pointers.data(),
                                     nullptr, nullptr, 0) == 1;
  sent = sent && PQpipelineSync(conn) == 1;
  count_round_trip();
  std::vector<Result> results;
  for (std::size_t i = 0; sent && i <= statements.size(); ++i) {
    results.emplace_back(PQgetResult(conn));
    if (!results.back().get()) break;                            // connection lost
    while (PGresult* extra = PQgetResult(conn)) PQclear(extra);  // up to the query's end
  }
  if (results.size() == statements.size() + 1) {
    const Result sync(PQgetResult(conn));
    if (!sync.get() || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) broken_ = true;
  } else {
    broken_ = true;
  }
  if (PQexitPipelineMode(conn) != 1) broken_ = true;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto status = PQresultStatus(results[i].get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      fail(results[i].get(), i < statements.size() ? statements[i] : last.text);
    }
  }
  if (broken_ || results.size() != statements.size() + 1) fail(nullptr, "pipeline");
  return std::move(results.back());
}

int Connection::copy_in(std::string_view copy_sql, std::string_view data) {
  if (!pending_.empty()) {
    // COPY cannot join a pipeline: what was pending goes first, as one simple query.
    std::string statements;
    for (const auto& statement : pending_) statements.append(statement).append(";");
    pending_.clear();
    exec(statements);
  }
  const auto text = qualified(copy_sql);
  if (on_statement_) on_statement_(text);
  PGconn* conn = conn_.get();
  const auto context = std::string_view(text).substr(0, 60);
  count_round_trip();
  const Result start(PQexec(conn, text.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) fail(start.get(), context);
  count_round_trip();
  const bool sent = PQputCopyData(conn, data.data(), static_cast<int>(data.size())) == 1 &&
                    PQputCopyEnd(conn, nullptr) == 1;
  PGresult* end = PQgetResult(conn);
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  if (!sent) {
    broken_ = true;  // the server may still wait for the rest of the data
    const Result lost(end);
    fail(lost.get(), context);
  }
  return check(end, context).affected();
}

Result Connection::exec(std::string_view sql) {
  const auto text = qualified(sql);
  if (on_statement_) on_statement_(text);
  count_round_trip();
  return check(PQexec(conn_.get(), text.c_str()), text);
}

}  // namespace inscrire::postgresql
