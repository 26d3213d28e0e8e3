"""Settings for the KIM administration.

One module for every environment: SQLite by default, everything else from the
environment (DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS). Production differs
only by environment variables and must pass ``manage.py check --deploy``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Only for local development and the test suite; production must set SECRET_KEY.
        SECRET_KEY = "dev-only-key-not-for-production-kim-a46-0000000000000000000"
    else:
        raise ImproperlyConfigured("SECRET_KEY muss in der Umgebung gesetzt sein (DEBUG ist aus).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "csp",
    "kim",
    "modules",
    "funding",
    "casemanagement",
    "committee",
    "overview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware without URL prefixes and without Accept-Language: German unless chosen (kim.i18n).
    "kim.i18n.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kim.security.IdleTimeoutMiddleware",
    "kim.security.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # signed-in answers (cases, returns, money) are never stored by a browser or proxy cache
    "kim.no_store.NoStoreForSignedInMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kim.context_processors.navigation",
                "kim.context_processors.body",
            ],
        },
    },
]

# Django's form templates, select boxes written in Python (long choice lists in the list filters).
FORM_RENDERER = "kim.form_renderer.FastSelectRenderer"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Every request runs in one transaction: a failed request never leaves half a write behind.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Write-ahead log: readers never wait for the one writer, nor it for them – the statistics refresh
    # (another process, reading the year for a minute at county scale) and the pages run side by side.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("init_command", "PRAGMA journal_mode=WAL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "kim.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "de-de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switch in the header (Django's set_language) stores the choice in this cookie for a year.
LANGUAGE_COOKIE_NAME = "kim_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Closed cases of the register are deleted this many months after closure (casemanagement.retention).
CASE_RETENTION_MONTHS = int(os.environ.get("CASE_RETENTION_MONTHS", "24"))

DJANGO_TABLES2_TEMPLATE = "kim/table_region.html"

# Sessions end after 30 minutes without a request (kim.security.IdleTimeoutMiddleware renews the
# session at most once a minute, so the effective idle limit is 29–30 minutes).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
# Sessions in the database as Django's store, users through Django's model backend; both read their
# row per request with SQL written once instead of an ORM query built anew (kim/sessions.py,
# kim/auth_backends.py). Changing the backend's path signs everyone out once.
SESSION_ENGINE = "kim.sessions"
AUTHENTICATION_BACKENDS = ["kim.auth_backends.SessionUserBackend"]
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login hardening (kim.security): lockout after repeated failures; TOTP second factor for A 46.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_DELAY_SECONDS = int(os.environ.get("LOGIN_DELAY_SECONDS", "15"))
LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "900"))
LOGIN_FAILURE_WINDOW_HOURS = int(os.environ.get("LOGIN_FAILURE_WINDOW_HOURS", "24"))
# Proxies in front of gunicorn that append to X-Forwarded-For (0: REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
KIM_REQUIRE_TOTP = env_bool("KIM_REQUIRE_TOTP", True)
# Statistics page: after a write to the returns show the last protected snapshot and recompute it in a
# worker (casemanagement/snapshots.py). False: recompute within the request (tests).
KIM_STATISTICS_BACKGROUND = env_bool("KIM_STATISTICS_BACKGROUND", True)
# Who computes it (casemanagement/snapshots.py): "process" starts a detached `manage.py refresh_statistics
# --year Y` after the write, "external" only marks the year for a running `manage.py refresh_statistics
# --watch`, "thread" computes in the web process (development only: it slows the requests).
KIM_STATISTICS_WORKER = os.environ.get("KIM_STATISTICS_WORKER", "process")

# Content-Security-Policy (django-csp 4): scripts only from our own origin, never inline.
# Inline style attributes stay allowed for server-rendered SVG charts (no script can run from them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kim-verwaltung@localhost")
# One-time links (invitation, reset, forgotten password) expire after this many days.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("ACCOUNT_LINK_DAYS", "3")) * 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Funding controlling: proof-of-use reminders N days before the due date; horizons (months)
# within which an ending funding or fixed-term contract is flagged on the dashboard.
PROOF_REMINDER_DAYS = os.environ.get("PROOF_REMINDER_DAYS", "30,7")
FUNDING_HORIZON_MONTHS = os.environ.get("FUNDING_HORIZON_MONTHS", "6,12")
