from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from funding.models import CarrierPayment, CostPlan, ForwardingContract, GrantNotice, Programme, Rate
from kim.exports import Column
from kim.money import format_euro
from kim.tables import EuroColumn, FTEColumn, GermanDateColumn, NumberColumn, YearColumn


def amount_or_cancelled(value, record):
    """A cancelled record's amount struck through and marked: it stays in the list, out of every sum."""
    if record.cancelled_at is not None:
        return format_html(
            '<del>{}</del> <span class="badge danger" title="{}">{}</span>',
            format_euro(value),
            record.cancellation_note(),
            _("storniert"),
        )
    return format_euro(value)


class ProgrammeTable(tables.Table):
    name = tables.Column(verbose_name=_("Bezeichnung"), linkify=lambda record: record.get_absolute_url())
    short_name = tables.Column(verbose_name=_("Kurzname"))
    module = tables.Column(verbose_name=_("KIM-Modul"), default="–")
    funder = tables.Column(verbose_name=_("Fördergeber"))
    proration = tables.Column(verbose_name=_("Anteilige Berechnung"))
    grant_count = NumberColumn(verbose_name=_("Bescheide"), accessor="grant_count")
    is_active = tables.BooleanColumn(verbose_name=_("aktiv"), yesno=(_("ja"), _("nein")))

    class Meta:
        model = Programme
        fields = ["name", "short_name", "module", "funder", "proration", "grant_count", "is_active"]
        empty_text = _("Keine Förderprogramme erfasst.")


class GrantTable(tables.Table):
    reference = tables.Column(linkify=True, verbose_name=_("Aktenzeichen"))
    programme = tables.Column(verbose_name=_("Programm"))
    issued_on = GermanDateColumn(verbose_name=_("Bescheid vom"))
    period_start = GermanDateColumn(verbose_name=_("von"))
    period_end = GermanDateColumn(verbose_name=_("bis"))
    approved_fte = FTEColumn(verbose_name=_("VZÄ"))
    amount = EuroColumn(verbose_name=_("Zuwendung"))

    class Meta:
        model = GrantNotice
        fields = [
            "reference",
            "programme",
            "authority",
            "issued_on",
            "period_start",
            "period_end",
            "approved_fte",
            "amount",
        ]
        empty_text = _("Keine Förderbescheide gefunden.")

    def render_reference(self, value, record):
        if record.is_draft:
            return format_html('{} <span class="badge warn">{}</span>', value, _("Entwurf"))
        return value

    def render_amount(self, value, record):
        return amount_or_cancelled(value, record)


class ForwardingTable(tables.Table):
    reference = tables.Column(linkify=True, verbose_name=_("Vertrag"), empty_values=())
    year = YearColumn(verbose_name=_("Jahr"))
    # "Träger" stays the header (exports keep their columns); a municipality can be the recipient too
    carrier = tables.Column(verbose_name=_("Träger"))
    level = tables.Column(
        verbose_name=_("Stufe"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}, exclude_from_export=True
    )
    post = tables.Column(verbose_name=_("Stelle"))
    start = GermanDateColumn(verbose_name=_("von"))
    end = GermanDateColumn(verbose_name=_("bis"))
    amount = EuroColumn(verbose_name=_("Betrag"))

    class Meta:
        model = ForwardingContract
        fields = ["reference", "year", "carrier", "level", "post", "start", "end", "amount"]
        empty_text = _("Keine Weiterleitungsverträge gefunden.")

    def render_reference(self, value, record):
        return value or _("Vertrag %(n)s") % {"n": record.pk}

    def render_amount(self, value, record):
        return amount_or_cancelled(value, record)


class CarrierPaymentTable(tables.Table):
    """The instalments to the carriers. The exported columns are exactly those of the payment import
    (funding.imports.PaymentImport): the export re-imports unchanged; recipient and state are shown only."""

    module = NumberColumn(accessor="contract__post__module__number", verbose_name=_("Modul"))
    post = tables.Column(
        accessor="contract__post__title",
        verbose_name=_("Stelle"),
        linkify=lambda record: reverse("funding:controlling_contract_payments", args=[record.contract_id]),
    )
    carrier = tables.Column(accessor="contract__carrier", verbose_name=_("Empfänger"), exclude_from_export=True)
    contract_start = GermanDateColumn(accessor="contract__start", verbose_name=_("Vertrag ab"))
    due_on = GermanDateColumn(verbose_name=_("fällig am"))
    amount = EuroColumn(verbose_name=_("Betrag"))
    paid_on = GermanDateColumn(verbose_name=_("gezahlt am"), default="–")
    state = tables.Column(
        accessor="pk", verbose_name=_("Stand"), orderable=False, exclude_from_export=True, empty_values=()
    )

    class Meta:
        model = CarrierPayment
        fields = ["module", "post", "carrier", "contract_start", "due_on", "amount", "paid_on", "state"]
        empty_text = _("Keine Abschläge gefunden.")

    def render_amount(self, value, record):
        return amount_or_cancelled(value, record)

    def render_state(self, record):
        if record.cancelled_at is not None:
            return format_html('<span class="badge danger">{}</span>', _("storniert"))
        if record.contract.cancelled_at is not None:
            return format_html('<span class="badge danger">{}</span>', _("Vertrag storniert"))
        if record.paid_on:
            return _("gezahlt")
        if record.due_on < timezone.localdate():
            return format_html('<span class="badge warn">{}</span>', _("überfällig"))
        return _("offen")


class CostPlanTable(tables.Table):
    post = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_("Stelle"))
    carrier = tables.Column(accessor="post__employer", verbose_name=_("Träger"))
    year = YearColumn(verbose_name=_("Jahr"))
    personnel = EuroColumn(verbose_name=_("Personalkosten"))
    material_overhead = EuroColumn(verbose_name=_("Sach-/Overheadkosten"))

    class Meta:
        model = CostPlan
        fields = ["post", "carrier", "year", "personnel", "material_overhead"]
        empty_text = _("Keine Kostenpläne gefunden.")


class GapTable(tables.Table):
    """Rows are funding.selectors.GapRow; every figure comes from own_share_gap()."""

    post = tables.Column(
        accessor="post",
        verbose_name=_("Stelle"),
        linkify=lambda record: record.post.get_absolute_url(),
        orderable=False,
    )
    carrier = tables.Column(accessor="carrier", verbose_name=_("Träger"), orderable=False)
    year = YearColumn(accessor="cost_plan__year", verbose_name=_("Jahr"), orderable=False)
    personnel = EuroColumn(accessor="cost_plan__personnel", verbose_name=_("Personalkosten"), orderable=False)
    eligible = EuroColumn(accessor="eligible", verbose_name=_("förderfähig"), orderable=False)
    gap = EuroColumn(accessor="gap", verbose_name=_("Lücke Personal"), orderable=False)
    uncovered_overhead = EuroColumn(
        accessor="uncovered_overhead", verbose_name=_("Overhead ungedeckt"), orderable=False
    )
    top_up = EuroColumn(accessor="top_up", verbose_name=_("Übernahme durch den Kreis"), orderable=False)
    own_share = EuroColumn(
        accessor="own_share", verbose_name=_("Eigenanteil nach Übernahme (inkl. Overhead)"), orderable=False
    )

    class Meta:
        empty_text = _("Keine Kostenpläne im gewählten Zeitraum.")


class OwnShareRequestTable(tables.Table):
    applicant = tables.Column(
        accessor="request__applicant",
        verbose_name=_("Antragsteller"),
        linkify=lambda record: record.request.get_absolute_url(),
        orderable=False,
    )
    received_on = GermanDateColumn(accessor="request__received_on", verbose_name=_("Antrag vom"), orderable=False)
    budget_year = YearColumn(accessor="request__budget_year", verbose_name=_("Haushaltsjahr"), orderable=False)
    requested = EuroColumn(accessor="request__requested_amount", verbose_name=_("beantragt"), orderable=False)
    recommended = EuroColumn(accessor="recommended", verbose_name=_("empfohlen (aus Lücken)"), orderable=False)
    status = tables.Column(accessor="request", verbose_name=_("Status"), orderable=False)
    decided = EuroColumn(accessor="request__decided_amount", verbose_name=_("bewilligt"), orderable=False)

    class Meta:
        empty_text = _("Keine Anträge gefunden.")

    def render_status(self, value):
        return value.get_status_display()


class BudgetTable(tables.Table):
    year = YearColumn(accessor="line__year", verbose_name=_("Jahr"), orderable=False)
    teilprodukt = tables.Column(accessor="line__teilprodukt", verbose_name=_("Teilprodukt"), orderable=False)
    sachkonto = tables.Column(accessor="line__sachkonto", verbose_name=_("Sachkonto"), orderable=False)
    label = tables.Column(
        accessor="line__label",
        verbose_name=_("Bezeichnung"),
        linkify=lambda record: record.line.get_absolute_url(),
        orderable=False,
    )
    kind = tables.Column(accessor="line", verbose_name=_("Art"), orderable=False)
    planned = EuroColumn(accessor="line__planned_amount", verbose_name=_("Planansatz"), orderable=False)
    forecast = EuroColumn(accessor="forecast", verbose_name=_("Prognose (berechnet)"), orderable=False)
    difference = tables.Column(
        accessor="difference",
        verbose_name=_("Differenz"),
        orderable=False,
        attrs={"td": {"class": "money"}, "th": {"class": "money"}},
    )
    actual = EuroColumn(accessor="actual", verbose_name=_("Ist (Zahlungen)"), orderable=False)

    class Meta:
        empty_text = _("Keine Haushaltspositionen gefunden.")

    def render_kind(self, value):
        return value.get_kind_display()

    def render_difference(self, value):
        sign = "+" if value > 0 else ""
        return format_html("{}{}", sign, format_euro(value))


class RateTable(tables.Table):
    programme = tables.Column(verbose_name=_("Programm"))
    year = YearColumn(verbose_name=_("Jahr"))
    amount_per_fte = EuroColumn(verbose_name=_("Pauschale je VZÄ"))
    confirmed = tables.Column(verbose_name=_("Status"))
    edit = tables.LinkColumn(
        "funding:rate_edit", args=[tables.A("pk")], text=_("bearbeiten"), verbose_name="", orderable=False
    )
    delete = tables.LinkColumn(
        "funding:rate_delete", args=[tables.A("pk")], text=_("löschen"), verbose_name="", orderable=False
    )

    class Meta:
        model = Rate
        fields = ["programme", "category", "year", "amount_per_fte", "confirmed"]
        empty_text = _("Keine Fördersätze gefunden.")

    def render_confirmed(self, value):
        if value:
            return _("bestätigt")
        return format_html('<span class="badge warn">{}</span>', _("zu bestätigen"))


class ProofTable(tables.Table):
    """Verwendungsnachweise; overdue open obligations are marked in words and by row style."""

    subject = tables.Column(
        accessor="pk", verbose_name=_("Nachweis für"), linkify=lambda record: record.get_absolute_url(), orderable=False
    )
    kind = tables.Column(verbose_name=_("Art"))
    due_on = GermanDateColumn(verbose_name=_("fällig am"))
    status = tables.Column(verbose_name=_("Status"))
    document_count = tables.Column(verbose_name=_("Dokumente"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    checked_by = tables.Column(verbose_name=_("geprüft von"), empty_values=(), orderable=False)

    class Meta:
        empty_text = _("Keine Verwendungsnachweise.")
        row_attrs = {"class": lambda record: "overdue" if getattr(record, "is_overdue", False) else ""}

    def render_subject(self, record):
        return str(record.subject)

    def render_due_on(self, value, record):
        if getattr(record, "is_overdue", False):
            return format_html("{} <strong>{}</strong>", value.strftime("%d.%m.%Y"), _("überfällig"))
        return value.strftime("%d.%m.%Y")

    def render_status(self, record):
        return format_html('<span class="badge">{}</span>', record.get_status_display())

    def render_checked_by(self, record):
        if record.checked_by is None:
            return "–"
        name = record.checked_by.get_full_name() or record.checked_by.username
        return f"{name}, {record.checked_on:%d.%m.%Y}" if record.checked_on else name


def budget_export_columns() -> list[Column]:
    """The budget list's export: the lines with forecast, difference and Ist (funding.controlling.budget)."""
    return [
        Column("Jahr", lambda r: r.line.year, "int"),
        Column("Teilprodukt", lambda r: r.line.teilprodukt),
        Column("Sachkonto", lambda r: r.line.sachkonto),
        Column("Bezeichnung", lambda r: r.line.label, width=60),
        Column("Ertrag/Aufwand", lambda r: r.line.get_kind_display()),
        Column("Planansatz", lambda r: r.line.planned_amount, "euro"),
        Column("Prognose (berechnet)", lambda r: r.forecast, "euro"),
        Column("Differenz Prognose − Plan", lambda r: r.difference, "euro"),
        Column("Ist (Zahlungen)", lambda r: r.actual, "euro"),
    ]
