"""Request types for views behind the login."""

from __future__ import annotations

from django.http import HttpRequest

from kim.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed ``RoleRequiredMixin`` (or ``login_required``): ``user`` is a real account.

    Only a type: Django builds plain ``HttpRequest`` objects; the login check is what makes this true.
    """

    user: User
