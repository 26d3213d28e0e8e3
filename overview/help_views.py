"""Help pages: `/hilfe/` lists the areas a role can use, `/hilfe/<area>/` explains each figure (overview.help)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kim.views import ALL_ROLES, ReadOnlyRequestMixin, RoleRequiredMixin
from overview.help import AREAS_BY_SLUG, help_areas, help_entries


class HelpIndexView(ReadOnlyRequestMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = ALL_ROLES
    template_name = "help/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update({"title": _("Hilfe"), "areas": help_areas(user=self.request.user)})
        return ctx


class HelpAreaView(ReadOnlyRequestMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = ALL_ROLES
    template_name = "help/area.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        area = AREAS_BY_SLUG.get(self.kwargs["area"])
        if area is None:
            raise Http404
        entries = help_entries(user=self.request.user, area=area)
        if not entries:
            raise Http404  # an area the role cannot use is not offered (e.g. controlling for carrier staff)
        ctx.update(
            {
                "title": _("Hilfe: %(area)s") % {"area": area.title},
                "area": area,
                "entries": entries,
                "areas": help_areas(user=self.request.user),
            }
        )
        return ctx
