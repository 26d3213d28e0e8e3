from django.urls import path

from overview import views

app_name = "overview"

urlpatterns = [
    path("datenexport/<slug:slug>/", views.CarrierDataExportView.as_view(), name="data_export"),
    path("geloeschte-eintraege/", views.DeletedEntriesView.as_view(), name="deleted_entries"),
]
