from django.urls import path

from committee import views

app_name = "committee"

urlpatterns = [
    path("", views.CommitteeListView.as_view(), name="committee_list"),
    path("neu/", views.CommitteeCreateView.as_view(), name="committee_create"),
    path("<int:pk>/", views.CommitteeDetailView.as_view(), name="committee_detail"),
    path("<int:pk>/bearbeiten/", views.CommitteeUpdateView.as_view(), name="committee_edit"),
    path("vorlagen/", views.PaperListView.as_view(), name="paper_list"),
    path("vorlagen/neu/", views.PaperCreateView.as_view(), name="paper_create"),
    path("vorlagen/<int:pk>/", views.PaperDetailView.as_view(), name="paper_detail"),
    path("vorlagen/<int:pk>/bearbeiten/", views.PaperUpdateView.as_view(), name="paper_edit"),
    path("vorlagen/<int:pk>/pdf/", views.PaperPdfView.as_view(), name="paper_pdf"),
    path("vorlagen/<int:pk>/freigeben/", views.PaperReleaseView.as_view(), name="paper_release"),
    path("vorlagen/<int:pk>/zurueckziehen/", views.PaperWithdrawView.as_view(), name="paper_withdraw"),
    path("vorlagen/<int:pk>/beschlusspunkte/neu/", views.DecisionItemCreateView.as_view(), name="decision_create"),
    path(
        "vorlagen/<int:pk>/beschlusspunkte/<int:item_pk>/", views.DecisionItemUpdateView.as_view(), name="decision_edit"
    ),
    path("vorlagen/<int:pk>/abschnitte/neu/", views.SectionCreateView.as_view(), name="section_create"),
    path("vorlagen/<int:pk>/abschnitte/<int:section_pk>/", views.SectionUpdateView.as_view(), name="section_edit"),
    path("vorlagen/<int:pk>/anlagen/neu/", views.AttachmentCreateView.as_view(), name="attachment_create"),
    path("vorlagen/<int:pk>/beratungen/neu/", views.ConsultationCreateView.as_view(), name="consultation_create"),
    path("anlagen/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("beratungen/<int:pk>/ergebnis/", views.ConsultationResultView.as_view(), name="consultation_result"),
    path("sitzungen/", views.MeetingListView.as_view(), name="meeting_list"),
    path("sitzungen/neu/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("sitzungen/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("sitzungen/<int:pk>/bearbeiten/", views.MeetingUpdateView.as_view(), name="meeting_edit"),
    path("sitzungen/<int:pk>/ergebnisse/", views.MeetingResultsView.as_view(), name="meeting_results"),
    path("sitzungen/<int:pk>/mappe.pdf", views.MeetingBundleView.as_view(), name="meeting_bundle"),
    path(
        "sitzungen/<int:pk>/mappe-nichtoeffentlich.pdf",
        views.MeetingBundleView.as_view(non_public=True),
        name="meeting_bundle_non_public",
    ),
    path(
        "sitzungen/<int:pk>/tagesordnung/<int:item_pk>/hoch/",
        views.AgendaItemActionView.as_view(action="up"),
        name="agenda_up",
    ),
    path(
        "sitzungen/<int:pk>/tagesordnung/<int:item_pk>/runter/",
        views.AgendaItemActionView.as_view(action="down"),
        name="agenda_down",
    ),
    path(
        "sitzungen/<int:pk>/tagesordnung/<int:item_pk>/entfernen/",
        views.AgendaItemActionView.as_view(action="remove"),
        name="agenda_remove",
    ),
    path("sitzungen/<int:pk>/tagesordnung/neu/", views.AgendaItemCreateView.as_view(), name="agenda_create"),
]
