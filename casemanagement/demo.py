"""Demo: a year (2021) of synthetic, pseudonymous cases for the demo carriers, with their returns.

Synthetic throughout: no real person stands behind any case. Deterministic (``random.Random`` with a
fixed seed per carrier) and idempotent (a carrier that already has demo cases for 2021 is skipped).
About 100–150 new cases per funded VZÄ and year, with contacts and referrals; monthly returns for
January to November 2021: January–September accepted, October and November submitted, December left
as a draft. Also monthly indicators of the county's module 3 and module 1 posts.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from casemanagement import services
from casemanagement.models import (
    AgeBand,
    Case,
    CaseEpisode,
    CaseloadReturn,
    CaseTopic,
    ClosureReason,
    Contact,
    ContactMode,
    Gender,
    IndicatorReport,
    LegalDomain,
    Phase,
    Referral,
    ReferralStatus,
    ReferralTarget,
    ReopeningReason,
    ResidenceStatus,
    ReturnStatus,
    Topic,
)
from kim.models import Municipality, Organisation, OrganisationKind
from modules.models import Post

YEAR = 2021
SEED = 20210354  # paper 2020/0354
YEAR_END = date(YEAR, 12, 31)

# weights: the register of a module 2 post in a rural county, roughly
LEGAL_DOMAINS = [
    (LegalDomain.SGB2, 40),
    (LegalDomain.ASYLBLG, 20),
    (LegalDomain.SGB3, 8),
    (LegalDomain.SGB8, 10),
    (LegalDomain.SGB12, 7),
    (LegalDomain.NONE, 15),
]
RESIDENCE = [
    (ResidenceStatus.TEMPORARY, 40),
    (ResidenceStatus.ASYLUM_PENDING, 15),
    (ResidenceStatus.TOLERATED, 12),
    (ResidenceStatus.PERMANENT, 13),
    (ResidenceStatus.EU, 12),
    (ResidenceStatus.GERMAN, 4),
    (ResidenceStatus.OTHER, 4),
]
AGES = [
    (AgeBand.UNDER_18, 8),
    (AgeBand.AGE_18_26, 25),
    (AgeBand.AGE_27_44, 42),
    (AgeBand.AGE_45_64, 20),
    (AgeBand.AGE_65_PLUS, 5),
]
GENDERS = [(Gender.FEMALE, 48), (Gender.MALE, 48), (Gender.DIVERSE, 1), (Gender.NOT_STATED, 3)]
TOPICS = [
    (Topic.RESIDENCE, 30),
    (Topic.WORK, 35),
    (Topic.LANGUAGE, 30),
    (Topic.HOUSING, 20),
    (Topic.HEALTH, 15),
    (Topic.EDUCATION, 15),
    (Topic.FAMILY, 15),
    (Topic.OTHER, 5),
]
TARGETS = [
    (ReferralTarget.JOBCENTER, 30),
    (ReferralTarget.EMPLOYMENT_AGENCY, 8),
    (ReferralTarget.YOUTH_OFFICE, 8),
    (ReferralTarget.SOCIAL_OFFICE, 8),
    (ReferralTarget.JMD, 10),
    (ReferralTarget.MBE, 15),
    (ReferralTarget.PARTICIPATION, 5),
    (ReferralTarget.FOREIGNERS_AUTHORITY, 12),
    (ReferralTarget.OTHER, 4),
]
CLOSURES = [
    (ClosureReason.GOAL_REACHED, 45),
    (ClosureReason.HANDED_OVER, 25),
    (ClosureReason.MOVED_AWAY, 8),
    (ClosureReason.CONTACT_LOST, 15),
    (ClosureReason.OTHER, 7),
]
MODES = [(ContactMode.IN_PERSON, 55), (ContactMode.PHONE, 30), (ContactMode.VIDEO, 5), (ContactMode.OUTREACH, 10)]
OPEN_PHASES = [
    (Phase.INTAKE, 15),
    (Phase.ASSESSMENT, 20),
    (Phase.PLANNING, 20),
    (Phase.IMPLEMENTATION, 35),
    (Phase.EVALUATION, 10),
]


def pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=False)
    return rng.choices(values, weights=weights)[0]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


@transaction.atomic
def load() -> dict[str, int]:
    carriers = list(Organisation.objects.filter(kind=OrganisationKind.CARRIER).order_by("slug"))
    municipalities = list(Municipality.objects.filter(module2_area=True).order_by("name"))
    created = 0
    for index, carrier in enumerate(carriers):
        posts = list(Post.objects.filter(employer=carrier, module__number=2, start__lte=YEAR_END).order_by("pk"))
        if not posts or Case.objects.filter(carrier=carrier, opened_on__year=YEAR).exists():
            continue
        rng = random.Random(SEED + index)
        for post in posts:
            created += _load_register(rng, carrier, post, municipalities)
            _load_returns(carrier, post)
    _load_indicators()
    return {"cases": created}


def _load_register(rng: random.Random, carrier: Organisation, post: Post, municipalities) -> int:
    home = post.place if post.place in municipalities else municipalities[0]
    others = [m for m in municipalities if m != home]
    n = int(rng.randint(100, 150) * post.fte)
    openings = sorted(_day(rng, max(date(YEAR, 1, 4), post.start), date(YEAR, 12, 20)) for _ in range(n))
    prefix = services.code_prefix(carrier)
    cases, plans = [], []
    for number, opened in enumerate(openings, start=1):
        closed = opened + timedelta(days=rng.randint(20, 200))
        closed = closed if closed <= YEAR_END and rng.random() < 0.8 else None
        reopened = None
        if closed and rng.random() < 0.06 and closed + timedelta(days=30) < YEAR_END:
            reopened = _day(rng, closed + timedelta(days=14), min(YEAR_END, closed + timedelta(days=120)))
        case = Case(
            carrier=carrier,
            code=f"{prefix}-{YEAR}-{number:04d}",
            responsible_post=post,
            age_band=pick(rng, AGES),
            gender=pick(rng, GENDERS),
            municipality=home if rng.random() < 0.7 else rng.choice(others),
            residence_status=pick(rng, RESIDENCE),
            legal_domain=pick(rng, LEGAL_DOMAINS),
            opened_on=opened,
        )
        reason = pick(rng, CLOSURES) if closed else ""
        if closed and not reopened:
            case.closed_on, case.closure_reason, case.phase = closed, reason, Phase.CLOSED
        else:
            case.phase = pick(rng, OPEN_PHASES)
        cases.append(case)
        plans.append((opened, closed, reason, reopened))
    cases = bulk_create_with_history(cases, Case, batch_size=500)
    cases = list(Case.objects.filter(carrier=carrier, responsible_post=post, opened_on__year=YEAR).order_by("code"))
    episodes, topics, contacts, referrals = [], [], [], []
    for case, (opened, closed, reason, reopened) in zip(cases, plans, strict=False):
        episodes.append(CaseEpisode(case=case, number=1, start=opened, end=closed, closure_reason=reason))
        if reopened:
            episodes.append(
                CaseEpisode(
                    case=case,
                    number=2,
                    start=reopened,
                    reopening_reason=pick(rng, [(r, 1) for r in ReopeningReason.values]),
                )
            )
        for topic in sorted({pick(rng, TOPICS) for _ in range(rng.randint(1, 3))}):
            topics.append(CaseTopic(case=case, topic=topic))
        last = closed or YEAR_END
        for _ in range(rng.randint(1, 6)):
            contacts.append(
                Contact(
                    case=case,
                    date=_day(rng, opened, last),
                    duration_minutes=rng.choice([15, 30, 45, 60, 90]),
                    mode=pick(rng, MODES),
                )
            )
        for _ in range(rng.choices([0, 1, 2], weights=[35, 45, 20])[0]):
            referred = _day(rng, opened, last)
            status = rng.choices(ReferralStatus.values, weights=[25, 30, 10, 35])[0]
            follow_up = (
                referred + timedelta(days=rng.choice([14, 28, 42]))
                if status in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)
                else None
            )
            referrals.append(
                Referral(
                    case=case, target=pick(rng, TARGETS), referred_on=referred, status=status, follow_up_on=follow_up
                )
            )
    for model, objs in ((CaseEpisode, episodes), (CaseTopic, topics), (Contact, contacts), (Referral, referrals)):
        bulk_create_with_history(objs, model, batch_size=1000)
    return len(cases)


def _load_returns(carrier: Organisation, post: Post) -> None:
    for month in range(1, 13):
        r = CaseloadReturn.objects.filter(carrier=carrier, post=post, year=YEAR, month=month).first()
        if r is None:
            r = services.return_create(carrier=carrier, post=post, year=YEAR, month=month)
        if month <= 11 and r.status == ReturnStatus.DRAFT:
            r = services.return_submit(caseload_return=r)
        if month <= 9 and r.status == ReturnStatus.SUBMITTED:
            services.return_accept(caseload_return=r)


def _load_indicators() -> None:
    rng = random.Random(SEED)
    posts = (
        Post.objects.filter(module__number__in=[1, 3])
        .exclude(employer__kind=OrganisationKind.CARRIER)
        .select_related("module")
        .order_by("pk")
    )
    for post in posts:
        if post.category == "assistant":
            continue
        for month in range(1, 13):
            if IndicatorReport.objects.filter(post=post, year=YEAR, month=month).exists():
                continue
            if post.module.number == 3:
                started_a, started_b = rng.randint(2, 9), rng.randint(1, 6)
                data = {
                    "procedures_25a_started": started_a,
                    "procedures_25a_granted": rng.randint(0, started_a),
                    "procedures_25b_started": started_b,
                    "procedures_25b_granted": rng.randint(0, started_b),
                    "naturalisations_advised": rng.randint(10, 30),
                    "naturalisations_completed": rng.randint(3, 12),
                }
            else:
                events = rng.randint(0, 3)
                data = {
                    "events": events,
                    "trainings": rng.randint(0, 2),
                    "network_meetings": rng.randint(1, 4),
                    "participants": events * rng.randint(8, 30),
                }
            services.indicator_save(data={"post": post, "year": YEAR, "month": month, **data})
