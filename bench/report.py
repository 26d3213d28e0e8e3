"""docs/benchmarks.md and docs/benchmarks.json from the results of one ``manage.py bench`` run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

# The targets the benchmark checks (README "Leistung"): queries per list, p95 per scale, ratio to the admin.
MAX_LIST_QUERIES = 8
P95_MS = {"tiny": 100, "small": 100, "county": 100, "state-slice": 250, "state": 250}
AFTER_WRITE_P95_MS = 150  # dashboard and statistics on the first request after a write (figure cache miss)
MAX_RATIO = 1.0
PDF_S, BUNDLE_S, MIN_RPS = 1.0, 10.0, 150.0
LOADED = 1.5  # 1-minute load average above which the report warns that other work ran on the machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unbekannt"


def cpu_count() -> int:

    return os.cpu_count() or 0


def git_commit(base: Path) -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=base, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=base, capture_output=True, text=True
        ).stdout.strip()
        return sha + (" (mit lokalen Änderungen)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unbekannt"


def mark(ok: bool | None) -> str:
    return "–" if ok is None else ("erreicht" if ok else "**nicht erreicht**")


# The refresh measured against ran if it completed a computation, or used at least this share of the CPU
# time the measured requests used meanwhile (of the wall time where that is unknown): a share, not seconds,
# so that a loaded machine, slowing both alike, does not make a running refresh look idle.
REFRESH_BUSY_SHARE = 0.25


def refresh_ran(page: dict) -> bool:
    """Whether the refresh computed while a row "während der Neuberechnung" was measured: no error, and it
    completed a computation or was busy (``REFRESH_BUSY_SHARE``)."""
    if page.get("refresh_error"):
        return False
    if page.get("refresh_rounds"):
        return True
    cpu, wall, bench = page.get("refresh_cpu_s"), page.get("refresh_wall_s"), page.get("refresh_bench_cpu_s")
    reference = bench if bench else wall
    return cpu is not None and bool(reference) and cpu >= REFRESH_BUSY_SHARE * reference


def evaluate(db: dict, scale: str) -> list[dict]:
    """Every target of the issue for one database: value, limit, met or missed."""
    checks = []
    limit = P95_MS.get(scale, 100)
    for page in db.get("pages", []):
        ours = page.get("ours") or {}
        if page.get("skipped"):
            checks.append(_skipped_check(page, f"p95 ≤ {limit} ms"))
            continue
        if not ours:
            continue
        if page.get("list"):
            checks.append(
                {
                    "target": f"{page['label']}: Abfragen ≤ {MAX_LIST_QUERIES}",
                    "value": ours["queries"],
                    "ok": ours["queries"] <= MAX_LIST_QUERIES,
                }
            )
        checks.append(
            {
                "target": f"{page['label']}: p95 ≤ {limit} ms",
                "value": ours["p95_ms"],
                "ok": ours["p95_ms"] <= limit and ours["status"] == 200,
            }
        )
        if page.get("ratio") is not None and page.get("list"):
            checks.append(
                {
                    "target": f"{page['label']}: Verhältnis zum Admin ≤ {str(MAX_RATIO).replace('.', ',')}",
                    "value": page["ratio"],
                    "ok": page["ratio"] <= MAX_RATIO,
                }
            )
    for page in db.get("after_write", []):
        ours = page.get("ours") or {}
        if page.get("skipped"):
            checks.append(
                _skipped_check(page, f"erste Anfrage nach einem Schreibvorgang: p95 ≤ {AFTER_WRITE_P95_MS} ms")
            )
            continue
        if page.get("list"):
            checks.append(
                {
                    "target": f"{page['label']}, erste Anfrage nach einem Schreibvorgang: Abfragen ≤ {MAX_LIST_QUERIES}",
                    "value": ours.get("queries"),
                    "ok": ours.get("queries") is not None and ours["queries"] <= MAX_LIST_QUERIES,
                }
            )
            continue
        # a row measured "while the refresh computes" whose refresh never ran measured no contention
        refresh_failed = "refresh_rounds" in page and not refresh_ran(page)
        why = page.get("refresh_error") or "keine Rechenzeit"
        suffix = f" (Neuberechnung lief nicht: {why}; nicht gültig)" if refresh_failed else ""
        checks.append(
            {
                "target": f"{page['label']}, erste Anfrage nach einem Schreibvorgang: p95 ≤ {AFTER_WRITE_P95_MS} ms{suffix}",
                "value": ours.get("p95_ms"),
                "ok": ours.get("p95_ms") is not None
                and ours["p95_ms"] <= AFTER_WRITE_P95_MS
                and ours.get("status") == 200
                and not refresh_failed,
            }
        )
    pdf = db.get("pdf") or {}
    if pdf:
        checks.append(
            {
                "target": f"Vorlage 2020/0354 als PDF ≤ {PDF_S:.0f} s",
                "value": pdf["paper_s"],
                "ok": pdf["paper_s"] <= PDF_S,
            }
        )
        if "bundle_s" in pdf:
            checks.append(
                {
                    "target": f"Sitzungsmappe ({pdf.get('bundle_pages')} Seiten) ≤ {BUNDLE_S:.0f} s",
                    "value": pdf["bundle_s"],
                    "ok": pdf["bundle_s"] <= BUNDLE_S,
                }
            )
    gunicorn = db.get("gunicorn") or {}
    if gunicorn.get("posts"):
        checks.append(
            {
                "target": f"Stellenliste ≥ {MIN_RPS:.0f} Anfragen/s (2 Worker)",
                "value": gunicorn["posts"]["rps"],
                "ok": gunicorn["posts"]["rps"] >= MIN_RPS and not gunicorn["posts"]["errors"],
            }
        )
    return checks


def _skipped_check(page: dict, target: str) -> dict:
    """A page not measured (the year's protection did not complete in time): its target is not met."""
    return {"target": f"{page['label']}, {target} (nicht gemessen: {page['skipped']})", "value": None, "ok": False}


def protection_text(protection: dict) -> str:
    """One line on the year's protection computed before the measurement (bench.measure.measure_protection)."""
    wall, cpu = protection.get("wall_s"), protection.get("cpu_s")
    minutes = _fmt(round(wall / 60, 1), " min") if wall is not None else "–"
    peak = protection.get("peak_rss_mb")
    memory = f", Spitzenbedarf des Prozesses {_fmt(round(peak / 1024, 2), ' GB')}" if peak else ""
    if protection.get("not_attempted"):
        return (
            f"Neuberechnung des geschützten Jahres {protection.get('year')}: in diesem Lauf nicht berechnet "
            "(`--protection-limit 0`); Meldung und Statistik daher nicht gemessen."
        )
    if not protection.get("complete"):
        return (
            f"Neuberechnung des geschützten Jahres {protection.get('year')}: **nicht abgeschlossen**, nach "
            f"{minutes} ({_fmt(wall, ' s')}, CPU {_fmt(cpu, ' s')}{memory}) abgebrochen (Grenze "
            f"`--protection-limit {_fmt(protection.get('limit_s'))}`); Meldung und Statistik daher nicht gemessen."
        )
    size = ""
    if protection.get("values") is not None:
        size = (
            f" {_fmt(protection.get('returns'))} Meldungen, {_fmt(protection.get('values'))} Zahlen, davon "
            f"{_fmt(protection.get('hidden'))} verborgen."
        )
    return (
        f"Neuberechnung des geschützten Jahres {protection.get('year')} (vor der Messung, wie der Hintergrundprozess "
        f"nach einer Meldung): {minutes} ({_fmt(wall, ' s')}, CPU {_fmt(cpu, ' s')}){memory}; Systemlast "
        f"{_fmt(protection.get('load_before'))} bis {_fmt(protection.get('load_after'))}.{size}"
    )


def _protection_profile(protection: dict, top: int = 12) -> list[str]:
    """Where the year's protection spent its time: the sampled stacks (bench.measure.StackSampler)."""
    cum, own = protection.get("top_cum") or [], {r["function"]: r["share"] for r in protection.get("top_own") or []}
    if not cum:
        return []
    lines = [
        f"Wo die Zeit der Neuberechnung blieb ({_fmt(protection.get('samples'))} Stichproben des Stapels alle 50 ms; "
        "Anteil der Stichproben, in denen die Funktion auf dem Stapel bzw. zuoberst stand):",
        "",
        "| Funktion | kumuliert | eigene |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| `{r['function']}` | {round(r['share'] * 100)} % | {round(own.get(r['function'], 0) * 100)} % |"
        for r in cum[:top]
    ]
    return [*lines, ""]


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = (
            f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
            if value >= 10
            else f"{value:.3f}".replace(".", ",").rstrip("0").rstrip(",")
        )
    else:
        text = f"{value:,}".replace(",", ".") if isinstance(value, int) and value >= 10_000 else str(value)
    return text + unit


def baseline_summary(other: dict) -> dict:
    """What the growth table needs from the run of another scale: p50 and p95 per page and database, the rows
    and the generation time (the ratio of the data beside the ratio of the times)."""

    def times(pages: list[dict], prefix: str = "") -> dict:
        return {
            f"{prefix}{page['key']}": (page.get("ours") or {}).get("p50_ms") for page in pages if page.get("ours")
        } | {f"p95:{prefix}{page['key']}": (page.get("ours") or {}).get("p95_ms") for page in pages if page.get("ours")}

    return {
        "scale": other.get("scale"),
        "date": other.get("date"),
        "commit": other.get("commit"),
        "databases": {
            label: {**times(db.get("pages", [])), **times(db.get("after_write", []), "after:")}
            for label, db in (other.get("databases") or {}).items()
            if not db.get("error")
        },
        "rows": {
            label: db.get("rows") or {} for label, db in (other.get("databases") or {}).items() if not db.get("error")
        },
        "generate_s": {
            label: db.get("generate_s")
            for label, db in (other.get("databases") or {}).items()
            if not db.get("error") and not db.get("reused")
        },
        "protection": {
            label: {
                k: db["protection"].get(k)
                for k in ("complete", "not_attempted", "wall_s", "cpu_s", "peak_rss_mb", "values")
            }
            for label, db in (other.get("databases") or {}).items()
            if not db.get("error") and db.get("protection")
        },
    }


def _ratio(here: float | None, there: float | None) -> float | None:
    return round(here / there, 2) if here is not None and there else None


def growth(results: dict, label: str, db: dict) -> tuple[str, str, list[dict]] | None:
    """Per page: p50 and p95 of this run, of the baseline run (same database if measured there) and the ratios."""
    base = results.get("baseline") or {}
    measured = base.get("databases") or {}
    if not measured:
        return None
    base_label = label if label in measured else next(iter(measured))
    there_db = measured[base_label]
    rows = []
    pages = [(page, page["key"], page["label"]) for page in db.get("pages", [])]
    # the first request after a write, where the baseline measured it
    pages += [
        (page, f"after:{page['key']}", f"{page['label']}, erste Anfrage nach einem Schreibvorgang")
        for page in db.get("after_write", [])
    ]
    for page, key, page_label in pages:
        here = (page.get("ours") or {}).get("p50_ms")
        there = there_db.get(key)
        if here is None or not there:
            continue
        here95, there95 = (page.get("ours") or {}).get("p95_ms"), there_db.get(f"p95:{key}")
        rows.append(
            {
                "label": page_label,
                "here": here,
                "there": there,
                "ratio": _ratio(here, there),
                "here_p95": here95,
                "there_p95": there95,
                "ratio_p95": _ratio(here95, there95),
            }
        )
    return base.get("scale") or "?", base_label, rows


DATA_LABELS = {
    "casemanagement.Case": "Fälle",
    "casemanagement.Contact": "Kontakte",
    "casemanagement.ReturnFigure": "Meldungszahlen",
    "modules.Post": "Stellen",
    "kim.Organisation": "Organisationen",
}
GROWTH_SCALES = ("state-slice", "state")  # the scales whose report compares with the county run


def _protection_growth(big: dict | None, small: dict | None, big_scale: str, small_scale: str) -> list[str]:
    """The year's protection of the larger scale beside the smaller one's: time, CPU, memory and their ratios."""
    if not big or not small or not small.get("complete") or small.get("wall_s") is None:
        return []
    if big.get("not_attempted"):
        return [
            "",
            f"Neuberechnung des geschützten Jahres: bei `{big_scale}` nicht berechnet (`--protection-limit 0`).",
        ]
    if not big.get("complete"):
        return [
            "",
            f"Neuberechnung des geschützten Jahres: bei `{big_scale}` nach {_fmt(big.get('wall_s'), ' s')} "
            f"**nicht abgeschlossen** (bei `{small_scale}` {_fmt(small['wall_s'], ' s')}).",
        ]
    parts = [
        f"{_fmt(big.get('wall_s'), ' s')} statt {_fmt(small['wall_s'], ' s')} "
        f"({_fmt(_ratio(big.get('wall_s'), small['wall_s']))} ×)",
        f"CPU {_fmt(big.get('cpu_s'), ' s')} statt {_fmt(small.get('cpu_s'), ' s')} "
        f"({_fmt(_ratio(big.get('cpu_s'), small.get('cpu_s')))} ×)",
    ]
    if big.get("peak_rss_mb") and small.get("peak_rss_mb"):
        parts.append(
            f"Spitzenbedarf {_fmt(round(big['peak_rss_mb'] / 1024, 2), ' GB')} statt "
            f"{_fmt(round(small['peak_rss_mb'] / 1024, 2), ' GB')}"
        )
    if big.get("values") and small.get("values"):
        parts.append(
            f"Zahlen {_fmt(big['values'])} statt {_fmt(small['values'])} ({_fmt(_ratio(big['values'], small['values']))} ×)"
        )
    return [
        "",
        f"Neuberechnung des geschützten Jahres (`{big_scale}` gegenüber `{small_scale}`): " + ", ".join(parts) + ".",
    ]


def _growth_lines(results: dict, label: str, db: dict) -> list[str]:
    if results.get("scale") not in GROWTH_SCALES:
        return []
    found = growth(results, label, db)
    if not found or not found[2]:
        return [
            "",
            "Kein Vergleich mit der Kreisgröße: kein Ergebnis eines `county`-Laufs gefunden (`--baseline`, "
            "Standard docs/benchmarks.json; zuerst `make bench` laufen lassen).",
        ]
    scale, base_label, rows = found
    base = results["baseline"]
    lines = [
        "",
        f"### Wachstum gegenüber `{scale}`",
        "",
        f"Vergleichslauf: `{scale}` auf {base_label} vom {base.get('date')} (`{base.get('commit')}`). "
        f"Verhältnis = Zeit bei `{results['scale']}` geteilt durch Zeit bei `{scale}` (1 = gleich schnell, "
        "10 = wüchse so stark wie die Daten).",
    ]
    here_rows, there_rows = db.get("rows") or {}, (base.get("rows") or {}).get(base_label) or {}
    data = [
        f"{title} {_fmt(here_rows[name])} statt {_fmt(there_rows[name])} "
        f"({_fmt(_ratio(here_rows[name], there_rows[name]))} ×)"
        for name, title in DATA_LABELS.items()
        if here_rows.get(name) and there_rows.get(name)
    ]
    if data:
        lines += ["", "Daten: " + ", ".join(data) + "."]
    there_gen = (base.get("generate_s") or {}).get(base_label)
    if db.get("generate_s") and there_gen:
        lines += [
            "",
            f"Erzeugung der Daten: {_fmt(db['generate_s'], ' s')} statt {_fmt(there_gen, ' s')} "
            f"({_fmt(_ratio(db['generate_s'], there_gen))} ×).",
        ]
    lines += _protection_growth(
        db.get("protection"), ((base.get("protection") or {}).get(base_label)), results["scale"], scale
    )
    lines += [
        "",
        f"| Seite | p50 ms `{results['scale']}` | p50 ms `{scale}` | Verhältnis p50 | p95 ms `{results['scale']}` | "
        f"p95 ms `{scale}` | Verhältnis p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['label']} | {_fmt(r['here'])} | {_fmt(r['there'])} | {_fmt(r['ratio'])} | {_fmt(r['here_p95'])} | "
        f"{_fmt(r['there_p95'])} | {_fmt(r['ratio_p95'])} |"
        for r in rows
    ]
    return lines


def _slice_lines(results: dict, label: str, db: dict) -> list[str]:
    """In the county report: the last state-slice run (ten counties in one database) beside this run, per page
    the ratio state-slice / county, so both scales stand in one table (issue 17)."""
    other = results.get("state_slice") or {}
    measured = (other.get("databases") or {}).get(label)
    if results.get("scale") != "county" or not other:
        return []
    if not measured:
        return ["", f"Landesausschnitt (`state-slice`): auf {label} nicht gemessen (`make bench-state-slice`)."]
    lines = [
        "",
        "### Landesausschnitt (`state-slice`) im Vergleich",
        "",
        f"Zehn Kreise in einer Datenbank, Lauf vom {other.get('date')} (`{other.get('commit')}`, Bericht "
        "docs/benchmarks-state-slice.md). Verhältnis = Zeit bei `state-slice` geteilt durch Zeit dieses "
        "`county`-Laufs (1 = gleich schnell, 10 = wüchse so stark wie die Daten).",
    ]
    slice_rows, here_rows = (other.get("rows") or {}).get(label) or {}, db.get("rows") or {}
    cases_there, cases_here = slice_rows.get("casemanagement.Case"), here_rows.get("casemanagement.Case")
    if cases_there and cases_here:
        lines += [
            "",
            f"Daten: Fälle {_fmt(cases_there)} statt {_fmt(cases_here)} ({_fmt(_ratio(cases_there, cases_here))} ×).",
        ]
    there_gen = (other.get("generate_s") or {}).get(label)
    if there_gen and db.get("generate_s"):
        lines += [
            "",
            f"Erzeugung der Daten: {_fmt(there_gen, ' s')} statt {_fmt(db['generate_s'], ' s')} "
            f"({_fmt(_ratio(there_gen, db['generate_s']))} ×).",
        ]
    lines += _protection_growth(
        ((other.get("protection") or {}).get(label)), db.get("protection"), "state-slice", "county"
    )
    lines += [
        "",
        "| Seite | p50 ms `county` | p50 ms `state-slice` | Verhältnis p50 | p95 ms `county` | p95 ms `state-slice` "
        "| Verhältnis p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    pages = [(page, page["key"], page["label"]) for page in db.get("pages", [])]
    pages += [
        (page, f"after:{page['key']}", f"{page['label']}, erste Anfrage nach einem Schreibvorgang")
        for page in db.get("after_write", [])
    ]
    for page, key, page_label in pages:
        here, here95 = (page.get("ours") or {}).get("p50_ms"), (page.get("ours") or {}).get("p95_ms")
        there, there95 = measured.get(key), measured.get(f"p95:{key}")
        if there is None or not here:
            continue
        lines.append(
            f"| {page_label} | {_fmt(here)} | {_fmt(there)} | {_fmt(_ratio(there, here))} | {_fmt(here95)} | "
            f"{_fmt(there95)} | {_fmt(_ratio(there95, here95))} |"
        )
    return lines


def write(results: dict, out: Path | None, json_out: Path | None) -> str:
    scale = results["scale"]
    for db in results["databases"].values():
        db["targets"] = evaluate(db, scale)
    lines = [
        "# Leistungsmessung (Benchmarks)",
        "",
        f"Erzeugt von `python manage.py bench --scale {scale}` (`make bench SCALE={scale}`). Nicht von Hand bearbeiten;",
        "die Erklärung steht im README unter „Leistung und Benchmarks“.",
        "",
        "| | |",
        "|---|---|",
        f"| Datum (UTC) | {results['date']} |",
        f"| Umfang | `{scale}` |",
        f"| Git-Stand | `{results['commit']}` |",
        f"| Prozessor | {results['cpu']} ({results['cpus']} Kerne) |",
        f"| Systemlast zu Beginn (1 min) | {_fmt(results.get('load_before'))} |",
        f"| Python / Django | {results.get('python')} / {results.get('django')} |",
        "",
    ]
    if results.get("note"):
        lines += [results["note"], ""]
    loads = [results.get("load_before") or 0] + [db.get("load_before") or 0 for db in results["databases"].values()]
    if max(loads) > LOADED:
        lines += [
            f"**Achtung:** Der Rechner war während der Messung belastet (Systemlast bis {_fmt(float(max(loads)))} bei "
            f"{results.get('cpus')} Kernen). Die Zeiten sind höher als auf einem freien Rechner und nur eingeschränkt vergleichbar.",
            "",
        ]
    for label, db in results["databases"].items():
        lines += [f"## {label}", ""]
        if db.get("error"):
            lines += [f"**Fehler:** {db['error']}", ""]
            continue
        lines += [
            f"Daten erzeugt in {_fmt(db.get('generate_s'), ' s')} (Migration und Demo {_fmt(db.get('setup_s'), ' s')}); "
            f"Systemlast vor der Messung {_fmt(db.get('load_before'))}.",
            "",
        ]
        counts = db.get("rows") or {}
        if counts:
            lines += ["Zeilen: " + ", ".join(f"{k.split('.')[-1]} {_fmt(v)}" for k, v in counts.items()) + ".", ""]
        if db.get("protection"):
            lines += [protection_text(db["protection"]), ""]
            lines += _protection_profile(db["protection"])
        lines += [
            f"Serverzeit über den Django-Testclient nach Aufwärmen, je {db.get('reps')} Anfragen; Abfragen = SQL-Abfragen einer Anfrage.",
            "",
            "| Seite | p50 ms | p95 ms | Abfragen | Admin-Vergleich | Admin p50 ms | Admin p95 ms | Admin-Abfragen | Verhältnis |",
            "|---|---:|---:|---:|---|---:|---:|---:|---:|",
        ]
        for page in db.get("pages", []):
            ours, adm = page.get("ours") or {}, page.get("admin_result") or {}
            status = "" if not ours or ours.get("status") == 200 else f" (HTTP {ours.get('status')})"
            if page.get("skipped"):
                status = f" (nicht gemessen: {page['skipped']})"
            lines.append(
                f"| {page['label']}{status} | {_fmt(ours.get('p50_ms'))} | {_fmt(ours.get('p95_ms'))} | {_fmt(ours.get('queries'))} | "
                f"{page.get('admin_label') or '–'} | {_fmt(adm.get('p50_ms'))} | {_fmt(adm.get('p95_ms'))} | {_fmt(adm.get('queries'))} | "
                f"{_fmt(page.get('ratio'))} |"
            )
        after = db.get("after_write") or []
        if after:
            lines += [
                "",
                "Erste Anfrage nach einem Schreibvorgang (Kennzahlen, Listen und Statistik werden neu berechnet; "
                f"je {next((p['ours'] for p in after if p.get('ours')), {}).get('n')} Anfragen, jede nach einem eigenen Schreibvorgang; bei der Statistik "
                "nach dem erneuerten Stand, den sonst der Hintergrundprozess berechnet):",
                "",
                "| Seite | Schreibvorgang | p50 ms | p95 ms | Abfragen |",
                "|---|---|---:|---:|---:|",
            ]
            for page in after:
                ours = page.get("ours") or {}
                status = "" if ours.get("status") == 200 else f" (HTTP {ours.get('status')})"
                if page.get("skipped"):
                    status = f" (nicht gemessen: {page['skipped']})"
                if "refresh_rounds" in page:
                    rounds = page["refresh_rounds"]
                    error = page.get("refresh_error")
                    cpu, wall = page.get("refresh_cpu_s"), page.get("refresh_wall_s")
                    used = f", {_fmt(cpu, ' s')} Rechenzeit in {_fmt(wall, ' s')}" if cpu is not None and wall else ""
                    status += f" (Neuberechnung: {rounds} Durchläufe{used}" + (
                        f", abgebrochen: {error})" if error else ")"
                    )
                lines.append(
                    f"| {page['label']}{status} | {page.get('write') or 'Stelle gespeichert'} | {_fmt(ours.get('p50_ms'))} | "
                    f"{_fmt(ours.get('p95_ms'))} | {_fmt(ours.get('queries'))} |"
                )
        pdf = db.get("pdf") or {}
        if pdf:
            lines += [
                "",
                f"PDF: Vorlage 2020/0354 ({pdf.get('paper_pages')} Seiten) Erzeugung median {_fmt(pdf.get('paper_s'), ' s')} "
                f"(max {_fmt(pdf.get('paper_max_s'), ' s')}, {pdf.get('runs')} Läufe; aus dem Cache {_fmt(pdf.get('paper_cached_s'), ' s')}); "
                f"Sitzungsmappe mit {pdf.get('bundle_pages')} Seiten {_fmt(pdf.get('bundle_s'), ' s')}.",
            ]
        gunicorn = db.get("gunicorn") or {}
        if gunicorn.get("posts"):
            lines += [
                "",
                f"Durchsatz unter gunicorn ({gunicorn.get('workers')} Worker"
                + (f" × {gunicorn['worker_threads']} Threads" if gunicorn.get("worker_threads") else "")
                + ", DEBUG=0, Lastgenerator mit "
                f"{gunicorn['posts'].get('threads')} Threads auf 127.0.0.1, eine Verbindung je Anfrage; CPU je "
                "Anfrage: Server = gunicorn mit seinen PostgreSQL-Prozessen, Client = Lastgenerator):",
                "",
                "| Seite | Anfragen/s | erfolgreich | Fehler | p50 ms | p95 ms | CPU ms Server | CPU ms Client |",
                "|---|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for key, page_name in (("posts", "Stellenliste, gefiltert"), ("dashboard", "Übersicht")):
                g = gunicorn.get(key) or {}
                lines.append(
                    f"| {page_name} | {_fmt(g.get('rps'))} | {_fmt(g.get('ok'))} | {_fmt(g.get('errors'))} | {_fmt(g.get('p50_ms'))} | {_fmt(g.get('p95_ms'))} "
                    f"| {_fmt(g.get('server_cpu_ms'))} | {_fmt(g.get('client_cpu_ms'))} |"
                )
        elif gunicorn.get("skipped"):
            lines += ["", f"Durchsatz: nicht gemessen ({gunicorn['skipped']})."]
        lines += _growth_lines(results, label, db)
        lines += _slice_lines(results, label, db)
        lines += ["", "Ziele:", "", "| Ziel | Wert | |", "|---|---:|---|"]
        for check in db["targets"]:
            lines.append(f"| {check['target']} | {_fmt(check['value'])} | {mark(check['ok'])} |")
        lines.append("")
    text = "\n".join(lines) + "\n"
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return text


def write_profile(results: dict, out: Path) -> str:
    """The profile of ``--profile``: per page the function calls per request and the top functions."""
    lines = [
        "# Profil der Listen (cProfile)",
        "",
        f"Erzeugt von `python manage.py bench --scale {results['scale']} --profile` am {results['date']} "
        f"(`{results['commit']}`). Zeiten mit Profiler und je Anfrage gemittelt; die Zahl der Funktionsaufrufe "
        "hängt nicht von der Last des Rechners ab.",
        "",
    ]
    for label, db in results["databases"].items():
        for page in (db.get("profile") or {}).values():
            lines += [
                f"## {label}: {page['label']}",
                "",
                f"`{page['url']}` – {page['reps']} Anfragen, {_fmt(page['calls_per_request'])} Funktionsaufrufe und "
                f"{_fmt(page['ms_per_request_profiled'], ' ms')} je Anfrage (mit Profiler), {page['queries']} SQL-Abfragen.",
                "",
            ]
            for title, rows in (("eigene Zeit", page["top_own"]), ("kumulierte Zeit", page["top_cum"])):
                lines += [
                    f"Meiste {title}:",
                    "",
                    "| Funktion | Aufrufe/Anfrage | eigene ms | kumuliert ms |",
                    "|---|---:|---:|---:|",
                ]
                lines += [
                    f"| `{r['function']}` | {_fmt(r['calls'])} | {_fmt(r['own_ms'])} | {_fmt(r['cum_ms'])} |"
                    for r in rows
                ]
                lines.append("")
    text = "\n".join(lines) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return text
