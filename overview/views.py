"""The A 46 dashboard (`/?year=2021`), the carrier home and the carrier's data export (Art. 20 DSGVO)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Window
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from casemanagement import selectors as cm
from funding import selectors
from funding.controlling import selectors as controlling_selectors
from funding.models import CostPlan, ForwardingContract
from kim import figure_cache
from kim.http import AuthenticatedHttpRequest
from kim.models import Organisation, Role, role_key
from kim.views import ALL_ROLES, ReadOnlyRequestMixin, RoleRequiredMixin
from modules.selectors import posts_for_user
from overview.dashboard import (
    TODO_STAMP_EXTRA,
    available_years,
    cached_dashboard_context,
    cached_todo_context,
    chosen_year,
    dashboard_body_html,
    dashboard_todo_html,
    open_cases_chart,
)
from overview.data_export import carrier_export_zip
from overview.deleted import deleted_entries


@transaction.non_atomic_requests  # reads only (kim.views.ReadOnlyRequestMixin)
@login_required
@require_safe  # a read page: a POST is 405, not the page again
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
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
    # the figures and their HTML read kim, modules and funding only: a return or a paper written
    # leaves them cached, only the due list (which reads those too) is computed again
    figures_stamp = figure_cache.default_part(stamp, extra=TODO_STAMP_EXTRA)
    ctx = dict(cached_dashboard_context(year=year, include_proofs=include_proofs, stamp=stamp, extra=TODO_STAMP_EXTRA))
    ctx.update({"years": years, "title": _("Übersicht"), "year_note": year_note})
    ctx["todo"] = cached_todo_context(role=str(role or ""), stamp=stamp)
    ctx["todo_html"] = dashboard_todo_html(ctx["todo"], role=str(role or ""), stamp=stamp)
    ctx["body_html"] = dashboard_body_html(ctx, include_proofs=include_proofs, stamp=figures_stamp)
    return render(request, "dashboard/index.html", ctx)


def carrier_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Carrier staff: their posts, contracts, cost plans, returns due, proofs of use due, register
    summary, overdue follow-ups."""
    user = request.user
    posts = posts_for_user(user=user).prefetch_related("occupancies")
    contracts = ForwardingContract.objects.for_user(user).in_force().select_related("post")
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
            "proofs_open": controlling_selectors.proofs_open_for_carrier(user=user),
            **open_cases_chart(user=user),
        },
    )


class CarrierDataExportView(RoleRequiredMixin, View):
    """Art. 20 DSGVO: all data of one carrier as a ZIP of CSV files (overview.data_export).

    The export holds the carrier's single cases, contacts and referrals: it is the carrier's own
    (domain.md §3, §5: nobody outside a carrier sees its cases). Only the carrier's staff get it;
    another carrier's slug and every staff role (A 46, committee staff, audit) answer 404, as every
    other page with case data does for them."""

    allowed_roles = ALL_ROLES

    def get(self, request: AuthenticatedHttpRequest, slug: str) -> FileResponse:
        if not request.user.is_carrier_staff:
            raise Http404
        carrier = get_object_or_404(Organisation.objects.carriers().filter(pk=request.user.organisation_id), slug=slug)
        filename = f"kim-datenexport-{carrier.slug}-{timezone.localdate():%Y-%m-%d}.zip"
        return FileResponse(
            carrier_export_zip(carrier), as_attachment=True, filename=filename, content_type="application/zip"
        )


class DeletedEntriesView(ReadOnlyRequestMixin, RoleRequiredMixin, View):
    """„Gelöschte Einträge“: what was deleted, by whom, when (A 46 and the audit)."""

    allowed_roles = frozenset({Role.ADMIN, Role.READONLY})

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return render(
            request,
            "overview/deleted.html",
            {"title": _("Gelöschte Einträge"), "entries": deleted_entries()},
        )
