// `inscrire db status | migrate | check | backup FILE`: the database as an operator sees it
// (docs/cli.md, "The database"). None of them goes through open_service, which would migrate.
#include <string>

#include "command.hpp"

namespace inscrire::cli {
namespace {

Json status_json(const DatabaseStatus& status) {
  return Json::object()
      .set("engine", status.engine)
      .set("schema_version", static_cast<std::int64_t>(status.schema_version))
      .set("library_schema_version", static_cast<std::int64_t>(status.library_schema_version))
      .set("pending_migrations", static_cast<std::int64_t>(status.pending_migrations()));
}

std::string status_text(const DatabaseStatus& status) {
  const auto database = std::to_string(status.schema_version);
  const auto library = std::to_string(status.library_schema_version);
  std::string text = "engine: " + status.engine + "\nschema version: " + database +
                     " (this inscrire: " + library + ")\n";
  if (status.schema_version > status.library_schema_version) {
    return text + "newer than this inscrire: SCHEMA_TOO_NEW\n";
  }
  if (status.pending_migrations() == 0) return text + "current: nothing to migrate\n";
  return text + "db migrate would run " + std::to_string(status.pending_migrations()) +
         " migration(s), " + database + " to " + library + "\n";
}

Reply status(Context& context) {
  const auto found = database_status(context.database);
  return {status_json(found), status_text(found)};
}

Reply migrate(Context& context) {
  const auto before = migrate_database(context.database);
  Reply reply;
  reply.fields = status_json(database_status(context.database))
                     .set("migrated_from", static_cast<std::int64_t>(before.schema_version));
  reply.text = before.pending_migrations() == 0
                   ? "schema version " + std::to_string(before.schema_version) +
                         " is current: nothing to migrate\n"
                   : "migrated from schema version " + std::to_string(before.schema_version) +
                         " to " + std::to_string(before.library_schema_version) + "\n";
  return reply;
}

// Sound: exit 0. Otherwise exit 1 with the code of what is wrong: DATABASE_ERROR for damaged
// contents, else the schema's version (SCHEMA_TOO_OLD or SCHEMA_TOO_NEW).
Reply check(Context& context) {
  const auto found = check_database(context.database);
  auto problems = Json::array();
  std::string text = status_text(found.status);
  for (const auto& problem : found.problems) {
    problems.push(problem);
    text += problem + "\n";
  }
  auto fields = status_json(found.status).set("problems", problems);
  if (found.sound()) return {fields, text + "sound\n"};
  const auto& status = found.status;
  const auto code = !found.problems.empty() ? ErrorCode::DATABASE_ERROR
                    : status.schema_version > status.library_schema_version
                        ? ErrorCode::SCHEMA_TOO_NEW
                        : ErrorCode::SCHEMA_TOO_OLD;
  const auto detail = found.problems.empty()
                          ? "schema version " + std::to_string(status.schema_version)
                          : found.problems.front();
  throw Refusal(Error(code, detail), fields, text);
}

Reply backup(Context& context, Arguments& args) {
  const auto target = take(args, "FILE");
  expect_no_more(args);
  backup_database(context.database, target);
  Reply reply;
  reply.fields.set("backup", target);
  reply.text = "backed up " + context.database.string() + " to " + target + "\n";
  return reply;
}

}  // namespace

Reply command_db(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto action = take(args, "db action (status, migrate, check, backup)");
  if (action == "backup") return backup(context, args);
  expect_no_more(args);
  if (action == "status") return status(context);
  if (action == "migrate") return migrate(context);
  if (action == "check") return check(context);
  throw UsageError("unknown db action: " + action);
}

}  // namespace inscrire::cli
