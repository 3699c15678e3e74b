// The staff commands (docs/cli.md, "School staff"): invitations and their printable sheet, staff
// login and sessions, the team, passwords, the second factor, and the audit log. Passwords,
// codes and tokens come from standard input, one per line, never from argv; the admin commands
// act as context.actor (the operator, or the member of INSCRIRE_STAFF_SESSION).
#include <unistd.h>

#include <charconv>
#include <iostream>

#include "command.hpp"
#include "inscrire/render.hpp"
#include "inscrire/text.hpp"
#include "replies.hpp"

namespace inscrire::cli {
namespace {

StaffRole role_option(const std::string& value) {
  const auto role = staff_role_from_name(value);
  if (!role) throw UsageError("a role is admin or member, not " + value);
  return *role;
}

std::string role_text(StaffRole role) { return std::string(staff_role_name(role)); }

std::string time_text(const std::optional<std::int64_t>& at) {
  return at ? iso8601_utc(*at) : std::string("never");
}

// The school's name for the invitation sheet, as the actor may see it (the UAI if not listed).
std::string school_name(Service& service, const Context& context, const std::string& uai) {
  auto canonical = upper_ascii(trim(uai));
  for (const auto& organization : service.organizations(context.actor)) {
    if (organization.uai == canonical) return organization.name;
  }
  return canonical;
}

// A staff login's answer: the token alone on stdout (`TOKEN=$(inscrire staff login USER)`), the
// rest on stderr; --json: the record, and the token as "staff_session". After a reset, the
// login is refused with PASSWORD_CHANGE_REQUIRED and the change token, as for pupils.
Reply staff_login_reply(Context& context, const StaffLogin& login) {
  if (login.password_change_required) {
    throw Refusal(
        Error(ErrorCode::PASSWORD_CHANGE_REQUIRED),
        Json::object().set("username", login.username).set("change_token", login.change_token),
        "change token: " + login.change_token + "\n");
  }
  Reply reply;
  reply.fields = to_json(login).set("staff_session", login.session_token);
  reply.text = login.session_token + "\n";
  if (!context.json) {
    *context.error_stream << "logged in as " << login.username << " (staff), until "
                          << iso8601_utc(login.expires_at) << "\n";
  }
  return reply;
}

std::string staff_session_text(const StaffSession& session) {
  std::string text = "staff " + session.username + " (" + session.display_name + "), until " +
                     iso8601_utc(session.expires_at) +
                     (session.second_factor ? ", second factor enrolled" : "") + "\n";
  for (const auto& membership : session.memberships) {
    text += "  " + membership.uai + "  " + role_text(membership.role) + "\n";
  }
  return text;
}

Reply staff_session_reply(const StaffSession& session) {
  Reply reply;
  reply.fields.set("staff", to_json(session));
  reply.text = staff_session_text(session);
  return reply;
}

// staff invite UAI --role admin|member [--days N] [--sheet FILE --base-url URL]
Reply staff_invite(Context& context, Arguments args) {
  const auto role = take_option(args, "--role");
  const auto days = take_option(args, "--days");
  const auto sheet = take_option(args, "--sheet");
  const auto base_url = take_option(args, "--base-url");
  const auto uai = take(args, "UAI");
  expect_no_more(args);
  if (!role) throw UsageError("staff invite needs --role admin or --role member");
  if (sheet.has_value() != base_url.has_value()) {
    throw UsageError("--sheet FILE and --base-url URL go together (the sheet prints the link)");
  }
  const auto invited_role = role_option(*role);
  const int valid_days = days ? number_option(*days, "--days") : 0;
  auto& service = open_service(context);
  // Before anything changes: the link's base URL, then the file (never overwritten).
  if (base_url) invitation_link(*base_url, {});
  const int fd = sheet ? create_private_file(*sheet, "--sheet") : -1;
  StaffInvitation invitation;
  std::string html;
  try {
    invitation = service.invite_staff(uai, invited_role, context.actor, valid_days);
    if (sheet) {
      html = invitation_sheet_html(invitation, school_name(service, context, uai), *base_url);
      write_all(fd, html, *sheet);
      if (::close(fd) != 0) throw Error(ErrorCode::INTERNAL_ERROR, "writing " + *sheet);
    }
  } catch (...) {
    if (fd >= 0) {
      ::close(fd);
      ::unlink(sheet->c_str());
    }
    // An invitation made but not printed stays pending: `staff invitations` lists it and
    // `staff revoke` ends it; its code is shown nowhere.
    throw;
  }
  Reply reply;
  reply.fields.set("invitation", to_json(invitation));
  // The code alone on stdout (`CODE=$(inscrire staff invite ...)`); what it is on stderr.
  reply.text = invitation.code + "\n";
  if (sheet) reply.fields.set("sheet", *sheet);
  if (!context.json) {
    *context.error_stream << "invitation #" << static_cast<std::int64_t>(invitation.id) << " into "
                          << invitation.uai << " as " << role_text(invitation.role)
                          << ", valid until " << iso8601_utc(invitation.expires_at)
                          << "; shown this once\n";
    if (sheet) *context.error_stream << "invitation sheet written to " << *sheet << "\n";
  }
  return reply;
}

// staff accept CODE USERNAME DISPLAY_NAME (password on stdin), or staff accept CODE with
// INSCRIRE_STAFF_SESSION (the school added to that account). CODE "-": read first from stdin.
Reply staff_accept(Context& context, Arguments args) {
  const auto client_key = take_option(args, "--client-key").value_or("");
  auto code = take(args, "CODE (or - to read it from standard input)");
  if (args.empty()) {
    staff_session_token(context, "staff accept CODE (without USERNAME)");
    if (code == "-") code = read_secret(context, "the invitation code");
    const auto session =
        open_service(context).accept_staff_invitation(code, context.actor, client_key);
    return staff_session_reply(session);
  }
  const auto username = take(args, "USERNAME");
  const auto display_name = take(args, "DISPLAY_NAME");
  expect_no_more(args);
  if (code == "-") code = read_secret(context, "the invitation code");
  const auto password = read_secret(context, "the password");
  const auto login = open_service(context).accept_staff_invitation(code, username, display_name,
                                                                   password, client_key);
  return staff_login_reply(context, login);
}

// staff login [--client-key K] USERNAME: the password, then (only when the account has a
// second factor) the code on the next line.
Reply staff_login(Context& context, Arguments args) {
  const auto client_key = take_option(args, "--client-key").value_or("");
  const auto username = take(args, "USERNAME");
  expect_no_more(args);
  const auto password = read_secret(context, "the password");
  auto& service = open_service(context);
  try {
    try {
      return staff_login_reply(context, service.staff_login(username, password, client_key));
    } catch (const Error& refused) {
      // The password was right and a code is needed: read it now, so that a person at a
      // terminal types it when asked and a script pipes both lines at once.
      if (refused.code() != ErrorCode::SECOND_FACTOR_REQUIRED) throw;
      if (isatty(STDIN_FILENO) != 0) *context.error_stream << "second factor code: " << std::flush;
      const auto code = read_optional_secret(context);
      if (!code || trim(*code).empty()) throw;
      return staff_login_reply(context, service.staff_login(username, password, client_key, *code));
    }
  } catch (const LoginError& refused) {
    throw login_refusal(refused);
  }
}

Reply staff_password(Context& context, Arguments args) {
  const auto action = take(args, "staff password action (change)");
  if (action != "change") throw UsageError("unknown staff password action: " + action);
  auto& service = open_service(context);
  if (take_flag(args, "--token")) {
    expect_no_more(args);
    const auto token = read_secret(context, "the change token");
    const auto password = read_secret(context, "the new password");
    service.change_staff_password_with_token(token, password);
  } else {
    const auto username = take(args, "USERNAME");
    expect_no_more(args);
    const auto old_password = read_secret(context, "the old password");
    const auto new_password = read_secret(context, "the new password");
    try {
      service.change_staff_password(username, old_password, new_password);
    } catch (const LoginError& refused) {
      throw login_refusal(refused);
    }
  }
  Reply reply;
  reply.text = "password changed; every session of the account ended\n";
  return reply;
}

Reply staff_members(Context& context, Arguments args) {
  const auto uai = take(args, "UAI");
  expect_no_more(args);
  Reply reply;
  auto list = Json::array();
  for (const auto& member : open_service(context).members(uai, context.actor)) {
    list.push(to_json(member));
    reply.text += member.username + "  " + member.display_name + "  " + role_text(member.role) +
                  "  since " + iso8601_utc(member.since) + "  last login " +
                  time_text(member.last_login_at) +
                  (member.second_factor ? "  second factor" : "") + "\n";
  }
  reply.fields.set("members", list);
  return reply;
}

Reply staff_invitations(Context& context, Arguments args) {
  const auto uai = take(args, "UAI");
  expect_no_more(args);
  Reply reply;
  auto list = Json::array();
  for (const auto& invitation : open_service(context).invitations(uai, context.actor)) {
    list.push(to_json(invitation));
    reply.text += "#" + std::to_string(static_cast<std::int64_t>(invitation.id)) + "  " +
                  role_text(invitation.role) + "  by " + invitation.created_by + "  until " +
                  iso8601_utc(invitation.expires_at) + "\n";
  }
  reply.fields.set("invitations", list);
  return reply;
}

Reply staff_role(Context& context, Arguments args) {
  const auto uai = take(args, "UAI");
  const auto username = take(args, "USERNAME");
  const auto role = role_option(take(args, "admin or member"));
  expect_no_more(args);
  open_service(context).set_member_role(uai, username, role, context.actor);
  const auto name = lower_ascii(trim(username));
  Reply reply;
  reply.fields.set("username", name).set("uai", upper_ascii(trim(uai))).set("role", to_json(role));
  reply.text = name + " is " + role_text(role) + " in " + upper_ascii(trim(uai)) + "\n";
  return reply;
}

Reply staff_remove(Context& context, Arguments args) {
  const auto uai = take(args, "UAI");
  const auto username = take(args, "USERNAME");
  expect_no_more(args);
  open_service(context).remove_member(uai, username, context.actor);
  const auto name = lower_ascii(trim(username));
  Reply reply;
  reply.fields.set("username", name).set("uai", upper_ascii(trim(uai)));
  reply.text = name + " removed from " + upper_ascii(trim(uai)) + "\n";
  return reply;
}

Reply staff_revoke(Context& context, Arguments args) {
  const auto uai = take(args, "UAI");
  const auto typed = take(args, "INVITATION_ID");
  expect_no_more(args);
  const auto id_text = typed.starts_with('#') ? typed.substr(1) : typed;
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (error != std::errc() || end != id_text.data() + id_text.size() || id_text.empty()) {
    throw UsageError("INVITATION_ID is the number `staff invitations` shows");
  }
  open_service(context).revoke_staff_invitation(uai, RecordId{id}, context.actor);
  Reply reply;
  reply.fields.set("id", Json(id)).set("status", "revoked");
  reply.text = "invitation #" + std::to_string(id) + " revoked\n";
  return reply;
}

Reply staff_reset_password(Context& context, Arguments args) {
  const auto uai = take(args, "UAI");
  const auto username = take(args, "USERNAME");
  expect_no_more(args);
  const auto temporary = open_service(context).reset_staff_password(uai, username, context.actor);
  const auto name = lower_ascii(trim(username));
  Reply reply;
  reply.fields.set("username", name).set("temporary_password", temporary);
  reply.text = "temporary password for " + name + ": " + temporary +
               " (to change at next login, with `staff password change --token`)\n";
  return reply;
}

Reply staff_second_factor(Context& context, Arguments args) {
  const auto action = take(args, "staff second-factor action (begin, confirm, reset)");
  Reply reply;
  if (action == "begin") {
    expect_no_more(args);
    const auto& token = staff_session_token(context, "staff second-factor begin");
    const auto enrolment = open_service(context).begin_second_factor(token);
    reply.fields = to_json(enrolment);
    reply.text = "secret: " + enrolment.secret + "\n" + enrolment.otpauth_uri + "\n";
    if (!context.json) {
      *context.error_stream << "add it to an authenticator app (the URI, or the secret typed), "
                               "then: inscrire staff second-factor confirm (its code on stdin)\n";
    }
  } else if (action == "confirm") {
    expect_no_more(args);
    const auto& token = staff_session_token(context, "staff second-factor confirm");
    const auto code = read_secret(context, "the 6-digit code");
    const auto codes = open_service(context).confirm_second_factor(token, code);
    reply.fields.set("recovery_codes", to_json(codes));
    for (const auto& recovery : codes) reply.text += recovery + "\n";
    if (!context.json) {
      *context.error_stream << "second factor enrolled; keep these recovery codes (each works "
                               "once in place of a code): they are not shown again\n";
    }
  } else if (action == "reset") {
    const auto uai = take(args, "UAI");
    const auto username = take(args, "USERNAME");
    expect_no_more(args);
    open_service(context).reset_second_factor(uai, username, context.actor);
    const auto name = lower_ascii(trim(username));
    reply.fields.set("username", name);
    reply.text = "second factor of " + name + " removed; every session of the account ended\n";
  } else {
    throw UsageError("unknown staff second-factor action: " + action);
  }
  return reply;
}

std::string audit_text(const AuditRow& row) {
  return iso8601_utc(row.at) + "  " + row.actor_kind + " " + row.actor_ref +
         (row.actor_role.empty() ? "" : " (" + row.actor_role + ")") + "  " + row.action +
         (row.target.empty() ? "" : "  " + row.target) +
         (row.detail.empty() ? "" : "  [" + row.detail + "]") + "  " + row.outcome + "\n";
}

}  // namespace

Reply command_staff(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto action = take(args,
                           "staff action (invite, accept, login, show, logout, password, members, "
                           "invitations, role, remove, revoke, reset-password, second-factor)");
  if (action == "invite") return staff_invite(context, args);
  if (action == "accept") return staff_accept(context, args);
  if (action == "login") return staff_login(context, args);
  if (action == "show" || action == "logout") {
    expect_no_more(args);
    const auto token = read_secret(context, "the staff session token");
    auto& service = open_service(context);
    if (action == "show") return staff_session_reply(service.staff_authenticate(token));
    service.staff_logout(token);
    Reply reply;
    reply.text = "staff session ended\n";
    return reply;
  }
  if (action == "password") return staff_password(context, args);
  if (action == "members") return staff_members(context, args);
  if (action == "invitations") return staff_invitations(context, args);
  if (action == "role") return staff_role(context, args);
  if (action == "remove") return staff_remove(context, args);
  if (action == "revoke") return staff_revoke(context, args);
  if (action == "reset-password") return staff_reset_password(context, args);
  if (action == "second-factor") return staff_second_factor(context, args);
  throw UsageError("unknown staff action: " + action);
}

// audit UAI [--since ISO-8601] [--action A] [--limit N] [--offset N] | audit purge
// [--older-than-days N]
Reply command_audit(Context& context, const Arguments& arguments) {
  auto args = arguments;
  Reply reply;
  if (!args.empty() && args.front() == "purge") {
    args.erase(args.begin());
    const auto days = take_option(args, "--older-than-days");
    expect_no_more(args);
    const int older_than = days ? number_option(*days, "--older-than-days") : 0;
    const int purged = open_service(context).purge_audit(older_than, context.actor);
    reply.fields.set("purged", purged);
    reply.text = std::to_string(purged) + " audit row(s) purged\n";
    return reply;
  }
  AuditQuery query;
  if (const auto since = take_option(args, "--since")) query.since = time_option(*since, "--since");
  query.action = take_option(args, "--action");
  if (const auto limit = take_option(args, "--limit"))
    query.limit = number_option(*limit, "--limit");
  if (const auto offset = take_option(args, "--offset")) {
    query.offset = number_option(*offset, "--offset");
  }
  const auto uai = take(args, "UAI (or purge)");
  expect_no_more(args);
  const auto rows = open_service(context).audit_log(uai, query, context.actor);
  auto list = Json::array();
  for (const auto& row : rows) {
    list.push(to_json(row));
    reply.text += audit_text(row);
  }
  reply.fields.set("audit", list).set("limit", query.limit).set("offset", query.offset);
  return reply;
}

}  // namespace inscrire::cli
