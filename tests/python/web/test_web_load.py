"""A class registering at once: threads, each a separate browser (its own cookies), register
every pupil of a class through HTTP against one server process with several waitress threads
(one Database shared by the threads, docs/python.md "Threads"). Every pupil gets an account,
all usernames are distinct and are the ones the pages showed."""

import collections
import queue
import re
import threading
import time

import pytest

import inscrire
from webtest import UAI, HttpClient, make_roster, prepare_school

PASSWORD = "Tournesol42"
CLIENTS = 8


@pytest.fixture(scope="module")
def class_campaign(server, tmp_path_factory):
    roster = make_roster(tmp_path_factory.mktemp("big") / "roster.xml", pupils=400, seed=11)
    with inscrire.open(roster.with_name("probe.db")) as probe:
        probe.create_organization(UAI, "probe")
        probe.import_roster(UAI, roster)
        sizes = collections.Counter(l.division for l in probe.learners(UAI) if l.division)
    division = sizes.most_common(1)[0][0]
    return division, prepare_school(server.db_path, roster, division)


def pupils_who_match(db_path, code, division):
    """The class's pupils whose typed identity finds them alone (homonyms born the same day,
    if any, would be AMBIGUOUS_MATCH: a teacher's case, not this test's)."""
    with inscrire.open(db_path) as db:
        return [l for l in db.learners(UAI, division)
                if db.match(code, l.first_name, l.last_name, l.birthdate).matched]


def register_through_pages(base_url, code, learner):
    client = HttpClient(base_url)
    status, _, body = client.request(f"/c/{code}")
    assert status == 200
    identity = {"prenom": learner.first_name, "nom": learner.last_name,
                "naissance": learner.birthdate.strftime("%d/%m/%Y")}
    status, _, body = client.request(f"/c/{code}",
                                     {"jeton": client.token_for(body, f"/c/{code}"), **identity})
    assert status == 200, body
    proposed = re.search(r'class="identifiant">([^<]+)<', body).group(1)
    status, headers, body = client.request(
        f"/c/{code}/mot-de-passe",
        {"jeton": client.token_for(body, f"/c/{code}/mot-de-passe"), **identity,
         "mot_de_passe": PASSWORD, "confirmation": PASSWORD})
    assert status == 303, body
    assert headers["Location"].endswith(f"/campagne/{code}?nouveau=1")
    assert client.cookie("inscrire_session") is not None
    # The username page proposes the DDMM form; a homonym registering in the same second
    # may take it first, and the library then gives another suffix: the page after the
    # password says which one the pupil got.
    status, _, body = client.request(f"/campagne/{code}?nouveau=1")
    assert status == 200
    given = re.search(r'Ton compte est créé. Ton identifiant : '
                      r'<strong class="identifiant">([^<]+)<', body).group(1)
    assert given[:-4] == proposed[:-4]
    return given


def test_a_whole_class_registers_at_once(server, class_campaign):
    division, code = class_campaign
    pupils = pupils_who_match(server.db_path, code, division)
    assert len(pupils) >= 15, (division, len(pupils))
    work = queue.Queue()
    for learner in pupils:
        work.put(learner)
    shown, failures = {}, []
    start = threading.Barrier(CLIENTS)

    def client_thread():
        start.wait()
        while True:
            try:
                learner = work.get_nowait()
            except queue.Empty:
                return
            try:
                shown[learner.ine] = register_through_pages(server.url, code, learner)
            except BaseException as error:  # reported below with the pupil
                failures.append((learner.ine, repr(error)))

    threads = [threading.Thread(target=client_thread) for _ in range(CLIENTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.monotonic() - began
    assert not failures, failures
    assert len(shown) == len(pupils)
    with inscrire.open(server.db_path) as db:
        stored = {l.ine: l.username for l in db.learners(UAI, division)}
        assert not {l.ine for l in db.not_joined(code)} & set(shown)
    assert {ine: stored[ine] for ine in shown} == shown  # the pages showed the real ones
    assert len(set(shown.values())) == len(shown)  # all distinct
    print(f"{len(pupils)} pupils of {division} registered by {CLIENTS} clients "
          f"in {elapsed:.1f} s")
