"""The web application's own guarantees (docs/web.md, "Security"): signed form tokens bound to
the browser, to the form and to an expiry refuse a forged, foreign, other form's or expired
token, do nothing and show the same form again with what was typed (never a password); a token
made by one server is good on another with the same secret file; cookies are HttpOnly and
SameSite=Lax (Secure behind HTTPS); every page has the security headers and a CSP without
inline script; a pupil left idle is logged out; a lost database is a French page, 503."""

import re
import time

import pytest

import inscrire
from inscrire_web import Config, create_app
from inscrire_web.security import SESSION_COOKIE, FormTokens, Keys, PupilSessionCookie
from webtest import (FORM_EXPIRED_PUPIL, UAI, HttpClient, PostgresServer, Server, operator,
                     prepare_school, visible_text)

PASSWORD = "Tournesol42"
PUPIL = {"prenom": "Alian", "nom": "POE", "naissance": "01/03/2014"}
SECRET = b"s" * 32


@pytest.fixture(scope="module")
def code(server, web_roster):
    return prepare_school(server.location, web_roster)


@pytest.fixture(scope="module")
def username(server, code):
    """A pupil with an account, registered through the pages; returns its username."""
    client = HttpClient(server.url)
    status, _, body = client.post_form(f"/c/{code}", f"/c/{code}", PUPIL)
    assert status == 200, body
    username = re.search(r'class="identifiant">([^<]+)<', body).group(1)
    status, headers, _ = client.request(f"/c/{code}/mot-de-passe", {
        "jeton": client.token_for(body, f"/c/{code}/mot-de-passe"), **PUPIL,
        "mot_de_passe": PASSWORD, "confirmation": PASSWORD})
    assert status == 303, headers
    return username


def refused_login(client, token, username):
    fields = {"identifiant": username, "mot_de_passe": PASSWORD}
    if token is not None:
        fields["jeton"] = token
    return client.request("/connexion", fields)


def assert_shown_again(status, body, username):
    """The same form again: status 400, the one sentence, what was typed but the password."""
    assert status == 400
    assert visible_text(body).count(FORM_EXPIRED_PUPIL) == 1
    assert f'value="{username}"' in body
    assert PASSWORD not in body
    assert "<h1>Se connecter</h1>" in body


def test_a_forged_missing_or_expired_token_does_nothing_and_shows_the_form_again(server,
                                                                                 username):
    client = HttpClient(server.url)
    client.request("/connexion")  # the browser's cookie, as a real visit gives it
    browser_id = client.cookie("inscrire_client").value
    secret = server.secret.read_bytes()
    expired = FormTokens(Keys(secret).forms, 60, clock=lambda: time.time() - 3600).issue(
        browser_id, "login")
    other_form = FormTokens(Keys(secret).forms, 3600).issue(browser_id, "signup")
    other_secret = FormTokens(Keys(b"x" * 32).forms, 3600).issue(browser_id, "login")
    for token in ("forged-token-0123456789", None, expired, other_form, other_secret,
                  "9999999999.AAAA.AAAA"):
        status, _, body = refused_login(client, token, username)
        assert_shown_again(status, body, username)
        assert client.cookie("inscrire_session") is None  # not logged in
    # The form shown again carries a good token: pressing the button again works.
    _, _, body = refused_login(client, None, username)
    status, _, _ = client.request("/connexion", {"jeton": client.token_for(body, "/connexion"),
                                                 "identifiant": username,
                                                 "mot_de_passe": PASSWORD})
    assert status == 303 and client.cookie("inscrire_session") is not None


def test_a_token_issued_to_another_browser_is_refused(server, code):
    """The CSRF case proper: a page of the attacker's own visit, posted from the victim's
    browser (the victim's cookies, the attacker's token)."""
    attacker, victim = HttpClient(server.url), HttpClient(server.url)
    victim.request("/")
    _, _, page = attacker.request(f"/c/{code}")
    status, _, body = victim.request(f"/c/{code}", {"jeton": attacker.token_for(page, f"/c/{code}"),
                                                   **PUPIL})
    assert status == 400 and FORM_EXPIRED_PUPIL in body
    assert 'value="Alian"' in body and 'value="01/03/2014"' in body  # what was typed
    assert "Ton identifiant" not in body  # no match was made


def test_a_form_of_one_server_is_accepted_by_another_with_the_same_secret(server, code,
                                                                          tmp_path):
    """No state in a process: a second server on the same database and secret file takes the
    first one's forms; one with another secret refuses them."""
    twin = Server(tmp_path / "twin", location=server.location, secret=server.secret)
    stranger = Server(tmp_path / "stranger", location=server.location)
    try:
        for other, accepted in ((twin, True), (stranger, False)):
            client = HttpClient(server.url)
            _, _, page = client.request(f"/c/{code}")
            token = client.token_for(page, f"/c/{code}")
            client.base_url = other.url
            status, _, body = client.request(f"/c/{code}", {"jeton": token, **PUPIL})
            assert (FORM_EXPIRED_PUPIL not in body) == accepted, other.url
            assert status in (200, 400)
    finally:
        twin.stop()
        stranger.stop()


def test_a_registration_sent_twice_creates_one_account(server, code):
    """Tokens are not single-use (no store): the library answers the second one."""
    client = HttpClient(server.url)
    pupil = {"prenom": "Allan", "nom": "POE", "naissance": "01/03/2014"}
    _, _, body = client.post_form(f"/c/{code}", f"/c/{code}", pupil)
    form = {"jeton": client.token_for(body, f"/c/{code}/mot-de-passe"), **pupil,
            "mot_de_passe": PASSWORD, "confirmation": PASSWORD}
    assert client.request(f"/c/{code}/mot-de-passe", form)[0] == 303
    status, _, body = client.request(f"/c/{code}/mot-de-passe", form)
    assert status == 200 and "Tu as déjà un compte" in body
    with inscrire.open(server.location) as db:
        allan = [l for l in db.learners(UAI, "5A", actor=operator()) if l.first_name == "Allan"]
        assert [l.username for l in allan] == ["allan.poe0103"]


PAGES = ["/", "/code", "/connexion", "/admin/connexion", "/mes-campagnes", "/admin/",
         "/admin/invitation/ABCD-EFGH-2345"]


def test_every_page_has_the_security_headers_and_no_inline_script(server, code):
    client = HttpClient(server.url)
    for path in PAGES + [f"/c/{code}", "/page-inconnue", "/static/style.css"]:
        status, headers, body = client.request(path)
        assert status in (200, 303, 404), path
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy, policy
        assert "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert "<script" not in body.lower()
        assert not re.search(r"\son[a-z]+\s*=", body), path  # no inline event handler
        assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_cookies_are_httponly_and_samesite_lax(server, username):
    client = HttpClient(server.url)
    _, headers, body = client.request("/connexion")
    client_cookie = headers["Set-Cookie"]
    assert client_cookie.startswith("inscrire_client=")
    assert "HttpOnly" in client_cookie and "SameSite=Lax" in client_cookie
    assert "Secure" not in client_cookie
    status, headers, _ = client.request("/connexion", {
        "jeton": client.token_for(body, "/connexion"), "identifiant": username,
        "mot_de_passe": PASSWORD})
    assert status == 303
    session = headers["Set-Cookie"]
    assert session.startswith("inscrire_session=")
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert "Max-Age=900" in session  # the idle limit: 15 minutes


def config(tmp_path, **options):
    return Config(db=str(tmp_path / "school.db"), secret=SECRET, **options)


def test_behind_https_cookies_are_secure_and_hsts_is_sent(tmp_path):
    """An application whose public address is https (behind a TLS reverse proxy)."""
    settings = config(tmp_path, base_url="https://inscription.example.fr")
    with inscrire.open(settings.db, **settings.library_options()) as db:
        response = create_app(db, settings).test_client().get("/connexion")
        assert response.status_code == 200
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_pupil_left_idle_is_logged_out_and_the_session_ends(tmp_path, web_roster):
    settings = config(tmp_path)
    code = prepare_school(settings.db, web_roster)
    with inscrire.open(settings.db, **settings.library_options()) as db:
        db.register(code, "Alian", "POE", "01/03/2014", PASSWORD)
        app = create_app(db, settings)
        cookies = Keys(SECRET).sessions

        def visit(seconds_ago, token, mac_key=cookies):
            value = PupilSessionCookie(mac_key, 900, clock=lambda: time.time() - seconds_ago
                                       ).make(token)
            client = app.test_client()
            client.set_cookie("localhost", SESSION_COOKIE, value)
            return client.get("/mes-campagnes")

        token = db.login("alian.poe0103", PASSWORD).session_token
        assert visit(60, token).status_code == 200  # used a minute ago: still in
        forged = visit(60, token, Keys(b"x" * 32).sessions)  # not our cookie: not logged in
        assert forged.status_code == 303 and db.authenticate(token)
        left = visit(16 * 60, token)  # 16 minutes without a page
        assert left.status_code == 303
        assert left.headers["Location"].endswith("/connexion?fin=inactivite")
        with pytest.raises(inscrire.AuthenticationError):
            db.authenticate(token)  # the library's session ended too
        page = app.test_client().get("/connexion?fin=inactivite").get_data(as_text=True)
        assert "Tu as été déconnecté(e) après 15 minutes sans activité." in page


def test_a_lost_database_is_a_french_page_503():
    """PostgreSQL stopped under a running application: the pages say so in French, 503."""
    postgres = PostgresServer(own=True)
    try:
        settings = Config(db=postgres.url, secret=SECRET)
        db = inscrire.open(postgres.url, **settings.library_options())
        prepare_school(postgres.url)
        client = create_app(db, settings).test_client()
        token = HttpClient.token_for(client.get("/code").get_data(as_text=True), "/code")
        postgres.stop_server()
        for response in (client.get("/c/ABCDEF234"),
                         client.post("/code", data={"jeton": token, "code": "ABCDEF234"})):
            text = response.get_data(as_text=True)
            assert response.status_code == 503, text
            assert "Service indisponible" in text and "ne fonctionne pas" in text
        db.close()
    finally:
        postgres.stop_server()


def test_a_common_password_is_refused_saying_why_and_the_rule_once(server, code):
    client = HttpClient(server.url)
    pupil = {"prenom": "Zoë", "nom": "MÜLLER", "naissance": "28/02/2014"}
    _, _, body = client.post_form(f"/c/{code}", f"/c/{code}", pupil)
    status, _, body = client.request(f"/c/{code}/mot-de-passe", {
        "jeton": client.token_for(body, f"/c/{code}/mot-de-passe"), **pupil,
        "mot_de_passe": "Azerty123", "confirmation": "Azerty123"})
    text = visible_text(body)
    assert status == 400
    assert text.count("Ce mot de passe est trop connu : il serait deviné tout de suite.") == 1
    assert text.count("8 caractères au moins, dont une majuscule") == 1
    assert "Azerty123" not in body
