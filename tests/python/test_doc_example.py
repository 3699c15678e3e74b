"""The admin script of docs/python.md, run verbatim against a copy of the sample roster."""

import functools
import pathlib
import re

import inscrire
from conftest import FAST, UAI

ROOT = pathlib.Path(__file__).resolve().parents[2]


def doc_block(heading: str) -> str:
    """The first python block of the section of docs/python.md under `heading`."""
    text = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, f"no python block in the section {heading!r}"
    return found.group(1)


def doc_example() -> str:
    return doc_block("## Example: an admin script")


def staff_example() -> str:
    return doc_block("## Example: staff, actors and the audit log")


def test_the_doc_block_is_the_example_file():
    assert doc_example() == (ROOT / "bindings" / "python" / "examples" / "admin_script.py").read_text(encoding="utf-8")


def test_the_quick_start_compiles():
    text = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        compile(block, "docs/python.md", "exec")


def run_example(monkeypatch, database, roster, out, capsys):
    # The script opens the database with the default (slow) Argon2 cost: the suite uses small
    # parameters, everything else runs as written.
    monkeypatch.setattr(inscrire, "open", functools.partial(inscrire.open, **FAST))
    namespace = {"__name__": "admin_script_from_doc"}
    exec(compile(doc_example(), "docs/python.md", "exec"), namespace)
    status = namespace["main"](str(database), str(roster), str(out))
    return status, capsys.readouterr()


def test_the_doc_example_runs(tmp_path, roster, monkeypatch, capsys):
    database, out = tmp_path / "school.db", tmp_path / "out"
    status, printed = run_example(monkeypatch, database, roster, out, capsys)
    assert status == 0, printed.err
    assert "roster: " in printed.out

    with inscrire.open(database, **FAST) as db:
        campaigns = db.campaigns(UAI)
        divisions = sorted({learner.division for learner in db.learners(UAI)})
        assert sorted(c.division for c in campaigns) == divisions
        for division in divisions:
            csv = (out / f"identifiants-{division}.csv").read_text(encoding="utf-8")
            lines = csv.splitlines()
            assert lines[0] == "\ufeffClasse;Nom;Prénom;Identifiant;Mot de passe"
            assert len(lines) - 1 == len(db.learners(UAI, division))
            assert (out / f"pas-inscrits-{division}.csv").exists()
            sheet = (out / f"fiche-{division}.html").read_text(encoding="utf-8")
            assert "<html" in sheet
        # Allan logs in with the credentials of the CSV and joins his class's campaign.
        fifth = next(c for c in campaigns if c.division == "5A")
        rows = [line.split(";") for line in (out / "identifiants-5A.csv").read_text(encoding="utf-8").splitlines()]
        username, temporary = next((r[3], r[4]) for r in rows if r[1:3] == ["POE", "Allan"])
        change = db.login(username, temporary)
        assert change.password_change_required
        db.change_password_with_token(change.change_token, "Tournesol42")
        db.join_campaign(db.login(username, "Tournesol42").session_token, fifth.code)

    # Running again keeps the campaigns and shows one pupil fewer to chase in 5A.
    status, printed = run_example(monkeypatch, database, roster, out, capsys)
    assert status == 0
    missing = (out / "pas-inscrits-5A.csv").read_text(encoding="utf-8")
    assert "POE;Allan" not in missing and "POE;Alian" in missing
    with inscrire.open(database, **FAST) as db:
        assert len(db.campaigns(UAI)) == len(campaigns)


def test_the_doc_example_reports_a_refused_roster(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.xml"
    bad.write_text("<BEE_ELEVES><PARAMETRES><UAJ>0331234B</UAJ></PARAMETRES></BEE_ELEVES>", encoding="utf-8")
    status, printed = run_example(monkeypatch, tmp_path / "s.db", bad, tmp_path / "out", capsys)
    assert status == 1
    assert "roster refused" in printed.err


def test_the_staff_doc_block_is_the_example_file():
    example = ROOT / "bindings" / "python" / "examples" / "staff_team.py"
    assert staff_example() == example.read_text(encoding="utf-8")


def test_the_staff_example_runs(tmp_path, roster, monkeypatch, capsys):
    monkeypatch.setattr(inscrire, "open", functools.partial(inscrire.open, **FAST))
    namespace = {"__name__": "staff_team_from_doc"}
    exec(compile(staff_example(), "docs/python.md", "exec"), namespace)
    assert namespace["main"](str(tmp_path / "school.db"), str(roster)) == 0
    printed = capsys.readouterr().out.splitlines()
    assert "refused: FORBIDDEN" in printed
    assert printed[:3] == ["roster: 310 pupils", "5A: 17 pupils", "refused: FORBIDDEN"]
    log = [line.split(" ", 2)[2] for line in printed[3:]]  # without the time
    assert log == ["p.martin (MEMBER) invite_staff forbidden",
                   "p.martin (MEMBER) accept_staff_invitation ok",
                   "m.durand (ADMIN) invite_staff ok",
                   "m.durand (ADMIN) import_roster ok",
                   "m.durand (ADMIN) accept_staff_invitation ok"]
