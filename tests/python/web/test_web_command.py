"""`python3 -m inscrire_web` as docs/web.md documents it: the URL printed, the secret file
checked before anything is opened, usage errors."""

import os
import subprocess
import sys
import urllib.request

import pytest

from webtest import make_secret


def run(*arguments, env=None):
    return subprocess.run([sys.executable, "-m", "inscrire_web", *arguments],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_the_database_is_required(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "INSCRIRE_DB"}
    result = subprocess.run([sys.executable, "-m", "inscrire_web", "--secret-file",
                             str(make_secret(tmp_path))], capture_output=True, text=True,
                            timeout=60, env=environment)
    assert result.returncode == 2
    assert "--db" in result.stderr


def test_the_secret_file_is_required(tmp_path):
    result = run("--db", str(tmp_path / "school.db"))
    assert result.returncode == 2
    assert "--secret-file" in result.stderr
    assert not (tmp_path / "school.db").exists()


@pytest.mark.parametrize("content, mode, message", [
    (None, 0o600, "No such file"),
    (b"x" * 31, 0o600, "at least 32 bytes"),
    (os.urandom(32), 0o644, "readable by its owner only"),
])
def test_an_unusable_secret_file_stops_the_start(tmp_path, content, mode, message):
    secret = tmp_path / "secret"
    if content is not None:
        secret.write_bytes(content)
        secret.chmod(mode)
    result = run("--db", str(tmp_path / "school.db"), "--secret-file", str(secret))
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "school.db").exists()  # nothing opened before the check
    assert content is None or content.hex() not in result.stderr


def test_the_admin_password_file_is_gone(tmp_path):
    result = run("--db", str(tmp_path / "school.db"), "--secret-file",
                 str(make_secret(tmp_path)), "--admin-password-file", str(tmp_path / "pw"))
    assert result.returncode == 2
    assert "unrecognized arguments: --admin-password-file" in result.stderr


@pytest.mark.parametrize("base_url", ["ftp://example.fr", "example.fr"])
def test_the_base_url_must_be_http(tmp_path, base_url):
    result = run("--db", str(tmp_path / "school.db"), "--secret-file",
                 str(make_secret(tmp_path)), "--base-url", base_url)
    assert result.returncode == 2 and "--base-url" in result.stderr


def test_it_prints_its_url_and_serves_the_pupil_and_staff_pages(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "inscrire_web", "--port", "0", "--secret-file",
         str(make_secret(tmp_path))], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "INSCRIRE_DB": str(tmp_path / "school.db")})
    try:
        first = process.stdout.readline()
        assert first.startswith("inscrire_web: http://127.0.0.1:")
        url = first.split()[1]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert "Saisir mon code" in response.read().decode("utf-8")
        with urllib.request.urlopen(url + "admin/connexion", timeout=30) as response:
            page = response.read().decode("utf-8")
            assert "Espace établissement" in page and "Code de vérification" in page
        assert (tmp_path / "school.db").stat().st_mode & 0o077 == 0  # 0600: pupils' data
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()
