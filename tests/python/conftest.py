"""Shared fixtures of the Python suite: a fresh database per test, the sample roster imported.

Run by ctest (test `python_tests`) with PYTHONPATH set to the build tree's package and
INSCRIRE_DATA_DIR to the repository's data/ directory; by hand:

    PYTHONPATH=build/bindings/python /usr/bin/python3 -m pytest -q -W error tests/python
"""

import os
import pathlib
import shutil

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


@pytest.fixture
def db(tmp_path):
    """An empty database with fast hashing, closed after the test."""
    with inscrire.open(tmp_path / "school.db", **FAST) as database:
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
