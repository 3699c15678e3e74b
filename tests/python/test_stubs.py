"""The type stubs (inscrire/__init__.pyi) say what the module does: mypy's stubtest compares them
with the module as built, and mypy refuses assignments to the frozen results."""
import dataclasses
import os
import pathlib
import subprocess
import sys

import pytest

import inscrire

PACKAGE_PARENT = pathlib.Path(inscrire.__file__).resolve().parent.parent

RESULTS = [inscrire.Organization, inscrire.Learner, inscrire.PupilLearner, inscrire.Campaign,
           inscrire.RosterProblem, inscrire.ImportReport, inscrire.MatchReport,
           inscrire.Registration, inscrire.LoginResult, inscrire.Credential,
           inscrire.Credentials]


def run_mypy_tool(*args, cwd=None):
    env = dict(os.environ, MYPYPATH=str(PACKAGE_PARENT), PYTHONPATH=str(PACKAGE_PARENT))
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, check=False)


# The str-valued enums inherit str.__new__'s typeshed signature, which enum replaces at run time:
# the one difference stubtest reports that is not ours.
ALLOWLIST = [
    f"inscrire.{name}.__new__"
    for name in ("MatchStatus", "LoginStatus", "ParticipationStatus", "LearnerState")
]


def test_stubtest_finds_the_stubs_faithful_to_the_module(tmp_path):
    allowlist = tmp_path / "allowlist.txt"
    # The stubs describe the library's API; the web application (inscrire.web) is an
    # application over it, with no stubs of its own: its modules are neither checked nor stubbed.
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n[mypy-inscrire.web.*]\nignore_errors = True\n", encoding="utf-8")
    allowlist.write_text("\n".join(ALLOWLIST) + "\n", encoding="utf-8")
    checked = run_mypy_tool("mypy.stubtest", "inscrire", "--allowlist", str(allowlist),
                            "--mypy-config-file", str(config), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("result", RESULTS, ids=lambda cls: cls.__name__)
def test_every_result_is_a_frozen_dataclass(result):
    assert dataclasses.is_dataclass(result)
    assert result.__dataclass_params__.frozen


def test_mypy_refuses_to_assign_a_result_field(tmp_path):
    program = tmp_path / "assigns.py"
    program.write_text(
        "import inscrire\n"
        "def f(report: inscrire.MatchReport, learner: inscrire.PupilLearner) -> None:\n"
        "    report.username = 'x'\n"
        "    learner.first_name = 'y'\n",
        encoding="utf-8")
    checked = run_mypy_tool("mypy", "--no-incremental", "--config-file", os.devnull,
                            str(program), cwd=tmp_path)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert checked.stdout.count("error:") == 2, checked.stdout
    assert "read-only" in checked.stdout or "frozen" in checked.stdout, checked.stdout
    # And the stubs themselves type-check.
    clean = tmp_path / "reads.py"
    clean.write_text(
        "import inscrire\n"
        "def f(report: inscrire.MatchReport) -> str:\n"
        "    return report.learner.first_name if report.learner else ''\n",
        encoding="utf-8")
    checked = run_mypy_tool("mypy", "--no-incremental", "--config-file", os.devnull, str(clean),
                            cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
