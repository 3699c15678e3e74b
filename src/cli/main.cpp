// inscrire: the command-line tool. See docs/cli.md and `inscrire --help`.
#include <iostream>
#include <map>

#include "command.hpp"

namespace inscrire::cli {
namespace {

constexpr const char* kUsage = R"(usage: inscrire [--db FILE] [--lang fr|en] [--json] COMMAND [ARGS]

  demo                                 end-to-end run on the bundled sample roster, in a temp dir
  username FIRST LAST DD/MM/YYYY       the base username, no database needed
  normalize TEXT                       the comparison key of a name, no database needed

Exit status: 0 success, 1 refused operation (the error code is printed), 2 usage error.
)";

const std::map<std::string, CommandHandler>& commands() {
  static const std::map<std::string, CommandHandler> table{
      {"demo", command_demo},
      {"username", command_username},
      {"normalize", command_normalize},
  };
  return table;
}

Json error_json(ErrorCode code, const std::string& message) {
  return Json::object().set("ok", false).set(
      "error", Json::object().set("code", code_name(code)).set("message", message));
}

// Reads the options that come before the command name.
void read_global_options(Context& context, Arguments& args) {
  while (!args.empty() && args.front().starts_with("-")) {
    const auto option = args.front();
    args.erase(args.begin());
    if (option == "--json") {
      context.json = true;
    } else if (option == "--db") {
      context.database = take(args, "FILE after --db");
    } else if (option == "--lang") {
      const auto lang = take(args, "fr or en after --lang");
      if (lang != "fr" && lang != "en") throw UsageError("--lang takes fr or en");
      context.language = lang == "en" ? Language::English : Language::French;
    } else {
      throw UsageError("unknown option: " + option);
    }
  }
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
