"""Pupils read « tu », as on the class sheet the library prints (docs/web.md [v4]): every
sentence a pupil page may show for a code of the library, and every pupil template, says « tu »,
never « vous »; the library's own messages (« vous », for adults) stay on the staff pages."""

import pathlib
import re

import inscrire
import inscrire_web
from inscrire_web import wording

TEMPLATES = pathlib.Path(inscrire_web.__file__).resolve().parent / "templates"
FORMAL = re.compile(r"\b(vous|votre|vos|réessayez|saisissez|vérifiez)\b", re.IGNORECASE)
# Codes a pupil page can meet (pupil.py): each has a sentence of its own; an unknown one gets the
# plain catch-all, never the library's adult sentence.
PUPIL_CODES = ["CAMPAIGN_NOT_FOUND", "CAMPAIGN_ARCHIVED", "CAMPAIGN_DELETED",
               "NO_LEARNER_FOR_BIRTHDATE", "NO_NAME_MATCH", "AMBIGUOUS_MATCH",
               "LEARNER_ALREADY_LINKED", "INVALID_BIRTHDATE", "INVALID_BIRTHDATE_FORMAT",
               "PASSWORD_TOO_WEAK", "PASSWORD_TOO_COMMON", "PASSWORD_CONTAINS_PERSONAL_INFO",
               "INVALID_CREDENTIALS", "ACCOUNT_TEMPORARILY_BLOCKED", "TOO_MANY_ATTEMPTS",
               "DATABASE_UNAVAILABLE", "SOMETHING_NEW"]


def test_every_pupil_sentence_says_tu():
    for code in PUPIL_CODES:
        sentence = wording.pupil_message(code)
        assert not FORMAL.search(sentence), (code, sentence)
        if code != "SOMETHING_NEW":  # a sentence of its own, not the catch-all
            assert sentence != wording.pupil_message("SOMETHING_NEW"), code
    # The library's own sentences are for adults: a pupil never reads them.
    assert FORMAL.search(inscrire.describe("TOO_MANY_ATTEMPTS", "fr"))
    for sentence in (wording.NOT_FOUND, wording.FORM_EXPIRED_PUPIL, wording.PUPIL_PASSWORD_RULE,
                     wording.IDLE_LOGOUT):
        assert not FORMAL.search(sentence), sentence


def test_a_wrong_name_and_a_wrong_birth_date_read_the_same():
    assert wording.pupil_message("NO_NAME_MATCH") == wording.pupil_message(
        "NO_LEARNER_FOR_BIRTHDATE") == wording.NOT_FOUND


def test_every_pupil_template_says_tu():
    pupil_templates = [p for p in TEMPLATES.glob("*.html")]
    assert len(pupil_templates) >= 10
    for template in pupil_templates:
        text = re.sub(r"{[{%#].*?[}%#]}", " ", template.read_text(encoding="utf-8"), flags=re.S)
        assert not FORMAL.search(text), (template.name, FORMAL.search(text))
