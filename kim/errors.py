"""German error pages that keep the layout."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", {"title": _("Kein Zugriff"), "reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", {"title": _("Nicht gefunden")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", {"title": _("Fehler")}, status=500)
