"""Navigation per role: each user sees the areas they may use, nothing more."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Areas of the main navigation; the pages of the active area form the second row.
NAV_GROUPS = [
    ("overview", _("Übersicht")),
    ("posts", _("Stellen & Träger")),
    ("funding", _("Finanzen")),
    ("cases", _("Fallmanagement")),
    ("committee", _("Gremien & Vorlagen")),
]

# (url name, label, roles that see it, area); "a46" includes superusers.
NAV_ITEMS = [
    ("dashboard", _("Übersicht"), {"a46", "committee", "readonly", "carrier"}, "overview"),
    ("modules:post_list", _("Stellen"), {"a46", "committee", "readonly", "carrier"}, "posts"),
    ("kim:carrier_list", pgettext_lazy("navigation", "Träger"), {"a46", "committee", "readonly", "carrier"}, "posts"),
    ("funding:grant_list", _("Förderbescheide"), {"a46", "committee", "readonly"}, "funding"),
    ("funding:forwarding_list", _("Weiterleitungen"), {"a46", "committee", "readonly", "carrier"}, "funding"),
    ("funding:costplan_list", _("Kostenpläne"), {"a46", "committee", "readonly", "carrier"}, "funding"),
    ("funding:gap_list", _("Eigenanteile"), {"a46", "committee", "readonly", "carrier"}, "funding"),
    ("funding:request_list", _("Anträge"), {"a46", "committee", "readonly"}, "funding"),
    ("funding:budget_list", _("Haushalt"), {"a46", "committee", "readonly"}, "funding"),
    ("funding:rate_list", _("Sätze"), {"a46", "committee", "readonly"}, "funding"),
    ("funding:controlling", _("Controlling"), {"a46", "committee", "readonly"}, "funding"),
    ("casemanagement:case_list", _("Fallregister"), {"carrier"}, "cases"),
    ("casemanagement:return_list", _("Fallzahlen"), {"a46", "readonly", "carrier"}, "cases"),
    ("casemanagement:statistics", _("Statistik"), {"a46", "committee", "readonly"}, "cases"),
    ("casemanagement:indicator_list", _("Kennzahlen"), {"a46", "committee", "readonly"}, "cases"),
    ("committee:paper_list", _("Vorlagen"), {"a46", "committee", "readonly", "carrier"}, "committee"),
    ("committee:meeting_list", _("Sitzungen"), {"a46", "committee", "readonly"}, "committee"),
    ("committee:committee_list", _("Gremien"), {"a46", "committee", "readonly"}, "committee"),
    ("funding:controlling_payments", _("Zahlungen"), {"carrier"}, "funding"),
    ("funding:controlling_proofs", _("Verwendungsnachweise"), {"carrier"}, "funding"),
]


def role_key(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_a46:
        return "a46"
    return user.role


def navigation(request: HttpRequest) -> dict:
    key = role_key(request.user)
    if key is None:
        return {"nav_items": []}
    from kim.security import SESSION_OTP_KEY, second_factor_required

    if second_factor_required(request.user) and not request.session.get(SESSION_OTP_KEY):
        return {"nav_items": []}  # nothing to navigate to before the second factor
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    nav_current = None
    for name, label, roles, group in NAV_ITEMS:
        if key in roles:
            ns = name.split(":")[0] + ":" + name.split(":")[1].split("_")[0] if ":" in name else name
            item = {"url": reverse(name), "url_name": name, "label": label,
                    "active": current == name or (":" in name and current.startswith(ns))}
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
            nav_groups.append({"label": label, "url": members[0]["url"], "active": group == nav_current_group,
                               "items": members if len(members) > 1 else []})
    # Default breadcrumbs (base.html): Übersicht › area › this page, for pages without their own.
    return {"nav_items": items, "nav_groups": nav_groups, "nav_current": nav_current, "user_can_edit": key == "a46"}
