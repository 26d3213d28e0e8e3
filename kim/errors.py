"""German error pages that keep the layout.

``server_error`` also answers a lost database connection (PostgreSQL restarting, failover): an
``OperationalError``/``InterfaceError`` becomes a German 503 page "Datenbank vorübergehend nicht
erreichbar" with ``Retry-After`` instead of a 500. The request ran in one transaction
(``ATOMIC_REQUESTS``), so nothing of it was saved; the broken connection is discarded at the end of
the request (``conn_health_checks``), the next request opens a new one. The 503 page is rendered
without the request context, because the context processors would query the database again.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

DATABASE_ERRORS = (OperationalError, InterfaceError)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", {"title": _("Kein Zugriff"), "reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", {"title": _("Nicht gefunden")}, status=404)


def database_unavailable() -> HttpResponse:
    response = HttpResponse(render_to_string("errors/503.html"), status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "10"
    return response


def _database_error(exc: BaseException | None) -> bool:
    # Walk the cause chain: Django wraps psycopg's errors, middleware may wrap them once more.
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    if _database_error(sys.exc_info()[1]):
        return database_unavailable()
    return render(request, "errors/500.html", {"title": _("Fehler")}, status=500)
