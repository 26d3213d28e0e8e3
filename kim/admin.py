"""Django admin for the core models, and the mixins that route admin writes through the services.

The admin is an escape hatch for A 46 superusers, not a second way around the rules: every model
with a service in ``services.py`` is saved through it here too, so cross-row rules (forwardings ≤
grant, no double funding, occupied VZÄ ≤ post) and computed amounts hold whichever door was used.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms import BaseForm, BaseInlineFormSet
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kim.models import Municipality, Organisation, User
from kim.selectors import body_current
from kim.services import organisation_save


def _admin_header() -> str:
    return _("KIM-Verwaltung · %(body)s") % {"body": body_current().name}


# Evaluated at each render: the body's name is data (kim.Body), not known at import time.
admin.site.site_header = lazy(_admin_header, str)()
admin.site.site_title = _("KIM-Verwaltung")
admin.site.index_title = _("Stammdaten und Finanzen (nur für A 46)")


# ---------------------------------------------------------------- service-backed admin


def _service_data(form: BaseForm, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The cleaned model values of an admin form, without the pk, the inline's parent key and DELETE."""
    pk_name = form._meta.model._meta.pk.name
    ignore = {pk_name, "DELETE", *skip}
    return {name: value for name, value in form.cleaned_data.items() if name in form.fields and name not in ignore}


def _add_errors(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _dry_run(form: BaseForm, call: Callable[[], Any]) -> None:
    """Run the service in a savepoint that is always rolled back; its ValidationError lands on the form.

    Without this a broken rule would surface from ``save_model`` as a server error. The real save
    runs the service again, which re-checks under its own row locks.
    """
    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
    except ValidationError as exc:
        _add_errors(form, exc)


def _copy_back(target: models.Model, saved: models.Model) -> None:
    """Services that re-fetch (select_for_update) save another instance; the admin keeps using its own."""
    if saved is target:
        return
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False


class ServiceAdminMixin:
    """ModelAdmin whose form is checked and saved through ``service_save`` (see the module docstring)."""

    def service_save(self, *, instance: models.Model | None, data: dict[str, Any], user) -> models.Model:
        raise NotImplementedError  # pragma: no cover - each admin names its service

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        service_save = partial(self.service_save, user=request.user)

        class ServiceCheckedForm(form_class):
            def full_clean(self) -> None:
                super().full_clean()
                if self.is_bound and not self.errors:
                    # A copy, so the dry run cannot leave a pk or computed values on the real instance.
                    instance = copy.copy(self.instance) if self.instance.pk else None
                    _dry_run(self, lambda: service_save(instance=instance, data=_service_data(self)))

        ServiceCheckedForm.__name__ = form_class.__name__
        return ServiceCheckedForm

    def save_model(self, request: HttpRequest, obj: models.Model, form: BaseForm, change: bool) -> None:
        saved = self.service_save(instance=obj if change else None, data=_service_data(form), user=request.user)
        _copy_back(obj, saved)

    def save_formset(self, request: HttpRequest, form: BaseForm, formset, change: bool) -> None:
        if not isinstance(formset, ServiceInlineFormSet):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # fills new/changed/deleted_objects for the change message, writes nothing
        for obj in formset.deleted_objects:
            obj.delete()
        for row in formset.service_forms():
            formset.service_call(parent=form.instance, instance=row.instance, data=formset.row_data(row))
        return None


class ServiceInlineFormSet(BaseInlineFormSet):
    """Inline rows checked and saved through a service, deletions first, then each row in order.

    The dry run applies all rows in one rolled-back savepoint, so two new rows that are fine alone
    but too much together (e.g. 0,6 + 0,6 VZÄ on a 1,0 post) are refused.
    """

    service_call: Callable[..., models.Model]

    def service_forms(self) -> list[BaseForm]:
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]

    def row_data(self, form: BaseForm) -> dict[str, Any]:
        return _service_data(form, skip=frozenset({self.fk.name}))

    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None or any(self.errors) or self.non_form_errors():
            return
        with transaction.atomic():
            for form in self.deleted_forms:
                if form.instance.pk:
                    type(form.instance)._default_manager.filter(pk=form.instance.pk).delete()
            for form in self.service_forms():
                try:
                    with transaction.atomic():
                        self.service_call(
                            parent=self.instance, instance=copy.copy(form.instance), data=self.row_data(form)
                        )
                except ValidationError as exc:
                    _add_errors(form, exc)
            transaction.set_rollback(True)


class ServiceInlineMixin:
    """InlineModelAdmin part: names the service; shown only once the parent exists (the rules need it)."""

    formset = ServiceInlineFormSet

    def service_save(self, *, parent: models.Model, instance: models.Model, data: dict[str, Any], user) -> models.Model:
        raise NotImplementedError  # pragma: no cover - each inline names its service

    def get_formset(self, request: HttpRequest, obj=None, **kwargs: Any):
        formset_class = super().get_formset(request, obj, **kwargs)
        formset_class.service_call = staticmethod(partial(self.service_save, user=request.user))
        return formset_class


class ServiceInlineParentMixin:
    """For the parent admin: service inlines appear on the change page only, where the parent exists."""

    def get_inline_instances(self, request: HttpRequest, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            inlines = [i for i in inlines if not isinstance(i, ServiceInlineMixin)]
        return inlines


# ---------------------------------------------------------------- core models


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "slug")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    fields = ("kind", "name", "short_name", "slug", "parent", "address", "is_active")

    def service_save(self, *, instance, data, user):
        return organisation_save(organisation=instance, data=data, user=user)


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "official_key", "module2_area")
    list_filter = ("module2_area",)
    search_fields = ("name", "official_key")
    prepopulated_fields = {"slug": ("name",)}


KIM_FIELDS = (
    _("KIM-Rolle"),
    {
        "fields": ("role", "organisation"),
        "description": _("Trägerpersonal braucht genau einen Träger; alle anderen Rollen keinen."),
    },
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, KIM_FIELDS)
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, KIM_FIELDS)
    list_display = ("username", "first_name", "last_name", "email", "role", "organisation", "is_active", "is_superuser")
    list_filter = ("role", "is_active", "is_superuser", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
