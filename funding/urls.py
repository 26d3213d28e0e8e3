from django.urls import path

from funding import controlling_views, views

app_name = "funding"

urlpatterns = [
    path("foerderbescheide/", views.GrantListView.as_view(), name="grant_list"),
    path("foerderbescheide/neu/", views.GrantCreateView.as_view(), name="grant_create"),
    path("foerderbescheide/<int:pk>/", views.GrantDetailView.as_view(), name="grant_detail"),
    path("foerderbescheide/<int:pk>/bearbeiten/", views.GrantUpdateView.as_view(), name="grant_edit"),
    path("foerderbescheide/<int:pk>/zuordnung/neu/", views.AllocationCreateView.as_view(), name="allocation_create"),
    path("foerderbescheide/<int:pk>/zuordnung/<int:allocation_pk>/bearbeiten/", views.AllocationUpdateView.as_view(), name="allocation_edit"),
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
    path("zahlungen/bescheid/<int:pk>/eingang/neu/", controlling_views.LandReceiptCreateView.as_view(), name="controlling_receipt_create"),
    path("zahlungen/vertrag/<int:pk>/", controlling_views.ContractPaymentsView.as_view(), name="controlling_contract_payments"),
    path("zahlungen/vertrag/<int:pk>/abschlag/neu/", controlling_views.CarrierPaymentCreateView.as_view(), name="controlling_payment_create"),
    path("zahlungen/vertrag/<int:pk>/abschlag/<int:payment_pk>/bearbeiten/", controlling_views.CarrierPaymentUpdateView.as_view(), name="controlling_payment_edit"),
    path("rueckforderungsrisiken/", controlling_views.RepaymentRiskView.as_view(), name="controlling_risks"),
]
