"""Throttles a script cannot shed (docs/web.md, "Security"): the library counts failures per
client address (the trusted proxy's X-Forwarded-For), never per a cookie the client chooses to
keep. A client that drops its cookie at every request is throttled on campaign codes, on
identities (birth dates probed with a known code) and on staff passwords like one that keeps
it, while 35 pupils behind one school address, each making a typo, all register unslowed.

The server believes X-Forwarded-For from 127.0.0.1 (--trusted-proxy): the test plays the
proxy, each "address" a value of that header. Limits are the deployment's defaults (100 failed
codes or identities, 100 failed logins per address in 10 minutes)."""

import time

import pytest

import inscrire
from webtest import UAI, HttpClient, Server, make_roster, operator, prepare_school, visible_text

PASSWORD = "Tournesol42"
LIMIT = 100  # Config.throttle_max_failures and login_throttle_max_failures
THROTTLED_PUPIL = "Trop d'essais : attends quelques minutes avant de recommencer."
THROTTLED_STAFF = "Trop de tentatives : réessayez dans quelques minutes."
NOT_FOUND = "Nous ne trouvons pas d'élève avec ces informations."


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    directory = tmp_path_factory.mktemp("throttle")
    running = Server(directory, extra=["--trusted-proxy", "127.0.0.1"])
    roster = make_roster(directory / "roster.xml", pupils=60, seed=7, edge_cases=False)
    prepare_school(running.location)
    with inscrire.open(running.location) as db:
        db.import_roster(UAI, roster, actor=operator())
        code = db.create_campaign(UAI, "Pix, tout le collège", actor=operator()).code
    yield running, code
    running.stop()


def cookieless(server, address):
    """A script that drops its cookies: a new client for every request."""
    return HttpClient(server.url, forwarded_for=address)


def try_code(server, address, code):
    client = cookieless(server, address)
    status, _, body = client.post_form("/code", "/code", {"code": code})
    return status, visible_text(body)


def test_wrong_codes_from_a_client_dropping_its_cookie_are_throttled(proxied):
    server, code = proxied
    attacker = "203.0.113.7"
    for attempt in range(LIMIT):
        status, text = try_code(server, attacker, f"ZZZZZZ{222 + attempt % 700:03d}")
        assert status == 400 and "aucune campagne" in text, (attempt, text)
        assert THROTTLED_PUPIL not in text
    status, text = try_code(server, attacker, code)  # even the right code now
    assert status == 400 and THROTTLED_PUPIL in text
    assert try_code(server, "203.0.113.8", code)[0] == 303  # another address: unaffected


def test_birth_dates_probed_with_a_known_code_are_throttled_and_not_told_apart(proxied):
    server, code = proxied
    prober = "198.51.100.23"
    with inscrire.open(server.location) as db:
        pupil = next(l for l in db.learners(UAI, None, actor=operator()))
    born = pupil.birthdate
    texts = set()
    for day in range(LIMIT):
        probe = born.replace(year=born.year - 3).toordinal() + day
        date = born.fromordinal(probe).strftime("%d/%m/%Y")
        client = cookieless(server, prober)
        status, _, body = client.post_form(f"/c/{code}", f"/c/{code}", {
            "prenom": pupil.first_name if day % 2 else "Personne", "nom": pupil.last_name,
            "naissance": date})
        assert status == 400, body
        text = visible_text(body)
        assert THROTTLED_PUPIL not in text, day
        texts.add(text.split(" Prénom ")[0])  # the message before the form
    # A wrong name and a date on which nobody was born: one message, nothing learnt.
    assert len(texts) == 1 and NOT_FOUND in texts.pop()
    # The address is now refused everything for a while, the campaign's own page included.
    status, _, body = cookieless(server, prober).request(f"/c/{code}")
    assert status == 404 and THROTTLED_PUPIL in visible_text(body)
    assert cookieless(server, "198.51.100.24").request(f"/c/{code}")[0] == 200


def test_staff_passwords_from_a_client_dropping_its_cookie_are_throttled(proxied):
    server, _ = proxied
    guesser = "192.0.2.99"

    def guess(username, password):
        client = cookieless(server, guesser)
        status, _, body = client.post_form("/admin/connexion", "/admin/connexion", {
            "identifiant": username, "mot_de_passe": password})
        return status, visible_text(body)

    for attempt in range(LIMIT):  # a walk over usernames: no account's own block applies
        status, text = guess(f"prof{attempt}", "Chardon-bleu-2024")
        assert status == 400 and "Identifiant ou mot de passe incorrect." in text, text
    status, text = guess("prof0", "Chardon-bleu-2024")
    assert status == 400 and THROTTLED_STAFF in text


def test_thirty_five_pupils_behind_one_address_register_unslowed(proxied):
    """A class behind its school's address: each pupil mistypes the code and their birth date
    once (70 failures on the address), then registers; nobody is refused or slowed."""
    server, code = proxied
    school = "192.0.2.1"
    with inscrire.open(server.location) as db:
        learners = db.learners(UAI, None, actor=operator())
        pupils = [l for l in learners
                  if db.match(code, l.first_name, l.last_name, l.birthdate).matched][:35]
    assert len(pupils) == 35
    slowest = 0.0
    for pupil in pupils:
        client = HttpClient(server.url, forwarded_for=school)
        identity = {"prenom": pupil.first_name, "nom": pupil.last_name,
                    "naissance": pupil.birthdate.strftime("%d/%m/%Y")}
        began = time.monotonic()
        status, _, body = client.post_form("/code", "/code", {"code": "ZZZZZZ999"})
        assert status == 400 and THROTTLED_PUPIL not in body
        status, _, _ = client.request("/code", {"jeton": client.token_for(body, "/code"),
                                                "code": code})
        assert status == 303
        wrong = {**identity, "naissance": "01/01/2000"}
        status, _, body = client.post_form(f"/c/{code}", f"/c/{code}", wrong)
        assert status == 400 and NOT_FOUND in visible_text(body)
        status, _, body = client.request(f"/c/{code}", {
            "jeton": client.token_for(body, f"/c/{code}"), **identity})
        assert status == 200, visible_text(body)
        status, headers, body = client.request(f"/c/{code}/mot-de-passe", {
            "jeton": client.token_for(body, f"/c/{code}/mot-de-passe"), **identity,
            "mot_de_passe": PASSWORD, "confirmation": PASSWORD})
        assert status == 303, visible_text(body)
        slowest = max(slowest, time.monotonic() - began)
    assert slowest < 10, slowest  # no waiting imposed: the throttle answers at once anyway
    with inscrire.open(server.location) as db:
        missing = {l.ine for l in db.not_joined(code, actor=operator())}
        assert not missing & {p.ine for p in pupils}
