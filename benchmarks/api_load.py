"""Loopback load test of the HTTP API with locust (headless, bounded).

    uv run python benchmarks/api_load.py [--users 50] [--seconds 60]

Starts ``instc serve`` on a free 127.0.0.1 port, warms it (one request of each kind,
so the timings are of warm queries), runs locust headless with ``--users`` concurrent
users on ``POST /api/route`` and ``POST /api/compare`` (a fixed set of OD pairs), and
prints the request count, failures and p50/p95/p99 latency of each endpoint. Not run
in CI; results go in benchmarks/README.md by hand.

It also prints the load average before and after, and the CPU time the server and
locust used during the run (per request): on a shared two-core machine, latency is
mostly waiting for a core, and these numbers tell the server's own cost apart. The users
are ``FastHttpUser`` (geventhttpclient: less client CPU per request than ``requests``)
and locust's heap is frozen before the run (see :func:`_freeze_client_heap`). The goal
is stated for warm route queries: read the ``route`` row's p99.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from locust import FastHttpUser, between, events, task

PAIRS = [
    ("INNSA", "RU-MOSCOW"),
    ("Nhava Sheva", "Moscow"),
    ("IRBND", "RU-MOSCOW"),
    ("INNSA", "RUASF"),
    ("IRBND", "AZBAK"),
]


@events.test_start.add_listener
def _freeze_client_heap(**_: object) -> None:
    """Keep the load generator's own garbage collector out of the latencies: locust's
    heap (gevent, its HTTP client, the stats) moved out of the collected generations
    before the users start. Without it, locust ran full collections of 180-200 ms during
    a 20 s run (measured with a ``gc.callbacks`` hook), and every request in flight then
    was counted that much slower. The server is not touched."""
    gc.collect()
    gc.freeze()


class Shipper(FastHttpUser):
    wait_time = between(0.05, 0.2)

    @task(3)
    def route(self) -> None:
        o, d = random.choice(PAIRS)
        self.client.post("/api/route", json={"origin": o, "destination": d}, name="route")

    @task(1)
    def compare(self) -> None:
        o, d = random.choice(PAIRS)
        self.client.post("/api/compare", json={"origin": o, "destination": d}, name="compare")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_cpu_s(pid: int) -> float:
    """User + system CPU seconds the server process has used so far."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def _children_cpu_s() -> float:
    """User + system CPU seconds of this script's finished child processes (locust)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _triple(load: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.1f}" for x in load)


def _post(url: str, body: bytes) -> int:
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    args = ap.parse_args()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-c", "from instc.cli import main; main()", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        import json

        for o, d in PAIRS:  # warm: every query the users send, once
            body = json.dumps({"origin": o, "destination": d}).encode()
            for path in ("/api/route", "/api/compare"):
                status = _post(base + path, body)
                if status != 200:
                    raise SystemExit(f"warm-up {path} {o}->{d}: HTTP {status}")
        load_before = os.getloadavg()
        server_cpu = _server_cpu_s(server.pid)
        locust_cpu = _children_cpu_s()
        with tempfile.TemporaryDirectory() as tmp:
            prefix = str(Path(tmp) / "load")
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    __file__,
                    "--headless",
                    "--host",
                    base,
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.users),
                    "-t",
                    f"{args.seconds}s",
                    "--csv",
                    prefix,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                check=False,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            with open(prefix + "_stats.csv", newline="") as handle:
                rows = list(csv.DictReader(handle))
        server_cpu = _server_cpu_s(server.pid) - server_cpu
        locust_cpu = _children_cpu_s() - locust_cpu
        load_after = os.getloadavg()
        print(f"\n{args.users} users, {args.seconds} s, loopback {base}")
        total = max(1, int(rows[-1]["Request Count"]))
        print(
            f"load average (1, 5, 15 min) before {_triple(load_before)}, after "
            f"{_triple(load_after)}; CPU per request: server {server_cpu / total * 1e3:.2f} ms, "
            f"locust {locust_cpu / total * 1e3:.2f} ms ({server_cpu:.1f} s and "
            f"{locust_cpu:.1f} s over the run)"
        )
        print(
            f"{'name':10} {'requests':>9} {'failures':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        )
        for r in rows:
            print(
                f"{r['Name']:10} "
                + " ".join(
                    f"{r[k]:>9}" for k in ("Request Count", "Failure Count", "50%", "95%", "99%")
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
