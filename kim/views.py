"""View building blocks shared by every app: role checks, scoped lists and service-backed forms."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, View
from django_filters import FilterSet
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin, Table

from kim import list_cache
from kim.exports import Column, export_response
from kim.figure_cache import data_stamp
from kim.forms import VersionForm, apply_service_errors, harmonise_empty_choices
from kim.history import history_with_changes
from kim.http import AuthenticatedHttpRequest
from kim.i18n import german
from kim.models import FormSubmission, Role, role_key
from kim.tables import export_kind
from kim.versioning import VERSION, add_version_field, version_errors_to_top

SUBMISSION_FIELD = "submission_token"
ALL_ROLES = frozenset({Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER})
STAFF_ROLES = frozenset({Role.ADMIN, Role.COMMITTEE, Role.READONLY})

M = TypeVar("M", bound=Model)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # The mixins below are combined with a Django view; for the type checker they are views themselves.
    _ViewBase = View
else:
    _ViewBase = object


class ReadOnlyRequestMixin(_ViewBase):
    """A page that only reads runs outside the request transaction of ``ATOMIC_REQUESTS``.

    A read has nothing to roll back, and BEGIN/COMMIT are two extra round trips on every list page.
    Only for views whose every method reads (list and detail pages, statistics); a subclass that
    overrides ``dispatch`` is atomic again, because Django reads the mark from ``cls.dispatch``.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        writes = [name for name in ("post", "put", "patch", "delete") if hasattr(cls, name)]
        if writes:
            raise TypeError(
                f"{cls.__name__} schreibt ({', '.join(writes)}) und darf nicht ReadOnlyRequestMixin nutzen."
            )

    @transaction.non_atomic_requests
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return super().dispatch(request, *args, **kwargs)


class RoleRequiredMixin(AccessMixin, _ViewBase):
    """Anonymous → login; a role not in ``allowed_roles`` → 403. ``edit = True`` means A 46 only."""

    allowed_roles: frozenset[str] = ALL_ROLES
    edit = False
    # Every method after ``dispatch`` runs for a logged-in user (anonymous requests end in dispatch).
    request: AuthenticatedHttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        key = role_key(request.user)
        if self.edit and key != Role.ADMIN:
            raise PermissionDenied(_("Nur A 46 darf hier Änderungen vornehmen."))
        if key not in self.allowed_roles:
            raise PermissionDenied(_("Dieser Bereich ist für Ihre Rolle nicht freigegeben."))
        return super().dispatch(request, *args, **kwargs)


class ScopedQuerysetMixin:
    """Every object a view touches comes through ``Model.objects.for_user`` (the scoping choke point)."""

    model: type[Model]
    request: AuthenticatedHttpRequest
    kwargs: dict[str, Any]

    def scoped_queryset(self) -> QuerySet[Any]:
        manager = self.model._default_manager
        qs = manager.for_user(self.request.user) if hasattr(manager, "for_user") else manager.all()
        return self.optimise(qs)

    def optimise(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs

    def get_queryset(self) -> QuerySet[Any]:
        return self.scoped_queryset()


def bounded_per_page(raw: Any, *, default: int = 25, maximum: int = 100) -> int:
    """Rows per page from ``?per_page=``: clamped to 1..maximum; the default for anything not a number."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return default
    return max(1, min(number, maximum))


if TYPE_CHECKING:
    # The list mixins below are combined with django-tables2's SingleTableMixin (untyped) and FilterView.
    from django_tables2 import SingleTableMixin as _TableViewBase
else:
    _TableViewBase = object


class BoundedPaginationMixin(_TableViewBase):
    """``?per_page=`` is clamped to 1..max_per_page (paging cannot be switched off); a ``?page=`` that is
    not a number shows the first page, one out of range (0, -1, 99999) the last page."""

    per_page = 25
    max_per_page = 100
    request: AuthenticatedHttpRequest

    def get_table(self, **kwargs: Any) -> Table:
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        RequestConfig(self.request, paginate=False).configure(table)  # ordering only
        params = self.request.GET
        per_page = bounded_per_page(
            params.get(table.prefixed_per_page_field), default=self.per_page, maximum=self.max_per_page
        )
        try:
            table.paginate(per_page=per_page, page=params.get(table.prefixed_page_field, 1))
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:
            table.page = table.paginator.page(table.paginator.num_pages)
        return table


class FilterRequestMixin(_TableViewBase):
    """The filter set gets the request (for scoped dropdowns). No remembered year here (kim.years only
    pre-fills year pages and the dashboard): a list shows exactly the filters in its address."""

    request: AuthenticatedHttpRequest

    def get_filterset_kwargs(self, filterset_class: type[FilterSet]) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs


class TableExportMixin(_TableViewBase):
    """Every list as XLSX (typed cells) or CSV (German Excel) with ``?export=``, same filter and order."""

    export_formats = ("xlsx", "csv")
    export_max_rows = 50_000
    title: StrOrPromise = ""
    model: type[Model]
    request: AuthenticatedHttpRequest

    def get_title(self) -> StrOrPromise:
        return self.title or self.model._meta.verbose_name_plural or ""

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        fmt = self.request.GET.get("export")
        if fmt in self.export_formats:
            with german():  # exports carry German headers whatever the interface language (README)
                return self.export(fmt)
        return super().render_to_response(context, **response_kwargs)

    def export(self, fmt: str) -> HttpResponse:
        table = self.get_table_class()(data=self.get_table_data())
        RequestConfig(self.request, paginate=False).configure(table)  # the page's ordering
        columns = []
        for bound in table.columns:
            if bound.column.exclude_from_export or not bound.visible:
                continue
            kind = export_kind(bound.column)
            if kind == "text":
                getter = lambda row, name=bound.name: row.get_cell_value(name)  # noqa: E731
            else:
                getter = lambda row, acc=bound.accessor: acc.resolve(row.record, quiet=True)  # noqa: E731
            columns.append(Column(str(bound.header), getter, kind))
        rows = itertools.islice(table.rows, self.export_max_rows)
        title = str(self.get_title())
        return export_response(fmt, columns, rows, f"{title} {timezone.localdate():%Y-%m-%d}")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        for key in ("export", "page", "per_page"):
            params.pop(key, None)
        ctx["export_links"] = []
        for fmt, label in (("xlsx", _("Excel (XLSX)")), ("csv", _("CSV"))):
            params["export"] = fmt
            ctx["export_links"].append({"url": "?" + params.urlencode(), "label": label})
        return ctx


class ScopedTableView(
    ReadOnlyRequestMixin,
    RoleRequiredMixin,
    ScopedQuerysetMixin,
    TableExportMixin,
    FilterRequestMixin,
    BoundedPaginationMixin,
    SingleTableMixin,
    FilterView,
):
    """List page: django-filter + django-tables2, 25 rows a page, a fixed number of queries; exports,
    the remembered year and bounded pagination come from the mixins above."""

    template_name = "generic/list.html"
    create_url_name: str | None = None
    # Serve the rendered body (filter form, table, export links) from kim.list_cache while the data
    # stamp is unchanged. Only for lists whose rows, columns and choices depend on nothing but the
    # stamp's tables, the address, the role, the organisation and the language.
    cache_body = False
    list_body_key: str | None = None
    stamp = ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.cache_body and "export" not in request.GET:
            self.stamp = data_stamp()
            key = list_cache.body_key(request, self.list_body_view_name(), stamp=self.stamp)
            html = list_cache.get_body(key)
            if html is not None:  # no filter, no table, no count: the body as rendered before
                page_key = list_cache.page_key(request, key)
                page = list_cache.get_page(request, page_key) if page_key else None
                if page is not None:  # nor the frame: the page as rendered for this user before
                    return HttpResponse(page)
                response = self.response_class(
                    request=request,
                    template=[self.template_name],
                    context={"view": self, "title": self.get_title(), "list_body": mark_safe(html)},  # noqa: S308 – our render
                    using=self.template_engine,
                )
                if page_key:
                    response.add_post_render_callback(
                        lambda rendered: list_cache.store_page(request, page_key, rendered.content.decode())
                    )
                return response
            self.list_body_key = key
        return super().get(request, *args, **kwargs)

    def get_filterset(self, filterset_class: type[FilterSet]) -> FilterSet:
        filterset = super().get_filterset(filterset_class)
        if self.list_body_key is not None:  # the stamp is read: the filter's options from the cache too
            list_cache.cache_model_choices(filterset.form, self.request, self.list_body_view_name(), stamp=self.stamp)
        return filterset

    def list_body_view_name(self) -> str:
        return f"{type(self).__module__}.{type(self).__qualname__}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["list_body_key"] = self.list_body_key
        ctx["title"] = self.get_title()
        if self.create_url_name and role_key(self.request.user) == Role.ADMIN:
            ctx["create_url_name"] = self.create_url_name
        ctx["filter_summary"] = filter_summary(ctx.get("filter"))
        ctx["printed_at"] = timezone.localtime()
        return ctx


def filter_summary(filterset: FilterSet | None) -> list[str]:
    """The list's active filters as "Label: value" (for print), choices by their label."""
    if filterset is None or not filterset.form.is_bound or not filterset.form.is_valid():
        return []
    out = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            labels = dict((str(k), v) for k, v in field.choices)
            value = labels.get(str(value), value)
        out.append(f"{field.label}: {value}")
    return out


class ScopedDetailView(RoleRequiredMixin, ScopedQuerysetMixin, DetailView):
    """Detail page; another carrier's object is a 404 because the queryset is scoped."""

    history_limit = 10
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        if role_key(self.request.user) in {Role.ADMIN, Role.READONLY} and hasattr(self.object, "history"):
            ctx["history"] = history_with_changes(self.object, limit=self.history_limit)
        return ctx


def prefill_from_query(form: BaseForm, query: QueryDict, names: Iterable[str]) -> None:
    """Pre-fill an unbound form from the address: each named value that its field accepts becomes
    the field's initial value as typed ("55.000,00", "01.01.2021"; a choice only from the field's
    own, scoped queryset); a value the field refuses is left out, never shown as an error."""
    for name in names:
        field = form.fields.get(name)
        if field is None or not query.get(name):
            continue
        raw = field.widget.value_from_datadict(query, {}, form.add_prefix(name))
        try:
            value = field.clean(raw)
        except ValidationError:
            continue
        # a date as the date it is: the date input shows it in its own (ISO) format, a typed German date would be lost
        form.initial[name] = value if isinstance(value, date) else raw


class ServiceFormView(RoleRequiredMixin, ScopedQuerysetMixin, FormView, Generic[M]):
    """Create or edit through a service under transaction.atomic(); rule violations land at the field.

    Subclasses set ``form_class`` and implement ``perform_save(form) -> object``; editing views set
    ``editing = True`` and the object is looked up through the scoped queryset (404 otherwise).
    """

    edit = True
    editing = False
    template_name = "generic/form.html"
    title: StrOrPromise = ""
    # The page both saving and cancelling return to (a list such as the rates); without it saving shows the
    # saved object's page and cancelling the edited object's page, or ``cancel_url_name`` on a create form.
    success_url_name: str | None = None
    cancel_url_name: str | None = None
    success_message: StrOrPromise = gettext_lazy("Gespeichert.")
    # fields a create form takes from the address (?post=12&year=2021): the guided next steps and a
    # refused form's way back from creating its prerequisite; each value is checked (prefill_from_query)
    prefill_fields: tuple[str, ...] = ()
    object: M | None = None
    request: AuthenticatedHttpRequest

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.object = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and self.editing and role_key(request.user) == Role.ADMIN:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self) -> M:
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.object is not None:
            kwargs["instance"] = self.object
        kwargs.update(self.extra_form_kwargs())
        return kwargs

    def extra_form_kwargs(self) -> dict[str, Any]:
        return {}

    def get_form(self, form_class: type[BaseForm] | None = None) -> BaseForm:
        """Edit forms of versioned objects carry the loaded version (kim.versioning: no lost updates);
        create forms a one-time token (no duplicate from browser back + save or a double click)."""
        form = harmonise_empty_choices(super().get_form(form_class))
        if not form.is_bound and not self.editing:
            prefill_from_query(form, self.request.GET, self.prefill_fields)
        instance = getattr(form, "instance", None)
        if instance is not None and instance.pk is not None:
            add_version_field(form, instance)
        elif self.object is None and not self.editing:
            form.fields[SUBMISSION_FIELD] = forms.UUIDField(
                required=False, widget=forms.HiddenInput, initial=uuid.uuid4
            )
        return form

    def form_invalid(self, form: BaseForm) -> HttpResponse:
        version_errors_to_top(form)
        return super().form_invalid(form)

    def perform_save(self, form: BaseForm) -> M:  # pragma: no cover - abstract
        raise NotImplementedError

    def form_valid(self, form: BaseForm) -> HttpResponse:
        token = form.cleaned_data.get(SUBMISSION_FIELD)
        if token is not None:
            earlier = FormSubmission.objects.filter(token=token).first()
            if earlier is not None and earlier.user_id == self.request.user.pk:
                messages.info(
                    self.request, _("Dieses Formular wurde bereits gespeichert; es wurde nichts doppelt angelegt.")
                )
                return HttpResponseRedirect(earlier.url)
            if earlier is not None:
                token = None  # another user's token (copied form): it protects nothing here
        try:
            with transaction.atomic():
                saved = self.perform_save(form)
                if token is not None:
                    # Unique token: of two identical submissions at once, the second fails here and
                    # its whole save is rolled back.
                    FormSubmission.objects.create(
                        token=token, user=self.request.user, url=self.get_success_url_for(saved)
                    )
        except IntegrityError:
            earlier = FormSubmission.objects.filter(token=token, user=self.request.user).first() if token else None
            if earlier is None:
                if token is None:
                    raise
                form.add_error(
                    None, _("Das Formular wurde gleichzeitig anders gespeichert; bitte die Seite neu laden.")
                )
                return self.form_invalid(form)
            messages.info(
                self.request, _("Dieses Formular wurde bereits gespeichert; es wurde nichts doppelt angelegt.")
            )
            return HttpResponseRedirect(earlier.url)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url_for(saved))

    def get_return_url(self) -> str | None:
        """Where saving and cancelling both lead, if anywhere fixed: ``success_url_name``; a form for a part of
        a parent (a paper's section, a post's occupancy) returns the parent's page."""
        return reverse(self.success_url_name) if self.success_url_name else None

    def get_success_url_for(self, obj: M) -> str:
        return self.get_return_url() or resolve_url(obj)

    def get_cancel_url(self) -> str:
        if (url := self.get_return_url()) is not None:
            return url
        if self.object is not None:
            return resolve_url(self.object)
        return reverse(self.cancel_url_name) if self.cancel_url_name else reverse("dashboard")

    def get_title(self) -> StrOrPromise:
        return self.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.get_title()
        ctx["object"] = self.object
        ctx["cancel_url"] = self.get_cancel_url()
        return ctx


def posted_version(request: HttpRequest) -> int:
    """The version of the page a state-changing button was on (``VersionForm``). A button without one, or
    with garbage, raises the same German ValidationError as an outdated page: the caller saves nothing."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data()[VERSION])
    return form.cleaned_data[VERSION]


def form_data(form: BaseForm) -> dict[str, Any]:
    """The cleaned values of the form's own fields, for a service call."""
    return {
        name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data and name != SUBMISSION_FIELD
    }
