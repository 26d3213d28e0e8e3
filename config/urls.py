from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from kim.auth_forms import GermanAuthenticationForm
from kim.auth_views import ConfirmedLogoutView, totp_setup, totp_verify
from overview.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(authentication_form=GermanAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("abmelden/", ConfirmedLogoutView.as_view(), name="logout"),
    path("anmelden/zweiter-faktor/", totp_verify, name="totp_verify"),
    path("anmelden/zweiter-faktor/einrichten/", totp_setup, name="totp_setup"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("stellen/", include("modules.urls")),
    path("traeger/", include("kim.urls")),
    path("finanzen/", include("overview.urls")),
    path("finanzen/", include("funding.urls")),
    path("fallmanagement/", include("casemanagement.urls")),
    path("gremien/", include("committee.urls")),
    path("oparl/v1.1/", include("committee.oparl_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "kim.errors.permission_denied"
handler404 = "kim.errors.page_not_found"
handler500 = "kim.errors.server_error"
