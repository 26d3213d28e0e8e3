from django.urls import path

from kim import org_views

app_name = "kim"

urlpatterns = [
    path("", org_views.CarrierListView.as_view(), name="carrier_list"),
    path("neu/", org_views.CarrierCreateView.as_view(), name="carrier_create"),
    path("<slug:slug>/", org_views.CarrierDetailView.as_view(), name="carrier_detail"),
    path("<slug:slug>/bearbeiten/", org_views.CarrierUpdateView.as_view(), name="carrier_edit"),
]
