"""Every option of the application, in one place: the command line (``__main__``) fills a
:class:`Config`, which checks its values once; ``create_app`` and the server read nothing else.

A configuration file and a management listener (issue 24) will fill the same object.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import stat
from typing import Any, Dict, List, Optional

KIB = 1024
MIB = 1024 * KIB

#: The smallest secret accepted: 32 bytes from the CSPRNG (HMAC-SHA256's block of key material).
SECRET_MIN_BYTES = 32


class ConfigError(ValueError):
    """An option out of range, or a secret file that cannot be used: the server does not
    start."""


@dataclasses.dataclass(frozen=True)
class Config:
    """The application's options (docs/web.md, "Options")."""

    db: str
    #: The deployment's shared secret (``--secret-file``): the key of the form tokens and of the
    #: pupils' idle-session cookies, the same on every server.
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
    upload_limit: int = 50 * MIB
    #: Every other request body.
    form_limit: int = 64 * KIB
    #: A pupil's session ends after this many minutes without a page (a shared classroom
    #: computer); 0: only when the browser closes or the library's 8 hours end it.
    pupil_idle_minutes: int = 15
    #: How long a rendered form may wait before it is sent.
    form_token_minutes: int = 120
    #: The library's second-factor policy for staff: "off", "admins" or "all".
    staff_second_factor: str = "admins"
    second_factor_key_file: Optional[str] = None
    #: Failed logins per client address, any usernames, in 10 minutes (pupils, and staff apart):
    #: a class of 35 behind one address typing a password wrong twice each stays under it.
    login_throttle_max_failures: int = 100
    #: Failed codes and identities per client address in 10 minutes (the library's default,
    #: sized for the same class: docs/security.md).
    throttle_max_failures: int = 100

    def __post_init__(self) -> None:
        if not self.db:
            raise ConfigError("--db FILE|postgresql://… is required (or INSCRIRE_DB)")
        if len(self.secret) < SECRET_MIN_BYTES:
            raise ConfigError(f"the secret file must hold at least {SECRET_MIN_BYTES} bytes")
        if self.base_url is not None and not self.base_url.startswith(("http://", "https://")):
            raise ConfigError("--base-url must start with http:// or https://")
        ranges = {"port": (0, 65535), "threads": (1, 256), "connection_limit": (10, 100_000),
                  "channel_timeout": (5, 3600), "upload_limit": (MIB, 2048 * MIB),
                  "form_limit": (4 * KIB, 16 * MIB), "pupil_idle_minutes": (0, 24 * 60),
                  "form_token_minutes": (5, 7 * 24 * 60),
                  "login_throttle_max_failures": (1, 100_000),
                  "throttle_max_failures": (1, 100_000)}
        for name, (low, high) in ranges.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ConfigError(f"--{name.replace('_', '-')} must be between {low} and {high}")
        if self.staff_second_factor not in ("off", "admins", "all"):
            raise ConfigError("--staff-second-factor must be off, admins or all")

    @property
    def public_base_url(self) -> Optional[str]:
        return self.base_url.rstrip("/") if self.base_url else None

    def library_options(self) -> Dict[str, Any]:
        """The keyword arguments of ``inscrire.open``: every admin page acts as a staff member
        (``require_staff``), never as the operator."""
        options: Dict[str, Any] = {
            "require_staff": True,
            "staff_second_factor": self.staff_second_factor,
            "login_throttle_max_failures": self.login_throttle_max_failures,
            "throttle_max_failures": self.throttle_max_failures,
        }
        if self.second_factor_key_file:
            options["second_factor_key_file"] = self.second_factor_key_file
        return options


def read_secret(path: str) -> bytes:
    """The deployment's secret: a file of at least 32 random bytes, readable by its owner only
    (like an SSH key), the same file on every server of the deployment."""
    try:
        with open(path, "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            secret = file.read(4096)
    except OSError as error:
        raise ConfigError(f"secret file: {error.strerror}: {path}") from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"secret file: {path} must be readable by its owner only (chmod 600)")
    if len(secret) < SECRET_MIN_BYTES:
        raise ConfigError(f"secret file: {path} must hold at least {SECRET_MIN_BYTES} bytes "
                          f"(head -c 32 /dev/urandom > {path})")
    return secret


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m inscrire_web", description="inscrire's reference web application")
    parser.add_argument("--db", default=os.environ.get("INSCRIRE_DB"),
                        help="database file (SQLite) or postgresql://… URL; default: $INSCRIRE_DB")
    parser.add_argument("--secret-file", required=True,
                        help="a file of at least 32 random bytes, mode 600, the same on every "
                             "server (form tokens and pupils' sessions are signed with it)")
    parser.add_argument("--host", default=Config.host)
    parser.add_argument("--port", type=int, default=Config.port, help="0: any free port")
    parser.add_argument("--base-url", help="the public address pupils use, e.g. "
                        "https://inscription.college.fr (class sheet links, Secure cookies)")
    parser.add_argument("--threads", type=int, default=Config.threads,
                        help="waitress worker threads")
    parser.add_argument("--trusted-proxy", help="address of the reverse proxy whose "
                        "X-Forwarded-For and X-Forwarded-Proto headers are believed")
    parser.add_argument("--connection-limit", type=int, default=Config.connection_limit)
    parser.add_argument("--channel-timeout", type=int, default=Config.channel_timeout,
                        help="seconds before an idle connection is closed")
    parser.add_argument("--pupil-idle-minutes", type=int, default=Config.pupil_idle_minutes,
                        help="a pupil is logged out after this long without a page (0: never)")
    parser.add_argument("--staff-second-factor", default=Config.staff_second_factor,
                        choices=["off", "admins", "all"])
    parser.add_argument("--second-factor-key-file",
                        help="32 random bytes under which the staff's TOTP secrets are sealed")
    return parser


def from_arguments(argv: Optional[List[str]] = None) -> Config:
    """The configuration of the command line; exits with status 2 and a message otherwise."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        return Config(
            db=arguments.db or "", secret=read_secret(arguments.secret_file),
            host=arguments.host, port=arguments.port, base_url=arguments.base_url,
            threads=arguments.threads, trusted_proxy=arguments.trusted_proxy,
            connection_limit=arguments.connection_limit,
            channel_timeout=arguments.channel_timeout,
            pupil_idle_minutes=arguments.pupil_idle_minutes,
            staff_second_factor=arguments.staff_second_factor,
            second_factor_key_file=arguments.second_factor_key_file)
    except ConfigError as error:
        parser.error(str(error))
