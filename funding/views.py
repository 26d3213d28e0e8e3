from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Model, Q, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

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
    OnwardForwardingForm,
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
    GRANT_FTE_EXHAUSTED,
    MISSING_ALLOCATION,
    MISSING_COST_PLAN,
    allocation_save,
    budget_line_save,
    cost_plan_delete,
    cost_plan_save,
    forwarding_cancel,
    forwarding_save,
    grant_cancel,
    grant_save,
    onward_forwarding_save,
    own_share_request_save,
    programme_save,
    rate_delete,
    rate_save,
)
from funding.tables import (
    BudgetTable,
    CostPlanTable,
    ForwardingTable,
    GapTable,
    GrantTable,
    OwnShareRequestTable,
    ProgrammeTable,
    RateTable,
    budget_export_columns,
)
from kim.cancel_views import CancelView
from kim.delete_views import DeleteView
from kim.exports import export_response
from kim.http import AuthenticatedHttpRequest, prefilled_url, safe_next
from kim.i18n import german
from kim.import_views import ImportTemplateView, ImportView
from kim.models import Role, role_key
from kim.money import format_euro, format_fte
from kim.views import STAFF_ROLES, RoleRequiredMixin, ScopedDetailView, ScopedTableView, ServiceFormView, form_data
from kim.years import year_or
from modules.guided import contract_steps
from modules.models import CostRate, Post

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# ---------------------------------------------------------------- grants


class GrantListView(ScopedTableView):
    model = GrantNotice
    table_class = GrantTable
    filterset_class = GrantFilter
    allowed_roles = STAFF_ROLES
    create_url_name = "funding:grant_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("programme__module", "authority", "recipient", "cancelled_by")


class GrantDetailView(ScopedDetailView):
    model = GrantNotice
    allowed_roles = STAFF_ROLES
    template_name = "funding/grant/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("programme__module", "authority", "recipient", "cancelled_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        grant = self.object
        ctx["allocations"] = list(grant.allocations.select_related("post__employer"))
        ctx["forwardings"] = selectors.in_chain_order(
            grant.forwardings.select_related("post", "carrier", "upstream__carrier", "cancelled_by").order_by(
                "level", "start", "pk"
            )
        )
        ctx["forwarded"] = selectors.forwarded_for_grant(grant=grant)
        ctx["remaining"] = grant.amount - ctx["forwarded"]
        ctx["entitlement"] = selectors.grant_entitlement(grant=grant)
        if role_key(self.request.user) == Role.ADMIN:  # the steps' forms are A 46's alone
            ctx["next_steps"] = contract_steps(
                allocations=ctx["allocations"],
                contracts=ctx["forwardings"],
                cost_plans=CostPlan.objects.filter(post__allocations__grant=grant).distinct(),
            )
        return ctx


class AllocationChooseView(RoleRequiredMixin, TemplateView):
    """Guided step from a post without funding: the notices of its module whose period meets the
    post's term and that do not fund it yet, each with the allocation form pre-filled (the post,
    its VZÄ, the overlap of notice period and post term)."""

    edit = True
    template_name = "funding/allocation/choose.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        post = get_object_or_404(Post.objects.for_user(self.request.user).select_related("module"), pk=kwargs["pk"])
        ctx.update({"post": post, "title": _("Förderbescheid für „%(p)s“ wählen") % {"p": post.title}})
        ctx["choices"] = [
            (
                notice,
                prefilled_url(
                    reverse("funding:allocation_create", args=[notice.pk]),
                    post=post.pk,
                    fte=format_fte(post.fte),
                    start=date_format(max(notice.period_start, post.start), "d.m.Y"),
                    end=date_format(min(notice.period_end, post.end or notice.period_end), "d.m.Y"),
                ),
            )
            for notice in selectors.notices_for_post(post=post)
        ]
        return ctx


class GrantCancelView(CancelView):
    model = GrantNotice
    title = _("Förderbescheid stornieren")
    consequence = _(
        "Ein Bescheid, aus dem noch weitergeleitet wird oder auf den das Land gezahlt hat, wird nicht storniert: "
        "zuerst die Verträge stornieren."
    )
    service = staticmethod(grant_cancel)
    service_kwarg = "grant"


class ForwardingCancelView(CancelView):
    model = ForwardingContract
    title = _("Weiterleitungsvertrag stornieren")
    consequence = _(
        "Geplante, noch nicht gezahlte Abschläge werden mit dem Vertrag storniert. Sind bereits Abschläge gezahlt, "
        "sind zuerst diese zu stornieren (Rückforderung)."
    )
    service = staticmethod(forwarding_cancel)
    service_kwarg = "contract"


def warn_if_entitlement_differs(request: HttpRequest, grant: GrantNotice) -> None:
    """A notified amount that differs from VZÄ × rate × period share is saved, but named (domain §1a)."""
    entitlement = selectors.grant_entitlement(grant=grant)
    if entitlement.differs:
        messages.warning(
            request,
            _(
                "Die Zuwendung %(amount)s weicht vom berechneten Anspruch %(computed)s ab "
                "(bewilligte VZÄ × Pauschale × Zeitanteil; Differenz %(diff)s). Bitte den Bescheid prüfen; "
                "die Abweichung steht im Controlling."
            )
            % {
                "amount": format_euro(grant.amount),
                "computed": format_euro(entitlement.computed),
                "diff": format_euro(entitlement.difference),
            },
        )


class GrantCreateView(ServiceFormView[GrantNotice]):
    form_class = GrantForm
    title = _("Neuer Förderbescheid")
    cancel_url_name = "funding:grant_list"
    success_message = _("Förderbescheid gespeichert.")

    def perform_save(self, form: BaseForm) -> GrantNotice:
        grant = grant_save(data=form_data(form), user=self.request.user)
        warn_if_entitlement_differs(self.request, grant)
        return grant


class GrantUpdateView(ServiceFormView[GrantNotice]):
    """Also the step a refused allocation links to; after saving back to ``?next=`` (a local address only)."""

    model = GrantNotice
    form_class = GrantForm
    editing = True
    title = _("Förderbescheid bearbeiten")

    def get_return_url(self) -> str | None:
        return safe_next(self.request)

    def perform_save(self, form: BaseForm) -> GrantNotice:
        grant = grant_save(grant=self.object, data=form_data(form), user=self.request.user)
        warn_if_entitlement_differs(self.request, grant)
        return grant


class AllocationCreateView(ServiceFormView[GrantAllocation]):
    """Also a guided step from a post (?post=&fte=&start=&end= pre-fill the form). A refusal because
    the notice's VZÄ are all allocated links to editing the notice, which comes back here with the
    values typed so far."""

    form_class = AllocationForm
    success_message = _("Zuordnung gespeichert.")
    prefill_fields = ("post", "fte", "start", "end")

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
        return safe_next(self.request) or self.grant.get_absolute_url()

    def perform_save(self, form):
        return allocation_save(grant=self.grant, data=form_data(form), user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        form = ctx.get("form")
        if form is not None and form.is_bound and has_error_code(form, GRANT_FTE_EXHAUSTED):
            back = typed_back(
                form,
                back=self.request.path,
                names=AllocationForm.base_fields,
                extra={"next": safe_next(self.request) or ""},
            )
            ctx["prerequisite"] = prerequisite(
                reverse("funding:grant_edit", args=[self.grant.pk]),
                {"next": back},
                label=_("Bewilligte VZÄ des Bescheids ändern"),
                note=_("Danach geht es zurück zu dieser Zuordnung; Ihre Eingaben bleiben erhalten."),
            )
        return ctx


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
        return qs.select_related("carrier", "post", "cancelled_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        # onward contracts pass on money of a first-level contract: summed apart, never added to it
        ctx["total"] = selectors.money_sum(self.object_list.in_force().filter(upstream__isnull=True), "amount")
        ctx["onward_total"] = selectors.money_sum(self.object_list.in_force().filter(upstream__isnull=False), "amount")
        return ctx


class ForwardingDetailView(ScopedDetailView):
    model = ForwardingContract
    template_name = "funding/forwarding/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("carrier", "post__module", "grant__programme", "cancelled_by", "upstream__carrier")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        contract = self.object
        inputs = selectors.forwarding_inputs(
            grant=contract.grant, post=contract.post, year=contract.year, start=contract.start, end=contract.end
        )
        ctx.update({"cost_plan": inputs.cost_plan, "rate": inputs.rate, "allocation": inputs.allocation})
        ctx["recomputed"] = selectors.forwarding_recomputed(contract=contract, inputs=inputs)
        # the chain around the contract: where the money came from, and where its recipient passed it on
        ctx["chain_up"] = []
        link = contract.upstream
        while link is not None:
            ctx["chain_up"].insert(0, link)
            link = link.upstream
        if self.request.user.is_carrier_staff:
            ctx["chain_up"] = [c for c in ctx["chain_up"] if c.carrier_id == self.request.user.organisation_id]
        ctx["onward"] = (
            []
            if self.request.user.is_carrier_staff
            else list(contract.onward.select_related("carrier", "post", "upstream__carrier"))
        )
        ctx["onward_total"] = selectors.forwarded_onward(contract=contract)
        ctx["onward_remaining"] = contract.amount - ctx["onward_total"]
        return ctx


class ForwardingCreateView(ServiceFormView[ForwardingContract]):
    """A contract refused for a missing cost plan links to creating that plan, which comes back here
    with the values typed so far (they travel in the address and pre-fill this form)."""

    form_class = ForwardingForm
    title = _("Neuer Weiterleitungsvertrag")
    cancel_url_name = "funding:forwarding_list"
    success_message = _("Weiterleitungsvertrag gespeichert; der Betrag wurde berechnet.")

    prefill_fields = tuple(ForwardingForm.base_fields)

    def perform_save(self, form: BaseForm) -> ForwardingContract:
        return forwarding_save(data=form_data(form), user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        form = ctx.get("form")
        if form is not None and form.is_bound:
            if has_error_code(form, MISSING_COST_PLAN):
                ctx["prerequisite"] = cost_plan_link(form, back=self.request.path)
            elif has_error_code(form, MISSING_ALLOCATION):
                ctx["prerequisite"] = allocation_link(form, back=self.request.path)
        return ctx


def has_error_code(form: BaseForm, code: str) -> bool:
    """Whether one of the form's errors carries ``code`` (a missing prerequisite, funding.services)."""
    return any(e.code == code for errors in form.errors.as_data().values() for e in errors)


def missing_cost_plan(form: BaseForm) -> bool:
    return has_error_code(form, MISSING_COST_PLAN)


def typed_back(form: BaseForm, *, back: str, names: Iterable[str], extra: dict[str, str] | None = None) -> str:
    """``back`` with every value typed into the form so far (it pre-fills the form again)."""
    typed = QueryDict(mutable=True)
    for name in names:
        value = form.data.get(name)
        if value:
            typed[name] = value
    for name, value in (extra or {}).items():
        if value:
            typed[name] = value
    return f"{back}?{typed.urlencode()}"


def prerequisite(url: str, params: dict[str, str], *, label: StrOrPromise, note: StrOrPromise) -> dict[str, Any]:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if value:
            query[name] = value
    return {"url": f"{url}?{query.urlencode()}", "label": label, "note": note}


def cost_plan_link(form: BaseForm, *, back: str) -> dict[str, StrOrPromise]:
    """The cost plan form pre-filled with the contract's post and year; ``next`` returns to the
    contract form with every value typed so far."""
    start = form.cleaned_data.get("start")
    return prerequisite(
        reverse("funding:costplan_create"),
        {
            "post": form.data.get("post", ""),
            "year": str(start.year) if start else "",
            "next": typed_back(form, back=back, names=ForwardingForm.base_fields),
        },
        label=_("Kostenplan jetzt anlegen"),
        note=_("Danach geht es zurück zu diesem Vertrag; Ihre Eingaben bleiben erhalten."),
    )


def allocation_link(form: BaseForm, *, back: str) -> dict[str, StrOrPromise] | None:
    """The notice's allocation form pre-filled with the contract's post, its VZÄ and period; ``next``
    returns to the contract form with every value typed so far."""
    # the refusal took the post out of cleaned_data: read the typed values through their fields again
    try:
        grant, post = (form.fields[n].clean(form.data.get(n)) for n in ("grant", "post"))
    except ValidationError:
        return None
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return prerequisite(
        reverse("funding:allocation_create", args=[grant.pk]),
        {
            "post": str(post.pk),
            "fte": format_fte(post.fte),
            "start": date_format(start, "d.m.Y") if start else "",
            "end": date_format(end, "d.m.Y") if end else "",
            "next": typed_back(form, back=back, names=ForwardingForm.base_fields),
        },
        label=_("Stelle jetzt dem Bescheid zuordnen"),
        note=_("Danach geht es zurück zu diesem Vertrag; Ihre Eingaben bleiben erhalten."),
    )


class ForwardingUpdateView(ServiceFormView[ForwardingContract]):
    """The body's own contracts are edited with the computed-amount form; an onward contract with the
    form of its level (agreed amount)."""

    model = ForwardingContract
    form_class = ForwardingForm
    editing = True
    title = _("Weiterleitungsvertrag bearbeiten")

    @property
    def success_message(self) -> StrOrPromise:  # type: ignore[override]
        if self.object is not None and self.object.upstream_id:
            return _("Weiterleitung gespeichert.")
        return _("Weiterleitungsvertrag gespeichert; der Betrag wurde neu berechnet.")

    def get_form_class(self) -> type[BaseForm]:
        if self.object is not None and self.object.upstream_id:
            return OnwardForwardingForm
        return ForwardingForm

    def perform_save(self, form: BaseForm) -> ForwardingContract:
        assert self.object is not None
        if self.object.upstream_id:
            return onward_forwarding_save(contract=self.object, data=form_data(form), user=self.request.user)
        return forwarding_save(contract=self.object, data=form_data(form), user=self.request.user)


class OnwardForwardingCreateView(ServiceFormView[ForwardingContract]):
    """The recipient of a contract passes (part of) the money on under its own contract. Municipalities
    and carriers have no accounts for this: A 46 enters the onward contract on their behalf."""

    form_class = OnwardForwardingForm
    success_message = _("Weiterleitung gespeichert.")

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.upstream: ForwardingContract | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and role_key(request.user) == Role.ADMIN:
            self.upstream = get_object_or_404(
                ForwardingContract.objects.for_user(request.user).select_related("carrier", "post"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_title(self) -> StrOrPromise:
        assert self.upstream is not None
        return _("Weiterleiten: %(r)s gibt Mittel aus „%(c)s“ weiter") % {
            "r": self.upstream.carrier,
            "c": self.upstream,
        }

    def get_initial(self) -> dict[str, Any]:
        assert self.upstream is not None
        return {"start": self.upstream.start, "end": self.upstream.end}

    def get_cancel_url(self) -> str:
        assert self.upstream is not None
        return self.upstream.get_absolute_url()

    def perform_save(self, form: BaseForm) -> ForwardingContract:
        return onward_forwarding_save(upstream=self.upstream, data=form_data(form), user=self.request.user)


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
    """Also the step a refused contract links to: post and year pre-filled, and after saving back
    to ``?next=`` (a local address only)."""

    form_class = CostPlanForm
    title = _("Neuer Kostenplan")
    cancel_url_name = "funding:costplan_list"

    prefill_fields = ("post", "year", "personnel", "material_overhead")

    def perform_save(self, form: BaseForm) -> CostPlan:
        return cost_plan_save(data=form_data(form), user=self.request.user)

    def next_url(self) -> str | None:
        return safe_next(self.request)

    def get_success_url_for(self, obj: CostPlan) -> str:
        return self.next_url() or super().get_success_url_for(obj)

    def get_cancel_url(self) -> str:
        return self.next_url() or super().get_cancel_url()


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
        ctx["own_posts"] = budget.own_posts_share(year=year_or(self.request, date.today().year))
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
        return {} if role_key(self.request.user) == Role.ADMIN else {"exclude": ("edit", "delete")}

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


class RateDeleteView(DeleteView):
    model = Rate
    title = _("Fördersatz löschen")
    service = staticmethod(rate_delete)
    service_kwarg = "rate"
    success_url_name = "funding:rate_list"

    def back_url(self, obj: Model) -> str:
        return reverse("funding:rate_list")


class CostPlanDeleteView(DeleteView):
    model = CostPlan
    title = _("Kostenplan löschen")
    service = staticmethod(cost_plan_delete)
    service_kwarg = "plan"
    success_url_name = "funding:costplan_list"


class ProgrammeListView(ScopedTableView):
    """Every programme, deactivated ones too: their notices, rates and figures stay."""

    model = Programme
    table_class = ProgrammeTable
    filterset_class = None
    filterset_fields = ["is_active"]
    allowed_roles = STAFF_ROLES
    title = _("Förderprogramme")
    create_url_name = "funding:programme_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return (
            qs.select_related("module", "funder")
            .annotate(grant_count=Count("grants", filter=Q(grants__cancelled_at=None)))
            .order_by("-is_active", "module__number", "name")
        )


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
