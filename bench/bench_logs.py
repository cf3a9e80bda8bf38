"""Audit-log collection benchmark: real sockets, Zoom's real page sizes, a million events.

    .venv/bin/python bench/bench_logs.py                       # 1,000,000 events, then the rate-limited run
    .venv/bin/python bench/bench_logs.py --events 200000 --limited-events 60000

What it does (and prints):

1. Starts FakeZoom in a separate process, served on a loopback socket by
   ``confkit.testing.serve``, with ``--events`` generated log events (all Zoom for now: sign-ins,
   operation logs and participants of past meetings, in Zoom's page sizes of 300).
2. The floor: a minimal hand-written httpx loop (one thread per stream, like the collector) that
   fetches exactly the pages the collector fetches - same windows, same page size - and only parses
   them. Events/s of the floor.
3. The collector (``confkit.logs``) in a fresh process, into a fresh SQLite store, with client-side
   rate limits lifted (``rate_limits`` overrides). Events/s, ratio to the floor, peak RSS of that
   process, and the stored set compared with the served set (lost, duplicated, unexpected).
4. With Zoom's documented per-second limits enforced by the server (business plan: Heavy 40/s,
   Medium 60/s) and the collector's default pacing: requests per second achieved per label while
   the label was in demand (Heavy: until the all-Heavy sign-in and operation-log streams were done;
   Medium: the participants stream's whole run), as a fraction of the allowed rate, and the 429s.

Targets (issue 6): >= 0.8 of the floor's throughput; >= 0.9 of the allowed rate; peak RSS <= 200 MB;
0 lost, 0 duplicated. It is a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ACCOUNT = "bench-account"
CLIENT_ID, CLIENT_SECRET = "bench-client-id", "bench-client-secret"
DAYS = 150
HERE = Path(__file__).resolve()


def split(events: int) -> dict[str, int]:
    """How ``events`` are spread over the three Zoom streams: a fifth are participants (25 per class),
    hosts teach about 100 classes over the 150 days (some 20 per 28-day window, like a teacher)."""
    meetings = max(1, events // 5 // 25)
    participants = meetings * 25
    operations = (events - participants) * 4 // 9
    return {
        "signins": events - participants - operations,
        "operations": operations,
        "meetings": meetings,
        "participants_per_meeting": 25,
        "hosts": min(2000, max(1, meetings // 100)),
    }


def make_fake(events: int, *, limits: bool, anchor: datetime) -> Any:
    from confkit.testing import FakeZoom

    fake = FakeZoom(
        account_id=ACCOUNT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, enforce_rate_limits=limits, seed=42
    )
    fake.add_user("owner@bench.example", first_name="Bench", last_name="Owner")
    shape = split(events)
    fake.generate_log_traffic(
        signins=shape["signins"],
        operations=shape["operations"],
        meetings=shape["meetings"],
        participants_per_meeting=shape["participants_per_meeting"],
        hosts=shape["hosts"],
        start=anchor - timedelta(days=DAYS),
        end=anchor,
    )
    return fake


# -- the server process ------------------------------------------------------------------------------------


def serve_forever(events: int, limits: bool, anchor: datetime) -> None:
    """FakeZoom on a loopback socket, like ``confkit.testing.serve`` but with TCP_NODELAY and the
    response written in one piece: otherwise Nagle's algorithm and delayed ACKs add ~40 ms to every
    keep-alive request and both the floor and the collector measure nothing but that."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    fake = make_fake(events, limits=limits, anchor=anchor)
    fake.requests = _Discard()  # a million-event run would keep every request otherwise
    origins = (("/oauth/", "https://zoom.us"), ("/", "https://api.zoom.us"))
    skip = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "server", "date"}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            origin = next(o for prefix, o in origins if self.path.startswith(prefix))
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in {"host", "connection"}]
            request = httpx.Request(self.command, origin + self.path, headers=headers, content=body)
            response = fake.handle_request(request)
            content = response.read()
            head = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
            head += [f"{k}: {v}" for k, v in response.headers.multi_items() if k.lower() not in skip]
            head.append(f"Content-Length: {len(content)}")
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + content)

        do_POST = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    server.shutdown()


class _Discard(list):  # type: ignore[type-arg]
    def append(self, item: Any) -> None:
        return None


def start_server(events: int, limits: bool, anchor: datetime) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE),
            "--serve",
            str(events),
            "--anchor",
            anchor.isoformat(),
            *(["--limits"] if limits else []),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    base = proc.stdout.readline().strip()
    if not base.startswith("http://127.0.0.1:"):
        raise SystemExit(f"the fake server did not start: {base!r}")
    return proc, base


# -- the floor: a minimal hand-written httpx loop ----------------------------------------------------------------


def windows(now: datetime) -> list[tuple[str, str]]:
    """The collector's windows for a first run (the same from/to pairs, so the same pages)."""
    from confkit.logs.stream import Window
    from confkit.providers.zoom.logs import SignInStream, _dates

    stream = SignInStream.__new__(SignInStream)
    plan: list[Window] = stream.windows(stream.earliest(now), now)
    return [_dates(w) for w in plan]


def floor(base: str, now: datetime) -> dict[str, Any]:
    with httpx.Client() as raw:
        token = raw.post(
            f"{base}/oauth/token",
            data={"grant_type": "account_credentials", "account_id": ACCOUNT},
            auth=(CLIENT_ID, CLIENT_SECRET),
        ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    plan = windows(now)
    counts = {"signins": 0, "operations": 0, "participants": 0, "requests": 0}
    lock = threading.Lock()

    def pages(client: httpx.Client, path: str, key: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        token = None
        while True:
            query = {**params, "page_size": 300, **({"next_page_token": token} if token else {})}
            body = client.get(f"{base}/v2{path}", params=query, headers=headers).json()
            with lock:
                counts["requests"] += 1
            yield body[key]
            token = body.get("next_page_token")
            if not token:
                return

    def report(path: str, key: str, name: str) -> None:
        with httpx.Client(timeout=60) as client:
            for first, last in plan:
                for items in pages(client, path, key, {"from": first, "to": last}):
                    with lock:
                        counts[name] += len(items)

    def participants() -> None:
        from confkit.providers.zoom.provider import encode_meeting_id

        with httpx.Client(timeout=60) as client:
            for first, last in plan:
                window = {"from": first, "to": last}
                hosts = [
                    u["id"]
                    for users in pages(client, "/report/users", "users", {"type": "active", **window})
                    for u in users
                ]
                for host in hosts:
                    meetings = [
                        m
                        for ms in pages(
                            client, f"/report/users/{host}/meetings", "meetings", {**window, "type": "past"}
                        )
                        for m in ms
                    ]
                    for meeting in meetings:
                        path = f"/past_meetings/{encode_meeting_id(meeting['uuid'])}/participants"
                        for items in pages(client, path, "participants", {}):
                            with lock:
                                counts["participants"] += len(items)

    threads = [
        threading.Thread(target=report, args=("/report/activities", "activity_logs", "signins")),
        threading.Thread(target=report, args=("/report/operationlogs", "operation_logs", "operations")),
        threading.Thread(target=participants),
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    events = counts["signins"] + counts["operations"] + counts["participants"]
    return {"elapsed": elapsed, "events": events, "requests": counts["requests"], "per_stream": counts}


# -- the collector process -----------------------------------------------------------------------------------------


def collect(base: str, db: str, limited: bool) -> dict[str, Any]:
    from confkit.logs.engine import Collector
    from confkit.logs.store import LogStore
    from confkit.providers.zoom import ZoomProvider

    stamps: list[tuple[float, str, int, bool]] = []

    def on_response(response: httpx.Response) -> None:
        path = response.request.url.path
        label = "medium" if path.endswith("/participants") else "heavy" if path.startswith("/v2/report/") else "other"
        bulk = path in ("/v2/report/activities", "/v2/report/operationlogs")  # the streams that are all Heavy
        stamps.append((time.monotonic(), label, response.status_code, bulk))

    settings: dict[str, Any] = {
        "account_id": ACCOUNT,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "base_url": f"{base}/v2",
        "token_url": f"{base}/oauth/token",
        "timeout": 60,
        "max_retries": 8,
    }
    if not limited:  # lift the client-side limits: measure confkit's own cost against the floor
        settings["rate_limits"] = {"light": 1e6, "medium": 1e6, "heavy": 1e6, "resource_intensive": 1e6}
    client = httpx.Client(event_hooks={"response": [on_response]})
    zoom = ZoomProvider.from_settings(settings, client=client)
    store = LogStore.open(db)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = Collector(store).run(zoom.log_streams())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    store.close()
    # The rate of a label while it was in demand: Medium from its first to its last request; Heavy
    # until the sign-in and operation-log streams (nothing but Heavy requests) were done - after
    # that only the participants stream's meeting listings use Heavy, now and then.
    rates: dict[str, Any] = {}
    for label in ("heavy", "medium"):
        times = [t for t, lab, _, _ in stamps if lab == label]
        if label == "heavy":
            bulk = [t for t, _, _, is_bulk in stamps if is_bulk]
            times = [t for t in times if bulk and t <= bulk[-1]]
        if len(times) > 1:
            span = times[-1] - times[0]
            rates[label] = {"requests": len(times), "span": span, "per_second": (len(times) - 1) / span}
    return {
        "elapsed": elapsed,
        "cpu": cpu,
        "events_new": report.events_new,
        "events_dup": report.events_dup,
        "ok": report.ok,
        "errors": {str(s.key): s.error for s in report.streams if s.error},
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rates": rates,
        "status_429": sum(1 for _, _, status, _ in stamps if status == 429),
        "requests": len(stamps),
    }


def run_collector(base: str, db: Path, limited: bool) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(HERE), "--collect", base, str(db), *(["--limits"] if limited else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"collector failed:\n{out.stdout}\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# -- checks ------------------------------------------------------------------------------------------------------


def expected_ids(events: int, anchor: datetime) -> Iterator[str]:
    from confkit.providers.zoom.logs import meeting_context, operation_event, participant_event, signin_event

    fake = make_fake(events, limits=False, anchor=anchor)
    for r in fake.log_records("signins"):
        yield signin_event(r, ACCOUNT)["id"]
    for r in fake.log_records("operations"):
        yield operation_event(r, ACCOUNT)["id"]
    for x in fake.log_records("participants"):
        yield participant_event(x["participant"], ACCOUNT, meeting_context(x["meeting"], x["host_id"]))["id"]


def compare(db: Path, events: int, anchor: datetime) -> dict[str, int]:
    check = db.with_suffix(".expected.db")
    check.unlink(missing_ok=True)
    with sqlite3.connect(check) as conn:
        conn.execute("CREATE TABLE expected (id TEXT PRIMARY KEY) WITHOUT ROWID")
        served = 0
        batch: list[tuple[str]] = []
        for eid in expected_ids(events, anchor):
            served += 1
            batch.append((eid,))
            if len(batch) == 50_000:
                conn.executemany("INSERT OR IGNORE INTO expected VALUES (?)", batch)
                batch.clear()
        conn.executemany("INSERT OR IGNORE INTO expected VALUES (?)", batch)
        conn.execute("ATTACH DATABASE ? AS got", (str(db),))
        distinct_served = conn.execute("SELECT COUNT(*) FROM expected").fetchone()[0]
        stored = conn.execute("SELECT COUNT(*) FROM got.log_events").fetchone()[0]
        distinct_stored = conn.execute("SELECT COUNT(DISTINCT id) FROM got.log_events").fetchone()[0]
        lost = conn.execute("SELECT COUNT(*) FROM expected WHERE id NOT IN (SELECT id FROM got.log_events)").fetchone()[
            0
        ]
        unexpected = conn.execute(
            "SELECT COUNT(*) FROM got.log_events WHERE id NOT IN (SELECT id FROM expected)"
        ).fetchone()[0]
    check.unlink(missing_ok=True)
    return {
        "served": served,
        "served_distinct": distinct_served,
        "stored": stored,
        "duplicated": stored - distinct_stored,
        "lost": lost,
        "unexpected": unexpected,
    }


# -- main --------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--limited-events", type=int, default=150_000, help="events served in the rate-limited run (0: skip it)"
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--anchor", help=argparse.SUPPRESS)
    parser.add_argument("--collect", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--limits", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve_forever(args.serve, args.limits, datetime.fromisoformat(args.anchor))
        return
    if args.collect:
        print(json.dumps(collect(args.collect[0], args.collect[1], args.limits)))
        return

    now = datetime.now(UTC)
    anchor = (now - timedelta(hours=2)).replace(microsecond=0)
    workdir = Path(tempfile.mkdtemp(prefix="confkit-bench-"))
    print(
        f"confkit audit-log benchmark - {args.events:,} events, all Zoom (sign-ins, operation logs, participants);"
        f" {os.cpu_count()} CPUs; work dir {workdir}"
    )
    shape = split(args.events)
    print(
        f"  served: {shape['signins']:,} sign-ins, {shape['operations']:,} operation logs, "
        f"{shape['meetings']:,} meetings x {shape['participants_per_meeting']} participants ({shape['hosts']} hosts), "
        f"over {DAYS} days; 300 per page"
    )

    server, base = start_server(args.events, False, anchor)
    try:
        fl = floor(base, now)
        print(
            f"\nfloor (hand-written httpx loop, same pages): {fl['events']:,} events, {fl['requests']:,} requests "
            f"in {fl['elapsed']:.1f}s = {fl['events'] / fl['elapsed']:,.0f} events/s"
        )
        db = workdir / "unlimited.db"
        col = run_collector(base, db, limited=False)
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=30)
    eps = col["events_new"] / col["elapsed"]
    print(
        f"collector (confkit.logs, into SQLite): {col['events_new']:,} events, {col['requests']:,} requests in "
        f"{col['elapsed']:.1f}s = {eps:,.0f} events/s"
    )
    print(f"  ratio to the floor: {eps / (fl['events'] / fl['elapsed']):.2f}   (target >= 0.8)")
    print(f"  CPU time of the collector process: {col['cpu']:.1f}s ({col['cpu'] / col['elapsed']:.1f} cores; "
          f"{os.cpu_count()} CPUs, shared with the fake server)")
    print(f"  peak RSS of the collector process: {col['maxrss_mb']:.0f} MB   (target <= 200)")
    print(f"  store size: {db.stat().st_size / 2**20:,.0f} MB")
    checks = compare(db, args.events, anchor)
    print(
        f"  served {checks['served']:,} (distinct {checks['served_distinct']:,}), stored {checks['stored']:,}: "
        f"lost {checks['lost']}, duplicated {checks['duplicated']}, unexpected {checks['unexpected']}"
    )
    if col["errors"]:
        print(f"  stream errors: {col['errors']}")
    db.unlink(missing_ok=True)

    if args.limited_events:
        server, base = start_server(args.limited_events, True, anchor)
        try:
            db = workdir / "limited.db"
            lim = run_collector(base, db, limited=True)
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(timeout=30)
        print(
            f"\nwith Zoom's limits enforced by the server ({args.limited_events:,} events, business plan): "
            f"{lim['events_new']:,} events in {lim['elapsed']:.1f}s, {lim['status_429']} responses were 429"
        )
        for label, allowed in (("heavy", 40), ("medium", 60)):
            r = lim["rates"].get(label)
            if r:
                print(
                    f"  {label:<7} {r['requests']:>6,} requests over {r['span']:.1f}s = {r['per_second']:.1f}/s of "
                    f"{allowed}/s allowed: {r['per_second'] / allowed:.2f}   (target >= 0.9)"
                )
        checks = compare(db, args.limited_events, anchor)
        print(f"  lost {checks['lost']}, duplicated {checks['duplicated']}, unexpected {checks['unexpected']}")
        db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
