"""Carriers (Träger): list, detail, create, edit."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kim.filters import CarrierFilter, OrganisationFilter
from kim.forms import CarrierForm, MunicipalityForm, OrganisationForm
from kim.import_views import ImportTemplateView, ImportView
from kim.models import Municipality, Organisation, Role
from kim.org_imports import KINDS as ORGANISATION_IMPORT_KINDS
from kim.services import municipality_save, organisation_save
from kim.tables import NumberColumn
from kim.views import ScopedDetailView, ScopedTableView, ServiceFormView, form_data


def org_forwardings(organisation: Organisation, user) -> dict[str, Any]:
    """The contracts an organisation received and those it passed on under its own contracts (the
    chain one level down), each in two queries whatever their number. Carrier staff see what their
    organisation received only."""
    related = ("post", "carrier", "upstream__carrier")
    received = organisation.forwardings.select_related(*related).order_by("-year", "level", "post__title", "pk")
    given = None
    if not user.is_carrier_staff:
        given = (
            organisation.forwardings.model.objects.filter(upstream__carrier=organisation)
            .select_related(*related)
            .order_by("-year", "level", "post__title", "pk")
        )
    return {"forwardings": received, "onward_given": given}


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
        ctx.update(org_forwardings(self.object, self.request.user))
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


# --- organisations of every kind (A 46's master data) ---------------------------------------------

STAFF = frozenset({Role.ADMIN, Role.COMMITTEE, Role.READONLY})


class OrganisationTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=("masterdata:organisation_detail", {"pk": tables.A("pk")}))
    kind = tables.Column(verbose_name=_("Art"))
    parent = tables.Column(verbose_name=_("übergeordnet"))
    is_active = tables.BooleanColumn(verbose_name=_("aktiv"), yesno=(_("ja"), _("nein")))

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "parent", "is_active"]
        empty_text = _("Keine Organisationen gefunden.")


class OrganisationListView(ScopedTableView):
    model = Organisation
    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    allowed_roles = STAFF
    title = _("Organisationen")
    create_url_name = "masterdata:organisation_create"
    template_name = "kim/organisation/list.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("parent").order_by("kind", "name")


class OrganisationDetailView(ScopedDetailView):
    model = Organisation
    allowed_roles = STAFF
    template_name = "kim/organisation/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["children"] = self.object.children.order_by("kind", "name")
        if self.object.is_recipient:
            ctx.update(org_forwardings(self.object, self.request.user))
        ctx["title"] = self.object.name
        return ctx


class OrganisationCreateView(ServiceFormView):
    form_class = OrganisationForm
    title = _("Neue Organisation")
    cancel_url_name = "masterdata:organisation_list"

    def perform_save(self, form) -> Organisation:
        return organisation_save(organisation=Organisation(), data=form_data(form), user=self.request.user)

    def get_success_url_for(self, obj: Organisation) -> str:
        return reverse("masterdata:organisation_detail", args=[obj.pk])


class OrganisationUpdateView(ServiceFormView):
    model = Organisation
    form_class = OrganisationForm
    editing = True

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Organisation bearbeiten: %(o)s") % {"o": self.object}

    def perform_save(self, form) -> Organisation:
        return organisation_save(organisation=self.object, data=form_data(form), user=self.request.user)

    def get_success_url_for(self, obj: Organisation) -> str:
        return reverse("masterdata:organisation_detail", args=[obj.pk])

    def get_cancel_url(self) -> str:
        return reverse("masterdata:organisation_detail", args=[self.object.pk])


# --- municipalities --------------------------------------------------------------------------------


class MunicipalityTable(tables.Table):
    name = tables.Column(verbose_name=_("Kommune"), linkify=True)
    official_key = tables.Column(verbose_name=_("Gemeindeschlüssel"))
    module2_area = tables.BooleanColumn(verbose_name=_("Fördergebiet Modul 2"), yesno=(_("ja"), _("nein")))
    is_active = tables.BooleanColumn(verbose_name=_("aktiv"), yesno=(_("ja"), _("nein")))

    class Meta:
        model = Municipality
        fields = ["name", "official_key", "module2_area", "is_active"]
        empty_text = _("Keine Kommunen.")


class MunicipalityListView(ScopedTableView):
    model = Municipality
    table_class = MunicipalityTable
    filterset_fields = ["module2_area", "is_active"]
    allowed_roles = STAFF
    title = _("Kommunen")
    create_url_name = "masterdata:municipality_create"


class MunicipalityDetailView(ScopedDetailView):
    model = Municipality
    allowed_roles = STAFF
    template_name = "kim/municipality/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("organisation")


class MunicipalityCreateView(ServiceFormView):
    form_class = MunicipalityForm
    title = _("Neue Kommune")
    cancel_url_name = "masterdata:municipality_list"

    def perform_save(self, form) -> Municipality:
        return municipality_save(data=form_data(form), user=self.request.user)


class MunicipalityUpdateView(ServiceFormView):
    model = Municipality
    form_class = MunicipalityForm
    editing = True

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Kommune bearbeiten: %(m)s") % {"m": self.object}

    def perform_save(self, form) -> Municipality:
        return municipality_save(municipality=self.object, data=form_data(form), user=self.request.user)


# --- import -----------------------------------------------------------------------------------------


class OrganisationImportView(ImportView):
    """Organisations from a spreadsheet (kim/org_imports.py)."""

    kinds = ORGANISATION_IMPORT_KINDS
    url_name = "masterdata:organisation_import"
    template_url_name = "masterdata:organisation_import_template"
    title = _("Daten übernehmen: Organisationen")


class OrganisationImportTemplateView(ImportTemplateView):
    kinds = ORGANISATION_IMPORT_KINDS
