"""The staff's corrections in a real browser (docs/web.md, "Tests"): a campaign archived (its
code refused) after a confirmation and brought back, a campaign nobody joined deleted and one
with a participant that cannot be, the participants CSV in French with France's times, and an
account dissociated from its learner (confirmed first), who then registers again with a new
username while the old account still logs in.
"""

import datetime
import re
import urllib.request
import zoneinfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from webtest import UAI, HttpClient, choose_password, log_in, register, school_with_admin

YEAR = 2014  # tools/make-roster's edge cases: pupils of 5A born in school year - 12
ALLAN = ("Allan", "POE", f"01/03/{YEAR}")
ZOE = ("Zoë", "MÜLLER", f"28/02/{YEAR}")
MAELYS = ("Maëlys", "N'DIAYE", f"11/11/{YEAR}")
PASSWORD = "Tournesol42"
CSV_HEADER = ("Classe;Nom;Prénom;Identifiant;Statut;Commencé le;Terminé le;Envoyé le;"
              "Hors classe")


@pytest.fixture(scope="module")
def class_code(server, web_roster, admin_browser):
    """The school, its roster and the 5A campaign (made by the operator), its ADMIN in."""
    code, _ = school_with_admin(server, admin_browser, web_roster)
    return code


def new_campaign(a, name):
    a.get(f"/admin/e/{UAI}")
    a.fill("Nom de la campagne", name)
    Select(a.field("Classe de la campagne")).select_by_visible_text("5A")
    a.click("Créer la campagne")
    assert a.heading() == name
    return a.driver.find_element(By.CSS_SELECTOR, "dd.code").text


def campaign_state(a):
    return a.driver.find_element(By.XPATH, "//dt[.='État']/following-sibling::dd[1]").text


def sign_up(b, code, pupil, password=PASSWORD):
    """A pupil on a fresh browser registers through the campaign's link; returns what the
    username page announced and the username the campaign page confirms once created."""
    b.forget()
    b.get(f"/c/{code}")
    register(b, *pupil)
    shown = b.heading().removeprefix("Ton identifiant : ")
    choose_password(b, password)
    assert b.path() == f"/campagne/{code}"
    created = b.driver.find_element(By.CSS_SELECTOR, "[role=status] .identifiant").text
    return shown, created


def enter_code(b, code):
    """The code page; returns the refusal it shows, None when it opened the sign-up page."""
    b.get("/code")
    b.fill("Code", code)
    b.click("Continuer")
    if b.path() == f"/c/{code}":
        assert b.heading() == "Je m'inscris"
        return None
    assert b.path() == "/code"
    return b.driver.find_element(By.CSS_SELECTOR, ".message-erreur").text


def test_an_archived_campaign_refuses_its_code_until_it_is_unarchived(admin_browser, browser,
                                                                     class_code):
    a, b = admin_browser, browser
    code = new_campaign(a, "Pix 5A, à archiver")
    a.click("Archiver")
    assert a.heading() == "Archiver la campagne « Pix 5A, à archiver » ?"
    a.click("Annuler")  # nothing done
    assert campaign_state(a) == "Active"
    a.click("Archiver")
    a.click("Confirmer")
    assert campaign_state(a) == "Archivée"
    assert enter_code(b, code) == "Cette campagne est archivée."
    b.get(f"/c/{code}")  # the class sheet's link too
    assert b.heading() == "Campagne indisponible"
    assert "Cette campagne est archivée." in b.text()

    a.click("Désarchiver")
    assert campaign_state(a) == "Active"
    assert enter_code(b, code) is None


def test_a_campaign_nobody_joined_is_deleted_and_its_code_refused(admin_browser, browser,
                                                                  class_code):
    a, b = admin_browser, browser
    code = new_campaign(a, "Pix 5A, en trop")
    a.click("Supprimer (si personne ne l'a rejointe)")
    assert a.heading() == "Supprimer la campagne « Pix 5A, en trop » ?"
    a.click("Confirmer")
    assert a.path() == f"/admin/e/{UAI}"
    listed = [c.text for c in a.driver.find_elements(By.CSS_SELECTOR, "td.code")]
    assert class_code in listed and code not in listed
    a.get(f"/admin/e/{UAI}/campagnes/{code}")
    assert a.heading() == "Accès refusé"  # gone, as one that never existed
    assert enter_code(b, code) == "Cette campagne a été supprimée."


def test_a_campaign_with_a_participant_cannot_be_deleted(admin_browser, browser, class_code):
    a, b = admin_browser, browser
    code = new_campaign(a, "Pix 5A, commencée")
    sign_up(b, code, ZOE)
    a.get(f"/admin/e/{UAI}/campagnes/{code}")
    a.click("Supprimer (si personne ne l'a rejointe)")
    a.click("Confirmer")
    assert a.heading() == "Action refusée"
    alert = a.driver.find_element(By.CSS_SELECTOR, ".erreurs[role=alert]").text
    assert alert == "Des élèves ont rejoint cette campagne : archivez-la plutôt."
    a.click("Retour")
    assert a.heading() == "Pix 5A, commencée" and campaign_state(a) == "Active"
    assert enter_code(b, code) is None


def download(a, url):
    """A link followed with the admin browser's cookies (Chromium would save the file
    instead of showing it): (Content-Type, Content-Disposition, body bytes)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in a.driver.get_cookies())
    request = urllib.request.Request(url, headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=60) as response:
        return (response.headers["Content-Type"], response.headers["Content-Disposition"],
                response.read())


def test_the_participants_csv_is_the_page_in_french_with_france_s_times(
        admin_browser, browser, server, class_code):
    a, b = admin_browser, browser
    code = new_campaign(a, "Pix 5A, export")
    before = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Paris"))
    _, username = sign_up(b, code, MAELYS)
    a.get(f"/admin/e/{UAI}/campagnes/{code}")
    shown = a.driver.find_elements(By.CSS_SELECTOR, "table")[0].find_elements(
        By.CSS_SELECTOR, "tbody tr")
    link = a.driver.find_element(By.LINK_TEXT, "Participants (CSV)").get_attribute("href")
    status, headers, _ = HttpClient(server.url).request(link[len(server.url):])
    assert status == 303 and "/admin/connexion" in headers["Location"]  # staff only

    content_type, disposition, body = download(a, link)
    assert content_type.startswith("text/csv")
    assert disposition == f'attachment; filename="participants-{code}.csv"'
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body[3:].decode("utf-8").splitlines()
    assert lines[0] == CSV_HEADER
    assert len(lines) - 1 == len(shown)  # the rows of the page
    row = next(line.split(";") for line in lines if f";{username};" in line)
    assert row[:5] == ["5A", "N'DIAYE", "Maëlys", username, "Commencée"]
    started = datetime.datetime.strptime(row[5], "%d/%m/%Y %H:%M").replace(
        tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    assert abs((started - before).total_seconds()) < 120  # France's time, not UTC
    assert row[6:] == ["", "", ""]  # not finished, not sent, not from another class
    assert sum(line.endswith(";Pas encore rejoint;;;;") for line in lines) == len(lines) - 2


def learner_row(a, first, last):
    a.get(f"/admin/e/{UAI}/eleves?classe=5A")
    rows = [r for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
            if [td.text for td in r.find_elements(By.TAG_NAME, "td")[1:3]] == [last, first]]
    assert len(rows) == 1
    return rows[0]


def test_a_dissociated_learner_registers_again_and_the_old_account_still_logs_in(
        admin_browser, browser, class_code):
    a, b = admin_browser, browser
    assert sign_up(b, class_code, ALLAN, "Tournesol42") == ("allan.poe0103",) * 2
    old = "allan.poe0103"
    row = learner_row(a, *ALLAN[:2])
    assert old in row.text
    a.press(row.find_element(By.CSS_SELECTOR, "button[value=dissocier]"))
    assert a.heading() == "Dissocier le compte de Allan POE ?"
    assert old in a.text()
    a.click("Confirmer")
    row = learner_row(a, *ALLAN[:2])
    assert row.find_element(By.CSS_SELECTOR, "td.identifiant").text == ""
    assert row.find_element(By.CSS_SELECTOR, "td.etat-no_account").text == "Pas de compte"
    assert not row.find_elements(By.TAG_NAME, "button")

    # A new account with another free suffix of the stem, drawn at random when the account is
    # created: the username page announces the stem only, never a name it cannot promise.
    shown, new = sign_up(b, class_code, ALLAN, "Pissenlit77")
    assert shown == "allan.poe et quatre chiffres"
    assert re.fullmatch(r"allan\.poe[0-9]{4}", new) and new != old
    assert learner_row(a, *ALLAN[:2]).find_element(By.CSS_SELECTOR, "td.identifiant").text == new

    b.forget()
    b.get("/connexion")
    log_in(b, old, "Tournesol42")
    assert b.heading() == "Mes campagnes"
    assert "Pix 5A" in b.text()  # its participation stayed with the account


def test_the_learner_list_fits_a_phone(admin_browser, class_code):
    """360 CSS pixels wide: each learner a block of lines, the buttons within the screen, and
    « Se déconnecter » in sight (RGAA 10.11)."""
    a = admin_browser
    size = a.driver.get_window_size()
    a.driver.set_window_size(360, 780)
    try:
        for path in (f"/admin/e/{UAI}/eleves?classe=5A", f"/admin/e/{UAI}",
                     f"/admin/e/{UAI}/campagnes/{class_code}", f"/admin/e/{UAI}/equipe",
                     f"/admin/e/{UAI}/journal"):
            a.get(path)
            width = a.driver.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (path, width)
            for element in a.driver.find_elements(By.CSS_SELECTOR, "main button, main td"):
                right = a.driver.execute_script(
                    "return arguments[0].getBoundingClientRect().right", element)
                assert right <= width[1] + 1, (path, element.text)
            logout = a.driver.find_element(By.XPATH, "//header//button[.='Se déconnecter']")
            assert logout.is_displayed()
        a.get(f"/admin/e/{UAI}/eleves?classe=5A")
        a.shot("telephone-eleves")
    finally:
        a.driver.set_window_size(size["width"], size["height"])
