"""The source distribution carries what `pip install` of it needs (MANIFEST.in, setup.py).

The sdist is made from a copy of the checkout (nothing is written into the tree), then unpacked
and configured with the very CMake command setup.py runs for a pip build: a missing
CMakeLists.txt, cmake/ module or source directory fails here, not on a user's machine.
"""

import importlib.util
import pathlib
import shutil
import subprocess
import sys
import tarfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
# What the pip build compiles or reads; every file of these must be in the sdist.
BUILD_INPUTS = ["CMakeLists.txt", "MANIFEST.in", "pyproject.toml", "setup.py",
                "data/siecle-0751234A.xml", "docs/python.md"]
BUILD_DIRECTORIES = ["cmake", "include", "src", "capi", "bindings/python"]


def checkout_copy(destination: pathlib.Path) -> pathlib.Path:
    """The source tree without build directories and caches."""
    def ignored(directory, names):
        top = pathlib.Path(directory) == ROOT
        return [n for n in names
                if n in ("__pycache__", ".git") or n.endswith(".egg-info")
                or (top and (n.startswith("build") or n == "dist"))]
    return pathlib.Path(shutil.copytree(ROOT, destination / "tree", ignore=ignored))


def make_sdist(tree: pathlib.Path, dist: pathlib.Path) -> pathlib.Path:
    subprocess.run([sys.executable, "setup.py", "-q", "sdist", "-d", str(dist)], cwd=tree,
                   check=True, capture_output=True)
    archives = sorted(dist.glob("inscrire-*.tar.gz"))
    assert len(archives) == 1, archives
    return archives[0]


def setup_module_of(tree: pathlib.Path):
    spec = importlib.util.spec_from_file_location("inscrire_setup", tree / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not __main__: setup() is not called
    return module


def test_sdist_holds_every_build_input_and_configures(tmp_path):
    tree = checkout_copy(tmp_path)
    archive = make_sdist(tree, tmp_path / "dist")
    with tarfile.open(archive) as tar:
        members = {pathlib.PurePosixPath(m.name) for m in tar.getmembers() if m.isfile()}
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(tmp_path / "unpacked", **safe)
    top = pathlib.PurePosixPath(archive.name[: -len(".tar.gz")])
    expected = {top / name for name in BUILD_INPUTS}
    for directory in BUILD_DIRECTORIES:
        expected |= {top / path.relative_to(tree).as_posix()
                     for path in (tree / directory).rglob("*") if path.is_file()}
    assert sorted(str(p) for p in expected - members) == []

    unpacked = tmp_path / "unpacked" / top.name
    command = setup_module_of(unpacked).configure_command(unpacked, tmp_path / "configured")
    configured = subprocess.run(command, capture_output=True, text=True)
    assert configured.returncode == 0, configured.stdout + configured.stderr
    assert (tmp_path / "configured" / "build.ninja").exists() or \
        (tmp_path / "configured" / "Makefile").exists()
