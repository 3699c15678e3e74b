"""The per-pupil slips of a 30-pupil class printed by a real browser (docs/rules.md §10).

Headless Chromium prints Credentials.slips_html to PDF (--print-to-pdf); poppler's pdfinfo
counts the pages, pdftotext reads each page's text and pdftoppm renders the pages that zbarimg
reads the QR codes from. Checked: the page count as chosen (8 a page, 1 a page), each username
once, each temporary password once and on its own pupil's slip, no password for the pupils who
had registered, every QR code decodes to the link, and names with <, &, ligatures and
non-Latin letters print as written. Run by ctest as `python_slips_tests` (labels python,
browser: not in the quick tier, which runs no browser).
"""

import math
import pathlib
import re
import subprocess
import tempfile
from typing import Dict, List

import pytest

import inscrire

from conftest import FAST, PASSWORD, SCHOOL, UAI

LINK = "https://inscrire.example.fr/connexion"
DIVISION = "5A"
# Names worth printing: markup characters, ligatures, other scripts.
NAMED = [
    ("Jean<Marc", "O'BRIEN & FILS"),
    ("Lou & Léo", "DURAND<BIS>"),
    ("Œnone", "CŒURDACIER"),
    ("Lætitia", "CÆSAR"),
    ("Анна", "ИВАНОВА"),
    ("Σοφία", "ΠΑΠΑΔΟΠΟΎΛΟΥ"),
]
HEADER = ("Identifiant unique*;Premier prénom*;Deuxième prénom;Troisième prénom;"
          "Nom de famille*;Nom d'usage;Code sexe*;Date de naissance (jj/mm/aaaa)*;"
          "Code commune naissance**;Libellé commune naissance**;Code département naissance*;"
          "Code pays naissance*;Statut*;Code MEF*;Division*")


def roster(path: pathlib.Path) -> List[Dict[str, str]]:
    """A CSV roster of one class of 30 pupils (UTF-8): the names above, then plain ones."""
    pupils = [{"first": first, "last": last} for first, last in NAMED]
    plain = ["Adam", "Basile", "Chloé", "Diane", "Élise", "Fanny", "Gaspard", "Hugo", "Inès",
             "Jules", "Kenza", "Louis", "Manon", "Nolan", "Olivia", "Paul", "Quentin", "Rose",
             "Sacha", "Théo", "Ulysse", "Victor", "Wendy", "Yanis"]
    pupils += [{"first": first, "last": "LAMBERT"} for first in plain]
    lines = [HEADER]
    for i, pupil in enumerate(pupils):
        pupil["ine"] = f"{100000000 + i:09d}AB"
        pupil["birthdate"] = f"{1 + i % 28:02d}/{1 + i % 12:02d}/2013"
        lines.append(f"{pupil['ine']};{pupil['first']};;;{pupil['last']};;Masculin;"
                     f"{pupil['birthdate']};75056;Paris;75;99100;ST;10010012110;{DIVISION}")
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert len(pupils) == 30
    return pupils


@pytest.fixture(scope="module")
def generation(tmp_path_factory):
    """The credentials of the class, two of whose pupils had registered first."""
    directory = tmp_path_factory.mktemp("slips")
    pupils = roster(directory / "roster.csv")
    with inscrire.open(directory / "school.db", **FAST) as db:
        db.create_organization(UAI, SCHOOL)
        db.import_roster(UAI, directory / "roster.csv")
        code = db.create_campaign(UAI, "Pix 5A", division=DIVISION).code
        registered = {db.register(code, pupil["first"], pupil["last"], pupil["birthdate"],
                                  PASSWORD).username for pupil in (pupils[6], pupils[15])}
        credentials = db.generate_credentials(UAI, DIVISION)
    assert credentials.report.created == 28 and credentials.report.unchanged == 2
    return directory, credentials, registered


def print_pdf(html: str, directory: pathlib.Path, name: str) -> pathlib.Path:
    """The page printed by headless Chromium, as root may run it, with a fresh profile."""
    page = directory / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    pdf = directory / f"{name}.pdf"
    with tempfile.TemporaryDirectory(prefix="inscrire-chromium-") as profile:
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                        "--no-pdf-header-footer", page.as_uri()],
                       check=True, capture_output=True, timeout=180)
    assert pdf.stat().st_size > 0
    return pdf


def page_count(pdf: pathlib.Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def page_texts(pdf: pathlib.Path, layout: bool = True) -> List[str]:
    """The text of each page (pdftotext separates pages with a form feed), its runs of white
    space as single spaces. With `layout`, the slips side by side stay apart."""
    text = subprocess.run(["pdftotext"] + (["-layout"] if layout else []) +
                          ["-enc", "UTF-8", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:page_count(pdf)]]


def qr_codes(pdf: pathlib.Path, directory: pathlib.Path) -> List[List[str]]:
    """The QR codes zbarimg reads on each page rendered at 150 dpi."""
    prefix = directory / pdf.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(prefix)], check=True)
    pages = []
    for png in sorted(directory.glob(f"{pdf.stem}-*.png")):
        decoded = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                                  str(png)], capture_output=True, text=True)
        pages.append([line for line in decoded.stdout.splitlines() if line])
    return pages


def occurrences(text: str, word: str) -> int:
    # A username or password as a whole word (a username is never the start of another here).
    return len(re.findall(r"(?<![\w.])" + re.escape(word) + r"(?![\w.])", text))


def test_eight_a_page_each_username_and_password_once_every_qr_code_read(generation):
    directory, credentials, registered = generation
    pdf = print_pdf(credentials.slips_html(LINK), directory, "eight")
    assert page_count(pdf) == math.ceil(30 / 8) == 4
    text = "\n".join(page_texts(pdf))
    for row in credentials:
        assert occurrences(text, row.username) == 1, row.username
        if row.username in registered:
            assert row.temporary_password is None
        else:
            assert row.temporary_password
            assert occurrences(text, row.temporary_password) == 1, row.username
    codes = qr_codes(pdf, directory)
    assert [len(page) for page in codes] == [8, 8, 8, 6]
    assert {code for page in codes for code in page} == {LINK}


def test_one_a_page_each_slip_holds_its_own_pupil_and_only_theirs(generation):
    directory, credentials, registered = generation
    pdf = print_pdf(credentials.slips_html(LINK, per_page=1), directory, "one")
    assert page_count(pdf) == 30
    pages = page_texts(pdf)
    passwords = {row.username: row.temporary_password for row in credentials}
    for page, row in zip(pages, credentials):
        assert occurrences(page, row.username) == 1
        others = [name for name in passwords if name != row.username]
        assert not any(occurrences(page, name) for name in others), row.username
        for name in others:
            if passwords[name]:
                assert occurrences(page, passwords[name]) == 0, (row.username, name)
        if row.username in registered:
            assert "ton mot de passe habituel" in page
            assert "provisoire est valable" not in page
        else:
            assert occurrences(page, row.temporary_password) == 1
            assert "provisoire est valable jusqu'au" in page
        assert SCHOOL in page and f"classe {DIVISION}" in page
    assert [len(page) for page in qr_codes(pdf, directory)] == [1] * 30


def test_names_print_as_written(generation):
    directory, credentials, _ = generation
    pdf = print_pdf(credentials.slips_html(LINK), directory, "names")
    text = " ".join(page_texts(pdf, layout=False))
    for first, last in NAMED:
        assert f"{first} {last}" in text, (first, last)
    # The usernames of the other scripts are their transliterations.
    assert any(row.username.startswith("anna.ivanova") for row in credentials)
