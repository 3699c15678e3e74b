"""Backups of a SQLite database by the service (docs/deployment.md, "Backups"): the daily one
(``inscrire-web backup``, run by the package's timer) and the one taken before a new version of
the library migrates the schema at start (``migrate = "auto"``). Both use the library's online
backup (``inscrire.backup_database``: consistent while pupils register, files 0600, never
overwritten) into the backups' folder (0700). PostgreSQL is backed up with its own tools
(pg_dump): there is nothing to do here.
"""

from __future__ import annotations

import datetime
import logging
import pathlib

import inscrire

from . import logs
from .config import Config

DAILY_PREFIX = "daily-"


def _stamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _take(config: Config, name: str) -> pathlib.Path:
    folder = config.backups
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / name
    inscrire.backup_database(config.db, target)
    return target


def before_migration(config: Config) -> None:
    """A copy of an existing SQLite database whose schema opening it would migrate, taken
    first: a new version that went wrong can be undone. Raises inscrire.Error when the copy
    fails (the service then does not start, and nothing is migrated)."""
    if config.migrate != "auto" or not config.is_sqlite or not pathlib.Path(config.db).exists():
        return
    status = inscrire.database_status(config.db)
    if status.schema_version == 0 or status.pending_migrations == 0:
        return
    target = _take(config, f"before-schema-{status.library_schema_version}-{_stamp()}.db")
    logs.event("backup", reason="migration", file=str(target),
               schema_version=status.schema_version,
               library_schema_version=status.library_schema_version)


def daily(config: Config) -> int:
    """One backup, then the oldest daily ones beyond ``backups_kept`` removed; the exit
    status of ``inscrire-web backup``."""
    if not config.is_sqlite:
        logs.event("backup", reason="daily", skipped="PostgreSQL is backed up with pg_dump "
                   "(docs/deployment.md)")
        return 0
    if not pathlib.Path(config.db).exists():
        logs.event("backup", reason="daily", skipped="no database yet")
        return 0
    try:
        target = _take(config, f"{DAILY_PREFIX}{_stamp()}.db")
    except inscrire.Error as error:
        logs.event("backup", level=logging.ERROR, reason="daily", error=error.code,
                   message=error.message)
        return 1
    kept = sorted(config.backups.glob(f"{DAILY_PREFIX}*.db"))
    for old in kept[:-config.backups_kept]:
        old.unlink()
    logs.event("backup", reason="daily", file=str(target),
               removed=max(0, len(kept) - config.backups_kept))
    return 0
