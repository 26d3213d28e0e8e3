"""Login hardening: lockout, the TOTP second factor of A 46, idle sessions, CSP."""

import time
from datetime import timedelta

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from kim.models import LoginAttempt, TOTPDevice
from kim.security import SESSION_OTP_KEY, totp_verify

pytestmark = pytest.mark.django_db
LOGIN = "/anmelden/"


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@pytest.fixture
def carrier_login(carrier_a_user):
    carrier_a_user.set_password("richtig-und-lang-genug")
    carrier_a_user.save()
    return carrier_a_user


def test_right_password_logs_in_and_clears_earlier_failures(client, carrier_login):
    login(client, carrier_login.username, "falsch")
    response = login(client, carrier_login.username, "richtig-und-lang-genug")
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert not LoginAttempt.objects.filter(username=carrier_login.username, successful=False).exists()


def test_five_failures_lock_the_name_even_for_the_right_password(client, carrier_login, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(5):
        response = login(client, carrier_login.username, "falsch")
        assert "Benutzername oder Passwort ist falsch" in response.content.decode()
    response = login(client, carrier_login.username, "richtig-und-lang-genug")
    assert response.status_code == 200
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # the name is locked, the attempt was recorded, no password is stored anywhere
    assert LoginAttempt.objects.filter(username=carrier_login.username, successful=False).count() == 6
    assert {f.name for f in LoginAttempt._meta.get_fields()} == {"id", "username", "ip_address", "successful", "at"}


def test_lock_ends_after_the_window(client, carrier_login, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    for _ in range(3):
        login(client, carrier_login.username, "falsch")
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    response = login(client, carrier_login.username, "richtig-und-lang-genug")
    assert response.status_code == 302


def test_many_names_from_one_address_lock_that_address(client, carrier_login, settings):
    settings.LOGIN_FAILURE_LIMIT = 2  # per address: 2 × 4 = 8
    for i in range(8):
        login(client, f"rate-{i}", "falsch", REMOTE_ADDR="203.0.113.7")
    response = login(client, carrier_login.username, "richtig-und-lang-genug", REMOTE_ADDR="203.0.113.7")
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    response = login(client, carrier_login.username, "richtig-und-lang-genug", REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302


# --- second factor ---------------------------------------------------------------------------------


@pytest.fixture
def totp_on(settings):
    settings.KIM_REQUIRE_TOTP = True


@pytest.fixture
def admin_login(a46_user):
    a46_user.set_password("richtig-und-lang-genug")
    a46_user.save()
    return a46_user


def test_a46_without_device_must_set_one_up_before_anything_else(client, admin_login, totp_on):
    response = login(client, admin_login.username, "richtig-und-lang-genug")
    assert response.status_code == 302
    response = client.get("/stellen/")
    assert response.status_code == 302 and response.url.startswith(reverse("totp_setup"))
    page = client.get(reverse("totp_setup"))
    assert "<svg" in page.content.decode() and "Zweiten Faktor einrichten" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin_login)
    assert not device.confirmed
    response = client.post(
        reverse("totp_setup"),
        {"code": "000000" if pyotp.TOTP(device.secret).now() != "000000" else "111111", "next": "/stellen/"},
    )
    assert "Der Code ist falsch" in response.content.decode()
    response = client.post(reverse("totp_setup"), {"code": pyotp.TOTP(device.secret).now(), "next": "/stellen/"})
    assert response.status_code == 302 and response.url == "/stellen/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/stellen/").status_code == 200


def test_a46_with_device_enters_a_code_after_the_password(client, admin_login, totp_on):
    device = TOTPDevice.objects.create(user=admin_login, secret=pyotp.random_base32(), confirmed=True)
    login(client, admin_login.username, "richtig-und-lang-genug")
    assert client.get("/").url.startswith(reverse("totp_verify"))
    response = client.post(
        reverse("totp_verify"), {"code": pyotp.TOTP(device.secret).now(), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == reverse("dashboard")  # no open redirect
    assert client.session[SESSION_OTP_KEY] is True
    assert client.get("/").status_code == 200


def test_a_code_cannot_be_used_twice(admin_login):
    device = TOTPDevice.objects.create(user=admin_login, secret=pyotp.random_base32(), confirmed=True)
    now = time.time()
    code = pyotp.TOTP(device.secret).at(now)
    assert totp_verify(device, code, now=now) is True
    assert totp_verify(device, code, now=now) is False
    device.refresh_from_db()
    assert totp_verify(device, code, now=now) is False
    # a code two steps old is refused (only ±1 step of clock drift)
    assert totp_verify(device, pyotp.TOTP(device.secret).at(now - 90), now=now) is False


def test_repeated_wrong_codes_lock_the_second_factor(client, admin_login, totp_on, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    device = TOTPDevice.objects.create(user=admin_login, secret=pyotp.random_base32(), confirmed=True)
    login(client, admin_login.username, "richtig-und-lang-genug")
    right = pyotp.TOTP(device.secret).now()
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(3):
        client.post(reverse("totp_verify"), {"code": wrong})
    response = client.post(reverse("totp_verify"), {"code": right})
    assert "Zu viele falsche Codes" in response.content.decode()
    assert SESSION_OTP_KEY not in client.session


def test_carrier_staff_need_no_second_factor(client, carrier_login, totp_on):
    login(client, carrier_login.username, "richtig-und-lang-genug")
    assert client.get("/stellen/").status_code == 200


# --- session and headers ----------------------------------------------------------------------------


def test_idle_session_ends_with_a_message(client, carrier_login, settings):
    login(client, carrier_login.username, "richtig-und-lang-genug")
    assert client.get("/stellen/").status_code == 200
    session = client.session
    session["kim_last_seen"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session.save()
    response = client.get("/stellen/", follow=True)
    assert response.redirect_chain[0][0] == reverse("login")
    assert "nach längerer Inaktivität abgemeldet" in response.content.decode()


def test_reading_pages_does_not_write_the_session_each_time(client, carrier_login):
    login(client, carrier_login.username, "richtig-und-lang-genug")
    client.get("/stellen/")
    before = client.session["kim_last_seen"]
    client.get("/stellen/")
    assert client.session["kim_last_seen"] == before


def test_pages_carry_a_csp_without_inline_scripts(client, carrier_login):
    login(client, carrier_login.username, "richtig-und-lang-genug")
    header = client.get("/stellen/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["demo", "123456789012", "password1234"]:  # too short, only digits, common
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Integrationsmanagement-2026!")


def test_logging_out_says_so_on_the_login_page(client, a46_user):
    client.force_login(a46_user)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Sie wurden abgemeldet." in response.content.decode()
    assert "_auth_user_id" not in client.session
