"""The teacher's start-of-year kit in a real browser (docs/web.md, "Tests"; product.md §9): the
slips of a class printed by Chromium to PDF (page count as chosen, each username once, each
temporary password on its own pupil's slip, every QR code decoded to the sign-in link), the
learner search, the 3H/5G scenario (a pupil of 5G warned on 3H's code, flagged « Hors classe »
on 3H's list and in its CSV, her participation deleted after a confirmation, then joining her
own class's campaign with the same account), and a renamed campaign that keeps its code.
"""

import base64
import csv
import io
import re
import subprocess
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

import inscrire
from test_web_staff import minted_token, post_from
from webtest import (UAI, Browser, HttpClient, accept_invitation, choose_password, enrol_second_factor,
                     invite, operator, prepare_school, register)

HEADER = ("Identifiant unique*;Premier prénom*;Deuxième prénom;Troisième prénom;Nom de famille*;"
          "Nom d'usage;Code sexe*;Date de naissance (jj/mm/aaaa)*;Code commune naissance**;"
          "Libellé commune naissance**;Code département naissance*;Code pays naissance*;"
          "Statut*;Code MEF*;Division*")
# Ten pupils of 3H (born 2012) and two of 5G (born 2014); names a slip must print as written.
THIRD = [("Sarah", "LEFÈVRE"), ("Œlie", "CŒURDACIER"), ("Ελένη", "ΠΑΠΑΔΟΠΟΥΛΟΥ"),
         ("Jules", "MARTIN"), ("Inès", "N'DIAYE"), ("Hugo", "DA SILVA"), ("Chloé", "PETIT"),
         ("Nathan", "ROUX"), ("Camille", "LE GALL"), ("Yanis", "BEN AHMED")]
LEA = ("Léa", "MARTIN", "03/05/2014")
FIFTH = [LEA[:2], ("Noé", "DURAND")]
PASSWORD = "Tournesol42"


def roster_line(number, first, last, born, division):
    return ";".join([f"{number:09d}AB", first, "", "", last, "", "Féminin", born, "75056",
                     "Paris", "75", "99100", "ST", "10010012110", division])


@pytest.fixture(scope="module")
def school(server, admin_browser, tmp_path_factory):
    """The school and its roster (3H and 5G) made by the operator, its ADMIN logged in; the
    ADMIN creates the two class campaigns: {"3H": code, "5G": code}."""
    path = tmp_path_factory.mktemp("roster") / "eleves.csv"
    lines = [HEADER]
    lines += [roster_line(i, first, last, f"{i + 1:02d}/02/2012", "3H")
              for i, (first, last) in enumerate(THIRD)]
    lines += [roster_line(100, *LEA[:2], LEA[2], "5G"),
              roster_line(101, *FIFTH[1], "07/07/2014", "5G")]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    prepare_school(server.location)
    a = admin_browser
    accept_invitation(a, invite(server.location, UAI, "ADMIN"), "m.durand", "Marie Durand")
    enrol_second_factor(a)
    a.get(f"/admin/e/{UAI}")
    a.field("Fichier à importer").send_keys(str(path))
    a.click("Importer")
    codes = {}
    for division in ("3H", "5G"):
        a.get(f"/admin/e/{UAI}")
        a.fill("Nom de la campagne", f"Pix {division}")
        Select(a.field("Classe de la campagne")).select_by_visible_text(division)
        a.click("Créer la campagne")
        codes[division] = a.driver.find_element(By.CSS_SELECTOR, "dd.code").text
    return codes


def participants_rows(a):
    return [r.text for r in a.driver.find_elements(By.CSS_SELECTOR, "table tbody tr")]


def test_a_pupil_on_another_class_s_code_is_warned_flagged_removed_and_joins_her_own(
        admin_browser, browser, school, server):
    a, b = admin_browser, browser
    b.get(f"/c/{school['3H']}")
    register(b, *LEA)
    warning = b.driver.find_element(By.CSS_SELECTOR, "[role=alert] h2").text
    assert warning == "Ce code est celui de la classe 3H"
    assert "Ta classe est la 5G." in b.text()
    b.shot("code-d-une-autre-classe")
    choose_password(b, PASSWORD)
    assert b.path() == f"/campagne/{school['3H']}"
    username = b.driver.find_element(By.CSS_SELECTOR, "[role=status] .identifiant").text

    # 3H's list flags her, and so does its CSV.
    a.get(f"/admin/e/{UAI}/campagnes/{school['3H']}")
    flagged = [r for r in a.driver.find_elements(By.CSS_SELECTOR, "tr.hors-classe")]
    assert len(flagged) == 1 and "Hors classe" in flagged[0].text
    assert username in flagged[0].text
    a.shot("admin-hors-classe")
    rows = list(csv.reader(io.StringIO(download(a, f"/admin/e/{UAI}/campagnes/{school['3H']}"
                                                   "/participants.csv")), delimiter=";"))
    assert rows[0][-1] == "Hors classe"
    marked = [row for row in rows[1:] if row[-1] == "oui"]
    assert [(m[0], m[2], m[3]) for m in marked] == [("5G", "Léa", username)]
    assert all(row[-1] == "" for row in rows[1:] if row not in marked)

    # « Supprimer la participation », confirmed first.
    a.press(flagged[0].find_element(By.XPATH, ".//button[contains(., 'Supprimer la participation')]"))
    assert a.heading() == "Supprimer la participation de Léa MARTIN à « Pix 3H » ?"
    a.click("Annuler")
    assert len(a.driver.find_elements(By.CSS_SELECTOR, "tr.hors-classe")) == 1
    a.press(a.driver.find_element(By.XPATH, "//button[contains(., 'Supprimer la participation')]"))
    a.click("Supprimer la participation")
    assert a.path() == f"/admin/e/{UAI}/campagnes/{school['3H']}"
    assert not a.driver.find_elements(By.CSS_SELECTOR, "tr.hors-classe")
    assert username not in a.text()
    a.get(f"/admin/e/{UAI}/journal")
    assert "Suppression d'une participation" in a.text()

    # The same account joins 5G's campaign; 5G's list shows her with it.
    b.get(f"/c/{school['5G']}")
    b.click("Rejoindre la campagne")
    assert b.path() == f"/campagne/{school['5G']}"
    a.get(f"/admin/e/{UAI}/campagnes/{school['5G']}")
    lea = [r for r in participants_rows(a) if "Léa" in r]
    assert len(lea) == 1 and username in lea[0] and "Commencée" in lea[0]
    assert not a.driver.find_elements(By.CSS_SELECTOR, "tr.hors-classe")
    assert not b.driver.find_elements(By.CSS_SELECTOR, "[role=alert]")  # her own class

    # « Rejoindre » on another class's code, logged in: the campaign page warns after the fact;
    # the address alone warns of nothing.
    b.get(f"/c/{school['3H']}")
    b.click("Rejoindre la campagne")
    assert b.path() == f"/campagne/{school['3H']}"
    warning = b.driver.find_element(By.CSS_SELECTOR, "[role=alert] h2").text
    assert warning == "Ce code est celui de la classe 3H"
    assert "Ta classe est la 5G." in b.text()
    b.shot("rejoindre-une-autre-classe")
    b.get(f"/campagne/{school['5G']}?autre_classe=1")
    assert not b.driver.find_elements(By.CSS_SELECTOR, "[role=alert]")

    # 3H's campaign archived since: her page still shows, without the warning.
    a.get(f"/admin/e/{UAI}/campagnes/{school['3H']}")
    a.click("Archiver")
    a.click("Confirmer")
    b.get(f"/campagne/{school['3H']}?autre_classe=1")
    assert b.heading() == "Pix 3H"
    assert not b.driver.find_elements(By.CSS_SELECTOR, "[role=alert]")
    a.click("Désarchiver")


def download(a, path):
    """A staff download with the browser's cookies (Chromium would save it instead of showing
    it): the body as text."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in a.driver.get_cookies())
    request = urllib.request.Request(a.base_url + path, headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode("utf-8-sig")


def test_the_search_finds_a_pupil_and_keeps_the_filters_on_a_phone(admin_browser, school):
    a = admin_browser
    for typed in ("lefevre", "LEFÈVRE", "Lefèvre Sarah", "sarah lefevre", "lef", "000000000AB"):
        a.get(f"/admin/e/{UAI}/eleves")
        a.fill("Rechercher un élève", typed)
        a.click("Filtrer")
        names = [r.text for r in a.driver.find_elements(By.CSS_SELECTOR, "table.eleves tbody tr")]
        assert len(names) == 1 and "LEFÈVRE" in names[0], (typed, names)
        assert "recherche=" in a.driver.current_url
    # With the class filter kept: nobody of 5G is called Lefèvre; the search text stays.
    Select(a.field("Classe")).select_by_visible_text("5G")
    a.click("Filtrer")
    assert "Aucun élève trouvé pour « 000000000AB »." in a.text()
    assert a.field("Rechercher un élève").get_attribute("value") == "000000000AB"
    # Too long a text: the library's refusal, next to the field.
    a.get(f"/admin/e/{UAI}/eleves?recherche=" + "a" * 101)
    assert "Rechercher un élève" in a.driver.find_element(By.CSS_SELECTOR, ".erreurs").text
    # On a phone the search box fits the screen.
    a.driver.set_window_size(375, 800)
    try:
        a.get(f"/admin/e/{UAI}/eleves?recherche=martin")
        width = a.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 375
        assert len(a.driver.find_elements(By.CSS_SELECTOR, "table.eleves tbody tr")) == 2
    finally:
        a.driver.set_window_size(1024, 900)


def print_pdf(a):
    """The page the browser shows, printed by Chromium as « Imprimer » does, with the page's
    own paper size (A4, the library's @page rule)."""
    printed = a.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True,
                                                           "printBackground": True})
    return base64.b64decode(printed["data"])


def pdf_text(pdf, tmp_path):
    path = tmp_path / "fiches.pdf"
    path.write_bytes(pdf)
    pages = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout,
        re.M).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return path, pages, text


def test_the_slips_of_a_class_print_eight_or_one_a_page(admin_browser, school, server,
                                                        tmp_path):
    a = admin_browser
    a.get(f"/admin/e/{UAI}")
    Select(a.field("Classe")).select_by_visible_text("3H")
    a.click("Imprimer les fiches")
    assert a.path() == f"/admin/e/{UAI}/identifiants"
    with inscrire.open(server.location) as db:
        usernames = [l.username for l in db.learners(UAI, "3H", actor=operator())]
    assert all(usernames) and len(set(usernames)) == len(THIRD)
    a.shot("fiches-eleves")
    path, pages, text = pdf_text(print_pdf(a), tmp_path)
    assert pages == 2  # ten slips, eight a page
    for username in usernames:
        assert text.count(username) == 1, username
    for first, last in THIRD:
        assert first in text and last in text, (first, last)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")],
                   check=True)
    decoded = [subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                               str(png)], capture_output=True, text=True).stdout.split()
               for png in sorted(tmp_path.glob("page*.png"))]
    link = f"{server.url}/connexion"
    assert decoded == [[link] * 8, [link] * 2]

    # Sent once, never kept by a cache.
    headers, html = post_credentials(a, {"classe": "3H", "format": "fiches", "par_page": "8"})
    assert headers["Cache-Control"] == "no-store"
    assert headers["Content-Type"].startswith("text/html")
    assert all(username in html for username in usernames)

    # One a page, the class's accounts reset: every slip carries a temporary password.
    a.get(f"/admin/e/{UAI}")
    Select(a.field("Classe")).select_by_visible_text("3H")
    Select(a.field("Fiches par page")).select_by_visible_text("1 par page")
    a.field("Réinitialiser aussi les comptes existants de la classe").click()
    a.click("Imprimer les fiches")
    _, pages, text = pdf_text(print_pdf(a), tmp_path)
    assert pages == len(THIRD)
    for username in usernames:
        assert text.count(username) == 1, username


def post_credentials(a, fields):
    """The credentials form posted with the browser's cookie and the token of its page: the
    response's headers and page."""
    a.get(f"/admin/e/{UAI}")
    action = f"/admin/e/{UAI}/identifiants"
    token = HttpClient.token_for(a.driver.page_source, action)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in a.driver.get_cookies())
    body = urllib.parse.urlencode({"jeton": token, **fields}).encode()
    request = urllib.request.Request(a.base_url + action, data=body, headers={
        "Cookie": cookies, "Origin": a.base_url})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers, response.read().decode("utf-8")


def test_a_renamed_campaign_keeps_its_code_and_its_sheet_shows_the_new_name(admin_browser,
                                                                            school):
    a = admin_browser
    a.get(f"/admin/e/{UAI}/campagnes/{school['5G']}")
    a.fill("Nouveau nom", "Pix 5G – premier trimestre")
    a.click("Renommer")
    assert a.heading() == "Pix 5G – premier trimestre"
    assert a.driver.find_element(By.CSS_SELECTOR, "dd.code").text == school["5G"]
    a.get(f"/admin/e/{UAI}/campagnes/{school['5G']}/fiche")
    assert "Pix 5G – premier trimestre" in a.text()
    # A name with a control character is refused next to its field.
    a.get(f"/admin/e/{UAI}/campagnes/{school['5G']}")
    # (typed keys cannot hold one: the value is set as a pasted text would be)
    a.driver.execute_script("arguments[0].value = arguments[1]", a.field("Nouveau nom"),
                            "Pix\u0007 5G")
    a.click("Renommer")
    assert a.driver.find_element(By.CSS_SELECTOR, ".message-erreur").text
    assert a.heading() == "Pix 5G – premier trimestre"


def test_what_the_library_refuses_is_access_denied(server, school, browser, screenshots):
    """A MEMBER who does not own 3H's campaign is offered neither « Supprimer la
    participation » nor « Renommer », and a hand-made POST with a valid token is refused by the
    library: « Accès refusé », 403, the participation still there."""
    b = browser
    b.forget()
    b.get(f"/c/{school['3H']}")
    register(b, "Noé", "DURAND", "07/07/2014")
    choose_password(b, PASSWORD)
    noe = b.driver.find_element(By.CSS_SELECTOR, "[role=status] .identifiant").text
    m = Browser(server.url, screenshots)
    try:
        accept_invitation(m, invite(server.location, UAI, "MEMBER"), "p.martin", "Paul Martin")
        m.get(f"/admin/e/{UAI}/campagnes/{school['3H']}")
        main = m.driver.find_element(By.TAG_NAME, "main").text
        assert "Hors classe" in main and noe in main
        assert "Supprimer la participation" not in main and "Renommer" not in main
        base = f"/admin/e/{UAI}/campagnes/{school['3H']}"
        status, page = post_from(m, f"{base}/participation", {
            "jeton": minted_token(server, m, "participation-confirmed"), "identifiant": noe,
            "confirme": "oui"})
        assert status == 403 and "Accès refusé" in page
        status, page = post_from(m, f"{base}/renommer", {
            "jeton": minted_token(server, m, "campaign-rename"), "nom": "Pix 3H bis"})
        assert status == 403 and "Accès refusé" in page
        m.get(base)
        assert m.heading() == "Pix 3H" and noe in m.text()
    finally:
        m.quit()
