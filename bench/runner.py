"""One database's part of a bench run: set up, generate, measure. Used by ``manage.py bench`` (in a child
process per database) and by the test of the harness (in-process, tiny scale, on the test database)."""

from __future__ import annotations

import os
import time

from django.core.management import call_command

from bench import generate as gen
from bench import measure
from casemanagement.models import Case
from kim import heap

REPS = {"tiny": 3, "small": 30, "county": 30, "state-slice": 30, "state": 30}


def already_generated(scale: gen.Scale) -> bool:

    try:
        return Case.objects.filter(code__contains="-05").count() >= scale.cases * 0.9
    except Exception:  # no tables yet
        return False


def bench_current_database(
    scale_name: str,
    *,
    migrate: bool,
    reuse: bool,
    skip_gunicorn: bool,
    skip_pdf: bool = False,
    reps: int | None = None,
    gunicorn_seconds: float = 15,
    profile: bool = False,
    protection_limit_s: float | None = None,
    log=print,
) -> dict:
    scale = gen.SCALES[scale_name]
    result: dict = {"scale": scale_name, "reps": reps or REPS[scale_name]}
    start = time.perf_counter()
    if reuse and migrate and already_generated(scale):
        log("Migration (neue Indizes auch im wiederverwendeten Bestand) …")
        call_command("migrate", verbosity=0, interactive=False)
    if reuse and already_generated(scale):
        log("Bench-Daten vorhanden, werden wiederverwendet (--reuse).")
        result["reused"] = True
        result["setup_s"] = result["generate_s"] = 0.0
    else:
        if migrate:
            log("Migration …")
            call_command("migrate", verbosity=0, interactive=False)
        log("Demo (Vorlage 2020/0354) …")
        call_command("load_demo", stdout=open(os.devnull, "w"))
        result["setup_s"] = round(time.perf_counter() - start, 1)
        log(f"Daten erzeugen ({scale_name}) …")
        t = time.perf_counter()
        gen.generate(scale, out=log)
        result["generate_s"] = round(time.perf_counter() - t, 1)
    result["rows"] = gen.row_counts()
    result["load_before"] = round(os.getloadavg()[0], 2)
    # The year's protected statistics computed once before the pages, as the worker does after a write: at the
    # state-slice scale it takes minutes, which the first request of the return or statistics page would pay.
    log("Geschützte Statistik des Jahres vorab berechnen …")
    result["protection"] = measure.measure_protection(limit_s=protection_limit_s, log=log)
    skip = {}
    if not result["protection"]["complete"]:
        why = (
            "geschütztes Jahr in diesem Lauf nicht berechnet"
            if result["protection"].get("not_attempted")
            else f"Neuberechnung des geschützten Jahres nach {result['protection']['wall_s']} s abgebrochen"
        )
        skip = dict.fromkeys(measure.SNAPSHOT_PAGES, why)
    # What a gunicorn worker does once it has loaded the application (config.wsgi): the heap built so far
    # (generation, the protection computed above) collected and frozen before the pages are measured.
    heap.settle()
    log("Seiten messen …")
    result["pages"] = measure.measure_pages(
        reps=result["reps"], warmup=1 if scale_name == "tiny" else 3, log=log, skip=skip
    )
    log("Übersicht und Statistik nach einem Schreibvorgang messen …")
    result["after_write"] = measure.measure_after_write(reps=result["reps"], log=log, skip=skip)
    if profile:
        log("Profil (cProfile) der Listen …")
        result["profile"] = measure.profile_pages(reps=max(3, min(result["reps"], 20)), log=log)
    if not skip_pdf:
        log("PDF messen …")
        result["pdf"] = measure.measure_pdf(
            runs=5 if scale_name != "tiny" else 1, bundle_papers=6 if scale_name != "tiny" else 1, log=log
        )
    if skip_gunicorn:
        result["gunicorn"] = {"skipped": "--skip-gunicorn"}
    else:
        log("Durchsatz unter gunicorn messen …")
        result["gunicorn"] = measure.measure_throughput(seconds=gunicorn_seconds, log=log)
    result["load_after"] = round(os.getloadavg()[0], 2)
    return result
