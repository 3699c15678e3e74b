"""The whole flow of docs/rules.md §1 on the sample roster, through the Python API."""

import datetime
import os
import pathlib

import pytest

import inscrire
from conftest import FAST, PASSWORD, SCHOOL, UAI


def test_version_is_the_core_version():
    assert inscrire.__version__ == inscrire._native.__version__
    assert inscrire.__version__.count(".") == 2


def test_open_accepts_str_pathlike_and_bytes(tmp_path):
    for path in (str(tmp_path / "a.db"), tmp_path / "b.db", os.fsencode(tmp_path / "c.db")):
        with inscrire.open(path, **FAST) as db:
            assert db.organizations() == []
            assert db.path == os.fsdecode(os.fspath(path))
        assert pathlib.Path(os.fsdecode(os.fspath(path))).exists()


def test_organizations(db):
    created = db.create_organization("0751234a", SCHOOL)
    assert created == inscrire.Organization(uai=UAI, name=SCHOOL)
    assert repr(created) == "Organization(uai='0751234A', name='Collège Victor Hugo')"
    assert db.organizations() == [created]


def test_import_report_and_learners(db, roster):
    db.create_organization(UAI, SCHOOL)
    progress = []
    dry = db.import_roster(UAI, roster, dry_run=True, progress=lambda done, total: progress.append((done, total)))
    assert dry.dry_run and dry.created > 0 and dry.errors == ()
    assert db.learners(UAI) == []  # nothing written
    assert progress and progress[-1][0] == progress[-1][1] == roster.stat().st_size
    report = db.import_roster(UAI, str(roster))
    assert isinstance(report, inscrire.ImportReport)
    assert report.created == dry.created
    assert report.skipped == {"left": 1, "no_ine": 1, "no_division": 1}
    assert report.skipped_total == 3
    again = db.import_roster(UAI, roster)
    assert again.created == 0
    everyone = db.learners(UAI)
    assert len(everyone) == report.created
    fifth = db.learners(UAI, "5A")
    assert fifth and all(learner.division == "5A" for learner in fifth)
    assert all(isinstance(learner.birthdate, datetime.date) for learner in fifth)
    twins = [learner for learner in fifth if learner.last_name == "POE"]
    assert sorted(learner.first_name for learner in twins) == ["Alian", "Allan"]
    assert {learner.birthdate for learner in twins} == {datetime.date(2014, 3, 1)}
    leas = [learner for learner in fifth if (learner.first_name, learner.last_name) == ("Léa", "MARTIN")]
    assert sorted(learner.birthdate for learner in leas) == [datetime.date(2013, 5, 12),
                                                             datetime.date(2014, 5, 12)]
    assert "Learner(ine=" in repr(leas[0]) and "birthdate=datetime.date(" in repr(leas[0])


def test_campaigns(school):
    campaign = school.create_campaign(UAI, "Pix 5A", division="5A", target_profile="PIX-5")
    assert campaign.status == "active" and campaign.division == "5A"
    assert campaign.target_profile == "PIX-5"
    assert len(campaign.code) == 9
    typed = campaign.code[:3].lower() + " - " + campaign.code[3:]
    assert school.find_campaign(typed) == campaign
    whole_school = school.create_campaign(UAI, "Pix collège")
    assert whole_school.division is None
    assert {c.code for c in school.campaigns(UAI)} == {campaign.code, whole_school.code}
    archived = school.archive_campaign(campaign.code)
    assert archived.status == "archived"
    with pytest.raises(inscrire.CampaignClosed):
        school.find_campaign(campaign.code)


def test_match_twins_and_namesakes(school, campaign):
    allan = school.match(campaign.code, "Allan", "Poe", "01/03/2014")
    assert allan.matched and allan.status is inscrire.MatchStatus.MATCHED
    assert allan.learner.first_name == "Allan" and allan.username == "allan.poe0103"
    alian = school.match(campaign.code, "alian", "POE", datetime.date(2014, 3, 1))
    assert alian.matched and alian.learner.first_name == "Alian"
    assert alian.learner != allan.learner
    vague = school.match(campaign.code, "Alan", "Poe", "1/3/2014")
    assert vague.status is inscrire.MatchStatus.AMBIGUOUS and vague.error == "AMBIGUOUS_MATCH"
    lea_2013 = school.match(campaign.code, "Lea", "Martin", "12/05/2013")
    lea_2014 = school.match(campaign.code, "Léa", "MARTIN", datetime.date(2014, 5, 12))
    assert lea_2013.matched and lea_2014.matched
    assert lea_2013.username == "lea.martin1205" and lea_2014.username == "lea.martin1205"
    nobody = school.match(campaign.code, "Zorro", "Poe", "01/03/2014")
    assert nobody.status is inscrire.MatchStatus.NO_NAME_MATCH and nobody.learner is None
    assert school.match(campaign.code, "Allan", "Poe", "02/03/2014").error == "NO_LEARNER_FOR_BIRTHDATE"


def test_register_login_join_and_passwords(school, campaign):
    first = school.register(campaign.code, "Léa", "Martin", "12/05/2013", PASSWORD)
    assert first.username == "lea.martin1205"
    assert first.participation_status == "STARTED"
    assert first.campaign == campaign
    # docs/rules.md §8: a pupil-facing result names the pupil and their class, nothing more.
    assert first.learner == inscrire.PupilLearner("Léa", "MARTIN", "5A")
    assert not hasattr(first.learner, "ine") and not hasattr(first.learner, "birthdate")
    second = school.register(campaign.code, "Léa", "Martin", datetime.date(2014, 5, 12), PASSWORD)
    assert second.username != first.username and inscrire.is_valid_username(second.username)
    assert second.username.startswith("lea.martin")

    again = school.match(campaign.code, "Léa", "Martin", "12/05/2013")
    assert again.status is inscrire.MatchStatus.LEARNER_ALREADY_LINKED
    assert again.username_hint == "l***.m***5"
    with pytest.raises(inscrire.AlreadyRegistered) as refused:
        school.register(campaign.code, "Léa", "Martin", "12/05/2013", PASSWORD)
    assert refused.value.code == "LEARNER_ALREADY_LINKED"
    assert refused.value.username_hint == "l***.m***5"

    session = school.login(first.username, PASSWORD)
    assert session.status is inscrire.LoginStatus.SUCCESS and not session.password_change_required
    assert session.session_token and session.session_token not in repr(session)
    other = school.create_campaign(UAI, "Pix collège")
    joined = school.join_campaign(session.session_token, other.code)
    assert joined.username == first.username and joined.campaign.code == other.code

    school.change_password(first.username, PASSWORD, "Girafe2024x")
    with pytest.raises(inscrire.AuthenticationError):
        school.login(first.username, PASSWORD)
    assert school.login(first.username, "Girafe2024x").status is inscrire.LoginStatus.SUCCESS

    temporary = school.reset_password(UAI, first.username)
    assert isinstance(temporary, str) and len(temporary) == 8
    change = school.login(first.username, temporary)
    assert change.password_change_required and change.change_token
    school.change_password_with_token(change.change_token, "Hibiscus77")
    assert school.login(first.username, "Hibiscus77").status is inscrire.LoginStatus.SUCCESS
    with pytest.raises(inscrire.AuthenticationError) as token:
        school.change_password_with_token(change.change_token, "Hibiscus78")
    assert token.value.code == "INVALID_TOKEN"


def test_join_a_new_school_with_the_same_account(school, campaign, tmp_path):
    allan = school.register(campaign.code, "Allan", "POE", "01/03/2014", PASSWORD)
    ine = next(row.ine for row in school.learners(UAI) if row.username == allan.username)
    lycee = tmp_path / "lycee.xml"
    lycee.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><BEE_ELEVES><PARAMETRES><UAJ>0331234B</UAJ>'
        "</PARAMETRES><DONNEES><ELEVES><ELEVE ELEVE_ID=\"1\"><ID_NATIONAL>"
        + ine
        + "</ID_NATIONAL><NOM_DE_FAMILLE>POE</NOM_DE_FAMILLE><PRENOM>Allan</PRENOM>"
        "<CODE_SEXE>1</CODE_SEXE><DATE_NAISS>02/03/2014</DATE_NAISS><CODE_PAYS>100</CODE_PAYS>"
        "<CODE_COMMUNE_INSEE_NAISS>75056</CODE_COMMUNE_INSEE_NAISS></ELEVE></ELEVES><STRUCTURES>"
        '<STRUCTURES_ELEVE ELEVE_ID="1"><STRUCTURE><CODE_STRUCTURE>2NDE1</CODE_STRUCTURE>'
        "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE></STRUCTURES>"
        "</DONNEES></BEE_ELEVES>",
        encoding="utf-8")
    school.create_organization("0331234B", "Lycée")
    assert school.import_roster("0331234B", lycee).linked == 0  # another birth date
    code = school.create_campaign("0331234B", "Seconde").code
    session = school.login(allan.username, PASSWORD).session_token
    with pytest.raises(inscrire.NotFound):
        school.join_campaign(session, code)
    with pytest.raises(TypeError):
        school.join_campaign(session, code, "Allan")
    joined = school.join_campaign(session, code, "Allan", "Poe", datetime.date(2014, 3, 2))
    assert joined.username == allan.username
    assert school.not_joined(code) == []


def test_not_joined_credentials_export_anonymize(school, campaign):
    fifth = school.learners(UAI, "5A")
    assert len(school.not_joined(campaign.code)) == len(fifth)
    registration = school.register(campaign.code, "Allan", "Poe", "01/03/2014", PASSWORD)
    missing = school.not_joined(campaign.code)
    assert len(missing) == len(fifth) - 1
    ine = next(row.ine for row in fifth if row.first_name == "Allan" and row.last_name == "POE")
    assert ine not in {learner.ine for learner in missing}

    credentials = school.generate_credentials(UAI, "5A")
    assert len(credentials) == len(fifth)
    assert {row.division for row in credentials} == {"5A"}
    assert all(inscrire.is_valid_username(row.username) for row in credentials.rows)
    assert registration.username in {row.username for row in credentials}
    row = credentials.rows[0]
    assert row.temporary_password not in repr(row)
    lines = credentials.csv().splitlines()
    assert lines[0] == "\ufeffClasse;Nom;Prénom;Identifiant;Mot de passe"
    assert len(lines) == len(fifth) + 1
    assert f"{row.division};{row.last_name};{row.first_name};{row.username};{row.temporary_password}" in lines

    exported = school.export_learner(UAI, ine)
    assert isinstance(exported, dict)
    assert exported["learner"]["ine"] == ine
    assert exported["account"]["username"] == registration.username
    school.anonymize_learner(UAI, ine)
    with pytest.raises(inscrire.NotFound):  # the INE itself is erased
        school.export_learner(UAI, ine)
    everyone = school.learners(UAI, include_disabled=True)
    assert ine not in {learner.ine for learner in everyone}
    assert "Anonyme" in {learner.last_name for learner in everyone} | {learner.first_name for learner in everyone}


def test_class_sheet(school, campaign):
    html = school.class_sheet(campaign.code.lower())
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert SCHOOL in html and "5A" in html
    assert "".join(c for c in html if c.isalnum()).find(campaign.code) >= 0 or campaign.code[:3] in html
    with pytest.raises(inscrire.NotFound):
        school.class_sheet("ZZZZZZ999")


def test_class_sheet_with_a_base_url_has_the_link_and_its_qr_code(school, campaign):
    html = school.class_sheet(campaign.code, base_url="https://inscrire.example.fr/c/")
    link = "https://inscrire.example.fr/c/" + campaign.code
    assert f'<a href="{link}">{link}</a>' in html
    assert "<svg" in html and "</svg>" in html
    assert "<svg" not in school.class_sheet(campaign.code)
    for url in ("javascript:alert(1)", "https://x/<b>", "https://" + "x" * 300):
        with pytest.raises(inscrire.InvalidInput) as refused:
            school.class_sheet(campaign.code, base_url=url)
        assert refused.value.code == "INVALID_ARGUMENT"


def test_import_account(school, campaign):
    allan = next(l for l in school.learners(UAI, "5A") if l.first_name == "Allan")
    alian = next(l for l in school.learners(UAI, "5A") if l.first_name == "Alian")
    bcrypt = "$2b$04$" + "abcdefghijklmnopqrstuv" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
    stored = school.import_account(UAI, allan.ine, "Allan.Poe0103", bcrypt)
    assert stored == "allan.poe0103"
    assert next(l for l in school.learners(UAI, "5A") if l.ine == allan.ine).username == stored
    with pytest.raises(inscrire.AlreadyExists) as taken:
        school.import_account(UAI, alian.ine, "allan.poe0103", bcrypt)
    assert taken.value.code == "USERNAME_TAKEN"
    with pytest.raises(inscrire.InvalidInput) as malformed:
        school.import_account(UAI, alian.ine, "alian", bcrypt)
    assert malformed.value.code == "INVALID_ARGUMENT"


def test_unblock(tmp_path, roster):
    now = [1_700_000_000]
    with inscrire.open(tmp_path / "s.db", clock=lambda: now[0], login_failures_per_block=3,
                       login_permanent_block_failures=6, **FAST) as db:
        db.create_organization(UAI, SCHOOL)
        db.import_roster(UAI, roster)
        code = db.create_campaign(UAI, "Pix", division="5A").code
        name = db.register(code, "Allan", "Poe", "01/03/2014", PASSWORD).username
        blocked = None
        for _ in range(10):
            try:
                db.login(name, "Wrong12345")
            except inscrire.AccountBlocked as error:
                blocked = error
                break
            except inscrire.AuthenticationError as error:
                assert error.code == "INVALID_CREDENTIALS"
        assert blocked is not None and blocked.code == "ACCOUNT_TEMPORARILY_BLOCKED"
        assert blocked.retry_after and blocked.retry_after > 0
        with pytest.raises(inscrire.AccountBlocked):  # even the right password
            db.login(name, PASSWORD)
        db.unblock(UAI, name)
        assert db.login(name, PASSWORD).status is inscrire.LoginStatus.SUCCESS


def test_functions_without_database():
    assert inscrire.username("Léa", "Martin", "12/05/2013") == "lea.martin1205"
    assert inscrire.username("Jean-Marc", "D'Artagnan", datetime.date(2014, 3, 1)) == "jeanmarc.dartagnan0103"
    assert inscrire.normalize("Œnone Cœurdacier") == "oenonecoeurdacier"
    assert inscrire.normalize("Straße") == "strasse"
    assert inscrire.username_part("Jean-Marc 2") == "jeanmarc"
    assert inscrire.parse_birthdate("1/3/2014") == datetime.date(2014, 3, 1)
    assert inscrire.parse_birthdate(datetime.date(2014, 3, 1)) == datetime.date(2014, 3, 1)
    assert inscrire.describe("NO_NAME_MATCH", "en") == "No pupil matches this first and last name."
    with pytest.raises(TypeError):
        inscrire.username("Léa", "Martin", 20130512)
    with pytest.raises(inscrire.InvalidInput):
        inscrire.username("Léa", "Martin", datetime.date(1850, 1, 1))


def test_matched_by_names_the_stage_and_pix_rules_restore_the_two_passes(tmp_path, roster):
    def school_db(name, **options):
        db = inscrire.open(tmp_path / name, **FAST, **options)
        db.create_organization(UAI, SCHOOL)
        db.import_roster(UAI, roster)
        return db, db.create_campaign(UAI, "Pix 5A", division="5A").code

    extended, code = school_db("extended.db")
    with extended:
        assert extended.match(code, "Ewen", "André", "15/09/2014").matched_by == "exact"
        swapped = extended.match(code, "André", "Ewen", "15/09/2014")
        assert swapped.matched and swapped.matched_by == "swapped"
        assert extended.match(code, "Nobody", "Else", "15/09/2014").matched_by is None
        registration = extended.register(code, "André", "Ewen", "15/09/2014", PASSWORD)
        assert registration.matched_by == "swapped"
    pix, code = school_db("pix.db", matching="pix")
    with pix:
        assert pix.match(code, "André", "Ewen", "15/09/2014").status is \
            inscrire.MatchStatus.NO_NAME_MATCH
    with pytest.raises(ValueError, match="matching"):
        inscrire.open(tmp_path / "x.db", matching="fuzzy")


def test_postgresql_urls_malformed_or_unreachable(tmp_path):
    # libpq cannot parse it: InvalidInput, before any connection.
    with pytest.raises(inscrire.InvalidInput) as malformed:
        inscrire.open("postgresql://localhost/db?no_such_parameter=1", **FAST)
    assert malformed.value.code == "INVALID_ARGUMENT"
    # Nobody listens on that socket: DatabaseError with libpq's words, never the password.
    url = f"postgresql://inscrire:Secret123@/postgres?host={tmp_path}&port=1"
    with pytest.raises(inscrire.DatabaseError) as unreachable:
        inscrire.open(url, **FAST)
    assert unreachable.value.code == "DATABASE_UNAVAILABLE"
    assert str(tmp_path) in str(unreachable.value)
    assert "Secret123" not in str(unreachable.value)
