from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from kim.tables import FTEColumn, GermanDateColumn, NumberColumn
from modules.models import Post


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
