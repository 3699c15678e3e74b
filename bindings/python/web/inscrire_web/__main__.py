"""python3 -m inscrire.web --db FILE|postgresql://… [--host 127.0.0.1] [--port 8000]
                         [--base-url URL] [--admin-password-file FILE] [--threads N]
                         [--trusted-proxy ADDRESS]

Serves the reference web application with waitress and prints the URL it serves. The admin
password is read from a file (never from argv) and kept only as a hash; without the file the
admin pages are off. The database location may also come from INSCRIRE_DB.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

import waitress

import inscrire

from . import create_app
from .security import AdminPassword


def parse_arguments(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m inscrire.web",
                                     description="inscrire's reference web application")
    parser.add_argument("--db", default=os.environ.get("INSCRIRE_DB"),
                        help="database file (SQLite) or postgresql://… URL; "
                             "default: $INSCRIRE_DB")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0: any free port")
    parser.add_argument("--base-url", help="the public address pupils use, e.g. "
                        "https://inscription.college.fr (class sheet links, Secure cookies)")
    parser.add_argument("--admin-password-file",
                        help="file whose first line is the school admins' password")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--trusted-proxy", help="address of the reverse proxy whose "
                        "X-Forwarded-For and X-Forwarded-Proto headers are believed")
    arguments = parser.parse_args(argv)
    if not arguments.db:
        parser.error("--db FILE|postgresql://… is required (or INSCRIRE_DB)")
    if arguments.base_url and not arguments.base_url.startswith(("http://", "https://")):
        parser.error("--base-url must start with http:// or https://")
    return arguments


def main(argv: Optional[List[str]] = None) -> int:
    arguments = parse_arguments(argv)
    # Every file this process creates (the database and its journals, uploaded rosters while
    # they are imported) is readable by its owner only: pupils' data (docs/rules.md §8).
    os.umask(0o077)
    admin_password = None
    if arguments.admin_password_file:
        try:
            admin_password = AdminPassword.from_file(arguments.admin_password_file)
        except (OSError, ValueError) as error:
            print(f"admin password file: {error}", file=sys.stderr)
            return 2
    try:
        db = inscrire.open(arguments.db)
    except inscrire.Error as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    app = create_app(db, base_url=arguments.base_url, admin_password=admin_password)
    proxy = {}
    if arguments.trusted_proxy:
        proxy = {"trusted_proxy": arguments.trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
                 "clear_untrusted_proxy_headers": True}
    server = waitress.create_server(app, host=arguments.host, port=arguments.port,
                                    threads=arguments.threads, ident="inscrire", **proxy)
    host, port = server.effective_host, server.effective_port
    shown_host = f"[{host}]" if ":" in str(host) else host
    print(f"inscrire.web: http://{shown_host}:{port}/"
          + (f" (public address {arguments.base_url})" if arguments.base_url else ""),
          flush=True)
    if admin_password is None:
        print("inscrire.web: no --admin-password-file, the admin pages are off", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
