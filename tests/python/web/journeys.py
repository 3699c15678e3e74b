"""The admin's and the pupils' journeys of the seed's procedure, as steps the tests run on one
server (test_web_journey.py) and through nginx in front of two servers (test_web_proxy.py)."""

import pathlib
import re
import subprocess
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from webtest import (SCHOOL, UAI, Browser, HttpClient, accept_invitation, choose_password,
                     enrol_second_factor, invite, log_in, prepare_school, register,
                     secret)

YEAR = 2014  # tools/make-roster's edge cases: pupils of 5A born in school year - 12
TWIN = ("Alian", "POE", f"01/03/{YEAR}", "alian.poe0103")
TYPO = ("Jean-Mark", "d'Artagnan", f"01/03/{YEAR}", "jeanmarc.dartagnan0103")
PASSWORDS = {"twin": "Tournesol42", "typo": "Pissenlit77", "new": "Coquelicot2026"}
RULE = "8 caractères au moins, dont une majuscule, une minuscule et un chiffre"


def shot(b: Browser, name: str, shots: bool) -> None:
    if shots:
        b.shot(name)


def admin_start_of_year(a: Browser, location, roster, shots: bool = True):
    """The operator creates the school and invites its first ADMIN (what `inscrire org add` and
    `inscrire staff invite UAI --role admin` do); the ADMIN accepts the invitation in the
    browser, enrols the second factor, imports the roster (the report) and creates the class
    campaign. Returns the ADMIN's authenticator and the campaign's code."""
    prepare_school(location)
    code = invite(location, UAI, "ADMIN")
    a.get(f"/admin/invitation/{code}")
    shot(a, "staff-invitation", shots)
    accept_invitation(a, code, "m.durand", "Marie Durand")
    app = enrol_second_factor(a, "staff-verification" if shots else "")
    assert a.heading().startswith(SCHOOL), a.text()

    a.field("Fichier à importer").send_keys(str(roster))
    a.click("Importer")
    assert a.heading() == "Import terminé"
    report = a.text()
    # 80 pupils + 13 edge cases, of which 3 skipped: one has left, one has no INE, one no class
    assert "Élèves créés 90" in report
    assert "Lignes ignorées 3" in report
    shot(a, "admin-import", shots)

    a.click("Retour à l'établissement")
    a.fill("Nom de la campagne", "Pix 5A")
    Select(a.field("Classe de la campagne")).select_by_visible_text("5A")
    a.click("Créer la campagne")
    assert a.heading() == "Pix 5A"
    campaign = a.driver.find_element(By.CSS_SELECTOR, "dd.code").text
    assert re.fullmatch(r"[A-Z]{6}[2-9]{3}", campaign)
    assert a.path() == f"/admin/e/{UAI}/campagnes/{campaign}"
    shot(a, "admin-campagne-vide", shots)
    return app, campaign


def class_sheet_has_its_link_and_qr_code(a: Browser, code: str, base_url: str,
                                         shots: bool = True) -> None:
    a.get(f"/admin/e/{UAI}/campagnes/{code}")
    a.click("Fiche élève à imprimer")
    link = f"{base_url}/c/{code}"
    assert link in a.text()
    assert f"{code[:6]} {code[6:]}" in a.text()
    assert a.driver.find_elements(By.CSS_SELECTOR, "svg[role=img]")
    # The page's own <style> applies under the CSP (its hash is allowed): the code is boxed.
    code_box = a.driver.find_element(By.CSS_SELECTOR, ".code")
    assert code_box.value_of_css_property("border-top-width") == "3px"
    with tempfile.TemporaryDirectory(prefix="inscrire-sheet-") as scratch:
        # Not a documentation picture unless asked: the proxy test's goes to a scratch folder.
        picture = a.shot("fiche-classe", None if shots else pathlib.Path(scratch))
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(picture)], capture_output=True,
                                 text=True, check=True).stdout.split()
    assert decoded == [link]


def pupils_register(b: Browser, code: str, shots: bool = True) -> None:
    """A typo in the first name through the home and code pages; a twin through the class
    sheet's link; one already registered sent to log in and back into the campaign."""
    b.forget()
    b.get("/")
    shot(b, "accueil", shots)
    b.click("Saisir mon code")  # the home page's button
    assert b.heading() == "Saisir mon code"
    b.fill("Code", f"{code[:3].lower()}-{code[3:]}")
    b.click("Continuer")
    assert b.path() == f"/c/{code}"
    assert b.heading() == "Je m'inscris"
    shot(b, "je-m-inscris", shots)
    register(b, *TYPO[:3])
    assert b.heading() == f"Ton identifiant : {TYPO[3]}"
    assert "Jean-Marc D'ARTAGNAN, classe 5A" in b.text()
    assert b.text().count(RULE) == 1  # the rule, once
    shot(b, "identifiant", shots)
    b.fill("Mot de passe", "court")
    b.fill("Confirme ton mot de passe", "court")
    b.click("Créer mon compte et commencer")
    assert b.text().count(RULE) == 1  # still once: the error refers to it
    error = "Ce mot de passe ne respecte pas la règle."
    assert b.text().count(error) == 1
    password_field = b.field("Mot de passe")
    assert password_field.get_attribute("aria-invalid") == "true"
    assert password_field.get_attribute("value") == ""  # never shown again
    described = password_field.get_attribute("aria-describedby").split()
    assert any(error in b.driver.find_element(By.ID, i).text for i in described
               if "erreur" in i)
    shot(b, "erreur-mot-de-passe", shots)
    b.fill("Mot de passe", PASSWORDS["typo"])
    b.fill("Confirme ton mot de passe", PASSWORDS["typo"] + "x")
    b.click("Créer mon compte et commencer")
    assert "Les deux mots de passe ne sont pas identiques." in b.text()
    choose_password(b, PASSWORDS["typo"])
    assert b.path() == f"/campagne/{code}"
    assert "Ton compte est créé" in b.text() and TYPO[3] in b.text()
    shot(b, "campagne-commencee", shots)

    b.forget()
    b.get(f"/c/{code}")
    register(b, *TWIN[:3])
    assert b.heading() == f"Ton identifiant : {TWIN[3]}"
    choose_password(b, PASSWORDS["twin"])
    assert b.path() == f"/campagne/{code}"

    b.forget()
    b.get(f"/c/{code}")
    register(b, "Jean-Marc", "D'ARTAGNAN", TYPO[2])
    assert b.heading() == "Tu as déjà un compte"
    assert "j***.d***3" in b.text()
    shot(b, "deja-inscrit", shots)
    b.click("Se connecter")
    log_in(b, TYPO[3], PASSWORDS["typo"])
    assert b.path() == f"/campagne/{code}"


def pupil_resumes_and_finishes(b: Browser, code: str, shots: bool = True) -> None:
    """The twin logs out, logs back in, resumes from « Mes campagnes », finishes and sends."""
    b.forget()
    b.get("/connexion")
    shot(b, "se-connecter", shots)
    log_in(b, TWIN[3], PASSWORDS["twin"])
    assert b.heading() == "Mes campagnes"
    assert "Pix 5A" in b.text() and "Commencée" in b.text()
    shot(b, "mes-campagnes", shots)
    b.click("Se déconnecter", within="header")
    assert b.path() == "/"
    b.get("/mes-campagnes")
    assert b.heading() == "Se connecter"  # the session has ended
    log_in(b, TWIN[3], PASSWORDS["twin"])
    b.click("Reprendre Pix 5A")
    assert b.path() == f"/campagne/{code}"
    assert "La campagne a commencé" in b.text()
    b.click("J'ai terminé")
    assert "Terminée, résultats à envoyer" in b.text()
    shot(b, "campagne-terminee", shots)
    b.click("Envoyer mes résultats")
    assert "Tes résultats ont été envoyés" in b.text()


def admin_follows_and_resets(a: Browser, b: Browser, code: str, shots: bool = True) -> str:
    """The ADMIN sees the statuses and who has not joined, resets a password (confirmed, shown
    once); the pupil logs in with it and must choose a new one. Returns the temporary one."""
    a.get(f"/admin/e/{UAI}/campagnes/{code}")
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
    shot(a, "admin-participants", shots)

    a.get(f"/admin/e/{UAI}/eleves?classe=5A")
    shot(a, "admin-eleves", shots)
    row = next(r for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
               if TYPO[3] in r.text)
    assert "Compte actif" in row.text
    a.press(row.find_element(By.CSS_SELECTOR, "button[value=reinitialiser]"))
    assert a.heading() == "Réinitialiser le mot de passe de Jean-Marc D'ARTAGNAN ?"
    shot(a, "admin-confirmation", shots)
    a.click("Confirmer")
    assert a.heading() == "Mot de passe provisoire"
    temporary = secret(a.driver.find_element(By.ID, "provisoire").text)
    assert re.fullmatch(r"[a-z]{6}[0-9]{2}", temporary)
    a.get(f"/admin/e/{UAI}/eleves?classe=5A")
    row = next(r for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
               if TYPO[3] in r.text)
    assert "Doit changer son mot de passe" in row.text
    assert temporary not in a.text()  # shown once

    b.forget()
    b.get("/connexion")
    log_in(b, TYPO[3], PASSWORDS["typo"])  # the old password no longer works
    assert "Identifiant ou mot de passe incorrect." in b.text()
    log_in(b, TYPO[3], temporary)
    assert b.heading() == "Choisir un nouveau mot de passe"
    shot(b, "nouveau-mot-de-passe", shots)
    b.fill("Nouveau mot de passe", PASSWORDS["new"])
    b.fill("Confirme le nouveau mot de passe", PASSWORDS["new"])
    b.click("Enregistrer le mot de passe")
    assert b.heading() == "Mes campagnes"
    b.forget()
    b.get("/connexion")
    log_in(b, TYPO[3], PASSWORDS["new"])
    assert b.heading() == "Mes campagnes"
    return temporary


def second_campaign_joined(a: Browser, b: Browser) -> str:
    """A second campaign for the class: the logged-in pupil joins it with his account."""
    a.get(f"/admin/e/{UAI}")
    a.fill("Nom de la campagne", "Pix 5A, second trimestre")
    Select(a.field("Classe de la campagne")).select_by_visible_text("5A")
    a.click("Créer la campagne")
    second = a.driver.find_element(By.CSS_SELECTOR, "dd.code").text
    b.get(f"/c/{second}")
    assert f"Tu es connecté(e) : {TYPO[3]}" in b.text()
    b.click("Rejoindre la campagne")
    assert b.path() == f"/campagne/{second}"
    b.get("/mes-campagnes")
    cards = [c.find_element(By.TAG_NAME, "h2").text
             for c in b.driver.find_elements(By.CSS_SELECTOR, ".carte")]
    assert sorted(cards) == ["Pix 5A", "Pix 5A, second trimestre"]
    return second


def blocked_then_unblocked(a: Browser, b: Browser, base_url: str) -> None:
    """The twin's account is blocked by ten wrong passwords; the ADMIN unblocks it."""
    attacker = HttpClient(base_url)
    for _ in range(10):
        attacker.post_form("/connexion", "/connexion",
                           {"identifiant": TWIN[3], "mot_de_passe": "Mauvais123"})
    b.forget()
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
