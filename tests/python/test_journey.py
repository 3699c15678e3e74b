"""The pupil's and the school's journey after registration (issue 13), through the Python API:
sessions that end, participation steps, the teacher's participant list, the admin learner list
with account states and paging, look-ups, dissociation, bulk credentials that leave registered
pupils alone, temporary passwords that expire, campaign corrections."""

import dataclasses
import datetime
import pathlib
import re

import pytest

import inscrire
from conftest import FAST, PASSWORD, SCHOOL, UAI

START = 1_750_000_000
DAY = 24 * 3600
ALLAN_INE = "552340183SS"
NEW_PASSWORD = "Girouette77"
UTC = datetime.timezone.utc


def at(seconds):
    return datetime.datetime.fromtimestamp(seconds, tz=UTC)


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def open_school(path, roster, clock, **options):
    db = inscrire.open(path, clock=clock, **FAST, **options)
    db.create_organization(UAI, SCHOOL)
    db.import_roster(UAI, roster)
    return db


@pytest.fixture
def journey(tmp_path, roster, clock):
    """The sample school on a controlled clock, with campaign "Pix 5A"; yields (db, code)."""
    with open_school(tmp_path / "journey.db", roster, clock) as db:
        yield db, db.create_campaign(UAI, "Pix 5A", division="5A").code


def enrol_allan(db, code, password=PASSWORD):
    return db.register(code, "Allan", "POE", "01/03/2014", password).username


def session_of(db, username, password=PASSWORD):
    result = db.login(username, password)
    assert result.status is inscrire.LoginStatus.SUCCESS
    return result.session_token


def refused(call, *args):
    with pytest.raises(inscrire.Error) as error:
        call(*args)
    return error.value


def allan_row(rows):
    found = [row for row in rows if (row.last_name, row.first_name) == ("POE", "Allan")]
    assert len(found) == 1
    return found[0]


# --- Sessions


def test_authenticate_names_the_account_its_learners_and_the_expiry(journey):
    db, code = journey
    username = enrol_allan(db, code)
    session = db.authenticate(session_of(db, username))
    assert isinstance(session, inscrire.Session)
    assert session.username == username
    assert session.expires_at == at(START + 8 * 3600)
    assert session.expires_at.tzinfo is not None
    assert session.learners == (inscrire.SessionLearner(
        uai=UAI, school=SCHOOL, division="5A", first_name="Allan", last_name="POE"),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.username = "someone.else0101"  # type: ignore[misc]


def test_after_logout_the_old_session_is_refused(journey):
    db, code = journey
    username = enrol_allan(db, code)
    token = session_of(db, username)
    other = session_of(db, username)
    assert db.logout(token) is None
    for call in (db.authenticate, db.logout, db.participations):
        error = refused(call, token)
        assert isinstance(error, inscrire.AuthenticationError)
        assert isinstance(error, PermissionError)
        assert error.code == "SESSION_INVALID"
    assert refused(db.join_campaign, token, code).code == "SESSION_INVALID"
    assert db.authenticate(other).username == username  # the other device stays
    for bad in ("not-a-token", ""):
        assert refused(db.authenticate, bad).code == "SESSION_INVALID"
    assert refused(db.authenticate, "\ud800").code == "INVALID_UTF8"


def test_a_password_change_or_reset_ends_every_session(journey):
    db, code = journey
    username = enrol_allan(db, code)
    first, second = session_of(db, username), session_of(db, username)
    db.change_password(username, PASSWORD, NEW_PASSWORD)
    for token in (first, second):
        assert refused(db.authenticate, token).code == "SESSION_INVALID"
    assert refused(db.join_campaign, first, code).code == "SESSION_INVALID"
    third = session_of(db, username, NEW_PASSWORD)
    assert db.authenticate(third).username == username
    db.reset_password(UAI, username)
    assert refused(db.authenticate, third).code == "SESSION_INVALID"


def test_sessions_end_by_themselves_at_the_configured_lifetime(tmp_path, roster, clock):
    with open_school(tmp_path / "short.db", roster, clock, session_seconds=60) as db:
        code = db.create_campaign(UAI, "Pix 5A", division="5A").code
        token = session_of(db, enrol_allan(db, code))
        clock.now += 59
        assert db.authenticate(token).expires_at == at(START + 60)
        clock.now += 1
        assert refused(db.authenticate, token).code == "SESSION_INVALID"


def test_the_temporary_password_lifetime_is_an_option(tmp_path, roster, clock):
    with open_school(tmp_path / "temp.db", roster, clock, temporary_password_days=1) as db:
        username = enrol_allan(db, db.create_campaign(UAI, "Pix 5A", division="5A").code)
        temporary = db.reset_password(UAI, username)
        expires = db.account(username).account.temporary_expires_at
        assert expires == at(START + DAY)
        clock.now += DAY - 1
        assert db.login(username, temporary).password_change_required
        clock.now += 1
        error = refused(db.login, username, temporary)
        assert isinstance(error, inscrire.AuthenticationError)
        assert error.code == "TEMPORARY_PASSWORD_EXPIRED"
        assert refused(db.login, username, "Wrong1234x").code == "INVALID_CREDENTIALS"
    for days in (0, -1, 366, 2**70):
        with pytest.raises(inscrire.InvalidInput) as invalid:
            inscrire.open(tmp_path / f"bad{days}.db", temporary_password_days=days)
        assert invalid.value.code == "INVALID_ARGUMENT"
        assert not (tmp_path / f"bad{days}.db").exists()
    with pytest.raises(inscrire.InvalidInput):
        inscrire.open(tmp_path / "bad-session.db", session_seconds=0)


def test_login_records_the_last_login_time(journey, clock):
    db, code = journey
    username = enrol_allan(db, code)
    assert db.account(username).account.last_login_at is None
    clock.now += 100
    session_of(db, username)
    assert db.account(username).account.last_login_at == at(START + 100)


# --- Participations


def test_a_participation_moves_started_to_share_shared_never_back(journey, clock):
    db, code = journey
    token = session_of(db, enrol_allan(db, code))
    (mine,) = db.participations(token)
    assert mine == inscrire.Participation(
        code=code, campaign="Pix 5A", uai=UAI, school=SCHOOL,
        status=inscrire.ParticipationStatus.STARTED, started_at=at(START))
    assert mine.status == "STARTED" and mine.completed_at is None and mine.shared_at is None

    error = refused(db.share_participation, token, code)
    assert isinstance(error, inscrire.Conflict) and error.code == "INVALID_PARTICIPATION_STATUS"
    clock.now += 10
    completed = db.complete_participation(token, code)
    assert completed.status is inscrire.ParticipationStatus.TO_SHARE
    assert completed.completed_at == at(START + 10)
    assert refused(db.complete_participation, token, code).code == "INVALID_PARTICIPATION_STATUS"
    clock.now += 10
    shared = db.share_participation(token, code)
    assert shared.status is inscrire.ParticipationStatus.SHARED
    assert (shared.completed_at, shared.shared_at) == (at(START + 10), at(START + 20))
    for step in (db.complete_participation, db.share_participation):
        assert refused(step, token, code).code == "INVALID_PARTICIPATION_STATUS"
    assert db.join_campaign(token, code).participation_status == "SHARED"
    assert [p.status for p in db.participations(token)] == [inscrire.ParticipationStatus.SHARED]
    with pytest.raises(dataclasses.FrozenInstanceError):
        shared.status = inscrire.ParticipationStatus.STARTED  # type: ignore[misc]


def test_steps_need_a_participation_and_an_open_campaign(journey):
    db, code = journey
    token = session_of(db, enrol_allan(db, code))
    other = db.create_campaign(UAI, "Pix 4B", division="4B").code
    error = refused(db.complete_participation, token, other)
    assert isinstance(error, inscrire.NotFound) and error.code == "PARTICIPATION_NOT_FOUND"
    assert refused(db.complete_participation, token, "ZZZZZZ999").code == "CAMPAIGN_NOT_FOUND"
    assert refused(db.complete_participation, "nope", code).code == "SESSION_INVALID"
    db.archive_campaign(code)
    error = refused(db.complete_participation, token, code)
    assert isinstance(error, inscrire.CampaignClosed) and error.code == "CAMPAIGN_ARCHIVED"
    assert db.unarchive_campaign(code).status == "active"
    assert db.complete_participation(token, code).status == "TO_SHARE"


def test_the_participant_list_moves_from_not_joined_to_shared(journey, clock):
    db, code = journey
    rows = db.campaign_participants(code)
    assert len(rows) == 17
    assert {row.status for row in rows} == {inscrire.ParticipationStatus.NOT_JOINED}
    assert rows == sorted(rows, key=lambda r: (r.division, r.last_name, r.first_name))
    assert allan_row(rows).username is None and allan_row(rows).started_at is None

    username = enrol_allan(db, code)
    token = session_of(db, username)
    allan = allan_row(db.campaign_participants(code))
    assert (allan.status, allan.username, allan.started_at) == ("STARTED", username, at(START))
    clock.now += 60
    db.complete_participation(token, code)
    allan = allan_row(db.campaign_participants(code))
    assert allan.status is inscrire.ParticipationStatus.TO_SHARE
    assert allan.completed_at == at(START + 60)
    clock.now += 60
    db.share_participation(token, code)
    rows = db.campaign_participants(code)
    assert allan_row(rows).status is inscrire.ParticipationStatus.SHARED
    assert allan_row(rows).shared_at == at(START + 120)
    assert sum(row.status == "NOT_JOINED" for row in rows) == 16

    csv = db.participants_csv(code.lower())
    lines = csv.split("\r\n")
    assert lines[0] == "\ufeffClasse;Nom;Prénom;Identifiant;Statut;Commencé le;Partagé le;Hors classe"
    assert f"5A;POE;Allan;{username};SHARED;2025-06-15T15:06:40Z;2025-06-15T15:08:40Z;" in lines
    assert len([line for line in lines if line]) == 18
    for call in (db.campaign_participants, db.participants_csv):
        error = refused(call, "ZZZZZZ999")
        assert isinstance(error, inscrire.NotFound) and error.code == "CAMPAIGN_NOT_FOUND"


# --- The admin list and look-ups


def test_the_learner_list_shows_each_account_state(journey, clock):
    db, code = journey
    allan = enrol_allan(db, code)
    ewen = db.register(code, "Ewen", "André", "15/09/2014", PASSWORD).username
    jeanmarc = db.register(code, "Jean-Marc", "D'Artagnan", "01/03/2014", PASSWORD).username
    db.reset_password(UAI, jeanmarc)
    for _ in range(10):
        with pytest.raises(inscrire.AuthenticationError):
            db.login(ewen, "Wrong1234x")
    token = session_of(db, allan)
    db.join_campaign(token, db.create_campaign(UAI, "Pix collège").code)

    rows = db.learners(UAI, "5A", limit=1000)
    assert len(rows) == 17
    assert rows == sorted(rows, key=lambda r: (r.last_name, r.first_name, r.ine))
    poe = allan_row(rows)
    assert poe.state is inscrire.LearnerState.ACTIVE and poe.username == allan
    assert poe.account == inscrire.Account(username=allan, last_login_at=at(START),
                                           participations=2)
    by_name = {row.last_name: row for row in rows if row.last_name != "POE"}
    assert by_name["ANDRÉ"].state is inscrire.LearnerState.BLOCKED
    assert by_name["ANDRÉ"].account.blocked == "temporary"
    assert by_name["ANDRÉ"].account.blocked_until > at(START)
    assert by_name["ANDRÉ"].account.failed_attempts == 10
    assert by_name["D'ARTAGNAN"].state == "must_change_password"
    assert by_name["D'ARTAGNAN"].account.must_change_password
    assert by_name["D'ARTAGNAN"].account.temporary_expires_at == at(START + 30 * DAY)

    def count(state):
        found = db.learners(UAI, "5A", state=state)
        assert all(row.state == state for row in found)
        return len(found)

    assert count(inscrire.LearnerState.ACTIVE) == 1
    assert count("blocked") == 1
    assert count(inscrire.LearnerState.MUST_CHANGE_PASSWORD) == 1
    assert count("no_account") == 14
    assert count("disabled") == 0
    clock.now += 3600  # the temporary block ends: the state follows the clock
    assert count("blocked") == 0 and count("active") == 2

    # The roster listing is unchanged: every row, no account state.
    plain = db.learners(UAI, "5A")
    assert len(plain) == 17 and all(row.state is None and row.account is None for row in plain)
    assert sorted(plain, key=lambda r: r.ine) == sorted(rows, key=lambda r: r.ine)


def test_the_learner_list_is_paged_with_checked_bounds(journey):
    db, _ = journey
    db.anonymize_learner(UAI, ALLAN_INE)  # a disabled row
    everybody = db.learners(UAI, limit=1000)
    assert len(everybody) == len(db.learners(UAI, include_disabled=True)) > 300
    assert len(everybody) == len(db.learners(UAI)) + 1
    (disabled,) = db.learners(UAI, state="disabled")
    assert disabled.disabled and disabled.state is inscrire.LearnerState.DISABLED
    assert len(db.learners(UAI, offset=0)) == 100  # the default page
    paged = []
    offset = 0
    while True:
        page = db.learners(UAI, limit=7, offset=offset)
        paged += [row.ine for row in page]
        if len(page) < 7:
            break
        offset += 7
    assert paged == [row.ine for row in everybody]

    for limit, offset in ((0, 0), (-1, 0), (1001, 0), (10, -1), (10, 10_000_001), (2**70, 0)):
        error = refused(lambda: db.learners(UAI, limit=limit, offset=offset))
        assert isinstance(error, inscrire.InvalidInput) and error.code == "INVALID_ARGUMENT"
    error = refused(lambda: db.learners(UAI, state="asleep"))
    assert isinstance(error, inscrire.InvalidInput) and error.code == "INVALID_ARGUMENT"
    for wrong in ({"limit": 1.5}, {"limit": True}, {"offset": "3"}, {"state": 3}):
        with pytest.raises(TypeError):
            db.learners(UAI, **wrong)
    assert refused(lambda: db.learners("0999999Z", limit=10)).code == "ORGANIZATION_NOT_FOUND"


def test_one_learner_and_one_account_look_ups(journey):
    db, code = journey
    before = db.learner(UAI, ALLAN_INE)
    assert before.state is inscrire.LearnerState.NO_ACCOUNT and before.account is None
    username = enrol_allan(db, code)
    view = db.learner(UAI, " 552340183ss ")
    assert view.ine == ALLAN_INE and view.birthdate == datetime.date(2014, 3, 1)
    assert view.state is inscrire.LearnerState.ACTIVE
    assert view.account.username == username and view.account.participations == 1
    assert dataclasses.replace(view, username=None) == before  # state and account not compared

    details = db.account(username)
    assert isinstance(details, inscrire.AccountDetails)
    assert details.account.username == username and details.account.blocked is None
    assert len(details.learners) == 1
    link = details.learners[0]
    assert (link.uai, link.school, link.learner.ine) == (UAI, SCHOOL, ALLAN_INE)
    error = refused(db.account, "nobody.here0101")
    assert isinstance(error, inscrire.NotFound) and error.code == "USER_NOT_FOUND"
    assert refused(db.learner, UAI, "999999999ZZ").code == "LEARNER_NOT_FOUND"
    with pytest.raises(dataclasses.FrozenInstanceError):
        details.account.participations = 0  # type: ignore[misc]


# --- Dissociation


def test_a_dissociated_learner_registers_again_and_the_old_account_keeps_its_participations(
        journey):
    db, code = journey
    old_username = enrol_allan(db, code)
    old_session = session_of(db, old_username)
    db.complete_participation(old_session, code)
    assert db.dissociate(UAI, ALLAN_INE, actor="mme.dupont") is None

    assert db.learner(UAI, ALLAN_INE).state is inscrire.LearnerState.NO_ACCOUNT
    error = refused(db.dissociate, UAI, ALLAN_INE)
    assert isinstance(error, inscrire.NotFound) and error.code == "LEARNER_NOT_LINKED"
    (kept,) = db.participations(old_session)
    assert kept.status is inscrire.ParticipationStatus.TO_SHARE
    assert db.authenticate(old_session).learners == ()
    assert allan_row(db.campaign_participants(code)).status == "NOT_JOINED"

    again = db.register(code, "Allan", "POE", "01/03/2014", NEW_PASSWORD)
    assert again.username != old_username and again.username.startswith("allan.poe")
    assert again.participation_status == "STARTED"
    new_session = session_of(db, again.username, NEW_PASSWORD)
    assert [p.status for p in db.participations(new_session)] == ["STARTED"]
    assert [p.status for p in db.participations(old_session)] == ["TO_SHARE"]
    assert db.account(old_username).account.participations == 1
    assert db.account(old_username).learners == ()
    assert allan_row(db.campaign_participants(code)).username == again.username
    db.share_participation(old_session, code)
    assert [p.status for p in db.participations(new_session)] == ["STARTED"]
    assert refused(db.dissociate, UAI, "999999999ZZ").code == "LEARNER_NOT_FOUND"


# --- Bulk credentials


def test_a_registered_pupil_still_logs_in_after_the_class_credentials(journey):
    db, code = journey
    username = enrol_allan(db, code)
    credentials = db.generate_credentials(UAI, "5A")
    assert credentials.report == inscrire.CredentialReport(created=16, reset=0, unchanged=1)
    assert len(credentials) == 17
    (allan,) = [row for row in credentials if row.username == username]
    assert allan.temporary_password is None
    assert db.login(username, PASSWORD).status is inscrire.LoginStatus.SUCCESS
    assert f"5A;POE;Allan;{username};\r\n" in credentials.csv()
    for row in credentials:
        if row.temporary_password is not None:
            assert db.login(row.username, row.temporary_password).password_change_required
    second = db.generate_credentials(UAI, "5A")
    assert second.report == inscrire.CredentialReport(created=0, reset=0, unchanged=17)
    assert all(row.temporary_password is None for row in second)
    with pytest.raises(dataclasses.FrozenInstanceError):
        second.report.created = 1  # type: ignore[misc]


def test_resetting_existing_accounts_is_an_explicit_choice(journey):
    db, code = journey
    username = enrol_allan(db, code)
    session = session_of(db, username)
    db.generate_credentials(UAI, "5A")

    one = db.generate_credentials(UAI, "5A", ines=[" 552340183ss"])
    assert one.report == inscrire.CredentialReport(created=0, reset=1, unchanged=16)
    (row,) = [row for row in one if row.temporary_password is not None]
    assert row.username == username
    assert refused(db.login, username, PASSWORD).code == "INVALID_CREDENTIALS"
    assert refused(db.authenticate, session).code == "SESSION_INVALID"
    assert db.login(username, row.temporary_password).password_change_required

    everybody = db.generate_credentials(UAI, "5A", reset_existing=True)
    assert everybody.report.reset == 17
    assert all(row.temporary_password for row in everybody)
    assert db.generate_credentials(UAI, "5A", ines=(r for r in [ALLAN_INE])).report.reset == 1

    error = refused(lambda: db.generate_credentials(UAI, "5A", ines=["999999999ZZ"]))
    assert isinstance(error, inscrire.NotFound) and error.code == "LEARNER_NOT_FOUND"
    error = refused(lambda: db.generate_credentials(UAI, "5A", ines=["not an INE"]))
    assert isinstance(error, inscrire.InvalidInput) and error.code == "INVALID_VALUE"
    error = refused(lambda: db.generate_credentials(UAI, "5A", ines=["\udc80"]))
    assert error.code == "INVALID_UTF8"
    with pytest.raises(TypeError):
        db.generate_credentials(UAI, "5A", ines=ALLAN_INE)


# --- Campaigns


def test_campaigns_unarchive_and_delete_only_when_nobody_joined(journey):
    db, code = journey
    empty = db.create_campaign(UAI, "Pix vide").code
    assert db.archive_campaign(empty).status == "archived"
    assert db.unarchive_campaign(empty).status == "active"
    assert db.unarchive_campaign(empty).status == "active"  # an active campaign stays so
    assert db.find_campaign(empty).code == empty
    assert db.delete_campaign(empty, actor="mme.dupont") is None
    for call in (db.find_campaign, db.unarchive_campaign, db.delete_campaign):
        error = refused(call, empty)
        assert isinstance(error, inscrire.CampaignClosed) and error.code == "CAMPAIGN_DELETED"

    enrol_allan(db, code)
    error = refused(db.delete_campaign, code)
    assert isinstance(error, inscrire.Conflict) and error.code == "CAMPAIGN_HAS_PARTICIPATIONS"
    assert db.find_campaign(code).status == "active"
    assert refused(db.delete_campaign, "ZZZZZZ999").code == "CAMPAIGN_NOT_FOUND"


# --- Documentation


def test_the_method_table_of_docs_python_md_lists_every_database_method():
    doc = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "python.md").read_text(
        encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)\(", doc, flags=re.MULTILINE))
    public = {name for name in vars(inscrire.Database) if not name.startswith("_")}
    properties = {name for name in public if isinstance(vars(inscrire.Database)[name], property)}
    assert public - properties - {"close"} <= documented
    assert documented - {"open"} <= public


def test_the_after_registration_example_of_docs_python_md(journey):
    doc = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "python.md").read_text(
        encoding="utf-8")
    section = doc.split("## Example: after registration", 1)[1]
    namespace = {}
    exec(re.search(r"```python\n(.*?)```", section, re.S).group(1), namespace)
    db, code = journey
    username = enrol_allan(db, code)
    token = session_of(db, username)
    assert namespace["pupil_home"](db, token) == (username, [(code, "Pix 5A", "STARTED")])
    assert namespace["teacher_summary"](db, code) == {
        "NOT_JOINED": 16, "STARTED": 1, "TO_SHARE": 0, "SHARED": 0}
    assert namespace["finish_and_send"](db, token, code).shared_at is not None
    assert namespace["teacher_summary"](db, code)["SHARED"] == 1
    db.logout(token)
    assert namespace["pupil_home"](db, token) is None
