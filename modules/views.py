from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from kim.import_views import ImportTemplateView, ImportView
from kim.models import Role, role_key
from kim.views import STAFF_ROLES, M, ScopedDetailView, ScopedTableView, ServiceFormView, form_data
from modules.filters import PostFilter
from modules.forms import CostRateForm, OccupancyForm, PersonnelCostForm, PostForm
from modules.guided import post_steps
from modules.imports import KINDS as IMPORT_KINDS
from modules.models import CostRate, Occupancy, PersonnelCost, Post
from modules.selectors import post_planned_costs, post_warnings
from modules.services import cost_rate_save, occupancy_save, personnel_cost_save, post_save
from modules.tables import CostRateTable, PostTable


class PostListView(ScopedTableView):
    model = Post
    table_class = PostTable
    filterset_class = PostFilter
    title = _("Stellen")
    create_url_name = "modules:post_create"
    cache_body = True  # posts, modules, employers, places: all in the data stamp (kim.list_cache)

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("module", "employer", "place")


class PostDetailView(ScopedDetailView):
    model = Post
    template_name = "modules/post/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.select_related("module", "employer", "place")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        post = self.object
        ctx["occupancies"] = list(post.occupancies.all())
        ctx["warnings"] = post_warnings(post=post)
        ctx["cost_plans"] = list(post.cost_plans.all())
        plans = {plan.year: plan.personnel for plan in ctx["cost_plans"]}
        ctx["planned_costs"] = post_planned_costs(post=post, cost_plans=plans)
        forwardings = post.forwardings.select_related("grant__programme")
        if self.request.user.is_carrier_staff:
            # Belt and braces: only the carrier's own contracts, even on its own post.
            forwardings = forwardings.filter(carrier_id=self.request.user.organisation_id)
        ctx["forwardings"] = list(forwardings)
        if not self.request.user.is_carrier_staff:
            ctx["allocations"] = list(post.allocations.select_related("grant__programme"))
            for allocation in ctx["allocations"]:
                allocation.post = post  # the steps read the post; it is this page's
        if role_key(self.request.user) == Role.ADMIN:  # the steps' forms are A 46's alone
            ctx["next_steps"] = post_steps(
                post=post,
                occupancies=ctx["occupancies"],
                allocations=ctx["allocations"],
                contracts=ctx["forwardings"],
                cost_plans=ctx["cost_plans"],
            )
        return ctx


def warn_about(request: HttpRequest, post: Post) -> None:
    """After a save: the post's warnings (e.g. below a programme's minimum share) as messages."""
    for message in post_warnings(post=post):
        messages.warning(request, message)


class PostCreateView(ServiceFormView[Post]):
    form_class = PostForm
    title = _("Neue Stelle")
    cancel_url_name = "modules:post_list"

    def perform_save(self, form: BaseForm) -> Post:
        post = post_save(data=form_data(form), user=self.request.user)
        warn_about(self.request, post)
        return post


class PostUpdateView(ServiceFormView[Post]):
    model = Post
    form_class = PostForm
    editing = True

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Stelle bearbeiten: %(t)s") % {"t": self.object}

    def perform_save(self, form: BaseForm) -> Post:
        post = post_save(post=self.object, data=form_data(form), user=self.request.user)
        warn_about(self.request, post)
        return post


class PostChildFormView(ServiceFormView[M]):
    """Forms that add something to one post (occupancy, personnel cost); the post is looked up scoped."""

    model = Post

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.post_obj = get_object_or_404(Post.objects.for_user(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_return_url(self) -> str:
        return self.post_obj.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["parent"] = self.post_obj
        return ctx


class OccupancyCreateView(PostChildFormView[Occupancy]):
    form_class = OccupancyForm
    success_message = _("Besetzung gespeichert.")
    prefill_fields = ("start", "end", "fte")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Besetzung erfassen: %(t)s") % {"t": self.post_obj}

    def perform_save(self, form: BaseForm) -> Occupancy:
        occupancy = occupancy_save(post=self.post_obj, data=form_data(form), user=self.request.user)
        warn_about(self.request, self.post_obj)
        return occupancy


class OccupancyUpdateView(PostChildFormView[Occupancy]):
    form_class = OccupancyForm
    editing = True
    success_message = _("Besetzung gespeichert.")

    def get_object(self) -> Occupancy:
        return get_object_or_404(Occupancy, post=self.post_obj, pk=self.kwargs["occupancy_pk"])

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Besetzung ändern: %(t)s") % {"t": self.post_obj}

    def perform_save(self, form: BaseForm) -> Occupancy:
        occupancy = occupancy_save(
            post=self.post_obj, occupancy=self.object, data=form_data(form), user=self.request.user
        )
        warn_about(self.request, self.post_obj)
        return occupancy


class PersonnelCostCreateView(PostChildFormView[PersonnelCost]):
    form_class = PersonnelCostForm
    success_message = _("Personalkosten gespeichert.")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Geplante Personalkosten erfassen: %(t)s") % {"t": self.post_obj}

    def extra_form_kwargs(self) -> dict[str, Any]:
        return {"post": self.post_obj}

    def perform_save(self, form):
        return personnel_cost_save(data={**form_data(form), "post": self.post_obj}, user=self.request.user)


class CostRateListView(ScopedTableView):
    """Planned personnel cost per VZÄ, inactive ones too (marked): the figures of their years stay."""

    model = CostRate
    table_class = CostRateTable
    filterset_class = None
    filterset_fields = ["year", "category", "is_active"]
    allowed_roles = STAFF_ROLES
    title = _("Personalkostensätze")
    create_url_name = "modules:costrate_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.order_by("-is_active", "-year", "category")


class CostRateDetailView(ScopedDetailView):
    model = CostRate
    allowed_roles = STAFF_ROLES
    template_name = "modules/costrate/detail.html"


class CostRateCreateView(ServiceFormView[CostRate]):
    form_class = CostRateForm
    title = _("Neuer Personalkostensatz")
    success_url_name = "funding:rate_list"

    def perform_save(self, form: BaseForm) -> CostRate:
        return cost_rate_save(data=form_data(form), user=self.request.user)


class CostRateUpdateView(ServiceFormView[CostRate]):
    model = CostRate
    form_class = CostRateForm
    editing = True
    title = _("Personalkostensatz bearbeiten")
    success_message = _("Personalkostensatz gespeichert.")

    def perform_save(self, form: BaseForm) -> CostRate:
        return cost_rate_save(rate=self.object, data=form_data(form), user=self.request.user)


class ModulesImportView(ImportView):
    """Posts and occupancies from a spreadsheet (modules/imports.py)."""

    kinds = IMPORT_KINDS
    url_name = "modules:import"
    template_url_name = "modules:import_template"
    title = _("Daten übernehmen: Stellen und Besetzungen")


class ModulesImportTemplateView(ImportTemplateView):
    kinds = IMPORT_KINDS
