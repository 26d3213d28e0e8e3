"""Second factor pages: set up the authenticator app once, then enter a code after each login; the
logout that says it happened."""

from __future__ import annotations

import segno
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from kim import security
from kim.auth_forms import TOTPCodeForm
from kim.http import safe_next


def _next_url(request: HttpRequest) -> str:
    return safe_next(request) or reverse("dashboard")


def _second_factor_passed(request: HttpRequest) -> HttpResponse:
    """A new session key once the second factor is shown (no session fixation across the step)."""
    request.session.cycle_key()
    request.session[security.SESSION_OTP_KEY] = True
    return HttpResponseRedirect(_next_url(request))


def _not_needed(request: HttpRequest) -> bool:
    return not security.second_factor_required(request.user) or request.session.get(security.SESSION_OTP_KEY)


@never_cache
@sensitive_post_parameters("code")
@login_required
def totp_verify(request: HttpRequest) -> HttpResponse:
    if _not_needed(request):
        return HttpResponseRedirect(_next_url(request))
    device = security.totp_device_get_or_create(request.user)
    if not device.confirmed:
        return HttpResponseRedirect(reverse("totp_setup"))
    form = TOTPCodeForm(request.POST or None, device=device, request=request)
    if request.method == "POST" and form.is_valid():
        return _second_factor_passed(request)
    return render(
        request,
        "registration/totp_verify.html",
        {"form": form, "next": _next_url(request), "title": _("Zweiter Faktor")},
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    if _not_needed(request):
        return HttpResponseRedirect(_next_url(request))
    device = security.totp_device_get_or_create(request.user)
    if device.confirmed:
        return HttpResponseRedirect(reverse("totp_verify"))
    form = TOTPCodeForm(request.POST or None, device=device, request=request)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return _second_factor_passed(request)
    uri = security.totp_provisioning_uri(device)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("QR-Code für die Authenticator-App"))
    secret_groups = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    return render(
        request,
        "registration/totp_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret_groups,
            "next": _next_url(request),
            "title": _("Zweiten Faktor einrichten"),
        },
    )


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """``/admin/login/`` is no second door: it sends to the one login page (throttling, second factor).

    A signed-in user without operator rights gets 403 rather than a redirect back to the admin (which
    would loop between the two).
    """
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return HttpResponseRedirect(_next_url(request) if request.GET.get("next") else reverse("admin:index"))
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': target})}")


class ConfirmedLogoutView(LogoutView):
    """Log out and say so on the login page the user lands on (a silent logout left users unsure)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_logged_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_logged_in:
            messages.success(request, _("Sie wurden abgemeldet."))
        return response
