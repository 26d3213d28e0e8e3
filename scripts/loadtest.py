#!/usr/bin/env python
"""Load and fault run against a production-like server (not part of ``make test``).

    .venv/bin/python scripts/loadtest.py [--users 20] [--seconds 60] [--fault]

1. Drops and recreates the PostgreSQL database ``kim_load`` (``--db``), migrates, loads the demo,
   collects the static files and adds ``--users`` carrier users spread over the demo's carriers
   (``last-<träger>-<n>``; they exist only in this database).
2. Starts gunicorn (2 workers × 4 threads, DEBUG=0, SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, whitenoise)
   on a loopback port; the requests carry ``X-Forwarded-Proto: https`` as behind the TLS proxy.
3. Each simulated user (one thread, its own cookies, CSRF token from the forms) logs in and, until
   the time is up, opens the case list and cases, opens new cases, records contacts and creates and
   submits monthly returns (months in which its carrier's post existed and that have no return yet,
   split between the carrier's users so that no two users want the same month).
4. Afterwards: every acknowledged write (the view's redirect to the new object, for submits the
   success message) is in the database, the counts per kind match the tally, no partial writes
   (a case without its first episode or topics, a submitted return without figures), no 500.

``--fault`` restarts PostgreSQL in the middle of the run (``pg_ctlcluster … main restart``, as
root). Requests during the outage may fail, but only cleanly: a 503 "Datenbank vorübergehend nicht
erreichbar", never a 500; afterwards requests succeed again. A write whose request failed may or may
not have been committed (the failure can come after the commit, e.g. when the session is saved), so
then the count may exceed the acknowledged writes by at most the number of failed attempts.

Exit status 0 when every check holds, 1 otherwise. Prints requests, errors, p50/p95, requests/s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "Lasttest-Passwort-2026!"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_URL_RE = re.compile(r"^/fallmanagement/faelle/([0-9a-f-]{36})/$")
RETURN_URL_RE = re.compile(r"^/fallmanagement/meldungen/([0-9a-f-]{36})/$")
OUTAGE_TEXT = "Datenbank vorübergehend nicht erreichbar"


# ----------------------------------------------------------------------------------------------- setup


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Last- und Ausfalltest (PostgreSQL, gunicorn)")
    p.add_argument("--users", type=int, default=20, help="simulierte Trägerbenutzer (Standard 20)")
    p.add_argument("--seconds", type=float, default=60, help="Dauer der Last in Sekunden (Standard 60)")
    p.add_argument("--fault", action="store_true", help="PostgreSQL in der Mitte des Laufs neu starten")
    p.add_argument("--db", default="kim_load", help="Datenbank (wird gelöscht und neu angelegt)")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL-Server")
    p.add_argument("--port", type=int, default=0, help="Port für gunicorn (Standard: ein freier)")
    p.add_argument("--think", type=float, default=0.1, help="mittlere Denkpause je Benutzer in Sekunden")
    p.add_argument("--seed", type=int, default=46)
    return p.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(pg: str, name: str) -> None:
    import psycopg2

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"ungültiger Datenbankname: {name}")
    conn = psycopg2.connect(f"{pg}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {name}")
    conn.close()


def server_env(args: argparse.Namespace, media: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "DEBUG": "0",
        "SECRET_KEY": "lasttest-nur-lokal-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": media,
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


@dataclass
class Plan:
    """What the simulated users may do: per carrier its users, module 2 posts and free months."""

    users: list[dict] = field(default_factory=list)  # username, carrier, posts, months
    municipalities: list[int] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)


def prepare(args: argparse.Namespace, rng: random.Random) -> Plan:
    """Runs in this process with the load database's environment (django.setup() already done)."""
    from django.core.management import call_command

    from casemanagement.models import (
        AgeBand,
        CaseloadReturn,
        ContactMode,
        Gender,
        LegalDomain,
        Phase,
        ResidenceStatus,
        Topic,
    )
    from kim.models import Municipality, Organisation, Role, User
    from kim.periods import month_bounds
    from modules.models import Post

    print("· migrate, load_demo, collectstatic …", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)

    carriers = list(Organisation.objects.filter(kind="carrier").order_by("slug"))
    today = date.today()
    plan = Plan()
    plan.municipalities = list(Municipality.objects.filter(module2_area=True).values_list("pk", flat=True))
    plan.choices = {
        "age_band": list(AgeBand.values),
        "gender": list(Gender.values),
        "residence_status": list(ResidenceStatus.values),
        "legal_domain": list(LegalDomain.values),
        "topics": list(Topic.values),
        "mode": list(ContactMode.values),
        "phase": [p for p in Phase.values if p != Phase.CLOSED],
    }
    per_carrier: dict[int, list[dict]] = {c.pk: [] for c in carriers}
    for i in range(args.users):
        carrier = carriers[i % len(carriers)]
        username = f"last-{carrier.slug}-{i // len(carriers) + 1}"
        user = User(
            username=username, role=Role.CARRIER, organisation=carrier, first_name="Last", last_name=f"Test {i + 1}"
        )
        user.set_password(PASSWORD)
        user.save()
        spec = {"username": username, "carrier": carrier.pk, "posts": [], "months": []}
        per_carrier[carrier.pk].append(spec)
        plan.users.append(spec)
    for carrier in carriers:
        specs = per_carrier[carrier.pk]
        if not specs:
            continue
        posts = list(Post.objects.filter(employer=carrier, module__number=2).order_by("pk"))
        free = []
        for post in posts:
            taken = set(CaseloadReturn.objects.filter(post=post).values_list("year", "month"))
            year, month = post.start.year, post.start.month
            while (year, month) < (today.year, today.month):
                start, end = month_bounds(year, month)
                if (post.end is None or post.end >= start) and (year, month) not in taken:
                    free.append((post.pk, year, month))
                year, month = (year, month + 1) if month < 12 else (year + 1, 1)
                if post.end is not None and (year, month) > (post.end.year, post.end.month):
                    break
        rng.shuffle(free)
        for n, spec in enumerate(specs):
            spec["posts"] = [(p.pk, p.start, p.end) for p in posts]
            spec["months"] = free[n :: len(specs)]
    return plan


def counts() -> dict[str, int]:
    from casemanagement.models import Case, CaseloadReturn, Contact, ReturnStatus

    return {
        "case": Case.objects.count(),
        "contact": Contact.objects.count(),
        "return": CaseloadReturn.objects.count(),
        "submit": CaseloadReturn.objects.exclude(status=ReturnStatus.DRAFT).count(),
    }


# ---------------------------------------------------------------------------------------------- client


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: str):
        self.status, self.headers, self.body = status, headers, body

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


@dataclass
class Sample:
    at: float
    seconds: float
    status: int  # 0 = no HTTP answer (connection error)
    kind: str
    clean: bool = True  # a 5xx is clean only as the German 503 page


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: list[Sample] = []
        self.acknowledged: dict[str, list[str]] = {"case": [], "contact": [], "return": [], "submit": []}
        self.failed_writes: dict[str, int] = {"case": 0, "contact": 0, "return": 0, "submit": 0}
        self.refused: dict[str, int] = {"case": 0, "contact": 0, "return": 0, "submit": 0}

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def ack(self, kind: str, ident: str) -> None:
        with self.lock:
            self.acknowledged[kind].append(ident)

    def failed(self, kind: str) -> None:
        with self.lock:
            self.failed_writes[kind] += 1

    def refusal(self, kind: str) -> None:
        with self.lock:
            self.refused[kind] += 1


class RequestFailed(Exception):
    pass


class Browser:
    """One simulated user: own connection, own cookie jar, CSRF token from the last form."""

    def __init__(self, port: int, stats: Stats, t0: float):
        self.port, self.stats, self.t0 = port, stats, t0
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.conn

    def request(self, method: str, path: str, kind: str, data: dict | list | None = None) -> Response:
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",  # as behind the TLS proxy (SECURE_PROXY_SSL_HEADER)
            "User-Agent": "kim-lasttest",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(data or {}, doseq=True).encode()
            headers.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + path}
            )
        started = time.monotonic()
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            status, hdrs = raw.status, {k.lower(): v for k, v in raw.getheaders()}
            for value in raw.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value in ("", '""') or "max-age=0" in value.lower():
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = cookie_value
        except (OSError, http.client.HTTPException) as exc:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            self.stats.add(Sample(started - self.t0, time.monotonic() - started, 0, kind, clean=False))
            raise RequestFailed(f"{method} {path}: {exc!r}") from exc
        elapsed = time.monotonic() - started
        clean = status < 500 or (status == 503 and OUTAGE_TEXT in text)
        self.stats.add(Sample(started - self.t0, elapsed, status, kind, clean))
        if hdrs.get("connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        if status >= 500:
            raise RequestFailed(f"{method} {path}: {status}")
        return Response(status, hdrs, text)

    def form_token(self, path: str, kind: str) -> str:
        page = self.request("GET", path, kind)
        if page.status == 302 and page.location.startswith("/anmelden/"):
            raise LoggedOut()
        match = CSRF_RE.search(page.body)
        if page.status != 200 or not match:
            raise RequestFailed(f"GET {path}: kein Formular ({page.status})")
        return unescape(match.group(1))


class LoggedOut(Exception):
    pass


# ------------------------------------------------------------------------------------------ the users


class SimulatedUser(threading.Thread):
    def __init__(
        self, spec: dict, plan: Plan, port: int, stats: Stats, t0: float, deadline: float, think: float, seed: int
    ):
        super().__init__(daemon=True)
        self.spec, self.plan, self.stats, self.deadline, self.think = spec, plan, stats, deadline, think
        self.browser = Browser(port, stats, t0)
        self.rng = random.Random(seed)
        self.logged_in = False
        self.my_cases: list[tuple[str, date]] = []  # (public id, opened on)
        self.months = list(spec["months"])

    # -- actions

    def login(self) -> None:
        self.browser.cookies.clear()
        token = self.browser.form_token("/anmelden/", "login")
        answer = self.browser.request(
            "POST",
            "/anmelden/",
            "login",
            {
                "csrfmiddlewaretoken": token,
                "username": self.spec["username"],
                "password": PASSWORD,
            },
        )
        if answer.status != 302:
            raise RequestFailed(f"Anmeldung {self.spec['username']}: {answer.status}")
        self.logged_in = True

    def case_list(self) -> None:
        page = self.browser.request("GET", f"/fallmanagement/faelle/?page={self.rng.randint(1, 3)}", "read")
        self._check_logged_in(page)
        ids = re.findall(r'href="/fallmanagement/faelle/([0-9a-f-]{36})/"', page.body)
        if ids:
            self._check_logged_in(
                self.browser.request("GET", f"/fallmanagement/faelle/{self.rng.choice(ids)}/", "read")
            )

    def open_case(self) -> None:
        post_pk, start, end = self.rng.choice(self.spec["posts"])
        low, high = max(start, date(2022, 1, 1)), min(end or date.today(), date(2022, 11, 30), date.today())
        opened = low + timedelta(days=self.rng.randint(0, max(0, (high - low).days)))
        c = self.plan.choices
        token = self.browser.form_token("/fallmanagement/faelle/neu/", "read")
        answer = self._write(
            "case",
            "POST",
            "/fallmanagement/faelle/neu/",
            {
                "csrfmiddlewaretoken": token,
                "responsible_post": post_pk,
                "opened_on": opened.strftime("%d.%m.%Y"),
                "age_band": self.rng.choice(c["age_band"]),
                "gender": self.rng.choice(c["gender"]),
                "municipality": self.rng.choice(self.plan.municipalities),
                "residence_status": self.rng.choice(c["residence_status"]),
                "legal_domain": self.rng.choice(c["legal_domain"]),
                "phase": self.rng.choice(c["phase"]),
                "topics": self.rng.sample(c["topics"], self.rng.randint(1, 3)),
            },
        )
        match = CASE_URL_RE.match(answer.location) if answer.status == 302 else None
        if match:
            self.stats.ack("case", match.group(1))
            self.my_cases.append((match.group(1), opened))
            self._check_logged_in(self.browser.request("GET", answer.location, "read"))
        else:
            self.stats.refusal("case")

    def record_contact(self) -> None:
        if not self.my_cases:
            return self.open_case()
        public_id, opened = self.rng.choice(self.my_cases)
        on = min(opened + timedelta(days=self.rng.randint(0, 25)), date.today())
        path = f"/fallmanagement/faelle/{public_id}/kontakt/"
        token = self.browser.form_token(path, "read")
        answer = self._write(
            "contact",
            "POST",
            path,
            {
                "csrfmiddlewaretoken": token,
                "date": on.strftime("%d.%m.%Y"),
                "duration_minutes": self.rng.choice([15, 30, 45, 60, 90]),
                "mode": self.rng.choice(self.plan.choices["mode"]),
            },
        )
        if answer.status == 302 and answer.location == f"/fallmanagement/faelle/{public_id}/":
            self.stats.ack("contact", public_id)
        else:
            self.stats.refusal("contact")

    def monthly_return(self) -> None:
        if not self.months:
            return self.case_list()
        post_pk, year, month = self.months[0]
        token = self.browser.form_token("/fallmanagement/meldungen/neu/", "read")
        answer = self._write(
            "return",
            "POST",
            "/fallmanagement/meldungen/neu/",
            {
                "csrfmiddlewaretoken": token,
                "post": post_pk,
                "year": year,
                "month": month,
            },
        )
        match = RETURN_URL_RE.match(answer.location) if answer.status == 302 else None
        if not match:
            # Refused: after an outage the return may exist although the answer was lost; move on.
            self.stats.refusal("return")
            self.months.pop(0)
            return
        self.months.pop(0)
        self.stats.ack("return", match.group(1))
        detail = answer.location
        page = self.browser.request("GET", detail, "read")
        token = unescape(CSRF_RE.search(page.body).group(1))
        answer = self._write("submit", "POST", detail + "einreichen/", {"csrfmiddlewaretoken": token})
        if answer.status == 302 and answer.location == detail:
            page = self.browser.request("GET", detail, "read")
            if "Meldung eingereicht" in page.body:
                self.stats.ack("submit", match.group(1))
                return
        self.stats.refusal("submit")

    # -- plumbing

    def _write(self, kind: str, method: str, path: str, data: dict) -> Response:
        try:
            answer = self.browser.request(method, path, kind, data)
        except RequestFailed:
            self.stats.failed(kind)
            raise
        if answer.status == 302 and answer.location.startswith("/anmelden/"):
            raise LoggedOut()
        return answer

    def _check_logged_in(self, page: Response) -> None:
        if page.status == 302 and page.location.startswith("/anmelden/"):
            raise LoggedOut()

    def run(self) -> None:
        actions = [(self.case_list, 4), (self.open_case, 2), (self.record_contact, 3), (self.monthly_return, 1)]
        funcs, weights = zip(*actions, strict=False)
        while time.monotonic() < self.deadline:
            try:
                if not self.logged_in:
                    self.login()
                self.rng.choices(funcs, weights)[0]()
            except LoggedOut:
                self.logged_in = False
            except RequestFailed:
                time.sleep(0.2)  # the outage: try again shortly
            except Exception as exc:  # a bug in the script must not hide as a hang
                print(f"  ! {self.spec['username']}: {exc!r}", file=sys.stderr)
                time.sleep(0.2)
            time.sleep(self.rng.expovariate(1 / self.think) if self.think > 0 else 0)


# --------------------------------------------------------------------------------------------- the run


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit("gunicorn ist nicht gestartet (siehe Protokoll)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn antwortet nicht")


def restart_postgres() -> tuple[float, float]:
    versions = sorted(os.listdir("/etc/postgresql"))
    started = time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"], check=True)
    return started, time.monotonic()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def partial_writes() -> dict[str, int]:
    from django.db import connection

    checks = {
        "Fälle ohne ersten Abschnitt": """
            SELECT count(*) FROM casemanagement_case c WHERE NOT EXISTS (
                SELECT 1 FROM casemanagement_caseepisode e WHERE e.case_id = c.id AND e.number = 1)""",
        "Fälle ohne Thema": """
            SELECT count(*) FROM casemanagement_case c WHERE NOT EXISTS (
                SELECT 1 FROM casemanagement_casetopic t WHERE t.case_id = c.id)""",
        "Fälle ohne Änderungsverlauf": """
            SELECT count(*) FROM casemanagement_case c WHERE NOT EXISTS (
                SELECT 1 FROM casemanagement_historicalcase h WHERE h.id = c.id)""",
        "eingereichte Meldungen ohne Zahlen": """
            SELECT count(*) FROM casemanagement_caseloadreturn r WHERE r.status <> 'draft' AND NOT EXISTS (
                SELECT 1 FROM casemanagement_returnfigure f WHERE f.caseload_return_id = r.id AND f.dimension = 'totals')""",
        "eingereichte Meldungen ohne Zeitpunkt": """
            SELECT count(*) FROM casemanagement_caseloadreturn r WHERE r.status <> 'draft' AND r.submitted_at IS NULL""",
    }
    with connection.cursor() as cur:
        result = {}
        for label, sql in checks.items():
            cur.execute(sql)
            result[label] = cur.fetchone()[0]
    return result


def main() -> int:
    args = parse_args()
    rng = random.Random(args.seed)
    media = tempfile.mkdtemp(prefix="kim-last-media-")
    env = server_env(args, media)
    print(
        f"Lasttest: {args.users} Benutzer, {args.seconds:g} s, Datenbank {args.db}"
        + (", mit PostgreSQL-Neustart" if args.fault else "")
    )
    recreate_database(args.pg, args.db)
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connection

    plan = prepare(args, rng)
    before = counts()
    connection.close()

    port = args.port or free_port()
    log_path = Path(tempfile.gettempdir()) / f"kim-lasttest-gunicorn-{port}.log"
    log = open(log_path, "w")
    gunicorn = shutil.which("gunicorn", path=str(BASE_DIR / ".venv" / "bin")) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi:application",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    outage: tuple[float, float] | None = None
    try:
        wait_for_port(port, server)
        stats = Stats()
        t0 = time.monotonic()
        deadline = t0 + args.seconds
        users = [
            SimulatedUser(spec, plan, port, stats, t0, deadline, args.think, args.seed * 1000 + i)
            for i, spec in enumerate(plan.users)
        ]
        for u in users:
            u.start()
        if args.fault:
            time.sleep(args.seconds / 2)
            print("· PostgreSQL wird neu gestartet …", flush=True)
            a, b = restart_postgres()
            outage = (a - t0, b - t0)
            print(f"  Neustart von {outage[0]:.1f} s bis {outage[1]:.1f} s", flush=True)
        for u in users:
            u.join(timeout=args.seconds + 60)
        elapsed = time.monotonic() - t0
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    # ---------------------------------------------------------------------------------------- checks
    from django.db import close_old_connections

    close_old_connections()
    connection.close()
    after = counts()
    from casemanagement.models import Case, CaseloadReturn, ReturnStatus

    samples = stats.samples
    ok = [s for s in samples if 0 < s.status < 500]
    server_errors = [s for s in samples if s.status >= 500]
    unclean = [s for s in samples if not s.clean]
    failures = [s for s in samples if s.status == 0 or s.status >= 500]
    latencies = [s.seconds * 1000 for s in ok]
    print()
    print(f"Anfragen:           {len(samples)} in {elapsed:.1f} s = {len(samples) / elapsed:.1f} Anfragen/s")
    print(f"erfolgreich:        {len(ok)}")
    print(
        f"Serverfehler (5xx): {len(server_errors)} (davon 503 „{OUTAGE_TEXT}“: {sum(1 for s in server_errors if s.status == 503 and s.clean)}, 500: {sum(1 for s in server_errors if s.status == 500)})"
    )
    print(f"ohne Antwort:       {sum(1 for s in samples if s.status == 0)}")
    print(
        f"Latenz (erfolgreich): p50 {statistics.median(latencies) if latencies else 0:.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies, default=0):.0f} ms"
    )

    problems: list[str] = []
    print("\nBestätigte Schreibvorgänge gegen die Datenbank:")
    for kind, label in [
        ("case", "Fälle angelegt"),
        ("contact", "Kontakte erfasst"),
        ("return", "Meldungen angelegt"),
        ("submit", "Meldungen eingereicht"),
    ]:
        acked, delta, failed = len(stats.acknowledged[kind]), after[kind] - before[kind], stats.failed_writes[kind]
        verdict = "ok" if (delta == acked if not failed else acked <= delta <= acked + failed) else "FEHLER"
        print(
            f"  {label:22} bestätigt {acked:5}  in der Datenbank +{delta:5}  abgelehnt {stats.refused[kind]:3}  gescheitert {failed:3}  {verdict}"
        )
        if verdict != "ok":
            problems.append(f"{label}: bestätigt {acked}, Datenbank +{delta}, gescheitert {failed}")
    missing_cases = set(stats.acknowledged["case"]) - {
        str(p)
        for p in Case.objects.filter(public_id__in=stats.acknowledged["case"]).values_list("public_id", flat=True)
    }
    submitted = set(stats.acknowledged["submit"])
    missing_submits = submitted - {
        str(p)
        for p in CaseloadReturn.objects.filter(public_id__in=submitted)
        .exclude(status=ReturnStatus.DRAFT)
        .values_list("public_id", flat=True)
    }
    print(
        f"  jeder bestätigte Fall vorhanden: {'ja' if not missing_cases else f'NEIN, es fehlen {len(missing_cases)}'}; "
        f"jede bestätigte Einreichung vorhanden: {'ja' if not missing_submits else f'NEIN, es fehlen {len(missing_submits)}'}"
    )
    if missing_cases or missing_submits:
        problems.append("bestätigte Schreibvorgänge fehlen")
    partial = partial_writes()
    print("Halbe Schreibvorgänge (SQL): " + ", ".join(f"{k} {v}" for k, v in partial.items()))
    if any(partial.values()):
        problems.append("halbe Schreibvorgänge")

    if args.fault:
        failed_at = [s.at for s in failures]
        first_ok_after = min((s.at for s in ok if failed_at and s.at > max(failed_at)), default=None)
        print(
            f"\nAusfall: Neustart {outage[0]:.1f}–{outage[1]:.1f} s; gescheiterte Anfragen {len(failures)}"
            + (f" zwischen {min(failed_at):.1f} s und {max(failed_at):.1f} s" if failed_at else "")
            + (f"; erste erfolgreiche danach bei {first_ok_after:.1f} s" if first_ok_after is not None else "")
        )
        after_outage = [s for s in samples if s.at > outage[1] + 5]
        ok_after = sum(1 for s in after_outage if 0 < s.status < 500)
        print(f"  ab 5 s nach dem Neustart: {len(after_outage)} Anfragen, davon {ok_after} erfolgreich")
        if not after_outage or ok_after < len(after_outage):
            problems.append("nach dem Neustart scheitern weiter Anfragen")
        if unclean:
            problems.append(f"{len(unclean)} Anfragen scheiterten nicht sauber (500 oder ohne Antwort)")
    elif failures:
        problems.append(f"{len(failures)} gescheiterte Anfragen ohne Ausfall")
    timeline: dict[int, list[int]] = {}
    for s in samples:
        bucket = timeline.setdefault(int(s.at // 5) * 5, [0, 0])
        bucket[0 if 0 < s.status < 500 else 1] += 1
    print(
        "Verlauf (5-s-Fenster, erfolgreich/gescheitert): "
        + "  ".join(f"{k}s {v[0]}/{v[1]}" for k, v in sorted(timeline.items()))
    )
    print(f"gunicorn-Protokoll: {log_path}")
    shutil.rmtree(media, ignore_errors=True)
    if problems:
        print("\nNICHT BESTANDEN: " + "; ".join(problems))
        return 1
    print("\nBESTANDEN")
    return 0


if __name__ == "__main__":
    sys.exit(main())
