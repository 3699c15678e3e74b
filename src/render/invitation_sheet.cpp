// The printable staff invitation: what an ADMIN (or the operator) hands to the person invited
// into a school's team, since the library sends no e-mail (docs/rules.md §9).
#include <string>
#include <string_view>

#include "inscrire/error.hpp"
#include "inscrire/limits.hpp"
#include "inscrire/render.hpp"

namespace inscrire {
namespace {

// "08/09/2026 à 14:03": iso8601_utc in a French reader's order, still in UTC (the sheet says so).
std::string french_time(std::int64_t unix_seconds) {
  const auto iso = iso8601_utc(unix_seconds);  // "2026-09-08T14:03:00Z"
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) + " à " +
         iso.substr(11, 5);
}

std::string_view role_label(StaffRole role) {
  return role == StaffRole::Admin ? "Administrateur" : "Membre";
}

std::string_view role_rights(StaffRole role) {
  return role == StaffRole::Admin
             ? "vous gérerez l'équipe (invitations, rôles), les listes d'élèves, les campagnes "
               "et leurs comptes, et vous lirez le journal des opérations de l'établissement."
             : "vous suivrez les élèves et les campagnes, créerez les vôtres et aiderez les "
               "élèves (mots de passe, déblocages, fiches de connexion).";
}

}  // namespace

std::string invitation_link(std::string_view base_url, std::string_view code) {
  checked_base_url(base_url);
  auto link = std::string(base_url);
  while (link.ends_with('/')) link.pop_back();
  return link + "/admin/invitation/" + std::string(code);
}

std::string invitation_sheet_html(const StaffInvitation& invitation, std::string_view school_name,
                                  std::string_view base_url) {
  if (invitation.code.empty()) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "an invitation sheet needs the invitation's code");
  }
  const auto link = invitation_link(base_url, invitation.code);
  const auto href = html_escape(link);
  const auto school = html_escape(school_name);
  const auto uai = html_escape(invitation.uai);
  const auto code = html_escape(invitation.code);
  const auto role = std::string(role_label(invitation.role));
  return R"(<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Invitation &mdash; )" +
         school + R"(</title>
<style>
  body { font-family: sans-serif; max-width: 42em; margin: 2em auto; line-height: 1.5; }
  .code { font-size: 2em; font-weight: bold; letter-spacing: .12em; text-align: center;
          border: 3px solid #000; padding: .3em; margin: 1em 0; }
  .link { display: flex; align-items: center; gap: 1.5em; margin: 1em 0; }
  .link a { color: #000; word-break: break-all; }
  li { margin-bottom: .6em; }
  .note { border-left: 4px solid #888; padding-left: 1em; color: #333; }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Invitation à rejoindre l'équipe de l'établissement</h1>
<p>)" + school +
         R"( (UAI )" + uai + R"()<br>Rôle : <strong>)" + role + R"(</strong> &mdash; )" +
         std::string(role_rights(invitation.role)) + R"(</p>
<p>Cette invitation est valable jusqu'au <strong>)" +
         french_time(invitation.expires_at) + R"( (heure UTC)</strong>, pour un seul compte.</p>
<div class="link">
)" + qr_code_svg(link, "QR code du lien d'invitation") +
         R"(
<p>Scannez ce QR code avec votre téléphone, ou ouvrez ce lien&nbsp;:<br><a href=")" +
         href + R"(">)" + href + R"(</a></p>
</div>
<p>Code d'invitation (si l'on vous demande de le saisir) :</p>
<div class="code">)" +
         code + R"(</div>
<ol>
  <li>Ouvrez le lien ci-dessus, ou scannez le QR code.</li>
  <li>Choisissez votre identifiant : 3 à 64 caractères parmi les lettres minuscules sans accent,
      les chiffres, le point, le tiret et le tiret bas (par exemple <strong>m.dupont</strong>).
      Indiquez votre nom tel que vos collègues le verront.</li>
  <li>Choisissez un mot de passe d'au moins 12 caractères, qui ne contient pas votre
      identifiant. Ne le communiquez à personne.</li>
  <li>Validez : votre compte est créé et vous êtes connecté. Si l'établissement l'exige, on vous
      demandera ensuite d'activer la double authentification avec une application
      d'authentification de votre téléphone.</li>
</ol>
<p class="note">Cette feuille permet à qui la détient de rejoindre l'équipe tant que
l'invitation n'a pas servi : remettez-la en main propre et détruisez-la une fois votre compte
créé. Une invitation perdue peut être annulée par un administrateur de l'établissement. Aucune
adresse e-mail n'est demandée.</p>
</body>
</html>
)";
}

}  // namespace inscrire
