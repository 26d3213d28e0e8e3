"""Measurements on the bench database of the current process: pages (test client), admin reference, PDF,
gunicorn throughput. Returns plain dicts (written to JSON and Markdown by bench.report)."""

from __future__ import annotations

import cProfile
import http.client
import os
import pstats
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from datetime import time as clock
from pathlib import Path

from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from casemanagement.models import CaseloadReturn, ReturnStatus
from committee.models import AgendaItem, Committee, Meeting, Paper
from committee.pdf import meeting_bundle_pdf, paper_pdf, render_paper_pdf
from kim.models import Organisation, Role, User
from modules.models import Module, Post, PostCategory

STAT_YEAR = 2025


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def page_specs() -> list[dict]:
    """Our page and the admin page of the same model with the same filter (None where the admin has none)."""
    m2 = Module.objects.get(number=2)
    caritas = Organisation.objects.get(slug="caritas")
    paper = Paper.objects.get(number="2020/0354")
    body = Organisation.objects.filter(kind="county").order_by("pk").first()
    ret = (
        CaseloadReturn.objects.filter(carrier=caritas, status=ReturnStatus.ACCEPTED, year=STAT_YEAR)
        .order_by("-month", "post_id")
        .first()
        or CaseloadReturn.objects.filter(status__in=[ReturnStatus.ACCEPTED, ReturnStatus.SUBMITTED])
        .order_by("-year", "-month")
        .first()
    )
    post_filter = f"module={m2.pk}&category={PostCategory.CASE_MANAGEMENT}&year={STAT_YEAR}"
    return [
        {
            "key": "dashboard",
            "label": "Übersicht (Dashboard)",
            "user": "a46",
            "url": "/",
            "admin": "/admin/",
            "admin_label": "Admin-Startseite",
            "list": False,
        },
        {
            "key": "posts",
            "label": "Stellen, gefiltert (Modul 2, Case Management, aktiv 2025)",
            "user": "a46",
            "url": f"/stellen/?{post_filter}",
            "admin": f"/admin/modules/post/?module__id__exact={m2.pk}&category__exact={PostCategory.CASE_MANAGEMENT}",
            "admin_label": "Admin Stellen, gleicher Filter",
            "list": True,
        },
        {
            "key": "cases",
            "label": "Fallregister eines Trägers (Caritas)",
            "user": "traeger-caritas",
            "url": "/fallmanagement/faelle/",
            "admin": f"/bench-admin/casemanagement/case/?carrier__id__exact={caritas.pk}",
            "admin_label": "Admin Fälle, Träger = Caritas",
            "list": True,
        },
        {
            "key": "return",
            "label": "Fallzahlenmeldung eines Trägers (A 46, geschützt)",
            "user": "a46",
            "url": ret.get_absolute_url() if ret else None,
            "admin": f"/bench-admin/casemanagement/caseloadreturn/{ret.pk}/change/" if ret else None,
            "admin_label": "Admin Meldung (mit Zahlen)",
            "list": False,
        },
        {
            "key": "statistics",
            "label": f"Statistik A 46 ({STAT_YEAR})",
            "user": "a46",
            "url": f"/fallmanagement/statistik/?year={STAT_YEAR}",
            "admin": None,
            "admin_label": "–",
            "list": False,
        },
        {
            "key": "paper",
            "label": "Vorlage 2020/0354",
            "user": "a46",
            "url": f"/gremien/vorlagen/{paper.pk}/",
            "admin": f"/admin/committee/paper/{paper.pk}/change/",
            "admin_label": "Admin Vorlage",
            "list": False,
        },
        {
            "key": "oparl_papers",
            "label": "OParl: Vorlagen der Körperschaft (Seite 1)",
            "user": None,
            "url": f"/oparl/v1.1/body/{body.pk}/paper/",
            "admin": "/admin/committee/paper/",
            "admin_label": "Admin Vorlagen",
            "list": True,
        },
    ]


def _clients() -> dict[str | None, Client]:
    clients: dict[str | None, Client] = {None: Client()}
    for username in ("a46", "traeger-caritas"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    # The Django admin is for operator accounts only (README, "Betreiberkonten"), not for A 46.
    operator, _ = User.objects.get_or_create(
        username="bench-betrieb", defaults={"role": Role.READONLY, "is_staff": True, "is_superuser": True}
    )
    clients["operator"] = Client()
    clients["operator"].force_login(operator)
    return clients


def time_url(client: Client, url: str, reps: int, warmup: int) -> dict:
    for _ in range(warmup):
        response = client.get(url)
    reset_queries()  # request_started clears the log; start from an empty one so the capture is exact
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # now: captured_queries slices the live log, which the next request clears
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "status": response.status_code,
        "queries": query_count,
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "n": reps,
        "bytes": len(response.content),
    }


# The pages that read the year's stored protection (computed on their first request if there is none).
SNAPSHOT_PAGES = ("return", "statistics")


def measure_pages(reps: int = 30, warmup: int = 3, log=print, skip: dict[str, str] | None = None) -> list[dict]:
    """``skip``: page key -> why it is not measured (the row says so, the report marks its target missed)."""
    skip = skip or {}
    results = []
    with override_settings(ROOT_URLCONF="bench.urls", KIM_REQUIRE_TOTP=False):
        clients = _clients()
        admin_client = clients["operator"]
        for spec in page_specs():
            row = {k: spec[k] for k in ("key", "label", "url", "admin", "admin_label", "list")}
            if spec["key"] in skip:
                row["skipped"] = skip[spec["key"]]
            elif spec["url"]:
                row["ours"] = time_url(clients[spec["user"]], spec["url"], reps, warmup)
            if spec["admin"] and spec["key"] not in skip:
                row["admin_result"] = time_url(admin_client, spec["admin"], reps, warmup)
                if row.get("ours"):
                    row["ratio"] = round(row["ours"]["p50_ms"] / max(row["admin_result"]["p50_ms"], 0.01), 2)
            log(f"  {spec['key']:14} ours {row.get('ours')}  admin {row.get('admin_result')}")
            results.append(row)
    return results


# ------------------------------------------------------------------------------- after a write (cache miss)


def _write_something() -> None:
    """A write as the application makes it: a post saved again leaves a history row, which changes the
    change stamp of kim.figure_cache (the dashboard's figures and the lists' bodies recompute)."""
    post = Post.objects.order_by("pk").first()
    post.save()


def _frozen_return() -> CaseloadReturn | None:
    return (
        CaseloadReturn.objects.filter(year=STAT_YEAR, status__in=[ReturnStatus.ACCEPTED, ReturnStatus.SUBMITTED])
        .order_by("pk")
        .first()
    )


def _write_return() -> None:
    """A write the statistics read, and the snapshot it leads to: a return of the year saved again leaves a
    history row of CaseloadReturn, which changes the statistics' stamp; the refresh (a worker thread,
    casemanagement.snapshots) then stores the year's protection anew under the new key – tens of seconds,
    never in a request. The save changed no figure, so the parts stored before are exactly what it would
    store: they are moved to the new key here, untimed. The timed request is the first one after the new
    snapshot: the return page reads its return's part, the statistics page the period's and the monthly
    stocks' parts and sums and renders the tables and charts anew (their HTML is keyed by the snapshot)."""
    from casemanagement import snapshots
    from casemanagement.models import StatisticsSnapshot, StatisticsSnapshotPart

    ret = _frozen_return()
    if ret is None:  # no return of the year (tiny scale): a post saved
        _write_something()
        return
    ret.save()
    old = StatisticsSnapshot.objects.filter(year=STAT_YEAR).values_list("key", flat=True).first()
    if old is None:  # no snapshot yet: the first request of the year would compute it
        snapshots.statistics_snapshot(year=STAT_YEAR)
        return
    new = snapshots.current_key()
    StatisticsSnapshotPart.objects.filter(year=STAT_YEAR, key=old).update(key=new)
    StatisticsSnapshot.objects.filter(year=STAT_YEAR).update(key=new, computed_at=timezone.now())


def _write_return_only() -> None:
    """A return saved again, the stored snapshot left as it was: the pages show it as stale ("Stand: …")
    while the refresh computes the new one (``_refresh_running``)."""
    ret = _frozen_return()
    if ret is None:
        _write_something()
        return
    ret.save()


def _database_url() -> str | None:
    """This connection's database as a DATABASE_URL for another process (None: in memory, not shareable)."""
    from urllib.parse import quote

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        return None if "memory" in name or not name else f"sqlite:///{name}"
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far (Linux /proc), None where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


@contextmanager
def _refresh_running() -> Iterator[dict]:
    """What production does after a write to the returns: a process of its own computing the year's
    protection (``KIM_STATISTICS_WORKER=process``/``external``: ``manage.py refresh_statistics``), here
    ``manage.py bench_refresh`` computing it over and over (reads only, never records), while the
    timed requests run in this process: they compete with it for the CPU and the database, not for
    this interpreter. ``info``: its completed computations, its CPU seconds, the wall seconds of the
    measurement and the CPU seconds of this process meanwhile (it ran if it got a fair share of the CPU:
    ``report.refresh_ran``), or the error if it could not run."""
    info: dict = {"rounds": 0, "error": None, "cpu_s": None, "wall_s": None, "bench_cpu_s": None}
    url = _database_url()
    if url is None:
        info["error"] = "InMemoryDatabase"
        yield info
        return
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings_bench"}
    child = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_refresh", "--year", str(STAT_YEAR)],
        env=env,
        cwd=settings.BASE_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        ready = child.stdout.readline().strip() == "bereit"  # it has opened its read transaction
        time.sleep(0.5)  # … and computes
        if not ready or child.poll() is not None:
            info["error"] = "ProcessFailed"
        cpu_before, started, own = _cpu_seconds(child.pid), time.perf_counter(), time.process_time()
        yield info
        cpu_after, info["wall_s"] = _cpu_seconds(child.pid), round(time.perf_counter() - started, 2)
        info["bench_cpu_s"] = round(time.process_time() - own, 2)
        if child.poll() is not None and not info["error"]:
            info["error"] = "ProcessEnded"
        if cpu_before is not None and cpu_after is not None:
            info["cpu_s"] = round(cpu_after - cpu_before, 2)
    finally:
        child.kill()  # it only reads
        out, err = child.communicate(timeout=30)
        info["rounds"] = sum(1 for line in out.splitlines() if line.startswith("Durchlauf"))
        if info["error"] and err.strip():
            info["error"] += ": " + err.strip().splitlines()[-1][:200]


WRITES = {"post": _write_something, "return": _write_return, "return-stale": _write_return_only}


def time_url_after_write(client: Client, url: str, reps: int, write=_write_something) -> dict:
    """The first request after a write (cache miss): a write before each timed request."""
    times = []
    response = None
    for _ in range(reps):
        write()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    write()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "status": response.status_code,
        "queries": len(queries),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "n": reps,
    }


# (row key, page key, write before each request): the dashboard and the lists after a post saved (their
# figures and bodies read posts); the return page and the statistics after a return saved, twice: right
# after the write while the refresh process computes the year (the stale snapshot shown), and once the
# year's snapshot is renewed (both pages read the parts they show of the stored snapshot)
# The stale rows come first: on SQLite, moving the snapshot's parts to a new key (``_write_return``) makes
# the bench's open transaction hold the database exclusively, and the refresh thread could not read it.
AFTER_WRITE_PAGES = [
    ("dashboard", "dashboard", "post"),
    ("return-stale", "return", "return-stale"),
    ("statistics-stale", "statistics", "return-stale"),
    ("return", "return", "return"),
    ("statistics", "statistics", "return"),
    ("posts", "posts", "post"),
    ("cases", "cases", "post"),
    ("oparl_papers", "oparl_papers", "post"),
]
WRITE_LABELS = {
    "post": "Stelle gespeichert",
    "return": "Meldung gespeichert, Stand der Statistik erneuert",
    "return-stale": "Meldung gespeichert, Neuberechnung läuft (alter Stand gezeigt)",
}
LABEL_SUFFIX = {"return-stale": " – während der Neuberechnung"}


def measure_after_write(reps: int = 30, log=print, skip: dict[str, str] | None = None) -> list[dict]:
    """Dashboard, statistics and the lists on the first request after a write, each rep a fresh write (rolled back)."""
    skip = skip or {}
    results = []
    with override_settings(ROOT_URLCONF="bench.urls", KIM_REQUIRE_TOTP=False):
        clients = _clients()
        specs = {s["key"]: s for s in page_specs()}
        try:
            with transaction.atomic():  # the writes leave no trace in the bench database
                for key, page, write in AFTER_WRITE_PAGES:
                    spec = specs[page]
                    if not spec["url"]:
                        continue
                    row = {
                        "key": key,
                        "label": spec["label"] + LABEL_SUFFIX.get(write, ""),
                        "url": spec["url"],
                        "list": spec["list"],
                        "write": WRITE_LABELS[write],
                    }
                    if page in skip:
                        row["skipped"] = skip[page]
                        results.append(row)
                        continue
                    client = clients[spec["user"]]
                    client.get(spec["url"])  # templates and the process warm, only the figures cold
                    if write == "return-stale":
                        with _refresh_running() as refresh:
                            row["ours"] = time_url_after_write(client, spec["url"], reps, WRITES[write])
                        row["refresh_rounds"], row["refresh_error"] = refresh["rounds"], refresh["error"]
                        row["refresh_cpu_s"], row["refresh_wall_s"] = refresh["cpu_s"], refresh["wall_s"]
                        row["refresh_bench_cpu_s"] = refresh["bench_cpu_s"]
                    else:
                        row["ours"] = time_url_after_write(client, spec["url"], reps, WRITES[write])
                    log(f"  nach Schreiben {key:16} {row['ours']}")
                    results.append(row)
                raise _Rollback
        except _Rollback:
            pass
    return results


# ------------------------------------------------------------------------------------------ profile

PROFILE_PAGES = ("posts", "cases")


def _short(func: tuple) -> str:
    filename, line, name = func
    for marker in ("site-packages/", "/lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    else:
        filename = os.path.relpath(filename, settings.BASE_DIR) if filename.startswith("/") else filename
    return f"{filename}:{line}({name})"


def profile_pages(keys: tuple[str, ...] = PROFILE_PAGES, reps: int = 20, top: int = 25, log=print) -> dict:
    """cProfile over ``reps`` requests per page (after warm-up): function calls per request (a figure that
    does not depend on the machine's load) and the top functions by own and by cumulative time."""
    out = {}
    with override_settings(ROOT_URLCONF="bench.urls", KIM_REQUIRE_TOTP=False):
        clients = _clients()
        for spec in page_specs():
            if spec["key"] not in keys or not spec["url"]:
                continue
            client = clients[spec["user"]]
            for _ in range(3):
                client.get(spec["url"])
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(spec["url"])
            query_count = len(queries)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(reps):
                client.get(spec["url"])
            profiler.disable()
            stats = pstats.Stats(profiler)
            raw = stats.stats  # {func: (primitive calls, total calls, tottime, cumtime, callers)}

            def rows(index: int, raw=raw) -> list[dict]:
                ranked = sorted(raw.items(), key=lambda item: item[1][index], reverse=True)[:top]
                return [
                    {
                        "function": _short(func),
                        "calls": round(nc / reps, 1),
                        "own_ms": round(tt * 1000 / reps, 2),
                        "cum_ms": round(ct * 1000 / reps, 2),
                    }
                    for func, (_cc, nc, tt, ct, _callers) in ranked
                ]

            out[spec["key"]] = {
                "label": spec["label"],
                "url": spec["url"],
                "reps": reps,
                "queries": query_count,
                "calls_per_request": round(stats.total_calls / reps),
                "ms_per_request_profiled": round(stats.total_tt * 1000 / reps, 1),
                "top_own": rows(2),
                "top_cum": rows(3),
            }
            log(
                f"  Profil {spec['key']:10} {out[spec['key']]['calls_per_request']} Funktionsaufrufe/Anfrage, "
                f"{out[spec['key']]['ms_per_request_profiled']} ms/Anfrage (mit Profiler), {query_count} Abfragen"
            )
    return out


class _Rollback(Exception):
    pass


def _pdf_pages(data: bytes) -> int:
    try:
        out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
        return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
    except (OSError, subprocess.CalledProcessError, StopIteration, ValueError):
        return data.count(b"/Type /Page") - data.count(b"/Type /Pages")


def measure_pdf(runs: int = 5, bundle_papers: int = 6, log=print) -> dict:

    paper = Paper.objects.get(number="2020/0354")
    render_paper_pdf(paper)  # warm-up: fonts, templates, CSS
    times = []
    for _ in range(runs):  # the render itself (what a changed paper costs); paper_pdf caches released papers
        start = time.perf_counter()
        data = render_paper_pdf(paper)
        times.append(time.perf_counter() - start)
    paper_pdf(paper)
    start = time.perf_counter()
    paper_pdf(paper)
    cached = time.perf_counter() - start
    result = {
        "paper_s": round(statistics.median(times), 3),
        "paper_max_s": round(max(times), 3),
        "paper_cached_s": round(cached, 4),
        "paper_pages": _pdf_pages(data),
        "runs": runs,
    }
    try:
        with transaction.atomic():  # a scratch meeting with the demo paper as often as needed; rolled back
            meeting = Meeting.objects.create(
                committee=Committee.objects.order_by("pk").first(),
                date=date(2026, 12, 30),
                start_time=clock(9, 0),
                place="Benchmark",
            )
            for order in range(1, bundle_papers + 1):
                AgendaItem.objects.create(
                    meeting=meeting, order=order, number=str(order), title=f"Punkt {order}", paper=paper
                )
            start = time.perf_counter()
            bundle = meeting_bundle_pdf(meeting)
            result["bundle_s"] = round(time.perf_counter() - start, 3)
            result["bundle_pages"] = _pdf_pages(bundle)
            raise _Rollback
    except _Rollback:
        pass
    log(f"  PDF {result}")
    return result


# --------------------------------------------------------------------------------------- gunicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process from /proc (0 where it is gone or unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_pids(master: int) -> list[int]:
    """The gunicorn master and its workers, and the PostgreSQL backends of this database (the workers'
    connections): the CPU the server spends on a request, wherever it is spent."""
    pids = [master]
    dbname = str(connection.settings_dict.get("NAME") or "") if connection.vendor == "postgresql" else ""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
                continue
            if dbname:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if cmd.startswith("postgres: ") and f" {dbname} " in cmd:
                    pids.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def _server_cpu(master: int, before: dict[int, float] | None = None) -> dict[int, float]:
    """CPU seconds per server process; with ``before``, processes that ended since keep their last value."""
    now = {pid: _cpu_seconds(pid) for pid in _server_pids(master)}
    for pid, value in (before or {}).items():
        now.setdefault(pid, value)
    return now


def _get_raw(port: int, request: bytes) -> int:
    """One request over a new connection (what a browser's first request costs the server: accept,
    parse, answer, close), read to the end; the status, or 0 for a short or broken answer. A socket
    and a few byte operations instead of http.client's header parsing (email.feedparser), so the load
    generator on the same two cores takes as little CPU from the workers as it can."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(262144)
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/1."):
        return 0
    at = head.lower().find(b"\r\ncontent-length:")
    if at >= 0:
        length = int(head[at + 17 :].split(b"\r\n", 1)[0])
        if length != len(body):
            return 0
    return int(head[9:12])


def _get_httplib(port: int, path: str, cookie: str) -> int:
    """The load generator before (http.client, one connection per request); kept for comparisons."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _load(
    port: int, path: str, cookie: str, seconds: float, threads: int, *, master: int | None = None, client: str = "raw"
) -> dict:
    stop = time.perf_counter() + seconds
    counts, errors, latencies = [0] * threads, [0] * threads, [[] for _ in range(threads)]
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()

    def worker(i: int) -> None:
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                status = _get_raw(port, request) if client == "raw" else _get_httplib(port, path, cookie)
                if status == 200:
                    counts[i] += 1
                    latencies[i].append((time.perf_counter() - start) * 1000)
                else:
                    errors[i] += 1
            except (OSError, ValueError):
                errors[i] += 1

    server_before = _server_cpu(master) if master else {}
    client_before = time.process_time()
    began = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - began
    client_cpu = time.process_time() - client_before
    server_after = _server_cpu(master, server_before) if master else {}
    server_cpu = sum(server_after.values()) - sum(server_before.get(pid, 0.0) for pid in server_after)
    lat = [x for part in latencies for x in part]
    ok = sum(counts)
    return {
        "rps": round(ok / elapsed, 1),
        "ok": ok,
        "errors": sum(errors),
        "seconds": round(elapsed, 1),
        "threads": threads,
        "client": client,
        "p50_ms": round(percentile(lat, 50), 1) if lat else None,
        "p95_ms": round(percentile(lat, 95), 1) if lat else None,
        # CPU per successful request: gunicorn (master, workers) with its PostgreSQL backends, and the
        # load generator (this process), which shares the two cores with the server
        "server_cpu_ms": round(server_cpu * 1000 / ok, 2) if ok and master else None,
        "client_cpu_ms": round(client_cpu * 1000 / ok, 2) if ok else None,
        "load": round(os.getloadavg()[0], 2),
    }


def _config_threads(args: tuple[str, ...]) -> int | None:
    """Threads per worker as gunicorn runs here: ``--threads`` if given, else gunicorn.conf.py's."""
    if "--threads" in args:
        return int(args[args.index("--threads") + 1])
    config: dict = {}
    path = Path(settings.BASE_DIR) / "gunicorn.conf.py"
    if path.is_file():
        exec(compile(path.read_text(), str(path), "exec"), config)  # noqa: S102 – our own file
    return config.get("threads")


def measure_throughput(
    seconds: float = 15,
    threads: int = 8,
    log=print,
    *,
    client: str = "raw",
    keys: tuple[str, ...] = ("posts", "dashboard"),
    gunicorn_args: tuple[str, ...] = (),
) -> dict:
    """gunicorn with 2 workers on loopback, configured as in production (gunicorn.conf.py), DEBUG=0,
    KIM_REQUIRE_TOTP=0; a logged-in A 46 session cookie. ``client``: "raw" (a socket per request) or
    "http.client" (the load generator before, for comparisons)."""

    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "KIM_REQUIRE_TOTP": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [
        str(gunicorn),
        "config.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "error",
        *gunicorn_args,
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("gunicorn startete nicht: " + proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        cookie = _session_cookie("a46")
        specs = {s["key"]: s for s in page_specs()}
        result = {}
        for key in keys:
            path = specs[key]["url"]
            _load(port, path, cookie, 2, threads, client=client)  # warm-up of both workers
            result[key] = {"url": path, **_load(port, path, cookie, seconds, threads, master=proc.pid, client=client)}
            log(f"  gunicorn {key}: {result[key]}")
        result["workers"] = 2
        result["worker_threads"] = _config_threads(gunicorn_args)
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# ------------------------------------------------------------------------- the protected year, computed once


def _memory_mb() -> dict[str, float]:
    """Resident and peak resident memory of this process in MB (Linux /proc; empty elsewhere)."""
    found: dict[str, float] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    name, value = line.split(":", 1)
                    found[name] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return found


def _reset_peak_memory() -> bool:
    """Start the peak (VmHWM) anew from the current resident memory (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


class StackSampler:
    """Where a long computation spends its time, without cProfile's overhead (which would double a
    computation of minutes): a thread looks at the measured thread's stack every ``interval`` seconds
    and counts each function once per sample it is on the stack (cumulative) and at its top (own)."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.samples = 0
        self.cum: dict[str, int] = {}
        self.own: dict[str, int] = {}
        self._target = threading.get_ident()
        self._caller = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-stack-sampler", daemon=True)

    @staticmethod
    def _name(code) -> str:
        return _short((code.co_filename, code.co_firstlineno, code.co_name))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(self._target)
            if frame is None:
                continue
            self.samples += 1
            top = self._name(frame.f_code)
            self.own[top] = self.own.get(top, 0) + 1
            seen = set()
            while frame is not None and frame.f_code is not self._caller:  # the frames below the caller's
                name = self._name(frame.f_code)
                if name not in seen:
                    seen.add(name)
                    self.cum[name] = self.cum.get(name, 0) + 1
                frame = frame.f_back

    def __enter__(self) -> StackSampler:
        self._caller = sys._getframe(1).f_code  # the function that measures: its frame and those below are left out
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def top(self, counts: dict[str, int], n: int = 25) -> list[dict]:
        total = max(self.samples, 1)
        ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)[:n]
        return [{"function": name, "share": round(count / total, 3)} for name, count in ranked]


class ProtectionTimeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``ProtectionTimeout`` in this (main) thread after ``seconds`` (SIGALRM; no limit elsewhere)."""
    import signal

    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(_signum, _frame):
        raise ProtectionTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def measure_protection(year: int = STAT_YEAR, limit_s: float | None = None, log=print) -> dict:
    """The year's protection computed and stored once before the pages are measured, as the worker does
    after a write (``casemanagement.snapshots.refresh_year``): its wall and CPU time, this process's peak
    memory, the size of the system and where the time went (``StackSampler``). Without it the first
    request of the statistics or a return would compute the year inside the measurement's warm-up.

    Always the full computation, as for a year never published: if the publication ledger already holds
    a state of the year (a reused bench database), the computation runs in a transaction rolled back
    after deleting it (the ledger's shortcut, same inputs as the latest state, would measure only the
    reading); the snapshot is then stored as usual (the shortcut). ``limit_s``: abandon after so many
    seconds (0: not computed at all); the pages that need the snapshot are then not measured (``complete`` False)."""
    from casemanagement import selectors, snapshots
    from casemanagement.models import PublishedState

    result: dict = {"year": year, "limit_s": limit_s, "load_before": round(os.getloadavg()[0], 2)}
    if limit_s is not None and limit_s <= 0:  # not computed here (e.g. by another process at the same time)
        result.update(complete=False, wall_s=0.0, cpu_s=0.0, not_attempted=True)
        log(f"  Schutz {year}: nicht berechnet (--protection-limit 0)")
        return result
    recorded = PublishedState.objects.filter(year=year).exists()
    result["ledger_reset"] = recorded
    before = _memory_mb()
    result["peak_measured"] = _reset_peak_memory()
    result["rss_before_mb"] = round(before.get("VmRSS", 0))
    wall, cpu = time.perf_counter(), time.process_time()
    sampler = StackSampler()
    try:
        with sampler, _time_limit(limit_s):
            if recorded:
                with transaction.atomic():
                    PublishedState.objects.filter(year=year).delete()
                    stamp = snapshots.current_key()
                    protection = selectors.year_protection_compute(year=year)
                    snapshots._store(year, stamp, protection)
                    transaction.set_rollback(True)
            else:  # what snapshots.refresh_year does, keeping the computed year for its size
                stamp, protection = snapshots._compute_consistent(year)
                snapshots._store(year, stamp, protection)
        result["complete"] = True
    except ProtectionTimeout:
        result["complete"] = False
    result["wall_s"] = round(time.perf_counter() - wall, 1)
    result["cpu_s"] = round(time.process_time() - cpu, 1)
    after = _memory_mb()
    result["peak_rss_mb"] = round(after.get("VmHWM", 0)) if result["peak_measured"] else None
    result["load_after"] = round(os.getloadavg()[0], 2)
    result["samples"] = sampler.samples
    result["top_cum"] = sampler.top(sampler.cum)
    result["top_own"] = sampler.top(sampler.own)
    if result["complete"]:
        if recorded:
            snapshots.refresh_year(year)  # the snapshot of the current data (the ledger's shortcut)
        result["returns"] = len(protection.return_ids)
        result["values"] = len(protection.values)
        result["hidden"] = len(protection.hidden)
        result["states"] = PublishedState.objects.filter(year=year).count()
    log(
        f"  Schutz {year}: {'fertig' if result['complete'] else 'abgebrochen'} nach {result['wall_s']} s "
        f"(CPU {result['cpu_s']} s), Spitze {result['peak_rss_mb']} MB, Last {result['load_after']}"
    )
    return result
