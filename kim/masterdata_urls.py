from django.urls import path

from kim import org_views

app_name = "masterdata"

urlpatterns = [
    path("organisationen/", org_views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisationen/neu/", org_views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("organisationen/import/", org_views.OrganisationImportView.as_view(), name="organisation_import"),
    path(
        "organisationen/import/vorlage/",
        org_views.OrganisationImportTemplateView.as_view(),
        name="organisation_import_template",
    ),
    path("organisationen/<int:pk>/", org_views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisationen/<int:pk>/bearbeiten/", org_views.OrganisationUpdateView.as_view(), name="organisation_edit"),
    path("kommunen/", org_views.MunicipalityListView.as_view(), name="municipality_list"),
    path("kommunen/neu/", org_views.MunicipalityCreateView.as_view(), name="municipality_create"),
    path("kommunen/<int:pk>/", org_views.MunicipalityDetailView.as_view(), name="municipality_detail"),
    path("kommunen/<int:pk>/bearbeiten/", org_views.MunicipalityUpdateView.as_view(), name="municipality_edit"),
]
