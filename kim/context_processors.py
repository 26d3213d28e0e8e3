"""Navigation per role: each user sees the areas they may use, nothing more."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, roles that see it); "a46" includes superusers.
NAV_ITEMS = [
    ("dashboard", _("Übersicht"), {"a46", "committee", "readonly", "carrier"}),
    ("modules:post_list", _("Stellen"), {"a46", "committee", "readonly", "carrier"}),
    ("kim:carrier_list", _("Träger"), {"a46", "committee", "readonly", "carrier"}),
    ("funding:grant_list", _("Förderbescheide"), {"a46", "committee", "readonly"}),
    ("funding:forwarding_list", _("Weiterleitungen"), {"a46", "committee", "readonly", "carrier"}),
    ("funding:costplan_list", _("Kostenpläne"), {"a46", "committee", "readonly", "carrier"}),
    ("funding:gap_list", _("Eigenanteile"), {"a46", "committee", "readonly", "carrier"}),
    ("funding:request_list", _("Anträge"), {"a46", "committee", "readonly"}),
    ("funding:budget_list", _("Haushalt"), {"a46", "committee", "readonly"}),
    ("funding:rate_list", _("Sätze"), {"a46", "committee", "readonly"}),
    ("funding:controlling", _("Controlling"), {"a46", "committee", "readonly"}),
    ("casemanagement:case_list", _("Fallregister"), {"carrier"}),
    ("casemanagement:return_list", _("Fallzahlen"), {"a46", "readonly", "carrier"}),
    ("casemanagement:statistics", _("Statistik"), {"a46", "committee", "readonly"}),
    ("casemanagement:indicator_list", _("Kennzahlen"), {"a46", "committee", "readonly"}),
    ("committee:paper_list", _("Vorlagen"), {"a46", "committee", "readonly", "carrier"}),
    ("committee:meeting_list", _("Sitzungen"), {"a46", "committee", "readonly"}),
    ("committee:committee_list", _("Gremien"), {"a46", "committee", "readonly"}),
    ("funding:controlling_payments", _("Zahlungen"), {"carrier"}),
    ("funding:controlling_proofs", _("Verwendungsnachweise"), {"carrier"}),
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
    for name, label, roles in NAV_ITEMS:
        if key in roles:
            ns = name.split(":")[0] + ":" + name.split(":")[1].split("_")[0] if ":" in name else name
            item = {"url": reverse(name), "label": label, "active": current == name or (":" in name and current.startswith(ns))}
            item["is_page"] = current == name
            if item["active"] and nav_current is None:
                nav_current = item
            items.append(item)
    # Default breadcrumbs (base.html): Übersicht › area › this page, for pages without their own.
    return {"nav_items": items, "nav_current": nav_current, "user_can_edit": key == "a46"}
