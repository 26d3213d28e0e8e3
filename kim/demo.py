"""The demo body's organisations, municipalities and logins (paper 2020/0354 as data).

Inputs only, loaded idempotently by ``manage.py load_demo`` (overview) before the other apps' demos:
every object is looked up by a natural key and updated in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from kim.models import Body, BodyKind, Municipality, Organisation, OrganisationKind, Role, TOTPDevice, User

DEMO_PASSWORD = "demo"

MUNICIPALITIES = [
    ("Aachen", "05334002", False),
    ("Alsdorf", "05334004", True),
    ("Baesweiler", "05334008", True),
    ("Eschweiler", "05334012", True),
    ("Herzogenrath", "05334016", True),
    ("Monschau", "05334020", True),
    ("Roetgen", "05334024", True),
    ("Simmerath", "05334028", True),
    ("Stolberg", "05334032", True),
    ("Würselen", "05334036", True),
]

# slug, name, short name, municipality of the case-management post (illustrative)
CARRIERS = [
    ("caritas", "Caritasverband für die Regionen Aachen-Stadt und Aachen-Land e. V.", "Caritas", "Eschweiler"),
    ("diakonie", "Diakonisches Werk im Evangelischen Kirchenkreis Aachen e. V.", "Diakonie", "Stolberg"),
    ("awo", "AWO Kreisverband Aachen-Land e. V.", "AWO", "Alsdorf"),
    ("drk", "DRK-Kreisverband Städteregion Aachen e. V.", "DRK", "Simmerath"),
    ("arbeitsplattform-migration", "Arbeitsplattform Migration", "Arbeitsplattform Migration", "Herzogenrath"),
]


@dataclass
class DemoOrganisations:
    land: Organisation
    authority: Organisation
    county: Organisation
    umbrella: Organisation
    carriers: dict[str, Organisation]
    places: dict[str, Municipality]


def upsert(model: type[models.Model], defaults: dict[str, Any] | None = None, **lookup: Any) -> tuple[Any, bool]:
    """update_or_create that writes only when something differs.

    A second run of the demo must leave the data *and* its audit history unchanged, so an
    object whose values already match is not saved again (no empty history entry).
    """
    defaults = defaults or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults), True
    changed = False
    for name, value in defaults.items():
        field = model._meta.get_field(name)
        current = getattr(obj, field.attname if field.is_relation else name)
        wanted = value.pk if field.is_relation and value is not None else value
        if current != wanted:
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.save()
    return obj, False


def org(slug: str, **fields: Any) -> Organisation:
    obj, _ = upsert(Organisation, slug=slug, defaults=fields)
    return obj


@transaction.atomic
def load() -> DemoOrganisations:
    land = org("land-nrw", kind=OrganisationKind.LAND, name="Land Nordrhein-Westfalen", short_name="Land NRW")
    authority = org(
        "bezreg-arnsberg-dez36",
        kind=OrganisationKind.AUTHORITY,
        name="Bezirksregierung Arnsberg, Dezernat 36",
        short_name="BR Arnsberg, Dez. 36",
        parent=land,
    )
    county = org(
        "staedteregion-aachen",
        kind=OrganisationKind.COUNTY,
        name="StädteRegion Aachen",
        short_name="StädteRegion Aachen",
        address="Zollernstraße 10, 52070 Aachen",
    )
    a46 = org(
        "a46",
        kind=OrganisationKind.DEPARTMENT,
        name="A 46 – Kommunales Integrationszentrum",
        short_name="A 46",
        parent=county,
    )
    body, _ = upsert(
        Body,
        organisation=county,
        defaults={
            "name": "StädteRegion Aachen",
            "short_name": "StädteRegion Aachen",
            "kind": BodyKind.STAEDTEREGION,
            "head_title": "Der Städteregionsrat",
            "signatory": "Dr. Ziemons",
            "address": "Zollernstraße 10, 52070 Aachen",
        },
    )
    if set(body.lead_departments.all()) != {a46}:
        body.lead_departments.set([a46])
    umbrella = org(
        "ag-wohlfahrt",
        kind=OrganisationKind.UMBRELLA,
        name="Arbeitsgemeinschaft der Verbände der Freien Wohlfahrtspflege StädteRegion Aachen",
        short_name="AG Wohlfahrt",
    )
    carriers = {
        slug: org(slug, kind=OrganisationKind.CARRIER, name=name, short_name=short, parent=umbrella)
        for slug, name, short, _place in CARRIERS
    }
    places = {}
    for name, key, module2 in MUNICIPALITIES:
        places[name], _ = upsert(
            Municipality,
            official_key=key,
            defaults={"name": name, "slug": name.lower().replace("ü", "ue"), "module2_area": module2},
        )
    return DemoOrganisations(
        land=land, authority=authority, county=county, umbrella=umbrella, carriers=carriers, places=places
    )


# Base32 secret of the demo administrator's authenticator (documented in the README; demo only).
DEMO_TOTP_SECRET = "KIMDEMOA46STAEDTEREGIONAACHENXYZ"


def load_users() -> list[tuple[str, str]]:
    """Demo logins, all with the password ``demo``; created only by the load_demo command."""
    specs = [
        ("a46", Role.ADMIN, None, "Demo", "Verwaltung A 46"),
        ("sitzungsdienst", Role.COMMITTEE, None, "Demo", "Sitzungsdienst"),
        ("pruefung", Role.READONLY, None, "Demo", "Rechnungsprüfung"),
    ]
    for slug, _name, short, _place in CARRIERS:
        specs.append(
            (f"traeger-{slug}", Role.CARRIER, Organisation.objects.get(slug=slug), "Demo", f"Case Management {short}")
        )
    result = []
    for username, role, org, first, last in specs:
        user, _ = upsert(
            User,
            username=username,
            defaults={
                "role": role,
                "organisation": org,
                "first_name": first,
                "last_name": last,
                # No demo account operates the Django admin (manage.py operator grant, README).
                "is_staff": False,
                "is_superuser": False,
                "is_active": True,
                # each demo carrier login is its carrier's administrator (invites its own staff)
                "is_carrier_admin": role == Role.CARRIER,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role == Role.ADMIN:
            # A 46 logs in with a second factor; the demo's secret is public like its password.
            TOTPDevice.objects.update_or_create(user=user, defaults={"secret": DEMO_TOTP_SECRET, "confirmed": True})
        result.append((username, str(role.label)))
    return result
