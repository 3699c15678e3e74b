// The journey's commands: sessions (token on standard input, never in argv), the pupil's
// participations, the teacher's participant list, the admin view of one learner, and
// dissociation.
#include "command.hpp"
#include "inscrire/render.hpp"
#include "inscrire/text.hpp"
#include "replies.hpp"

namespace inscrire::cli {
namespace {

std::string read_session_token(Context& context) {
  return read_secret(context, "the session token");
}

std::string session_text(const Session& session) {
  std::string text =
      "session of " + session.username + ", until " + iso8601_utc(session.expires_at) + "\n";
  for (const auto& learner : session.learners) {
    text += "  " + learner.uai + " " + learner.school + "  " + learner.division + "  " +
            learner.last_name + " " + learner.first_name +
            (learner.disabled ? "  (disabled)" : "") + "\n";
  }
  return text;
}

std::string participation_text(const ParticipationView& participation) {
  return participation.code + "  " + participation.status + "  " + participation.campaign + "  " +
         participation.school + "\n";
}

}  // namespace

Reply command_session(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto action = take(args, "session action (show, end)");
  if (action != "show" && action != "end") throw UsageError("unknown session action: " + action);
  expect_no_more(args);
  const auto token = read_session_token(context);
  auto service = open_service(context);
  Reply reply;
  if (action == "show") {
    const auto session = service.authenticate(token);
    reply.fields.set("session", to_json(session));
    reply.text = session_text(session);
  } else {
    service.logout(token);
    reply.text = "session ended\n";
  }
  return reply;
}

Reply command_participations(Context& context, const Arguments& arguments) {
  expect_no_more(arguments);
  const auto token = read_session_token(context);
  Reply reply;
  auto list = Json::array();
  for (const auto& participation : open_service(context).participations(token)) {
    list.push(to_json(participation));
    reply.text += participation_text(participation);
  }
  reply.fields.set("participations", list);
  return reply;
}

Reply command_participation(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto action = take(args, "participation action (complete, share, delete)");
  if (action == "delete") {
    // The teacher's act (docs/rules.md §10): a participation made with another class's code.
    const auto code = take(args, "CODE");
    const auto ine = take(args, "INE");
    expect_no_more(args);
    open_service(context).delete_participation(code, ine, context.actor);
    Reply reply;
    reply.fields.set("code", std::string(trim(code)))
        .set("ine", std::string(trim(ine)))
        .set("status", "deleted");
    reply.text = "participation of " + std::string(trim(ine)) + " in " + std::string(trim(code)) +
                 " deleted\n";
    return reply;
  }
  if (action != "complete" && action != "share") {
    throw UsageError("unknown participation action: " + action);
  }
  const auto code = take(args, "CODE");
  expect_no_more(args);
  const auto token = read_session_token(context);
  auto service = open_service(context);
  const auto participation = action == "complete" ? service.complete_participation(token, code)
                                                  : service.share_participation(token, code);
  Reply reply;
  reply.fields = to_json(participation);
  reply.text = participation_text(participation);
  return reply;
}

Reply command_participants(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const bool csv = take_flag(args, "--csv");
  const auto code = take(args, "CODE");
  expect_no_more(args);
  const auto participants = open_service(context).campaign_participants(code, context.actor);
  Reply reply;
  auto list = Json::array();
  for (const auto& participant : participants) {
    list.push(to_json(participant));
    if (!csv) {
      reply.text += participant.division + "  " + participant.last_name + " " +
                    participant.first_name + "  " + participant.username.value_or("-") + "  " +
                    participant.status + (participant.out_of_division ? "  (hors classe)" : "") +
                    "\n";
    }
  }
  reply.fields.set("participants", list);
  if (csv) {
    reply.text = participants_csv(participants);
    reply.fields.set("csv", reply.text);
  }
  return reply;
}

Reply command_learner(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto uai = take(args, "UAI");
  const auto ine = take(args, "INE");
  expect_no_more(args);
  const auto row = open_service(context).learner(uai, ine, context.actor);
  Reply reply;
  reply.fields.set("learner", to_json(row));
  reply.text = learner_account_text(row);
  return reply;
}

Reply command_dissociate(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const auto uai = take(args, "UAI");
  const auto ine = take(args, "INE");
  expect_no_more(args);
  auto service = open_service(context);
  // Read first to name the account in the answer; dissociate() itself is one transaction. A
  // read refused (another school's, or none) goes on to dissociate(), which refuses too: the
  // audit log then records the refusal of what was asked, not only of the read.
  std::optional<LearnerAccountView> before;
  try {
    before = service.learner(uai, ine, context.actor);
  } catch (const Error& refused) {
    if (refused.code() != ErrorCode::FORBIDDEN) throw;
  }
  service.dissociate(uai, ine, context.actor);
  const auto found_ine = before ? before->learner.ine : std::string(ine);
  const auto username = before ? before->learner.username.value_or("") : std::string();
  Reply reply;
  reply.fields.set("ine", found_ine).set("username", username);
  reply.text = "learner " + found_ine + " dissociated from account " + username + "\n";
  return reply;
}

}  // namespace inscrire::cli
