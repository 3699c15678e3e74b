// inscrire: the command-line tool. See docs/cli.md and `inscrire --help`.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <vector>

#include "command.hpp"
#include "inscrire/text.hpp"

namespace inscrire::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: inscrire [--db FILE|URL] [--lang fr|en] [--json] [--matching extended|pix]
                COMMAND [ARGS]

  demo                                 end-to-end run on the bundled sample roster, in a temp dir
  org add UAI NAME | org list
  import [--dry-run] UAI FILE          SIECLE XML (zipped or not) or CSV; report on stdout
  learners UAI [--division D] [--state S] [--search TEXT] [--limit N] [--offset N] [--all]
                                       S: no_account, active, must_change_password, blocked,
                                       disabled; --search: names as typed (any case, accents,
                                       word prefixes), an INE or a username; --limit/--offset:
                                       one page of the admin list
  learner UAI INE | account show USERNAME
  dissociate UAI INE                   unlink the learner's account; it may register again
  campaign create UAI NAME [--division D] [--target-profile P] [--owner USERNAME]
                                       --owner: a staff member of the school (ADMINs only)
  campaign list UAI [--include-deleted] | campaign archive CODE
  campaign rename CODE NAME | campaign owner CODE USERNAME   (owner: an ADMIN or the operator)
  campaign unarchive CODE | campaign delete CODE   (delete: only when nobody joined)
  match [--client-key K] CODE FIRST LAST DD/MM/YYYY
  register [--client-key K] CODE FIRST LAST DD/MM/YYYY   password on standard input
  login [--client-key K] USERNAME      password on standard input; prints the session token
  session show | session end           session token on standard input
  participations                       the pupil's campaigns; session token on standard input
  participation complete CODE | participation share CODE   session token on standard input
  participation delete CODE INE        removes a learner's participation (another class's code)
  participants CODE [--csv]            the campaign's learners and their status
  join CODE USERNAME [FIRST LAST DD/MM/YYYY]
                                       an existing account joins a campaign (the identity for
                                       a school where it is not linked yet); password on stdin
  password change USERNAME             old then new password on standard input, one per line
  password change --token              change token then new password on standard input
  password reset UAI USERNAME | unblock UAI USERNAME
  account import UAI INE USERNAME      an account from another platform; its bcrypt or
                                       Argon2id hash on standard input
  credentials UAI DIVISION [--reset-existing] [--ine INE]... [--output FILE]
              [--slips FILE [--per-page 8|1] [--base-url URL]]
                                       CSV of usernames and temporary passwords on stdout, or
                                       in FILE (created 0600, never overwritten); accounts
                                       without one only, unless --reset-existing or --ine;
                                       --slips also writes the printable per-pupil slips
                                       (the same way), with the sign-in link URL and its QR
  not-joined CODE
  sheet CODE [--base-url URL]          printable HTML instructions for the class; with URL,
                                       also the link URL+CODE and its QR code
  anonymize UAI INE | export-learner UAI INE
  username FIRST LAST DD/MM/YYYY       the base username, no database needed
  normalize TEXT                       the comparison key of a name, no database needed

School staff (secrets on standard input, one per line):
  staff invite UAI --role admin|member [--days N] [--sheet FILE --base-url URL]
                                       prints the invitation code; --sheet also writes the
                                       printable invitation (created 0600, never overwritten)
  staff accept CODE USERNAME DISPLAY_NAME   password on stdin; prints the staff session token
                                       (CODE "-": the code is read from stdin first);
                                       staff accept CODE alone, with INSCRIRE_STAFF_SESSION:
                                       adds the school to your account
  staff login [--client-key K] USERNAME     password on stdin, then the 6-digit code (or a
                                       recovery code) if the account has a second factor;
                                       prints the staff session token
  staff show | staff logout            staff session token on stdin
  staff password change USERNAME       old then new password on stdin
  staff password change --token        change token then new password on stdin
  staff members UAI | staff invitations UAI
  staff role UAI USERNAME admin|member | staff remove UAI USERNAME
  staff revoke UAI INVITATION_ID | staff reset-password UAI USERNAME
  staff second-factor begin            prints the secret and the otpauth:// URI to enrol
  staff second-factor confirm          the code on stdin; prints the 10 recovery codes, once
  staff second-factor reset UAI USERNAME
  audit UAI [--since ISO-8601] [--action A] [--limit N] [--offset N]   newest first
  audit purge [--older-than-days N]    operator only (default 365 days)

Admin commands act as the operator, named after the Unix user, unless the environment variable
INSCRIRE_STAFF_SESSION is set: then they act as that staff member, with its rights (FORBIDDEN
otherwise), and `staff second-factor begin|confirm` enrol that member.

The database is ./inscrire.db unless --db (or else the environment variable INSCRIRE_DB) names
another SQLite file or a PostgreSQL server: postgresql://user@host:port/dbname?schema=inscrire
(passwords from PGPASSWORD or ~/.pgpass, never on the command line).

Exit status: 0 success, 1 refused operation (the error code is printed), 2 usage error.
)";

const std::map<std::string, CommandHandler>& commands() {
  static const std::map<std::string, CommandHandler> table{
      {"demo", command_demo},
      {"org", command_org},
      {"import", command_import},
      {"learners", command_learners},
      {"campaign", command_campaign},
      {"match", command_match},
      {"register", command_register},
      {"login", command_login},
      {"join", command_join},
      {"password", command_password},
      {"unblock", command_unblock},
      {"account", command_account},
      {"credentials", command_credentials},
      {"not-joined", command_not_joined},
      {"sheet", command_sheet},
      {"anonymize", command_anonymize},
      {"export-learner", command_export_learner},
      {"session", command_session},
      {"participations", command_participations},
      {"participation", command_participation},
      {"participants", command_participants},
      {"learner", command_learner},
      {"dissociate", command_dissociate},
      {"staff", command_staff},
      {"audit", command_audit},
      {"username", command_username},
      {"normalize", command_normalize},
  };
  return table;
}

Json error_json(ErrorCode code, const std::string& message) {
  return Json::object()
      .set("ok", false)
      .set("error", Json::object().set("code", code_name(code)).set("message", message));
}

// Reads the options that come before the command name.
void read_global_options(Context& context, Arguments& args) {
  while (!args.empty() && args.front().starts_with("-")) {
    const auto option = args.front();
    args.erase(args.begin());
    if (option == "--json") {
      context.json = true;
    } else if (option == "--db") {
      context.database = take(args, "FILE or URL after --db");
    } else if (option == "--matching") {
      const auto rules = take(args, "extended or pix after --matching");
      if (rules != "extended" && rules != "pix")
        throw UsageError("--matching takes extended or pix");
      context.options.matching = rules == "pix" ? MatchRules::Pix : MatchRules::Extended;
    } else if (option == "--lang") {
      const auto lang = take(args, "fr or en after --lang");
      if (lang != "fr" && lang != "en") throw UsageError("--lang takes fr or en");
      context.language = lang == "en" ? Language::English : Language::French;
    } else {
      throw UsageError("unknown option: " + option);
    }
  }
}

// The operator as the audit log names it: the Unix user running the CLI (the effective one,
// from the user database, not $USER which any caller sets). Whoever runs the CLI on the
// database already holds everything (docs/rules.md §9): the name is for the record, not a check.
std::string operator_name() {
  const auto uid = ::geteuid();
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr && *found->pw_name != 0) {
    return found->pw_name;
  }
  return "uid " + std::to_string(uid);
}

// INSCRIRE_STAFF_SESSION set, even empty, makes every admin command act as that staff member:
// a script whose `staff login` failed must get SESSION_INVALID, never the operator's rights.
Actor command_actor() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): no thread yet, and the CLI never calls setenv
  if (const char* token = std::getenv("INSCRIRE_STAFF_SESSION"); token != nullptr) {
    return Actor::staff(std::string(trim(token)));
  }
  return Actor::as_operator(operator_name());
}

void print_error(const Context& context, ErrorCode code, const std::string& message) {
  if (context.json) {
    std::cout << error_json(code, message).dump() << "\n";
  } else {
    std::cerr << code_name(code) << ": " << message << "\n";
  }
}

int run(Arguments args) {
  Context context;
  context.input = &std::cin;
  context.error_stream = &std::cerr;
  try {
    if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
      std::cout << kUsage;
      return 0;
    }
    // NOLINTNEXTLINE(concurrency-mt-unsafe): no thread yet, and the CLI never calls setenv
    if (const char* database = std::getenv("INSCRIRE_DB"); database != nullptr && *database != 0) {
      context.database = database;
    }
    context.actor = command_actor();
    read_global_options(context, args);
    const auto name = take(args, "COMMAND");
    const auto found = commands().find(name);
    if (found == commands().end()) throw UsageError("unknown command: " + name);
    const auto reply = found->second(context, args);
    if (context.json) {
      std::cout << Json::object().set("ok", true).merge(reply.fields).dump() << "\n";
    } else {
      std::cout << reply.text;
    }
    return 0;
  } catch (const Refusal& refusal) {
    if (context.json) {
      std::cout << error_json(refusal.code(), refusal.message(context.language))
                       .merge(refusal.fields())
                       .dump()
                << "\n";
    } else {
      std::cout << refusal.text() << std::flush;
      std::cerr << code_name(refusal.code()) << ": " << refusal.message(context.language) << "\n";
    }
    return 1;
  } catch (const UsageError& e) {
    std::cerr << "inscrire: " << e.what() << "\n\n" << kUsage;
    return 2;
  } catch (const Error& e) {
    print_error(context, e.code(), e.message(context.language));
    return 1;
  } catch (const std::exception& e) {
    print_error(context, ErrorCode::INTERNAL_ERROR, e.what());
    return 1;
  }
}

}  // namespace
}  // namespace inscrire::cli

int main(int argc, char** argv) {
  return inscrire::cli::run(inscrire::cli::Arguments(argv + 1, argv + argc));
}
