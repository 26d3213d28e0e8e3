"""``Cache-Control: no-store`` for everything a signed-in user receives.

Signed-in pages and downloads carry a carrier's cases, contacts and referrals, returns and their
figures, money and drafts. A shared or browser cache must keep none of them (a public terminal, a
proxy, the back button after logging out). Public answers (OParl, the login page, static files)
keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
        return response
