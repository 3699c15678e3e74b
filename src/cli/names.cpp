// `username` and `normalize`: the name rules, with no database.
#include "command.hpp"
#include "inscrire/birthdate.hpp"
#include "inscrire/text.hpp"
#include "inscrire/username.hpp"

namespace inscrire::cli {

Reply command_username(Context&, const Arguments& arguments) {
  auto args = arguments;
  const auto first = take(args, "FIRST");
  const auto last = take(args, "LAST");
  const auto date = take(args, "DD/MM/YYYY");
  expect_no_more(args);
  validate_name(first);
  validate_name(last);
  const auto birthdate = BirthDate::parse(date);
  const auto username = base_username({.first_name = first, .last_name = last}, birthdate);
  Reply reply;
  reply.fields.set("username", username);
  reply.text = username + "\n";
  return reply;
}

Reply command_normalize(Context&, const Arguments& arguments) {
  auto args = arguments;
  const auto text = take(args, "TEXT");
  expect_no_more(args);
  validate_name(text);
  const auto key = comparison_key(text);
  Reply reply;
  reply.fields.set("key", key).set("username_part", username_part(text));
  reply.text = key + "\n";
  return reply;
}

}  // namespace inscrire::cli
