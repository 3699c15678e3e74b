"""`python3 -m inscrire.web` as docs/web.md documents it: the URL printed, the admin pages off
without a password file, usage errors."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest


def run(*arguments, env=None):
    return subprocess.run([sys.executable, "-m", "inscrire.web", *arguments],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_the_database_is_required():
    environment = {k: v for k, v in os.environ.items() if k != "INSCRIRE_DB"}
    result = subprocess.run([sys.executable, "-m", "inscrire.web"], capture_output=True,
                            text=True, timeout=60, env=environment)
    assert result.returncode == 2
    assert "--db" in result.stderr


def test_a_missing_admin_password_file_stops_the_start(tmp_path):
    result = run("--db", str(tmp_path / "school.db"), "--admin-password-file",
                 str(tmp_path / "absent"))
    assert result.returncode == 2
    assert "admin password file" in result.stderr
    assert not (tmp_path / "school.db").exists()  # nothing opened before the check


@pytest.mark.parametrize("base_url", ["ftp://example.fr", "example.fr"])
def test_the_base_url_must_be_http(tmp_path, base_url):
    result = run("--db", str(tmp_path / "school.db"), "--base-url", base_url)
    assert result.returncode == 2 and "--base-url" in result.stderr


def test_it_prints_its_url_and_serves_without_admin_pages(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "inscrire.web", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "INSCRIRE_DB": str(tmp_path / "school.db")})
    try:
        first, second = process.stdout.readline(), process.stdout.readline()
        assert first.startswith("inscrire.web: http://127.0.0.1:")
        assert "admin pages are off" in second
        url = first.split()[1]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert "Saisir mon code" in response.read().decode("utf-8")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "admin/connexion", timeout=30)
        assert refused.value.code == 404
        refused.value.close()
        assert (tmp_path / "school.db").stat().st_mode & 0o077 == 0  # 0600: pupils' data
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()
