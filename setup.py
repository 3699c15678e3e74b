"""pip install . for the Python package: build_ext drives the project's CMake build.

The package's metadata is in pyproject.toml; this file adds what a static table cannot say:
the version, read from CMakeLists.txt, the native module, built by CMake, and the package's
place in the tree.

Offline on Debian 12, with Debian's setuptools (docs/python.md, "Install"):

    /usr/bin/python3 -m pip install --no-build-isolation --no-deps --target DIR .
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


def project_version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    found = re.search(r"project\(inscrire\s+VERSION\s+([0-9.]+)", text)
    if not found:
        raise RuntimeError("no project(inscrire VERSION ...) in CMakeLists.txt")
    return found.group(1)


def configure_command(source_dir: pathlib.Path, build_dir: pathlib.Path) -> list:
    """The CMake configuration of a pip build: the module only, with the running interpreter.
    (tests/python/test_packaging.py runs it on an unpacked sdist.)"""
    command = [
        "cmake", "-S", str(source_dir), "-B", str(build_dir),
        "-DCMAKE_BUILD_TYPE=Release",
        "-DINSCRIRE_BUILD_TESTS=OFF",
        "-DINSCRIRE_BUILD_BENCHMARKS=OFF",
        "-DINSCRIRE_BUILD_PYTHON=ON",
        f"-DPython3_EXECUTABLE={sys.executable}",
    ]
    if shutil.which("ninja") and not (build_dir / "CMakeCache.txt").exists():
        command += ["-G", "Ninja"]
    return command


class CMakeExtension(Extension):
    """An extension built by CMake (target inscrire_python) rather than by setuptools."""

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name, sources=[])
        self.target = target


class CMakeBuild(build_ext):
    """Configures the project with tests and benchmarks off and builds the module only."""

    def build_extension(self, ext: Extension) -> None:
        if not isinstance(ext, CMakeExtension):
            super().build_extension(ext)
            return
        build_dir = pathlib.Path(self.build_temp).resolve() / "cmake"
        jobs = os.environ.get("INSCRIRE_BUILD_JOBS", "2")
        subprocess.run(configure_command(ROOT, build_dir), check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", ext.target, "-j", jobs],
                       check=True)
        built = sorted((build_dir / "bindings" / "python" / "inscrire").glob("_native*.so"))
        if not built:
            raise RuntimeError("CMake did not produce inscrire/_native*.so")
        destination = pathlib.Path(self.get_ext_fullpath(ext.name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], destination)


if __name__ == "__main__":  # also under pip: setuptools.build_meta runs this file as __main__
    setup(
        version=project_version(),
        # Where the package lives (setuptools 66 calls [tool.setuptools] in pyproject.toml beta).
        # The web application is a project of its own: bindings/python/web/ (docs/web.md).
        packages=["inscrire"],
        package_dir={"inscrire": "bindings/python/inscrire"},
        package_data={"inscrire": ["py.typed", "_native.pyi"]},
        zip_safe=False,
        ext_modules=[CMakeExtension("inscrire._native", target="inscrire_python")],
        cmdclass={"build_ext": CMakeBuild},
        # Out of the CMake presets' build/ directory (still matched by .gitignore's /build*/).
        options={"build": {"build_base": "build-pip"}},
    )
