"""The heap of a long-running web process, settled once its code and settings are loaded.

A worker holds a large, long-lived heap (modules, URL patterns, templates, translation catalogues).
Python's cyclic garbage collector walks all of it in every full collection, which a request that
builds many objects (the dashboard after a write: some 165.000 function calls) triggers now and then:
at county scale 10–14 ms per request on average and most of the gap between p50 and p95 (measured on
the dashboard, docs/perf-dash.md). ``settle()`` collects once and then moves every surviving object
into the permanent generation (``gc.freeze``), which later collections skip; objects created while
serving are collected as before. Called by ``config.wsgi`` when a worker has loaded the application,
and by the benchmark before it measures pages, as the same point of a serving process.
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Collect, then freeze what survives; returns the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
