#!/usr/bin/python3
"""300 pupils registering through the web application as deployed for many schools
(docs/benchmarks.md, "web_load"): two `python3 -m inscrire_web` processes on one PostgreSQL
database behind Debian's nginx in plain round robin, every pupil a client of its own (its own
cookies) going through the pages as a browser does: the sign-up page, « Je m'inscris », the
username page, the password. Not a test: it prints registrations per second, the latency of a
registration (its four requests) and the errors; it then checks that every pupil got one
account and that the usernames are distinct.

    PYTHONPATH=build/bindings/python benchmarks/web_load.py [--pupils 300] [--clients 16]

A PostgreSQL server of scripts/postgres-server is started and stopped (or the one of
INSCRIRE_TEST_POSTGRES_URL used); everything else lives in a temporary directory.
"""

import argparse
import os
import pathlib
import queue
import statistics
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python" / "web"))  # the tests' servers and nginx

import inscrire  # noqa: E402
from webtest import (UAI, Nginx, PostgresServer, Server, make_roster,  # noqa: E402
                     make_secret, operator, prepare_school, register_over_http)


def cpu_seconds(pid):
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=300)
    parser.add_argument("--clients", type=int, default=16, help="pupils registering at once")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per server")
    arguments = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="inscrire-web-load-"))
    postgres = PostgresServer()
    location = postgres.schema("web_load")
    servers, proxy = [], None
    try:
        roster = make_roster(work / "roster.xml", pupils=arguments.pupils + 40, seed=17,
                             edge_cases=False)
        prepare_school(location)
        with inscrire.open(location) as db:
            db.import_roster(UAI, roster, actor=operator())
            code = db.create_campaign(UAI, "Pix, tout le collège", actor=operator()).code
            learners = [l for l in db.learners(UAI, None, actor=operator())
                        if db.match(code, l.first_name, l.last_name, l.birthdate).matched]
        pupils = learners[:arguments.pupils]
        if len(pupils) < arguments.pupils:
            raise SystemExit(f"only {len(pupils)} pupils match alone")
        secret = make_secret(work)
        for name in ("one", "two"):
            servers.append(Server(work / name, location=location, secret=secret,
                                  extra=["--trusted-proxy", "127.0.0.1", "--threads",
                                         str(arguments.threads)]))
        proxy = Nginx(work / "nginx", [f"127.0.0.1:{s.port}" for s in servers])

        todo = queue.Queue()
        for pupil in pupils:
            todo.put(pupil)
        shown, errors, latencies = {}, [], []
        lock = threading.Lock()
        start = threading.Barrier(arguments.clients + 1)

        def client():
            start.wait()
            while True:
                try:
                    pupil = todo.get_nowait()
                except queue.Empty:
                    return
                began = time.monotonic()
                try:
                    username = register_over_http(proxy.url, code, pupil)
                except Exception as error:  # counted and reported, the run goes on
                    with lock:
                        errors.append(f"{pupil.ine}: {error!r}")
                    continue
                with lock:
                    shown[pupil.ine] = username
                    latencies.append(time.monotonic() - began)

        threads = [threading.Thread(target=client) for _ in range(arguments.clients)]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.monotonic()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began

        server_cpu = sum(cpu_seconds(s.process.pid) for s in servers)
        with inscrire.open(location) as db:
            stored = {l.ine: l.username for l in db.learners(UAI, None, actor=operator())}
        log = proxy.access_log()
        by_server = {f"127.0.0.1:{s.port}": 0 for s in servers}
        for entry in log:
            if entry[3] in by_server:
                by_server[entry[3]] += 1
        wrong = [ine for ine, name in shown.items() if stored.get(ine) != name]
        distinct = len(set(shown.values())) == len(shown)
        latencies.sort()
        print(f"{len(pupils)} pupils, {arguments.clients} at once, 2 servers x "
              f"{arguments.threads} threads, PostgreSQL, nginx round robin")
        print(f"registered: {len(shown)} in {elapsed:.1f} s = "
              f"{len(shown) / elapsed:.1f} registrations/s")
        if latencies:
            print(f"latency of a registration (4 requests): median "
                  f"{statistics.median(latencies) * 1000:.0f} ms, 95th percentile "
                  f"{latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, max "
                  f"{latencies[-1] * 1000:.0f} ms")
        print(f"CPU of the two web servers: {server_cpu:.1f} s, "
              f"{server_cpu / max(1, len(shown)) * 1000:.0f} ms per registration")
        print(f"errors: {len(errors)}; HTTP 5xx through nginx: "
              f"{sum(1 for e in log if e[2].startswith('5'))}; requests per server: "
              f"{sorted(by_server.values())}")
        print(f"every pupil one account as shown: {not wrong and len(shown) == len(pupils)}; "
              f"usernames distinct: {distinct}")
        for error in errors[:10]:
            print("  ", error)
        return 0 if not errors and not wrong and distinct else 1
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
        postgres.stop()


if __name__ == "__main__":
    sys.exit(main())
