// The database commands: schools, rosters, campaigns, the pupil flow and account admin.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <sstream>
#include <unordered_map>

#include "command.hpp"
#include "inscrire/limits.hpp"
#include "inscrire/render.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "replies.hpp"

namespace inscrire::cli {

Service open_service(const Context& context) {
  return Service::open(context.database, context.options);
}

std::string read_secret(Context& context, const char* what) {
  std::string line;
  if (!std::getline(*context.input, line)) {
    throw UsageError(std::string("expected ") + what + " on standard input");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> read_optional_secret(Context& context) {
  std::string line;
  if (!std::getline(*context.input, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

const std::string& staff_session_token(const Context& context, const char* command) {
  if (context.actor.kind() != Actor::Kind::Staff) {
    throw UsageError(std::string(command) +
                     " acts on your own staff account: set INSCRIRE_STAFF_SESSION to the token "
                     "of `inscrire staff login`");
  }
  return context.actor.session_token();
}

namespace {

// Progress of a large import (4 MiB and more) on stderr: a bar redrawn in place on a terminal,
// a line every tenth otherwise (logs, pipes); stdout keeps only the report.
std::function<void(std::uint64_t, std::uint64_t)> progress_bar(const Context& context) {
  const bool terminal = isatty(STDERR_FILENO) != 0;
  return [stream = context.error_stream, terminal, shown = std::uint64_t{0}](
             std::uint64_t done, std::uint64_t total) mutable {
    if (total < (4u << 20) || shown > 100) return;
    const auto percent = std::min<std::uint64_t>(100, done * 100 / total);
    if (terminal) {
      *stream << "\rimport: [" << std::string(percent / 5, '#')
              << std::string(20 - percent / 5, ' ') << "] " << percent << "%"
              << (percent == 100 ? "\n" : "") << std::flush;
    } else if (percent >= shown) {
      *stream << "import: " << percent << "%\n" << std::flush;
    }
    shown = percent == 100 ? 101 : std::max(shown, percent / 10 * 10 + 10);
  };
}

// What a pupil types, as `[--client-key K] CODE FIRST LAST DD/MM/YYYY`.
struct TypedPupil {
  std::string client_key;
  std::string code;
  std::string first;
  std::string last;
  std::string birthdate;
};

TypedPupil take_typed_pupil(Arguments& args) {
  TypedPupil typed;
  typed.client_key = take_option(args, "--client-key").value_or("");
  typed.code = take(args, "CODE");
  typed.first = take(args, "FIRST");
  typed.last = take(args, "LAST");
  typed.birthdate = take(args, "DD/MM/YYYY");
  expect_no_more(args);
  return typed;
}

// Every page of the admin list for `query`'s filters.
std::vector<LearnerAccountView> every_learner_account(Service& service, const std::string& uai,
                                                      LearnerQuery query, const Actor& actor) {
  std::vector<LearnerAccountView> rows;
  query.limit = kMaxLearnerPage;
  for (query.offset = 0;; query.offset += kMaxLearnerPage) {
    auto page = service.learners(uai, query, actor);
    const bool last = page.size() < static_cast<std::size_t>(kMaxLearnerPage);
    for (auto& row : page) rows.push_back(std::move(row));
    if (last) return rows;
  }
}

// {"learners": [...], "count"} with account states, and one line per learner.
Reply learner_accounts_reply(const std::vector<LearnerAccountView>& rows) {
  Reply reply;
  auto list = Json::array();
  for (const auto& row : rows) {
    list.push(to_json(row));
    reply.text += learner_account_text(row);
  }
  reply.fields.set("learners", list).set("count", static_cast<int>(rows.size()));
  reply.text += std::to_string(rows.size()) + " learner(s)\n";
  return reply;
}

// The warning of a pupil who used another class's code (docs/rules.md §10).
std::string other_division_text(const std::string& division) {
  return "warning: this code is not for class " + division + ", the pupil's class\n";
}

// The registration's fields, and "code" and "participation" as the first versions named them
// (docs/cli.md).
Json registration_json(const Registration& registration) {
  return to_json(registration)
      .set("code", registration.campaign.code)
      .set("participation", registration.participation_status);
}

Reply organization_add(Context& context, Arguments args) {
  const auto uai = take(args, "UAI");
  const auto name = take(args, "NAME");
  expect_no_more(args);
  const auto organization = open_service(context).create_organization(uai, name, context.actor);
  Reply reply;
  reply.fields = to_json(organization);
  reply.text = "school " + organization.uai + " (" + organization.name + ") created\n";
  return reply;
}

}  // namespace

Reply command_org(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto action = take(args, "org action (add)");
  if (action == "add") return organization_add(context, args);
  if (action == "list") {
    expect_no_more(args);
    Reply reply;
    auto list = Json::array();
    for (const auto& organization : open_service(context).organizations(context.actor)) {
      list.push(to_json(organization));
      reply.text += organization.uai + "  " + organization.name + "\n";
    }
    reply.fields.set("organizations", list);
    return reply;
  }
  throw UsageError("unknown org action: " + action);
}

Reply command_import(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const bool dry_run = take_flag(args, "--dry-run");
  const auto uai = take(args, "UAI");
  const auto file = take(args, "FILE");
  expect_no_more(args);
  ImportOptions options;
  options.dry_run = dry_run;
  options.progress = progress_bar(context);
  try {
    const auto report = open_service(context).import_roster(uai, file, options, context.actor);
    Reply reply;
    reply.fields.set("report", to_json(report));
    reply.text = report_text(report);
    return reply;
  } catch (const ImportRefused& refused) {
    throw Refusal(refused, Json::object().set("report", to_json(refused.report())),
                  report_text(refused.report()));
  }
}

Reply command_learners(Context& context, const Arguments& arguments) {
  auto args = arguments;
  LearnerQuery query;
  query.division = take_option(args, "--division");
  const auto state = take_option(args, "--state");
  query.search = take_option(args, "--search");
  const auto limit = take_option(args, "--limit");
  const auto offset = take_option(args, "--offset");
  const bool all = take_flag(args, "--all");
  const auto uai = take(args, "UAI");
  expect_no_more(args);
  if (state) {
    query.state = learner_state_from_name(*state);
    if (!query.state) throw UsageError("unknown --state: " + *state);
  }
  auto service = open_service(context);
  if (limit || offset) {
    // One page of the admin list (docs/rules.md §7): disabled learners included, ordered by
    // name; the library checks the bounds (INVALID_ARGUMENT).
    if (limit) query.limit = number_option(*limit, "--limit");
    if (offset) query.offset = number_option(*offset, "--offset");
    auto reply = learner_accounts_reply(service.learners(uai, query, context.actor));
    reply.fields.set("limit", query.limit).set("offset", query.offset);
    return reply;
  }
  // The whole list as before (class order, disabled learners only with --all), each row with
  // its account state; --state keeps the rows in that state.
  std::unordered_map<std::string, LearnerAccountView> by_ine;
  for (auto& row : every_learner_account(service, uai, query, context.actor)) {
    auto ine = row.learner.ine;
    by_ine.emplace(std::move(ine), std::move(row));
  }
  std::vector<LearnerAccountView> kept;
  for (const auto& learner :
       service.learners(uai, query.division, all || state.has_value(), context.actor)) {
    const auto found = by_ine.find(learner.ine);
    if (found != by_ine.end()) kept.push_back(std::move(found->second));
  }
  return learner_accounts_reply(kept);
}

Reply command_campaign(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto action =
      take(args, "campaign action (create, list, rename, owner, archive, unarchive, delete)");
  auto service = open_service(context);
  const auto& actor = context.actor;
  Reply reply;
  if (action == "create") {
    const auto division = take_option(args, "--division");
    const auto profile = take_option(args, "--target-profile");
    const auto owner = take_option(args, "--owner");
    const auto uai = take(args, "UAI");
    const auto name = take(args, "NAME");
    expect_no_more(args);
    const auto campaign = service.create_campaign(uai, name, division, profile, actor, owner);
    reply.fields = to_json(campaign);
    reply.text = "campaign \"" + campaign.name + "\" created, code " + campaign.code + "\n";
  } else if (action == "list") {
    const bool include_deleted = take_flag(args, "--include-deleted");
    const auto uai = take(args, "UAI");
    expect_no_more(args);
    auto list = Json::array();
    for (const auto& campaign : service.campaigns(uai, actor, include_deleted)) {
      list.push(to_json(campaign));
      reply.text += campaign.code + "  " + std::string(campaign_status_name(campaign.status)) +
                    "  " + (campaign.division.empty() ? "-" : campaign.division) + "  " +
                    campaign.name + "\n";
    }
    reply.fields.set("campaigns", list);
  } else if (action == "rename" || action == "owner") {
    const auto code = take(args, "CODE");
    const auto value = take(args, action == "rename" ? "NAME" : "USERNAME");
    expect_no_more(args);
    const auto campaign = action == "rename"
                              ? service.update_campaign(code, actor, value)
                              : service.update_campaign(code, actor, std::nullopt, value);
    reply.fields = to_json(campaign);
    reply.text =
        "campaign " + campaign.code +
        (action == "rename" ? " renamed \"" + campaign.name + "\"" : " owned by " + value) + "\n";
  } else if (action == "archive") {
    const auto code = take(args, "CODE");
    expect_no_more(args);
    const auto campaign = service.archive_campaign(code, actor);
    reply.fields = to_json(campaign);
    reply.text = "campaign " + campaign.code + " archived\n";
  } else if (action == "unarchive") {
    const auto code = take(args, "CODE");
    expect_no_more(args);
    const auto campaign = service.unarchive_campaign(code, actor);
    reply.fields = to_json(campaign);
    reply.text = "campaign " + campaign.code + " active\n";
  } else if (action == "delete") {
    const auto code = take(args, "CODE");
    expect_no_more(args);
    service.delete_campaign(code, actor);
    reply.fields.set("code", std::string(trim(code))).set("status", "deleted");
    reply.text = "campaign " + std::string(trim(code)) + " deleted\n";
  } else {
    throw UsageError("unknown campaign action: " + action);
  }
  return reply;
}

Reply command_match(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto typed = take_typed_pupil(args);
  const auto report = open_service(context).match(typed.code, typed.first, typed.last,
                                                  typed.birthdate, typed.client_key);
  Reply reply;
  // The report's fields, and "username_hint" as the first versions named the masked username.
  reply.fields = to_json(report);
  reply.fields.set("username_hint",
                   report.masked_username.empty() ? Json() : Json(report.masked_username));
  if (const auto code_refused = report.error()) {
    throw Refusal(
        Error(*code_refused,
              report.masked_username.empty() ? std::string() : "(" + report.masked_username + ")"),
        reply.fields, "");
  }
  reply.text = "match: " + report.learner->first_name + " " + report.learner->last_name + " (" +
               report.learner->division + "), username " + report.username + ", matched by " +
               std::string(match_stage_name(*report.matched_by)) + "\n";
  if (report.other_division) reply.text += other_division_text(report.learner->division);
  return reply;
}

Reply command_register(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto typed = take_typed_pupil(args);
  const auto password = read_secret(context, "the password");
  const auto registration = [&] {
    try {
      return open_service(context).register_pupil(typed.code, typed.first, typed.last,
                                                  typed.birthdate, password, typed.client_key);
    } catch (const MatchRefused& refused) {
      auto fields = Json::object();
      if (!refused.masked_username().empty()) {
        fields.set("username_hint", refused.masked_username());
      }
      throw Refusal(refused, fields, "");
    }
  }();
  Reply reply;
  reply.fields = registration_json(registration);
  reply.text = "account created: " + registration.username + " (campaign " +
               registration.campaign.code + " started)\n";
  if (registration.other_division) {
    reply.text += other_division_text(registration.learner.division);
  }
  return reply;
}

Reply command_login(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto client_key = take_option(args, "--client-key").value_or("");
  const auto username = take(args, "USERNAME");
  expect_no_more(args);
  const auto password = read_secret(context, "the password");
  try {
    const auto result = open_service(context).login(username, password, client_key);
    Reply reply;
    reply.fields = to_json(result);
    if (result.status == LoginStatus::PasswordChangeRequired) {
      throw Refusal(
          Error(ErrorCode::PASSWORD_CHANGE_REQUIRED),
          Json::object().set("username", result.username).set("change_token", result.change_token),
          "change token: " + result.change_token + "\n");
    }
    // The token alone on stdout, for `TOKEN=$(inscrire login USER)`; the rest on stderr.
    reply.text = result.session_token + "\n";
    *context.error_stream << "logged in as " << result.username << "\n";
    return reply;
  } catch (const LoginError& refused) {
    throw login_refusal(refused);
  }
}

Reply command_join(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto code = take(args, "CODE");
  const auto username = take(args, "USERNAME");
  // Optional identity, for a school where the account is not linked yet.
  std::optional<std::array<std::string, 3>> identity;
  if (!args.empty()) {
    identity = {take(args, "FIRST"), take(args, "LAST"), take(args, "DD/MM/YYYY")};
  }
  expect_no_more(args);
  const auto password = read_secret(context, "the password");
  auto service = open_service(context);
  const auto session = service.login(username, password);
  if (session.status == LoginStatus::PasswordChangeRequired) {
    throw Error(ErrorCode::PASSWORD_CHANGE_REQUIRED);
  }
  const auto registration = identity
                                ? service.join_campaign(session.session_token, code, (*identity)[0],
                                                        (*identity)[1], (*identity)[2])
                                : service.join_campaign(session.session_token, code);
  Reply reply;
  reply.fields = registration_json(registration);
  reply.text = registration.username + " joined campaign " + registration.campaign.code + "\n";
  return reply;
}

Reply command_password(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto action = take(args, "password action (change, reset)");
  auto service = open_service(context);
  Reply reply;
  if (action == "change") {
    if (take_flag(args, "--token")) {
      expect_no_more(args);
      const auto token = read_secret(context, "the change token");
      const auto password = read_secret(context, "the new password");
      service.change_password_with_token(token, password);
    } else {
      const auto username = take(args, "USERNAME");
      expect_no_more(args);
      const auto old_password = read_secret(context, "the old password");
      const auto new_password = read_secret(context, "the new password");
      service.change_password(username, old_password, new_password);
    }
    reply.text = "password changed\n";
  } else if (action == "reset") {
    const auto uai = take(args, "UAI");
    const auto username = take(args, "USERNAME");
    expect_no_more(args);
    const auto temporary = service.reset_password(uai, username, context.actor);
    reply.fields.set("username", trim(username)).set("temporary_password", temporary);
    reply.text = "temporary password for " + std::string(trim(username)) + ": " + temporary +
                 " (to change at next login)\n";
  } else {
    throw UsageError("unknown password action: " + action);
  }
  return reply;
}

Reply command_unblock(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto uai = take(args, "UAI");
  const auto username = take(args, "USERNAME");
  expect_no_more(args);
  open_service(context).unblock(uai, username, context.actor);
  Reply reply;
  reply.fields.set("username", trim(username));
  reply.text = std::string(trim(username)) + " unblocked\n";
  return reply;
}

namespace {

Reply account_show(Context& context, Arguments args) {
  const auto username = take(args, "USERNAME");
  expect_no_more(args);
  const auto details = open_service(context).account(username, context.actor);
  const auto& account = details.account;
  Reply reply;
  reply.text = account.username + "  " +
               (account.blocked == BlockState::None
                    ? std::string(account.disabled ? "disabled" : "active")
                    : "blocked (" + std::string(block_state_name(account.blocked)) + ")") +
               (account.must_change_password ? "  must change password" : "") + "  last login " +
               (account.last_login_at ? iso8601_utc(*account.last_login_at) : "never") + "  " +
               std::to_string(account.participations) + " participation(s)\n";
  for (const auto& link : details.learners) {
    reply.text += "  " + link.uai + " " + link.school + "  " + link.learner.division + "  " +
                  link.learner.last_name + " " + link.learner.first_name + "  " + link.learner.ine +
                  "\n";
  }
  reply.fields = to_json(details);
  return reply;
}

}  // namespace

Reply command_account(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto action = take(args, "account action (import, show)");
  if (action == "show") return account_show(context, args);
  if (action != "import") throw UsageError("unknown account action: " + action);
  const auto uai = take(args, "UAI");
  const auto ine = take(args, "INE");
  const auto username = take(args, "USERNAME");
  expect_no_more(args);
  const auto hash = read_secret(context, "the password hash");
  const auto imported =
      open_service(context).import_account(uai, ine, username, hash, context.actor);
  Reply reply;
  reply.fields.set("username", imported).set("ine", std::string(trim(ine)));
  reply.text = "account " + imported + " imported and linked to " + std::string(trim(ine)) + "\n";
  return reply;
}

namespace {

// The counts of a generation: the record's fields but its rows, whose passwords go to the CSV
// (stdout or --output) and to "credentials" only when printed.
Json credentials_report_json(const Credentials& credentials) {
  auto report = to_json(credentials);
  report.erase("rows");
  return report;
}

std::string credentials_report_text(const Credentials& credentials) {
  return std::to_string(credentials.created) + " created, " + std::to_string(credentials.reset) +
         " reset, " + std::to_string(credentials.unchanged) + " unchanged\n";
}

// --slips FILE [--per-page 8|1] [--base-url URL]: checked before anything changes.
struct SlipsOptions {
  std::optional<std::string> file;
  int per_page = 8;
  std::string base_url;
};

SlipsOptions take_slips_options(Arguments& args) {
  SlipsOptions slips;
  slips.file = take_option(args, "--slips");
  const auto per_page = take_option(args, "--per-page");
  const auto base_url = take_option(args, "--base-url");
  if (!slips.file && (per_page || base_url)) {
    throw UsageError("--per-page and --base-url go with --slips FILE");
  }
  if (per_page) {
    slips.per_page = number_option(*per_page, "--per-page");
    if (slips.per_page != 8 && slips.per_page != 1) throw UsageError("--per-page: 8 or 1");
  }
  if (base_url) slips.base_url = checked_base_url(*base_url);
  return slips;
}

}  // namespace

Reply command_credentials(Context& context, const Arguments& arguments) {
  auto args = arguments;
  CredentialOptions options;
  options.reset_existing = take_flag(args, "--reset-existing");
  while (auto ine = take_option(args, "--ine")) options.ines.push_back(std::move(*ine));
  const auto output = take_option(args, "--output");
  const auto slips = take_slips_options(args);
  const auto uai = take(args, "UAI");
  const auto division = take(args, "DIVISION");
  expect_no_more(args);
  auto service = open_service(context);
  // The files first: a refused file must not cost the class its passwords. Either is removed
  // if anything below fails.
  std::optional<PrivateFile> csv_file;
  std::optional<PrivateFile> slips_file;
  if (output) csv_file.emplace(*output, "--output");
  if (slips.file) slips_file.emplace(*slips.file, "--slips");
  const auto credentials = service.generate_credentials(uai, division, options, context.actor);
  Reply reply;
  reply.fields.set("report", credentials_report_json(credentials));
  std::string written;
  if (slips_file) {
    slips_file->write_and_keep(credential_slips_html(credentials, slips.base_url, slips.per_page));
    reply.fields.set("slips", *slips.file);
    written = "slips written to " + *slips.file + "\n";
  }
  const auto csv = credentials_csv(credentials);
  if (csv_file) {
    csv_file->write_and_keep(csv);
    reply.fields.set("output", *output);
    reply.text = credentials_report_text(credentials) + "written to " + *output + "\n" + written;
    return reply;
  }
  // stdout carries the CSV alone (scripts redirect it to a file): the counts go to stderr.
  reply.text = csv;
  reply.fields.set("credentials", to_json(credentials.rows)).set("csv", csv);
  if (!context.json) *context.error_stream << credentials_report_text(credentials) << written;
  return reply;
}

Reply command_not_joined(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto code = take(args, "CODE");
  expect_no_more(args);
  return learners_reply(open_service(context).not_joined(code, context.actor));
}

Reply command_sheet(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto base_url = take_option(args, "--base-url").value_or("");
  const auto code = take(args, "CODE");
  expect_no_more(args);
  Reply reply;
  reply.text = class_sheet_html(open_service(context).class_sheet(code, base_url, context.actor));
  reply.fields.set("html", reply.text);
  return reply;
}

Reply command_anonymize(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto uai = take(args, "UAI");
  const auto ine = take(args, "INE");
  expect_no_more(args);
  open_service(context).anonymize_learner(uai, ine, context.actor);
  Reply reply;
  reply.text = "learner anonymised\n";
  return reply;
}

Reply command_export_learner(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto uai = take(args, "UAI");
  const auto ine = take(args, "INE");
  expect_no_more(args);
  const auto document =
      learner_export_json(open_service(context).export_learner(uai, ine, context.actor));
  Reply reply;
  reply.fields.set("export", RawJson{document});
  reply.text = document + "\n";
  return reply;
}

}  // namespace inscrire::cli
