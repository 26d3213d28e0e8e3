"""Modules 1–3, the posts of the demo body and their occupancy (paper 2020/0354 as data).

Which carrier holds which case-management post and where is not named in the paper: the
assignment below is illustrative and marked as such on the posts. Demo calibration (domain.md §2):
personnel cost 62.000 € per VZÄ for the county's Sachbearbeitung/Koordination/Ausländerbehörde posts
and 45.000 € per VZÄ for the assistant post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from kim.demo import CARRIERS, DemoOrganisations, upsert
from modules.models import CostRate, Module, Occupancy, Post, PostCategory

D = Decimal

MODULES = [
    (1, "Strategisches Kommunales Integrationsmanagement (strategischer Overhead)"),
    (2, "Rechtskreisübergreifendes Case Management"),
    (3, "Ausländer- und Einbürgerungsbehörden"),
]

KIM_START = date(2020, 7, 1)
KIM_END = date(2022, 12, 31)  # befristet für die Dauer der Förderzusage

# module, title, category, FTE, start, pay grade
COUNTY_POSTS = [
    (1, "Verwaltungsassistenz", PostCategory.ASSISTANT, D("0.5"), KIM_START, "EG 6 TVöD"),
    (
        1,
        "Sachbearbeitung Fördermittelcontrolling und Projektberatung",
        PostCategory.COORDINATION,
        D("1.0"),
        KIM_START,
        "EG 10 TVöD",
    ),
    (
        1,
        "Sachbearbeitung Gesundheit, Migration und Flucht",
        PostCategory.COORDINATION,
        D("1.0"),
        KIM_START,
        "EG 10 TVöD",
    ),
    (1, "Sachbearbeitung Integration durch Sport", PostCategory.COORDINATION, D("1.0"), KIM_START, "EG 10 TVöD"),
    (2, "Koordinierung Case Management", PostCategory.CM_COORDINATION, D("1.0"), KIM_START, "EG 11 TVöD"),
    (
        3,
        "Ausländer- und Einbürgerungsbehörde (§§ 25a/25b AufenthG, Einbürgerung)",
        PostCategory.FOREIGNERS_AUTHORITY,
        D("1.0"),
        date(2020, 10, 1),
        "EG 9c TVöD",
    ),
]

# Illustrative vacancies so the occupied/vacant figures have something to show.
LATE_OCCUPANCY = {
    "Sachbearbeitung Integration durch Sport": date(2020, 11, 1),
    "Case Management Simmerath": date(2020, 9, 1),
}

COST_RATES = {
    PostCategory.COORDINATION: D("62000"),
    PostCategory.CM_COORDINATION: D("62000"),
    PostCategory.FOREIGNERS_AUTHORITY: D("62000"),
    PostCategory.ASSISTANT: D("45000"),
}


@dataclass
class DemoPosts:
    modules: dict[int, Module]
    posts: list[Post]  # the county's own posts, then the carriers' posts
    carrier_posts: list[Post]


@transaction.atomic
def load(orgs: DemoOrganisations) -> DemoPosts:
    county, carriers, places = orgs.county, orgs.carriers, orgs.places
    modules = {}
    for number, name in MODULES:
        modules[number], _ = upsert(Module, number=number, defaults={"name": name})
    for year in (2020, 2021, 2022):
        for category, amount in COST_RATES.items():
            upsert(
                CostRate,
                category=category,
                year=year,
                defaults={"amount_per_fte": amount, "note": "angenommener Durchschnitt je VZÄ"},
            )

    posts: list[Post] = []
    for number, title, category, fte, start, grade in COUNTY_POSTS:
        post, _ = upsert(
            Post,
            module=modules[number],
            title=title,
            defaults={
                "category": category,
                "fte": fte,
                "employer": county,
                "place": places["Aachen"],
                "pay_grade": grade,
                "start": start,
                "end": KIM_END,
                "illustrative": False,
            },
        )
        posts.append(post)
    carrier_posts: list[Post] = []
    for slug, _name, _short, place in CARRIERS:
        post, _ = upsert(
            Post,
            module=modules[2],
            title=f"Case Management {place}",
            defaults={
                "category": PostCategory.CASE_MANAGEMENT,
                "fte": D("1.0"),
                "employer": carriers[slug],
                "place": places[place],
                "pay_grade": "S 12 TVöD SuE",
                "start": KIM_START,
                "end": KIM_END,
                "illustrative": True,
                "notes": "Vorlage 2020/0354 nennt Träger und Ort nicht; Zuordnung beispielhaft.",
            },
        )
        carrier_posts.append(post)
    posts += carrier_posts

    for post in posts:
        start = LATE_OCCUPANCY.get(post.title, post.start)
        Occupancy.objects.filter(post=post).exclude(start=start).delete()
        upsert(Occupancy, post=post, start=start, defaults={"end": post.end, "fte": post.fte})
    return DemoPosts(modules=modules, posts=posts, carrier_posts=carrier_posts)
