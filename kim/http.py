"""Request types for views behind the login, and the one check of a ``next`` address."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

from kim.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed ``RoleRequiredMixin`` (or ``login_required``): ``user`` is a real account.

    Only a type: Django builds plain ``HttpRequest`` objects; the login check is what makes this true.
    """

    user: User


def safe_next(request: HttpRequest) -> str | None:
    """The ``next`` address of the request (form field, else query) if it stays on this site, else None."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def prefilled_url(url: str, **params: object) -> str:
    """A form's address with values that pre-fill it (kim.views.prefill_from_query); empty values
    are left out. Dates as "31.12.2021" and amounts as German numbers, as a user would type them."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if value is None or value == "":
            continue
        query[name] = str(value)
    return f"{url}?{query.urlencode()}" if query else url
