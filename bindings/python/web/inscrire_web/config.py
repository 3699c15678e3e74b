"""Every option of the service, in one place: a configuration file (``--config``, TOML: the
package's ``/etc/inscrire/web.toml``), then the command line, fill a :class:`Config`, which
checks its values once; the application, the server, the management listener and the backup
read nothing else.

Each option is one key of the file and one flag of the command line, made from the one table
below (docs/web.md, "Options"): a key cannot exist without its flag. A value that is wrong,
unknown or missing stops the start with a message naming the key and where it came from.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pathlib
import stat
import tomllib
from typing import Any, Dict, List, Optional, Tuple

KIB = 1024
MIB = 1024 * KIB

#: The smallest secret accepted: 32 bytes from the CSPRNG (HMAC-SHA256's block of key material).
SECRET_MIN_BYTES = 32

#: The package's configuration file (debian/inscrire-web.web.toml).
PACKAGED_CONFIG = "/etc/inscrire/web.toml"


class ConfigError(ValueError):
    """An option that is wrong, unknown or missing, or a secret file that cannot be used: the
    service does not start. ``key`` names the option (the file's key; its flag is ``--`` and
    the key with dashes); the message says where the value came from once it is known."""

    def __init__(self, key: str, problem: str, where: Optional[str] = None) -> None:
        super().__init__(f"{where or key}: {problem}")
        self.key = key
        self.problem = problem

    def located(self, where: str) -> ConfigError:
        return ConfigError(self.key, self.problem, where)


@dataclasses.dataclass(frozen=True)
class Config:
    """The service's options (docs/web.md, "Options"); the field names are the keys."""

    db: str
    #: The deployment's shared secret (the file of ``secret_file``): the key of the form tokens,
    #: of the pupils' idle-session cookies and of the logs' client pseudonyms, the same on
    #: every server.
    secret: bytes = dataclasses.field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: Optional[str] = None
    threads: int = 8
    #: The reverse proxy whose X-Forwarded-For / X-Forwarded-Proto are believed; None: none.
    trusted_proxy: Optional[str] = None
    # waitress, sized for a class: a few hundred pupils loading pages in the same minute, and
    # connections left idle or fed slowly closed after channel_timeout seconds.
    connection_limit: int = 1000
    channel_timeout: int = 30
    #: A roster upload (SIECLE zip or XML, CSV): the file and its form.
    upload_limit_mib: int = 50
    #: Every other request body.
    form_limit_kib: int = 64
    #: A pupil's session ends after this many minutes without a page (a shared classroom
    #: computer); 0: only when the browser closes or the library's 8 hours end it.
    pupil_idle_minutes: int = 15
    #: How long a rendered form may wait before it is sent.
    form_token_minutes: int = 120
    #: A pupil's session ends after this many hours in all (the library's session_seconds).
    session_hours: int = 8
    #: A staff session ends after this many minutes unused, and this many hours in all.
    staff_session_idle_minutes: int = 30
    staff_session_hours: int = 8
    #: The library's second-factor policy for staff: "off", "admins" or "all".
    staff_second_factor: str = "admins"
    second_factor_key_file: Optional[str] = None
    #: Failed logins per client address, any usernames, in 10 minutes (pupils, and staff apart):
    #: a class of 35 behind one address typing a password wrong twice each stays under it.
    login_throttle_max_failures: int = 100
    #: Failed codes and identities per client address in 10 minutes (the library's default,
    #: sized for the same class: docs/security.md).
    throttle_max_failures: int = 100
    #: "auto": an older schema is migrated at start (SQLite: after a backup); "refuse": the
    #: service starts only on a current schema, migrated by `inscrire db migrate`.
    migrate: str = "auto"
    #: The management listener (/live, /ready, /metrics): "HOST:PORT", or "off".
    management: str = "127.0.0.1:9180"
    #: Where the daily backups and the backup before a migration go (SQLite); None: a folder
    #: "backups" beside the database file.
    backup_dir: Optional[str] = None
    #: How many daily backups are kept (the oldest are removed).
    backups_kept: int = 14

    def __post_init__(self) -> None:
        if not self.db:
            raise ConfigError("db", "missing: a database file or postgresql://… URL "
                              "(the configuration file's db, --db or INSCRIRE_DB)")
        if len(self.secret) < SECRET_MIN_BYTES:
            raise ConfigError("secret_file", f"must hold at least {SECRET_MIN_BYTES} bytes")
        if self.base_url is not None and not self.base_url.startswith(("http://", "https://")):
            raise ConfigError("base_url", "must start with http:// or https://")
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ConfigError(name, f"must be between {low} and {high}, not {value}")
        for name, choices in CHOICES.items():
            if getattr(self, name) not in choices:
                raise ConfigError(name, f"must be {' or '.join(choices)}, "
                                        f"not {getattr(self, name)!r}")
        if self.staff_session_hours * 60 < self.staff_session_idle_minutes:
            raise ConfigError("staff_session_hours", "must be at least staff_session_idle_minutes")
        management = self.management_address
        if management is not None and management[1] != 0 and management == (self.host, self.port):
            raise ConfigError("management", "must not be the public address")

    @property
    def public_base_url(self) -> Optional[str]:
        return self.base_url.rstrip("/") if self.base_url else None

    @property
    def upload_limit(self) -> int:
        return self.upload_limit_mib * MIB

    @property
    def form_limit(self) -> int:
        return self.form_limit_kib * KIB

    @property
    def is_sqlite(self) -> bool:
        return not self.db.startswith(("postgresql://", "postgres://"))

    @property
    def backups(self) -> pathlib.Path:
        """The backups' folder (SQLite)."""
        if self.backup_dir:
            return pathlib.Path(self.backup_dir)
        return pathlib.Path(self.db).resolve().parent / "backups"

    @property
    def management_address(self) -> Optional[Tuple[str, int]]:
        """(host, port) of the management listener; None when it is off."""
        if self.management == "off":
            return None
        host, separator, port = self.management.rpartition(":")
        host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
        if not separator or not host or not port.isdigit() or int(port) > 65535:
            raise ConfigError("management", f"must be HOST:PORT or off, not {self.management!r}")
        return host, int(port)

    def library_options(self) -> Dict[str, Any]:
        """The keyword arguments of ``inscrire.open``: every admin page acts as a staff member
        (``require_staff``), never as the operator."""
        options: Dict[str, Any] = {
            "require_staff": True,
            "staff_second_factor": self.staff_second_factor,
            "login_throttle_max_failures": self.login_throttle_max_failures,
            "throttle_max_failures": self.throttle_max_failures,
            "session_seconds": self.session_hours * 3600,
            "staff_session_idle_seconds": self.staff_session_idle_minutes * 60,
            "staff_session_seconds": self.staff_session_hours * 3600,
            "migrate": self.migrate,
        }
        if self.second_factor_key_file:
            options["second_factor_key_file"] = self.second_factor_key_file
        return options


RANGES = {"port": (0, 65535), "threads": (1, 256), "connection_limit": (10, 100_000),
          "channel_timeout": (5, 3600), "upload_limit_mib": (1, 2048),
          "form_limit_kib": (4, 16 * 1024), "pupil_idle_minutes": (0, 24 * 60),
          "form_token_minutes": (5, 7 * 24 * 60), "session_hours": (1, 30 * 24),
          "staff_session_idle_minutes": (1, 24 * 60), "staff_session_hours": (1, 7 * 24),
          "login_throttle_max_failures": (1, 100_000),
          "throttle_max_failures": (1, 100_000), "backups_kept": (1, 3650)}
CHOICES = {"staff_second_factor": ("off", "admins", "all"), "migrate": ("auto", "refuse")}

#: Every option: its key, type and help; ``secret_file`` stands for the field ``secret``.
OPTIONS: Tuple[Tuple[str, type, str], ...] = (
    ("db", str, "database file (SQLite) or postgresql://… URL, its password never in it "
                "(libpq's ~/.pgpass or PGPASSFILE); default: $INSCRIRE_DB"),
    ("secret_file", str, "a file of at least 32 random bytes, mode 600, the same on every "
                         "server (form tokens, pupils' sessions and log pseudonyms use it)"),
    ("host", str, "the address served (default 127.0.0.1)"),
    ("port", int, "the port served (default 8000; 0: any free port)"),
    ("base_url", str, "the public address pupils use, e.g. https://inscription.college.fr "
                      "(class sheet links, Secure cookies)"),
    ("threads", int, "waitress worker threads (default 8)"),
    ("trusted_proxy", str, "address of the reverse proxy whose X-Forwarded-For and "
                           "X-Forwarded-Proto headers are believed"),
    ("connection_limit", int, "open connections at most (default 1000)"),
    ("channel_timeout", int, "seconds before an idle connection is closed (default 30)"),
    ("upload_limit_mib", int, "a roster upload's size at most, in MiB (default 50)"),
    ("form_limit_kib", int, "any other request body's size at most, in KiB (default 64)"),
    ("pupil_idle_minutes", int, "a pupil is logged out after this long without a page "
                                "(default 15; 0: never)"),
    ("form_token_minutes", int, "how long a form may wait before it is sent (default 120)"),
    ("session_hours", int, "a pupil's session ends after this long in all (default 8)"),
    ("staff_session_idle_minutes", int, "a staff session ends after this long unused "
                                        "(default 30)"),
    ("staff_session_hours", int, "a staff session ends after this long in all (default 8)"),
    ("staff_second_factor", str, "off, admins (default) or all: who must use a second factor"),
    ("second_factor_key_file", str, "32 random bytes under which the staff's TOTP secrets "
                                    "are sealed"),
    ("login_throttle_max_failures", int, "failed logins per client address in 10 minutes "
                                         "(default 100)"),
    ("throttle_max_failures", int, "failed codes and identities per client address in 10 "
                                   "minutes (default 100)"),
    ("migrate", str, "auto (default: an older schema is migrated at start, after a backup on "
                     "SQLite) or refuse (start only on a current schema)"),
    ("management", str, "HOST:PORT of /live, /ready and /metrics (default 127.0.0.1:9180), "
                        "or off"),
    ("backup_dir", str, "the backups' folder (SQLite; default: backups beside the database)"),
    ("backups_kept", int, "daily backups kept (default 14)"),
)


def flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def read_secret(path: str) -> bytes:
    """The deployment's secret: a file of at least 32 random bytes, readable by its owner only
    (like an SSH key), the same file on every server of the deployment."""
    try:
        with open(path, "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            secret = file.read(4096)
    except OSError as error:
        raise ConfigError("secret_file", f"{error.strerror}: {path}") from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError("secret_file", f"{path} must be readable by its owner only (chmod 600)")
    if len(secret) < SECRET_MIN_BYTES:
        raise ConfigError("secret_file", f"{path} must hold at least {SECRET_MIN_BYTES} bytes "
                                         f"(head -c 32 /dev/urandom > {path})")
    return secret


def read_file(path: str) -> Dict[str, Any]:
    """The keys of a configuration file, each of a known name and of its option's type."""
    try:
        with open(path, "rb") as file:
            values = tomllib.load(file)
    except OSError as error:
        raise ConfigError("config", f"{error.strerror}: {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("config", f"{path} is not valid TOML: {error}") from error
    types = {key: kind for key, kind, _ in OPTIONS}
    for key, value in values.items():
        if key not in types:
            raise ConfigError(key, f"unknown key (known: {', '.join(types)})")
        # bool is an int to Python, never to an operator.
        if not isinstance(value, types[key]) or isinstance(value, bool):
            kind = "an integer" if types[key] is int else "a string"
            raise ConfigError(key, f"must be {kind}, not {value!r}")
    return values


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inscrire-web", description="inscrire's reference web application (docs/web.md; "
        "every option is also a key of the --config file)",
        argument_default=argparse.SUPPRESS)
    parser.add_argument("--config", help=f"a TOML file of these options' keys (the package's: "
                                         f"{PACKAGED_CONFIG}); the command line overrides it")
    for key, kind, text in OPTIONS:
        extra: Dict[str, Any] = {"choices": CHOICES[key]} if key in CHOICES else {}
        parser.add_argument(flag(key), dest=key, type=kind, help=text, **extra)
    return parser


def gather(argv: Optional[List[str]]) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """The options' values, and where each came from: the file's key, the environment, the
    flag (the command line overrides the file, which overrides INSCRIRE_DB)."""
    arguments = vars(_parser().parse_args(argv))
    values: Dict[str, Any] = {}
    sources: Dict[str, str] = {}
    if os.environ.get("INSCRIRE_DB"):
        values["db"], sources["db"] = os.environ["INSCRIRE_DB"], "INSCRIRE_DB"
    config_path = arguments.pop("config", None)
    if config_path is not None:
        try:
            read = read_file(config_path)
        except ConfigError as error:
            raise error.located("--config" if error.key == "config"
                                else f"{config_path}: {error.key}") from error
        for key, value in read.items():
            values[key], sources[key] = value, f"{config_path}: {key}"
    for key, value in arguments.items():
        values[key], sources[key] = value, flag(key)
    return values, sources


def build(values: Dict[str, Any], sources: Dict[str, str]) -> Config:
    """The Config of these values; a ConfigError names the key and where its value came
    from."""
    options: Dict[str, Any] = {"db": "", **values}
    try:
        secret_file = options.pop("secret_file", None)
        if secret_file is None:
            raise ConfigError("secret_file", "missing: the configuration file's secret_file or "
                                             "--secret-file")
        return Config(secret=read_secret(secret_file), **options)
    except ConfigError as error:
        raise error.located(sources.get(error.key, error.key)) from error


def from_arguments(argv: Optional[List[str]] = None) -> Config:
    """The configuration of the file and command line; exits with status 2 and a message
    naming the key otherwise."""
    try:
        return build(*gather(argv))
    except ConfigError as error:
        _parser().error(str(error))
