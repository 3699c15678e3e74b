"""RGAA 4.1 points of docs/web.md, checked in the browser on the pupil pages and the admin
login: lang="fr", a title and one h1 per page, a visible <label> for every field, the birth
date in a fieldset, autocomplete values, errors listed at the top and tied to their fields,
a visible focus, AA contrast of the text the pages use."""

import re

import pytest
from selenium.webdriver.common.by import By

from webtest import prepare_school


@pytest.fixture(scope="module")
def code(server, web_roster):
    return prepare_school(server.db_path, web_roster)


def pages(code):
    return ["/", "/code", f"/c/{code}", "/connexion", "/admin/connexion"]


def test_every_page_is_french_titled_and_labelled(browser, code):
    for path in pages(code):
        browser.get(path)
        d = browser.driver
        assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr", path
        assert browser.title().endswith("– inscrire"), path
        assert len(d.find_elements(By.TAG_NAME, "h1")) == 1, path
        for field in d.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
            if field.get_attribute("type") == "hidden":
                continue
            labels = d.find_elements(By.CSS_SELECTOR, f"label[for='{field.get_attribute('id')}']")
            assert len(labels) == 1 and labels[0].is_displayed() and labels[0].text, \
                (path, field.get_attribute("name"))


def test_the_sign_up_form_has_its_autocomplete_values_and_the_birth_date_fieldset(browser,
                                                                                  code):
    browser.get(f"/c/{code}")
    assert browser.field("Prénom").get_attribute("autocomplete") == "given-name"
    assert browser.field("Nom").get_attribute("autocomplete") == "family-name"
    birthdate = browser.field("Date de naissance (JJ/MM/AAAA)")
    assert birthdate.get_attribute("autocomplete") == "bday"
    fieldset = birthdate.find_element(By.XPATH, "ancestor::fieldset")
    assert fieldset.find_element(By.TAG_NAME, "legend").text == "Date de naissance"
    hint = browser.driver.find_element(By.ID, birthdate.get_attribute("aria-describedby"))
    assert "12/05/2013" in hint.text  # the expected format, shown
    browser.get("/connexion")
    assert browser.field("Identifiant").get_attribute("autocomplete") == "username"
    assert browser.field("Mot de passe").get_attribute("autocomplete") == "current-password"


def test_errors_are_listed_at_the_top_and_tied_to_their_fields(browser, code, screenshots):
    browser.get(f"/c/{code}")
    browser.fill("Date de naissance (JJ/MM/AAAA)", "31/02/2014")
    browser.click("Je m'inscris")
    d = browser.driver
    summary = d.find_element(By.CSS_SELECTOR, "main > .erreurs[role=alert]")
    links = summary.find_elements(By.TAG_NAME, "a")
    assert [l.get_attribute("hash") for l in links] == ["#prenom", "#nom", "#naissance"]
    assert browser.title().startswith("Erreur")
    assert [l.text for l in links] == ["Prénom", "Nom", "Date de naissance"]
    expected = {"prenom": "Écris ton prénom.", "nom": "Écris ton nom.",
                "naissance": "Cette date n'existe pas."}
    for link in links:
        name = link.get_attribute("hash")[1:]
        field = d.find_element(By.ID, name)
        assert field.get_attribute("aria-invalid") == "true"
        ids = field.get_attribute("aria-describedby").split()
        messages = [d.find_element(By.ID, i).text for i in ids if i.endswith("-erreur")]
        assert messages == [expected[name]]
        # Each error once (docs/web.md [v4]): next to its field, not again in the summary.
        assert browser.text().count(expected[name]) == 1
    browser.shot("erreurs-inscription")
    links[0].click()  # the summary's link takes the focus to the field
    assert d.switch_to.active_element.get_attribute("id") == "prenom"


def test_the_focus_is_visible(browser, code):
    browser.get("/code")
    field = browser.field("Code")
    field.click()
    assert field.value_of_css_property("outline-style") == "solid"
    assert field.value_of_css_property("outline-width") == "3px"
    button = browser.driver.find_element(By.CSS_SELECTOR, "main button")
    browser.driver.execute_script("arguments[0].focus()", button)
    assert button.value_of_css_property("outline-style") == "solid"


def luminance(css_color):
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css_color)[:3])
    return sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
               for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b)))


def contrast(foreground, background):
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def background_of(element):
    while element is not None:
        color = element.value_of_css_property("background-color")
        if not color.startswith("rgba(0, 0, 0, 0)"):
            return color
        parents = element.find_elements(By.XPATH, "..")
        element = parents[0] if parents and parents[0].tag_name != "html" else None
    return "rgb(255, 255, 255)"


def test_text_contrast_is_aa(browser, code):
    browser.get(f"/c/{code}")
    browser.click("Je m'inscris")  # with errors: the error colours are on the page too
    d = browser.driver
    selectors = ["h1", "main p", "label", ".aide", ".message-erreur", ".erreurs a",
                 "main button", "main a", ".pied p", "header a"]
    for selector in selectors:
        elements = d.find_elements(By.CSS_SELECTOR, selector)
        assert elements, selector
        for element in elements:
            ratio = contrast(element.value_of_css_property("color"), background_of(element))
            assert ratio >= 4.5, (selector, element.text, ratio)


def test_the_pupil_pages_fit_a_phone(browser, code):
    """RGAA 10.11: at 360 CSS pixels wide nothing needs a horizontal scroll."""
    size = browser.driver.get_window_size()
    browser.driver.set_window_size(360, 780)
    try:
        for path in ["/", "/code", f"/c/{code}", "/connexion"]:
            browser.get(path)
            width = browser.driver.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (path, width)
        browser.get(f"/c/{code}")
        browser.shot("telephone-je-m-inscris")
    finally:
        browser.driver.set_window_size(size["width"], size["height"])
