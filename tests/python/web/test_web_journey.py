"""The seed's procedure in a real browser, end to end (docs/web.md, "Tests").

An admin imports a roster made by tools/make-roster, creates the class campaign and prints the
class sheet (its QR code decoded from the screenshot); three pupils register: one with a typo in
their first name, a twin, and one already registered who is sent to log in; one logs out, logs
back in and resumes; one finishes and sends the results; the admin sees the statuses, resets a
password, and the pupil is made to choose a new one. No password or token ever appears in a
URL or in the server's output.
"""

import re
import subprocess

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from webtest import (ADMIN_PASSWORD, SCHOOL, UAI, HttpClient, log_in, log_in_as_admin,
                     register)

YEAR = 2014  # tools/make-roster's edge cases: pupils of 5A born in school year - 12
TWIN = ("Alian", "POE", f"01/03/{YEAR}", "alian.poe0103")
TYPO = ("Jean-Mark", "d'Artagnan", f"01/03/{YEAR}", "jeanmarc.dartagnan0103")
PASSWORDS = {"twin": "Tournesol42", "typo": "Pissenlit77", "new": "Coquelicot2026"}


@pytest.fixture(scope="module")
def campaign_code(admin_browser, web_roster):
    """The admin's start of the year: school, roster import (the report), class campaign."""
    b = admin_browser
    log_in_as_admin(b)
    b.fill("UAI", UAI)
    b.fill("Nom de l'établissement", SCHOOL)
    b.click("Ajouter")
    assert SCHOOL in b.heading()

    b.field("Fichier à importer").send_keys(str(web_roster))
    b.click("Importer")
    assert b.heading() == "Import terminé"
    report = b.text()
    # 80 pupils + 13 edge cases, of which 3 skipped: one has left, one has no INE, one no class
    assert "Élèves créés 90" in report
    assert "Lignes ignorées 3" in report
    b.shot("admin-import")

    b.click("Retour à l'établissement")
    b.fill("Nom de la campagne", "Pix 5A")
    Select(b.field("Classe de la campagne")).select_by_visible_text("5A")
    b.click("Créer la campagne")
    assert b.heading() == "Pix 5A"
    code = b.driver.find_element(By.CSS_SELECTOR, "dd.code").text
    assert re.fullmatch(r"[A-Z]{6}[2-9]{3}", code)
    b.shot("admin-campagne-vide")
    return code


def test_admin_prints_the_class_sheet_with_its_link_and_qr_code(admin_browser, campaign_code,
                                                                server):
    b = admin_browser
    b.get(f"/admin/campagne/{campaign_code}")
    b.click("Fiche élève à imprimer")
    link = f"{server.url}/c/{campaign_code}"
    assert link in b.text()
    assert f"{campaign_code[:6]} {campaign_code[6:]}" in b.text()
    assert b.driver.find_elements(By.CSS_SELECTOR, "svg[role=img]")
    # The page's own <style> applies under the CSP (its hash is allowed): the code is boxed.
    code_box = b.driver.find_element(By.CSS_SELECTOR, ".code")
    assert code_box.value_of_css_property("border-top-width") == "3px"
    shot = b.shot("fiche-classe")
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(shot)], capture_output=True,
                             text=True, check=True).stdout.split()
    assert decoded == [link]


def test_pupils_register_resume_finish_and_the_admin_follows(browser, admin_browser,
                                                             campaign_code, server):
    b, code = browser, campaign_code

    # 1. A typo in the first name, through the home page and the code page (typed in lower
    #    case with a hyphen): the username comes from the roster row.
    b.get("/")
    b.shot("accueil")
    b.click("Saisir mon code")  # the home page's button
    assert b.heading() == "Saisir mon code"
    b.fill("Code", f"{code[:3].lower()}-{code[3:]}")
    b.click("Continuer")
    assert b.path() == f"/c/{code}"
    assert b.heading() == "Je m'inscris"
    b.shot("je-m-inscris")
    register(b, *TYPO[:3])
    assert b.heading() == f"Votre identifiant : {TYPO[3]}"
    assert "Jean-Marc D'ARTAGNAN, classe 5A" in b.text()
    rule = "8 caractères dont une majuscule, une minuscule et un chiffre"
    assert rule in b.text()
    b.shot("identifiant")
    b.fill("Mot de passe", "court")
    b.click("Créer mon compte et commencer")
    summary = b.driver.find_element(By.CSS_SELECTOR, ".erreurs[role=alert]")
    assert rule in summary.text
    password_field = b.field("Mot de passe")
    assert password_field.get_attribute("aria-invalid") == "true"
    described = password_field.get_attribute("aria-describedby").split()
    assert any(rule in b.driver.find_element(By.ID, i).text for i in described if "erreur" in i)
    b.shot("erreur-mot-de-passe")
    b.fill("Mot de passe", PASSWORDS["typo"])
    b.click("Créer mon compte et commencer")
    assert b.path() == f"/campagne/{code}"
    assert "Votre compte est créé" in b.text() and TYPO[3] in b.text()
    b.shot("campagne-commencee")

    # 2. A twin, through the class sheet's direct link: her own account, not her brother's.
    b.forget_pupil()
    b.get(f"/c/{code}")
    register(b, *TWIN[:3])
    assert b.heading() == f"Votre identifiant : {TWIN[3]}"
    b.fill("Mot de passe", PASSWORDS["twin"])
    b.click("Créer mon compte et commencer")
    assert b.path() == f"/campagne/{code}"

    # 3. Already registered: the masked hint and « Se connecter », back into the campaign.
    b.forget_pupil()
    b.get(f"/c/{code}")
    register(b, "Jean-Marc", "D'ARTAGNAN", TYPO[2])
    assert b.heading() == "Vous avez déjà un compte"
    assert "j***.d***3" in b.text()
    b.shot("deja-inscrit")
    b.click("Se connecter")
    log_in(b, TYPO[3], PASSWORDS["typo"])
    assert b.path() == f"/campagne/{code}"

    # 4. The twin logs out, logs back in and resumes from « Mes campagnes ».
    b.forget_pupil()
    b.get("/connexion")
    b.shot("se-connecter")
    log_in(b, TWIN[3], PASSWORDS["twin"])
    assert b.heading() == "Mes campagnes"
    assert "Pix 5A" in b.text() and "Commencée" in b.text()
    b.shot("mes-campagnes")
    b.click("Se déconnecter", within="header")
    assert b.path() == "/"
    b.get("/mes-campagnes")
    assert b.heading() == "Se connecter"  # the session has ended
    log_in(b, TWIN[3], PASSWORDS["twin"])
    b.click("Reprendre Pix 5A")
    assert b.path() == f"/campagne/{code}"
    assert "La campagne a commencé" in b.text()

    # 5. She finishes and sends her results.
    b.click("J'ai terminé")
    assert "Terminée, résultats à envoyer" in b.text()
    b.shot("campagne-terminee")
    b.click("Envoyer mes résultats")
    assert "Vos résultats ont été envoyés" in b.text()

    # 6. The admin sees the statuses and who has not joined.
    a = admin_browser
    a.get(f"/admin/campagne/{code}")
    table = a.driver.find_elements(By.CSS_SELECTOR, "table")[0]
    assert table.find_element(By.TAG_NAME, "caption").text.startswith("Élèves visés")
    rows = [r.text for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert "Résultats envoyés" in next(r for r in rows if TWIN[3] in r)
    assert "Commencée" in next(r for r in rows if TYPO[3] in r)
    assert "Pas encore rejoint" in next(r for r in rows if "Allan" in r)  # the twin's brother
    assert sum("Pas encore rejoint" in r for r in rows) == len(rows) - 2
    heading = next(h.text for h in a.driver.find_elements(By.TAG_NAME, "h2")
                   if h.text.startswith("Pas encore rejoint"))
    assert heading == f"Pas encore rejoint ({len(rows) - 2})"
    a.shot("admin-participants")

    # 7. The admin resets the typo pupil's password; the pupil must choose a new one.
    a.get(f"/admin/e/{UAI}/eleves?classe=5A")
    a.shot("admin-eleves")
    row = next(r for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
               if TYPO[3] in r.text)
    assert "Compte actif" in row.text
    a.press(row.find_element(By.CSS_SELECTOR, "button[value=reinitialiser]"))
    assert a.heading() == "Mot de passe provisoire"
    temporary = a.driver.find_element(By.ID, "provisoire").text
    assert re.fullmatch(r"[a-z]{6}[0-9]{2}", temporary)
    a.get(f"/admin/e/{UAI}/eleves?classe=5A")
    row = next(r for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
               if TYPO[3] in r.text)
    assert "Doit changer son mot de passe" in row.text
    assert temporary not in a.text()  # shown once

    b.forget_pupil()
    b.get("/connexion")
    log_in(b, TYPO[3], PASSWORDS["typo"])  # the old password no longer works
    assert "Identifiant ou mot de passe incorrect." in b.text()
    log_in(b, TYPO[3], temporary)
    assert b.heading() == "Choisir un nouveau mot de passe"
    b.shot("nouveau-mot-de-passe")
    b.fill("Nouveau mot de passe", PASSWORDS["new"])
    b.fill("Confirmer le nouveau mot de passe", PASSWORDS["new"])
    b.click("Enregistrer le mot de passe")
    assert b.heading() == "Mes campagnes"
    b.forget_pupil()
    b.get("/connexion")
    log_in(b, TYPO[3], PASSWORDS["new"])
    assert b.heading() == "Mes campagnes"

    # 8. A second campaign for the class: the logged-in pupil joins it with his account.
    a.get(f"/admin/e/{UAI}")
    a.fill("Nom de la campagne", "Pix 5A, second trimestre")
    Select(a.field("Classe de la campagne")).select_by_visible_text("5A")
    a.click("Créer la campagne")
    second = a.driver.find_element(By.CSS_SELECTOR, "dd.code").text
    b.get(f"/c/{second}")
    assert f"Vous êtes connecté(e) : {TYPO[3]}" in b.text()
    b.click("Rejoindre la campagne")
    assert b.path() == f"/campagne/{second}"
    b.get("/mes-campagnes")
    cards = [c.find_element(By.TAG_NAME, "h2").text
             for c in b.driver.find_elements(By.CSS_SELECTOR, ".carte")]
    assert sorted(cards) == ["Pix 5A", "Pix 5A, second trimestre"]

    # 9. The twin's account is blocked by ten wrong passwords; the admin unblocks it.
    attacker = HttpClient(server.url)
    for _ in range(10):
        _, _, page = attacker.request("/connexion")
        attacker.request("/connexion", {"jeton": attacker.token_for(page, "/connexion"),
                                        "identifiant": TWIN[3], "mot_de_passe": "Mauvais123"})
    b.forget_pupil()
    b.get("/connexion")
    log_in(b, TWIN[3], PASSWORDS["twin"])
    assert "Compte bloqué temporairement" in b.text()
    a.get(f"/admin/e/{UAI}/eleves?classe=5A&etat=blocked")
    row = next(r for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
               if TWIN[3] in r.text)
    assert "Bloqué (temporairement)" in row.text
    a.press(row.find_element(By.CSS_SELECTOR, "button[value=debloquer]"))
    assert TWIN[3] not in a.text()  # no longer in the blocked filter
    log_in(b, TWIN[3], PASSWORDS["twin"])
    assert b.heading() == "Mes campagnes"

    # No secret in a URL or in the server's output.
    secrets = [*PASSWORDS.values(), temporary, ADMIN_PASSWORD]
    for url in b.visited + a.visited:
        assert not any(s in url for s in secrets), url
    output = server.output()
    assert not any(s in output for s in secrets)

