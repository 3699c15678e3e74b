"""The web application's own guarantees (docs/web.md, "Security"): one-time form tokens refuse
a forged or replayed form and nothing is done; cookies are HttpOnly and SameSite=Lax (Secure
behind HTTPS); every page has the security headers and a CSP without inline script."""

import re

import pytest

import inscrire
from inscrire_web import create_app
from inscrire_web.security import AdminPassword
from webtest import ADMIN_PASSWORD, UAI, HttpClient, prepare_school

PASSWORD = "Tournesol42"
PUPIL = {"prenom": "Alian", "nom": "POE", "naissance": "01/03/2014"}


@pytest.fixture(scope="module")
def code(server, web_roster):
    return prepare_school(server.db_path, web_roster)


def sign_up_page(client, code):
    status, _, body = client.request(f"/c/{code}")
    assert status == 200
    return client.token_for(body, f"/c/{code}")


@pytest.fixture(scope="module")
def username(server, code):
    """A pupil with an account, registered through the pages; returns its username."""
    client = HttpClient(server.url)
    token = sign_up_page(client, code)
    status, _, body = client.request(f"/c/{code}", {"jeton": token, **PUPIL})
    assert status == 200, body
    username = re.search(r'class="identifiant">([^<]+)<', body).group(1)
    status, headers, _ = client.request(f"/c/{code}/mot-de-passe",
                                        {"jeton": client.token_for(body, f"/c/{code}/mot-de-passe"), **PUPIL,
                                         "mot_de_passe": PASSWORD})
    assert status == 303, headers
    return username


def test_a_forged_or_missing_token_is_refused_and_nothing_is_done(server, username):
    client = HttpClient(server.url)
    client.request("/connexion")  # the browser's cookie, as a real visit gives it
    for forged in ({"jeton": "forged-token-0123456789"}, {}):
        status, _, body = client.request(
            "/connexion", {**forged, "identifiant": username, "mot_de_passe": PASSWORD})
        assert status == 400
        assert "Formulaire refusé" in body
        assert client.cookie("inscrire_session") is None  # not logged in


def test_a_token_issued_to_another_browser_is_refused(server, code):
    """The CSRF case proper: a page of the attacker's own visit, posted from the victim's
    browser (the victim's cookies, the attacker's token)."""
    attacker, victim = HttpClient(server.url), HttpClient(server.url)
    victim.request("/")
    token = sign_up_page(attacker, code)
    status, _, body = victim.request(f"/c/{code}", {"jeton": token, **PUPIL})
    assert status == 400 and "Formulaire refusé" in body


def test_a_replayed_form_is_refused(server, code):
    client = HttpClient(server.url)
    status, _, body = client.request("/admin/connexion")
    token = client.token_for(body, "/admin/connexion")
    status, headers, _ = client.request("/admin/connexion",
                                        {"jeton": token, "mot_de_passe": ADMIN_PASSWORD})
    assert status == 303 and headers["Location"].endswith("/admin/")
    status, _, body = client.request(f"/admin/e/{UAI}")
    form = {"jeton": client.token_for(body, f"/admin/e/{UAI}/campagnes"), "nom": "Pix 4B", "classe": "4B", "profil": ""}
    assert client.request(f"/admin/e/{UAI}/campagnes", form)[0] == 303
    status, _, body = client.request(f"/admin/e/{UAI}/campagnes", form)  # the same form again
    assert status == 400 and "Formulaire refusé" in body
    _, _, body = client.request(f"/admin/e/{UAI}")
    assert body.count(">Pix 4B<") == 1  # one campaign, not two


def test_a_replayed_password_form_creates_nothing_more(server, code):
    client = HttpClient(server.url)
    pupil = {"prenom": "Allan", "nom": "POE", "naissance": "01/03/2014"}
    status, _, body = client.request(f"/c/{code}", {"jeton": sign_up_page(client, code),
                                                   **pupil})
    form = {"jeton": client.token_for(body, f"/c/{code}/mot-de-passe"), **pupil, "mot_de_passe": PASSWORD}
    assert client.request(f"/c/{code}/mot-de-passe", form)[0] == 303
    status, _, body = client.request(f"/c/{code}/mot-de-passe", form)
    assert status == 400 and "Formulaire refusé" in body


PAGES = ["/", "/code", "/connexion", "/admin/connexion", "/mes-campagnes"]


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
    status, headers, _ = client.request("/connexion", {"jeton": client.token_for(body, "/connexion"),
                                                       "identifiant": username,
                                                       "mot_de_passe": PASSWORD})
    assert status == 303
    session = headers["Set-Cookie"]
    assert session.startswith("inscrire_session=")
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert "Max-Age" not in session and "Expires" not in session  # ends with the browser


def test_behind_https_cookies_are_secure_and_hsts_is_sent(tmp_path):
    """An application whose public address is https (behind a TLS reverse proxy)."""
    with inscrire.open(tmp_path / "school.db") as db:
        app = create_app(db, base_url="https://inscription.example.fr",
                         admin_password=AdminPassword(ADMIN_PASSWORD))
        response = app.test_client().get("/connexion")
        assert response.status_code == 200
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_admin_pages_are_off_without_a_password_file(tmp_path):
    with inscrire.open(tmp_path / "school.db") as db:
        client = create_app(db).test_client()
        assert client.get("/admin/connexion").status_code == 404
        assert client.get("/admin/").status_code == 404
        assert b"admin" not in client.get("/").data.lower()


def test_admin_login_is_throttled_per_browser(tmp_path):
    with inscrire.open(tmp_path / "school.db") as db:
        client = create_app(db, admin_password=AdminPassword(ADMIN_PASSWORD)).test_client()

        def attempt(password):
            page = client.get("/admin/connexion").get_data(as_text=True)
            token = HttpClient.token_for(page, "/admin/connexion")
            return client.post("/admin/connexion", data={"jeton": token,
                                                         "mot_de_passe": password})
        for _ in range(10):
            assert "incorrect" in attempt("wrong").get_data(as_text=True)
        refused = attempt(ADMIN_PASSWORD)  # the right password, too late
        assert refused.status_code == 400
        assert inscrire.describe("TOO_MANY_ATTEMPTS") in refused.get_data(as_text=True)
