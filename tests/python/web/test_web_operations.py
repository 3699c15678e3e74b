"""The web service as an operator runs it (docs/web.md, "Options", "Seeing the service", "Logs";
docs/deployment.md, "Backups"): the configuration file, whose every key is an option and whose
wrong, unknown or missing values stop the start naming the key; the management listener's
/live, /ready and /metrics; the JSON log lines; the backups of SQLite, daily and before a
migration; a server told `migrate = "refuse"`."""

import json
import os
import pathlib
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

import inscrire
from inscrire_web import config as configuration
from webtest import (UAI, Server, make_roster, make_secret, operator, prepare_school,
                     register_over_http)


def run(*arguments, env=None):
    environment = {k: v for k, v in os.environ.items() if k != "INSCRIRE_DB"}
    return subprocess.run([sys.executable, "-m", "inscrire_web", *arguments],
                          capture_output=True, text=True, timeout=60,
                          env={**environment, **(env or {})})


def write_config(path: pathlib.Path, text: str) -> pathlib.Path:
    path.write_text(text, encoding="utf-8")
    return path


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


# --- The configuration --------------------------------------------------------------------------


def test_every_option_is_a_key_a_flag_and_a_field():
    keys = {key for key, _, _ in configuration.OPTIONS}
    fields = {field.name for field in configuration.dataclasses.fields(configuration.Config)}
    assert keys == (fields - {"secret"}) | {"secret_file"}
    usage = run("--help").stdout
    for key in keys:
        assert configuration.flag(key) in usage, key
    assert "--config" in usage


ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_the_packaged_file_and_the_manual_page_hold_every_key(tmp_path):
    packaged = ROOT / "bindings" / "python" / "web" / "web.toml"
    values = configuration.read_file(str(packaged))
    assert values["db"] == "/var/lib/inscrire/inscrire.db"
    assert values["secret_file"] == configuration.PACKAGED_CONFIG.replace("web.toml", "secret")
    values.update(db=str(tmp_path / "school.db"), secret_file=str(make_secret(tmp_path)))
    config = configuration.build(values, {})
    assert config.management_address == ("127.0.0.1", 9180) and config.migrate == "auto"
    commented = re.findall(r"^# ([a-z_]+) = ", packaged.read_text(), flags=re.M)
    keys = {key for key, _, _ in configuration.OPTIONS}
    assert keys == set(values) | set(commented)
    manual = (ROOT / "docs" / "man" / "inscrire-web.8").read_text()
    described = set(re.findall(r"^\.BR? (.*)$", manual, flags=re.M))
    assert not [key for key in keys
                if not any(re.search(rf"(^|\s){key}(\s|$)", line) for line in described)]


def test_the_file_is_read_and_the_command_line_overrides_it(tmp_path):
    secret = make_secret(tmp_path)
    path = write_config(tmp_path / "web.toml", f"""
db = "{tmp_path / 'school.db'}"
secret_file = "{secret}"
threads = 3
port = 8123
management = "off"
migrate = "refuse"
upload_limit_mib = 20
""")
    config = configuration.from_arguments(["--config", str(path), "--threads", "5"])
    assert (config.threads, config.port, config.migrate) == (5, 8123, "refuse")
    assert config.management_address is None and config.upload_limit == 20 * 1024 * 1024
    assert config.library_options()["migrate"] == "refuse"
    assert config.library_options()["session_seconds"] == 8 * 3600


@pytest.mark.parametrize("line, named", [
    ("threads = 0", "threads: must be between 1 and 256"),
    ("thread = 4", "thread: unknown key"),
    ('threads = "eight"', "threads: must be an integer"),
    ("migrate = true", "migrate: must be a string"),
    ('migrate = "sometimes"', "migrate: must be auto or refuse"),
    ('staff_second_factor = "some"', "staff_second_factor: must be off or admins or all"),
    ('management = "9180"', "management: must be HOST:PORT or off"),
    ("staff_session_hours = 1\nstaff_session_idle_minutes = 90",
     "staff_session_hours: must be at least staff_session_idle_minutes"),
    ('base_url = "inscription.college.fr"', "base_url: must start with http:// or https://"),
    ("port = [", "is not valid TOML"),
])
def test_a_wrong_value_stops_the_start_naming_its_key(tmp_path, line, named):
    path = write_config(tmp_path / "web.toml", f"""
db = "{tmp_path / 'school.db'}"
secret_file = "{make_secret(tmp_path)}"
{line}
""")
    result = run("--config", str(path))
    assert result.returncode == 2, result.stderr
    assert f"{path}: {named}" in result.stderr or (named in result.stderr and str(path) in
                                                   result.stderr), result.stderr
    assert not (tmp_path / "school.db").exists()  # nothing opened


def test_a_missing_value_or_file_is_named(tmp_path):
    path = write_config(tmp_path / "web.toml", f'db = "{tmp_path / "school.db"}"\n')
    result = run("--config", str(path))
    assert result.returncode == 2 and "secret_file: missing" in result.stderr
    result = run("--config", str(tmp_path / "absent.toml"))
    assert result.returncode == 2 and "--config: No such file" in result.stderr
    path = write_config(tmp_path / "web.toml", f'secret_file = "{make_secret(tmp_path)}"\n')
    result = run("--config", str(path))
    assert result.returncode == 2 and "db: missing" in result.stderr
    result = run("--config", str(path), "--db", str(tmp_path / "school.db"), "--threads", "0")
    assert result.returncode == 2 and "--threads: must be between 1 and 256" in result.stderr


# --- The management listener, the counters and the log -----------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    directory = tmp_path_factory.mktemp("operations")
    roster = make_roster(directory / "roster.xml", pupils=40, seed=11, edge_cases=False)
    server = Server(directory)
    code = prepare_school(server.location, roster)
    yield server, code
    server.stop()


def metric(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = rf"^{name}{{{wanted}}} (\S+)$" if labels else rf"^{name} (\S+)$"
    found = re.search(pattern, text, flags=re.M)
    assert found, (name, labels, text)
    return float(found.group(1))


def test_live_ready_and_a_registration_counted(served):
    server, code = served
    assert server.management_url and server.management_url != server.url
    assert get(server.management_url + "/live") == (200, "live\n")
    assert get(server.management_url + "/ready") == (200, "ready\n")
    status, before = get(server.management_url + "/metrics")
    assert status == 200
    assert metric(before, "inscrire_registrations_total") == 0
    assert metric(before, "inscrire_imports_total", result="done") == 0  # another process's
    with inscrire.open(server.location) as db:
        learner = db.learners(UAI, "5A", actor=operator())[0]
    username = register_over_http(server.url, code, learner)
    _, after = get(server.management_url + "/metrics")
    assert metric(after, "inscrire_registrations_total") == 1
    # Matched twice: the identity page's match, then the password page's registration.
    assert metric(after, "inscrire_matches_total", stage="exact") == 2
    assert metric(after, "inscrire_match_refusals_total", code="NO_NAME_MATCH") == 0
    assert metric(after, "inscrire_web_request_duration_seconds_count",
                  method="POST", route="pupil.choose_password") == 1
    assert get(server.management_url + "/nothing")[0] == 404
    assert get(server.url + "/metrics")[0] == 404  # never on the public port
    assert username not in server.output()  # the log names no pupil


def test_ready_answers_503_while_the_database_is_gone(served):
    server, _ = served
    moved = server.location.with_suffix(".away")
    server.location.rename(moved)
    try:
        status, body = get(server.management_url + "/ready")
        assert (status, body) == (503, "database: DATABASE_ERROR\n")
        assert get(server.management_url + "/live")[0] == 200
    finally:
        moved.rename(server.location)
    assert get(server.management_url + "/ready")[0] == 200


def test_every_log_line_is_json_and_names_pages_not_urls(served):
    server, code = served
    lines = [json.loads(line) for line in server.output().splitlines()]
    assert lines and all({"time", "level", "event"} <= set(line) for line in lines)
    requests = [line for line in lines if line["event"] == "request"]
    assert requests and all(set(line) == {"time", "level", "event", "method", "route",
                                          "status", "duration_ms", "client"}
                            for line in requests)
    assert {"pupil.choose_password", "pupil.signup"} <= {line["route"] for line in requests}
    assert all(re.fullmatch(r"[0-9a-f]{16}", line["client"]) for line in requests)
    assert code not in server.output() and "127.0.0.1\"" not in server.output()
    assert any(line["event"] == "start" for line in lines)


# --- Backups and migrations ---------------------------------------------------------------------


def previous_schema(path: pathlib.Path) -> int:
    """A SQLite database of the schema before the library's. The newest migration (6, the
    username stem) undone by hand: when a migration is added, undo it here instead."""
    inscrire.migrate_database(path)
    assert inscrire.database_status(path).library_schema_version == 6, "undo the new migration"
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE learners DROP COLUMN username_stem")
        db.execute("PRAGMA user_version = 5")
    db.close()
    return 5


def test_a_refusing_server_waits_for_the_migration_and_auto_backs_up_first(tmp_path):
    database = tmp_path / "school.db"
    prepare_school(database, make_roster(tmp_path / "roster.xml", pupils=20, seed=5,
                                         edge_cases=False))
    with inscrire.open(database) as db:
        pupils = len(db.learners(UAI, None, actor=operator()))
    previous = previous_schema(database)
    secret = make_secret(tmp_path)
    backups = tmp_path / "backups"
    refused = run("--db", str(database), "--secret-file", str(secret), "--migrate", "refuse",
                  "--management", "off", "--port", "0", "--backup-dir", str(backups))
    assert refused.returncode == 1
    assert json.loads(refused.stderr.splitlines()[-1])["error"] == "SCHEMA_TOO_OLD"
    assert inscrire.database_status(database).schema_version == previous
    assert not backups.exists()

    server = Server(tmp_path / "auto", location=database,
                    extra=["--backup-dir", str(backups)])
    try:
        assert inscrire.database_status(database).current
        taken = list(backups.glob("before-schema-6-*.db"))
        assert len(taken) == 1 and oct(taken[0].stat().st_mode & 0o777) == "0o600"
        assert inscrire.database_status(taken[0]).schema_version == previous
        with inscrire.open(taken[0], migrate="auto") as copy:
            assert len(copy.learners(UAI, None, actor=operator())) == pupils
        assert any(json.loads(line).get("event") == "backup"
                   for line in server.output().splitlines())
    finally:
        server.stop()


def test_the_daily_backup_keeps_the_newest(tmp_path):
    database = tmp_path / "school.db"
    prepare_school(database)
    secret = make_secret(tmp_path)
    arguments = ["backup", "--db", str(database), "--secret-file", str(secret),
                 "--backups-kept", "2"]
    backups = tmp_path / "backups"
    for day in range(3):
        result = run(*arguments)
        assert result.returncode == 0, result.stderr
        made = json.loads(result.stderr.splitlines()[-1])
        assert made["event"] == "backup" and made["reason"] == "daily"
        # Named by the second: the next one a second later.
        pathlib.Path(made["file"]).rename(backups / f"daily-2026120{day}T000000Z.db")
    kept = sorted(path.name for path in backups.iterdir())
    assert kept == ["daily-20261201T000000Z.db", "daily-20261202T000000Z.db"]
    assert oct(backups.stat().st_mode & 0o777) == "0o700"
    assert inscrire.check_database(backups / kept[-1]).sound
