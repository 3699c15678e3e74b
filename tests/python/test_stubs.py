"""The package type-checks: mypy --strict passes on it as built, reading the stub of the compiled
module (inscrire/_native.pyi), which mypy's stubtest compares with the module; and mypy refuses
assignments to the frozen results."""
import dataclasses
import os
import pathlib
import subprocess
import sys

import pytest

import inscrire

PACKAGE_PARENT = pathlib.Path(inscrire.__file__).resolve().parent.parent
PYPROJECT = pathlib.Path(__file__).resolve().parents[2] / "pyproject.toml"

RESULTS = [inscrire.Organization, inscrire.Learner, inscrire.PupilLearner, inscrire.Campaign,
           inscrire.RosterProblem, inscrire.ImportReport, inscrire.MatchReport,
           inscrire.Registration, inscrire.LoginResult, inscrire.Credential,
           inscrire.Credentials, inscrire.Membership, inscrire.StaffInvitation,
           inscrire.StaffLogin, inscrire.StaffSession, inscrire.SecondFactorEnrolment,
           inscrire.StaffMember, inscrire.PendingInvitation, inscrire.AuditRow, inscrire.Actor]


def run_mypy_tool(*args, cwd=None):
    env = dict(os.environ, MYPYPATH=str(PACKAGE_PARENT), PYTHONPATH=str(PACKAGE_PARENT))
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, check=False)


def test_mypy_strict_passes_on_the_package(tmp_path):
    checked = run_mypy_tool("mypy", "--no-incremental", "--config-file", str(PYPROJECT), "-p",
                            "inscrire", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_stubtest_finds_the_native_stub_faithful_to_the_module(tmp_path):
    # pybind11 makes its classes with a metaclass of its own, which a stub does not spell.
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text("inscrire._native.Database\n", encoding="utf-8")
    checked = run_mypy_tool("mypy.stubtest", "inscrire._native", "--allowlist", str(allowlist),
                            "--mypy-config-file", str(PYPROJECT), cwd=tmp_path)
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
