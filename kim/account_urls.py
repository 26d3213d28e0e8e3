from django.urls import path

from kim import account_views

app_name = "accounts"

urlpatterns = [
    path("", account_views.AccountListView.as_view(), name="account_list"),
    path("einladen/", account_views.account_invite_view, name="account_invite"),
    path("protokoll/", account_views.account_log, name="account_log"),
    path("<int:pk>/", account_views.account_detail, name="account_detail"),
    path("<int:pk>/zuruecksetzen/", account_views.account_reset, name="account_reset"),
    path("<int:pk>/sperren/", account_views.account_deactivate, name="account_deactivate"),
    path("<int:pk>/freigeben/", account_views.account_reactivate, name="account_reactivate"),
    path("<int:pk>/zweiter-faktor/", account_views.second_factor_reset_view, name="second_factor_reset"),
]
