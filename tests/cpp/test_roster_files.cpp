// The roster file readers on real files: the bundled samples, files built here in every
// supported (and one unsupported) encoding, zip archives built with libzip, hostile XML.
#include <gtest/gtest.h>
#include <libxml/xmlversion.h>
#include <zip.h>

#include <boost/locale/encoding.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "glibc_iconv.hpp"
#include "inscrire/limits.hpp"
#include "inscrire/roster_file.hpp"
#include "inscrire/text.hpp"

namespace inscrire {
namespace {

namespace fs = std::filesystem;

const fs::path kData = INSCRIRE_DATA_DIR;
constexpr std::string_view kUai = "0751234A";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string to_encoding(const std::string& utf8, const char* charset) {
  return boost::locale::conv::from_utf(utf8, charset, boost::locale::conv::stop);
}

// The few letters the CSV tests use, in Mac Roman.
std::string to_mac_roman(std::string text) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"é", "\x8E"}, {"è", "\x8F"}, {"ë", "\x91"}, {"ï", "\x95"},
      {"É", "\x83"}, {"È", "\xE9"}, {"Œ", "\xCE"}};
  for (const auto& [from, to] : table) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

std::vector<ErrorCode> codes(const ParsedRoster& roster) {
  std::vector<ErrorCode> out;
  for (const auto& error : roster.errors) out.push_back(error.code);
  return out;
}

// A fresh directory per test, removed afterwards.
class RosterFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = fs::temp_directory_path() / ("inscrire-roster-" + std::to_string(random()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& bytes) const {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  // A zip archive holding `entries` (name, content), as bytes.
  std::string zip(const std::vector<std::pair<std::string, std::string>>& entries) const {
    const auto path = dir_ / "archive.zip";
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    EXPECT_NE(archive, nullptr);
    for (const auto& [name, content] : entries) {
      zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
      EXPECT_GE(zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE), 0);
    }
    EXPECT_EQ(zip_close(archive), 0);
    return slurp(path);
  }
  fs::path dir_;
};

// ---------------------------------------------------------------------------------------------
// SIECLE XML built in the tests

struct Pupil {
  std::string id = "1001";
  std::string ine = "123456789AB";
  std::string last = "MARTIN";
  std::string usage;
  std::string first = "Léa";
  std::string second;
  std::string sex = "2";
  std::string birth = "12/05/2013";
  std::string country = "100";
  std::string city = "75056";
  std::string status = "ST";
  std::string left;
  std::string division = "5A";
};

std::string element(const std::string& tag, const std::string& value) {
  return value.empty() ? "<" + tag + "/>" : "<" + tag + ">" + value + "</" + tag + ">";
}

// A BEE_ELEVES document in UTF-8 declaring `encoding` (convert it before use).
std::string siecle_xml(const std::vector<Pupil>& pupils, const std::string& encoding = "UTF-8",
                       std::string_view uai = kUai) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"" + encoding + "\"?>\n<BEE_ELEVES>\n" +
                    "<PARAMETRES><UAJ>" + std::string(uai) + "</UAJ></PARAMETRES>\n" +
                    "<DONNEES><ELEVES>\n";
  for (const auto& p : pupils) {
    xml += "<ELEVE ELEVE_ID=\"" + p.id + "\">" + element("ID_NATIONAL", p.ine) +
           element("NOM_DE_FAMILLE", p.last) + element("NOM_USAGE", p.usage) +
           element("PRENOM", p.first) + element("PRENOM2", p.second) + element("CODE_SEXE", p.sex) +
           element("DATE_NAISS", p.birth) + element("CODE_PAYS", p.country) +
           element("CODE_COMMUNE_INSEE_NAISS", p.city) + element("CODE_MEF", "10010012110") +
           element("CODE_STATUT", p.status) + element("DATE_SORTIE", p.left) + "</ELEVE>\n";
  }
  xml += "</ELEVES><STRUCTURES>\n";
  for (const auto& p : pupils) {
    xml += "<STRUCTURES_ELEVE ELEVE_ID=\"" + p.id + "\">";
    if (!p.division.empty()) {
      xml += "<STRUCTURE><CODE_STRUCTURE>" + p.division +
             "</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>";
    }
    xml +=
        "<STRUCTURE><CODE_STRUCTURE>LATIN</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE>"
        "</STRUCTURE></STRUCTURES_ELEVE>\n";
  }
  return xml + "</STRUCTURES></DONNEES>\n</BEE_ELEVES>\n";
}

Pupil pupil(std::string id, std::string ine) {
  Pupil p;
  p.id = std::move(id);
  p.ine = std::move(ine);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Sample files

TEST_F(RosterFiles, SampleSiecleXml) {
  const auto roster = read_roster_file(kData / "siecle-0751234A.xml", kUai);
  EXPECT_TRUE(roster.errors.empty());
  EXPECT_EQ(roster.uai, "0751234A");
  // 313 ELEVE: one has left, one has no INE, one has no division.
  ASSERT_EQ(roster.entries.size(), 310u);
  EXPECT_EQ(roster.skipped[static_cast<int>(SkipReason::Left)], 1);
  EXPECT_EQ(roster.skipped[static_cast<int>(SkipReason::NoIne)], 1);
  EXPECT_EQ(roster.skipped[static_cast<int>(SkipReason::NoDivision)], 1);
  const RosterEntry& first = roster.entries[0];
  EXPECT_EQ(first.ine, "507069464XN");
  EXPECT_EQ(first.first_name, "Maëlys");
  EXPECT_EQ(first.last_name, "MOREAU");
  EXPECT_EQ(first.usage_name, "COLLET");
  EXPECT_EQ(first.sex, Sex::Female);
  EXPECT_EQ(first.birthdate.iso(), "2012-08-18");
  EXPECT_EQ(first.division, "3H");
  EXPECT_EQ(first.birth_country_code, "100");
  EXPECT_EQ(first.birth_city_code, "75056");
  EXPECT_EQ(first.mef_code, "10010012110");
  EXPECT_EQ(first.status, "ST");
  EXPECT_EQ(roster.entries[1].ine, "109765575LA");  // file order
  EXPECT_EQ(roster.entries[1].last_name, "LEFÈVRE");
  // Œ exists in ISO-8859-15 only (0xBC, 0xBD).
  const auto oenone = std::find_if(roster.entries.begin(), roster.entries.end(),
                                   [](const RosterEntry& e) { return e.first_name == "Œnone"; });
  ASSERT_NE(oenone, roster.entries.end());
  EXPECT_EQ(oenone->last_name, "CŒURDACIER");
}

TEST_F(RosterFiles, SampleFregataCsv) {
  const auto roster = read_roster_file(kData / "fregata-0331234B.csv", "0331234B");
  EXPECT_TRUE(roster.errors.empty()) << static_cast<int>(roster.errors.at(0).code);
  EXPECT_EQ(roster.uai, "");
  ASSERT_EQ(roster.entries.size(), 90u);
  EXPECT_EQ(roster.skipped_total(), 0);
  const RosterEntry& first = roster.entries[0];
  EXPECT_EQ(first.ine, "916797690KJ");
  EXPECT_EQ(first.first_name, "Éliott");
  EXPECT_EQ(first.last_name, "BERNARD");
  EXPECT_EQ(first.sex, Sex::Male);
  EXPECT_EQ(first.birthdate.iso(), "2014-12-09");
  EXPECT_EQ(first.birth_city_code, "75056");
  EXPECT_EQ(first.birth_city_name, "Paris");
  EXPECT_EQ(first.birth_department_code, "75");
  EXPECT_EQ(first.birth_country_code, "99100");
  EXPECT_EQ(first.division, "5C");
  EXPECT_EQ(roster.entries[1].sex, Sex::Female);
  EXPECT_EQ(roster.entries[84].first_name, "Œnone");  // windows-1252 0x8C
  EXPECT_EQ(roster.entries[87].last_name, "MÜLLER");
}

TEST_F(RosterFiles, HostileXmlIsRefusedQuicklyWithoutExpansion) {
  const auto start = std::chrono::steady_clock::now();
  const auto roster = read_roster_file(kData / "hostile-xxe.xml", kUai);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_NE(roster.errors[0].detail.find("DTD"), std::string::npos) << roster.errors[0].detail;
  EXPECT_TRUE(roster.entries.empty());
}

TEST_F(RosterFiles, InternalSubsetWithoutEntitiesIsRefusedToo) {
  const std::string xml = "<?xml version=\"1.0\"?><!DOCTYPE BEE_ELEVES><BEE_ELEVES/>";
  EXPECT_EQ(codes(read_roster(xml, kUai)), std::vector{ErrorCode::INVALID_FILE});
  const std::string external =
      "<?xml version=\"1.0\"?><!DOCTYPE BEE_ELEVES SYSTEM \"http://example.com/x.dtd\">"
      "<BEE_ELEVES/>";
  EXPECT_EQ(codes(read_roster(external, kUai)), std::vector{ErrorCode::INVALID_FILE});
}

TEST_F(RosterFiles, DoctypeFarFromTheStartIsRefusedToo) {
  const std::string xml = "<?xml version=\"1.0\"?><!--" + std::string(8000, ' ') +
                          "--><!DOCTYPE BEE_ELEVES [<!ENTITY a \"aaaa\">]>"
                          "<BEE_ELEVES><PARAMETRES><UAJ>&a;</UAJ></PARAMETRES></BEE_ELEVES>";
  const auto roster = read_roster(xml, kUai);
  ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(roster.errors[0].detail, "DTD and entities are refused");
}

TEST_F(RosterFiles, UaiMismatchIsReportedFirstAndParsingGoesOn) {
  const auto roster = read_roster_file(kData / "siecle-0751234A.xml", "0999999Z");
  ASSERT_EQ(codes(roster), std::vector{ErrorCode::UAI_MISMATCH});
  EXPECT_EQ(roster.errors[0].field, "UAJ");
  EXPECT_EQ(roster.entries.size(), 310u);
  Pupil bad = pupil("1", "123456789AB");
  bad.sex = "";
  const auto both = read_roster(siecle_xml({bad}, "UTF-8", "0999999Z"), kUai);
  EXPECT_EQ(codes(both), (std::vector{ErrorCode::UAI_MISMATCH, ErrorCode::SEX_CODE_REQUIRED}));
  // The letter of a UAI may be typed in lower case.
  EXPECT_TRUE(read_roster(siecle_xml({pupil("1", "123456789AB")}), "0751234a").errors.empty());
}

// ---------------------------------------------------------------------------------------------
// SIECLE rules

TEST_F(RosterFiles, SkipsAreCountedAndTheirErrorsIgnored) {
  Pupil left = pupil("1", "111111111AA");
  left.left = "15/01/2026";
  left.sex = "";  // would be an error if imported
  Pupil no_ine = pupil("2", "");
  no_ine.birth = "";
  Pupil no_division = pupil("3", "333333333CC");
  no_division.division = "";
  no_division.city = "";
  Pupil inactive = pupil("4", "444444444DD");
  inactive.division = "Inactifs";
  Pupil kept = pupil("5", "555555555EE");
  kept.division = "5  B";
  const auto roster = read_roster(siecle_xml({left, no_ine, no_division, inactive, kept}), kUai);
  EXPECT_TRUE(roster.errors.empty());
  EXPECT_EQ(roster.skipped[static_cast<int>(SkipReason::Left)], 1);
  EXPECT_EQ(roster.skipped[static_cast<int>(SkipReason::NoIne)], 1);
  EXPECT_EQ(roster.skipped[static_cast<int>(SkipReason::NoDivision)], 2);
  ASSERT_EQ(roster.entries.size(), 1u);
  EXPECT_EQ(roster.entries[0].division, "5 B");
}

TEST_F(RosterFiles, EveryPerPupilErrorNamesThePupilAndTheField) {
  std::vector<Pupil> pupils;
  const auto add = [&](auto change) {
    Pupil p = pupil(std::to_string(100 + pupils.size()),
                    std::to_string(100000000 + pupils.size()) + "XA");
    change(p);
    pupils.push_back(p);
  };
  add([](Pupil& p) { p.birth = ""; });
  add([](Pupil& p) { p.birth = "31/02/2013"; });
  add([](Pupil& p) { p.birth = "2013-05-12"; });
  add([](Pupil& p) { p.birth = "12/05/2099"; });
  add([](Pupil& p) { p.sex = ""; });
  add([](Pupil& p) { p.sex = "3"; });
  add([](Pupil& p) { p.city = ""; });
  add([](Pupil& p) { p.first = "CÃ©cile"; });
  add([](Pupil& p) { p.usage = "MaÃ«llys"; });
  add([](Pupil& p) { p.first = ""; });
  add([](Pupil& p) { p.ine = "100000000XA"; });           // the first pupil's INE
  add([](Pupil& p) { p.country = "212", p.city = ""; });  // born abroad: no commune needed
  // docs/rules.md §6: an INE has 11 characters of one of two shapes; a division 32 at most and
  // no control character. The ELEVE_ID and INE of an error are quoted capped.
  add([](Pupil& p) { p.ine = "12345678ABC"; });
  add([](Pupil& p) { p.ine = std::string(200, '1'), p.id = std::string(100, '9'); });
  add([](Pupil& p) { p.division = std::string(33, 'D'); });
  add([](Pupil& p) { p.division = "5&#x9B;31mA"; });  // C1 CSI (XML 1.0 has no ESC)
  add([](Pupil& p) { p.ine = "100000016xa"; });       // lower case: upper-cased, an entry
  const auto roster = read_roster(siecle_xml(pupils), kUai);
  const std::vector<std::tuple<ErrorCode, std::string, std::string, std::string>> expected = {
      {ErrorCode::BIRTHDATE_REQUIRED, "100000000XA", "100", "DATE_NAISS"},
      {ErrorCode::INVALID_BIRTHDATE, "100000001XA", "101", "DATE_NAISS"},
      {ErrorCode::INVALID_BIRTHDATE, "100000002XA", "102", "DATE_NAISS"},
      {ErrorCode::INVALID_BIRTHDATE, "100000003XA", "103", "DATE_NAISS"},
      {ErrorCode::SEX_CODE_REQUIRED, "100000004XA", "104", "CODE_SEXE"},
      {ErrorCode::INVALID_VALUE, "100000005XA", "105", "CODE_SEXE"},
      {ErrorCode::BIRTH_CITY_CODE_REQUIRED, "100000006XA", "106", "CODE_COMMUNE_INSEE_NAISS"},
      {ErrorCode::INVALID_NAME_CHARACTERS, "100000007XA", "107", "PRENOM"},
      {ErrorCode::INVALID_NAME_CHARACTERS, "100000008XA", "108", "NOM_USAGE"},
      {ErrorCode::NAME_REQUIRED, "100000009XA", "109", "PRENOM"},
      {ErrorCode::DUPLICATE_INE, "100000000XA", "110", "ID_NATIONAL"},
      {ErrorCode::INVALID_VALUE, "12345678ABC", "112", "ID_NATIONAL"},
      {ErrorCode::INVALID_VALUE, echo(std::string(200, '1')), echo(std::string(100, '9')),
       "ID_NATIONAL"},
      {ErrorCode::FIELD_TOO_LONG, "100000014XA", "114", "CODE_STRUCTURE"},
      {ErrorCode::INVALID_VALUE, "100000015XA", "115", "CODE_STRUCTURE"},
  };
  ASSERT_EQ(roster.errors.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [code, ine, id, field] = expected[i];
    EXPECT_EQ(roster.errors[i].code, code) << i;
    EXPECT_EQ(roster.errors[i].ine, ine) << i;
    EXPECT_EQ(roster.errors[i].pupil_id, id) << i;
    EXPECT_EQ(roster.errors[i].field, field) << i;
    EXPECT_GT(roster.errors[i].line, 0) << i;
  }
  // Only the pupils without error are entries: the one born abroad, the lower-case INE.
  ASSERT_EQ(roster.entries.size(), 2u);
  EXPECT_EQ(roster.entries[0].ine, "100000011XA");
  EXPECT_EQ(roster.entries[1].ine, "100000016XA");
}

TEST_F(RosterFiles, NamesKeepTheirCaseAndAreTrimmed) {
  Pupil p = pupil("1", "123456789AB");
  p.first = "  Marie-Louise ";
  p.last = " D'ARTAGNAN";
  const auto roster = read_roster(siecle_xml({p}), kUai);
  ASSERT_EQ(roster.entries.size(), 1u);
  EXPECT_EQ(roster.entries[0].first_name, "Marie-Louise");
  EXPECT_EQ(roster.entries[0].last_name, "D'ARTAGNAN");
}

TEST(MisEncoding, MojibakeIsSeenAndRealNamesPass) {
  for (const std::string_view bad :
       {"CÃ©cile", "MaÃ«llys", "HÃ©loÃ¯se", "FranÃ§oise", "CÅ“ur", "Nâ€™Diaye", "C√©cile",
        "L\xEF\xBF\xBD"
        "a",
        "\xC3\xA9\xC2\x80", "Ã\xC2\xA0 Paris",
        "C\xE9"
        "cile"}) {
    EXPECT_TRUE(looks_mis_encoded(bad)) << bad;
  }
  for (const std::string_view good :
       {"N'golo", "Marie-Louise", "Héloïse", "Françoise", "Læticia", "Œnone", "CŒURDACIER", "SÃO",
        "José–Maria", "N’Diaye", "MÜLLER", "Zoë", "Ægir", "Saint-Exupéry", "王芳", "Анна",
        "ÉLODIE"}) {
    EXPECT_FALSE(looks_mis_encoded(good)) << good;
  }
}

TEST_F(RosterFiles, ValidNamesAreImported) {
  std::vector<Pupil> pupils;
  for (const std::string name : {"N'golo", "Marie-Louise", "Héloïse", "Françoise", "Læticia"}) {
    Pupil p =
        pupil(std::to_string(pupils.size() + 1), "20000000" + std::to_string(pupils.size()) + "AB");
    p.first = name;
    pupils.push_back(p);
  }
  const auto roster = read_roster(siecle_xml(pupils), kUai);
  EXPECT_TRUE(roster.errors.empty());
  ASSERT_EQ(roster.entries.size(), 5u);
  EXPECT_EQ(roster.entries[4].first_name, "Læticia");
}

TEST_F(RosterFiles, BadXmlIsInvalidFile) {
  const auto roster = read_roster("<BEE_ELEVES><PARAMETRES>\n<UAJ>x</PARAMETRES>", kUai);
  ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_FALSE(roster.errors[0].detail.empty());
  EXPECT_EQ(roster.errors[0].line, 2);
  EXPECT_EQ(codes(read_roster("<?xml version=\"1.0\"?><html><body/></html>", kUai)),
            std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(codes(read_roster("<BEE_ELEVES>&undefined;</BEE_ELEVES>", kUai)),
            std::vector{ErrorCode::INVALID_FILE});
}

TEST_F(RosterFiles, NoPupilIsEmpty) {
  EXPECT_EQ(codes(read_roster(siecle_xml({}), kUai)), std::vector{ErrorCode::EMPTY});
  EXPECT_EQ(codes(read_roster("", kUai)), std::vector{ErrorCode::EMPTY});
  Pupil left = pupil("1", "123456789AB");
  left.left = "01/01/2026";
  const auto only_left = read_roster(siecle_xml({left}), kUai);
  EXPECT_EQ(codes(only_left), std::vector{ErrorCode::EMPTY});
  EXPECT_EQ(only_left.skipped_total(), 1);
}

TEST_F(RosterFiles, MissingFileIsInvalidFile) {
  EXPECT_EQ(codes(read_roster_file(dir_ / "nope.xml", kUai)), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(codes(read_roster_file(dir_, kUai)), std::vector{ErrorCode::INVALID_FILE});
}

TEST_F(RosterFiles, TooLargeFiles) {
  ReadOptions small;
  small.max_file_bytes = 1000;
  EXPECT_EQ(codes(read_roster_file(kData / "siecle-0751234A.xml", kUai, small)),
            std::vector{ErrorCode::FILE_TOO_LARGE});
  EXPECT_EQ(codes(read_roster(slurp(kData / "fregata-0331234B.csv"), kUai, small)),
            std::vector{ErrorCode::FILE_TOO_LARGE});
}

TEST_F(RosterFiles, ProgressIsReported) {
  ReadOptions options;
  std::uint64_t last_done = 0;
  std::uint64_t last_total = 0;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    last_done = done;
    last_total = total;
  };
  const auto path = kData / "siecle-0751234A.xml";
  EXPECT_EQ(read_roster_file(path, kUai, options).entries.size(), 310u);
  EXPECT_EQ(last_total, fs::file_size(path));
  EXPECT_EQ(last_done, last_total);
}

// ---------------------------------------------------------------------------------------------
// XML encodings

TEST_F(RosterFiles, XmlEncodings) {
  Pupil p = pupil("1", "123456789AB");
  p.first = "Œnone";
  p.last = "LEFÈVRE";
  for (const char* charset : {"UTF-8", "ISO-8859-15", "windows-1252"}) {
    const auto roster = read_roster(to_encoding(siecle_xml({p}, charset), charset), kUai);
    ASSERT_EQ(roster.entries.size(), 1u) << charset;
    EXPECT_EQ(roster.entries[0].first_name, "Œnone") << charset;
    EXPECT_EQ(roster.entries[0].last_name, "LEFÈVRE") << charset;
  }
  p.first = "Héloïse";  // no Œ in ISO-8859-1
  const auto latin1 = read_roster(to_encoding(siecle_xml({p}, "ISO-8859-1"), "ISO-8859-1"), kUai);
  ASSERT_EQ(latin1.entries.size(), 1u);
  EXPECT_EQ(latin1.entries[0].first_name, "Héloïse");
  const auto bom = read_roster("\xEF\xBB\xBF" + siecle_xml({p}), kUai);
  ASSERT_EQ(bom.entries.size(), 1u);
  EXPECT_EQ(bom.entries[0].first_name, "Héloïse");
  // Lower-case names of the declaration are the same encodings.
  EXPECT_EQ(
      read_roster(to_encoding(siecle_xml({p}, "iso-8859-15"), "ISO-8859-15"), kUai).entries.size(),
      1u);
}

TEST_F(RosterFiles, UnsupportedXmlEncodings) {
  Pupil p = pupil("1", "123456789AB");
  p.first = "Anna";
  for (const char* charset : {"KOI8-R", "Shift_JIS", "UTF-16", "EBCDIC-US"}) {
    EXPECT_EQ(codes(read_roster(siecle_xml({p}, charset), kUai)),
              std::vector{ErrorCode::ENCODING_NOT_SUPPORTED})
        << charset;
  }
  const std::string utf16 = to_encoding(siecle_xml({p}, "UTF-16"), "UTF-16");
  EXPECT_EQ(codes(read_roster(utf16, kUai)), std::vector{ErrorCode::ENCODING_NOT_SUPPORTED});
}

// ---------------------------------------------------------------------------------------------
// Single-byte XML, decoded by table (src/roster/single_byte.hpp) since libxml2 stopped opening
// glibc's iconv for it: every roster must read exactly as it did through iconv.

// `xml`, in `charset`, turned into UTF-8 by glibc's iconv and declared UTF-8: libxml2 reads it
// with no converter, so what it gives is what iconv's decoding gave.
std::string iconv_twin(const std::string& xml, std::string_view charset) {
  const auto converted = testing::GlibcIconv(charset).to_utf8(xml);
  EXPECT_FALSE(converted.refused) << charset;
  std::string twin = converted.utf8;
  const std::string declared = "encoding=\"";
  const auto at = twin.find(declared) + declared.size();
  EXPECT_LT(at, twin.find('\n')) << "the declaration is on the first line";
  return twin.replace(at, twin.find('"', at) - at, "UTF-8");
}

void expect_same_roster(const ParsedRoster& read, const ParsedRoster& twin) {
  EXPECT_EQ(read.uai, twin.uai);
  EXPECT_EQ(read.skipped, twin.skipped);
  ASSERT_EQ(read.errors.size(), twin.errors.size());
  for (std::size_t i = 0; i < read.errors.size(); ++i) {
    const RosterError& a = read.errors[i];
    const RosterError& b = twin.errors[i];
    EXPECT_EQ(std::tie(a.code, a.ine, a.pupil_id, a.line, a.field, a.detail),
              std::tie(b.code, b.ine, b.pupil_id, b.line, b.field, b.detail))
        << "error " << i;
  }
  ASSERT_EQ(read.entries.size(), twin.entries.size());
  for (std::size_t i = 0; i < read.entries.size(); ++i) {
    const RosterEntry& a = read.entries[i];
    const RosterEntry& b = twin.entries[i];
    ASSERT_EQ(
        std::tie(a.ine, a.first_name, a.second_name, a.third_name, a.last_name, a.usage_name,
                 a.birthdate, a.sex, a.division, a.birth_country_code, a.birth_department_code,
                 a.birth_city_code, a.birth_city_name, a.mef_code, a.status),
        std::tie(b.ine, b.first_name, b.second_name, b.third_name, b.last_name, b.usage_name,
                 b.birthdate, b.sex, b.division, b.birth_country_code, b.birth_department_code,
                 b.birth_city_code, b.birth_city_name, b.mef_code, b.status))
        << "entry " << i;
  }
}

TEST_F(RosterFiles, SingleByteXmlRostersReadExactlyAsThroughIconv) {
  const std::string sample = slurp(kData / "siecle-0751234A.xml");
  ASSERT_TRUE(sample.starts_with(R"(<?xml version="1.0" encoding="ISO-8859-15"?>)"));
  const auto sample_roster = read_roster(sample, kUai);
  EXPECT_EQ(sample_roster.entries.size(), 310u);
  expect_same_roster(sample_roster, read_roster(iconv_twin(sample, "ISO-8859-15"), kUai));

  const fs::path tool = INSCRIRE_MAKE_ROSTER;
  ASSERT_TRUE(fs::exists(tool) && fs::exists("/usr/bin/python3")) << tool;
  // The generator's edge cases hold names with Œ, which ISO-8859-1 lacks.
  for (const auto& [charset, edge_cases] :
       {std::pair{"ISO-8859-15", true}, std::pair{"ISO-8859-1", false},
        std::pair{"windows-1252", true}}) {
    const fs::path file = dir_ / "roster.xml";
    const std::string command = "/usr/bin/python3 " + tool.string() +
                                " --format xml --pupils 3000 --seed 11 --encoding " + charset +
                                (edge_cases ? " --edge-cases" : "") + " --out " + file.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    const std::string xml = slurp(file);
    const auto roster = read_roster(xml, kUai);
    EXPECT_TRUE(roster.errors.empty()) << charset;
    EXPECT_EQ(roster.entries.size(), edge_cases ? 3010u : 3000u) << charset;
    expect_same_roster(roster, read_roster(iconv_twin(xml, charset), kUai));
  }
}

// Two pupils whose VILLE_NAISS (copied as it is) holds every byte above 0x7F the encoding
// defines; the first one's PRENOM holds 0x85 (a C1 control in Latin-1 and Latin-9, refused as a
// name; "…" in windows-1252). Before them, a comment of 200 000 bytes that take 3 bytes each in
// UTF-8 where the encoding has a euro sign: libxml2 gives the converter less room than that.
TEST_F(RosterFiles, EveryByteOfEachSingleByteEncodingReadsAsThroughIconv) {
  for (const auto& [charset, euro] :
       {std::pair{"ISO-8859-15", '\xA4'}, std::pair{"ISO-8859-1", 'e'},
        std::pair{"windows-1252", '\x80'}}) {
    const bool windows = std::string_view(charset) == "windows-1252";
    std::string high;
    for (int byte = 0x80; byte < 0x100; ++byte) {
      const bool undefined =
          windows && (byte == 0x81 || byte == 0x8D || byte == 0x8F || byte == 0x90 || byte == 0x9D);
      if (!undefined) high.push_back(static_cast<char>(byte));
    }
    Pupil first = pupil("1", "123456789AB");
    first.first = "L@a";
    std::string xml = to_encoding(siecle_xml({first, pupil("2", "123456789AC")}, charset), charset);
    xml.replace(xml.find('@'), 1, "\x85");
    const std::string city = "<VILLE_NAISS>" + high + "</VILLE_NAISS>";
    for (auto at = xml.find("<CODE_MEF>"); at != std::string::npos;
         at = xml.find("<CODE_MEF>", at + city.size() + 1)) {
      xml.insert(at, city);
    }
    xml.insert(xml.find("<DONNEES>"), "<!--" + std::string(200000, euro) + "-->");
    const auto roster = read_roster(xml, kUai);
    expect_same_roster(roster, read_roster(iconv_twin(xml, charset), kUai));
    ASSERT_EQ(roster.entries.size(), windows ? 2u : 1u) << charset;
    EXPECT_EQ(roster.entries.back().birth_city_name,
              testing::GlibcIconv(charset).to_utf8(high).utf8)
        << charset;
    if (windows) {
      EXPECT_EQ(roster.entries[0].first_name, "L…a");
    } else {
      EXPECT_EQ(codes(roster), std::vector{ErrorCode::INVALID_NAME_CHARACTERS}) << charset;
    }
  }
}

// The five bytes windows-1252 leaves undefined refuse the file as iconv made libxml2 refuse it:
// INVALID_FILE with libxml2's message, no entry. The converter stops at the byte as iconv did;
// the words are libxml2's and depend on its version only: up to 2.13 the byte and the three
// after it, and no line; from 2.14 no byte, and a line.
TEST_F(RosterFiles, AnUndefinedWindows1252ByteRefusesTheXmlAsThroughIconv) {
  for (const char byte : {'\x81', '\x8D', '\x8F', '\x90', '\x9D'}) {
    Pupil p = pupil("1", "123456789AB");
    p.first = "L@a";
    std::string xml = siecle_xml({p}, "windows-1252");
    xml.replace(xml.find('@'), 1, std::string(1, byte));
    for (const std::size_t padding : {std::size_t{0}, std::size_t{100000}}) {
      xml.insert(xml.find("<DONNEES>"), "<!--" + std::string(padding, ' ') + "-->");
      const auto roster = read_roster(xml, kUai);
      ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
      EXPECT_TRUE(roster.entries.empty());
#if LIBXML_VERSION < 21400
      const std::string hex = "0x" + std::string(1, "0123456789ABCDEF"[(byte >> 4) & 0xF]) +
                              "0123456789ABCDEF"[byte & 0xF];
      EXPECT_EQ(roster.errors[0].detail,
                "input conversion failed due to input error, bytes " + hex + " 0x61 0x3C 0x2F");
      EXPECT_EQ(roster.errors[0].line, 0);
#else
      EXPECT_EQ(roster.errors[0].detail, "Invalid bytes in character encoding");
#endif
    }
  }
}

TEST_F(RosterFiles, Latin1BytesDeclaredUtf8AreInvalidFile) {
  Pupil p = pupil("1", "123456789AB");
  p.first = "Héloïse";
  const auto roster = read_roster(to_encoding(siecle_xml({p}, "UTF-8"), "ISO-8859-1"), kUai);
  EXPECT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
}

// ---------------------------------------------------------------------------------------------
// XML details the streaming reader must get right

// The one pupil of a document whose ELEVE is `eleve` (children and all) and whose
// STRUCTURES_ELEVE has ELEVE_ID `structure_id`.
std::string one_pupil_xml(const std::string& eleve, const std::string& structure_id = "1",
                          const std::string& padding = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BEE_ELEVES>\n<PARAMETRES><UAJ>0751234A</UAJ>"
         "</PARAMETRES>\n" +
         padding + "<DONNEES><ELEVES>\n" + eleve +
         "\n</ELEVES><STRUCTURES><STRUCTURES_ELEVE ELEVE_ID=\"" + structure_id +
         "\"><STRUCTURE><CODE_STRUCTURE>5A</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE>"
         "</STRUCTURE></STRUCTURES_ELEVE></STRUCTURES></DONNEES>\n</BEE_ELEVES>\n";
}

std::string eleve_xml(const std::string& first, const std::string& id = "1",
                      const std::string& extra = "", const std::string& sex = "2") {
  return "<ELEVE ELEVE_ID=\"" + id +
         "\"><ID_NATIONAL>123456789AB</ID_NATIONAL><NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE>"
         "<PRENOM>" +
         first + "</PRENOM><CODE_SEXE>" + sex +
         "</CODE_SEXE><DATE_NAISS>12/05/2013</DATE_NAISS><CODE_PAYS>100</CODE_PAYS>"
         "<CODE_COMMUNE_INSEE_NAISS>75056</CODE_COMMUNE_INSEE_NAISS>" +
         extra + "</ELEVE>";
}

TEST_F(RosterFiles, XmlTextWithEntitiesCharacterReferencesCdataAndComments) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"L&#233;a", "Léa"},
      {"&#x152;none", "Œnone"},
      {"Marie&amp;Louise", "Marie&Louise"},
      {"D&apos;Artagnan &lt;3&gt; &quot;x&quot;", "D'Artagnan <3> \"x\""},
      {"<![CDATA[Zoë & <Léa>]]>", "Zoë & <Léa>"},
      {"  Jean<!-- a comment -->-Marc <?pi x?> ", "Jean-Marc"},
      // Every character of a value counts, blanks between two CDATA sections too.
      {"<![CDATA[Jean]]> <![CDATA[Marc]]>", "Jean Marc"},
      // The text after the last child element: the reader's rule for mixed content.
      {"Léa<X>ignored</X>Zoë", "Zoë"},
  };
  for (const auto& [written, read] : cases) {
    const auto roster = read_roster(one_pupil_xml(eleve_xml(written)), kUai);
    ASSERT_TRUE(roster.errors.empty()) << written << ": " << roster.errors[0].detail;
    ASSERT_EQ(roster.entries.size(), 1u) << written;
    EXPECT_EQ(roster.entries[0].first_name, read) << written;
  }
}

TEST_F(RosterFiles, EleveIdAttributeIsDecodedTrimmedAndNamespaceFree) {
  // '&' reaches a SAX2 callback still escaped as "&#38;": the two spellings must join.
  const auto joined = read_roster(one_pupil_xml(eleve_xml("Léa", " a&amp;b "), "a&#38;b"), kUai);
  ASSERT_EQ(joined.entries.size(), 1u);
  EXPECT_EQ(joined.entries[0].division, "5A");
  const auto bad =
      read_roster(one_pupil_xml(eleve_xml("Léa", "a&amp;b", "", "9"), "a&#38;b"), kUai);
  ASSERT_EQ(codes(bad), std::vector{ErrorCode::INVALID_VALUE});
  EXPECT_EQ(bad.errors[0].pupil_id, "a&b");
  // An attribute in a namespace is another attribute; the unprefixed one is ELEVE_ID.
  const std::string prefixed = "<ELEVE xmlns:q=\"urn:q\" q:ELEVE_ID=\"9\" ELEVE_ID=\"1\"" +
                               eleve_xml("Léa").substr(std::string("<ELEVE ELEVE_ID=\"1\"").size());
  EXPECT_EQ(read_roster(one_pupil_xml(prefixed), kUai).entries.size(), 1u);
}

TEST_F(RosterFiles, NamespacedRootIsNotBeeEleves) {
  const auto prefixed = read_roster(
      "<x:BEE_ELEVES xmlns:x=\"urn:x\"><PARAMETRES><UAJ>0751234A</UAJ></PARAMETRES>"
      "</x:BEE_ELEVES>",
      kUai);
  ASSERT_EQ(codes(prefixed), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(prefixed.errors[0].detail, "the root element is x:BEE_ELEVES, not BEE_ELEVES");
  // A default namespace changes no name.
  std::string xml = one_pupil_xml(eleve_xml("Léa"));
  xml.replace(xml.find("<BEE_ELEVES>"), 12, "<BEE_ELEVES xmlns=\"urn:x\">");
  EXPECT_EQ(read_roster(xml, kUai).entries.size(), 1u);
}

TEST_F(RosterFiles, ElementsSplitAcrossChunksAreReadWhole) {
  // The reader pushes the look-ahead (4 KiB) then chunks of 64 KiB: padding moves the pupil
  // over those boundaries byte by byte, through tags, attribute values and multi-byte letters.
  const std::string eleve = eleve_xml("Hélœïse &amp; <![CDATA[Zoë]]>", "17");
  const std::string head =
      one_pupil_xml(eleve, "17").substr(0, one_pupil_xml(eleve, "17").find("<DONNEES>"));
  const std::size_t before_eleve = head.size() + std::string("<!----><DONNEES><ELEVES>\n").size();
  for (const std::size_t boundary : {std::size_t{4096}, std::size_t{4096 + 65536}}) {
    // The pupil starts from 10 bytes after the boundary to 10 bytes before its end.
    const std::size_t last = boundary - before_eleve + 10;
    for (std::size_t blanks = last - eleve.size() - 20; blanks <= last; ++blanks) {
      const auto roster =
          read_roster(one_pupil_xml(eleve, "17", "<!--" + std::string(blanks, ' ') + "-->"), kUai);
      ASSERT_EQ(roster.entries.size(), 1u) << boundary << ", " << blanks;
      EXPECT_EQ(roster.entries[0].first_name, "Hélœïse & Zoë") << boundary << ", " << blanks;
      EXPECT_EQ(roster.entries[0].division, "5A") << boundary << ", " << blanks;
    }
  }
  // The same in ISO-8859-15, where libxml2 converts each chunk.
  Pupil p = pupil("1", "123456789AB");
  p.first = "Œnone";
  std::string xml = siecle_xml({p}, "ISO-8859-15");
  xml.insert(xml.find("<DONNEES>"), "<!--" + std::string(4096 - 200, ' ') + "-->");
  for (std::size_t shift = 0; shift < 400; ++shift) {
    const auto roster = read_roster(to_encoding(xml, "ISO-8859-15"), kUai);
    ASSERT_EQ(roster.entries.size(), 1u) << shift;
    EXPECT_EQ(roster.entries[0].first_name, "Œnone") << shift;
    xml.insert(xml.find("<DONNEES>"), " ");
  }
}

TEST_F(RosterFiles, TruncatedXmlIsInvalidFile) {
  const std::string xml = slurp(kData / "siecle-0751234A.xml");
  for (std::size_t size = 100; size < xml.size(); size += xml.size() / 37) {
    const auto roster = read_roster(std::string_view(xml).substr(0, size), kUai);
    ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE}) << size;
    EXPECT_FALSE(roster.errors[0].detail.empty()) << size;
    EXPECT_GT(roster.errors[0].line, 1) << size;
    EXPECT_TRUE(roster.entries.empty()) << size;
  }
}

TEST_F(RosterFiles, NestingDeeperThanLibxml2AllowsIsRefused) {
  const auto nested = [](int depth) {
    std::string extra;
    for (int i = 0; i < depth; ++i) extra += "<a>";
    for (int i = 0; i < depth; ++i) extra += "</a>";
    return one_pupil_xml(eleve_xml("Léa", "1", extra));
  };
  // BEE_ELEVES, DONNEES, ELEVES, ELEVE: 4 levels above the extra elements; libxml2's limit
  // is 256 below the root (xmlParserMaxDepth).
  EXPECT_EQ(read_roster(nested(253), kUai).entries.size(), 1u);
  const auto deep = read_roster(nested(254), kUai);
  ASSERT_EQ(codes(deep), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_NE(deep.errors[0].detail.find("depth"), std::string::npos) << deep.errors[0].detail;
  EXPECT_EQ(deep.errors[0].line, 5);
  EXPECT_EQ(codes(read_roster(nested(100000), kUai)), std::vector{ErrorCode::INVALID_FILE});
}

TEST_F(RosterFiles, HugeTextIsRefusedLongNamesAreErrors) {
  // More than libxml2's 10 000 000 bytes between two tags, even in an ignored element.
  const std::string huge(10'000'001, 'a');
  for (const std::string& eleve :
       {eleve_xml(huge), eleve_xml("Léa", "1", "<REMARQUE>" + huge + "</REMARQUE>")}) {
    const auto roster = read_roster(one_pupil_xml(eleve), kUai);
    ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
    EXPECT_NE(roster.errors[0].detail.find("huge text"), std::string::npos);
    EXPECT_EQ(roster.errors[0].line, 5);
  }
  ReadOptions small;
  small.max_file_bytes = 5'000'000;
  EXPECT_EQ(codes(read_roster_file(write("huge.xml", one_pupil_xml(eleve_xml(huge))), kUai, small)),
            std::vector{ErrorCode::FILE_TOO_LARGE});
  const auto long_name = read_roster(one_pupil_xml(eleve_xml(std::string(9'000'000, 'a'))), kUai);
  ASSERT_EQ(codes(long_name), std::vector{ErrorCode::FIELD_TOO_LONG});
  EXPECT_EQ(long_name.errors[0].field, "PRENOM");
}

TEST_F(RosterFiles, PupilErrorsGiveTheLineOfTheirEleve) {
  std::vector<Pupil> pupils;
  for (int i = 0; i < 300; ++i) {
    Pupil p = pupil(std::to_string(1000 + i), std::to_string(100000000 + i) + "AB");
    if (i % 50 == 7) p.sex = "3";
    pupils.push_back(p);
  }
  const std::string xml = siecle_xml(pupils);
  const auto roster = read_roster(xml, kUai);
  ASSERT_EQ(roster.errors.size(), 6u);
  for (const RosterError& error : roster.errors) {
    const auto at = xml.find("<ELEVE ELEVE_ID=\"" + error.pupil_id + "\"");
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(error.line, 1 + std::count(xml.begin(), xml.begin() + static_cast<long>(at), '\n'))
        << error.pupil_id;
  }
}

TEST_F(RosterFiles, EntitiesAreNeverExpandedAnywhere) {
  // The hostile sample again, its DOCTYPE pushed past the look-ahead: refused by the parser's
  // own callback, before the internal subset is read.
  std::string hostile = slurp(kData / "hostile-xxe.xml");
  hostile.insert(hostile.find("<!DOCTYPE"), "<!--" + std::string(8000, ' ') + "-->\n");
  const auto start = std::chrono::steady_clock::now();
  const auto roster = read_roster(hostile, kUai);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(roster.errors[0].detail, "DTD and entities are refused");
  // Without a DTD, any entity but the five predefined ones is undeclared: not well-formed.
  for (const std::string value : {"&xxe;", "L&eacute;a", "&#0;"}) {
    EXPECT_EQ(codes(read_roster(one_pupil_xml(eleve_xml(value)), kUai)),
              std::vector{ErrorCode::INVALID_FILE})
        << value;
  }
}

TEST_F(RosterFiles, DivisionsJoinOnEleveIdWhereverTheStructuresAre) {
  // STRUCTURES before and after the ELEVES; the first division of an ELEVE_ID wins; two ELEVE
  // with one ELEVE_ID share it; a STRUCTURES_ELEVE without ELEVE is ignored.
  const std::string structure =
      "<STRUCTURES_ELEVE ELEVE_ID=\"%\"><STRUCTURE><CODE_STRUCTURE>#"
      "</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>"
      "</STRUCTURES_ELEVE>";
  const auto division = [&](const std::string& id, const std::string& code) {
    std::string out = structure;
    out.replace(out.find('%'), 1, id);
    return out.replace(out.find('#'), 1, code);
  };
  std::string first = eleve_xml("Léa", "1");
  std::string second = eleve_xml("Zoë", "2");
  std::string third = eleve_xml("Inès", "1");
  second.replace(second.find("123456789AB"), 11, "223456789AB");
  third.replace(third.find("123456789AB"), 11, "323456789AB");
  const std::string xml =
      "<BEE_ELEVES><PARAMETRES><UAJ>0751234A</UAJ></PARAMETRES><DONNEES><STRUCTURES>" +
      division("1", "4B") + division("9", "4Z") + "</STRUCTURES><ELEVES>" + first + second + third +
      "</ELEVES><STRUCTURES>" + division("2", "4C") + division("1", "3A") + division("2", "3B") +
      "</STRUCTURES></DONNEES></BEE_ELEVES>";
  const auto roster = read_roster(xml, kUai);
  ASSERT_TRUE(roster.errors.empty());
  ASSERT_EQ(roster.entries.size(), 3u);
  EXPECT_EQ(roster.entries[0].division, "4B");
  EXPECT_EQ(roster.entries[1].division, "4C");
  EXPECT_EQ(roster.entries[2].division, "4B");
}

// ---------------------------------------------------------------------------------------------
// Zip

TEST_F(RosterFiles, ZipOfTheSampleGivesTheSameEntries) {
  const std::string xml = slurp(kData / "siecle-0751234A.xml");
  const auto plain = read_roster(xml, kUai);
  const std::string bytes = zip({{"ElevesSansAdresses.xml", xml}, {"LISEZMOI.txt", "x"}});
  const auto zipped = read_roster(bytes, kUai);
  EXPECT_TRUE(zipped.errors.empty());
  ASSERT_EQ(zipped.entries.size(), plain.entries.size());
  for (std::size_t i = 0; i < plain.entries.size(); ++i) {
    EXPECT_EQ(zipped.entries[i].ine, plain.entries[i].ine);
    EXPECT_EQ(zipped.entries[i].first_name, plain.entries[i].first_name);
    EXPECT_EQ(zipped.entries[i].division, plain.entries[i].division);
  }
  EXPECT_EQ(zipped.skipped, plain.skipped);
  // The same from a file, whatever its name.
  const auto from_file = read_roster_file(write("export.bin", bytes), kUai);
  EXPECT_EQ(from_file.entries.size(), 310u);
}

TEST_F(RosterFiles, MacOsResourceForksAndHiddenFilesAreIgnored) {
  const std::string xml = siecle_xml({pupil("1", "123456789AB")});
  const auto roster = read_roster(
      zip({{"__MACOSX/._x.xml", "junk"}, {"dir/.hidden.xml", "junk"}, {"dir/x.XML", xml}}), kUai);
  EXPECT_TRUE(roster.errors.empty());
  EXPECT_EQ(roster.entries.size(), 1u);
}

TEST_F(RosterFiles, ZipWithoutExactlyOneXmlIsInvalidFile) {
  const std::string xml = siecle_xml({pupil("1", "123456789AB")});
  EXPECT_EQ(codes(read_roster(zip({{"a.xml", xml}, {"b.xml", xml}}), kUai)),
            std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(codes(read_roster(zip({{"a.txt", xml}}), kUai)), std::vector{ErrorCode::INVALID_FILE});
  const std::string empty_zip = std::string("PK\x05\x06", 4) + std::string(18, '\0');
  EXPECT_EQ(codes(read_roster(empty_zip, kUai)), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(codes(read_roster(std::string("PK\x03\x04", 4) + "garbage", kUai)),
            std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(codes(read_roster(zip({{"a.xml", "not xml"}}), kUai)),
            std::vector{ErrorCode::INVALID_FILE});
}

TEST_F(RosterFiles, ZipBombIsTooLarge) {
  ReadOptions options;
  options.max_file_bytes = 100'000;
  std::string big = siecle_xml({pupil("1", "123456789AB")});
  big.insert(big.find("<DONNEES>"), std::string(1'000'000, ' '));
  const std::string bytes = zip({{"big.xml", big}});
  ASSERT_LT(bytes.size(), options.max_file_bytes);
  EXPECT_EQ(codes(read_roster(bytes, kUai, options)), std::vector{ErrorCode::FILE_TOO_LARGE});
}

// ---------------------------------------------------------------------------------------------
// CSV

constexpr std::string_view kHeader =
    "Identifiant unique*;Premier prénom*;Deuxième prénom;Troisième prénom;Nom de famille*;"
    "Nom d'usage;Code sexe*;Date de naissance (jj/mm/aaaa)*;Code commune naissance**;"
    "Libellé commune naissance**;Code département naissance*;Code pays naissance*;Statut*;"
    "Code MEF*;Division*";

std::string csv_line(const std::string& ine, const std::string& first, const std::string& last,
                     const std::string& rest =
                         "Féminin;14/07/2014;75056;Paris;75;99100;ST;"
                         "10010012110;5A") {
  return ine + ";" + first + ";;;" + last + ";;" + rest;
}

TEST_F(RosterFiles, CsvEncodings) {
  const std::string utf8 = std::string(kHeader) + "\r\n" +
                           csv_line("111111111AA", "Héloïse", "CŒURDACIER") + "\r\n" +
                           csv_line("222222222BB", "Zoë", "LEFÈVRE") + "\r\n";
  const auto check = [](const ParsedRoster& roster, const char* what) {
    EXPECT_TRUE(roster.errors.empty()) << what;
    ASSERT_EQ(roster.entries.size(), 2u) << what;
    EXPECT_EQ(roster.entries[0].first_name, "Héloïse") << what;
    EXPECT_EQ(roster.entries[1].last_name, "LEFÈVRE") << what;
    EXPECT_EQ(roster.entries[1].sex, Sex::Female) << what;
  };
  check(read_roster(utf8, ""), "UTF-8");
  check(read_roster("\xEF\xBB\xBF" + utf8, ""), "UTF-8 with BOM");
  const auto cp1252 = read_roster(to_encoding(utf8, "windows-1252"), "");
  check(cp1252, "windows-1252");
  EXPECT_EQ(cp1252.entries[0].last_name, "CŒURDACIER");
  // Classic Mac files: Mac Roman and a lone CR at the end of lines.
  std::string mac = to_mac_roman(utf8);
  std::erase(mac, '\n');
  const auto mac_roman = read_roster(mac, "");
  check(mac_roman, "Mac Roman");
  EXPECT_EQ(mac_roman.entries[0].last_name, "CŒURDACIER");
  // In no supported encoding is "\x9D" an é: nothing to recognise.
  std::string unknown = utf8;
  unknown.replace(unknown.find("é"), 2, "\x9D");
  EXPECT_EQ(codes(read_roster(unknown, "")), std::vector{ErrorCode::ENCODING_NOT_SUPPORTED});
  EXPECT_EQ(codes(read_roster("\xFF\xFE" + to_encoding(utf8, "UTF-16LE"), "")),
            std::vector{ErrorCode::ENCODING_NOT_SUPPORTED});
}

TEST_F(RosterFiles, CsvHeaderErrors) {
  std::string header(kHeader);
  header.replace(header.find("Statut*"), 7, "Régime");
  const auto roster =
      read_roster(header + "\n" + csv_line("123456789AB", "Léa", "MARTIN") + "\n", "");
  ASSERT_EQ(codes(roster), (std::vector{ErrorCode::HEADER_UNKNOWN, ErrorCode::HEADER_REQUIRED}));
  EXPECT_EQ(roster.errors[0].field, "Régime");
  EXPECT_EQ(roster.errors[0].line, 1);
  EXPECT_EQ(roster.errors[1].field, "Statut*");
  EXPECT_TRUE(roster.entries.empty());
  // Unknown extra column: reported, but the lines are still checked.
  const auto extra = read_roster(
      std::string(kHeader) + ";Remarque\n" + csv_line("123456789AB", "", "MARTIN") + ";ok\n", "");
  EXPECT_EQ(codes(extra), (std::vector{ErrorCode::HEADER_UNKNOWN, ErrorCode::FIELD_REQUIRED}));
  // A plain ASCII header without "Premier prénom*" is read as UTF-8: its columns are reported.
  const auto ascii = read_roster("Nom;Prenom\nMARTIN;Lea\n", "");
  EXPECT_EQ(ascii.errors.front().code, ErrorCode::HEADER_UNKNOWN);
  EXPECT_EQ(ascii.errors.back().code, ErrorCode::HEADER_REQUIRED);
  EXPECT_EQ(codes(read_roster(std::string(kHeader) + "\r\n\r\n", "")),
            std::vector{ErrorCode::EMPTY});
}

// docs/rules.md §6: an error echoes at most 64 characters of what it read, even of a header
// cell of 60 000 characters.
TEST_F(RosterFiles, AHugeUnknownHeaderCellIsEchoedCappedAt64Characters) {
  const std::string huge(60000, 'x');
  const auto roster = read_roster(
      std::string(kHeader) + ";" + huge + "\n" + csv_line("123456789AB", "Léa", "MARTIN") + "\n",
      "");
  ASSERT_FALSE(roster.errors.empty());
  EXPECT_EQ(roster.errors[0].code, ErrorCode::HEADER_UNKNOWN);
  EXPECT_EQ(roster.errors[0].field, echo(huge));
  EXPECT_EQ(character_count(roster.errors[0].field), kMaxEchoCharacters + 1);  // and "…"
}

// A line of over 64 KiB is no roster line: the file is refused there, without reading the rest
// of it (a header of one 100 MiB cell used to be read, copied and decoded whole: 1.1 GiB).
TEST_F(RosterFiles, ALineOverSixtyFourKibibytesRefusesTheFileWhereItStarts) {
  std::string bytes = std::string(kHeader) + "\n" + csv_line("123456789AB", "Léa", "MARTIN") +
                      "\n" + csv_line("123456789AC", std::string(70000, 'a'), "MARTIN") + "\n";
  auto roster = read_roster(bytes, "");
  ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(roster.errors[0].line, 3);
  EXPECT_TRUE(roster.entries.empty());

  const fs::path header = dir_ / "header.csv";
  {
    std::ofstream out(header, std::ios::binary);
    const std::string mebibyte(1 << 20, 'x');
    for (int i = 0; i < 100; ++i) out << mebibyte;
    out << "\n" << csv_line("123456789AB", "Léa", "MARTIN") << "\n";
  }
  ReadOptions options;
  std::uint64_t most_read = 0;
  options.progress = [&](std::uint64_t done, std::uint64_t) { most_read = done; };
  roster = read_roster_file(header, "", options);
  ASSERT_EQ(codes(roster), std::vector{ErrorCode::INVALID_FILE});
  EXPECT_EQ(roster.errors[0].line, 1);
  EXPECT_LT(most_read, 4U << 20);
}

TEST_F(RosterFiles, CsvEveryLineErrorHasItsLineAndColumn) {
  const std::string lines[] = {
      csv_line("", "Léa", "MARTIN"),                             // 2
      csv_line("000000002AA", "", "MARTIN"),                     // 3
      csv_line("000000003AA", std::string(256, 'a'), "MARTIN"),  // 4
      csv_line("000000004AA", "Léa", "MARTIN",
               "Féminin;31/02/2014;75056;Paris;75;99100;ST;1;5A"),  // 5
      csv_line("000000005AA", "Léa", "MARTIN",
               "Fille;14/07/2014;75056;Paris;75;99100;ST;1;5A"),  // 6
      csv_line("000000005AA", "Léa", "MARTIN"),                   // 7
      csv_line("000000007AA", "Léa", "MARTIN",
               "Féminin;14/07/2014;7505;Paris;75;99100;ST;1;5A"),                         // 8
      csv_line("000000008AA", "Léa", "MARTIN", "Féminin;14/07/2014;;;75;99100;ST;1;5A"),  // 9
      csv_line("000000009AA", "Léa", "MARTIN", "Féminin;14/07/2014;;;99;99600;ST;1;5A"),  // 10
      csv_line("000000001BA", "Léa", "MARTIN",
               "Féminin;14/07/2014;75056;Paris;75;99100;XX;1;5A"),  // 11
      csv_line("000000002BA", "CÃ©cile", "MARTIN"),                 // 12
      csv_line("000000003BA", "Léa", "MARTIN",
               "Féminin;14/07/2014;75056;Paris;75;99100;ST;1;"),  // 13
      csv_line("000000004BA", "Léa", "MARTIN",
               "Féminin;2014-07-14;75056;Paris;75;99100;ST;1;5A"),  // 14
      csv_line("12345678ABC", "Léa", "MARTIN"),                     // 15
      csv_line("000000006BA", "Léa", "MARTIN",
               "Féminin;14/07/2014;75056;Paris;75;99100;ST;1;" + std::string(33, 'D')),  // 16
      csv_line("000000007BA", "Léa", "MARTIN",
               "Féminin;14/07/2014;75056;Paris;75;99100;ST;1;5\x1B[31mA"),  // 17
      csv_line(std::string(255, '1'), "Léa", "MARTIN"),                     // 18
      csv_line("000000009BA", std::string(101, 'a'), "MARTIN"),             // 19
  };
  std::string csv = std::string(kHeader) + "\n";
  for (const auto& line : lines) csv += line + "\n";
  const auto roster = read_roster(csv, "");
  const std::vector<std::tuple<ErrorCode, int, std::string, std::string>> expected = {
      {ErrorCode::INE_REQUIRED, 2, "Identifiant unique*", ""},
      {ErrorCode::FIELD_REQUIRED, 3, "Premier prénom*", "000000002AA"},
      {ErrorCode::FIELD_TOO_LONG, 4, "Premier prénom*", "000000003AA"},
      {ErrorCode::INVALID_DATE, 5, "Date de naissance (jj/mm/aaaa)*", "000000004AA"},
      {ErrorCode::INVALID_VALUE, 6, "Code sexe*", "000000005AA"},
      {ErrorCode::DUPLICATE_ID, 7, "Identifiant unique*", "000000005AA"},
      {ErrorCode::INVALID_INSEE_CODE, 8, "Code commune naissance**", "000000007AA"},
      {ErrorCode::BIRTH_CITY_CODE_REQUIRED, 9, "Code commune naissance**", "000000008AA"},
      {ErrorCode::FIELD_REQUIRED, 9, "Libellé commune naissance**", "000000008AA"},
      {ErrorCode::INVALID_INSEE_CODE, 10, "Code pays naissance*", "000000009AA"},
      {ErrorCode::INVALID_VALUE, 11, "Statut*", "000000001BA"},
      {ErrorCode::INVALID_NAME_CHARACTERS, 12, "Premier prénom*", "000000002BA"},
      {ErrorCode::FIELD_REQUIRED, 13, "Division*", "000000003BA"},
      {ErrorCode::INVALID_DATE, 14, "Date de naissance (jj/mm/aaaa)*", "000000004BA"},
      // docs/rules.md §6: INE of 11 characters of two shapes, division of 32, no control
      // character; an error quotes at most 64 characters of the INE.
      {ErrorCode::INVALID_VALUE, 15, "Identifiant unique*", "12345678ABC"},
      {ErrorCode::FIELD_TOO_LONG, 16, "Division*", "000000006BA"},
      {ErrorCode::INVALID_VALUE, 17, "Division*", "000000007BA"},
      {ErrorCode::INVALID_VALUE, 18, "Identifiant unique*", echo(std::string(255, '1'))},
      {ErrorCode::FIELD_TOO_LONG, 19, "Premier prénom*", "000000009BA"},  // names: 100
  };
  ASSERT_EQ(roster.errors.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [code, line, field, ine] = expected[i];
    EXPECT_EQ(roster.errors[i].code, code) << i;
    EXPECT_EQ(roster.errors[i].line, line) << i;
    EXPECT_EQ(roster.errors[i].field, field) << i;
    EXPECT_EQ(roster.errors[i].ine, ine) << i;
  }
  EXPECT_TRUE(roster.entries.empty());
}

TEST_F(RosterFiles, CsvValuesAreTrimmedAndNormalised) {
  const std::string csv =
      std::string(kHeader) + "\n\n" +
      "  000000001aa ; Héloïse ;\"Marie;Anne\";;\" D'ARTAGNAN \";;FÉMININ ; "
      "14/07/2014;2A004;Ajaccio;2A;"
      "99100; AP;10010012110; 5   B \n" +
      ";;;;;;;;;;;;;;\n" +
      csv_line("000000002AA", "Noé", "MARTIN", "masculin;01/03/2014;;;99;99134;ST;10010012110;4C");
  const auto roster = read_roster(csv, "");
  ASSERT_TRUE(roster.errors.empty()) << static_cast<int>(roster.errors[0].code) << " line "
                                     << roster.errors[0].line << " " << roster.errors[0].field;
  ASSERT_EQ(roster.entries.size(), 2u);
  const RosterEntry& first = roster.entries[0];
  EXPECT_EQ(first.ine, "000000001AA");
  EXPECT_EQ(first.first_name, "Héloïse");
  EXPECT_EQ(first.second_name, "Marie;Anne");
  EXPECT_EQ(first.last_name, "D'ARTAGNAN");
  EXPECT_EQ(first.sex, Sex::Female);
  EXPECT_EQ(first.birth_city_code, "2A004");
  EXPECT_EQ(first.status, "AP");
  EXPECT_EQ(first.division, "5 B");
  EXPECT_EQ(roster.entries[1].sex, Sex::Male);
  EXPECT_EQ(roster.entries[1].birth_country_code, "99134");
  EXPECT_TRUE(roster.entries[1].birth_city_code.empty());
}

// ---------------------------------------------------------------------------------------------
// Generated rosters (tools/make-roster, a copy of the shared generator)

TEST_F(RosterFiles, GeneratedRostersWithEdgeCases) {
  const fs::path tool = INSCRIRE_MAKE_ROSTER;
  ASSERT_TRUE(fs::exists(tool) && fs::exists("/usr/bin/python3")) << tool;
  const auto run = [&](const std::string& arguments, const std::string& out) {
    const std::string command = "/usr/bin/python3 " + tool.string() + " " + arguments +
                                " --edge-cases --pupils 200 --out " + (dir_ / out).string();
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return dir_ / out;
  };
  // 200 pupils + 13 edge cases, of which one has left, one has no INE, one no division.
  const auto xml = read_roster_file(run("--format xml", "a.zip"), kUai);
  EXPECT_TRUE(xml.errors.empty());
  EXPECT_EQ(xml.entries.size(), 210u);
  EXPECT_EQ(xml.skipped_total(), 3);
  for (const char* encoding : {"UTF-8", "windows-1252"}) {
    const auto csv =
        read_roster_file(run(std::string("--format csv --encoding ") + encoding, "b.csv"), "");
    EXPECT_TRUE(csv.errors.empty()) << encoding;
    EXPECT_EQ(csv.entries.size(), 210u) << encoding;
  }
}

// The same 20 000 generated pupils as SIECLE XML and as CSV: two readers, one roster (the fields
// both formats carry the same way).
TEST_F(RosterFiles, LargeGeneratedRosterReadsTheSameAsXmlAndCsv) {
  const fs::path tool = INSCRIRE_MAKE_ROSTER;
  ASSERT_TRUE(fs::exists(tool) && fs::exists("/usr/bin/python3")) << tool;
  const auto generate = [&](const std::string& format, const std::string& out) {
    const std::string command = "/usr/bin/python3 " + tool.string() + " --format " + format +
                                " --encoding windows-1252 --edge-cases --pupils 20000 --seed 5"
                                " --out " +
                                (dir_ / out).string();
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return dir_ / out;
  };
  const auto xml = read_roster_file(generate("xml", "big.xml"), kUai);
  const auto csv = read_roster_file(generate("csv", "big.csv"), "");
  ASSERT_TRUE(xml.errors.empty());
  ASSERT_TRUE(csv.errors.empty());
  EXPECT_EQ(xml.skipped_total(), 3);
  ASSERT_EQ(xml.entries.size(), 20010u);
  ASSERT_EQ(csv.entries.size(), xml.entries.size());
  for (std::size_t i = 0; i < xml.entries.size(); ++i) {
    const RosterEntry& a = xml.entries[i];
    const RosterEntry& b = csv.entries[i];
    ASSERT_EQ(std::tie(a.ine, a.first_name, a.second_name, a.third_name, a.last_name, a.usage_name,
                       a.birthdate, a.sex, a.division, a.mef_code, a.status),
              std::tie(b.ine, b.first_name, b.second_name, b.third_name, b.last_name, b.usage_name,
                       b.birthdate, b.sex, b.division, b.mef_code, b.status))
        << i;
  }
}

}  // namespace
}  // namespace inscrire
