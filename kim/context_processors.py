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
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for name, label, roles in NAV_ITEMS:
        if key in roles:
            ns = name.split(":")[0] + ":" + name.split(":")[1].split("_")[0] if ":" in name else name
            items.append({"url": reverse(name), "label": label, "active": current == name or (":" in name and current.startswith(ns))})
    return {"nav_items": items, "user_can_edit": key == "a46"}
