"""``manage.py bench`` – the benchmark (``make bench``; not part of ``make test``).

Per database a child process of this command runs against its own bench database – SQLite
``/tmp/kim_bench_<scale>.sqlite3`` (``BENCH_SQLITE_PATH``) and PostgreSQL ``kim_bench`` (``BENCH_PG_URL``) – never against the
development or test database: migrate, load the demo (paper 2020/0354), generate the data
(bench.generate), measure (bench.measure). The parent writes docs/benchmarks.md and the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import generate as gen
from bench import report
from bench.runner import bench_current_database

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/kim_bench"
# Disk per database and scale: the county SQLite file is about 0,25 GB, PostgreSQL about twice that; state ≈ 53 ×.
DISK_GB = {"tiny": 0.1, "small": 0.2, "county": 1, "state-slice": 6, "state": 30}


class Command(BaseCommand):
    help = (
        "Lasttest: erzeugt einen großen Datenbestand in eigenen Bench-Datenbanken und misst Seiten, PDF und Durchsatz."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(gen.SCALES), default="county")
        parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
        parser.add_argument(
            "--out",
            default=None,
            help="Bericht (Standard docs/benchmarks.md, state-slice/state: docs/benchmarks-<Größe>.md)",
        )
        parser.add_argument("--json", dest="json_out", default=None)
        parser.add_argument(
            "--baseline",
            default="docs/benchmarks.json",
            help="Ergebnis einer anderen Größe (JSON) für das Verhältnis der Seitenzeiten, z. B. state-slice zu county",
        )
        parser.add_argument(
            "--state-slice",
            dest="state_slice",
            default="docs/benchmarks-state-slice.json",
            help="Ergebnis des letzten state-slice-Laufs (JSON): der county-Bericht zeigt es je Seite im Verhältnis",
        )
        parser.add_argument("--skip-gunicorn", action="store_true", help="ohne Durchsatzmessung unter gunicorn")
        parser.add_argument("--skip-pdf", action="store_true", help="ohne PDF-Messung")
        parser.add_argument(
            "--profile",
            action="store_true",
            help="cProfile der Stellenliste und des Fallregisters: meistbenutzte Funktionen je Seite (--profile-out)",
        )
        parser.add_argument("--profile-out", default="docs/benchmarks-profile.md")
        parser.add_argument(
            "--reuse", action="store_true", help="vorhandene Bench-Datenbank derselben Größe weiterverwenden"
        )
        parser.add_argument(
            "--protection-limit",
            type=float,
            default=None,
            help="Neuberechnung des geschützten Jahres vor der Messung nach so vielen Sekunden abbrechen "
            "(Meldung und Statistik dann nicht gemessen)",
        )
        parser.add_argument("--note", default="", help="Anmerkung für den Bericht (z. B. was geändert wurde)")
        parser.add_argument("--force", action="store_true", help="auch bei zu wenig Plattenplatz (state) starten")
        parser.add_argument(
            "--child", help=argparse_hidden()
        )  # internal: measure this process's database into a JSON file

    def handle(
        self,
        *args,
        scale: str,
        db: str,
        out: str | None,
        json_out: str | None,
        skip_gunicorn: bool,
        reuse: bool,
        force: bool,
        child: str | None,
        note: str = "",
        skip_pdf: bool = False,
        profile: bool = False,
        profile_out: str = "docs/benchmarks-profile.md",
        baseline: str | None = None,
        state_slice: str | None = None,
        protection_limit: float | None = None,
        **options,
    ):
        suffix = "" if scale in ("tiny", "small", "county") else f"-{scale}"
        out = out if out is not None else f"docs/benchmarks{suffix}.md"
        json_out = json_out if json_out is not None else f"docs/benchmarks{suffix}.json"
        flags = {
            "skip_gunicorn": skip_gunicorn,
            "skip_pdf": skip_pdf,
            "profile": profile,
            "protection_limit": protection_limit,
        }
        if child:
            return self._child(Path(child), scale, reuse, flags)
        base = Path(settings.BASE_DIR)
        free_gb = shutil.disk_usage("/tmp").free / 1e9
        self.stdout.write(
            f"Bench {scale}: erwartete Erzeugungszeit etwa {gen.EXPECTED_MINUTES[scale]} min je Datenbank, "
            f"Platzbedarf etwa {DISK_GB[scale]} GB je Datenbank ({free_gb:.0f} GB frei)."
        )
        if free_gb < DISK_GB[scale] * (2 if db == "both" else 1) and not force:
            raise CommandError(
                f"Zu wenig Plattenplatz für --scale {scale} ({free_gb:.0f} GB frei); mit --force trotzdem starten."
            )
        results = {
            "scale": scale,
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
            "commit": report.git_commit(base),
            "cpu": report.cpu_model(),
            "cpus": report.cpu_count(),
            "load_before": round(os.getloadavg()[0], 2),
            "python": sys.version.split()[0],
            "django": django.get_version(),
            "databases": {},
            "note": note,
        }
        targets = [("SQLite", "sqlite"), ("PostgreSQL", "postgres")]
        for label, kind in targets:
            if db not in (kind, "both"):
                continue
            started = time.perf_counter()
            try:
                url = self._prepare(kind, scale, reuse)
                results["databases"][label] = self._run_child(url, scale, reuse, flags)
            except (CommandError, subprocess.CalledProcessError, OSError) as exc:
                results["databases"][label] = {"error": str(exc)}
                self.stderr.write(f"{label}: {exc}")
            results["databases"][label]["total_s"] = round(time.perf_counter() - started, 1)
        if baseline and (base / baseline).is_file() and (base / baseline).resolve() != (base / json_out).resolve():
            other = json.loads((base / baseline).read_text(encoding="utf-8"))
            if scale in report.GROWTH_SCALES and other.get("scale") != scale:
                results["baseline"] = report.baseline_summary(other)
        if scale == "county" and state_slice and (base / state_slice).is_file():
            other = json.loads((base / state_slice).read_text(encoding="utf-8"))
            if other.get("scale") == "state-slice":
                results["state_slice"] = report.baseline_summary(other)
        report.write(results, base / out if out else None, base / json_out if json_out else None)
        self.stdout.write(self.style.SUCCESS(f"Bericht: {out} und {json_out}"))
        if profile:
            report.write_profile(results, base / profile_out)
            self.stdout.write(self.style.SUCCESS(f"Profil: {profile_out}"))

    # -------------------------------------------------------------------------------------- parent

    def _prepare(self, kind: str, scale: str, reuse: bool) -> str:
        if kind == "sqlite":
            default = Path(tempfile.gettempdir()) / f"kim_bench_{scale}.sqlite3"
            path = Path(os.environ["BENCH_SQLITE_PATH"]) if os.environ.get("BENCH_SQLITE_PATH") else default
            if not reuse:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
            return f"sqlite:///{path}"
        url = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
        name = urlparse(url).path.lstrip("/")
        if "bench" not in name:
            raise CommandError(
                f"BENCH_PG_URL muss auf eine eigene Bench-Datenbank zeigen (Name mit „bench“), nicht auf {name!r}."
            )
        import psycopg2

        parsed = urlparse(url)
        admin = psycopg2.connect(
            dbname="postgres",
            user=parsed.username or "postgres",
            password=parsed.password,
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
        )
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cur.fetchone() is not None
            if exists and not reuse:
                cur.execute(f'DROP DATABASE "{name}"')
                exists = False
            if not exists:
                cur.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        return url

    def _run_child(self, url: str, scale: str, reuse: bool, flags: dict) -> dict:
        base = Path(settings.BASE_DIR)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "0",
            "KIM_REQUIRE_TOTP": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "bench-only-key-" + "k" * 40),
            "CONN_MAX_AGE": "60",
        }
        manage = [sys.executable, str(base / "manage.py")]
        # DEBUG=0 serves static files through the manifest: collect them as production does.
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=base, check=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as part:
            part_path = Path(part.name)
        cmd = [*manage, "bench", "--scale", scale, "--child", str(part_path)]
        cmd += child_flags(flags)
        if reuse:
            cmd.append("--reuse")
        subprocess.run(cmd, env=env, cwd=base, check=True)
        data = json.loads(part_path.read_text(encoding="utf-8"))
        part_path.unlink(missing_ok=True)
        return data

    # --------------------------------------------------------------------------------------- child

    def _child(self, part: Path, scale: str, reuse: bool, flags: dict) -> None:

        name = str(connection.settings_dict["NAME"])
        if "bench" not in name:
            raise CommandError(f"Der Benchmark läuft nur auf einer Bench-Datenbank, nicht auf {name!r}.")

        self.stdout.write(f"— {connection.vendor}: {name}")
        result = bench_current_database(
            scale,
            migrate=True,
            reuse=reuse,
            skip_gunicorn=flags["skip_gunicorn"],
            skip_pdf=flags["skip_pdf"],
            profile=flags["profile"],
            protection_limit_s=flags.get("protection_limit"),
            log=lambda msg: self.stdout.write(msg),
        )
        part.write_text(json.dumps(result, default=str), encoding="utf-8")


def child_flags(flags: dict) -> list[str]:
    """The options of the parent run as the child's command line: a switch when on, a number with its value
    (0 included: ``--protection-limit 0`` means "not computed", not "no limit")."""
    args: list[str] = []
    for name, value in flags.items():
        option = f"--{name.replace('_', '-')}"
        if value is True:
            args.append(option)
        elif value is not None and value is not False:
            args += [option, str(value)]
    return args


def argparse_hidden():

    return argparse.SUPPRESS
