"""Two schools and three staff members in real browsers (docs/web.md, "Staff pages"): an ADMIN
of A, a MEMBER of A and an ADMIN of B. The operator invites each school's first ADMIN (what
`inscrire staff invite UAI --role admin` does); invitations are accepted at
/admin/invitation/CODE, the ADMINs enrol the second factor and use it to log in again; each
member sees only their schools, URLs edited across schools are refused with the same « Accès
refusé » as a school that does not exist, the MEMBER is kept out of « Journal », « Équipe » and
the import, and the journal shows who did what, refusals included.
"""

import re
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

import inscrire
from inscrire_web.security import FormTokens, Keys
from webtest import (SCHOOL, SCHOOL_B, UAI, UAI_B, Browser, accept_invitation,
                     enrol_second_factor, invite, make_roster, prepare_school, staff_log_in,
                     visible_text)

NOWHERE = "0999999Z"  # a well-formed UAI of no school


@pytest.fixture(scope="module")
def schools(server, tmp_path_factory):
    """Schools A and B made by the operator, and a roster for A (imported by its ADMIN)."""
    prepare_school(server.location, uai=UAI, name=SCHOOL)
    prepare_school(server.location, uai=UAI_B, name=SCHOOL_B)
    return make_roster(tmp_path_factory.mktemp("roster-a") / "ElevesSansAdresses.xml",
                       pupils=40, seed=5, edge_cases=False)


@pytest.fixture(scope="module")
def people(server, screenshots):
    opened = {name: Browser(server.url, screenshots) for name in ("admin_a", "member_a",
                                                                   "admin_b")}
    yield opened
    for browser in opened.values():
        browser.quit()


def denied_page(b: Browser, path: str) -> str:
    """The page of a refused URL: « Accès refusé » with status 403 (read from the page's own
    request through the browser's cookies); returns the main text."""
    b.get(path)
    assert b.heading() == "Accès refusé", (path, b.text())
    status = b.driver.execute_script(
        "return performance.getEntriesByType('navigation')[0].responseStatus")
    assert status in (403, None), (path, status)  # Chromium 109+ reports the status
    return b.driver.find_element(By.TAG_NAME, "main").text


def minted_token(server, b: Browser, form: str) -> str:
    """A valid token of ``form`` for this browser, as a page of that form would carry: made
    with the deployment's secret, for the requests a page of the role does not offer (a
    MEMBER's hand-made import), so that the library, not the token, refuses them."""
    client = next(c["value"] for c in b.driver.get_cookies() if c["name"] == "inscrire_client")
    return FormTokens(Keys(server.secret.read_bytes()).forms, 3600).issue(client, form)


def post_from(b: Browser, path: str, fields: dict, upload: tuple = None) -> tuple:
    """A POST made with the browser's cookies (status, body), multipart when ``upload`` is
    (field, filename, bytes)."""
    import urllib.error
    import urllib.request
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in b.driver.get_cookies())
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             .encode() for k, v in fields.items()]
    if upload:
        name, filename, content = upload
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: text/xml\r\n\r\n'.encode()
                     + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(b.base_url + path, body, headers={
        "Cookie": cookies, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8")


def team_invites(b: Browser, role_label: str) -> str:
    """« Inviter un membre » on the team page: returns the link shown once."""
    Select(b.field("Rôle")).select_by_visible_text(role_label)
    b.click("Inviter un membre")
    assert "Invitation créée" in b.text()
    code = b.driver.find_element(By.ID, "code-invitation").text
    link = b.driver.find_element(By.ID, "lien-invitation").text
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
    assert link == f"{b.base_url}/admin/invitation/{code}"
    return link[len(b.base_url):]


def test_two_schools_three_staff_members(server, schools, people, screenshots):
    a, m, b = people["admin_a"], people["member_a"], people["admin_b"]

    # 1. The first ADMIN of A accepts the operator's invitation and enrols a second factor
    #    (the `admins` policy: nothing else is allowed before), then imports A's roster.
    accept_invitation(a, invite(server.location, UAI, "ADMIN"), "m.durand", "Marie Durand")
    app_a = enrol_second_factor(a)
    assert a.path() == f"/admin/e/{UAI}" and a.heading().startswith(SCHOOL)
    a.field("Fichier à importer").send_keys(str(schools))
    a.click("Importer")
    assert a.heading() == "Import terminé"
    a.click("Retour à l'établissement")
    a.fill("Nom de la campagne", "Pix 5A")
    a.click("Créer la campagne")
    campaign_a = a.driver.find_element(By.CSS_SELECTOR, "dd.code").text

    # 2. She invites a teacher: the code and the link are shown once.
    a.click("Équipe", within="header")
    link = team_invites(a, "Membre")
    a.shot("staff-equipe-invitation")
    a.get(f"/admin/e/{UAI}/equipe")
    assert link.rsplit("/", 1)[1] not in a.text()  # never shown again
    assert "Invitations en attente" in a.text() and "m.durand" in a.text()

    # 3. The teacher accepts: a MEMBER, no second factor asked, only school A, no « Journal »,
    #    « Équipe » nor import.
    m.get(link)
    m.shot("staff-invitation-compte")
    accept_invitation(m, link.rsplit("/", 1)[1], "p.martin", "Paul Martin")
    assert m.path() == f"/admin/e/{UAI}", m.text()
    menu = m.driver.find_element(By.CSS_SELECTOR, "header nav").text
    assert "Journal" not in menu and "Équipe" not in menu and "Élèves" in menu
    assert "Importer la base élèves" not in m.text()
    m.get("/admin/")
    assert m.path() == f"/admin/e/{UAI}"  # one school: straight to it
    m.get(f"/admin/e/{UAI}/eleves")
    assert "Élèves et comptes" == m.heading()
    assert not m.driver.find_elements(By.CSS_SELECTOR, "button[value=dissocier]")

    # 4. URL editing: another school, a school that does not exist, the journal, the team,
    #    the import: the same « Accès refusé », status 403.
    other = denied_page(m, f"/admin/e/{UAI_B}")
    assert denied_page(m, f"/admin/e/{NOWHERE}") == other
    assert denied_page(m, f"/admin/e/{UAI_B}/eleves") == other
    assert denied_page(m, f"/admin/e/{UAI}/journal") == other
    m.shot("staff-acces-refuse")
    assert denied_page(m, f"/admin/e/{UAI}/equipe") == other
    status, page = post_from(m, f"/admin/e/{UAI}/import",
                             {"jeton": minted_token(server, m, "import")},
                             ("fichier", "eleves.xml", schools.read_bytes()))
    assert status == 403 and "Accès refusé" in page
    # A campaign of the ADMIN's: the MEMBER may look, not archive (the library refuses).
    m.get(f"/admin/e/{UAI}/campagnes/{campaign_a}")
    assert "Archiver" not in m.driver.find_element(By.TAG_NAME, "main").text
    m.get(f"/admin/e/{UAI}/campagnes/{campaign_a}/archiver")
    m.click("Confirmer")
    assert m.heading() == "Accès refusé"
    # His own campaign: he owns it, he may archive it (after the confirmation).
    m.get(f"/admin/e/{UAI}")
    m.fill("Nom de la campagne", "Pix 5A, atelier de M. Martin")
    m.click("Créer la campagne")
    assert "Créée par" in m.text() and "p.martin" in m.text()
    m.click("Archiver")
    assert m.heading().startswith("Archiver la campagne")
    m.click("Confirmer")
    assert "Archivée" in m.text()

    # 5. The ADMIN of B: her school only; A's pages and A's campaign under B's URL refused.
    accept_invitation(b, invite(server.location, UAI_B, "ADMIN"), "n.leroy", "Nadia Leroy")
    enrol_second_factor(b)
    assert b.path() == f"/admin/e/{UAI_B}" and b.heading().startswith(SCHOOL_B)
    assert denied_page(b, f"/admin/e/{UAI}") == other
    assert denied_page(b, f"/admin/e/{UAI_B}/campagnes/{campaign_a}") == other
    assert denied_page(b, f"/admin/e/{UAI}/campagnes/{campaign_a}") == other
    # Forms naming A's people under B's URL (a hand-made POST with a valid token): a learner of
    # A, a learner of nobody, A's MEMBER: the same « Accès refusé », 403.
    with inscrire.open(server.location) as db:
        ine_a = db.learners(UAI, None, actor=inscrire.Actor.operator("t"))[0].ine
    for fields in ({"action": "dissocier", "ine": ine_a},
                   {"action": "dissocier", "ine": "999999999ZZ"}):
        status, page = post_from(b, f"/admin/e/{UAI_B}/eleves",
                                 {"jeton": minted_token(server, b, "learner"), **fields})
        assert status == 403 and "<h1>Accès refusé</h1>" in page, fields
    for action in ("role", "retirer", "mot_de_passe", "verification"):
        status, page = post_from(b, f"/admin/e/{UAI_B}/equipe", {
            "jeton": minted_token(server, b, "team-confirmed"), "action": action,
            "membre": "p.martin", "role": "ADMIN", "confirme": "oui"})
        assert status == 403 and "<h1>Accès refusé</h1>" in page, action

    # 6. B's ADMIN invites A's ADMIN as a MEMBER of B; she accepts while logged in: her account
    #    now has two schools, and the school switcher.
    b.get(f"/admin/e/{UAI_B}/equipe")
    link_b = team_invites(b, "Membre")
    a.get(link_b)
    assert "Vous êtes connecté(e) en tant que m.durand" in a.text()
    a.click("Accepter l'invitation")
    assert a.heading() == "Mes établissements"
    schools_listed = [e.text for e in a.driver.find_elements(By.CSS_SELECTOR, "main li")]
    assert any(SCHOOL in s and "Administrateur" in s for s in schools_listed)
    assert any(SCHOOL_B in s and "Membre" in s for s in schools_listed)
    a.shot("staff-etablissements")
    a.click(SCHOOL_B)
    assert "Changer d'établissement" in a.driver.find_element(By.CSS_SELECTOR, "header").text
    assert "Journal" not in a.driver.find_element(By.CSS_SELECTOR, "header nav").text
    assert denied_page(a, f"/admin/e/{UAI_B}/journal") == other  # a MEMBER in B

    # 7. She logs out and in again: password, then the « Code de vérification ».
    a.click("Se déconnecter", within="header")
    assert a.heading() == "Espace établissement"
    a.fill("Identifiant", "m.durand")
    a.fill("Mot de passe", "Chardon-bleu-2024")
    a.click("Se connecter")
    assert "saisissez maintenant le code de vérification" in a.text()
    a.shot("staff-connexion")
    a.fill("Mot de passe", "Chardon-bleu-2024")
    a.fill("Code de vérification", "000000")
    a.click("Se connecter")
    assert "Code de vérification incorrect." in a.text()
    staff_log_in(a, "m.durand", app=app_a)
    assert a.heading() == "Mes établissements"

    # 8. The last ADMIN of A cannot make herself a MEMBER: the library's LAST_ADMIN, plainly.
    a.get(f"/admin/e/{UAI}/equipe")
    row = next(r for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
               if "m.durand" in r.text)
    a.press(row.find_element(By.CSS_SELECTOR, "button[value=role]"))
    assert "dernier administrateur" in a.text()

    # 9. A's journal: who did what, refusals included.
    a.get(f"/admin/e/{UAI}/journal")
    rows = [r.text for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
    a.shot("staff-journal")

    def logged(who, action, outcome):
        return any(who in r and action in r and outcome in r for r in rows)
    assert logged("Marie Durand", "Import de la base élèves", "Fait")
    assert logged("Marie Durand", "Invitation d'un membre", "Fait")
    assert logged("Paul Martin", "Invitation acceptée", "Fait")
    assert logged("Paul Martin", "Lecture du journal", "Refusé")
    assert logged("Paul Martin", "Import de la base élèves", "Refusé")
    assert logged("Paul Martin", "Archivage d'une campagne", "Refusé")
    assert logged("Paul Martin", "Archivage d'une campagne", "Fait")
    # B's ADMIN appears only for what A refused her (her URL editing), never for B's work.
    assert logged("Nadia Leroy", "Liste des campagnes", "Refusé")
    assert all("Refusé" in r for r in rows if "Nadia Leroy" in r)
    a.get(f"/admin/e/{UAI}/journal?action=import_roster")
    rows = [r.text for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert rows and all("Import de la base élèves" in r for r in rows)

    # 10. She removes the teacher (confirmed first): his session ends with his last school.
    a.get(f"/admin/e/{UAI}/equipe")
    row = next(r for r in a.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
               if "p.martin" in r.text)
    a.press(row.find_element(By.CSS_SELECTOR, "button[value=retirer]"))
    assert a.heading() == "Retirer p.martin de l'équipe de " + SCHOOL + " ?"
    a.click("Confirmer")
    assert "p.martin" not in a.driver.find_element(By.TAG_NAME, "main").text
    m.get(f"/admin/e/{UAI}")
    assert m.heading() == "Espace établissement"

    # No secret in a URL but the invitations' own links, nor in the server's output.
    for browser in (a, m, b):
        for url in browser.visited:
            assert "Chardon-bleu-2024" not in url
    assert "Chardon-bleu-2024" not in server.output()
    with inscrire.open(server.location) as db:
        assert {o.uai for o in db.organizations(actor=inscrire.Actor.operator("t"))} == {
            UAI, UAI_B}
