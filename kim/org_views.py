"""Carriers (Träger): list, detail, create, edit."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from kim.filters import CarrierFilter
from kim.forms import CarrierForm
from kim.models import Organisation
from kim.services import organisation_save
from kim.tables import NumberColumn
from kim.views import ScopedDetailView, ScopedTableView, ServiceFormView, form_data


class CarrierTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Träger"))
    parent = tables.Column(verbose_name=_("Dachverband"))
    post_count = NumberColumn(verbose_name=_("Stellen"))
    is_active = tables.BooleanColumn(verbose_name=_("aktiv"), yesno=(_("ja"), _("nein")))

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "parent", "post_count", "is_active"]
        empty_text = _("Keine Träger gefunden.")


class CarrierListView(ScopedTableView):
    model = Organisation
    table_class = CarrierTable
    filterset_class = CarrierFilter
    title = _("Träger")
    create_url_name = "kim:carrier_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.carriers().select_related("parent").annotate(post_count=Count("posts"))


class CarrierDetailView(ScopedDetailView):
    model = Organisation
    slug_field = "slug"
    template_name = "kim/carrier/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.carriers().select_related("parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["posts"] = self.object.posts.select_related("module", "place")
        ctx["forwardings"] = self.object.forwardings.select_related("post")
        return ctx


class CarrierCreateView(ServiceFormView):
    form_class = CarrierForm
    title = _("Neuer Träger")
    cancel_url_name = "kim:carrier_list"

    def perform_save(self, form) -> Organisation:
        return organisation_save(data=form_data(form), user=self.request.user)


class CarrierUpdateView(ServiceFormView):
    model = Organisation
    form_class = CarrierForm
    editing = True

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Träger bearbeiten: %(t)s") % {"t": self.object}

    def get_object(self) -> Organisation:
        return get_object_or_404(self.scoped_queryset().carriers(), slug=self.kwargs["slug"])

    def perform_save(self, form) -> Organisation:
        return organisation_save(organisation=self.object, data=form_data(form), user=self.request.user)
