"""python3 -m inscrire_web --db FILE|postgresql://… --secret-file FILE [--host 127.0.0.1]
                          [--port 8000] [--base-url URL] [--threads N] [--trusted-proxy ADDRESS]
                          [--connection-limit N] [--channel-timeout S] [--pupil-idle-minutes M]
                          [--staff-second-factor off|admins|all] [--second-factor-key-file FILE]

Serves the reference web application with waitress and prints the URL it serves (docs/web.md).
The database location may also come from INSCRIRE_DB. Staff accounts are the library's: the
first ADMIN of a school is invited by the operator (`inscrire staff invite UAI --role admin`).
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import inscrire

from . import config as configuration
from .app import create_app
from .server import create_server


def main(argv: Optional[List[str]] = None) -> int:
    config = configuration.from_arguments(argv)
    # Every file this process creates (the database and its journals, uploaded rosters while
    # they are imported) is readable by its owner only: pupils' data (docs/rules.md §8).
    os.umask(0o077)
    try:
        db = inscrire.open(config.db, **config.library_options())
    except inscrire.Error as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    app = create_app(db, config)
    server = create_server(app, config)
    host, port = server.effective_host, server.effective_port
    shown_host = f"[{host}]" if ":" in str(host) else host
    public = f" (public address {config.base_url})" if config.base_url else ""
    print(f"inscrire_web: http://{shown_host}:{port}/{public}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        db.close()
    return 0


def run() -> None:
    """The ``inscrire-web`` command of an installed package."""
    sys.exit(main())


if __name__ == "__main__":
    run()
