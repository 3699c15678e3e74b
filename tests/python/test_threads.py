"""One Database shared by threads: the GIL is released around core calls, and close() waits
for the calls in flight."""

import threading
import time

import pytest

import inscrire
from conftest import FAST, PASSWORD, SCHOOL, UAI


def distinct_pupils(db, code, count):
    """`count` learners of the campaign's class that each match exactly."""
    pupils = []
    for learner in db.learners(UAI, "5A"):
        if db.match(code, learner.first_name, learner.last_name, learner.birthdate).matched:
            pupils.append(learner)
        if len(pupils) == count:
            return pupils
    raise AssertionError("not enough distinct pupils in 5A")


def test_eight_threads_register_different_pupils(school, campaign):
    pupils = distinct_pupils(school, campaign.code, 8)
    barrier = threading.Barrier(len(pupils))
    results, failures = {}, []

    def register(learner):
        try:
            barrier.wait()
            registration = school.register(campaign.code, learner.first_name, learner.last_name,
                                           learner.birthdate, PASSWORD)
            results[learner.ine] = registration.username
            assert school.login(registration.username, PASSWORD).status is inscrire.LoginStatus.SUCCESS
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=register, args=(pupil,)) for pupil in pupils]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(set(results.values())) == len(pupils)
    by_ine = {learner.ine: learner.username for learner in school.learners(UAI, "5A")}
    for ine, username in results.items():
        assert by_ine[ine] == username
    assert len(school.not_joined(campaign.code)) == len(by_ine) - len(pupils)


def test_concurrent_reads_and_refusals(school, campaign):
    errors = []

    def work(index):
        try:
            for _ in range(20):
                assert school.learners(UAI, "5A")
                assert school.find_campaign(campaign.code) == campaign
                with pytest.raises(inscrire.NotFound):
                    school.find_campaign("ZZZZZZ999")
                assert inscrire.normalize(f"Élève {index}") == f"eleve{index}"
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.fixture
def slow_school(tmp_path, roster):
    """Expensive Argon2 parameters: one registration takes a sizeable fraction of a second."""
    with inscrire.open(tmp_path / "slow.db", hash_memory_kib=65536, hash_iterations=4) as db:
        db.create_organization(UAI, SCHOOL)
        db.import_roster(UAI, roster)
        yield db, db.create_campaign(UAI, "Pix 5A", division="5A")


def test_other_threads_run_during_a_slow_call(slow_school):
    db, campaign = slow_school
    span = {}

    def slow():
        span["start"] = time.perf_counter()
        db.register(campaign.code, "Allan", "Poe", "01/03/2014", PASSWORD)
        span["end"] = time.perf_counter()

    worker = threading.Thread(target=slow)
    ticks = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
        sum(range(200))  # pure Python work: needs the GIL
    worker.join()
    duration = span["end"] - span["start"]
    inside = [t for t in ticks if span["start"] <= t <= span["end"]]
    assert duration > 0.1
    # Had the call kept the GIL, this thread would have been frozen for the whole call.
    assert len(inside) > 100
    gaps = [b - a for a, b in zip(inside, inside[1:])]
    assert max(gaps) < duration / 2


def test_close_waits_for_calls_in_flight(slow_school):
    db, campaign = slow_school
    started, outcome = threading.Event(), {}

    def slow():
        started.set()
        try:
            outcome["registration"] = db.register(campaign.code, "Alian", "Poe", "01/03/2014", PASSWORD)
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=slow)
    worker.start()
    started.wait()
    time.sleep(0.05)
    db.close()  # waits for the registration, then releases the handle
    worker.join()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["registration"].username == "alian.poe0103"
    assert db.closed
    with pytest.raises(ValueError):
        db.learners(UAI)


def test_close_from_many_threads_is_safe(tmp_path):
    db = inscrire.open(tmp_path / "c.db", **FAST)
    db.create_organization(UAI, SCHOOL)
    errors = []

    def use():
        for _ in range(50):
            try:
                db.organizations()
            except ValueError:
                return  # closed meanwhile
            except BaseException as error:
                errors.append(error)
                return

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    db.close()
    db.close()
    for thread in threads:
        thread.join()
    assert errors == []
