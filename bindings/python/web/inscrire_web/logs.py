"""The service's log: one JSON object a line on standard error, which journald keeps
(docs/web.md, "Logs"). Every line has ``time`` (UTC, ISO 8601), ``level`` and ``event``:

- ``request``: method, route (the page's name, never its URL: a URL may hold a code or a
  token), status, duration_ms, client (a pseudonym of the address: the same on every server of
  a deployment, meaningless without its secret);
- ``admin``: a staff action that changed something: action (the route), school (UAI), staff
  (the staff member's username), status;
- ``start``, ``stop``, ``backup``, ``migration``; and any Python log record (waitress's, an
  uncaught error's traceback) as ``event: "python"``.

No password, temporary password, token, code, second-factor secret, INE or birth date is ever
a field: the values logged are chosen here, never a form or a URL (the web test suite scans
the logs of its own runs for every secret it used).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import sys
from typing import Any, Optional

LOGGER = logging.getLogger("inscrire_web")


class JsonLines(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
        }
        fields = getattr(record, "fields", None)
        if fields is not None:
            line.update(fields)
        else:
            line.update(event="python", logger=record.name, message=record.getMessage())
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def install() -> None:
    """Every log record of the process, the service's and its libraries', as JSON lines on
    standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Logs one event with these fields (values chosen by the caller: never a secret)."""
    LOGGER.log(level, name, extra={"fields": {"event": name, **fields}})


def client_pseudonym(key: bytes, address: Optional[str]) -> str:
    """A client's address as the logs name it: HMAC-SHA256 under a key derived from the
    deployment's secret, cut to 16 hex digits: one client's lines are told apart from
    another's on every server, without the address."""
    return hmac.new(key, (address or "").encode("utf-8"), hashlib.sha256).hexdigest()[:16]
