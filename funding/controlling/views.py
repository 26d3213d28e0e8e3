"""Controlling pages of A 46: eligibility and repayment risks, payments, proof of use,
double funding, what-if, flow. Thin views; every figure comes from a named selector."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, Model, Q, Value, When
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from funding.conf import horizon_months
from funding.controlling import eligibility
from funding.controlling import selectors as cs
from funding.controlling import services as controlling_services
from funding.controlling.budget import top_up_for_year
from funding.controlling.charts import flow_link_rows, programme_flow_svg
from funding.controlling.exports import (
    double_funding_export_sheets,
    flow_export_sheets,
    timeline_export_sheets,
    what_if_export_sheets,
)
from funding.controlling.forms import (
    CarrierPaymentForm,
    LandReceiptForm,
    OwnShareTopUpForm,
    ProofDocumentForm,
    ProofObligationForm,
    ProofStatusForm,
    WhatIfForm,
    YearPrepareForm,
)
from funding.filters import CarrierPaymentFilter, ProofFilter
from funding.models import (
    CarrierPayment,
    ForwardingContract,
    GrantNotice,
    LandReceipt,
    OwnShareTopUp,
    ProofDocument,
    ProofKind,
    ProofObligation,
    ProofStatus,
)
from funding.selectors import grant_entitlement_differences, min_share_findings
from funding.tables import CarrierPaymentTable, ProofTable
from kim.cancel_views import CancelView
from kim.exports import EXPORT_FORMATS, Column, Sheet, export_links, export_response, report_export_response
from kim.http import AuthenticatedHttpRequest
from kim.i18n import german
from kim.models import Role, role_key
from kim.uploads import serve_private_file
from kim.views import STAFF_ROLES, RoleRequiredMixin, ScopedDetailView, ScopedTableView, ServiceFormView, form_data
from kim.years import parse_year, year_or

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def year_param(request: HttpRequest, default: int | None = None) -> int:
    """?year= if it is a plausible year, else the year remembered in the session (kim.years), else
    the given default (else this year)."""

    return year_or(request, default or date.today().year)


class ReportExportMixin:
    """A report page with an export of its tables (``?export=xlsx`` or ``csv``, the page's query kept):
    the view names its sheets (funding.controlling.exports) and its file name."""

    request: AuthenticatedHttpRequest
    export_label: StrOrPromise = _("Diese Übersicht exportieren:")

    def export_sheets(self, context: dict[str, Any]) -> list[Sheet] | None:
        raise NotImplementedError

    def export_filename(self, context: dict[str, Any]) -> str:
        raise NotImplementedError

    def export_query(self, context: dict[str, Any]) -> QueryDict | None:
        """The query the export links carry; None: the page has nothing to export."""
        return self.request.GET

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        fmt = self.request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            with german():  # exports carry German headers whatever the interface language
                sheets = self.export_sheets(context)
                if sheets is not None:
                    return report_export_response(fmt, sheets, self.export_filename(context))
        query = self.export_query(context)
        context["export_links"] = export_links(query) if query is not None else []
        context["export_label"] = self.export_label
        return super().render_to_response(context, **response_kwargs)  # type: ignore[misc]


def query_with_year(request: HttpRequest, year: int) -> QueryDict:
    """The page's query with its year written out (it may come from the remembered year)."""
    query = request.GET.copy()
    query["year"] = str(year)
    return query


class YearPageMixin(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF_ROLES
    title: StrOrPromise = ""
    year: int
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        self.year = year_param(self.request)
        ctx.update({"year": self.year, "title": self.title, "years": list(range(2020, date.today().year + 2))})
        return ctx


class RepaymentRiskView(YearPageMixin, TemplateView):
    """Rückforderungsrisiken: posts with more received than eligible (funding.controlling.eligibility.repayment_risk_list)."""

    request: AuthenticatedHttpRequest
    template_name = "funding/controlling/risks.html"
    title = _("Rückforderungsrisiken")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        rows = eligibility.post_eligibility_many(year=self.year)
        ctx["risks"] = [r for r in rows if r.is_risk]
        ctx["rows"] = rows
        ctx["total_difference"] = sum((r.difference for r in ctx["risks"]), start=eligibility.ZERO)
        ctx["min_share_findings"] = min_share_findings(year=self.year)
        return ctx

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        fmt = self.request.GET.get("export")
        if fmt in ("xlsx", "csv"):
            with german():  # exports carry German headers whatever the interface language
                return export_response(
                    fmt, risk_export_columns(), context["rows"], f"Rückforderungsrisiken {context['year']}"
                )
        return super().render_to_response(context, **response_kwargs)


class EntitlementView(YearPageMixin, TemplateView):
    """Notices whose notified amount differs from VZÄ × rate × period share (funding.selectors)."""

    template_name = "funding/controlling/entitlements.html"
    title = _("Bescheide: Zuwendung und berechneter Anspruch")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = grant_entitlement_differences(year=self.year)
        return ctx


def risk_export_columns() -> list[Column]:
    """Every funded post of the year as on the page (the risks are the rows with a positive difference)."""
    return [
        Column(_("Stelle"), "post.title"),
        Column(_("Modul"), "post.module.number", "int"),
        Column(_("Anstellungsträger"), lambda r: str(r.post.employer) if r.post.employer_id else ""),
        Column(_("Programm"), lambda r: ", ".join(r.programmes)),
        Column(_("erhalten"), "received", "euro"),
        Column(_("nach Pauschale"), "by_rate", "euro"),
        Column(_("Personalkosten"), "personnel_cost", "euro"),
        Column(_("förderfähig"), "eligible", "euro"),
        Column(_("Differenz"), "difference", "euro"),
        Column(_("Rückforderungsrisiko"), lambda r: _("ja") if r.is_risk else _("nein")),
        Column(_("Ursache"), lambda r: "; ".join(r.cause_labels)),
    ]


class ControllingIndexView(RoleRequiredMixin, TemplateView):
    request: AuthenticatedHttpRequest
    allowed_roles = STAFF_ROLES
    template_name = "funding/controlling/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Controlling")
        ctx["can_edit"] = role_key(self.request.user) == Role.ADMIN  # no link that answers 403
        return ctx


class YearPrepareView(RoleRequiredMixin, FormView):
    """Prepare the next year from the previous one; without confirmation only a preview (dry run)."""

    request: AuthenticatedHttpRequest
    edit = True
    template_name = "funding/controlling/year_prepare.html"
    form_class = YearPrepareForm

    def get_initial(self) -> dict[str, Any]:

        return {
            "source_year": parse_year(self.request.GET.get("year")) or date.today().year - 1
        }  # not the remembered year

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Neues Jahr aus dem Vorjahr vorbereiten")
        return ctx

    def form_valid(self, form: BaseForm) -> HttpResponse:
        source_year = form.cleaned_data["source_year"]
        confirm = form.cleaned_data["confirm"]
        try:
            prep = controlling_services.year_prepare(
                source_year=source_year, user=self.request.user, dry_run=not confirm
            )
        except ValidationError as exc:
            form.add_error("source_year", exc.message_dict.get("source_year", exc.messages))
            return self.form_invalid(form)
        if not confirm:
            return self.render_to_response(self.get_context_data(form=form, preview=prep))
        messages.success(
            self.request,
            _(
                "%(y)s vorbereitet: %(g)s Bescheidentwürfe, %(a)s Zuordnungen, %(c)s Vertragsentwürfe, %(p)s Kostenpläne, %(r)s Sätze zu bestätigen."
            )
            % {
                "y": prep.year,
                "g": len(prep.grants),
                "a": len(prep.allocations),
                "c": len(prep.contracts),
                "p": len(prep.cost_plans),
                "r": len(prep.rates),
            },
        )
        return HttpResponseRedirect(reverse("funding:grant_list") + f"?year={prep.year}")


# ---------------------------------------------------------------- payments


class PaymentOverviewView(RoleRequiredMixin, TemplateView):
    """Land → county receipts per notice, county → carrier instalments per contract, balances; overdue highlighted."""

    request: AuthenticatedHttpRequest
    template_name = "funding/controlling/payments.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        year = year_param(self.request)
        user = self.request.user
        staff = not user.is_carrier_staff
        grants = list(cs.grants_with_balances(year=year)) if staff else []
        in_force = ForwardingContract.objects.for_user(user).filter(year=year).in_force()
        contracts = list(cs.contracts_with_balances(contracts=in_force))
        overdue = list(cs.overdue_payments(contracts=in_force))
        ctx.update(
            {
                "title": _("Zahlungen"),
                "year": year,
                "years": list(range(2020, date.today().year + 2)),
                "grants": grants,
                "contracts": contracts,
                "overdue": overdue,
                "staff": staff,
                "totals": cs.payment_totals(grants=grants, contracts=contracts),
                "can_edit": role_key(user) == Role.ADMIN,
            }
        )
        return ctx


class CarrierPaymentListView(ScopedTableView):
    """Every instalment to the recipients (carriers and municipalities), cancelled ones struck through. The
    export holds the rows the payment import takes (funding.imports.PaymentImport, same columns): instalments
    in force of the body's own contracts in force, so exporting and re-importing changes nothing."""

    model = CarrierPayment
    table_class = CarrierPaymentTable
    filterset_class = CarrierPaymentFilter
    title = _("Abschläge an die Träger")
    template_name = "funding/controlling/payment_list.html"
    exporting = False

    def optimise(self, qs):
        return qs.select_related("contract__post__module", "contract__carrier", "cancelled_by").order_by(
            "contract__year", "due_on", "pk"
        )

    def export(self, fmt: str) -> HttpResponse:
        self.exporting = True
        return super().export(fmt)

    def get_table_data(self):
        data = super().get_table_data()
        if self.exporting:
            return importable_payments(data)
        return data

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["totals"] = cs.payment_list_totals(payments=importable_payments(self.object_list))
        ctx["left_out"] = self.object_list.count() - ctx["totals"]["count"]
        return ctx


def importable_payments(payments):
    """The instalments the payment import matches: in force, of a first-level contract in force."""
    return payments.in_force().filter(contract__cancelled_at__isnull=True, contract__upstream__isnull=True)


class ContractPaymentsView(ScopedDetailView):
    model = ForwardingContract
    template_name = "funding/controlling/contract_payments.html"

    def optimise(self, qs):
        return cs.contracts_with_balances(contracts=qs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["payments"] = self.object.payments.select_related("cancelled_by")
        ctx["today"] = timezone.localdate()
        ctx["can_edit"] = role_key(self.request.user) == Role.ADMIN
        ctx.pop("history", None)
        return ctx


class LandReceiptCreateView(ServiceFormView[LandReceipt]):
    form_class = LandReceiptForm
    success_message = _("Zahlungseingang gespeichert.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.grant = get_object_or_404(GrantNotice.objects.for_user(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Zahlungseingang des Landes: %(g)s") % {"g": self.grant}

    def get_return_url(self) -> str:
        return reverse("funding:controlling_payments") + f"?year={self.grant.year}"

    def perform_save(self, form):
        return controlling_services.land_receipt_save(grant=self.grant, data=form_data(form), user=self.request.user)


class CarrierPaymentCreateView(ServiceFormView[CarrierPayment]):
    form_class = CarrierPaymentForm
    success_message = _("Abschlag gespeichert.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.contract = get_object_or_404(ForwardingContract.objects.for_user(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Abschlag: %(c)s") % {"c": self.contract}

    def get_return_url(self) -> str:
        return reverse("funding:controlling_contract_payments", args=[self.contract.pk])

    def perform_save(self, form):
        return controlling_services.carrier_payment_save(
            contract=self.contract, payment=self.object, data=form_data(form), user=self.request.user
        )


class CarrierPaymentUpdateView(CarrierPaymentCreateView):
    editing = True

    def get_object(self):
        return get_object_or_404(CarrierPayment, contract=self.contract, pk=self.kwargs["payment_pk"])


class CarrierPaymentCancelView(CancelView):
    model = CarrierPayment
    title = _("Abschlag stornieren")
    consequence = _("Ein gezahlter Abschlag wird storniert, wenn er zurückgefordert oder zurückgebucht wurde.")
    service = staticmethod(controlling_services.carrier_payment_cancel)
    service_kwarg = "payment"

    def get_object(self) -> CarrierPayment:
        return get_object_or_404(self.scoped_queryset(), contract_id=self.kwargs["pk"], pk=self.kwargs["payment_pk"])

    def back_url(self, obj: Model) -> str:
        return reverse("funding:controlling_contract_payments", args=[getattr(obj, "contract_id", None)])


# ---------------------------------------------------------------- proof of use


# Proofs of use are carriers' submissions to the county: A 46, the audit (read-only) and the carrier
# itself see them; committee staff work with papers and programme figures, not with these documents.
PROOF_READERS = frozenset({Role.ADMIN, Role.READONLY, Role.CARRIER})


class ProofListView(ScopedTableView):
    allowed_roles = PROOF_READERS
    """Verwendungsnachweise the user may see (carriers: their own contracts), 25 a page, fixed queries."""

    model = ProofObligation
    table_class = ProofTable
    filterset_class = ProofFilter
    title = _("Verwendungsnachweise")

    def optimise(self, qs):
        today = timezone.localdate()
        return (
            qs.select_related("contract__carrier", "contract__post", "grant__programme", "checked_by")
            .annotate(
                document_count=Count("documents"),
                is_overdue=Case(
                    When(Q(status=ProofStatus.OPEN, due_on__lt=today), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .order_by("due_on", "pk")
        )


class ProofDetailView(ScopedDetailView):
    allowed_roles = PROOF_READERS
    model = ProofObligation
    template_name = "funding/controlling/proof_detail.html"

    def optimise(self, qs):
        return qs.select_related("contract__carrier", "contract__post", "grant__programme", "checked_by", "proves_to")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        key = role_key(self.request.user)
        ctx["documents"] = self.object.documents.select_related("uploaded_by")
        ctx["can_upload"] = key in {Role.ADMIN, Role.CARRIER} and self.object.status not in (
            ProofStatus.CHECKED,
            ProofStatus.CLOSED,
        )
        ctx["can_check"] = key == Role.ADMIN
        ctx.setdefault("upload_form", ProofDocumentForm())
        ctx.setdefault("status_form", ProofStatusForm(initial={"status": self.object.status}))
        return ctx


class ProofUploadView(ProofDetailView):
    """POST a document; carriers only for their own contracts (the scoped queryset answers 404 otherwise)."""

    allowed_roles = frozenset({Role.ADMIN, Role.CARRIER})

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = obligation = self.get_object()
        form = ProofDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                controlling_services.proof_document_add(
                    obligation=obligation,
                    doc_type=form.cleaned_data["doc_type"],
                    upload=form.cleaned_data["file"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error("file", exc.message_dict.get("file", exc.messages))
            else:
                messages.success(request, _("Dokument hochgeladen."))
                return HttpResponseRedirect(obligation.get_absolute_url())
        return self.render_to_response(self.get_context_data(upload_form=form))


class ProofStatusView(ProofDetailView):
    edit = True

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = obligation = self.get_object()
        form = ProofStatusForm(request.POST)
        if form.is_valid():
            try:
                controlling_services.proof_status_set(
                    obligation=obligation, status=form.cleaned_data["status"], user=request.user
                )
            except ValidationError as exc:
                form.add_error("status", exc.message_dict.get("status", exc.messages))
            else:
                messages.success(request, _("Status gespeichert."))
                return HttpResponseRedirect(obligation.get_absolute_url())
        return self.render_to_response(self.get_context_data(status_form=form))


class ProofDocumentDownloadView(RoleRequiredMixin, View):
    allowed_roles = PROOF_READERS

    def get(self, request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> FileResponse:
        obligation = get_object_or_404(ProofObligation.objects.for_user(request.user), pk=pk)
        document = get_object_or_404(ProofDocument, obligation=obligation, pk=document_pk)
        return serve_private_file(document.file, document.original_name)


class ProofCreateView(ServiceFormView[ProofObligation]):
    form_class = ProofObligationForm
    success_message = _("Verwendungsnachweis angelegt.")
    kind = ProofKind.CARRIER

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            model = ForwardingContract if self.kind == ProofKind.CARRIER else GrantNotice
            self.subject = get_object_or_404(model.objects.for_user(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Verwendungsnachweis anlegen: %(s)s") % {"s": self.subject}

    def get_cancel_url(self) -> str:
        return reverse("funding:controlling_proofs")

    def perform_save(self, form):
        subject = {"contract": self.subject} if self.kind == ProofKind.CARRIER else {"grant": self.subject}
        return controlling_services.proof_obligation_save(
            kind=self.kind, data=form_data(form), user=self.request.user, **subject
        )


class DoubleFundingView(ReportExportMixin, RoleRequiredMixin, TemplateView):
    request: AuthenticatedHttpRequest
    allowed_roles = STAFF_ROLES
    template_name = "funding/controlling/double_funding.html"

    def export_sheets(self, context: dict[str, Any]) -> list[Sheet] | None:
        return double_funding_export_sheets(context["conflicts"])

    def export_filename(self, context: dict[str, Any]) -> str:
        return f"Doppelförderung {timezone.localdate():%Y-%m-%d}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Doppelförderung und Überförderung")
        ctx["conflicts"] = cs.double_funding_conflicts()
        return ctx


class TimelineView(ReportExportMixin, RoleRequiredMixin, TemplateView):
    request: AuthenticatedHttpRequest
    allowed_roles = STAFF_ROLES
    template_name = "funding/controlling/timeline.html"

    def export_sheets(self, context: dict[str, Any]) -> list[Sheet] | None:
        return timeline_export_sheets(context["rows"])

    def export_filename(self, context: dict[str, Any]) -> str:
        return f"Laufzeiten {timezone.localdate():%Y-%m-%d}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "title": _("Laufzeiten: Förderung und befristete Verträge"),
                "rows": cs.post_timelines(),
                "horizons": horizon_months(),
            }
        )
        return ctx


# ---------------------------------------------------------------- top-up and what-if


class WhatIfView(ReportExportMixin, RoleRequiredMixin, TemplateView):
    """GET form: rate, top-up, carriers' costs → today's plan beside the changed one. Saves nothing."""

    request: AuthenticatedHttpRequest
    allowed_roles = STAFF_ROLES
    template_name = "funding/controlling/whatif.html"
    export_label = _("Heutigen Plan und Annahme exportieren:")

    def export_sheets(self, context: dict[str, Any]) -> list[Sheet] | None:
        result = context.get("result")
        return what_if_export_sheets(result) if result is not None else None

    def export_filename(self, context: dict[str, Any]) -> str:
        return f"Was-wäre-wenn {context['result'].year}"

    def export_query(self, context: dict[str, Any]) -> QueryDict | None:
        if context.get("result") is None:
            return None  # invalid assumptions: no figures, nothing to export
        return query_with_year(self.request, context["result"].year)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        data.setdefault("year", str(year_param(self.request, default=date.today().year)))
        form = WhatIfForm(data)
        ctx.update({"title": _("Was-wäre-wenn: Pauschale, Übernahme, Kosten der Träger"), "form": form})
        if form.is_valid():
            c = form.cleaned_data
            ctx["result"] = cs.what_if(
                year=c["year"], rate=c["rate"], top_up_per_fte=c["top_up"], personnel_per_fte=c["personnel"]
            )
            ctx["decision"] = top_up_for_year(year=c["year"])
            ctx["can_edit"] = role_key(self.request.user) == Role.ADMIN
        return ctx


class TopUpCreateView(ServiceFormView[OwnShareTopUp]):
    form_class = OwnShareTopUpForm
    title = _("Übernahme des Eigenanteils beschließen (je VZÄ und Jahr)")
    success_message = _("Beschluss gespeichert; die Übernahme ist als geplanter Aufwand berücksichtigt.")

    def get_cancel_url(self) -> str:
        return reverse("funding:controlling_whatif")

    def get_success_url_for(self, obj: OwnShareTopUp) -> str:
        return reverse("funding:controlling_whatif") + f"?year={obj.year}"

    def perform_save(self, form):
        return controlling_services.top_up_save(top_up=self.object, data=form_data(form), user=self.request.user)


class TopUpUpdateView(TopUpCreateView):
    editing = True

    def get_object(self):
        return get_object_or_404(OwnShareTopUp, pk=self.kwargs["pk"])


class FlowView(ReportExportMixin, YearPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "funding/controlling/flow.html"
    title = _("Mittelfluss und Programmübersicht")

    def export_sheets(self, context: dict[str, Any]) -> list[Sheet] | None:
        return flow_export_sheets(context["flow"])

    def export_filename(self, context: dict[str, Any]) -> str:
        return f"Mittelfluss {context['year']}"

    def export_query(self, context: dict[str, Any]) -> QueryDict | None:
        return query_with_year(self.request, context["year"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        flow = cs.programme_flow(year=self.year)
        ctx.update({"flow": flow, "svg": mark_safe(programme_flow_svg(flow)), "links": flow_link_rows(flow)})  # noqa: S308 - built and escaped by funding.controlling.charts
        return ctx
