"""The search page (`/suche/?q=…`) behind the field in the header (overview.search)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kim.views import ALL_ROLES, ReadOnlyRequestMixin, RoleRequiredMixin
from overview.search import LIMIT, SearchForm, search_everything


class SearchView(ReadOnlyRequestMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = ALL_ROLES
    template_name = "search/results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        groups = []
        query = ""
        if form.is_valid():
            query = form.cleaned_data["q"].strip()
            groups = search_everything(user=self.request.user, query=query)
        ctx.update(
            {
                "title": _("Suche"),
                "form": form,
                "query": query,
                "search_query": query,
                "groups": groups,
                "found": sum(len(g.hits) for g in groups),
                "limit": LIMIT,
            }
        )
        return ctx
