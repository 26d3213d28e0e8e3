from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from committee.models import Committee, Meeting, Paper
from kim.tables import GermanDateColumn, NumberColumn


class PaperTable(tables.Table):
    number = tables.Column(linkify=True, verbose_name=_("Nr."))
    title = tables.Column(verbose_name=_("Betreff"))
    paper_type = tables.Column(verbose_name=_("Art"))
    date = GermanDateColumn(verbose_name=_("Datum"))
    lead_department = tables.Column(verbose_name=_("federführend"))
    public = tables.BooleanColumn(verbose_name=_("öffentlich"), yesno=(_("ja"), _("nein")))
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Paper
        fields = ["number", "title", "paper_type", "date", "lead_department", "public", "status"]
        empty_text = _("Keine Sitzungsvorlagen gefunden.")


class MeetingTable(tables.Table):
    date = GermanDateColumn(verbose_name=_("Datum"), linkify=True)
    start_time = tables.TimeColumn(format="H:i", verbose_name=_("Beginn"))
    committee = tables.Column(verbose_name=_("Gremium"))
    place = tables.Column(verbose_name=_("Ort"))
    public = tables.BooleanColumn(verbose_name=_("öffentlich"), yesno=(_("ja"), _("nein")))
    items = tables.Column(
        verbose_name=_("TOP"), accessor="item_count", attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )

    class Meta:
        model = Meeting
        fields = ["date", "start_time", "committee", "place", "public", "items"]
        empty_text = _("Keine Sitzungen gefunden.")


class CommitteeTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Gremium"))
    short_name = tables.Column(verbose_name=_("Kurzname"))
    kind = tables.Column(verbose_name=_("Art"))
    body = tables.Column(verbose_name=_("Körperschaft"))
    members = NumberColumn(verbose_name=_("stimmberechtigte Mitglieder"))
    meetings = NumberColumn(verbose_name=_("Sitzungen"), accessor="meeting_count")
    is_active = tables.BooleanColumn(verbose_name=_("aktiv"), yesno=(_("ja"), _("nein")))

    class Meta:
        model = Committee
        fields = ["name", "short_name", "kind", "body", "members", "meetings", "is_active"]
        empty_text = _("Keine Gremien erfasst.")
