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


def _fail(client, username, times, **extra):
    for _ in range(times):
        response = login(client, username, "falsch", **extra)
        assert "Benutzername oder Passwort ist falsch" in response.content.decode()


def test_failures_beyond_the_limit_make_the_pair_wait_and_the_wait_doubles(client, carrier_login, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_DELAY_SECONDS = 15
    _fail(client, carrier_login.username, 4)
    _fail(client, carrier_login.username, 1)  # the 5th failure: from now on 15 s · 2^(n − 5)
    response = login(client, carrier_login.username, "richtig-und-lang-genug")
    assert "Bitte warten Sie 15 Sekunden" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # refused without checking the password and not counted; no password is stored anywhere
    assert LoginAttempt.objects.filter(username=carrier_login.username, successful=False).count() == 5
    assert {f.name for f in LoginAttempt._meta.get_fields()} == {
        "id",
        "username",
        "ip_address",
        "successful",
        "stage",
        "at",
    }
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=16))
    _fail(client, carrier_login.username, 1)  # 6th failure: 30 s
    assert "Bitte warten Sie 30 Sekunden" in login(client, carrier_login.username, "x").content.decode()
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=31))
    _fail(client, carrier_login.username, 1)  # 7th failure: 60 s
    assert "Bitte warten Sie 60 Sekunden" in login(client, carrier_login.username, "x").content.decode()


def test_the_delay_is_capped_and_the_right_password_works_once_it_has_passed(client, carrier_login, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_DELAY_SECONDS = 15
    settings.LOGIN_DELAY_MAX_SECONDS = 900
    for _ in range(20):
        LoginAttempt.objects.create(username=carrier_login.username, ip_address="127.0.0.1", successful=False)
    # 15 · 2^17 s would be weeks; the cap is 15 minutes
    assert "Bitte warten Sie 15 Minuten" in login(client, carrier_login.username, "x").content.decode()
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=901))
    response = login(client, carrier_login.username, "richtig-und-lang-genug")
    assert response.status_code == 302


def test_guessing_a46_from_one_client_does_not_slow_a46_on_another(client, admin_login, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.KIM_REQUIRE_TOTP = False
    _fail(client, admin_login.username, 5, REMOTE_ADDR="203.0.113.7")
    for _ in range(25):
        login(client, admin_login.username, "falsch", REMOTE_ADDR="203.0.113.7")
    assert "Bitte warten" in login(client, admin_login.username, "x", REMOTE_ADDR="203.0.113.7").content.decode()
    response = login(client, admin_login.username, "richtig-und-lang-genug", REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302
    # and the attacker's pair is not cleared by a46's success
    client.logout()
    assert "Bitte warten" in login(client, admin_login.username, "x", REMOTE_ADDR="203.0.113.7").content.decode()


def test_many_names_from_one_client_slow_that_client_only(client, carrier_login, settings):
    settings.LOGIN_FAILURE_LIMIT = 2  # per client: 2 × 4 = 8 free failures
    for i in range(8):
        login(client, f"rate-{i}", "falsch", REMOTE_ADDR="203.0.113.7")
    response = login(client, carrier_login.username, "richtig-und-lang-genug", REMOTE_ADDR="203.0.113.7")
    assert "Bitte warten Sie" in response.content.decode()
    response = login(client, carrier_login.username, "richtig-und-lang-genug", REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302


def test_forwarded_for_is_read_from_the_right_by_the_number_of_trusted_proxies(client, carrier_login, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The attacker sends a different made-up left-most entry each time; the proxy appends the real one.
    for i in range(8):
        login(client, f"rate-{i}", "falsch", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.7", **proxy)
    assert set(LoginAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    spoofed = login(
        client,
        carrier_login.username,
        "richtig-und-lang-genug",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
        **proxy,
    )
    assert "Bitte warten Sie" in spoofed.content.decode()
    # Everyone else behind the same proxy is not affected.
    response = login(
        client, carrier_login.username, "richtig-und-lang-genug", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy
    )
    assert response.status_code == 302


def test_without_trusted_proxies_forwarded_for_is_ignored(rf, settings):
    from kim.security import client_ip

    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="203.0.113.7")
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.9, 10.0.0.1", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "198.51.100.9"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="kein-ip, 10.0.0.1", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"  # garbage falls back to the proxy's address


def test_admin_login_is_the_same_throttled_login(client, settings):
    from tests import factories as f

    settings.LOGIN_FAILURE_LIMIT = 3
    operator = f.UserFactory(username="betrieb", is_staff=True, is_superuser=True)
    operator.set_password("richtig-und-lang-genug")
    operator.save()
    # A POST to the admin's login page checks no password: it only sends to the one login page.
    for _ in range(30):
        response = client.post("/admin/login/", {"username": "betrieb", "password": "falsch"})
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    response = client.get("/admin/login/?next=/admin/kim/user/")
    assert response.url == reverse("login") + "?next=%2Fadmin%2Fkim%2Fuser%2F"
    _fail(client, "betrieb", 3)
    assert "Bitte warten" in login(client, "betrieb", "richtig-und-lang-genug").content.decode()


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


def test_repeated_wrong_codes_slow_the_second_factor(client, admin_login, totp_on, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    device = TOTPDevice.objects.create(user=admin_login, secret=pyotp.random_base32(), confirmed=True)
    login(client, admin_login.username, "richtig-und-lang-genug")
    right = pyotp.TOTP(device.secret).now()
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(3):
        client.post(reverse("totp_verify"), {"code": wrong})
    response = client.post(reverse("totp_verify"), {"code": right})
    assert "Bitte warten Sie" in response.content.decode()
    assert SESSION_OTP_KEY not in client.session
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    response = client.post(reverse("totp_verify"), {"code": right})
    assert response.status_code == 302 and client.session[SESSION_OTP_KEY] is True


def test_password_failures_for_a_name_like_a46_2fa_do_not_touch_a46s_second_factor(
    client, admin_login, totp_on, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    device = TOTPDevice.objects.create(user=admin_login, secret=pyotp.random_base32(), confirmed=True)
    _fail(client, f"{admin_login.username}#2fa", 3)
    assert "Bitte warten" in login(client, f"{admin_login.username}#2fa", "falsch").content.decode()
    login(client, admin_login.username, "richtig-und-lang-genug")
    response = client.post(reverse("totp_verify"), {"code": pyotp.TOTP(device.secret).now()})
    assert response.status_code == 302 and client.session[SESSION_OTP_KEY] is True


def test_operators_need_the_second_factor_for_the_admin(client, totp_on):
    from tests import factories as f

    operator = f.UserFactory(username="betrieb", is_staff=True, is_superuser=True)
    operator.set_password("richtig-und-lang-genug")
    operator.save()
    login(client, "betrieb", "richtig-und-lang-genug")
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("totp_setup"))


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
