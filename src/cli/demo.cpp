// `inscrire demo`: the whole pupil flow on the bundled sample roster, in a temporary directory.
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "cli/temporary_directory.hpp"
#include "command.hpp"
#include "inscrire/service.hpp"
#include "inscrire/store.hpp"
#include "replies.hpp"

extern const std::string_view kSampleRoster;  // data/siecle-0751234A.xml, embedded at build

namespace inscrire::cli {
namespace {

constexpr const char* kUai = "0751234A";
constexpr const char* kDivision = "5A";
constexpr const char* kDemoPassword = "Tournesol42";

struct Pupil {
  const char* first;
  const char* last;
  const char* birthdate;
  const char* story;
};

// What the pupils type. The roster says "Jean-Marc D'ARTAGNAN", "Zoë MÜLLER", twins "Allan" and
// "Alian POE", and two "Léa MARTIN" born on 12 May, one year apart.
constexpr Pupil kPupils[] = {
    {"Allan", "Poe", "01/03/2014", "a twin: his brother Alian has the same birth date"},
    {"Zoe", "Muller", "28/02/2014", "typed without accents (roster: Zoë MÜLLER)"},
    {"Jean-Mrac", "d'Artagnan", "1/3/2014", "a typo in the first name"},
    {"Léa", "Martin", "12/05/2014", "the first Léa MARTIN born on 12 May"},
    {"Lea", "MARTIN", "12/05/2013", "the second Léa MARTIN: same stem and DDMM, a collision"},
};

std::string padded(std::string text, std::size_t width) {
  // Pads by characters, not bytes, so that accented names line up.
  std::size_t characters = 0;
  for (const char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (characters < width) text.append(width - characters, ' ');
  return text;
}

// The demo's own SQLite file in its directory; or, when --db (or INSCRIRE_DB) names a
// PostgreSQL server, a fresh schema of its own there (left for inspection, named in the output).
Service open_demo_database(const Context& context, const std::filesystem::path& directory,
                           std::ostringstream& out) {
  const auto& location = context.database.native();
  if (!is_postgresql_url(location)) return Service::open(directory / "inscrire.db");
  if (!location.starts_with("postgres://") && !location.starts_with("postgresql://")) {
    return Service::open(location);  // key=value form: its schema option is the default
  }
  const auto schema =
      "inscrire_demo_" + std::to_string(std::time(nullptr)) + "_" + std::to_string(getpid());
  out << "on PostgreSQL, in schema " << schema << " (left in place)\n\n";
  return Service::open(location + (location.find('?') == std::string::npos ? "?" : "&") +
                       "schema=" + schema);
}

}  // namespace

Reply command_demo(Context& context, const Arguments& arguments) {
  auto args = arguments;
  const bool keep = take_flag(args, "--keep");
  expect_no_more(args);
  const TemporaryDirectory directory("inscrire-demo", std::filesystem::temp_directory_path(), keep);
  const auto roster_file = directory.path() / "ElevesSansAdresses.xml";
  std::ofstream(roster_file, std::ios::binary)
      .write(kSampleRoster.data(), static_cast<std::streamsize>(kSampleRoster.size()));

  std::ostringstream out;
  auto json = Json::object();
  out << "inscrire demo: the pupil flow on the bundled sample roster (UAI " << kUai << ")\n"
      << "working in " << directory.path().string() << (keep ? " (kept)" : " (removed at the end)")
      << "\n\n";

  auto service = open_demo_database(context, directory.path(), out);
  service.create_organization(kUai, "Collège Victor Hugo");
  const auto report = service.import_roster(kUai, roster_file);
  out << "1. The school imports its SIECLE roster (ISO-8859-15 XML): " << report.created
      << " pupils; skipped " << report.skipped[0] << " who left, " << report.skipped[1]
      << " without INE, " << report.skipped[2] << " without class.\n";
  json.set("report", to_json(report));

  const auto campaign = service.create_campaign(kUai, "Parcours de rentrée 5A", kDivision);
  const auto class_size = service.learners(kUai, std::string(kDivision)).size();
  out << "2. A teacher opens a campaign for class " << kDivision << " (" << class_size
      << " pupils). Code to write on the board: " << campaign.code << "\n";
  json.set("code", campaign.code);

  out << "3. Pupils type the code, their names and birth date, and choose a password:\n";
  auto accounts = Json::array();
  for (const auto& pupil : kPupils) {
    const auto typed = std::string(pupil.first) + " " + pupil.last + ", " + pupil.birthdate;
    const auto registration = service.register_pupil(campaign.code, pupil.first, pupil.last,
                                                     pupil.birthdate, kDemoPassword);
    out << "   " << padded(typed, 30) << " -> " << padded(registration.username, 24) << " ("
        << pupil.story << ")\n";
    accounts.push(Json::object().set("typed", typed).set("username", registration.username));
  }
  json.set("accounts", accounts);

  try {
    service.register_pupil(campaign.code, "Léa", "Martin", "12/05/2014", kDemoPassword);
  } catch (const MatchRefused& refused) {
    out << "4. The first Léa comes back and tries to register again: refused with "
        << code_name(refused.code()) << ", hint " << refused.masked_username()
        << " (she logs in instead).\n";
  }

  const auto session = service.login("allan.poe0103", kDemoPassword);
  out << "5. Allan logs in with " << session.username << " and his password: "
      << (session.status == LoginStatus::Success ? "welcome back" : "password change required")
      << ".\n";

  const auto missing = service.not_joined(campaign.code);
  out << "6. The teacher checks who has not joined yet: " << missing.size() << " of " << class_size
      << " pupils of " << kDivision << ".\n";
  json.set("not_joined", static_cast<int>(missing.size()));

  out << "\nNext: `inscrire --help`, docs/cli.md, and `inscrire sheet CODE` for the class sheet.\n";
  Reply reply;
  reply.fields = json;
  reply.text = out.str();
  (void)context;
  return reply;
}

}  // namespace inscrire::cli
