from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.forms import BaseForm
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from funding import selectors
from funding.controlling import budget
from funding.filters import (
    BudgetLineFilter,
    CostPlanFilter,
    ForwardingFilter,
    GrantFilter,
    OwnShareRequestFilter,
    RateFilter,
)
from funding.forms import (
    AllocationForm,
    BudgetLineForm,
    CostPlanForm,
    ForwardingForm,
    GrantForm,
    OwnShareRequestForm,
    ProgrammeForm,
    RateForm,
)
from funding.imports import KINDS as IMPORT_KINDS
from funding.models import (
    BudgetLine,
    CostPlan,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    OwnShareRequest,
    Programme,
    Rate,
)
from funding.services import (
    allocation_save,
    budget_line_save,
    cost_plan_save,
    forwarding_save,
    grant_save,
    own_share_request_save,
    programme_save,
    rate_save,
)
from funding.tables import (
    BudgetTable,
    CostPlanTable,
    ForwardingTable,
    GapTable,
    GrantTable,
    OwnShareRequestTable,
    RateTable,
    budget_export_columns,
)
from kim.exports import export_response
from kim.i18n import german
from kim.import_views import ImportTemplateView, ImportView
from kim.models import Role, role_key
from kim.views import STAFF_ROLES, ScopedDetailView, ScopedTableView, ServiceFormView, form_data
from modules.models import CostRate

# ---------------------------------------------------------------- grants


class GrantListView(ScopedTableView):
    model = GrantNotice
    table_class = GrantTable
    filterset_class = GrantFilter
    allowed_roles = STAFF_ROLES
    create_url_name = "funding:grant_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("programme__module", "authority", "recipient")


class GrantDetailView(ScopedDetailView):
    model = GrantNotice
    allowed_roles = STAFF_ROLES
    template_name = "funding/grant/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("programme__module", "authority", "recipient")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        grant = self.object
        ctx["allocations"] = grant.allocations.select_related("post__employer")
        ctx["forwardings"] = grant.forwardings.select_related("post", "carrier")
        ctx["forwarded"] = selectors.forwarded_for_grant(grant=grant)
        ctx["remaining"] = grant.amount - ctx["forwarded"]
        return ctx


class GrantCreateView(ServiceFormView[GrantNotice]):
    form_class = GrantForm
    title = _("Neuer Förderbescheid")
    cancel_url_name = "funding:grant_list"
    success_message = _("Förderbescheid gespeichert.")

    def perform_save(self, form: BaseForm) -> GrantNotice:
        return grant_save(data=form_data(form), user=self.request.user)


class GrantUpdateView(ServiceFormView[GrantNotice]):
    model = GrantNotice
    form_class = GrantForm
    editing = True
    title = _("Förderbescheid bearbeiten")

    def perform_save(self, form: BaseForm) -> GrantNotice:
        return grant_save(grant=self.object, data=form_data(form), user=self.request.user)


class AllocationCreateView(ServiceFormView[GrantAllocation]):
    form_class = AllocationForm
    success_message = _("Zuordnung gespeichert.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.grant = get_object_or_404(
                GrantNotice.objects.for_user(request.user).select_related("programme"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Stelle zuordnen: %(g)s") % {"g": self.grant}

    def extra_form_kwargs(self) -> dict[str, Any]:
        return {"grant": self.grant}

    def get_return_url(self) -> str:
        return self.grant.get_absolute_url()

    def perform_save(self, form):
        return allocation_save(grant=self.grant, data=form_data(form), user=self.request.user)


class AllocationUpdateView(AllocationCreateView):
    editing = True

    def get_object(self):
        return get_object_or_404(GrantAllocation, grant=self.grant, pk=self.kwargs["allocation_pk"])

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Zuordnung ändern: %(g)s") % {"g": self.grant}

    def perform_save(self, form):
        return allocation_save(grant=self.grant, allocation=self.object, data=form_data(form), user=self.request.user)


# ---------------------------------------------------------------- forwarding


class ForwardingListView(ScopedTableView):
    model = ForwardingContract
    table_class = ForwardingTable
    filterset_class = ForwardingFilter
    title = _("Weiterleitungsverträge")
    create_url_name = "funding:forwarding_create"
    template_name = "funding/forwarding/list.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("carrier", "post")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["total"] = selectors.money_sum(self.object_list, "amount")
        return ctx


class ForwardingDetailView(ScopedDetailView):
    model = ForwardingContract
    template_name = "funding/forwarding/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("carrier", "post__module", "grant__programme")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        contract = self.object
        inputs = selectors.forwarding_inputs(
            grant=contract.grant, post=contract.post, year=contract.year, start=contract.start, end=contract.end
        )
        ctx.update({"cost_plan": inputs.cost_plan, "rate": inputs.rate, "allocation": inputs.allocation})
        ctx["recomputed"] = selectors.forwarding_recomputed(contract=contract, inputs=inputs)
        return ctx


class ForwardingCreateView(ServiceFormView[ForwardingContract]):
    form_class = ForwardingForm
    title = _("Neuer Weiterleitungsvertrag")
    cancel_url_name = "funding:forwarding_list"
    success_message = _("Weiterleitungsvertrag gespeichert; der Betrag wurde berechnet.")

    def perform_save(self, form: BaseForm) -> ForwardingContract:
        return forwarding_save(data=form_data(form), user=self.request.user)


class ForwardingUpdateView(ServiceFormView[ForwardingContract]):
    model = ForwardingContract
    form_class = ForwardingForm
    editing = True
    title = _("Weiterleitungsvertrag bearbeiten")
    success_message = _("Weiterleitungsvertrag gespeichert; der Betrag wurde neu berechnet.")

    def perform_save(self, form: BaseForm) -> ForwardingContract:
        return forwarding_save(contract=self.object, data=form_data(form), user=self.request.user)


# ---------------------------------------------------------------- cost plans and gaps


class CostPlanListView(ScopedTableView):
    model = CostPlan
    table_class = CostPlanTable
    filterset_class = CostPlanFilter
    title = _("Kostenpläne der Träger")
    create_url_name = "funding:costplan_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("post__employer")


class CostPlanDetailView(ScopedDetailView):
    model = CostPlan
    template_name = "funding/costplan/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("post__employer", "post__module")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["gap"] = selectors.own_share_gaps(cost_plans=CostPlan.objects.filter(pk=self.object.pk))[0]
        return ctx


class CostPlanCreateView(ServiceFormView[CostPlan]):
    form_class = CostPlanForm
    title = _("Neuer Kostenplan")
    cancel_url_name = "funding:costplan_list"

    def perform_save(self, form: BaseForm) -> CostPlan:
        return cost_plan_save(data=form_data(form), user=self.request.user)


class CostPlanUpdateView(ServiceFormView[CostPlan]):
    model = CostPlan
    form_class = CostPlanForm
    editing = True
    title = _("Kostenplan bearbeiten")

    def perform_save(self, form: BaseForm) -> CostPlan:
        return cost_plan_save(plan=self.object, data=form_data(form), user=self.request.user)


class GapListView(ScopedTableView):
    """Own-share gaps per carrier post and year; rows computed by funding.selectors.own_share_gaps."""

    model = CostPlan
    table_class = GapTable
    filterset_class = CostPlanFilter
    title = _("Eigenanteile der Träger (Finanzierungslücken)")
    template_name = "funding/gap/list.html"

    def get_table_data(self):
        self.rows = selectors.own_share_gaps(cost_plans=self.object_list)
        return self.rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        known = [r for r in self.rows if r.gap is not None]
        ctx["totals"] = {
            "personnel": sum((r.cost_plan.personnel for r in self.rows), start=selectors.ZERO),
            "eligible": sum((r.eligible for r in known), start=selectors.ZERO),
            "gap": sum((r.gap for r in known), start=selectors.ZERO),
            "overhead": sum((r.uncovered_overhead for r in self.rows), start=selectors.ZERO),
        }
        ctx["totals"]["own_share"] = ctx["totals"]["gap"] + ctx["totals"]["overhead"]
        ctx["missing"] = len(self.rows) - len(known)
        return ctx


# ---------------------------------------------------------------- own-share requests


class OwnShareRequestRow:
    def __init__(self, request: OwnShareRequest, recommended: Decimal) -> None:
        self.request = request
        self.recommended = recommended


class OwnShareRequestListView(ScopedTableView):
    model = OwnShareRequest
    table_class = OwnShareRequestTable
    filterset_class = OwnShareRequestFilter
    allowed_roles = STAFF_ROLES
    create_url_name = "funding:request_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("applicant")

    def get_table_data(self):
        requests = list(self.object_list)
        recommended = selectors.own_share_recommended_many(requests=requests)
        return [OwnShareRequestRow(r, recommended[r.pk]) for r in requests]


class OwnShareRequestDetailView(ScopedDetailView):
    model = OwnShareRequest
    allowed_roles = STAFF_ROLES
    template_name = "funding/request/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("applicant")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        req = self.object
        carriers = selectors.applicant_carriers(applicant=req.applicant)
        ctx["recommended"] = selectors.own_share_recommended(request=req)
        ctx["gaps"] = selectors.own_share_gaps(
            cost_plans=CostPlan.objects.filter(year=req.budget_year, post__employer__in=carriers)
        )
        return ctx


class OwnShareRequestCreateView(ServiceFormView[OwnShareRequest]):
    form_class = OwnShareRequestForm
    title = _("Neuer Antrag auf Übernahme des Eigenanteils")
    cancel_url_name = "funding:request_list"

    def perform_save(self, form: BaseForm) -> OwnShareRequest:
        return own_share_request_save(data=form_data(form), user=self.request.user)


class OwnShareRequestUpdateView(ServiceFormView[OwnShareRequest]):
    model = OwnShareRequest
    form_class = OwnShareRequestForm
    editing = True
    title = _("Antrag bearbeiten")

    def perform_save(self, form: BaseForm) -> OwnShareRequest:
        return own_share_request_save(request=self.object, data=form_data(form), user=self.request.user)


# ---------------------------------------------------------------- budget


class BudgetRowView(ScopedTableView):
    model = BudgetLine
    table_class = BudgetTable
    filterset_class = BudgetLineFilter
    allowed_roles = STAFF_ROLES
    title = _("Haushaltspositionen mit Prognose")
    create_url_name = "funding:budget_create"
    template_name = "funding/budget/list.html"

    def get_table_data(self):
        return budget.budget_lines_with_forecast(lines=self.object_list)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in {"xlsx", "csv"}:
            with german():  # exports carry German headers whatever the interface language
                return self._export(request)
        return super().get(request, *args, **kwargs)

    def _export(self, request):

        filterset = self.get_filterset(self.get_filterset_class())
        lines = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        rows = budget.budget_lines_with_forecast(lines=lines)
        return export_response(request.GET["export"], budget_export_columns(), rows, "Haushalt KIM")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params["export"] = "xlsx"
        ctx["export_query"] = params.urlencode()
        return ctx


class BudgetLineCreateView(ServiceFormView[BudgetLine]):
    form_class = BudgetLineForm
    title = _("Neue Haushaltsposition")
    success_url_name = "funding:budget_list"

    def perform_save(self, form: BaseForm) -> BudgetLine:
        return budget_line_save(data=form_data(form), user=self.request.user)


class BudgetLineUpdateView(ServiceFormView[BudgetLine]):
    model = BudgetLine
    form_class = BudgetLineForm
    editing = True
    title = _("Haushaltsposition bearbeiten")
    success_url_name = "funding:budget_list"

    def perform_save(self, form: BaseForm) -> BudgetLine:
        return budget_line_save(line=self.object, data=form_data(form), user=self.request.user)


# ---------------------------------------------------------------- rates and programmes


class RateListView(ScopedTableView):
    model = Rate
    table_class = RateTable
    filterset_class = RateFilter
    allowed_roles = STAFF_ROLES
    title = _("Fördersätze je VZÄ und Jahr")
    create_url_name = "funding:rate_create"
    template_name = "funding/rate/list.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("programme")

    def get_table_kwargs(self) -> dict[str, Any]:
        return {} if role_key(self.request.user) == Role.ADMIN else {"exclude": ("edit",)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["programmes"] = Programme.objects.select_related("module", "funder")

        ctx["cost_rates"] = CostRate.objects.all()
        return ctx


class RateCreateView(ServiceFormView[Rate]):
    form_class = RateForm
    title = _("Neuer Fördersatz")
    success_url_name = "funding:rate_list"

    def perform_save(self, form: BaseForm) -> Rate:
        return rate_save(data=form_data(form), user=self.request.user)


class RateUpdateView(ServiceFormView[Rate]):
    model = Rate
    form_class = RateForm
    editing = True
    title = _("Fördersatz bearbeiten")
    success_url_name = "funding:rate_list"

    def perform_save(self, form: BaseForm) -> Rate:
        return rate_save(rate=self.object, data=form_data(form), user=self.request.user)


class ProgrammeCreateView(ServiceFormView[Programme]):
    form_class = ProgrammeForm
    title = _("Neues Förderprogramm")
    success_url_name = "funding:rate_list"

    def perform_save(self, form: BaseForm) -> Programme:
        return programme_save(data=form_data(form), user=self.request.user)


class ProgrammeUpdateView(ServiceFormView[Programme]):
    model = Programme
    form_class = ProgrammeForm
    editing = True
    title = _("Förderprogramm bearbeiten")
    success_url_name = "funding:rate_list"

    def perform_save(self, form: BaseForm) -> Programme:
        return programme_save(programme=self.object, data=form_data(form), user=self.request.user)


class FundingImportView(ImportView):
    """Grant notices and their allocations from a spreadsheet (funding/imports.py)."""

    kinds = IMPORT_KINDS
    url_name = "funding:import"
    template_url_name = "funding:import_template"
    title = _("Daten übernehmen: Förderbescheide und Zuordnungen")


class FundingImportTemplateView(ImportTemplateView):
    kinds = IMPORT_KINDS
