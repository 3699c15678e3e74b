"""Shared fixtures of the Python suite: a fresh database per test, the sample roster imported.

The `db` fixture (and `school`, `campaign` over it) runs every test that uses it on each
engine: SQLite, and PostgreSQL when INSCRIRE_TEST_POSTGRES_URL names a server (the test
command, scripts/setup test, starts one and always sets it), in a schema of its own dropped
after the test.

Run by ctest (test `python_tests`) with PYTHONPATH set to the build tree's package and
INSCRIRE_DATA_DIR to the repository's data/ directory; by hand:

    PYTHONPATH=build/bindings/python /usr/bin/python3 -m pytest -q -W error tests/python
"""

import itertools
import os
import pathlib
import shutil
import subprocess

import pytest

import inscrire

UAI = "0751234A"
SCHOOL = "Collège Victor Hugo"
PASSWORD = "Tournesol42"
# Small Argon2 parameters: the suite registers many pupils.
FAST = {"hash_memory_kib": 1024, "hash_iterations": 1}


def data_dir() -> pathlib.Path:
    configured = os.environ.get("INSCRIRE_DATA_DIR")
    if configured:
        return pathlib.Path(configured)
    return pathlib.Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def roster(tmp_path):
    """A private copy of the sample SIECLE roster (tests may modify it)."""
    copy = tmp_path / "siecle-0751234A.xml"
    shutil.copyfile(data_dir() / "siecle-0751234A.xml", copy)
    return copy


POSTGRES_URL = os.environ.get("INSCRIRE_TEST_POSTGRES_URL", "")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
_schemas = itertools.count()


def run_psql(sql: str) -> None:
    """Runs SQL on the PostgreSQL test server with psql, outside any inscrire connection."""
    subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", "-c", sql, POSTGRES_URL],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture
def postgres_url():
    """The URL of a fresh schema on the PostgreSQL test server, dropped after the test."""
    schema = f"pytest_{os.getpid()}_{next(_schemas)}"
    yield POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + "schema=" + schema
    run_psql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=ENGINES)
def location(request, tmp_path):
    """Where a test's database lives: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield tmp_path / "school.db"
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
def db(location):
    """An empty database with fast hashing, closed after the test."""
    with inscrire.open(location, **FAST) as database:
        yield database


@pytest.fixture
def school(db, roster):
    """The database with the sample school and its roster imported."""
    db.create_organization(UAI, SCHOOL)
    db.import_roster(UAI, roster)
    return db


@pytest.fixture
def campaign(school):
    """An active campaign for class 5A."""
    return school.create_campaign(UAI, "Pix 5A", division="5A")
