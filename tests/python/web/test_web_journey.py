"""The seed's procedure in a real browser, end to end, on one server (docs/web.md, "Tests").

The operator creates the school and invites its first ADMIN; the ADMIN accepts the invitation,
enrols the second factor, imports a roster made by tools/make-roster, creates the class campaign
and prints the class sheet (its QR code decoded from the screenshot); three pupils register: one
with a typo in their first name, a twin, and one already registered who is sent to log in; one
logs out, logs back in and resumes; one finishes and sends the results; the ADMIN sees the
statuses, resets a password (confirmed first), and the pupil is made to choose a new one. No
password or token ever appears in a URL or in the server's output.
"""

import pytest

import journeys
from journeys import PASSWORDS
from webtest import STAFF_PASSWORD


@pytest.fixture(scope="module")
def start_of_year(admin_browser, server, web_roster):
    return journeys.admin_start_of_year(admin_browser, server.location, web_roster)


def test_the_admin_prints_the_class_sheet_with_its_link_and_qr_code(admin_browser,
                                                                    start_of_year, server):
    _, code = start_of_year
    journeys.class_sheet_has_its_link_and_qr_code(admin_browser, code, server.url)


def test_pupils_register_resume_finish_and_the_admin_follows(browser, admin_browser,
                                                             start_of_year, server):
    a, b = admin_browser, browser
    app, code = start_of_year
    journeys.pupils_register(b, code)
    journeys.pupil_resumes_and_finishes(b, code)
    temporary = journeys.admin_follows_and_resets(a, b, code)
    journeys.second_campaign_joined(a, b)
    journeys.blocked_then_unblocked(a, b, server.url)

    # No secret in a URL or in the server's output.
    secrets = [*PASSWORDS.values(), temporary, STAFF_PASSWORD, app.secret]
    for url in b.visited + a.visited:
        assert not any(s in url for s in secrets), url
    output = server.output()
    assert not any(s in output for s in secrets)
