"""Fixtures of the web application's end-to-end tests (helpers in webtest.py).

Screenshots go to $INSCRIRE_WEB_SCREENSHOTS when set (docs/web.md refreshes docs/web/ that way),
otherwise to a temporary directory: ctest never writes into the source tree.
"""

import os
import pathlib

import pytest

from webtest import Browser, PostgresServer, Server, make_roster


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("web"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def web_roster(tmp_path_factory):
    return make_roster(tmp_path_factory.mktemp("roster") / "ElevesSansAdresses.xml")


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    configured = os.environ.get("INSCRIRE_WEB_SCREENSHOTS")
    directory = pathlib.Path(configured) if configured else tmp_path_factory.mktemp("shots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server: the test command's (INSCRIRE_TEST_POSTGRES_URL) or one of our own."""
    running = PostgresServer()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(server, screenshots):
    opened = Browser(server.url, screenshots)
    yield opened
    opened.quit()


@pytest.fixture(scope="module")
def admin_browser(server, screenshots):
    opened = Browser(server.url, screenshots)
    yield opened
    opened.quit()
