"""Settings of the funding app, parsed in one place (environment → settings → these functions)."""

from __future__ import annotations

from django.conf import settings


def reminder_thresholds() -> list[int]:
    """settings.PROOF_REMINDER_DAYS ("30,7") as days, largest first; nonsense entries are ignored."""
    raw = str(getattr(settings, "PROOF_REMINDER_DAYS", "30,7"))
    days = {int(part) for part in raw.replace(";", ",").split(",") if part.strip().isdigit()}
    return sorted(days, reverse=True)


def horizon_months() -> list[int]:
    """settings.FUNDING_HORIZON_MONTHS ("6,12") as months, smallest first."""
    raw = str(getattr(settings, "FUNDING_HORIZON_MONTHS", "6,12"))
    return sorted({int(p) for p in raw.replace(";", ",").split(",") if p.strip().isdigit() and int(p) > 0})
