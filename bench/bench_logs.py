"""Audit-log collection benchmark: real sockets, the vendors' real page sizes, a million events, three providers.

    .venv/bin/python bench/bench_logs.py                       # 1,000,000 events, then the rate-limited run
    .venv/bin/python bench/bench_logs.py --events 200000 --limited-events 60000

What it does (and prints):

1. Starts FakeZoom, FakeWebex and FakeGoogle, each in its own process, served on a loopback socket by
   ``confkit.testing.serve``, with ``--events`` generated log events between them (Zoom 40 %: sign-ins,
   operation logs and participants of past meetings, 300 per page; Webex 30 %: admin audit events 200
   per page, security audit events 1,000 per page, participants of ended meetings 100 per page; Google
   30 %: the Meet audit log and Meet setting changes, 1,000 per page), all over the same 150 days.
2. The floor: a minimal hand-written httpx loop per stream (one thread each, like the collector) that
   fetches exactly the pages the collector fetches - same windows, same page sizes, same next links -
   and only parses them. Events/s of the floor.
3. The collector (``confkit.logs``) in a fresh process, into a fresh SQLite store, all streams of the
   three providers at once, with client-side rate limits lifted (``rate_limits`` overrides). Events/s,
   ratio to the floor, CPU time, peak RSS of that process, and the stored set compared with the served
   set (lost, duplicated, unexpected).
4. With the documented rate limits enforced by the servers and the collector's default pacing, on
   ``--limited-events``: requests per second achieved per limit while it was in demand, as a fraction of
   the allowed rate, and the 429/503 answers. Zoom (business plan): Heavy 40/s, Medium 60/s. Google
   Reports API: the project's quota lowered to 120 queries a minute (12 filtered), enforced by the fake and
   given to confkit as ``rate_limits`` - Google's default 2,400 a minute would need millions of events to be
   in demand for a minute. Webex publishes no numeric limit for these APIs, so its fake enforces none and
   no fraction is printed for it.

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
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve()
DAYS = 150
PROVIDERS = ("zoom", "webex", "google")
SHARE = {"zoom": 0.4, "webex": 0.3, "google": 0.3}
UNLIMITED = 1e6
#: Google's Reports quota in the limited run, lowered as a project can lower it in the Cloud console
#: (Quotas): 2,400 queries a minute would need millions of events to be in demand for a minute; at 120
#: the Meet log is in demand for most of the run. Filtered queries in the same proportion (250 of 2,400).
GOOGLE_QUOTA, GOOGLE_FILTERED_QUOTA = 120, 12

ZOOM_ACCOUNT, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET = "bench-account", "bench-client-id", "bench-client-secret"
WEBEX_ADMIN = "it.admin@bench-usd.example"
GOOGLE_DOMAIN = "bench-usd.example"
GOOGLE_ADMIN = f"it.admin@{GOOGLE_DOMAIN}"
GOOGLE_HOSTS = {"oauth2.googleapis.com", "admin.googleapis.com", "www.googleapis.com"}


def split(events: int) -> dict[str, dict[str, int]]:
    """How ``events`` are spread over the providers and their streams."""
    zoom_n, webex_n = int(events * SHARE["zoom"]), int(events * SHARE["webex"])
    google_n = events - zoom_n - webex_n
    # Zoom: a fifth are participants (25 per class); hosts teach ~100 classes over the 150 days.
    meetings = max(1, zoom_n // 5 // 25)
    participants = meetings * 25
    operations = (zoom_n - participants) * 4 // 9
    zoom = {"signins": zoom_n - participants - operations, "operations": operations, "meetings": meetings,
            "participants_per_meeting": 25, "hosts": min(2000, max(1, meetings // 100))}
    # Webex: half are participants (25 per class), 40 % users' sign-ins, 10 % admin audit events.
    w_meetings = max(1, webex_n // 2 // 25)
    w_admin = webex_n // 10
    webex = {"admin": w_admin, "security": webex_n - w_admin - w_meetings * 25, "meetings": w_meetings,
             "participants_per_meeting": 25, "hosts": min(2000, max(1, w_meetings // 100))}
    # Google: the Meet audit log, and a few Admin console changes of Meet settings.
    g_admin = max(1, google_n // 50)
    google = {"meet": google_n - g_admin, "admin": g_admin}
    return {"zoom": zoom, "webex": webex, "google": google}


def served_total(shape: dict[str, dict[str, int]]) -> dict[str, int]:
    z, w, g = shape["zoom"], shape["webex"], shape["google"]
    return {
        "zoom": z["signins"] + z["operations"] + z["meetings"] * z["participants_per_meeting"],
        "webex": w["admin"] + w["security"] + w["meetings"] * w["participants_per_meeting"],
        "google": g["meet"] + g["admin"],
    }


# -- the fakes -------------------------------------------------------------------------------------------------


def make_fake(provider: str, events: int, *, limits: bool, anchor: datetime) -> Any:
    shape = split(events)[provider]
    start, end = anchor - timedelta(days=DAYS), anchor
    if provider == "zoom":
        from confkit.testing import FakeZoom

        zoom = FakeZoom(account_id=ZOOM_ACCOUNT, client_id=ZOOM_CLIENT_ID, client_secret=ZOOM_CLIENT_SECRET,
                        enforce_rate_limits=limits, seed=42)  # fmt: skip
        zoom.add_user("owner@bench.example", first_name="Bench", last_name="Owner")
        zoom.generate_log_traffic(**shape, start=start, end=end)
        return zoom
    if provider == "webex":
        from confkit.testing.webex import FakeWebex

        webex = FakeWebex(seed=42, site_url="bench-usd.webex.com", org_name="Bench USD")
        webex.add_person(WEBEX_ADMIN, "IT", "Admin", admin=True)
        webex.generate_log_traffic(**shape, start=start, end=end, domain="bench-usd.example")
        return webex
    from confkit.testing.google import FakeGoogle

    google = FakeGoogle(seed=42, domains=(GOOGLE_DOMAIN,), enforce_rate_limits=limits)
    if limits:
        google.reports_queries_per_minute, google.reports_filtered_per_minute = GOOGLE_QUOTA, GOOGLE_FILTERED_QUOTA
    google.add_user(GOOGLE_ADMIN, first_name="IT", last_name="Admin", is_admin=True)
    google.generate_log_traffic(**shape, start=start, end=end, domain=GOOGLE_DOMAIN)
    return google


def routes(provider: str) -> dict[str, str]:
    if provider == "zoom":
        return {"/oauth/": "https://zoom.us", "/": "https://api.zoom.us"}
    if provider == "webex":
        from confkit.testing.webex import API_HOST

        return {"/": f"https://{API_HOST}"}
    return {"/token": "https://oauth2.googleapis.com", "/admin/": "https://admin.googleapis.com"}


def credentials(provider: str, fake: Any) -> dict[str, Any]:
    """What the client side needs to talk to the served fake (made in the server process)."""
    if provider == "zoom":
        return {}
    if provider == "webex":
        return {"token": fake.personal_token(WEBEX_ADMIN), "org": fake.org_id, "site": fake.site_url}
    from confkit.testing.google import SANDBOX_SERVICE_ACCOUNT

    # The sandbox service account's key is made per process: the client side signs with this one.
    return {"key": SANDBOX_SERVICE_ACCOUNT}


class _Discard(list):  # type: ignore[type-arg]
    def append(self, item: Any) -> None:
        return None


def serve_forever(provider: str, events: int, limits: bool, anchor: datetime) -> None:
    from confkit.testing.serve import serve

    fake = make_fake(provider, events, limits=limits, anchor=anchor)
    fake.requests = _Discard()  # a million-event run would keep every request otherwise
    with serve(fake, routes=routes(provider)) as base:
        print(json.dumps({"base": base, **credentials(provider, fake)}), flush=True)
        sys.stdin.read()  # until the parent closes our stdin


class Servers:
    """One server process per provider."""

    def __init__(self, events: int, limits: bool, anchor: datetime) -> None:
        self.procs: dict[str, subprocess.Popen[str]] = {}
        self.info: dict[str, dict[str, Any]] = {}
        for provider in PROVIDERS:
            self.procs[provider] = subprocess.Popen(
                [sys.executable, str(HERE), "--serve", provider, str(events), "--anchor", anchor.isoformat(),
                 *(["--limits"] if limits else [])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
        for provider, proc in self.procs.items():
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            if not line.startswith("{"):
                self.close()
                raise SystemExit(f"the {provider} fake server did not start: {line!r}")
            self.info[provider] = json.loads(line)

    def cpu(self) -> float:
        """CPU seconds the server processes used so far (Linux /proc)."""
        total = 0.0
        for proc in self.procs.values():
            try:
                fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                return float("nan")
        return total

    def close(self) -> None:
        for proc in self.procs.values():
            if proc.stdin is not None:
                proc.stdin.close()
        for proc in self.procs.values():
            proc.wait(timeout=30)


# -- the providers, as the collector builds them ----------------------------------------------------------------


class Rewrite(httpx.BaseTransport):
    """Send requests for Google's hosts to the loopback server instead (Google's URLs come from its
    discovery documents, not from a setting): the real sockets of ``inner``, the URL's path kept."""

    def __init__(self, base: str, inner: httpx.BaseTransport) -> None:
        self.base = httpx.URL(base)
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in GOOGLE_HOSTS:
            request.url = request.url.copy_with(scheme=self.base.scheme, host=self.base.host, port=self.base.port)
            request.headers["host"] = f"{self.base.host}:{self.base.port}"
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def build_provider(provider: str, info: dict[str, Any], limited: bool, hooks: dict[str, list[Any]]) -> Any:
    base = info["base"]
    if provider == "zoom":
        from confkit.providers.zoom import ZoomProvider

        settings: dict[str, Any] = {"account_id": ZOOM_ACCOUNT, "client_id": ZOOM_CLIENT_ID,
                                    "client_secret": ZOOM_CLIENT_SECRET, "base_url": f"{base}/v2",
                                    "token_url": f"{base}/oauth/token", "timeout": 60, "max_retries": 8}  # fmt: skip
        if not limited:  # lift the client-side limits: measure confkit's own cost against the floor
            settings["rate_limits"] = dict.fromkeys(("light", "medium", "heavy", "resource_intensive"), UNLIMITED)
        return ZoomProvider.from_settings(settings, client=httpx.Client(event_hooks=hooks))
    if provider == "webex":
        from confkit.providers.webex import WebexProvider

        settings = {"auth": "personal", "access_token": info["token"], "base_url": f"{base}/v1",
                    "site_url": info["site"], "timeout": 60, "max_retries": 8}  # fmt: skip
        if not limited:
            settings["rate_limits"] = {"default": UNLIMITED, "people": UNLIMITED}
        return WebexProvider.from_settings(settings, client=httpx.Client(event_hooks=hooks))
    from confkit.providers.google import GoogleProvider
    from confkit.providers.google.limits import DEFAULT_RATES

    settings = {"service_account_json": json.dumps(info["key"]), "admin_email": GOOGLE_ADMIN, "timeout": 60,
                "max_retries": 8}  # fmt: skip
    if not limited:
        settings["rate_limits"] = dict.fromkeys(DEFAULT_RATES, UNLIMITED)
    else:  # the project's lowered quota, told to confkit as a district would (requests per second)
        settings["rate_limits"] = {"reports": GOOGLE_QUOTA / 60, "reports_filtered": GOOGLE_FILTERED_QUOTA / 60}
    client = httpx.Client(transport=Rewrite(base, httpx.HTTPTransport()), event_hooks=hooks)
    return GoogleProvider.from_settings(settings, client=client)


def google_token(base: str, key: dict[str, str]) -> str:
    """An access token for the Reports API as the admin, by hand: a signed JWT assertion (google-auth's
    signer) exchanged at the fake's token endpoint."""
    from google.auth import crypt, jwt

    from confkit.testing.google import TOKEN_URL

    now = int(time.time())
    claims = {"iss": key["client_email"], "sub": GOOGLE_ADMIN, "aud": TOKEN_URL, "iat": now, "exp": now + 3600,
              "scope": "https://www.googleapis.com/auth/admin.reports.audit.readonly"}  # fmt: skip
    assertion = jwt.encode(crypt.RSASigner.from_service_account_info(key), claims).decode()
    body = httpx.post(f"{base}/token", data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                            "assertion": assertion}).json()  # fmt: skip
    return str(body["access_token"])


# -- the floor: minimal hand-written httpx loops -----------------------------------------------------------------


class Floor:
    """One thread per stream; each fetches the stream's pages with plain httpx and parses them."""

    def __init__(self, servers: Servers, now: datetime) -> None:
        self.servers, self.now = servers, now
        self.counts: dict[str, int] = {}
        self.finished: dict[str, float] = {}
        self.started = 0.0
        self.requests = 0
        self.lock = threading.Lock()

    def count(self, name: str, events: int) -> None:
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + events
            self.requests += 1

    def threads(self) -> list[threading.Thread]:
        jobs: list[tuple[str, Callable[[], None]]] = []
        jobs += self.zoom()
        jobs += self.webex()
        jobs += self.google()
        def timed(name: str, job: Callable[[], None]) -> Callable[[], None]:
            def run() -> None:
                job()
                self.finished[name] = time.perf_counter() - self.started
            return run

        return [threading.Thread(target=timed(name, job), name=name) for name, job in jobs]

    def run(self) -> dict[str, Any]:
        threads = self.threads()  # tokens and plans before the clock starts, like the collector's setup
        started = self.started = time.perf_counter()
        cpu = time.process_time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        return {"elapsed": elapsed, "cpu": time.process_time() - cpu, "events": sum(self.counts.values()),
                "requests": self.requests, "per_stream": dict(self.counts),
                "finished": dict(self.finished)}  # fmt: skip

    # Zoom: /report/activities and /report/operationlogs per window; participants of every past meeting
    # of every active host.
    def zoom(self) -> list[tuple[str, Callable[[], None]]]:
        from confkit.providers.zoom.logs import SignInStream, _dates
        from confkit.providers.zoom.provider import encode_meeting_id

        base = self.servers.info["zoom"]["base"]
        with httpx.Client() as raw:
            token = raw.post(f"{base}/oauth/token", data={"grant_type": "account_credentials",
                                                          "account_id": ZOOM_ACCOUNT},
                             auth=(ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET)).json()["access_token"]  # fmt: skip
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        stream = SignInStream.__new__(SignInStream)
        plan = [_dates(w) for w in stream.windows(stream.earliest(self.now), self.now)]

        def pages(client: httpx.Client, path: str, key: str, params: dict[str, Any],
                  name: str) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
            cursor = None
            while True:
                query = {**params, "page_size": 300, **({"next_page_token": cursor} if cursor else {})}
                body = client.get(f"{base}/v2{path}", params=query, headers=headers).json()
                self.count(name, len(body[key]) if name.endswith("participants") or "report/users" not in path
                           else 0)  # fmt: skip
                yield body[key]
                cursor = body.get("next_page_token")
                if not cursor:
                    return

        def report(path: str, key: str, name: str) -> Callable[[], None]:
            def job() -> None:
                with httpx.Client(timeout=60) as client:
                    for first, last in plan:
                        for _ in pages(client, path, key, {"from": first, "to": last}, name):
                            pass
            return job

        def participants() -> None:
            with httpx.Client(timeout=60) as client:
                for first, last in plan:
                    window = {"from": first, "to": last}
                    hosts = [u["id"] for users in pages(client, "/report/users", "users",
                                                        {"type": "active", **window}, "zoom/listing") for u in users]
                    for host in hosts:
                        meetings = [m for ms in pages(client, f"/report/users/{host}/meetings", "meetings",
                                                      {**window, "type": "past"}, "zoom/listing") for m in ms]
                        for meeting in meetings:
                            path = f"/past_meetings/{encode_meeting_id(meeting['uuid'])}/participants"
                            for _ in pages(client, path, "participants", {}, "zoom/participants"):
                                pass

        return [("zoom/signins", report("/report/activities", "activity_logs", "zoom/signins")),
                ("zoom/operations", report("/report/operationlogs", "operation_logs", "zoom/operations")),
                ("zoom/participants", participants)]  # fmt: skip

    # Webex: the audit lists per window, following next links; each day's ended meetings, then each
    # meeting's participants.
    def webex(self) -> list[tuple[str, Callable[[], None]]]:
        from confkit.providers.webex.logs import (
            JOIN_MARGIN,
            AdminAuditStream,
            ParticipantStream,
            SecurityAuditStream,
            _ms,
            _seconds,
        )  # fmt: skip
        from confkit.testing.webex import API_HOST

        info = self.servers.info["webex"]
        base, org = f"{info['base']}/v1", info["org"]
        headers = {"Authorization": f"Bearer {info['token']}", "Accept": "application/json"}
        vendor = f"https://{API_HOST}/v1"

        def plan(cls: Any) -> list[Any]:
            stream = cls.__new__(cls)
            return list(stream.windows(stream.earliest(self.now), self.now))

        def follow(client: httpx.Client, path: str, params: dict[str, Any], name: str) -> Iterator[list[Any]]:
            response = client.get(f"{base}{path}", params=params, headers=headers)
            while True:
                items = response.json()["items"]
                self.count(name, len(items) if name else 0)
                yield items
                nxt = response.links.get("next", {}).get("url")
                if not nxt:
                    return
                response = client.get(nxt.replace(vendor, base), headers=headers)

        def audit(path: str, first: str, last: str, size: int, cls: Any, name: str) -> Callable[[], None]:
            def job() -> None:
                with httpx.Client(timeout=60) as client:
                    for w in plan(cls):
                        params = {"orgId": org, first: _ms(w.start - timedelta(milliseconds=1)),
                                  last: _ms(w.end), "max": size}  # fmt: skip
                        for _ in follow(client, path, params, name):
                            pass
            return job

        def participants() -> None:
            with httpx.Client(timeout=60) as client:
                for w in plan(ParticipantStream):
                    listing = {"meetingType": "meeting", "state": "ended", "from": _seconds(w.start),
                               "to": _seconds(w.end), "max": 100, "siteUrl": info["site"]}  # fmt: skip
                    for items in follow(client, "/meetings", listing, ""):
                        for item in items:
                            params = {"meetingId": item["id"], "max": 100,
                                      "joinTimeFrom": _ms(datetime.fromisoformat(item["start"]) - JOIN_MARGIN),
                                      "joinTimeTo": _ms(datetime.fromisoformat(item["end"]) + JOIN_MARGIN)}
                            for _ in follow(client, "/meetingParticipants", params, "webex/participants"):
                                pass

        return [("webex/admin_audit", audit("/adminAudit/events", "from", "to", 200, AdminAuditStream,
                                            "webex/admin_audit")),
                ("webex/security_audit", audit("/admin/securityAudit/events", "startTime", "endTime", 1000,
                                               SecurityAuditStream, "webex/security_audit")),
                ("webex/participants", participants)]  # fmt: skip

    # Google: activities.list per window (meet: every event; admin: one eventName series each).
    def google(self) -> list[tuple[str, Callable[[], None]]]:
        from confkit.providers.google.logs import SETTING_EVENTS, AdminSettingStream, MeetStream, _rfc3339
        info = self.servers.info["google"]
        base = info["base"]
        token = google_token(base, info["key"])
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

        def plan(cls: Any) -> list[Any]:
            stream = cls.__new__(cls)
            return list(stream.windows(stream.earliest(self.now), self.now))

        def series(client: httpx.Client, app: str, params: dict[str, Any], name: str) -> None:
            url = f"{base}/admin/reports/v1/activity/users/all/applications/{app}"
            token = None
            while True:
                query = {**params, "maxResults": 1000, **({"pageToken": token} if token else {})}
                body = client.get(url, params=query, headers=headers).json()
                self.count(name, sum(len(a.get("events", ())) for a in body.get("items", ())))
                token = body.get("nextPageToken")
                if not token:
                    return

        def bounds(w: Any) -> dict[str, str]:
            return {"startTime": _rfc3339(w.start), "endTime": _rfc3339(min(w.end, self.now))}

        def meet() -> None:
            with httpx.Client(timeout=60) as client:
                for w in plan(MeetStream):
                    series(client, "meet", bounds(w), "google/meet")

        def admin() -> None:
            with httpx.Client(timeout=60) as client:
                for w in plan(AdminSettingStream):
                    for event in SETTING_EVENTS:
                        series(client, "admin", {**bounds(w), "eventName": event}, "google/admin")

        return [("google/meet", meet), ("google/admin", admin)]


# -- the collector process -----------------------------------------------------------------------------------------

#: The rate limits measured in the limited run: (provider, label) -> (allowed per second, predicate on the
#: request path, and the paths of the streams that use nothing else, to tell when the label was in demand).
LIMITS: dict[tuple[str, str], float] = {("zoom", "heavy"): 40.0, ("zoom", "medium"): 60.0,
                                        ("google", "reports"): GOOGLE_QUOTA / 60}  # fmt: skip


def label_of(provider: str, response: httpx.Response) -> tuple[str, bool]:
    """(rate-limit label, whether the request belongs to a stream that uses only that label)."""
    path = response.request.url.path
    if provider == "zoom":
        if path.endswith("/participants"):
            return "medium", False
        if path.startswith("/v2/report/"):
            return "heavy", path in ("/v2/report/activities", "/v2/report/operationlogs")
        return "other", False
    if provider == "google":
        if "/reports/" in path:
            filtered = "eventName" in response.request.url.params
            return ("reports_filtered" if filtered else "reports"), not filtered
        return "other", False
    return "default", False


def collect(infos: dict[str, dict[str, Any]], db: str, limited: bool,
            only: Sequence[str] = PROVIDERS) -> dict[str, Any]:  # fmt: skip
    from confkit.logs.engine import Collector
    from confkit.logs.store import LogStore

    stamps: list[tuple[float, str, str, int, bool]] = []

    def hook(provider: str) -> dict[str, list[Any]]:
        def on_response(response: httpx.Response) -> None:
            label, bulk = label_of(provider, response)
            stamps.append((time.monotonic(), provider, label, response.status_code, bulk))
        return {"response": [on_response]}

    providers = [build_provider(p, infos[p], limited, hook(p)) for p in only]
    streams = [s for p in providers for s in p.log_streams()]  # connects: org lookups, tokens
    store = LogStore.open(db)
    started, cpu_started, wall_started = time.perf_counter(), time.process_time(), time.time()
    finished: dict[str, float] = {}

    def on_progress(p: Any) -> None:
        if p.state in ("done", "failed", "unavailable") and str(p.key) not in finished:
            finished[f"{p.key.provider}/{p.key.stream}"] = time.perf_counter() - started

    report = Collector(store, on_progress=on_progress).run(streams)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    store.close()
    # The rate of a limit while it was in demand: Zoom Medium and Google's unfiltered Reports queries
    # from their first to their last request; Zoom Heavy until the sign-in and operation-log streams
    # (nothing but Heavy requests) were done - after that only the participants stream's meeting
    # listings use Heavy, now and then.
    rates: dict[str, Any] = {}
    for provider, label in LIMITS:
        # Google's quota counts every Reports query, filtered ones too (they are among the 120 a minute).
        labels = ("reports", "reports_filtered") if (provider, label) == ("google", "reports") else (label,)
        times = [t for t, p, lab, _, _ in stamps if p == provider and lab in labels]
        if (provider, label) == ("zoom", "heavy"):
            bulk = [t for t, p, _, _, is_bulk in stamps if p == "zoom" and is_bulk]
            times = [t for t in times if bulk and t <= bulk[-1]]
        if len(times) > 1:
            span = times[-1] - times[0]
            lo, busiest = 0, 0  # the most requests in any 60 s (Google's limit is per minute)
            for hi, t in enumerate(times):
                while t - times[lo] >= 60:
                    lo += 1
                busiest = max(busiest, hi - lo + 1)
            rates[f"{provider}/{label}"] = {"requests": len(times), "span": span, "busiest_minute": busiest,
                                            "per_second": (len(times) - 1) / span}  # fmt: skip
    return {
        "elapsed": elapsed,
        "wall": [wall_started, wall_started + elapsed],
        "cpu": cpu,
        "events_new": report.events_new,
        "events_dup": report.events_dup,
        "per_stream": {f"{s.key.provider}/{s.key.stream}": s.events_new for s in report.streams},
        "finished": finished,
        "ok": report.ok,
        "errors": {f"{s.key.provider}/{s.key.stream}": s.error for s in report.streams if s.error},
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rates": rates,
        "refused": {p: sum(1 for _, q, _, status, _ in stamps if q == p and status in (429, 503)) for p in only},
        "requests": len(stamps),
    }


def run_collector(servers: Servers, db: Path, limited: bool) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(HERE), "--collect", json.dumps(servers.info), str(db), *(["--limits"] if limited else [])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"collector failed:\n{out.stdout}\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_collectors_per_provider(servers: Servers, db: Path) -> dict[str, Any]:
    """The experiment of ``--processes``: one collector process per provider, all at once, into one store
    (SQLite WAL; every commit is an immediate transaction). Not what ``confkit logs collect`` does."""
    procs = [
        subprocess.Popen([sys.executable, str(HERE), "--collect", json.dumps(servers.info), str(db), "--only", p],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for p in PROVIDERS
    ]  # fmt: skip
    results = []
    for proc in procs:
        stdout, stderr = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"collector failed:\n{stdout}\n{stderr}")
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    start = min(r["wall"][0] for r in results)
    end = max(r["wall"][1] for r in results)
    return {
        "elapsed": end - start,
        "cpu": sum(r["cpu"] for r in results),
        "events_new": sum(r["events_new"] for r in results),
        "events_dup": sum(r["events_dup"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "maxrss_mb": max(r["maxrss_mb"] for r in results),
        "rss_sum_mb": sum(r["maxrss_mb"] for r in results),
        "per_stream": {k: v for r in results for k, v in r["per_stream"].items()},
        "finished": {k: v for r in results for k, v in r["finished"].items()},
        "errors": {k: v for r in results for k, v in r["errors"].items()},
    }


# -- checks ------------------------------------------------------------------------------------------------------


def expected_ids(events: int, anchor: datetime) -> Iterator[str]:
    """The stable ids of everything the servers serve (computed by the mappers, from the fakes' records)."""
    from confkit.providers.google import logs as google_logs
    from confkit.providers.webex import logs as webex_logs
    from confkit.providers.zoom.logs import meeting_context, operation_event, participant_event, signin_event

    zoom = make_fake("zoom", events, limits=False, anchor=anchor)
    for r in zoom.log_records("signins"):
        yield signin_event(r, ZOOM_ACCOUNT)["id"]
    for r in zoom.log_records("operations"):
        yield operation_event(r, ZOOM_ACCOUNT)["id"]
    for x in zoom.log_records("participants"):
        yield participant_event(x["participant"], ZOOM_ACCOUNT, meeting_context(x["meeting"], x["host_id"]))["id"]
    webex = make_fake("webex", events, limits=False, anchor=anchor)
    org = webex.org_id
    for r in webex.log_records("admin_audit"):
        yield webex_logs.admin_audit_record(r, org, "").id
    for r in webex.log_records("security_audit"):
        yield webex_logs.security_audit_record(r, org, "").id
    for x in webex.log_records("participants"):
        yield webex_logs.participant_record(x["participant"], org, webex_logs.meeting_context(x["meeting"])).id
    google = make_fake("google", events, limits=False, anchor=anchor)
    for activity in google.log_records("meet"):
        for record in google_logs.meet_records(activity):
            yield record.id
    for activity in google.log_records("admin"):
        for record in google_logs.setting_records(activity):
            yield record.id


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
        lost = conn.execute(
            "SELECT COUNT(*) FROM expected WHERE id NOT IN (SELECT id FROM got.log_events)").fetchone()[0]
        unexpected = conn.execute(
            "SELECT COUNT(*) FROM got.log_events WHERE id NOT IN (SELECT id FROM expected)").fetchone()[0]
    check.unlink(missing_ok=True)
    return {"served": served, "served_distinct": distinct_served, "stored": stored,
            "duplicated": stored - distinct_stored, "lost": lost, "unexpected": unexpected}  # fmt: skip


# -- main --------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--limited-events", type=int, default=150_000, help="events served in the rate-limited run (0: skip it)"
    )
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--anchor", help=argparse.SUPPRESS)
    parser.add_argument("--collect", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--limits", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", action="append", help=argparse.SUPPRESS)
    parser.add_argument(
        "--processes", action="store_true",
        help="experiment: one collector process per provider instead of confkit's one process",
    )  # fmt: skip
    args = parser.parse_args()
    if args.serve is not None:
        serve_forever(args.serve[0], int(args.serve[1]), args.limits, datetime.fromisoformat(args.anchor))
        return
    if args.collect:
        only = tuple(args.only) if args.only else PROVIDERS
        print(json.dumps(collect(json.loads(args.collect[0]), args.collect[1], args.limits, only)))
        return

    now = datetime.now(UTC)
    anchor = (now - timedelta(hours=2)).replace(microsecond=0)
    workdir = Path(tempfile.mkdtemp(prefix="confkit-bench-"))
    shape = split(args.events)
    totals = served_total(shape)
    print(f"confkit audit-log benchmark - {args.events:,} events over {DAYS} days, three providers on loopback "
          f"sockets; {os.cpu_count()} CPUs; work dir {workdir}")  # fmt: skip
    z, w, g = shape["zoom"], shape["webex"], shape["google"]
    print(f"  zoom   {totals['zoom']:>9,}: {z['signins']:,} sign-ins, {z['operations']:,} operation logs, "
          f"{z['meetings']:,} meetings x {z['participants_per_meeting']} participants; 300 per page")
    print(f"  webex  {totals['webex']:>9,}: {w['admin']:,} admin audit (200 per page), {w['security']:,} security "
          f"audit (1,000 per page), {w['meetings']:,} meetings x {w['participants_per_meeting']} participants "
          "(100 per page)")
    print(f"  google {totals['google']:>9,}: {g['meet']:,} Meet audit, {g['admin']:,} Meet setting changes; "
          "1,000 per page")

    servers = Servers(args.events, False, anchor)
    try:
        cpu0 = servers.cpu()
        fl = Floor(servers, now).run()
        floor_server_cpu = servers.cpu() - cpu0
        print(f"\nfloor (hand-written httpx loops, same pages): {fl['events']:,} events, {fl['requests']:,} requests "
              f"in {fl['elapsed']:.1f}s = {fl['events'] / fl['elapsed']:,.0f} events/s "
              f"(its own CPU {fl['cpu']:.1f}s, the servers' {floor_server_cpu:.1f}s)")  # fmt: skip
        print("  per stream (finished after): " + ", ".join(f"{k} {v:.1f}s" for k, v in fl["finished"].items()))
        db = workdir / "unlimited.db"
        cpu0 = servers.cpu()
        col = run_collectors_per_provider(servers, db) if args.processes else run_collector(servers, db, False)
        collector_server_cpu = servers.cpu() - cpu0
    finally:
        servers.close()
    # Records fetched per second on both sides (Webex lists a meeting that spans midnight on both days:
    # the floor counts its participants twice, the collector stores them once and counts the re-read).
    fetched = col["events_new"] + col["events_dup"]
    eps = fetched / col["elapsed"]
    print(f"collector (confkit.logs, into SQLite): {col['events_new']:,} events stored ({fetched:,} fetched), "
          f"{col['requests']:,} requests in {col['elapsed']:.1f}s = {eps:,.0f} events/s "
          f"(servers' CPU {collector_server_cpu:.1f}s)")
    print(f"  ratio to the floor: {eps / (fl['events'] / fl['elapsed']):.2f}   (target >= 0.8)")
    print(f"  CPU time of the collector process: {col['cpu']:.1f}s ({col['cpu'] / col['elapsed']:.1f} cores; "
          f"{os.cpu_count()} CPUs, shared with the three fake servers)")
    if args.processes:
        print(f"  one process per provider (an experiment): peak RSS {col['maxrss_mb']:.0f} MB of the largest, "
              f"{col['rss_sum_mb']:.0f} MB together   (target <= 200)")
    else:
        print(f"  peak RSS of the collector process: {col['maxrss_mb']:.0f} MB   (target <= 200)")
    print(f"  store size: {db.stat().st_size / 2**20:,.0f} MB")
    print("  per stream (events, finished after): " + ", ".join(
        f"{k} {v:,} {col['finished'].get(k, float('nan')):.1f}s" for k, v in col["per_stream"].items()))
    checks = compare(db, args.events, anchor)
    print(f"  served {checks['served']:,} (distinct {checks['served_distinct']:,}), stored {checks['stored']:,}: "
          f"lost {checks['lost']}, duplicated {checks['duplicated']}, unexpected {checks['unexpected']}")
    if col["errors"]:
        print(f"  stream errors: {col['errors']}")
    db.unlink(missing_ok=True)

    if args.limited_events:
        servers = Servers(args.limited_events, True, anchor)
        try:
            db = workdir / "limited.db"
            lim = run_collector(servers, db, limited=True)
        finally:
            servers.close()
        print(f"\nwith the documented limits enforced by the servers ({args.limited_events:,} events): "
              f"{lim['events_new']:,} events in {lim['elapsed']:.1f}s; answers 429/503: "
              + ", ".join(f"{p} {n}" for p, n in lim["refused"].items()))
        for (provider, label), allowed in LIMITS.items():
            r = lim["rates"].get(f"{provider}/{label}")
            if not r:
                continue
            if provider == "google":  # a per-minute limit: the busiest minute as well as the mean rate
                print(f"  google {label} (all queries): {r['requests']:,} queries over {r['span']:.1f}s = "
                      f"{r['per_second'] * 60:.1f} "
                      f"a minute of the {GOOGLE_QUOTA} allowed (the project's lowered quota): "
                      f"{r['per_second'] / allowed:.2f}; at most {r['busiest_minute']} in any 60 s: "
                      f"{r['busiest_minute'] / GOOGLE_QUOTA:.2f}   (target >= 0.9)")
                continue
            print(f"  {provider} {label:<8} {r['requests']:>6,} requests over {r['span']:.1f}s = "
                  f"{r['per_second']:.1f}/s of {allowed:.0f}/s allowed: {r['per_second'] / allowed:.2f}"
                  "   (target >= 0.9)")
        print("  webex: no published numeric limit for these APIs (notes/webex.md §5), so none is enforced or "
              "measured; confkit paces Webex at its polite default of 10 requests/s (burst 20), which is what "
              "sets this run's length")
        checks = compare(db, args.limited_events, anchor)
        print(f"  lost {checks['lost']}, duplicated {checks['duplicated']}, unexpected {checks['unexpected']}")
        if lim["errors"]:
            print(f"  stream errors: {lim['errors']}")
        db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
