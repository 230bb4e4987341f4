"""Web benchmark: p50/p95 latency of the portfolio, an account page (with its timeline, header and contacts), the
account page's timeline filtered by kind, the dashboard, the risk inbox, the renewals and the tasks pages at
100,000 accounts.

    .venv/bin/python benchmarks/web.py [--accounts 100000] [--events 5000000] [--requests 40] [--reuse] [--settle 0]

Builds a synthetic company on DuckDB with the metrics benchmark's SQL generator, scores it with
the default scorecard, starts a real `nabd serve` on a free loopback port, logs in, and sends a
bounded, sequential load (``--requests`` per page, after two warm-up requests) with httpx; the account
page is asked for a different account each time (A1, A2, ...), so nothing is served twice. Prints
p50/p95/max per page; the goal (issue 6) is p95 < 200 ms, and < 100 ms for the account timeline (issue 25). The baseline in the same run is
`/health`, a route that touches no data: the floor of the HTTP stack itself. First it times the first
dashboard request, ``--settle`` seconds after the server answers (the cold path, unless the server
computed the dashboard ahead meanwhile).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from metrics import generate  # the metrics benchmark's company generator

from nabd.health.scorecard import load_scorecard
from nabd.health.scoring import run_scoring
from nabd.playbooks.indicators import evaluate_indicators
from nabd.playbooks.playbook import load_playbooks
from nabd.playbooks.runner import run_playbooks
from nabd.store import open_store
from nabd.web.users import add_user

WORK = Path(os.environ.get("NABD_BENCH_WEB_DIR", "/tmp/nabd_bench_web"))  # one folder per concurrent run
AS_OF = date(2024, 6, 30)


def build(accounts: int, events: int) -> Path:
    """The company in a DuckDB file, scored on AS_OF, with an admin user."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    path = WORK / "nabd.duckdb"
    store = open_store(f"duckdb:///{path}")
    generate(store, accounts, events, 18)
    card = load_scorecard()
    run_scoring(store, card, AS_OF)
    evaluate_indicators(store, AS_OF, scorecard=card)  # the risk inbox's warnings
    run_playbooks(store, load_playbooks(), AS_OF, card)  # tasks, at most the cap per CSM
    add_user(store, "bench", "bench-password", "admin")
    store.close()
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help=f"serve the company already built in {WORK}")
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds between the server answering and the first dashboard request")
    args = parser.parse_args()
    started = time.perf_counter()
    path = WORK / "nabd.duckdb" if args.reuse and (WORK / "nabd.duckdb").exists() else build(args.accounts, args.events)
    print(f"built and scored {args.accounts:,} accounts / {args.events:,} events in {time.perf_counter() - started:.0f} s")
    port = free_port()
    launched = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "nabd", "serve", "--port", str(port), "--database", f"duckdb:///{path}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(600):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            answered = time.perf_counter() - launched
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
            client.post("/login", data={"login": "bench", "password": "bench-password", "csrf_token": token,
                                        "next": "/portfolio"})
            time.sleep(args.settle)
            began = time.perf_counter()
            assert client.get("/dashboard").status_code == 200
            print(f"server answered {answered:.1f} s after launch; first dashboard request "
                  f"{began - launched:.1f} s after launch took {time.perf_counter() - began:.2f} s")
            pages = {
                "/health (floor)": lambda n: "/health", "portfolio": lambda n: f"/portfolio?page={n % 5 + 1}",
                "portfolio red": lambda n: f"/portfolio?band=red&sort=mrr&order=desc&page={n % 3 + 1}",
                "account": lambda n: f"/accounts/A{n + 1}",
                "account timeline": lambda n: f"/accounts/A{n + 101}?kind=scores&kind=billing&kind=tickets&page=1",
                "dashboard": lambda n: "/dashboard",
                "inbox": lambda n: f"/inbox?page={n % 5 + 1}", "inbox warnings": lambda n: f"/inbox?kind=warning&page={n % 3 + 1}",
                "renewals": lambda n: f"/renewals?page={n % 3 + 1}", "tasks": lambda n: f"/tasks?page={n % 2 + 1}",
            }
            print(f"{'page':16} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
            for name, target in pages.items():
                for n in range(2):
                    warm = client.get(target(args.requests + n))
                    assert warm.status_code == 200, (target(n), warm.status_code, warm.text[:300])
                times = []
                for n in range(args.requests):
                    began = time.perf_counter()
                    response = client.get(target(n))
                    times.append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200, (target(n), response.status_code)
                print(f"{name:16} {statistics.median(times):8.0f} {percentile(times, 0.95):8.0f} {max(times):8.0f}")
            ahead = re.findall(r"^nabd_dashboard_ahead_\w+ .*$", client.get("/metrics").text, re.M)
            print(f"at the end, {time.perf_counter() - launched:.0f} s after launch: {'; '.join(ahead)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
