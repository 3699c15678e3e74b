// The printable class sheet: what a teacher hands out so pupils can create their account.
#include <string>
#include <string_view>

#include "inscrire/render.hpp"

namespace inscrire {
namespace {

// "ABCDEF234" -> "ABCDEF 234": easier to copy from a board.
std::string spaced_code(const std::string& code) {
  return code.size() == 9 ? code.substr(0, 6) + " " + code.substr(6) : code;
}

constexpr const char* kLinkStyle =
    R"(  .link { display: flex; align-items: center; gap: 1.5em; margin: 1em 0; }
  .link a { color: #000; word-break: break-all; }
)";

// The link and its QR code, when the platform gave its address: a young pupil scans instead of
// typing. The link only opens the sign-up page of the campaign; it logs nobody in.
std::string direct_link(const std::string& url) {
  const auto href = html_escape(url);
  return R"(<div class="link">
)" + qr_code_svg(url, "QR code du lien vers la campagne") +
         R"(
<p>Ou bien scanne ce QR code, ou ouvre ce lien&nbsp;: il mène directement à la page
«&nbsp;Je m'inscris&nbsp;» de ta campagne.<br><a href=")" +
         href + R"(">)" + href + R"(</a></p>
</div>
)";
}

}  // namespace

std::string class_sheet_html(const ClassSheet& sheet) {
  const Campaign& campaign = sheet.campaign;
  const auto school = html_escape(sheet.school_name);
  const auto code = html_escape(spaced_code(campaign.code));
  const auto title = html_escape(campaign.name);
  const auto division = campaign.division.empty()
                            ? std::string()
                            : " &mdash; classe " + html_escape(campaign.division);
  const auto link = sheet.link ? direct_link(*sheet.link) : std::string();
  return R"(<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Fiche élève &mdash; )" +
         title + R"(</title>
<style>
  body { font-family: sans-serif; max-width: 42em; margin: 2em auto; line-height: 1.5; }
  .code { font-size: 2.4em; font-weight: bold; letter-spacing: .15em; text-align: center;
          border: 3px solid #000; padding: .3em; margin: 1em 0; }
  li { margin-bottom: .6em; }
  .note { border-left: 4px solid #888; padding-left: 1em; color: #333; }
)" + (sheet.link ? kLinkStyle : "") +
         R"(  @media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Créer mon compte élève</h1>
<p>)" + school +
         division + R"(<br>Campagne : )" + title + R"(</p>
<p>Code de la campagne de ta classe :</p>
<div class="code">)" +
         code + R"(</div>
)" + link +
         R"(<ol>
  <li>Saisis le code de la campagne ci-dessus (majuscules, espaces et tirets n'ont pas d'importance).</li>
  <li>Renseigne ton prénom, ton nom et ta date de naissance (JJ/MM/AAAA), puis valide avec
      «&nbsp;Je m'inscris&nbsp;».</li>
  <li>Note bien ton identifiant, de la forme <strong>prénom.nomJJMM</strong>.</li>
  <li>Choisis un mot de passe d'au moins 8 caractères, avec une majuscule, une minuscule et un
      chiffre.</li>
  <li>La campagne démarre aussitôt. Tu peux la terminer plus tard en te reconnectant avec ton
      identifiant et ton mot de passe.</li>
</ol>
<p class="note">Mot de passe perdu ? N'importe quel administrateur de l'établissement peut le
réinitialiser. Aucune adresse e-mail n'est demandée.</p>
<p>Mon identifiant : ______________________________</p>
</body>
</html>
)";
}

}  // namespace inscrire
