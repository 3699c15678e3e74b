"""The application type-checks: mypy --strict, with the application's own configuration
(bindings/python/web/pyproject.toml), passes on the package as built, reading the library's
types (inscrire's stub of its compiled module) beside it."""

import os
import pathlib
import subprocess
import sys

import inscrire_web

PACKAGE_PARENT = pathlib.Path(inscrire_web.__file__).resolve().parent.parent
PYPROJECT = pathlib.Path(__file__).resolve().parents[3] / "bindings/python/web/pyproject.toml"


def test_mypy_strict_passes_on_the_application(tmp_path):
    assert (PACKAGE_PARENT / "inscrire_web" / "py.typed").exists()
    env = dict(os.environ, MYPYPATH=str(PACKAGE_PARENT), PYTHONPATH=str(PACKAGE_PARENT))
    checked = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--config-file",
                              str(PYPROJECT), "-p", "inscrire_web"], capture_output=True,
                             text=True, env=env, cwd=tmp_path, check=False, timeout=600)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found" in checked.stdout
