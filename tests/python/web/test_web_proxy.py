"""Two servers on one PostgreSQL database behind a real nginx (Debian's nginx-light, a
configuration of the test's own on loopback ports) in plain round robin, no stickiness
(docs/web.md, "Several servers"): the whole admin and pupil journeys pass through it, every
form accepted whichever server rendered it, and one server killed (SIGKILL) and restarted in
the middle of the journeys costs the ADMIN no session and no pupil a form. The servers, nginx
and (without INSCRIRE_TEST_POSTGRES_URL) PostgreSQL are started and stopped by the fixture."""

import time

import pytest

import journeys
from webtest import (FORM_EXPIRED_PUPIL, FORM_EXPIRED_STAFF, UAI, Browser, Nginx, Server,
                     make_secret)


@pytest.fixture(scope="module")
def cluster(postgres, tmp_path_factory):
    directory = tmp_path_factory.mktemp("proxy")
    location = postgres.schema("web_proxy")
    secret = make_secret(directory)  # one secret file, shared by the servers
    servers = []
    proxy = None
    try:
        for name in ("one", "two"):
            servers.append(Server(directory / name, location=location, secret=secret,
                                  extra=["--trusted-proxy", "127.0.0.1"]))
        proxy = Nginx(directory / "nginx", [f"127.0.0.1:{s.port}" for s in servers])
        yield servers, proxy, location
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def people(cluster, screenshots):
    _, proxy, _ = cluster
    opened = [Browser(proxy.url, screenshots), Browser(proxy.url, screenshots)]
    yield opened
    for browser in opened:
        browser.quit()


def test_the_journeys_through_nginx_with_a_server_killed_and_restarted(cluster, people,
                                                                       web_roster):
    servers, proxy, location = cluster
    a, b = people
    app, code = journeys.admin_start_of_year(a, location, web_roster, shots=False)
    journeys.class_sheet_has_its_link_and_qr_code(a, code, proxy.url, shots=False)
    journeys.pupils_register(b, code, shots=False)
    served = {entry[3] for entry in proxy.access_log()}
    assert served == {f"127.0.0.1:{s.port}" for s in servers}, served  # both took part

    # Server one crashes: the ADMIN and the pupils go on with server two alone.
    servers[0].kill()
    journeys.pupil_resumes_and_finishes(b, code, shots=False)
    a.get(f"/admin/e/{UAI}/campagnes/{code}")
    assert a.heading() == "Pix 5A"

    # It comes back: nginx sends it requests again after fail_timeout; the ADMIN's session,
    # in the database, is good on it.
    servers[0].restart()
    time.sleep(3)
    mark = len(proxy.access_log())
    temporary = journeys.admin_follows_and_resets(a, b, code, shots=False)
    journeys.second_campaign_joined(a, b)
    journeys.blocked_then_unblocked(a, b, proxy.url)
    after = proxy.access_log()[mark:]
    restarted = f"127.0.0.1:{servers[0].port}"
    assert any(e[0] == "POST" and e[1].startswith("/admin/") and e[3] == restarted
               for e in after), "the restarted server answered none of the ADMIN's forms"
    assert any(e[0] == "POST" and not e[1].startswith("/admin/") and e[3] == restarted
               for e in after)

    # Never a refused form, never the login page for the ADMIN once logged in, never a 5xx.
    for page in a.pages + b.pages:
        assert FORM_EXPIRED_PUPIL not in page and FORM_EXPIRED_STAFF not in page
    logged_in = a.visited.index(next(u for u in a.visited if "/admin/e/" in u))
    assert not any("/admin/connexion" in u for u in a.visited[logged_in:]), a.visited
    assert not [e for e in proxy.access_log() if e[2].startswith("5")]
    for server in servers:
        output = server.output()
        assert temporary not in output and app.secret not in output
