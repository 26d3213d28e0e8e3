"""``manage.py refresh_statistics`` – compute the protected statistics of the years whose returns changed.

- without options: every year that is not current (cron, or by hand);
- ``--year Y``: that year, again while writes came in meanwhile (what the web process starts detached
  with ``KIM_STATISTICS_WORKER=process``);
- ``--watch``: a long-running worker (``KIM_STATISTICS_WORKER=external``): every ``--interval`` seconds
  it computes the years the web processes marked (and those whose computation died). SIGTERM or SIGINT
  stop it at once: a year being computed is given back, marked again, and nothing half is stored.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from casemanagement.models import CaseloadReturn, StatisticsSnapshot
from casemanagement.snapshots import logger as snapshot_logger
from casemanagement.snapshots import pending_years, refresh_rounds, refresh_year


class Stopped(BaseException):
    """SIGTERM or SIGINT during a computation (not an Exception: nothing catches it on the way out)."""


class Watcher:
    """The loop of ``--watch``: poll for marked years, compute them one by one, until stopped."""

    def __init__(self, interval: float, write=print):
        self.interval = interval
        self.stop = threading.Event()
        self.busy = False
        self.write = write

    def on_signal(self, signum, frame) -> None:
        self.stop.set()
        if self.busy:
            raise Stopped(signum)

    def poll(self) -> list[int]:
        """One round: the years computed (each as often as writes came in meanwhile, bounded)."""
        if connection.get_autocommit():  # (not inside a test's transaction)
            close_old_connections()  # CONN_MAX_AGE and health checks, as around a request
        done = []
        for year in pending_years():
            if self.stop.is_set():
                break
            self.busy = True
            try:
                if refresh_rounds(year):
                    done.append(year)
            except Exception:
                snapshot_logger.exception("Statistik %s: Neuberechnung fehlgeschlagen", year)
            finally:
                self.busy = False
        return done

    def run(self, *, once: bool = False) -> None:
        while not self.stop.is_set():
            for year in self.poll():
                self.write(f"{year}: neu berechnet")
            if once:
                break
            self.stop.wait(self.interval)


class Command(BaseCommand):
    help = (
        "Berechnet die geschützte Fallzahlen-Statistik je Jahr neu, wenn sich Meldungen geändert haben. "
        "--watch: als dauerhaft laufender Dienst (KIM_STATISTICS_WORKER=external)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="nur dieses Jahr (mehrfach möglich)")
        parser.add_argument("--force", action="store_true", help="auch einen aktuellen Stand neu berechnen")
        parser.add_argument(
            "--watch", action="store_true", help="dauerhaft: vorgemerkte Jahre berechnen, bis SIGTERM/SIGINT"
        )
        parser.add_argument("--interval", type=float, default=5.0, help="Sekunden zwischen zwei Abfragen (--watch)")

    def handle(self, *args, year=None, force=False, watch=False, interval=5.0, **options):
        if watch:
            watcher = Watcher(interval, write=self.stdout.write)
            previous = {sig: signal.signal(sig, watcher.on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
            self.stdout.write(f"Statistik-Neuberechnung wartet auf Aufträge (alle {interval:g} s)")
            try:
                watcher.run()
            except Stopped:
                pass
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
            self.stdout.write("Statistik-Neuberechnung beendet")
            return
        if year:
            for y in year:
                done = refresh_rounds(y) if not force else int(refresh_year(y, force=True))
                self.stdout.write(f"{y}: {'neu berechnet' if done else 'aktuell oder wird bereits berechnet'}")
            return
        years = sorted(
            set(CaseloadReturn.objects.values_list("year", flat=True).distinct())
            | set(StatisticsSnapshot.objects.values_list("year", flat=True))
        )
        for y in years:
            done = refresh_year(y, force=force)
            self.stdout.write(f"{y}: {'neu berechnet' if done else 'aktuell oder wird bereits berechnet'}")
