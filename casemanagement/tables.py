from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casemanagement.models import Case, CaseloadReturn, IndicatorReport, ReturnStatus
from kim.tables import GermanDateColumn, YearColumn


class CaseTable(tables.Table):
    code = tables.Column(linkify=True, verbose_name=_("Fallnummer"))
    opened_on = GermanDateColumn(verbose_name=_("eröffnet"))
    responsible_post = tables.Column(verbose_name=_("Stelle"))
    legal_domain = tables.Column(verbose_name=_("Rechtskreis"))
    municipality = tables.Column(verbose_name=_("Kommune"))
    phase = tables.Column(verbose_name=_("Phase"))
    contact_count = tables.Column(verbose_name=_("Kontakte"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    closed_on = GermanDateColumn(verbose_name=_("abgeschlossen"))

    class Meta:
        model = Case
        fields = ["code", "opened_on", "responsible_post", "legal_domain", "municipality", "phase", "contact_count", "closed_on"]
        empty_text = _("Keine Fälle gefunden.")


STATUS_BADGE = {ReturnStatus.SUBMITTED: "", ReturnStatus.RETURNED: "warn", ReturnStatus.ACCEPTED: "ok", ReturnStatus.DRAFT: ""}


class ReturnTable(tables.Table):
    period = tables.Column(verbose_name=_("Monat"), empty_values=(), order_by=("year", "month"), linkify=lambda record: record.get_absolute_url())
    carrier = tables.Column(verbose_name=_("Träger"))
    post = tables.Column(verbose_name=_("Stelle"))
    status = tables.Column(verbose_name=_("Status"))
    source = tables.Column(verbose_name=_("Herkunft"))
    submitted_at = tables.DateTimeColumn(verbose_name=_("eingereicht"), format="d.m.Y H:i")

    class Meta:
        model = CaseloadReturn
        fields = ["period", "carrier", "post", "status", "source", "submitted_at"]
        empty_text = _("Keine Meldungen gefunden.")

    def render_period(self, record):
        return f"{record.month:02d}/{record.year}"

    def render_status(self, record):
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGE.get(record.status, ""), record.get_status_display())


class IndicatorTable(tables.Table):
    period = tables.Column(verbose_name=_("Monat"), empty_values=(), order_by=("year", "month"),
                           linkify=lambda record: ("casemanagement:indicator_edit", [record.pk]))
    year = YearColumn(verbose_name=_("Jahr"), visible=False)
    post = tables.Column(verbose_name=_("Stelle"))

    class Meta:
        model = IndicatorReport
        fields = ["period", "post", "procedures_25a_started", "procedures_25a_granted", "procedures_25b_started", "procedures_25b_granted",
                  "naturalisations_advised", "naturalisations_completed", "events", "trainings", "network_meetings", "participants"]
        empty_text = _("Keine Kennzahlen erfasst.")

    def render_period(self, record):
        return f"{record.month:02d}/{record.year}"
