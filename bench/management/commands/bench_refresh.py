"""``manage.py bench_refresh --year Y`` – bench only (bench.measure): the statistics refresh's computation
of a year (``snapshots.compute_and_record`` without its final write) over and over in a process of its
own, as ``KIM_STATISTICS_WORKER=process``/``external`` run it in production, until it is ended. It only
reads: its transactions are rolled back, so it may be killed at any time. Prints "bereit" once it reads,
then a line per computation."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from casemanagement import selectors, snapshots


class Command(BaseCommand):
    help = "Nur Benchmark: berechnet den Schutz eines Jahres immer wieder (wie die Neuberechnung), bis beendet."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--rounds", type=int, default=0, help="höchstens so viele Durchläufe (0: bis beendet)")

    def handle(self, *args, year: int, rounds: int = 0, **options):
        done = 0
        while not rounds or done < rounds:
            with transaction.atomic():
                snapshots._repeatable_read(True)
                snapshots.current_key()
                if not done:
                    self.stdout.write("bereit")
                    self.stdout.flush()
                selectors.year_protection_prepare(year=year)
                transaction.set_rollback(True)
            done += 1
            self.stdout.write(f"Durchlauf {done}")
            self.stdout.flush()
