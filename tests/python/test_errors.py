"""Exceptions: every stable code maps to a class, the classes inherit the natural builtins,
and each is raised by a real operation."""

import pathlib
import pickle
import re
import sqlite3

import pytest

import inscrire
from conftest import FAST, PASSWORD, SCHOOL, UAI

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "python.md"


def test_every_code_maps_to_a_class():
    codes = inscrire.error_codes()
    assert codes[0] == "INTERNAL_ERROR" and "NO_NAME_MATCH" in codes
    missing = [code for code in codes if code not in inscrire.EXCEPTION_CLASSES]
    assert missing == []
    assert set(inscrire.EXCEPTION_CLASSES) == set(codes)
    for code in codes:
        cls = inscrire.exception_class(code)
        assert issubclass(cls, inscrire.Error)
        error = cls(code)
        assert error.code == code and error.message == inscrire.describe(code)
        assert error.message_en == inscrire.describe(code, "en")
        assert str(error) == f"{code}: {error.message}"


def test_the_documentation_table_lists_every_code_with_its_class():
    table = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^\|\s*`([A-Z0-9_]+)`\s*\|\s*`(\w+)`", line)
        if found:
            assert found.group(1) not in table, f"{found.group(1)} listed twice"
            table[found.group(1)] = found.group(2)
    assert set(table) == set(inscrire.error_codes())
    for code, name in table.items():
        assert inscrire.exception_class(code).__name__ == name, code


@pytest.mark.parametrize("cls, builtin", [
    (inscrire.NotFound, LookupError),
    (inscrire.InvalidInput, ValueError),
    (inscrire.PasswordRejected, ValueError),
    (inscrire.ImportRefused, ValueError),
    (inscrire.AuthenticationError, PermissionError),
    (inscrire.AccountBlocked, PermissionError),
    (inscrire.DatabaseError, OSError),
    (inscrire.InternalError, RuntimeError),
    (inscrire.NoMatch, LookupError),
    (inscrire.AlreadyRegistered, inscrire.AlreadyExists),
    (inscrire.AlreadyExists, inscrire.Conflict),
    (inscrire.CampaignClosed, inscrire.Conflict),
])
def test_hierarchy(cls, builtin):
    assert issubclass(cls, inscrire.Error) and issubclass(cls, builtin)


def test_errors_pickle():
    error = inscrire.AuthenticationError("INVALID_CREDENTIALS")
    error.remaining_attempts = 3
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is inscrire.AuthenticationError
    assert (copy.code, copy.message, copy.remaining_attempts) == ("INVALID_CREDENTIALS", error.message, 3)


def test_invalid_input(db):
    with pytest.raises(inscrire.InvalidInput) as invalid:
        db.create_organization("12345", SCHOOL)
    assert invalid.value.code == "INVALID_UAI"
    with pytest.raises(ValueError):
        inscrire.parse_birthdate("31/02/2014")
    with pytest.raises(inscrire.InvalidInput) as future:
        inscrire.parse_birthdate("01/01/2999")
    assert future.value.code == "BIRTHDATE_IN_FUTURE"
    with pytest.raises(inscrire.InvalidInput) as name:
        inscrire.validate_name("   ")
    assert name.value.code == "NAME_REQUIRED"
    with pytest.raises(inscrire.InvalidInput) as blank:
        db.create_organization(UAI, "   ")
    assert blank.value.code == "INVALID_ARGUMENT"


def test_invalid_input_during_registration(school, campaign):
    with pytest.raises(inscrire.InvalidInput) as date:
        school.register(campaign.code, "Allan", "Poe", "31/02/2014", PASSWORD)
    assert date.value.code == "INVALID_BIRTHDATE"
    with pytest.raises(inscrire.InvalidInput) as layout:
        school.match(campaign.code, "Allan", "Poe", "2014/03/01/")
    assert layout.value.code == "INVALID_BIRTHDATE_FORMAT"


@pytest.mark.parametrize("password, code", [
    ("short", "PASSWORD_TOO_WEAK"),
    ("", "PASSWORD_REQUIRED"),
    ("Azerty123", "PASSWORD_TOO_COMMON"),
    ("Allanpoe2014", "PASSWORD_CONTAINS_PERSONAL_INFO"),
    ("A1" + "a" * 300, "PASSWORD_TOO_LONG"),
])
def test_password_rejected(school, campaign, password, code):
    with pytest.raises(inscrire.PasswordRejected) as refused:
        school.register(campaign.code, "Allan", "Poe", "01/03/2014", password)
    assert refused.value.code == code
    assert school.match(campaign.code, "Allan", "Poe", "01/03/2014").matched  # nothing written


def test_import_refused(db, roster, tmp_path):
    db.create_organization("0331234B", "Autre collège")
    with pytest.raises(inscrire.ImportRefused) as mismatch:
        db.import_roster("0331234B", roster)
    assert mismatch.value.code == "UAI_MISMATCH"
    assert isinstance(mismatch.value.report, inscrire.ImportReport)
    assert [problem.code for problem in mismatch.value.report.errors] == ["UAI_MISMATCH"]
    assert mismatch.value.report.errors[0].field == "UAJ"
    bad = tmp_path / "bad.csv"
    bad.write_text("Nom;Prénom\nDUPONT;Jean\n", encoding="utf-8")
    with pytest.raises(inscrire.ImportRefused) as csv:
        db.import_roster("0331234B", bad)
    assert csv.value.report.errors and all(p.code for p in csv.value.report.errors)
    assert db.learners("0331234B") == []
    with pytest.raises(inscrire.ImportRefused) as missing:
        db.import_roster("0331234B", tmp_path / "no-such-file.xml")
    assert missing.value.code == "INVALID_FILE"


def test_not_found(school, campaign):
    cases = [
        (lambda: school.learners("0999999Z"), "ORGANIZATION_NOT_FOUND"),
        (lambda: school.find_campaign("ZZZZZZ999"), "CAMPAIGN_NOT_FOUND"),
        (lambda: school.reset_password(UAI, "nobody.here0101"), "USER_NOT_FOUND"),
        (lambda: school.export_learner(UAI, "000000000XX"), "LEARNER_NOT_FOUND"),
    ]
    for call, code in cases:
        with pytest.raises(inscrire.NotFound) as error:
            call()
        assert error.value.code == code
        assert isinstance(error.value, LookupError)


def test_conflicts(school, campaign, roster):
    with pytest.raises(inscrire.AlreadyExists) as exists:
        school.create_organization(UAI, "Encore")
    assert exists.value.code == "ORGANIZATION_EXISTS"
    # Allan registers, then leaves the school: joining another campaign is a conflict.
    registration = school.register(campaign.code, "Allan", "Poe", "01/03/2014", PASSWORD)
    session = school.login(registration.username, PASSWORD).session_token
    data = roster.read_bytes()
    start = data.index(b"<ID_NATIONAL>552340183SS</ID_NATIONAL>")
    end = data.index(b"</ELEVE>", start)
    block = data[start:end].replace(b"<DATE_SORTIE/>", b"<DATE_SORTIE>01/09/2024</DATE_SORTIE>")
    roster.write_bytes(data[:start] + block + data[end:])
    assert school.import_roster(UAI, roster).disabled == 1
    other = school.create_campaign(UAI, "Pix collège")
    with pytest.raises(inscrire.Conflict) as disabled:
        school.join_campaign(session, other.code)
    assert disabled.value.code == "LEARNER_DISABLED"


def test_match_refusals(school, campaign):
    with pytest.raises(inscrire.NoMatch) as nobody:
        school.register(campaign.code, "Zorro", "Poe", "01/03/2014", PASSWORD)
    assert nobody.value.code == "NO_NAME_MATCH" and nobody.value.username_hint is None
    assert isinstance(nobody.value, LookupError) and isinstance(nobody.value, inscrire.MatchRefused)
    with pytest.raises(inscrire.NoMatch) as date:
        school.register(campaign.code, "Allan", "Poe", "02/03/2014", PASSWORD)
    assert date.value.code == "NO_LEARNER_FOR_BIRTHDATE"
    with pytest.raises(inscrire.AmbiguousMatch) as vague:
        school.register(campaign.code, "Alan", "Poe", "01/03/2014", PASSWORD)
    assert vague.value.code == "AMBIGUOUS_MATCH"


def test_authentication_errors(school, campaign):
    name = school.register(campaign.code, "Allan", "Poe", "01/03/2014", PASSWORD).username
    with pytest.raises(inscrire.AuthenticationError) as wrong:
        school.login(name, "Wrong12345")
    assert wrong.value.code == "INVALID_CREDENTIALS" and isinstance(wrong.value, PermissionError)
    assert wrong.value.retry_after is None
    with pytest.raises(inscrire.AuthenticationError) as unknown:
        school.login("nobody.here0101", "Wrong12345")
    assert unknown.value.code == "INVALID_CREDENTIALS"  # no user enumeration
    with pytest.raises(inscrire.AuthenticationError) as token:
        school.change_password_with_token("not-a-token", "Hibiscus77")
    assert token.value.code == "INVALID_TOKEN"
    with pytest.raises(inscrire.AuthenticationError):
        school.join_campaign("not-a-session", campaign.code)


def test_remaining_attempts_and_blocks(tmp_path, roster):
    now = [1_700_000_000]
    # 10 failures per temporary block, permanent block at 15: the count of attempts left
    # (before the permanent block) is given once 10 or fewer remain.
    with inscrire.open(tmp_path / "s.db", clock=lambda: now[0], login_failures_per_block=10,
                       login_permanent_block_failures=15, **FAST) as db:
        db.create_organization(UAI, SCHOOL)
        db.import_roster(UAI, roster)
        code = db.create_campaign(UAI, "Pix", division="5A").code
        name = db.register(code, "Allan", "Poe", "01/03/2014", PASSWORD).username
        seen = []
        with pytest.raises(inscrire.AccountBlocked) as blocked:
            for _ in range(20):
                try:
                    db.login(name, "Wrong12345")
                except inscrire.AccountBlocked:
                    raise
                except inscrire.AuthenticationError as error:
                    seen.append(error.remaining_attempts)
        assert blocked.value.code == "ACCOUNT_TEMPORARILY_BLOCKED"
        assert blocked.value.retry_after == 120
        counted = [n for n in seen if n is not None]
        assert seen[0] is None and counted
        assert counted == list(range(counted[0], counted[0] - len(counted), -1))
        assert counted[0] <= 10
        now[0] += 121
        assert db.login(name, PASSWORD).status is inscrire.LoginStatus.SUCCESS


def test_too_many_attempts(tmp_path):
    with inscrire.open(tmp_path / "s.db", throttle_max_failures=3, **FAST) as db:
        for _ in range(3):
            with pytest.raises(inscrire.NotFound):
                db.find_campaign("ZZZZZZ999", client_key="203.0.113.9")
        with pytest.raises(inscrire.TooManyAttempts) as throttled:
            db.find_campaign("ZZZZZZ999", client_key="203.0.113.9")
        assert throttled.value.code == "TOO_MANY_ATTEMPTS"
        assert throttled.value.retry_after > 0
        with pytest.raises(inscrire.NotFound):  # another client is not affected
            db.find_campaign("ZZZZZZ999", client_key="203.0.113.10")


def test_failed_logins_are_throttled_per_client_key_across_usernames(tmp_path):
    with inscrire.open(tmp_path / "s.db", login_throttle_max_failures=2,
                       login_throttle_window_seconds=60, **FAST) as db:
        for name in ("walk.one0101", "walk.two0101"):
            with pytest.raises(inscrire.AuthenticationError):
                db.login(name, PASSWORD, client_key="203.0.113.9")
        with pytest.raises(inscrire.TooManyAttempts) as throttled:
            db.login("walk.six0101", PASSWORD, client_key="203.0.113.9")
        assert 0 < throttled.value.retry_after <= 61  # the oldest leaves after 60 s + 1
        with pytest.raises(inscrire.AuthenticationError):  # another client is not affected
            db.login("walk.six0101", PASSWORD, client_key="203.0.113.10")


def test_database_errors(tmp_path):
    with pytest.raises(inscrire.DatabaseError) as missing_dir:
        inscrire.open(tmp_path / "no" / "such" / "dir.db")
    assert missing_dir.value.code == "DATABASE_ERROR" and isinstance(missing_dir.value, OSError)
    path = tmp_path / "future.db"
    inscrire.open(path, **FAST).close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 9999")
    connection.commit()
    connection.close()
    with pytest.raises(inscrire.DatabaseError) as too_new:
        inscrire.open(path, **FAST)
    assert too_new.value.code == "SCHEMA_TOO_NEW"
    assert str(too_new.value).startswith("SCHEMA_TOO_NEW: ")


def test_internal_error_class():
    error = inscrire._make_error("INTERNAL_ERROR", "boom", "Erreur interne. boom", "Internal error. boom", {})
    assert type(error) is inscrire.InternalError and isinstance(error, RuntimeError)
    assert error.detail == "boom"
