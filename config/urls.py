from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from kim import account_views
from kim.auth_forms import GermanAuthenticationForm
from kim.auth_views import ConfirmedLogoutView, admin_login, totp_setup, totp_verify
from overview.help_views import HelpAreaView, HelpIndexView
from overview.search_views import SearchView
from overview.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("suche/", SearchView.as_view(), name="search"),
    path("hilfe/", HelpIndexView.as_view(), name="help"),
    path("hilfe/<slug:area>/", HelpAreaView.as_view(), name="help_area"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(authentication_form=GermanAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("abmelden/", ConfirmedLogoutView.as_view(), name="logout"),
    path("anmelden/zweiter-faktor/", totp_verify, name="totp_verify"),
    path("anmelden/zweiter-faktor/einrichten/", totp_setup, name="totp_setup"),
    path("konto/passwort/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("konto/passwort-vergessen/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "konto/passwort-vergessen/gesendet/", account_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path("konto/link/<uidb64>/<token>/", account_views.AccountLinkView.as_view(), name="account_link"),
    path("konten/", include("kim.account_urls")),
    path("stammdaten/", include("kim.masterdata_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("stellen/", include("modules.urls")),
    path("traeger/", include("kim.urls")),
    path("finanzen/", include("overview.urls")),
    path("finanzen/", include("funding.urls")),
    path("fallmanagement/", include("casemanagement.urls")),
    path("gremien/", include("committee.urls")),
    path("oparl/v1.1/", include("committee.oparl_urls")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

handler403 = "kim.errors.permission_denied"
handler404 = "kim.errors.page_not_found"
handler500 = "kim.errors.server_error"
