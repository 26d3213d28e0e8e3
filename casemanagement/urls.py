from django.urls import path

from casemanagement import views

app_name = "casemanagement"

urlpatterns = [
    path("faelle/", views.CaseListView.as_view(), name="case_list"),
    path("faelle/neu/", views.CaseCreateView.as_view(), name="case_create"),
    path("faelle/<uuid:public_id>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("faelle/<uuid:public_id>/bearbeiten/", views.CaseUpdateView.as_view(), name="case_edit"),
    path("faelle/<uuid:public_id>/kontakt/", views.ContactCreateView.as_view(), name="contact_create"),
    path("faelle/<uuid:public_id>/kontakt/<int:pk>/", views.ContactUpdateView.as_view(), name="contact_edit"),
    path(
        "faelle/<uuid:public_id>/kontakt/<int:pk>/loeschen/", views.ContactDeleteView.as_view(), name="contact_delete"
    ),
    path(
        "faelle/<uuid:public_id>/verweisung/<int:pk>/loeschen/",
        views.ReferralDeleteView.as_view(),
        name="referral_delete",
    ),
    path("faelle/<uuid:public_id>/verweisung/", views.ReferralCreateView.as_view(), name="referral_create"),
    path("faelle/<uuid:public_id>/verweisung/<int:pk>/", views.ReferralUpdateView.as_view(), name="referral_edit"),
    path("faelle/<uuid:public_id>/abschliessen/", views.CaseCloseView.as_view(), name="case_close"),
    path("faelle/<uuid:public_id>/wiederaufnehmen/", views.CaseReopenView.as_view(), name="case_reopen"),
    path("meldungen/", views.ReturnListView.as_view(), name="return_list"),
    path("meldungen/neu/", views.ReturnCreateView.as_view(), name="return_create"),
    path("meldungen/pruefung/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("meldungen/<uuid:public_id>/", views.ReturnDetailView.as_view(), name="return_detail"),
    path("meldungen/<uuid:public_id>/einreichen/", views.ReturnSubmitView.as_view(), name="return_submit"),
    path("meldungen/<uuid:public_id>/zurueckziehen/", views.ReturnWithdrawView.as_view(), name="return_withdraw"),
    path("meldungen/<uuid:public_id>/hochladen/", views.ReturnUploadView.as_view(), name="return_upload"),
    path("meldungen/<uuid:public_id>/register/", views.ReturnUseRegisterView.as_view(), name="return_use_register"),
    path("meldungen/<uuid:public_id>/csv/", views.ReturnCsvView.as_view(), name="return_csv"),
    path("meldungen/<uuid:public_id>/annehmen/", views.ReturnAcceptView.as_view(), name="return_accept"),
    path("meldungen/<uuid:public_id>/zurueckgeben/", views.ReturnSendBackView.as_view(), name="return_send_back"),
    path("meldungen/<uuid:public_id>/wiederoeffnen/", views.ReturnReopenView.as_view(), name="return_reopen"),
    path("statistik/", views.StatisticsView.as_view(), name="statistics"),
    path("kennzahlen/", views.IndicatorListView.as_view(), name="indicator_list"),
    path("kennzahlen/neu/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("kennzahlen/<int:pk>/", views.IndicatorUpdateView.as_view(), name="indicator_edit"),
]
