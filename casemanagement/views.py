"""Pages of the case register (carrier staff only), the caseload returns and the A 46 statistics."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from casemanagement import selectors, services
from casemanagement.csv_format import MAX_BYTES, return_csv_bytes
from casemanagement.filters import CaseFilter, IndicatorFilter, ReturnFilter
from casemanagement.forms import (
    CaseForm,
    CloseForm,
    ContactForm,
    IndicatorForm,
    ReasonForm,
    ReferralForm,
    ReopenForm,
    ReturnCreateForm,
    ReturnUploadForm,
)
from casemanagement.models import Case, CaseloadReturn, Contact, IndicatorReport, Referral, ReturnStatus
from casemanagement.retention import deletion_date
from casemanagement.snapshots import (
    MONTHS_PART,
    Snapshot,
    StoredProtection,
    period_part,
    statistics_snapshot,
    stored_return,
)
from casemanagement.suppression import ProtectedFigures
from casemanagement.tables import CaseTable, IndicatorTable, ReturnTable
from kim import figure_cache
from kim.charts import Series, bar_chart_svg, column_chart_svg
from kim.exports import Column, export_response
from kim.forms import apply_service_errors
from kim.http import AuthenticatedHttpRequest
from kim.i18n import german
from kim.models import Role, role_key
from kim.views import (
    STAFF_ROLES,
    ReadOnlyRequestMixin,
    RoleRequiredMixin,
    ScopedTableView,
    ServiceFormView,
    form_data,
    posted_version,
)
from kim.years import parse_year, year_or

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CARRIER = frozenset({Role.CARRIER})
RETURN_ROLES = frozenset({Role.ADMIN, Role.READONLY, Role.CARRIER})


class CarrierFormView(ServiceFormView[Model]):
    """A form of the case register: carrier staff only; every case comes through Case.objects.for_user.

    Saving and cancelling lead back to the case the address names; a form without one shows the saved
    object (cancelling: the register)."""

    allowed_roles = CARRIER
    edit = False  # carrier staff write here; ServiceFormView's default would be A 46 only
    cancel_url_name = "casemanagement:case_list"
    case: Case | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and "public_id" in kwargs and role_key(request.user) == Role.CARRIER:
            self.case = get_object_or_404(Case.objects.for_user(request.user), public_id=kwargs["public_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_return_url(self) -> str | None:
        return self.case.get_absolute_url() if self.case else None

    def get_title(self) -> StrOrPromise:
        return f"{self.title}: {self.case.code}" if self.case else self.title


# ----------------------------------------------------------------------------------------- register


class CaseListView(ScopedTableView):
    model = Case
    table_class = CaseTable
    filterset_class = CaseFilter
    allowed_roles = CARRIER
    title = gettext_lazy("Fallregister")
    template_name = "casemanagement/case/list.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        # a correlated count per shown row: the page's COUNT(*) needs no join, and no GROUP BY over all contacts
        contacts = (
            Contact.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk")).values("n")
        )
        return qs.select_related("responsible_post", "municipality").annotate(
            contact_count=Coalesce(Subquery(contacts, output_field=IntegerField()), 0)
        )


class CaseDetailView(RoleRequiredMixin, View):
    allowed_roles = CARRIER

    def get(self, request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
        case = get_object_or_404(
            Case.objects.for_user(request.user).select_related("responsible_post", "municipality"), public_id=public_id
        )
        today = timezone.localdate()
        referrals = list(case.referrals.all())
        for referral in referrals:
            referral.overdue = referral.is_overdue(today)
        return render(
            request,
            "casemanagement/case/detail.html",
            {
                "title": case.code,
                "case": case,
                "topics": case.topics.all(),
                "episodes": case.episodes.all(),
                "contacts": case.contacts.all()[:50],
                "contact_totals": case.contacts.aggregate(n=Count("pk")),
                "referrals": referrals,
                "deletion_date": (deletion := deletion_date(case)),
                "deletion_overdue": deletion is not None and deletion <= timezone.localdate(),
            },
        )


class CaseCreateView(CarrierFormView):
    form_class = CaseForm
    title = gettext_lazy("Neuer Fall")
    success_message = gettext_lazy("Fall angelegt.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "carrier": self.request.user.organisation}

    def perform_save(self, form):
        data = form_data(form)
        topics = data.pop("topics")
        return services.case_create(
            carrier=self.request.user.organisation, data=data, topics=topics, user=self.request.user
        )


class CaseUpdateView(CarrierFormView):
    form_class = CaseForm
    title = gettext_lazy("Fall bearbeiten")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "carrier": self.request.user.organisation, "instance": self.case}

    def perform_save(self, form):
        data = form_data(form)
        topics = data.pop("topics")
        return services.case_update(case=self.case, data=data, topics=topics, user=self.request.user)


class ContactCreateView(CarrierFormView):
    form_class = ContactForm
    title = gettext_lazy("Kontakt erfassen")
    success_message = gettext_lazy("Kontakt erfasst.")

    def perform_save(self, form):
        return services.contact_add(case=self.case, data=form_data(form), user=self.request.user)


class ContactUpdateView(CarrierFormView):
    form_class = ContactForm
    title = gettext_lazy("Kontakt korrigieren")
    success_message = gettext_lazy("Kontakt korrigiert.")

    def get_form_kwargs(self):
        self.contact = get_object_or_404(Contact, case=self.case, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": self.contact}

    def perform_save(self, form):
        return services.contact_save(case=self.case, contact=self.contact, data=form_data(form), user=self.request.user)


class DeleteConfirmForm(forms.Form):
    """No fields: the page shows what will be deleted and asks to confirm."""


class CarrierDeleteView(CarrierFormView):
    form_class = DeleteConfirmForm
    template_name = "casemanagement/case/delete.html"
    model: type = Contact
    delete = staticmethod(services.contact_delete)
    success_message = gettext_lazy("Gelöscht.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["target"] = self.target()
        return ctx

    def target(self):
        return get_object_or_404(self.model, case=self.case, pk=self.kwargs["pk"])

    def perform_save(self, form):
        target = self.target()
        kwarg = "contact" if self.model is Contact else "referral"
        type(self).delete(case=self.case, user=self.request.user, **{kwarg: target})
        return self.case


class ContactDeleteView(CarrierDeleteView):
    title = gettext_lazy("Kontakt löschen")
    success_message = gettext_lazy("Kontakt gelöscht.")


class ReferralDeleteView(CarrierDeleteView):
    model = Referral
    delete = staticmethod(services.referral_delete)  # type: ignore[assignment]  # called with its model's keyword (perform_save)
    title = gettext_lazy("Verweisung löschen")
    success_message = gettext_lazy("Verweisung gelöscht.")


class ReferralCreateView(CarrierFormView):
    form_class = ReferralForm
    title = gettext_lazy("Verweisung erfassen")
    success_message = gettext_lazy("Verweisung erfasst.")

    def perform_save(self, form):
        return services.referral_save(case=self.case, data=form_data(form), user=self.request.user)


class ReferralUpdateView(CarrierFormView):
    form_class = ReferralForm
    title = gettext_lazy("Verweisung ändern")

    def get_form_kwargs(self):
        self.referral = get_object_or_404(Referral, case=self.case, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": self.referral}

    def perform_save(self, form):
        return services.referral_save(
            case=self.case, referral=self.referral, data=form_data(form), user=self.request.user
        )


class CaseCloseView(CarrierFormView):
    form_class = CloseForm
    title = gettext_lazy("Fall abschließen")
    success_message = gettext_lazy("Fall abgeschlossen.")

    def perform_save(self, form):
        d = form.cleaned_data
        return services.case_close(case=self.case, closed_on=d["closed_on"], reason=d["reason"], user=self.request.user)


class CaseReopenView(CarrierFormView):
    form_class = ReopenForm
    title = gettext_lazy("Fall wiederaufnehmen")
    success_message = gettext_lazy("Fall wiederaufgenommen.")

    def perform_save(self, form):
        d = form.cleaned_data
        return services.case_reopen(
            case=self.case, reopened_on=d["reopened_on"], reason=d["reason"], user=self.request.user
        )


# ------------------------------------------------------------------------------------------ returns


class ReturnListView(ScopedTableView):
    model = CaseloadReturn
    table_class = ReturnTable
    filterset_class = ReturnFilter
    allowed_roles = RETURN_ROLES
    title = gettext_lazy("Fallzahlenmeldungen")
    template_name = "casemanagement/return/list.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("carrier", "post")


class ReviewQueueView(ReturnListView):
    allowed_roles = frozenset({Role.ADMIN})
    title = gettext_lazy("Prüfung: eingereichte Meldungen")

    def optimise(self, qs: QuerySet) -> QuerySet:
        return super().optimise(qs).filter(status=ReturnStatus.SUBMITTED).order_by("submitted_at")


def _return_for(request: AuthenticatedHttpRequest, public_id: UUID) -> CaseloadReturn:
    return get_object_or_404(
        CaseloadReturn.objects.for_user(request.user).select_related("carrier", "post"), public_id=public_id
    )


class ReturnDetailView(ReadOnlyRequestMixin, RoleRequiredMixin, View):
    """Carrier staff see their own return in full; A 46 and read-only users only protected figures."""

    allowed_roles = RETURN_ROLES

    def get(self, request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
        r = _return_for(request, public_id)
        key = role_key(request.user)
        ctx: dict[str, Any] = {"title": str(r), "r": r, "is_carrier": key == Role.CARRIER, "is_a46": key == Role.ADMIN}
        keys = selectors.statistics_keys()
        if key == Role.CARRIER:
            figures = selectors.return_figures(caseload_return=r)
            ctx["sections"] = [
                (selectors.Dimension(d).label, [(label, figures.get(d, {}).get(k, 0)) for k, label in rows])
                for d, rows in keys.items()
            ]
            ctx["upload_form"] = ReturnUploadForm()
        else:
            protected: ProtectedFigures | None
            if r.is_frozen:  # protected with its whole year: read from the stored snapshot of the year
                shown = stored_return(caseload_return=r)
                protected, ctx["snapshot"] = shown.figures, shown
            else:
                protected, keys = selectors.return_figures_protected(caseload_return=r)
            # None: submitted after the stored snapshot was computed; its figures follow with the next one
            ctx["sections"] = (
                []
                if protected is None
                else [
                    (selectors.Dimension(d).label, [(label, protected.cell(d, k, r.pk)) for k, label in rows])
                    for d, rows in keys.items()
                ]
            )
            ctx["not_in_snapshot"] = protected is None
            ctx["reason_form"] = ReasonForm()
        return render(request, "casemanagement/return/detail.html", ctx)


class ReturnCreateView(CarrierFormView):
    form_class = ReturnCreateForm
    title = gettext_lazy("Neue Fallzahlenmeldung")
    success_message = gettext_lazy("Meldung angelegt.")
    cancel_url_name = "casemanagement:return_list"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "carrier": self.request.user.organisation}

    def get_initial(self):
        """Last month, or the post and month of a missing return the carrier home links to."""
        today = timezone.localdate()
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        initial: dict[str, object] = {"year": parse_year(self.request.GET.get("year")) or year, "month": month}
        raw_month, raw_post = self.request.GET.get("month", ""), self.request.GET.get("post", "")
        if raw_month.isdigit() and 1 <= int(raw_month) <= 12:
            initial["month"] = int(raw_month)
        if raw_post.isdigit():
            initial["post"] = int(raw_post)  # only preselects: the field offers the carrier's own posts
        return initial

    def perform_save(self, form):
        d = form.cleaned_data
        return services.return_create(
            carrier=self.request.user.organisation,
            post=d["post"],
            year=d["year"],
            month=d["month"],
            user=self.request.user,
        )


class ReturnActionView(RoleRequiredMixin, View):
    """POST-only workflow steps; errors come back as a message on the return page."""

    action = ""
    done: StrOrPromise = ""
    needs_reason = False

    def post(self, request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
        r = _return_for(request, public_id)
        kwargs: dict[str, Any] = {"caseload_return": r, "user": request.user}
        if self.needs_reason:
            form = ReasonForm(request.POST)
            kwargs["reason"] = form.data.get("reason", "") if not form.is_valid() else form.cleaned_data["reason"]
        try:
            # The version of the page the button was on: an outdated page cannot undo another's step.
            kwargs["version"] = posted_version(request)
            getattr(services, self.action)(**kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.done)
        if not CaseloadReturn.objects.for_user(request.user).filter(pk=r.pk).exists():
            # sent back or reopened: now the carrier's alone, so A 46 goes back to the review queue
            return HttpResponseRedirect(reverse("casemanagement:review_queue"))
        return HttpResponseRedirect(r.get_absolute_url())


class ReturnSubmitView(ReturnActionView):
    allowed_roles = CARRIER
    action, done = "return_submit", gettext_lazy("Meldung eingereicht; die Zahlen sind jetzt festgeschrieben.")


class ReturnWithdrawView(ReturnActionView):
    allowed_roles = CARRIER
    action, done = "return_withdraw", gettext_lazy("Meldung zurückgezogen; sie ist wieder ein Entwurf.")


class ReturnUseRegisterView(ReturnActionView):
    allowed_roles = CARRIER
    action, done = "return_use_register", gettext_lazy("Die Meldung wird wieder aus dem Fallregister berechnet.")


class ReturnAcceptView(ReturnActionView):
    allowed_roles = frozenset({Role.ADMIN})
    action, done = "return_accept", gettext_lazy("Meldung angenommen und gesperrt.")


class ReturnSendBackView(ReturnActionView):
    allowed_roles = frozenset({Role.ADMIN})
    needs_reason = True
    action, done = "return_send_back", gettext_lazy("Meldung mit Begründung zurückgegeben.")


class ReturnReopenView(ReturnActionView):
    allowed_roles = frozenset({Role.ADMIN})
    needs_reason = True
    action, done = "return_reopen", gettext_lazy("Meldung wieder geöffnet.")


class ReturnUploadView(RoleRequiredMixin, View):
    allowed_roles = CARRIER

    def post(self, request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
        r = _return_for(request, public_id)
        form = ReturnUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Size checked before reading, so a huge file is never loaded into memory.
                content = upload.read(MAX_BYTES + 1) if upload.size <= MAX_BYTES else b"x" * (MAX_BYTES + 1)
                services.return_upload(
                    caseload_return=r,
                    content=content,
                    user=request.user,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("CSV-Datei übernommen."))
                return HttpResponseRedirect(r.get_absolute_url())
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return HttpResponseRedirect(r.get_absolute_url())


class ReturnCsvView(RoleRequiredMixin, View):
    """The carrier's own return in the upload format (a template for the upload)."""

    allowed_roles = CARRIER

    def get(self, request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
        r = _return_for(request, public_id)
        response = HttpResponse(
            return_csv_bytes(selectors.return_figures(caseload_return=r)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="fallzahlen-{r.year}-{r.month:02d}.csv"'
        return response


# -------------------------------------------------------------------------------------- statistics


def _period(request: HttpRequest) -> tuple[int, int | None]:
    today = timezone.localdate()

    raw_quarter = request.GET.get("quarter", "")
    year = year_or(request, today.year)
    quarter = int(raw_quarter) if raw_quarter in {"1", "2", "3", "4"} else None
    return year, quarter


class StatisticsView(ReadOnlyRequestMixin, RoleRequiredMixin, View):
    allowed_roles = STAFF_ROLES

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        year, quarter = _period(request)
        fmt = request.GET.get("export")
        snapshot = statistics_snapshot(year=year)
        if fmt in {"csv", "xlsx"}:
            stats = selectors.caseload_statistics(year=year, quarter=quarter, protection=snapshot.protection)
            return statistics_export(stats, fmt)
        return render(
            request,
            "casemanagement/statistics.html",
            {
                "title": _("Fallzahlen-Statistik"),
                "year": year,
                "quarter": quarter,
                "tables_html": statistics_tables_html(year=year, quarter=quarter, snapshot=snapshot),
                "snapshot": snapshot,
                "years": range(2020, timezone.localdate().year + 1),
                "quarters": [1, 2, 3, 4],
            },
        )


STATISTICS_STAMP = selectors.STATISTICS_STAMP


def statistics_tables_html(*, year: int, quarter: int | None, snapshot: Snapshot) -> str:
    """The tables and the charts of the statistics page.

    At county scale (100 carriers, ~880.000 figures) summing and rendering the tables take far longer
    than the rest of the page, so they are rendered when the snapshot is stored (``snapshot_html``, in
    the refresh thread) and read with it: one small part per period and language. The status of the
    returns depends on the day as well and is rendered here, once per snapshot and day
    (kim.figure_cache). A snapshot stored without its HTML (rendering failed) is rendered here, once
    per snapshot. The same HTML for every staff role."""

    def compute() -> list[str]:
        if isinstance(snapshot.protection, StoredProtection):
            stored = snapshot.protection.html(quarter, translation.get_language() or settings.LANGUAGE_CODE)
            if stored is not None:
                return stored
            snapshot.protection.load(period_part(quarter), MONTHS_PART)  # the period and the monthly stocks
        return snapshot_tables(year, quarter, snapshot.protection)

    # kept in the process once read (the language is part of the key)
    before, after = figure_cache.cached("case-statistics", (year, quarter), compute, stamp=snapshot.stamp)
    # today: the status counts posts whose months have ended without a return ("fehlt")
    parts = (year, timezone.localdate().isoformat())
    status = figure_cache.cached(
        "case-statistics-status",
        parts,
        lambda: render_to_string("casemanagement/_statistics_status.html", status_charts(year)),
        stamp=snapshot.stamp,
    )
    return mark_safe(before + status + after)  # our own autoescaped renders, kept as they were


def snapshot_tables(
    year: int,
    quarter: int | None,
    protection: selectors.ProtectedYear,
    inputs: selectors.StatisticsInputs | None = None,
) -> list[str]:
    """The statistics page's HTML of a period before and after the status of the returns."""
    stats = selectors.caseload_statistics(year=year, quarter=quarter, protection=protection, inputs=inputs)
    context = {"stats": stats, "per_fte_chart": per_fte_chart(stats), **caseload_charts(year, protection, inputs)}
    return [
        render_to_string("casemanagement/_statistics_tables.html", context),
        render_to_string("casemanagement/_statistics_breakdowns.html", context),
    ]


def snapshot_html(year: int, protection: selectors.ProtectedYear) -> dict[tuple[int | None, str], list[str]]:
    """The HTML of every period and language of a snapshot, stored with it (casemanagement.snapshots)."""
    html = {}
    inputs = selectors.statistics_inputs(year=year, protection=protection)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for quarter in (None, 1, 2, 3, 4):
                html[(quarter, language)] = snapshot_tables(year, quarter, protection, inputs)
    return html


def per_fte_chart(stats: selectors.CaseloadStatistics) -> str:
    """New cases per funded VZÄ and carrier; suppressed values ("•") are left out, never drawn."""

    shown = [row for row in stats.per_fte if row["per_fte"] is not None]
    if not shown:
        return ""
    period = f"{stats.year}" + (f", {stats.quarter}. Quartal" if stats.quarter else "")
    return bar_chart_svg(
        title=_("Neuaufnahmen je geförderter VZÄ (%(p)s)") % {"p": period},
        description=_("Ein Balken je Träger; verdeckte Werte fehlen. Die Zahlen stehen auch in der Tabelle darunter."),
        categories=[row["carrier"].short_name or row["carrier"].name for row in shown],
        series=[Series(_("Neuaufnahmen je VZÄ"), [row["per_fte"] for row in shown])],
        width=640,
    )


MONTHS_SHORT = [
    gettext_lazy(m)
    for m in ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.")
]


def month_label(month: int) -> str:
    return str(MONTHS_SHORT[month - 1])


def monthly_charts(year: int, protection: selectors.ProtectedYear | None = None) -> dict[str, Any]:
    """Caseload per month and carrier (protected) and the returns' status per month, each a chart
    with its table. Protected values ("<5", "•") and months without a return ("–") are not drawn."""
    return {**caseload_charts(year, protection), **status_charts(year)}


def caseload_charts(
    year: int, protection: selectors.ProtectedYear | None = None, inputs: selectors.StatisticsInputs | None = None
) -> dict[str, Any]:
    """Caseload per month and carrier (protected), a chart and its table."""

    caseload = selectors.caseload_by_month(year=year, protection=protection, inputs=inputs)
    rows = caseload.rows()
    caseload_chart = ""
    if rows:
        caseload_chart = column_chart_svg(
            title=_("Fallbestand am Monatsende je Träger %(year)s") % {"year": year},
            description=_(
                "Gruppierte Säulen je Monat, eine Säule je Träger. Verdeckte Werte („<5“, „•“) werden nicht gezeichnet. "
                "Die Zahlen stehen auch in der Tabelle darunter."
            ),
            categories=[month_label(m) for m, _v in rows],
            series=[
                Series(c.short_name or c.name, [values[i] for _m, values in rows])
                for i, c in enumerate(caseload.carriers)
            ],
            width=860,
        )
    return {
        "caseload_months": caseload,
        "caseload_rows": [(month_label(m), v) for m, v in rows],
        "caseload_chart": caseload_chart,
    }


def status_charts(year: int) -> dict[str, Any]:
    """The returns' status per month, a chart and its table."""
    status_rows = selectors.returns_status_by_month(year=year)
    labels = {**{str(s): s.label for s in selectors.RETURN_STATES}, "missing": _("fehlt")}
    keys = [*(str(s) for s in selectors.RETURN_STATES), "missing"]
    status_chart = ""
    if status_rows:
        status_chart = column_chart_svg(
            title=_("Stand der Fallzahlenmeldungen %(year)s") % {"year": year},
            description=_(
                "Gestapelte Säulen je Monat: Meldungen je Stelle nach Status, oben die Zahl der erwarteten Meldungen. "
                "Die Zahlen stehen auch in der Tabelle darunter."
            ),
            categories=[month_label(r["month"]) for r in status_rows],
            series=[Series(str(labels[k]), [r[k] for r in status_rows]) for k in keys],
            stacked=True,
            width=860,
        )
    return {
        "status_labels": [str(labels[k]) for k in keys],
        "status_rows": [(month_label(r["month"]), [r[k] for k in keys], sum(r[k] for k in keys)) for r in status_rows],
        "status_chart": status_chart,
    }


def statistics_rows(stats: selectors.CaseloadStatistics) -> list[dict[str, Any]]:
    """The screen's tables, one below the other: a line per figure with a column per carrier and
    "alle Träger", then the table's sum line; protected values only ("<5" and "•" stay text)."""
    rows: list[dict[str, Any]] = []
    for table in stats.tables:
        for label, cells, total in table.body():
            rows.append({"area": table.label, "item": label, "cells": cells, "total": total})
        if table.has_totals:
            cols, grand = table.totals()
            rows.append({"area": table.label, "item": _("Summe"), "cells": cols, "total": grand})
    per_fte = {row["carrier"].pk: row for row in stats.per_fte}
    area = _("Neuaufnahmen je geförderter VZÄ")
    for item, key in ((_("Neuaufnahmen"), "new"), (_("geförderte VZÄ"), "fte"), (_("je VZÄ"), "per_fte")):
        fte_cells: list[object] = []
        for carrier in stats.carriers:
            value = per_fte.get(carrier.pk, {}).get(key)
            fte_cells.append("•" if value is None and key == "per_fte" else value)
        rows.append({"area": area, "item": item, "cells": fte_cells, "total": None})
    return rows


def _cell(row: dict[str, Any], *, i: int) -> object:
    return row["cells"][i]


def statistics_columns(stats: selectors.CaseloadStatistics) -> list[Column]:
    columns = [Column(_("Bereich"), "area"), Column(_("Merkmal"), "item")]
    for i, carrier in enumerate(stats.carriers):
        columns.append(Column(carrier.name, partial(_cell, i=i), "count"))
    columns.append(Column(_("alle Träger"), "total", "count"))
    return columns


def statistics_export(stats: selectors.CaseloadStatistics, fmt: str) -> HttpResponse:
    with german():  # exports carry German headers whatever the interface language
        period = f"{stats.year}" + (f" Q{stats.quarter}" if stats.quarter else "")
        return export_response(fmt, statistics_columns(stats), statistics_rows(stats), f"Fallzahlen {period}")


# -------------------------------------------------------------------------------------- indicators


class IndicatorListView(ScopedTableView):
    model = IndicatorReport
    table_class = IndicatorTable
    allowed_roles = STAFF_ROLES
    title = gettext_lazy("Kennzahlen der Module 1 und 3")
    create_url_name = "casemanagement:indicator_create"
    template_name = "casemanagement/indicator/list.html"
    filterset_class = IndicatorFilter

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("post__module")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year, _quarter = _period(self.request)
        ctx["year"] = year
        ctx["summary"] = selectors.indicators_by_period(year=year)
        ctx["fields"] = [(f, IndicatorReport._meta.get_field(f).verbose_name) for f in selectors.INDICATOR_FIELDS]
        return ctx


class IndicatorCreateView(ServiceFormView[IndicatorReport]):
    form_class = IndicatorForm
    title = gettext_lazy("Monatskennzahlen erfassen")
    success_url_name = "casemanagement:indicator_list"

    def perform_save(self, form):
        return services.indicator_save(data=form_data(form), user=self.request.user)


class IndicatorUpdateView(IndicatorCreateView):
    model = IndicatorReport
    editing = True
    title = gettext_lazy("Monatskennzahlen ändern")

    def perform_save(self, form):
        return services.indicator_save(report=self.object, data=form_data(form), user=self.request.user)
