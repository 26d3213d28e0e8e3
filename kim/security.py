"""Login hardening: lockout after repeated failures and the second factor (TOTP) for A 46.

Lockout rule (settings ``LOGIN_FAILURE_LIMIT``, ``LOGIN_LOCKOUT_MINUTES``): after that many failed
attempts for one user name within the window, further attempts for that name are refused until the
window has passed, even with the right password, so guessing cannot simply go on. The same limit ×4
applies per IP address, against spraying many names from one machine. Attempts are stored in the
database, so the rule holds across gunicorn workers.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kim.models import LoginAttempt, TOTPDevice, User
from kim.selectors import body_current

SESSION_OTP_KEY = "kim_second_factor_ok"


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the reverse proxy the left-most X-Forwarded-For entry is the client; only trusted when
    # the deployment says the proxy sets it (SECURE_PROXY_SSL_HEADER is set in production).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if getattr(settings, "USE_X_FORWARDED_FOR", False) else ""
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def login_locked(*, username: str, ip: str | None) -> bool:
    since = _window_start()
    limit = settings.LOGIN_FAILURE_LIMIT
    by_name = LoginAttempt.objects.filter(username__iexact=username, successful=False, at__gte=since).count()
    if by_name >= limit:
        return True
    if ip:
        by_ip = LoginAttempt.objects.filter(ip_address=ip, successful=False, at__gte=since).count()
        if by_ip >= limit * 4:
            return True
    return False


def login_attempt_record(*, username: str, ip: str | None, successful: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip_address=ip, successful=successful)
    if successful:
        # A successful login clears the counter for that name (the lockout is about guessing).
        LoginAttempt.objects.filter(username__iexact=username, successful=False).delete()


# --- second factor --------------------------------------------------------------------------------


def second_factor_required(user: User) -> bool:
    return bool(settings.KIM_REQUIRE_TOTP) and user.is_authenticated and user.is_a46


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
    """A 46 sessions without a verified second factor may only reach the 2FA pages and logout."""

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
