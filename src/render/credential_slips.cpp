// The per-pupil slips of a credential generation (docs/rules.md §10): what a teacher cuts out and
// hands to each pupil who will start alone at home. A4 pages of eight slips with cut marks, or
// one slip a page; no script, nothing loaded, so any browser prints it as it is.
#include <unicode/calendar.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include "inscrire/error.hpp"
#include "inscrire/limits.hpp"
#include "inscrire/render.hpp"

namespace inscrire {
namespace {

// "14/12/2026": the day in France a temporary password stops working, as the pupil reads dates.
std::string french_date(std::int64_t unix_seconds) {
  UErrorCode status = U_ZERO_ERROR;
  const std::unique_ptr<icu::Calendar> calendar(icu::Calendar::createInstance(
      icu::TimeZone::createTimeZone("Europe/Paris"), icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) throw Error(ErrorCode::INTERNAL_ERROR, "calendar");
  calendar->setTime(static_cast<UDate>(unix_seconds) * 1000.0, status);
  const auto field = [&](UCalendarDateFields which) { return calendar->get(which, status); };
  const int day = field(UCAL_DATE);
  const int month = field(UCAL_MONTH) + 1;  // ICU counts months from 0
  const int year = field(UCAL_YEAR);
  if (U_FAILURE(status)) throw Error(ErrorCode::INTERNAL_ERROR, "calendar");
  const auto two = [](int n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  return two(day) + "/" + two(month) + "/" + std::to_string(year);
}

constexpr const char* kStyle = R"(  @page { size: A4; margin: 0; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: sans-serif; color: #000; }
  .page { width: 210mm; height: 296mm; overflow: hidden; break-after: page; }
  .page:last-child { break-after: auto; }
  .eight { display: grid; grid-template-columns: 105mm 105mm; grid-template-rows: repeat(4, 74mm); }
  .eight .slip { border: 0.3mm dashed #777; padding: 4mm 5mm; font-size: 8.5pt; line-height: 1.3; }
  .one .slip { margin: 20mm; border: 0.5mm solid #000; padding: 12mm; font-size: 14pt; line-height: 1.5; }
  .slip h2 { font-size: 1em; margin: 0 0 1mm; font-weight: normal; }
  .name { font-size: 1.25em; font-weight: bold; margin: 0 0 1.5mm; }
  dl { display: grid; grid-template-columns: max-content auto; gap: .5mm 3mm; margin: 0 0 1.5mm; }
  dt { color: #333; }
  dd { margin: 0; font-family: monospace; font-size: 1.2em; font-weight: bold; word-break: break-all; }
  dd.usual { font-family: sans-serif; font-size: 1em; font-weight: normal; font-style: italic; }
  .expiry { margin: 0 0 1.5mm; }
  .go { display: flex; gap: 3mm; align-items: flex-start; }
  .eight .go svg { width: 24mm; height: 24mm; flex: none; }
  .one .go svg { width: 50mm; height: 50mm; flex: none; }
  ol { margin: 0; padding-left: 1.2em; }
  a { color: #000; word-break: break-all; }
)";

// The three steps, in the words of the class sheet (« tu », as every page a pupil reads).
std::string steps(const std::string& link, bool temporary) {
  const auto site =
      link.empty() ? std::string("Va sur le site que t'indique ton établissement.")
                   : "Va sur <a href=\"" + link + "\">" + link + "</a> (ou scanne le QR code).";
  return "<ol>\n<li>" + site +
         "</li>\n<li>Clique sur «&nbsp;Se connecter&nbsp;», puis saisis ton identifiant et " +
         (temporary ? "ce mot de passe provisoire." : "ton mot de passe habituel.") +
         "</li>\n<li>" +
         (temporary ? "Choisis ton propre mot de passe&nbsp;: c'est lui que tu utiliseras ensuite."
                    : "Mot de passe oublié&nbsp;? Demande à un adulte de l'établissement de le "
                      "réinitialiser.") +
         "</li>\n</ol>";
}

// What every slip of one generation shares, escaped HTML made once: the sign-in link and its QR
// code (empty without a base URL), and the temporary passwords' expiry (empty without one).
struct SharedParts {
  std::string link;
  std::string qr;
  std::string expiry;
};

// One pupil's slip.
std::string slip(const Credentials& credentials, const Credential& row, const SharedParts& shared) {
  const bool temporary = !row.temporary_password.empty();
  const auto password = temporary
                            ? "<dd>" + html_escape(row.temporary_password) + "</dd>"
                            : std::string("<dd class=\"usual\">ton mot de passe habituel</dd>");
  return "<article class=\"slip\">\n<h2>" + html_escape(credentials.school) + " &mdash; classe " +
         html_escape(row.division) + "</h2>\n<p class=\"name\">" + html_escape(row.first_name) +
         " " + html_escape(row.last_name) + "</p>\n<dl><dt>Identifiant</dt><dd>" +
         html_escape(row.username) + "</dd><dt>Mot de passe</dt>" + password + "</dl>\n" +
         (temporary ? shared.expiry : std::string()) + "<div class=\"go\">" + shared.qr +
         steps(shared.link, temporary) + "</div>\n</article>\n";
}

}  // namespace

std::string credential_slips_html(const Credentials& credentials, std::string_view base_url,
                                  int per_page) {
  if (per_page != 8 && per_page != 1) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "slips per page: 8 or 1");
  }
  std::string url;
  if (!base_url.empty()) {
    url = checked_base_url(base_url);
    while (url.ends_with('/')) url.pop_back();
  }
  SharedParts shared;
  shared.link = html_escape(url);
  if (!url.empty()) shared.qr = qr_code_svg(url, "QR code du lien de connexion");
  if (credentials.temporary_expires_at != 0) {
    shared.expiry = "<p class=\"expiry\">Ce mot de passe provisoire est valable jusqu'au " +
                    french_date(credentials.temporary_expires_at) + ".</p>\n";
  }
  const auto* const layout = per_page == 8 ? "eight" : "one";
  std::string pages;
  const auto count = static_cast<int>(credentials.rows.size());
  for (int first = 0; first < count; first += per_page) {
    pages += "<section class=\"page " + std::string(layout) + "\">\n";
    for (int i = first; i < std::min(count, first + per_page); ++i) {
      pages += slip(credentials, credentials.rows[static_cast<std::size_t>(i)], shared);
    }
    pages += "</section>\n";
  }
  return R"(<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Fiches élèves &mdash; )" +
         html_escape(credentials.school) + R"(</title>
<style>
)" + kStyle +
         R"(</style>
</head>
<body>
)" + pages +
         R"(</body>
</html>
)";
}

}  // namespace inscrire
