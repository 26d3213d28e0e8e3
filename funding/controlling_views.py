"""Controlling pages of A 46 (issue 5): eligibility and repayment risks, payments, proof of use,
double funding, what-if, flow. Thin views; every figure comes from a named selector."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.views.generic import TemplateView
from django.utils.translation import gettext_lazy as _

from funding import eligibility
from kim.views import STAFF_ROLES, RoleRequiredMixin


def year_param(request: HttpRequest, default: int | None = None) -> int:
    """?year= if it is a plausible year, else the given default (else this year)."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return default or date.today().year


class YearPageMixin(RoleRequiredMixin):
    allowed_roles = STAFF_ROLES
    title = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        self.year = year_param(self.request)
        ctx.update({"year": self.year, "title": self.title, "years": list(range(2020, date.today().year + 2))})
        return ctx


class RepaymentRiskView(YearPageMixin, TemplateView):
    """Rückforderungsrisiken: posts with more received than eligible (funding.eligibility.repayment_risk_list)."""

    template_name = "funding/controlling/risks.html"
    title = _("Rückforderungsrisiken")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        rows = eligibility.post_eligibility_many(year=self.year)
        ctx["risks"] = [r for r in rows if r.is_risk]
        ctx["rows"] = rows
        ctx["total_difference"] = sum((r.difference for r in ctx["risks"]), start=eligibility.ZERO)
        return ctx


class ControllingIndexView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF_ROLES
    template_name = "funding/controlling/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Controlling")
        return ctx
