from django.urls import path

from funding import views
from funding.controlling import views as controlling_views

app_name = "funding"

urlpatterns = [
    path("foerderbescheide/", views.GrantListView.as_view(), name="grant_list"),
    path("foerderbescheide/neu/", views.GrantCreateView.as_view(), name="grant_create"),
    path("foerderbescheide/<int:pk>/", views.GrantDetailView.as_view(), name="grant_detail"),
    path("foerderbescheide/<int:pk>/bearbeiten/", views.GrantUpdateView.as_view(), name="grant_edit"),
    path("foerderbescheide/<int:pk>/zuordnung/neu/", views.AllocationCreateView.as_view(), name="allocation_create"),
    path(
        "foerderbescheide/<int:pk>/zuordnung/<int:allocation_pk>/bearbeiten/",
        views.AllocationUpdateView.as_view(),
        name="allocation_edit",
    ),
    path("weiterleitungen/", views.ForwardingListView.as_view(), name="forwarding_list"),
    path("weiterleitungen/neu/", views.ForwardingCreateView.as_view(), name="forwarding_create"),
    path("weiterleitungen/<int:pk>/", views.ForwardingDetailView.as_view(), name="forwarding_detail"),
    path("weiterleitungen/<int:pk>/bearbeiten/", views.ForwardingUpdateView.as_view(), name="forwarding_edit"),
    path("kostenplaene/", views.CostPlanListView.as_view(), name="costplan_list"),
    path("kostenplaene/neu/", views.CostPlanCreateView.as_view(), name="costplan_create"),
    path("kostenplaene/<int:pk>/", views.CostPlanDetailView.as_view(), name="costplan_detail"),
    path("kostenplaene/<int:pk>/bearbeiten/", views.CostPlanUpdateView.as_view(), name="costplan_edit"),
    path("eigenanteile/", views.GapListView.as_view(), name="gap_list"),
    path("antraege/", views.OwnShareRequestListView.as_view(), name="request_list"),
    path("antraege/neu/", views.OwnShareRequestCreateView.as_view(), name="request_create"),
    path("antraege/<int:pk>/", views.OwnShareRequestDetailView.as_view(), name="request_detail"),
    path("antraege/<int:pk>/bearbeiten/", views.OwnShareRequestUpdateView.as_view(), name="request_edit"),
    path("haushalt/", views.BudgetRowView.as_view(), name="budget_list"),
    path("haushalt/neu/", views.BudgetLineCreateView.as_view(), name="budget_create"),
    path("haushalt/<int:pk>/bearbeiten/", views.BudgetLineUpdateView.as_view(), name="budget_edit"),
    path("saetze/", views.RateListView.as_view(), name="rate_list"),
    path("saetze/neu/", views.RateCreateView.as_view(), name="rate_create"),
    path("saetze/<int:pk>/bearbeiten/", views.RateUpdateView.as_view(), name="rate_edit"),
    path("programme/neu/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programme/<int:pk>/bearbeiten/", views.ProgrammeUpdateView.as_view(), name="programme_edit"),
    path("controlling/", controlling_views.ControllingIndexView.as_view(), name="controlling"),
    path("controlling/jahr-vorbereiten/", controlling_views.YearPrepareView.as_view(), name="controlling_year"),
    path("zahlungen/", controlling_views.PaymentOverviewView.as_view(), name="controlling_payments"),
    path(
        "zahlungen/bescheid/<int:pk>/eingang/neu/",
        controlling_views.LandReceiptCreateView.as_view(),
        name="controlling_receipt_create",
    ),
    path(
        "zahlungen/vertrag/<int:pk>/",
        controlling_views.ContractPaymentsView.as_view(),
        name="controlling_contract_payments",
    ),
    path(
        "zahlungen/vertrag/<int:pk>/abschlag/neu/",
        controlling_views.CarrierPaymentCreateView.as_view(),
        name="controlling_payment_create",
    ),
    path(
        "zahlungen/vertrag/<int:pk>/abschlag/<int:payment_pk>/bearbeiten/",
        controlling_views.CarrierPaymentUpdateView.as_view(),
        name="controlling_payment_edit",
    ),
    path("verwendungsnachweise/", controlling_views.ProofListView.as_view(), name="controlling_proofs"),
    path("verwendungsnachweise/<int:pk>/", controlling_views.ProofDetailView.as_view(), name="proof_detail"),
    path("verwendungsnachweise/<int:pk>/hochladen/", controlling_views.ProofUploadView.as_view(), name="proof_upload"),
    path("verwendungsnachweise/<int:pk>/status/", controlling_views.ProofStatusView.as_view(), name="proof_status"),
    path(
        "verwendungsnachweise/<int:pk>/dokument/<int:document_pk>/",
        controlling_views.ProofDocumentDownloadView.as_view(),
        name="proof_document",
    ),
    path(
        "verwendungsnachweise/neu/vertrag/<int:pk>/",
        controlling_views.ProofCreateView.as_view(kind="carrier"),
        name="proof_create_contract",
    ),
    path(
        "verwendungsnachweise/neu/bescheid/<int:pk>/",
        controlling_views.ProofCreateView.as_view(kind="land"),
        name="proof_create_grant",
    ),
    path("doppelfoerderung/", controlling_views.DoubleFundingView.as_view(), name="controlling_double"),
    path("laufzeiten/", controlling_views.TimelineView.as_view(), name="controlling_timeline"),
    path("was-waere-wenn/", controlling_views.WhatIfView.as_view(), name="controlling_whatif"),
    path("uebernahme/neu/", controlling_views.TopUpCreateView.as_view(), name="topup_create"),
    path("uebernahme/<int:pk>/bearbeiten/", controlling_views.TopUpUpdateView.as_view(), name="topup_edit"),
    path("mittelfluss/", controlling_views.FlowView.as_view(), name="controlling_flow"),
    path("rueckforderungsrisiken/", controlling_views.RepaymentRiskView.as_view(), name="controlling_risks"),
]
