from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from kim.tables import EuroColumn, FTEColumn, GermanDateColumn, NumberColumn, YearColumn
from modules.models import CostRate, Post


class CostRateTable(tables.Table):
    category = tables.Column(verbose_name=_("Kategorie"), linkify=lambda record: record.get_absolute_url())
    year = YearColumn(verbose_name=_("Jahr"))
    amount_per_fte = EuroColumn(verbose_name=_("Personalkosten je VZÄ und Jahr"))
    note = tables.Column(verbose_name=_("Quelle / Hinweis"))
    is_active = tables.BooleanColumn(verbose_name=_("aktiv"), yesno=(_("ja"), _("nein")))

    class Meta:
        model = CostRate
        fields = ["category", "year", "amount_per_fte", "note", "is_active"]
        empty_text = _("Keine Personalkostensätze erfasst.")


class PostTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name=_("Stelle"))
    module = NumberColumn(accessor="module__number", verbose_name=_("Modul"))
    fte = FTEColumn(verbose_name=_("VZÄ"))
    employer = tables.Column(verbose_name=_("Anstellungsträger"))
    place = tables.Column(verbose_name=_("Einsatzort"))
    start = GermanDateColumn(verbose_name=_("Beginn"))
    end = GermanDateColumn(verbose_name=_("Ende"))

    class Meta:
        model = Post
        fields = ["title", "module", "category", "fte", "employer", "place", "pay_grade", "start", "end"]
        order_by = ("module", "title")
        empty_text = _("Keine Stellen gefunden.")
