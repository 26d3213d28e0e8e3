"""Benchmark (not a test): render time of paper 2020/0354 and of a ~40-page meeting bundle.

Run on the demo: ``python manage.py bench_pdf``. The bundle is built inside a transaction that is
rolled back: a scratch meeting with the demo paper on the agenda as often as needed for ~40 pages.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from datetime import time as clock

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from committee.models import AgendaItem, Committee, Meeting, Paper
from committee.pdf import meeting_bundle_pdf, paper_pdf


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Misst die PDF-Erzeugung: Vorlage 2020/0354 und eine Sitzungsmappe von etwa 40 Seiten."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--bundle-papers", type=int, default=6, help="Vorlagen in der Mappe (je ~7 Seiten)")

    def handle(self, *args, runs: int, bundle_papers: int, **options):
        paper = Paper.objects.filter(number="2020/0354").first()
        if paper is None:
            raise CommandError("Bitte zuerst die Demo laden (python manage.py load_demo).")
        paper_pdf(paper)  # warm-up: fonts, templates, CSS
        times, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            data = paper_pdf(paper)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        # Wall time depends on what else runs on the machine; CPU time is this process's own work.
        self.stdout.write(
            f"Vorlage 2020/0354: {len(data) // 1024} KB, Wandzeit median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f} s, max {max(times):.3f} s), CPU-Zeit median {statistics.median(cpu):.3f} s, "
            f"{runs} Läufe, Systemlast {os.getloadavg()[0]:.1f}"
        )
        try:
            with transaction.atomic():
                committee = Committee.objects.first()
                meeting = Meeting.objects.create(
                    committee=committee, date=date(2020, 6, 30), start_time=clock(9, 0), place="Benchmark"
                )
                for order in range(1, bundle_papers + 1):
                    AgendaItem.objects.create(
                        meeting=meeting, order=order, number=str(order), title=f"Punkt {order}", paper=paper
                    )
                start, start_cpu = time.perf_counter(), time.process_time()
                bundle = meeting_bundle_pdf(meeting)
                elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
                path = "/tmp/bench-mappe.pdf"
                with open(path, "wb") as fh:
                    fh.write(bundle)
                self.stdout.write(
                    f"Sitzungsmappe ({bundle_papers} Vorlagen): {len(bundle) // 1024} KB, Wandzeit {elapsed:.3f} s, CPU-Zeit {elapsed_cpu:.3f} s → {path}"
                )
                raise Rollback
        except Rollback:
            pass
