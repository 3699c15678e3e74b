"""Database handles: context manager, close, options, callbacks (progress, clock) and their
errors."""

import os

import pytest

import inscrire
from conftest import FAST, SCHOOL, UAI


def test_context_manager_closes(tmp_path):
    with inscrire.open(tmp_path / "a.db", **FAST) as db:
        assert not db.closed
        db.create_organization(UAI, SCHOOL)
        assert "open" in repr(db)
    assert db.closed and "closed" in repr(db)
    with pytest.raises(ValueError):
        db.organizations()
    with pytest.raises(ValueError):
        db.create_organization("0331234B", "Autre")
    with pytest.raises(ValueError):
        with db:
            pass
    db.close()  # idempotent
    with inscrire.open(tmp_path / "a.db", **FAST) as again:  # the data was committed
        assert [o.uai for o in again.organizations()] == [UAI]


def test_context_manager_closes_on_error(tmp_path):
    with pytest.raises(inscrire.NotFound):
        with inscrire.open(tmp_path / "a.db", **FAST) as db:
            db.learners(UAI)
    assert db.closed


def test_bad_options(tmp_path):
    with pytest.raises(ValueError):
        inscrire.open(tmp_path / "a.db", username_policy="alphabetical")
    with pytest.raises(TypeError):
        inscrire.open(tmp_path / "a.db", clock=42)
    with pytest.raises(TypeError):
        inscrire.open(42)


def test_native_options_are_keywords_only(tmp_path):
    """inscrire._native.Database takes its options by name only: two swapped ints are refused
    rather than read as each other."""
    path = os.fsencode(tmp_path / "a.db")
    with pytest.raises(TypeError):
        inscrire._native.Database(path, "random", 1024, 1)  # options by position
    with pytest.raises(TypeError):
        inscrire._native.Database(path, hash_memory_kb=1024)  # not an option
    with pytest.raises(TypeError):
        inscrire.open(tmp_path / "a.db", "random")
    with pytest.raises(TypeError):
        inscrire.open(tmp_path / "a.db", hash_memory_kb=1024)
    native = inscrire._native.Database(path, username_policy="sequential", **FAST)
    assert native.path == os.fsdecode(path)
    native.close()


def test_sequential_policy(tmp_path, roster):
    with inscrire.open(tmp_path / "a.db", username_policy="sequential", **FAST) as db:
        db.create_organization(UAI, SCHOOL)
        db.import_roster(UAI, roster)
        code = db.create_campaign(UAI, "Pix", division="5A").code
        first = db.register(code, "Léa", "Martin", "12/05/2013", "Tournesol42").username
        second = db.register(code, "Léa", "Martin", "12/05/2014", "Tournesol42").username
        assert (first, second) == ("lea.martin1205", "lea.martin1206")


def test_progress_exception_aborts_the_import(db, roster):
    db.create_organization(UAI, SCHOOL)

    class Stop(Exception):
        pass

    def progress(done, total):
        raise Stop(done)

    with pytest.raises(Stop):
        db.import_roster(UAI, roster, progress=progress)
    assert db.learners(UAI) == []
    with pytest.raises(TypeError):
        db.import_roster(UAI, roster, progress="not callable")
    assert db.import_roster(UAI, roster).created > 0  # the handle still works


def test_callbacks_cannot_reenter_their_database(db, roster, tmp_path):
    db.create_organization(UAI, SCHOOL)
    with pytest.raises(RuntimeError, match="re-entrant"):
        db.import_roster(UAI, roster, progress=lambda done, total: db.organizations())
    with pytest.raises(RuntimeError, match="re-entrant"):
        db.import_roster(UAI, roster, progress=lambda done, total: db.close())
    assert not db.closed
    with inscrire.open(tmp_path / "other.db", **FAST) as other:  # another handle is fine
        seen = []
        db.import_roster(UAI, roster, progress=lambda done, total: seen.append(other.organizations()))
        assert seen and seen[0] == []


def test_clock_controls_time(tmp_path, roster):
    now = [1_700_000_000]
    calls = []

    def clock():
        calls.append(now[0])
        return now[0]

    with inscrire.open(tmp_path / "a.db", clock=clock, **FAST) as db:
        db.create_organization(UAI, SCHOOL)
        db.import_roster(UAI, roster)
        code = db.create_campaign(UAI, "Pix", division="5A").code
        name = db.register(code, "Allan", "Poe", "01/03/2014", "Tournesol42").username
        temporary = db.reset_password(UAI, name)
        token = db.login(name, temporary).change_token
        now[0] += 2 * 3600  # the one-hour token expired
        with pytest.raises(inscrire.AuthenticationError) as expired:
            db.change_password_with_token(token, "Hibiscus77")
        assert expired.value.code == "INVALID_TOKEN"
    assert calls


def test_clock_exception_propagates(tmp_path):
    def clock():
        raise ZeroDivisionError("no time")

    with inscrire.open(tmp_path / "a.db", clock=clock, throttle_max_failures=3, **FAST) as db:
        with pytest.raises(ZeroDivisionError):
            db.find_campaign("ZZZZZZ999", client_key="k")
        assert db.organizations() == []  # still usable
