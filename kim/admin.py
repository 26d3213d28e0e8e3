"""Django admin for the core models, and the mixins that route admin writes through the services.

The admin is for technical operators only (``is_superuser`` and ``is_staff``, set by
``manage.py operator grant``), not for the A 46 role, and not a second way around the rules: every model
with a service in ``services.py`` is saved through it here too, so cross-row rules (forwardings ≤
grant, no double funding, occupied VZÄ ≤ post) and computed amounts hold whichever door was used.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms import BaseForm, BaseInlineFormSet
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kim.forms import apply_service_errors
from kim.models import Municipality, Organisation, Role, User
from kim.selectors import body_current
from kim.services import organisation_save
from kim.versioning import VERSION, VersionedModel, VersionField, is_versioned, version_errors_to_top


def _admin_header() -> str:
    return _("KIM-Verwaltung · %(body)s") % {"body": body_current().name}


# Evaluated at each render: the body's name is data (kim.Body), not known at import time.
admin.site.site_header = lazy(_admin_header, str)()
admin.site.site_title = _("KIM-Verwaltung")
admin.site.index_title = _("Technischer Betrieb (nur für Betreiberkonten)")


# A 46 and carrier staff work in the app; in the admin they could give themselves any carrier's account.
APP_ONLY_ROLES = (Role.ADMIN, Role.CARRIER)


def _operators_only(request: HttpRequest) -> bool:
    """Only operator accounts reach any admin page; is_staff alone (or the A 46 role) is not enough."""
    user = request.user
    return bool(user.is_active and user.is_staff and user.is_superuser and user.role not in APP_ONLY_ROLES)


admin.site.has_permission = _operators_only  # type: ignore[method-assign]


# ---------------------------------------------------------------- service-backed admin


def _service_data(form: BaseForm, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The cleaned model values of an admin form, without the pk, the inline's parent key and DELETE."""
    pk_name = form._meta.model._meta.pk.name
    ignore = {pk_name, "DELETE", *skip}
    return {name: value for name, value in form.cleaned_data.items() if name in form.fields and name not in ignore}


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
        apply_service_errors(form, exc)


def _copy_back(target: models.Model, saved: models.Model) -> None:
    """Services that re-fetch (select_for_update) save another instance; the admin keeps using its own."""
    if saved is target:
        return
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the page was loaded with, like the app's edit forms.

    The services compare it under a row lock (``kim.versioning``): an admin page older than an edit
    made in the app is refused with the conflict message instead of silently overwriting it.
    """

    version = VersionField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_versioned(self.instance):
            self.fields[VERSION].required = True
            self.fields[VERSION].initial = self.instance.version


def _is_versioned_model(model: type[models.Model]) -> bool:
    return issubclass(model, VersionedModel)


def _with_version(fieldsets: Any) -> list[tuple[Any, dict[str, Any]]]:
    """The admin renders only the fields of its fieldsets: the hidden version goes into the last one."""
    fieldsets = [(name, dict(options)) for name, options in fieldsets]
    if not any(VERSION in options.get("fields", ()) for _name, options in fieldsets):
        options = fieldsets[-1][1]
        options["fields"] = (*options.get("fields", ()), VERSION)
    return fieldsets


def _model_fields(fieldsets: Any) -> list[str]:
    """The fieldsets' fields for the model form: version is declared on the form, not a model input."""
    return [name for name in flatten_fieldsets(fieldsets) if name != VERSION]


class ServiceAdminMixin:
    """ModelAdmin whose form is checked and saved through ``service_save`` (see the module docstring)."""

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return _with_version(fieldsets) if _is_versioned_model(self.model) else fieldsets

    def service_save(self, *, instance: models.Model | None, data: dict[str, Any], user) -> models.Model:
        raise NotImplementedError  # pragma: no cover - each admin names its service

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs: Any):
        if _is_versioned_model(self.model):
            kwargs["form"] = VersionedAdminForm
            if "fields" not in kwargs:
                kwargs["fields"] = _model_fields(self.get_fieldsets(request, obj))
            elif kwargs["fields"] is not None:
                kwargs["fields"] = [name for name in kwargs["fields"] if name != VERSION]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        service_save = partial(self.service_save, user=request.user)

        class ServiceCheckedForm(form_class):
            def full_clean(self) -> None:
                super().full_clean()
                version_errors_to_top(self)
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
                    apply_service_errors(form, exc)
            transaction.set_rollback(True)


class ServiceInlineMixin:
    """InlineModelAdmin part: names the service; shown only once the parent exists (the rules need it)."""

    formset = ServiceInlineFormSet

    def service_save(self, *, parent: models.Model, instance: models.Model, data: dict[str, Any], user) -> models.Model:
        raise NotImplementedError  # pragma: no cover - each inline names its service

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return _with_version(fieldsets) if _is_versioned_model(self.model) else fieldsets

    def get_formset(self, request: HttpRequest, obj=None, **kwargs: Any):
        if _is_versioned_model(self.model):
            kwargs["form"] = VersionedAdminForm
            if "fields" not in kwargs:
                kwargs["fields"] = _model_fields(self.get_fieldsets(request, obj))
            elif kwargs["fields"] is not None:
                kwargs["fields"] = [name for name in kwargs["fields"] if name != VERSION]
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


# ---------------------------------------------------------------- delete confirmations


def _without(items: list, prefixes: tuple[str, ...]) -> list:
    """The nested list of the delete confirmation without the entries that start with ``prefixes``."""
    kept: list = []
    for item in items:
        if isinstance(item, list):
            sub = _without(item, prefixes)
            if sub:
                kept.append(sub)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


class UnmanagedRowsHiddenOnDeleteMixin:
    """The delete confirmation names only rows of models the admin manages.

    Django lists every object that hangs on the one to be deleted, as "Fall: CAR-2021-0001" – for a
    carrier, a municipality or a post that is the carrier's case register, which nobody outside the
    carrier may see (domain.md §5). Rows of models the admin does not manage appear as one line per
    model, without names and without a count (a count per municipality can be small)."""

    def get_deleted_objects(self, objs, request: HttpRequest):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        unmanaged = [m for m in apps.get_models() if not self.admin_site.is_registered(m)]  # type: ignore[attr-defined]
        prefix = {m: f"{capfirst(m._meta.verbose_name)}: " for m in unmanaged}
        prefixes = tuple(prefix.values())
        listed = [str(item) for item in _flat([*to_delete, *protected])]
        hidden = [m for m in unmanaged if any(item.startswith(prefix[m]) for item in listed)]
        summary = [
            _("%(models)s (nicht einzeln angezeigt)") % {"models": capfirst(str(m._meta.verbose_name_plural))}
            for m in hidden
        ]
        plural = {str(m._meta.verbose_name_plural) for m in unmanaged}
        model_count = {name: n for name, n in model_count.items() if str(name) not in plural}
        if any(str(p).startswith(prefixes) for p in protected):
            return _without(to_delete, prefixes), model_count, perms_needed, [*_without(protected, prefixes), *summary]
        return [*_without(to_delete, prefixes), *summary], model_count, perms_needed, protected


def _flat(items: list) -> list:
    out: list = []
    for item in items:
        out += _flat(item) if isinstance(item, list) else [item]
    return out


# ---------------------------------------------------------------- core models


@admin.register(Organisation)
class OrganisationAdmin(UnmanagedRowsHiddenOnDeleteMixin, ServiceAdminMixin, SimpleHistoryAdmin):
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
class MunicipalityAdmin(UnmanagedRowsHiddenOnDeleteMixin, SimpleHistoryAdmin):
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
