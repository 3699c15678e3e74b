// What every CLI command shares: its context, its reply and how usage errors are reported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "inscrire/error.hpp"
#include "inscrire/service.hpp"
#include "render/json.hpp"

namespace inscrire::cli {

struct Context {
  Language language = Language::French;
  bool json = false;
  std::filesystem::path database = "inscrire.db";
  ServiceOptions options;         // from the global options (--matching)
  std::istream* input = nullptr;  // passwords are read from here, never from argv
  std::ostream* error_stream = nullptr;
  // Who every admin command acts as: the operator named after the Unix user, or the staff
  // member whose session token INSCRIRE_STAFF_SESSION holds (docs/cli.md, "Who acts").
  Actor actor;
};

// A command's answer: JSON fields for --json, and the same facts as text for people.
struct Reply {
  Json fields = Json::object();
  std::string text;
};

// Thrown for a malformed command line (exit status 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A refused operation that still has facts to give (an import report, a change token): exit
// status 1, the error code, and these fields.
class Refusal : public Error {
 public:
  Refusal(const Error& error, Json fields, std::string text)
      : Error(error), fields_(std::move(fields)), text_(std::move(text)) {}
  const Json& fields() const noexcept { return fields_; }
  const std::string& text() const noexcept { return text_; }

 private:
  Json fields_;
  std::string text_;
};

using Arguments = std::vector<std::string>;
using CommandHandler = std::function<Reply(Context&, const Arguments&)>;

// Pops the next positional argument, or throws UsageError naming it.
std::string take(Arguments& args, const char* what);
// Removes "--name VALUE" from args and returns VALUE.
std::optional<std::string> take_option(Arguments& args, const std::string& name);
// Removes "--name" from args and returns whether it was there.
bool take_flag(Arguments& args, const std::string& name);
// Throws UsageError if arguments are left over.
void expect_no_more(const Arguments& args);
// A whole number given on the command line; UsageError otherwise (the library checks ranges).
int number_option(const std::string& value, const std::string& name);
// Unix seconds from an ISO 8601 date or time as typed: "2026-09-01" (midnight UTC),
// "2026-09-01T08:30", "...:45", with "Z" or an offset "+02:00"; UsageError otherwise.
std::int64_t time_option(const std::string& value, const std::string& name);

// Opens FILE for a document that holds secrets (credentials, an invitation): created, never
// overwritten (an existing file may be readable by others, or another class's sheet), readable
// by its owner only (0600). INVALID_ARGUMENT naming `option` otherwise.
int create_private_file(const std::string& path, const std::string& option);
// Writes every byte to `fd` (INTERNAL_ERROR naming `path` otherwise).
void write_all(int fd, const std::string& bytes, const std::string& path);

// A file of create_private_file, opened before anything changes and removed unless written:
// a command refused after opening it leaves nothing behind.
class PrivateFile {
 public:
  PrivateFile(std::string path, const std::string& option);
  ~PrivateFile();
  PrivateFile(const PrivateFile&) = delete;
  PrivateFile& operator=(const PrivateFile&) = delete;
  // Writes the whole document and closes the file, which then stays.
  void write_and_keep(const std::string& bytes);
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  int fd_;
};

// The service of the context's database and options.
Service open_service(const Context& context);
// One secret per line from standard input (never from argv, where `ps` shows it).
std::string read_secret(Context& context, const char* what);
// The same, or nullopt when standard input has no line left.
std::optional<std::string> read_optional_secret(Context& context);
// The staff session token of INSCRIRE_STAFF_SESSION, for the commands that act on one's own
// staff account (the second factor); UsageError when the variable is not set.
const std::string& staff_session_token(const Context& context, const char* command);

// Commands, grouped by file.
Reply command_username(Context&, const Arguments&);
Reply command_normalize(Context&, const Arguments&);
Reply command_demo(Context&, const Arguments&);
Reply command_org(Context&, const Arguments&);
Reply command_import(Context&, const Arguments&);
Reply command_learners(Context&, const Arguments&);
Reply command_campaign(Context&, const Arguments&);
Reply command_match(Context&, const Arguments&);
Reply command_register(Context&, const Arguments&);
Reply command_login(Context&, const Arguments&);
Reply command_join(Context&, const Arguments&);
Reply command_password(Context&, const Arguments&);
Reply command_unblock(Context&, const Arguments&);
Reply command_account(Context&, const Arguments&);
Reply command_credentials(Context&, const Arguments&);
Reply command_not_joined(Context&, const Arguments&);
Reply command_sheet(Context&, const Arguments&);
Reply command_anonymize(Context&, const Arguments&);
Reply command_export_learner(Context&, const Arguments&);
// The journey (cli/journey.cpp): sessions, participations, admin views, dissociation.
Reply command_session(Context&, const Arguments&);
Reply command_participations(Context&, const Arguments&);
Reply command_participation(Context&, const Arguments&);
Reply command_participants(Context&, const Arguments&);
Reply command_learner(Context&, const Arguments&);
Reply command_dissociate(Context&, const Arguments&);
// School staff (cli/staff.cpp): invitations, staff login, the team, the second factor, audit.
Reply command_staff(Context&, const Arguments&);
Reply command_audit(Context&, const Arguments&);

}  // namespace inscrire::cli
