from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casemanagement.models import Case, CaseloadReturn, IndicatorReport, ReturnStatus
from kim.tables import GermanDateColumn


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
        fields = [
            "code",
            "opened_on",
            "responsible_post",
            "legal_domain",
            "municipality",
            "phase",
            "contact_count",
            "closed_on",
        ]
        empty_text = _("Keine Fälle gefunden.")


STATUS_BADGE = {
    ReturnStatus.SUBMITTED: "",
    ReturnStatus.RETURNED: "warn",
    ReturnStatus.ACCEPTED: "ok",
    ReturnStatus.DRAFT: "",
}


class ReturnTable(tables.Table):
    period = tables.Column(
        verbose_name=_("Monat"),
        empty_values=(),
        order_by=("year", "month"),
        linkify=lambda record: record.get_absolute_url(),
    )
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
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGE.get(record.status, ""), record.get_status_display()
        )


class IndicatorTable(tables.Table):
    period = tables.Column(
        verbose_name=_("Monat"),
        empty_values=(),
        order_by=("year", "month"),
        linkify=lambda record: reverse("casemanagement:indicator_edit", args=[record.pk]),
    )
    post = tables.Column(verbose_name=_("Stelle"))
    figures = tables.Column(verbose_name=_("Kennzahlen"), empty_values=(), orderable=False)

    class Meta:
        model = IndicatorReport
        fields = ["period", "post", "figures"]
        empty_text = _("Keine Kennzahlen erfasst.")

    def render_period(self, record):
        return f"{record.month:02d}/{record.year}"

    def render_figures(self, record):
        if record.post.module.number == 3:
            return _(
                "§ 25a: %(a)d eingeleitet / %(ag)d erteilt · § 25b: %(b)d / %(bg)d · Einbürgerung: %(n)d beraten / %(nc)d vollzogen"
            ) % {
                "a": record.procedures_25a_started,
                "ag": record.procedures_25a_granted,
                "b": record.procedures_25b_started,
                "bg": record.procedures_25b_granted,
                "n": record.naturalisations_advised,
                "nc": record.naturalisations_completed,
            }
        return " · ".join(
            [
                ngettext("%(n)d Veranstaltung", "%(n)d Veranstaltungen", record.events) % {"n": record.events},
                ngettext("%(n)d Fortbildung", "%(n)d Fortbildungen", record.trainings) % {"n": record.trainings},
                ngettext("%(n)d Netzwerktreffen", "%(n)d Netzwerktreffen", record.network_meetings)
                % {"n": record.network_meetings},
                ngettext("%(n)d Teilnehmende", "%(n)d Teilnehmende", record.participants) % {"n": record.participants},
            ]
        )
