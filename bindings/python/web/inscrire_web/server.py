"""waitress, configured to be served safely even without a reverse proxy (docs/web.md,
"Served safely"):

- a connection limit and a channel timeout sized for a class: a few hundred pupils loading
  pages in the same minute fit, and a connection left idle or fed slowly is closed after
  ``channel_timeout`` seconds, so a hundred idle sockets no longer lock new visitors out
  (waitress's default limit is 100 connections, with 120 s of patience); poll() instead of
  select(), whose 1024 descriptors a limit of 1000 connections would outgrow;
- request bodies capped per route before they are read: a roster upload at 50 MiB, every other
  request at 64 KiB. waitress reads a whole body before the application sees it and knows one
  cap for all routes (``max_request_body_size``); the parser below applies the route's cap as
  soon as the request line and headers are in: a Content-Length over it is answered 413 at
  once without reading the body, and a chunked body is cut as soon as its size passes the cap.
"""

from __future__ import annotations

import re
import resource
import sys
from typing import Any, Dict, List, Tuple

import waitress
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer
from waitress.utilities import RequestEntityTooLarge

import flask

from .config import Config
from .security import security_headers

#: The only route that takes a large body: a roster upload (school.py, import_roster).
UPLOAD_ROUTE = re.compile(r"^/admin/e/[^/]+/import$")

TOO_LARGE_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Envoi trop volumineux – inscrire</title>
</head><body><h1>Envoi trop volumineux</h1>
<p>{what} Rien n'a été reçu ni enregistré.</p></body></html>
"""


class BodyTooLarge(RequestEntityTooLarge):  # type: ignore[misc]
    """A 413 page in French, with the security headers, instead of waitress's plain text."""

    def __init__(self, limit: int, upload: bool) -> None:
        what = (f"Le fichier dépasse {limit // (1024 * 1024)} Mio." if upload else
                f"Le formulaire dépasse {limit // 1024} Kio.")
        super().__init__(what)
        self.page = TOO_LARGE_PAGE.format(what=what)

    def to_response(self) -> Tuple[str, List[Tuple[str, str]], bytes]:
        headers = [("Content-Type", "text/html; charset=utf-8"),
                   *security_headers(secure=False).items()]
        return f"{self.code} {self.reason}", headers, self.page.encode("utf-8")


def _capped_channel(upload_limit: int, form_limit: int) -> type:
    """A waitress channel whose parser applies the route's body cap."""

    class CappedParser(HTTPRequestParser):  # type: ignore[misc]
        error: Any
        completed: bool

        def received(self, data: bytes) -> int:
            consumed: int = super().received(data)
            if self.error is None and self.headers_finished:
                upload = (self.command == "POST" and UPLOAD_ROUTE.match(self.path or "")
                          is not None)
                limit = upload_limit if upload else form_limit
                size = self.content_length if not self.chunked else self.body_bytes_received
                if size > limit:
                    self.error = BodyTooLarge(limit, upload)
                    self.completed = True
            return consumed

    class CappedChannel(HTTPChannel):  # type: ignore[misc]
        parser_class = CappedParser

    return CappedChannel


def raise_file_limit(wanted: int) -> int:
    """The descriptors this process may open, raised toward ``wanted`` (a connection each, and
    some for the database and files) within the hard limit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def create_server(app: flask.Flask, config: Config) -> Any:
    """The waitress server of ``app`` with the limits of ``config`` (not started)."""
    descriptors = raise_file_limit(config.connection_limit + 64)
    connection_limit = min(config.connection_limit, descriptors - 64)
    if connection_limit < config.connection_limit:
        print(f"inscrire_web: {descriptors} file descriptors at most: connection limit "
              f"lowered to {connection_limit}", file=sys.stderr, flush=True)
    proxy: Dict[str, Any] = {}
    if config.trusted_proxy:
        proxy = {"trusted_proxy": config.trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
                 "clear_untrusted_proxy_headers": True}
    socket_map: Dict[int, Any] = {}
    server = waitress.create_server(
        app, map=socket_map, host=config.host, port=config.port, threads=config.threads,
        ident="inscrire", connection_limit=connection_limit,
        channel_timeout=config.channel_timeout, cleanup_interval=min(10, config.channel_timeout),
        asyncore_use_poll=True,
        # A backstop only: each route's own cap is the parser's, which answers first (in
        # French) as long as waitress's own check, at this size, does not.
        max_request_body_size=4 * max(config.upload_limit, config.form_limit),
        **proxy)
    channel = _capped_channel(config.upload_limit, config.form_limit)
    for dispatcher in socket_map.values():
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = channel
    return server
