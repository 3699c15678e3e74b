"""What an operator sees of the library from Python and the CLI (docs/deployment.md): the
counters of a database handle (``Database.stats()``, the library's ``Service::stats()``), the
migration policy, and ``inscrire db status | migrate | check | backup``."""

import dataclasses
import json
import os
import pathlib
import re
import stat
import subprocess

import pytest

import inscrire

from conftest import PASSWORD, UAI


def test_the_counters_follow_what_the_handle_did(school, campaign):
    before = school.stats()
    assert isinstance(before, inscrire.ServiceStats)
    assert before.imports == 1 and before.registrations == 0
    school.register(campaign.code, "Zoé", "Müller", "28/02/2014", PASSWORD)
    with pytest.raises(inscrire.NoMatch):
        school.register(campaign.code, "Paul", "Müller", "28/02/2014", PASSWORD)
    school.login("zoe.muller2802", PASSWORD)
    with pytest.raises(inscrire.AuthenticationError):
        school.login("zoe.muller2802", "Wrong1234")
    after = school.stats()
    assert after.registrations == 1
    assert after.matched_exact == 1
    assert after.refused_no_name_match == 1
    assert after.logins == 1 and after.login_failures == 1
    # Every field is a plain count: what a Prometheus exporter reads.
    assert all(isinstance(value, int) for value in dataclasses.astuple(after))


def test_a_new_handle_starts_at_zero(location, school):
    with inscrire.open(location) as other:
        assert set(dataclasses.astuple(other.stats())) == {0}


def test_a_refusing_handle_waits_for_the_migration(location):
    with pytest.raises(inscrire.DatabaseError) as refused:
        inscrire.open(location, migrate="refuse")
    assert refused.value.code == "SCHEMA_TOO_OLD"
    with pytest.raises(ValueError):
        inscrire.open(location, migrate="sometimes")
    inscrire.open(location).close()  # "auto" creates the schema
    with inscrire.open(location, migrate="refuse") as database:
        assert database.stats().registrations == 0


# --- inscrire db ... ---------------------------------------------------------------------------


def cli(location, *args):
    done = subprocess.run([os.environ["INSCRIRE_CLI"], "--db", str(location), "--json", *args],
                          capture_output=True, text=True, check=False)
    return done.returncode, json.loads(done.stdout)


def test_the_database_commands(location, tmp_path):
    if isinstance(location, pathlib.Path):
        status, reply = cli(location, "db", "status")
        assert (status, reply["error"]["code"]) == (1, "DATABASE_ERROR")  # nothing created
        assert not location.exists()
    status, reply = cli(location, "db", "migrate")
    assert status == 0 and reply["migrated_from"] == 0
    assert reply["schema_version"] == reply["library_schema_version"] > 0
    assert reply["pending_migrations"] == 0
    status, reply = cli(location, "db", "status")
    assert status == 0 and reply["pending_migrations"] == 0
    assert reply["engine"] == ("sqlite" if isinstance(location, pathlib.Path) else "postgresql")
    status, reply = cli(location, "db", "check")
    assert (status, reply["ok"], reply["problems"]) == (0, True, [])
    backup = tmp_path / "backup.db"
    status, reply = cli(location, "db", "backup", str(backup))
    if isinstance(location, pathlib.Path):
        assert status == 0 and reply["backup"] == str(backup)
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        status, reply = cli(location, "db", "backup", str(backup))
        assert (status, reply["error"]["code"]) == (1, "INVALID_ARGUMENT")
        assert "exists" in reply["error"]["message"]
    else:
        assert (status, reply["error"]["code"]) == (1, "INVALID_ARGUMENT")
        assert "pg_dump" in reply["error"]["message"]
        assert not backup.exists()


def test_the_database_functions_of_python(location, tmp_path):
    """inscrire.database_status, migrate_database, check_database and backup_database: what
    `inscrire db` does, for a Python script or the web service's /ready and backups."""
    before = inscrire.migrate_database(location)
    assert isinstance(before, inscrire.DatabaseStatus) and before.schema_version == 0
    status = inscrire.database_status(location)
    assert status.current and status.pending_migrations == 0
    assert status.engine == ("sqlite" if isinstance(location, pathlib.Path) else "postgresql")
    checked = inscrire.check_database(location)
    assert checked.sound and checked.problems == [] and checked.status == status
    backup = tmp_path / "backup.db"
    if isinstance(location, pathlib.Path):
        inscrire.backup_database(location, backup)
        assert inscrire.database_status(backup) == status
        with pytest.raises(inscrire.InvalidInput) as refused:
            inscrire.backup_database(location, backup)
        assert refused.value.code == "INVALID_ARGUMENT"
        with pytest.raises(inscrire.DatabaseError):
            inscrire.database_status(tmp_path / "absent.db")
        assert not (tmp_path / "absent.db").exists()
    else:
        with pytest.raises(inscrire.InvalidInput, match="pg_dump"):
            inscrire.backup_database(location, backup)


def test_a_damaged_file_fails_the_check(tmp_path):
    database = tmp_path / "school.db"
    assert cli(database, "org", "add", UAI, "Collège")[0] == 0
    with database.open("r+b") as file:
        file.seek(4096 * 2)
        file.write(b"\xff" * 2048)
    status, reply = cli(database, "db", "check")
    assert (status, reply["ok"], reply["error"]["code"]) == (1, False, "DATABASE_ERROR")


def test_the_cli_refuses_to_migrate_when_told(tmp_path):
    database = tmp_path / "school.db"
    status, reply = cli(database, "--migrate", "refuse", "org", "list")
    assert (status, reply["error"]["code"]) == (1, "SCHEMA_TOO_OLD")


# --- Help, the manual page and the completion ---------------------------------------------------


def run_cli(*args):
    return subprocess.run([os.environ["INSCRIRE_CLI"], *args], capture_output=True, text=True,
                          check=False)


def usage_commands():
    """The commands `inscrire --help` lists: the first word of each entry and of each
    alternative after " | " in it."""
    usage = run_cli("--help").stdout
    entries = [line for line in usage.splitlines() if line.startswith("  ") and line[2] != " "]
    words = {part.split()[0] for line in entries for part in line.split(" | ")}
    return sorted(word for word in words if re.fullmatch(r"[a-z][a-z-]*", word))


def test_every_command_answers_help_and_dash_dash_help_alike():
    commands = usage_commands()
    assert {"campaign", "db", "staff", "help", "demo"} <= set(commands)
    for command in commands:
        helped = run_cli("help", command)
        assert helped.returncode == 0, command
        entries = [line for line in helped.stdout.splitlines()[1:] if line.startswith("  ")]
        assert entries and all(command in line for line in entries
                               if line[2] != " "), (command, helped.stdout)
        asked = run_cli(command, "--help")
        assert (asked.returncode, asked.stdout) == (0, helped.stdout), command
    campaign = run_cli("campaign", "--help").stdout
    assert "campaign create" in campaign and "campaign archive" in campaign
    assert "unknown campaign action" not in campaign
    assert run_cli("help", "nonsense").returncode == 2


def test_the_manual_page_and_the_completion_name_every_command():
    root = pathlib.Path(__file__).resolve().parents[2]
    manual = (root / "docs" / "man" / "inscrire.1").read_text(encoding="utf-8")
    completion = (root / "tools" / "completion" / "inscrire").read_text(encoding="utf-8")
    listed = completion.split('local commands="', 1)[1].split('"', 1)[0].split()
    assert sorted(listed) == usage_commands()
    for command in usage_commands():
        assert re.search(r"(^|[\s,.])" + re.escape(command) + r"([\s,]|$)", manual), command


def test_the_debian_symbols_file_agrees_with_the_library_list():
    root = pathlib.Path(__file__).resolve().parents[2]
    listed = {line for line in (root / "capi" / "inscrire.symbols").read_text().split()
              if line.startswith("inscrire_")}
    lines = (root / "debian" / "libinscrire0.symbols").read_text().splitlines()
    assert lines[0] == "libinscrire.so.0 libinscrire0 #MINVER#"
    packaged = [line.split() for line in lines if line.startswith(" ")]
    assert {name.removesuffix("@Base") for name, _ in packaged} == listed
    assert all(name.endswith("@Base") for name, _ in packaged)


@pytest.mark.parametrize("line, expected", [
    ("inscrire d", {"demo", "dissociate", "db"}),
    ("inscrire db ", {"status", "migrate", "check", "backup"}),
    ("inscrire --migrate r", {"refuse"}),
    ("inscrire --db school.db campaign ", {"create", "list", "archive", "unarchive", "delete"}),
    ("inscrire learners --st", {"--state"}),
])
def test_the_bash_completion_completes(line, expected):
    """Through bash-completion itself, as an interactive shell calls it."""
    script = pathlib.Path(__file__).resolve().parents[2] / "tools" / "completion" / "inscrire"
    words = line.split() + ([""] if line.endswith(" ") else [])
    program = (
        "source /usr/share/bash-completion/bash_completion; source \"$1\"; shift; "
        "COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
        "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _inscrire; "
        "printf '%s\\n' \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "-c", program, "bash", str(script), *words],
                          capture_output=True, text=True, check=True)
    assert set(done.stdout.split()) == expected
