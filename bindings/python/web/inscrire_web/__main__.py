"""inscrire-web [--config FILE] [OPTION…]          serves the web application
inscrire-web backup [--config FILE] [OPTION…]   one backup of the database (the daily timer)

(also ``python3 -m inscrire_web``). Every option is a key of the configuration file
(config.py, docs/web.md "Options"; the package's file is /etc/inscrire/web.toml); the command
line overrides the file. Serves the application with waitress, the management listener (/live,
/ready, /metrics) beside it, prints the URLs it serves on standard output and logs JSON lines on
standard error. Staff accounts are the library's: the first ADMIN of a school is invited by the
operator (`inscrire staff invite UAI --role admin`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from typing import List, Optional

import inscrire

from . import backups, logs, management
from . import config as configuration
from .app import create_app
from .server import create_server


def serve(config: configuration.Config) -> int:
    try:
        backups.before_migration(config)
        db = inscrire.open(config.db, **config.library_options())
    except inscrire.Error as error:
        logs.event("start", level=logging.ERROR, error=error.code, message=error.message)
        return 1
    metrics = management.Metrics(db)
    app = create_app(db, config, metrics)
    try:
        server = create_server(app, config)
        listener = management.start(config, metrics)
    except OSError as error:  # an address already in use, or not this machine's
        logs.event("start", level=logging.ERROR, error="ADDRESS_UNAVAILABLE",
                   message=error.strerror or str(error))
        db.close()
        return 1
    host, port = server.effective_host, server.effective_port
    shown_host = f"[{host}]" if ":" in str(host) else host
    public = f" (public address {config.base_url})" if config.base_url else ""
    admin = (f" (management http://{management.shown(listener)}/)" if listener is not None
             else "")
    print(f"inscrire_web: http://{shown_host}:{port}/{public}{admin}", flush=True)
    logs.event("start", address=f"http://{shown_host}:{port}/", version=inscrire.__version__)
    # systemd stops a service with SIGTERM: leave the loop as Ctrl-C does, closing the database.
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        db.close()
        logs.event("stop")
    return 0


def _stop(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    backing_up = arguments[:1] == ["backup"]
    config = configuration.from_arguments(arguments[1:] if backing_up else arguments)
    # Every file this process creates (the database and its journals, uploaded rosters while
    # they are imported, backups) is readable by its owner only: pupils' data (docs/rules.md
    # §8).
    os.umask(0o077)
    logs.install()
    if backing_up:
        return backups.daily(config)
    return serve(config)


def run() -> None:
    """The ``inscrire-web`` command of the package."""
    sys.exit(main())


if __name__ == "__main__":
    run()
