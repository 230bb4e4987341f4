"""Event intake benchmark: a live `nabd serve` under a bounded loopback load, against a bare bulk load.

    .venv/bin/python benchmarks/ingest.py [--batches 1500] [--singles 4000] [--senders 8] [--backend duckdb postgres]

For each backend (a fresh DuckDB file, a fresh PostgreSQL schema) it starts `nabd serve` with a
write key and 100 accounts, then measures, with ``--senders`` keep-alive connections on loopback:
- batches: ``--batches`` POSTs of /v1/batch with 100 track calls each (Segment's default size);
- singles: ``--singles`` POSTs of /v1/track with one call each;
reporting acknowledged events/s (a 200 means fsynced to the journal), p50/p99 request latency,
and events/s including the drain (from the first request until the journal is empty: every event
in ``events`` and ``activity_daily``). The baseline, in the same run and database: a bare bulk load of
the same batch events into a copy of ``events`` (DuckDB ``INSERT ... SELECT`` from Arrow;
PostgreSQL ``COPY FROM STDIN``), no validation, no journal, no rollup.
The load generator shares the 2 cores with the server, so figures are pessimistic; the server's
CPU microseconds per event (user + system, from /proc; on PostgreSQL with its backend processes)
say what free cores could sustain.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pyarrow as pa

from nabd.ingest.intake.keys import add_write_key
from nabd.store import open_store

POSTGRES_URL = os.environ.get("NABD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
ACCOUNTS, BATCH_SIZE = 100, 100
NABD = str(Path(sys.executable).with_name("nabd"))


def track_call(number: int) -> dict:
    """A track call as Segment's libraries send it (~350 bytes of JSON)."""
    return {
        "type": "track", "messageId": uuid.uuid4().hex, "userId": f"u{number % 5000}",
        "event": ("login", "report_viewed", "export", "search")[number % 4],
        "timestamp": f"2025-11-20T10:{number // 60 % 60:02d}:{number % 60:02d}Z",
        "properties": {"duration_minutes": number % 90, "feature": f"f{number % 17}"},
        "context": {"groupId": f"acct{number % ACCOUNTS}", "library": {"name": "analytics-python", "version": "2.4.0"}},
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(backend: str, folder: Path) -> tuple[str, str | None]:
    if backend == "duckdb":
        return f"duckdb:///{folder / 'bench.duckdb'}", None
    schema = f"nabd_bench_{uuid.uuid4().hex[:8]}"
    return f"{POSTGRES_URL}?schema={schema}", schema


def seed(url: str) -> str:
    with open_store(url) as store:
        store.execute(
            f"INSERT INTO accounts (account_id, name) SELECT 'acct' || i, 'Account ' || i FROM generate_series(0, {ACCOUNTS - 1}) AS t(i)"
        )
        return add_write_key(store, "benchmark")


def start_server(url: str, port: int, journal: Path, log: Path) -> subprocess.Popen:
    environment = {**os.environ, "NABD_INTAKE_JOURNAL": str(journal)}
    process = subprocess.Popen([NABD, "serve", "--port", str(port), "--database", url], env=environment,
                               stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nabd serve did not start; see {log}")


def pending(port: int, auth: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/v1/health", headers=auth)
    return json.loads(connection.getresponse().read())["pending"]


def load(port: int, auth: dict[str, str], path: str, bodies: list[bytes], senders: int) -> tuple[float, list[float]]:
    """POST every body (``senders`` connections, each waits for its answer); return seconds and latencies."""
    latencies: list[float] = []
    cursor = iter(range(len(bodies)))
    lock = threading.Lock()
    headers = {**auth, "Content-Type": "application/json"}

    def send() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        own = []
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            started = time.perf_counter()
            connection.request("POST", path, bodies[index], headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            own.append(time.perf_counter() - started)
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=send) for _ in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc), to compare across busy and quiet machines."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_backends(pid: int) -> list[int]:
    """Process ids of the PostgreSQL backends serving process ``pid`` (matched by its TCP client ports)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            columns = line.split()
            if columns[9] in inodes:
                ports.append(int(columns[1].rsplit(":", 1)[1], 16))
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE client_port = ANY(%s)", [ports]).fetchall()
    return [row[0] for row in rows]


def server_cpu_seconds(pid: int, backends: list[int]) -> float:
    """CPU seconds of the server and of its PostgreSQL backends (the database's own work, out of process)."""
    return cpu_seconds(pid) + sum(cpu_seconds(backend) for backend in backends)


def wait_drained(port: int, auth: dict[str, str]) -> None:
    while pending(port, auth):
        time.sleep(0.02)


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def baseline(url: str, backend: str, calls: list[dict]) -> float:
    """Seconds for a bare bulk load of the calls' events into a copy of ``events``."""
    rows = pa.table({
        "event_id": [c["messageId"] for c in calls], "account_id": [c["context"]["groupId"] for c in calls],
        "contact_id": [c["userId"] for c in calls], "event_type": [c["event"] for c in calls],
        "ts": pa.array([c["timestamp"][:-1] for c in calls]).cast(pa.timestamp("us")),
        "value": [float(c["properties"]["duration_minutes"]) for c in calls],
        "properties": [json.dumps(c["properties"]) for c in calls],
    })
    with open_store(url) as store:
        store.execute("CREATE TABLE events_baseline AS SELECT * FROM events WHERE FALSE")
        store.execute("ALTER TABLE events_baseline ADD PRIMARY KEY (event_id)")
        started = time.perf_counter()
        if backend == "duckdb":
            store.raw.register("baseline_rows", rows)
            store.execute("INSERT INTO events_baseline SELECT event_id, account_id, contact_id, event_type, ts, value,"
                          " CAST(properties AS JSON) FROM baseline_rows")
        else:
            with store.raw.cursor() as cursor, cursor.copy("COPY events_baseline FROM STDIN") as copy:
                for row in zip(*(rows.column(i).to_pylist() for i in range(rows.num_columns)), strict=True):
                    copy.write_row(row)
        return time.perf_counter() - started


def run(backend: str, batches: int, singles: int, senders: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="nabd-bench-") as folder:
        folder = Path(folder)
        url, schema = fresh_database(backend, folder)
        try:
            key = seed(url)
            auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}
            calls = [track_call(n) for n in range(batches * BATCH_SIZE)]
            batch_bodies = [json.dumps({"batch": calls[i:i + BATCH_SIZE]}).encode() for i in range(0, len(calls), BATCH_SIZE)]
            single_bodies = [json.dumps(track_call(n)).encode() for n in range(singles)]
            port = free_port()
            server = start_server(url, port, folder / "journal", folder / "serve.log")
            try:
                backends = postgres_backends(server.pid) if backend == "postgres" else []
                started, cpu = time.perf_counter(), server_cpu_seconds(server.pid, backends)
                batch_seconds, batch_latencies = load(port, auth, "/v1/batch", batch_bodies, senders)
                wait_drained(port, auth)
                batch_stored_seconds, batch_cpu = time.perf_counter() - started, server_cpu_seconds(server.pid, backends) - cpu
                started, cpu = time.perf_counter(), server_cpu_seconds(server.pid, backends)
                single_seconds, single_latencies = load(port, auth, "/v1/track", single_bodies, senders)
                wait_drained(port, auth)
                single_stored_seconds, single_cpu = time.perf_counter() - started, server_cpu_seconds(server.pid, backends) - cpu
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(60)
            with open_store(url) as store:
                stored = store.scalar("SELECT count(*) FROM events")
            assert stored == len(calls) + singles, (stored, len(calls) + singles)
            baseline_seconds = baseline(url, backend, calls)
        finally:
            if schema:
                with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
                    connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    events = len(calls)
    return {
        "backend": backend, "events": events,
        "batch_acked_per_s": events / batch_seconds, "batch_stored_per_s": events / batch_stored_seconds,
        "batch_p50_ms": percentile(batch_latencies, 0.5) * 1000, "batch_p99_ms": percentile(batch_latencies, 0.99) * 1000,
        "single_acked_per_s": singles / single_seconds, "single_stored_per_s": singles / single_stored_seconds,
        "single_p50_ms": percentile(single_latencies, 0.5) * 1000, "single_p99_ms": percentile(single_latencies, 0.99) * 1000,
        "baseline_per_s": events / baseline_seconds,
        "batch_cpu_us": batch_cpu / events * 1e6, "single_cpu_us": single_cpu / singles * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=1500, help="batches of 100 track calls to send")
    parser.add_argument("--singles", type=int, default=4000, help="single /v1/track calls to send")
    parser.add_argument("--senders", type=int, default=8, help="concurrent connections of the load generator")
    parser.add_argument("--backend", nargs="+", default=["duckdb", "postgres"], choices=["duckdb", "postgres"])
    arguments = parser.parse_args()
    print(f"{os.cpu_count()} cores; {arguments.batches} x {BATCH_SIZE} events in batches, {arguments.singles} single calls,"
          f" {arguments.senders} senders; load average {os.getloadavg()[0]:.1f}")
    header = ("backend", "batch ack ev/s", "batch stored ev/s", "p50 ms", "p99 ms",
              "single ack ev/s", "single stored ev/s", "p50 ms", "p99 ms", "bare bulk load ev/s",
              "server CPU µs/event (batch, single)")
    print(" | ".join(header))
    for backend in arguments.backend:
        r = run(backend, arguments.batches, arguments.singles, arguments.senders)
        print(" | ".join([
            r["backend"], f"{r['batch_acked_per_s']:,.0f}", f"{r['batch_stored_per_s']:,.0f}",
            f"{r['batch_p50_ms']:.1f}", f"{r['batch_p99_ms']:.1f}", f"{r['single_acked_per_s']:,.0f}",
            f"{r['single_stored_per_s']:,.0f}", f"{r['single_p50_ms']:.1f}", f"{r['single_p99_ms']:.1f}",
            f"{r['baseline_per_s']:,.0f}", f"{r['batch_cpu_us']:.0f}, {r['single_cpu_us']:.0f}",
        ]), flush=True)


if __name__ == "__main__":
    main()
