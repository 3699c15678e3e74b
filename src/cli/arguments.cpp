#include <algorithm>

#include "command.hpp"

namespace inscrire::cli {

std::string take(Arguments& args, const char* what) {
  if (args.empty()) throw UsageError(std::string("missing ") + what);
  auto value = args.front();
  args.erase(args.begin());
  return value;
}

std::optional<std::string> take_option(Arguments& args, const std::string& name) {
  const auto found = std::find(args.begin(), args.end(), name);
  if (found == args.end()) return std::nullopt;
  if (found + 1 == args.end()) throw UsageError(name + " needs a value");
  auto value = *(found + 1);
  args.erase(found, found + 2);
  return value;
}

bool take_flag(Arguments& args, const std::string& name) {
  const auto found = std::find(args.begin(), args.end(), name);
  if (found == args.end()) return false;
  args.erase(found);
  return true;
}

void expect_no_more(const Arguments& args) {
  if (!args.empty()) throw UsageError("unexpected argument: " + args.front());
}

}  // namespace inscrire::cli
