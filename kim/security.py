"""Login hardening: throttling of failed logins and the second factor (TOTP) for A 46 and operators.

Throttling follows OWASP ASVS 5.0 V6 (anti-automation without enabling denial of service):

* Failures are counted per user name **and** client address. Someone guessing a46's password from
  their own machine slows down only that pair; a46 signing in from the office is not affected.
* No hard lock: after ``LOGIN_FAILURE_LIMIT`` free failures each further attempt of the pair must wait a
  delay that doubles with every failure (``LOGIN_DELAY_SECONDS`` · 2ⁿ, at most ``LOGIN_DELAY_MAX_SECONDS``).
  Attempts inside the delay are refused without looking at the password and are not counted.
* One client spraying many names: the same growing delay per client address after 4 × the limit.
* The second factor has its own counter (``stage``), per account: a password attempt for a name like
  ``a46#2fa`` is a different stage and never slows a46's code entry.
* The client address is ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` proxies stand in front; then it is
  read from ``X-Forwarded-For`` counted from the right (entries left of it are client-supplied).

Attempts are stored in the database, so the rule holds across gunicorn workers.
"""

from __future__ import annotations

import ipaddress
import math
import time
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kim.models import LoginAttempt, LoginStage, TOTPDevice, User
from kim.selectors import body_current

SESSION_OTP_KEY = "kim_second_factor_ok"
CLIENT_FACTOR = 4  # a client may fail this many times the per-name limit (several users share a desk)


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address as the outermost trusted proxy saw it.

    Each of the ``TRUSTED_PROXY_COUNT`` proxies appends the address it received the request from, so
    the n-th entry from the right is the client; anything further left was sent by the client itself.
    """
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    entries = [e for e in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if e.strip()]
    if len(entries) < proxies:
        return remote
    return _valid_ip(entries[-proxies]) or remote


def _window_start():
    return timezone.now() - timedelta(hours=settings.LOGIN_FAILURE_WINDOW_HOURS)


def _delay_after(failures: int, free: int) -> float:
    """Seconds to wait after ``failures`` counted failures when ``free`` of them cost nothing."""
    if failures < free:
        return 0.0
    exponent = min(failures - free, 30)  # 2**30 · base is far beyond any cap; keeps the float finite
    return float(min(settings.LOGIN_DELAY_SECONDS * 2**exponent, settings.LOGIN_DELAY_MAX_SECONDS))


def _wait(failures: dict[str, Any], free: int) -> float:
    count, last = failures["n"], failures["last"]
    delay = _delay_after(count, free)
    if not delay or last is None:
        return 0.0
    return max(0.0, delay - (timezone.now() - last).total_seconds())


def _failures(**filters: Any) -> dict[str, Any]:
    return LoginAttempt.objects.filter(successful=False, at__gte=_window_start(), **filters).aggregate(
        n=Count("pk"), last=Max("at")
    )


def login_wait_seconds(*, username: str, ip: str | None, stage: str = LoginStage.PASSWORD) -> int:
    """Seconds this attempt must still wait (0: the password may be checked)."""
    limit = settings.LOGIN_FAILURE_LIMIT
    if stage == LoginStage.SECOND_FACTOR:
        # Per account whatever the client: only someone who knows the password gets this far.
        return math.ceil(_wait(_failures(username__iexact=username, stage=stage), limit))
    waits = [_wait(_failures(username__iexact=username, ip_address=ip, stage=stage), limit)]
    if ip:
        waits.append(_wait(_failures(ip_address=ip, stage=stage), limit * CLIENT_FACTOR))
    return math.ceil(max(waits))


def login_attempt_record(*, username: str, ip: str | None, successful: bool, stage: str = LoginStage.PASSWORD) -> None:
    LoginAttempt.objects.create(username=username[:150], ip_address=ip, successful=successful, stage=stage)
    if successful:
        # Success clears the pair's failures (the delay is about guessing from that client).
        failures = LoginAttempt.objects.filter(username__iexact=username, stage=stage, successful=False)
        if stage == LoginStage.PASSWORD:
            failures = failures.filter(ip_address=ip)
        failures.delete()


def wait_message(seconds: int) -> str:
    if seconds < 120:
        return ngettext(
            "Zu viele fehlgeschlagene Versuche. Bitte warten Sie %(n)s Sekunde und versuchen Sie es dann erneut.",
            "Zu viele fehlgeschlagene Versuche. Bitte warten Sie %(n)s Sekunden und versuchen Sie es dann erneut.",
            seconds,
        ) % {"n": seconds}
    return _("Zu viele fehlgeschlagene Versuche. Bitte warten Sie %(n)s Minuten und versuchen Sie es dann erneut.") % {
        "n": math.ceil(seconds / 60)
    }


# --- second factor --------------------------------------------------------------------------------


def second_factor_required(user: User) -> bool:
    """A 46 and the technical operators (Django admin) sign in with a second factor."""
    return (
        bool(settings.KIM_REQUIRE_TOTP)
        and user.is_authenticated
        and (user.is_a46 or user.is_superuser or user.is_staff)
    )


def totp_device_get_or_create(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    return device


def totp_provisioning_uri(device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.username, issuer_name=f"KIM {body_current().short_name}"
    )


def totp_verify(device: TOTPDevice, code: str, *, now: float | None = None) -> bool:
    """Accept the code of the current 30-s step or its neighbours (clock drift), each step only once."""
    code = "".join(ch for ch in str(code) if ch in "0123456789")
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now = time.time() if now is None else now
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if candidate <= device.last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            # Conditional update: two simultaneous requests with the same code cannot both pass.
            updated = TOTPDevice.objects.filter(pk=device.pk, last_step__lt=candidate).update(last_step=candidate)
            if updated:
                device.last_step = candidate
                return True
    return False


class SecondFactorMiddleware:
    """Sessions that need a second factor may only reach the 2FA pages and logout until it is shown."""

    ALLOWED = ("login", "logout", "totp_verify", "totp_setup", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and second_factor_required(user) and not request.session.get(SESSION_OTP_KEY):
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                target = (
                    "totp_setup" if not TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "totp_verify"
                )
                return HttpResponseRedirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """End a session after ``SESSION_COOKIE_AGE`` seconds without a request.

    The session (and with it the cookie's expiry) is renewed at most every ``SESSION_RENEW_SECONDS``
    rather than on every request, so reading pages costs no session write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            last = session.get("kim_last_seen")
            if last is not None and now - int(last) > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request, _("Sie wurden nach längerer Inaktivität abgemeldet. Bitte melden Sie sich erneut an.")
                )
                return HttpResponseRedirect(f"{reverse('login')}")
            if last is None or now - int(last) >= settings.SESSION_RENEW_SECONDS:
                session["kim_last_seen"] = now
        return self.get_response(request)


def start_idle_clock(sender, request, user, **kwargs):
    """The idle clock starts at login, so the first page after it costs no session write."""
    if request is not None and hasattr(request, "session"):
        request.session["kim_last_seen"] = int(time.time())
