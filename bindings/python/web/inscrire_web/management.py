"""The management listener (docs/web.md, "Seeing the service"), on its own address, never the
public port (default 127.0.0.1:9180):

- ``/live``: the process answers;
- ``/ready``: the database answers and its schema is the library's (``inscrire.database_status``
  on a connection of its own); 503 otherwise, so that a load balancer stops sending pupils to a
  server whose database is gone, or whose schema another server has migrated past it;
- ``/metrics``: the Prometheus text format (Debian's python3-prometheus-client): the library's
  own counters (``Database.stats()``, read at each scrape: what an embedding platform gets too)
  and the duration of the requests by page.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Iterable, Iterator, List, Tuple

import prometheus_client
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

import waitress

import inscrire

from . import logs
from .config import Config

StartResponse = Callable[[str, List[Tuple[str, str]]], Any]

#: A match outcome's counter name in ServiceStats, by the stage that matched or the code that
#: refused (docs/deployment.md, "Counters").
MATCH_STAGES = ("exact", "tolerant", "given_names", "family_names", "swapped", "transposition")
REFUSALS = {"no_learner_for_birthdate": "NO_LEARNER_FOR_BIRTHDATE",
            "no_name_match": "NO_NAME_MATCH", "ambiguous": "AMBIGUOUS_MATCH",
            "learner_already_linked": "LEARNER_ALREADY_LINKED",
            "learner_has_account_elsewhere": "LEARNER_HAS_ACCOUNT_ELSEWHERE"}


class LibraryCounters(Collector):
    """The counters of the service's ``inscrire.Database``, as Prometheus counters."""

    def __init__(self, db: inscrire.Database) -> None:
        self.db = db

    def collect(self) -> Iterator[CounterMetricFamily]:
        stats = self.db.stats()

        def counter(name: str, text: str, labels: Iterable[str] = (),
                    values: Iterable[Tuple[Tuple[str, ...], int]] = ()) -> CounterMetricFamily:
            family = CounterMetricFamily(f"inscrire_{name}", text, labels=list(labels))
            for label_values, value in values:
                family.add_metric(list(label_values), value)
            return family

        yield counter("registrations", "Pupils' accounts created",
                      values=[((), stats.registrations)])
        yield counter("joins", "Campaigns joined by a pupil already registered",
                      values=[((), stats.joins)])
        yield counter("matches", "Typed identities matched, by the stage that found the pupil",
                      ["stage"], [((stage,), getattr(stats, f"matched_{stage}"))
                                  for stage in MATCH_STAGES])
        yield counter("match_refusals", "Typed identities refused, by error code", ["code"],
                      [((code,), getattr(stats, f"refused_{name}"))
                       for name, code in REFUSALS.items()])
        yield counter("logins", "Pupils' logins, by result", ["result"],
                      [(("success",), stats.logins), (("failure",), stats.login_failures),
                       (("blocked",), stats.logins_blocked)])
        yield counter("staff_logins", "Staff logins, by result", ["result"],
                      [(("success",), stats.staff_logins),
                       (("failure",), stats.staff_login_failures)])
        yield counter("throttled", "Attempts refused by a throttle (TOO_MANY_ATTEMPTS)",
                      values=[((), stats.throttled)])
        yield counter("imports", "Roster imports, by result", ["result"],
                      [(("done",), stats.imports), (("refused",), stats.imports_refused)])
        yield counter("database_busy", "Operations that found the database busy (retried)",
                      values=[((), stats.database_busy)])
        yield counter("database_unavailable", "Operations refused: the database was unreachable",
                      values=[((), stats.database_unavailable)])


class Metrics:
    """What /metrics shows: the library's counters and the requests' durations by page."""

    def __init__(self, db: inscrire.Database) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(LibraryCounters(db))
        self.request_seconds = prometheus_client.Histogram(
            "inscrire_web_request_duration_seconds", "Time to answer a request, by page",
            ["method", "route"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))

    def observe(self, route: str, method: str, seconds: float) -> None:
        self.request_seconds.labels(method, route).observe(seconds)


def readiness(location: str) -> Tuple[bool, str]:
    """Whether this server should get pupils: the database answers and its schema is the
    library's."""
    try:
        status = inscrire.database_status(location)
    except inscrire.Error as error:
        return False, f"database: {error.code}"
    if not status.current:
        return False, (f"schema version {status.schema_version}, this inscrire "
                       f"{status.library_schema_version}")
    return True, "ready"


def management_app(config: Config, metrics: Metrics) -> Callable[..., Iterable[bytes]]:
    """The WSGI application of the management listener."""

    def answer(start_response: StartResponse, status: str, body: bytes,
               content_type: str = "text/plain; charset=utf-8") -> List[bytes]:
        start_response(status, [("Content-Type", content_type),
                                ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]

    def app(environ: Dict[str, Any], start_response: StartResponse) -> List[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return answer(start_response, "405 Method Not Allowed", b"GET only\n")
        if path == "/live":
            return answer(start_response, "200 OK", b"live\n")
        if path == "/ready":
            ready, why = readiness(config.db)
            return answer(start_response, "200 OK" if ready else "503 Service Unavailable",
                          f"{why}\n".encode())
        if path == "/metrics":
            return answer(start_response, "200 OK",
                          prometheus_client.generate_latest(metrics.registry),
                          prometheus_client.CONTENT_TYPE_LATEST)
        return answer(start_response, "404 Not Found", b"/live, /ready or /metrics\n")

    return app


def start(config: Config, metrics: Metrics) -> Any:
    """Serves the management listener from a thread of its own; returns its waitress server
    (None when it is off)."""
    address = config.management_address
    if address is None:
        return None
    server = waitress.create_server(management_app(config, metrics), map={}, host=address[0],
                                    port=address[1], threads=2, ident="inscrire-management")
    threading.Thread(target=server.run, name="management", daemon=True).start()
    logs.event("management", address=f"http://{shown(server)}/")
    return server


def shown(server: Any) -> str:
    """HOST:PORT of a waitress server, an IPv6 host in brackets."""
    host = server.effective_host
    return f"[{host}]:{server.effective_port}" if ":" in str(host) else \
        f"{host}:{server.effective_port}"
