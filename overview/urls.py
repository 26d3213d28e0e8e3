from django.urls import path

from overview import views

app_name = "overview"

urlpatterns = [
    path("datenexport/<slug:slug>/", views.CarrierDataExportView.as_view(), name="data_export"),
]
