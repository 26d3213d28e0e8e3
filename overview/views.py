"""The A 46 dashboard (`/?year=2021`), the carrier home and the carrier's data export (Art. 20 DSGVO)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Window
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from casemanagement import selectors as cm
from funding import selectors
from funding.models import CostPlan, ForwardingContract
from kim import figure_cache
from kim.models import Organisation, Role, role_key
from kim.views import RoleRequiredMixin
from modules.selectors import posts_for_user
from overview.dashboard import (
    TODO_STAMP_EXTRA,
    available_years,
    cached_dashboard_context,
    cached_todo_context,
    chosen_year,
    dashboard_body_html,
    open_cases_chart,
)
from overview.data_export import carrier_export_zip


@transaction.non_atomic_requests  # reads only (kim.views.ReadOnlyRequestMixin)
@login_required
@require_safe  # a read page: a POST is 405, not the page again
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.user.is_carrier_staff:
        return carrier_home(request)
    years = available_years()
    year, year_note = chosen_year(request)
    if year not in years:
        years = sorted({*years, year})
    include_proofs = not request.user.is_committee_staff
    role = role_key(request.user)
    # read once for the figures, their rendered HTML and the due list
    stamp = figure_cache.data_stamp(extra=TODO_STAMP_EXTRA)
    ctx = dict(cached_dashboard_context(year=year, include_proofs=include_proofs, stamp=stamp))
    ctx.update({"years": years, "title": _("Übersicht"), "year_note": year_note})
    ctx["todo"] = cached_todo_context(role=str(role or ""), stamp=stamp)
    ctx["body_html"] = dashboard_body_html(ctx, include_proofs=include_proofs, stamp=stamp)
    return render(request, "dashboard/index.html", ctx)


def carrier_home(request: HttpRequest) -> HttpResponse:
    """Carrier staff: their posts, contracts, cost plans, returns due, register summary, overdue follow-ups."""
    user = request.user
    posts = posts_for_user(user=user).prefetch_related("occupancies")
    contracts = ForwardingContract.objects.for_user(user).select_related("post")
    gaps = selectors.own_share_gaps(cost_plans=CostPlan.objects.for_user(user))
    # the first 20 overdue follow-ups and, in the same query, how many there are in all
    overdue = list(cm.overdue_referrals(user=user).annotate(total=Window(Count("pk")))[:20])
    return render(
        request,
        "dashboard/carrier.html",
        {
            "title": _("Übersicht"),
            "posts": posts,
            "contracts": contracts,
            "gaps": gaps,
            "organisation": user.organisation,
            "returns_due": cm.returns_due(user=user),
            "register": cm.register_summary(user=user),
            "overdue": overdue,
            "overdue_count": overdue[0].total if overdue else 0,
            **open_cases_chart(user=user),
        },
    )


class CarrierDataExportView(RoleRequiredMixin, View):
    """Art. 20 DSGVO: all data of one carrier as a ZIP of CSV files (overview.data_export).

    Carrier staff get their own organisation (another carrier's slug is a 404); A 46 any carrier."""

    allowed_roles = frozenset({Role.CARRIER, Role.ADMIN})

    def get(self, request: HttpRequest, slug: str) -> FileResponse:
        carrier = get_object_or_404(Organisation.objects.for_user(request.user).carriers(), slug=slug)
        filename = f"kim-datenexport-{carrier.slug}-{timezone.localdate():%Y-%m-%d}.zip"
        return FileResponse(
            carrier_export_zip(carrier), as_attachment=True, filename=filename, content_type="application/zip"
        )
