"""Navigation per role: each user sees the areas they may use, nothing more."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kim.models import Role, role_key
from kim.reversing import fast_reverse
from kim.security import SESSION_OTP_KEY, second_factor_required
from kim.selectors import body_current, can_manage_accounts

# Areas of the main navigation; the pages of the active area form the second row.
NAV_GROUPS = [
    ("overview", _("Übersicht")),
    ("posts", _("Stellen & Träger")),
    ("funding", _("Finanzen")),
    ("cases", _("Fallmanagement")),
    ("committee", _("Gremien & Vorlagen")),
]

# (url name, label, roles that see it, area); Role.ADMIN includes superusers (User.role_key).
NAV_ITEMS = [
    ("dashboard", _("Übersicht"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER}, "overview"),
    ("modules:post_list", _("Stellen"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER}, "posts"),
    (
        "kim:carrier_list",
        pgettext_lazy("navigation", "Träger"),
        {Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER},
        "posts",
    ),
    ("masterdata:organisation_list", _("Organisationen"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "posts"),
    ("masterdata:municipality_list", _("Kommunen"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "posts"),
    ("modules:import", _("Daten übernehmen"), {Role.ADMIN}, "posts"),
    ("funding:grant_list", _("Förderbescheide"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "funding"),
    (
        "funding:forwarding_list",
        _("Weiterleitungen"),
        {Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER},
        "funding",
    ),
    ("funding:costplan_list", _("Kostenpläne"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER}, "funding"),
    ("funding:gap_list", _("Eigenanteile"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER}, "funding"),
    ("funding:request_list", _("Anträge"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "funding"),
    ("funding:budget_list", _("Haushalt"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "funding"),
    ("funding:rate_list", _("Sätze"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "funding"),
    ("funding:controlling", _("Controlling"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "funding"),
    ("funding:import", _("Daten übernehmen"), {Role.ADMIN}, "funding"),
    ("casemanagement:case_list", _("Fallregister"), {Role.CARRIER}, "cases"),
    ("casemanagement:return_list", _("Fallzahlen"), {Role.ADMIN, Role.READONLY, Role.CARRIER}, "cases"),
    ("casemanagement:statistics", _("Statistik"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "cases"),
    ("casemanagement:indicator_list", _("Kennzahlen"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "cases"),
    ("committee:paper_list", _("Vorlagen"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER}, "committee"),
    ("committee:meeting_list", _("Sitzungen"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "committee"),
    ("committee:committee_list", _("Gremien"), {Role.ADMIN, Role.COMMITTEE, Role.READONLY}, "committee"),
    ("funding:controlling_payments", _("Zahlungen"), {Role.CARRIER}, "funding"),
    # carrier staff: only their carrier administrators (kim.selectors.can_manage_accounts)
    ("accounts:account_list", _("Konten"), {Role.ADMIN, Role.CARRIER}, "overview"),
    ("funding:controlling_proofs", _("Verwendungsnachweise"), {Role.CARRIER}, "funding"),
    ("overview:deleted_entries", _("Gelöschte Einträge"), {Role.ADMIN, Role.READONLY}, "overview"),
]


# The help page (overview.help, /hilfe/<area>/) of each area of the navigation; controlling pages and
# the master data have their own. Plain strings: kim knows the addresses, not the help texts.
HELP_AREA_OF_GROUP = {"posts": "stellen", "funding": "finanzen", "cases": "fallmanagement", "committee": "gremien"}
HELP_AREA_OF_PREFIX = (
    ("funding:controlling", "controlling"),
    ("accounts:", "konten"),
    ("masterdata:", "konten"),
    ("funding:rate", "konten"),
    ("funding:programme", "konten"),
    ("modules:costrate", "konten"),
)


def _help_area_url(current: str, group: str | None) -> str:
    slug = next((area for prefix, area in HELP_AREA_OF_PREFIX if current.startswith(prefix)), None)
    slug = slug or HELP_AREA_OF_GROUP.get(group or "")
    if not slug or current.startswith("help"):
        return ""
    return fast_reverse("help") + f"{slug}/"


def navigation(request: HttpRequest) -> dict:
    key = role_key(request.user)
    if key is None:
        return {"nav_items": []}
    if second_factor_required(request.user) and not request.session.get(SESSION_OTP_KEY):
        return {"nav_items": []}  # nothing to navigate to before the second factor
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    nav_current = None
    manages_accounts = can_manage_accounts(request.user)
    for name, label, roles, group in NAV_ITEMS:
        if name.startswith("accounts:") and not manages_accounts:
            continue
        if key in roles:
            ns = name.split(":")[0] + ":" + name.split(":")[1].split("_")[0] if ":" in name else name
            item = {
                "url": fast_reverse(name),
                "url_name": name,
                "label": label,
                "active": current == name or (":" in name and current.startswith(ns)),
            }
            item["is_page"] = current == name
            item["group"] = group
            if item["active"] and nav_current is None:
                nav_current = item
            items.append(item)
    if nav_current is None and ":" in current:
        app = current.split(":")[0]
        nav_current_group = next((i["group"] for i in items if i["url_name"].split(":")[0] == app), None)
    else:
        nav_current_group = nav_current["group"] if nav_current else None
    nav_groups = []
    for group, label in NAV_GROUPS:
        members = [i for i in items if i["group"] == group]
        if members:
            nav_groups.append(
                {
                    "label": label,
                    "url": members[0]["url"],
                    "active": group == nav_current_group,
                    "items": members if len(members) > 1 else [],
                }
            )
    # Default breadcrumbs (base.html): Übersicht › area › this page, for pages without their own.
    return {
        "help_area_url": _help_area_url(current, nav_current_group),
        "nav_items": items,
        "nav_groups": nav_groups,
        "nav_current": nav_current,
        "user_can_edit": key == Role.ADMIN,
    }


def body(request: HttpRequest) -> dict:
    """The body this installation serves (name, departments, signatory) for every template."""
    return {"body": body_current()}
