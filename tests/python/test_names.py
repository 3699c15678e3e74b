"""Property tests of the name functions against small pure-Python references (random inputs
with fixed seeds; the hypothesis package is not used)."""

import datetime
import random
import re
import string

import pytest

import inscrire

ALNUM = set(string.ascii_lowercase + string.digits)
USERNAME = re.compile(r"^[a-z]+\.[a-z]+[0-9]{4}$")


def random_ascii(rng, max_length=40):
    return "".join(rng.choice(string.printable) for _ in range(rng.randint(0, max_length)))


def test_normalize_ascii_matches_reference():
    rng = random.Random(20240601)
    for _ in range(3000):
        text = random_ascii(rng)
        assert inscrire.normalize(text) == "".join(c for c in text.lower() if c in ALNUM), text


def test_username_part_ascii_matches_reference():
    rng = random.Random(7)
    for _ in range(3000):
        text = random_ascii(rng)
        assert inscrire.username_part(text) == "".join(c for c in text.lower() if c in string.ascii_lowercase)


def test_normalize_is_idempotent_and_ascii_on_any_script():
    rng = random.Random(42)
    alphabet = "aàâäçéèêëîïôöùûüÿœæßñÅØÆЖжАннаΑθήναΣσ王芳李明-' .0123456789"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        key = inscrire.normalize(text)
        assert set(key) <= ALNUM, (text, key)
        assert inscrire.normalize(key) == key
        assert set(inscrire.username_part(text)) <= set(string.ascii_lowercase)


def test_normalize_ignores_case_and_accents():
    pairs = [("Léa", "LEA"), ("Éloïse", "eloise"), ("Jean-Marc", "jean marc"), ("Œnone", "OENONE")]
    for left, right in pairs:
        assert inscrire.normalize(left) == inscrire.normalize(right)


def test_usernames_are_valid_for_random_names_and_dates():
    rng = random.Random(1234)
    alphabet = string.ascii_letters + "éèàçœ- '"
    for _ in range(2000):
        first = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 15)))
        last = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 15)))
        date = datetime.date(rng.randint(1990, 2020), rng.randint(1, 12), rng.randint(1, 28))
        name = inscrire.username(first, last, date)
        assert USERNAME.match(name), (first, last, name)
        assert inscrire.is_valid_username(name)
        assert name.endswith(f"{date.day:02d}{date.month:02d}")
        stem = name[:-4]
        expected_first = inscrire.username_part(first) or "prenom"
        expected_last = inscrire.username_part(last) or "nom"
        assert stem == f"{expected_first}.{expected_last}"
        assert inscrire.username(first, last, date.strftime("%d/%m/%Y")) == name


def test_is_valid_username_matches_the_regex():
    rng = random.Random(99)
    alphabet = "ab.z09Z_-é"
    samples = ["lea.martin1205", "a.b0000", "lea.martin120", "Lea.martin1205", ".b1234", "a.1234"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(3000)]
    samples += [rng.choice(["ab", "z"]) + "." + rng.choice(["ab", "z"]) + "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 5))) for _ in range(500)]
    for text in samples:
        assert inscrire.is_valid_username(text) == bool(USERNAME.match(text)), text


@pytest.mark.parametrize("text", ["", "   "])
def test_validate_name_refuses_blank(text):
    with pytest.raises(inscrire.InvalidInput):
        inscrire.validate_name(text)


def test_birthdate_round_trip():
    rng = random.Random(5)
    for _ in range(500):
        date = datetime.date(rng.randint(1900, 2020), rng.randint(1, 12), rng.randint(1, 28))
        for text in (date.strftime("%d/%m/%Y"), f"{date.day}/{date.month}/{date.year}",
                     date.strftime("%d.%m.%Y"), date.isoformat()):
            assert inscrire.parse_birthdate(text) == date
