from django.urls import path

from modules import views

app_name = "modules"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post_list"),
    path("neu/", views.PostCreateView.as_view(), name="post_create"),
    path("<int:pk>/", views.PostDetailView.as_view(), name="post_detail"),
    path("<int:pk>/bearbeiten/", views.PostUpdateView.as_view(), name="post_edit"),
    path("<int:pk>/besetzung/neu/", views.OccupancyCreateView.as_view(), name="occupancy_create"),
    path(
        "<int:pk>/besetzung/<int:occupancy_pk>/bearbeiten/", views.OccupancyUpdateView.as_view(), name="occupancy_edit"
    ),
    path("<int:pk>/personalkosten/neu/", views.PersonnelCostCreateView.as_view(), name="personnelcost_create"),
    path("import/", views.ModulesImportView.as_view(), name="import"),
    path("import/vorlage/", views.ModulesImportTemplateView.as_view(), name="import_template"),
    path("personalkostensaetze/", views.CostRateListView.as_view(), name="costrate_list"),
    path("personalkostensaetze/neu/", views.CostRateCreateView.as_view(), name="costrate_create"),
    path("personalkostensaetze/<int:pk>/", views.CostRateDetailView.as_view(), name="costrate_detail"),
    path("personalkostensaetze/<int:pk>/bearbeiten/", views.CostRateUpdateView.as_view(), name="costrate_edit"),
]
