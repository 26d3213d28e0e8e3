"""Deterministic bench data (fixed seed): ten years of a large county on top of the demo of 2020/0354.

County scale: 500 posts, 100 carriers, 200.000 pseudonymous cases with 1.000.000 contacts and referrals,
120 meetings and 3.000 papers, with the grants, allocations, contracts, cost plans, payments, proofs and
monthly caseload returns (frozen figures counted from the generated register, so statistics add up) that
the pages need. ``small`` is about 1/100, ``tiny`` a few hundred rows for the test suite, ``state`` 53
counties' worth of cases, carriers and posts in one database.

All rows go in through ``bench.rawinsert`` (no history; see there why).
"""

from __future__ import annotations

import functools
import random
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import DatabaseError, connection, transaction

from bench.rawinsert import RawTable, copy_in_background, reset_sequences, uuid_hex, without_indexes
from casemanagement.models import (
    AgeBand,
    Case,
    CaseEpisode,
    CaseloadReturn,
    CaseTopic,
    ClosureReason,
    Contact,
    ContactMode,
    Dimension,
    Gender,
    LegalDomain,
    Phase,
    Referral,
    ReferralStatus,
    ReferralTarget,
    ResidenceStatus,
    ReturnFigure,
    ReturnStatus,
    Topic,
)
from casemanagement.services import code_prefix
from committee.models import AgendaItem, Committee, Consultation, DecisionItem, Meeting, Paper, Section
from funding.models import (
    CarrierPayment,
    CostPlan,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    LandReceipt,
    Programme,
    ProofObligation,
    Rate,
)
from kim.models import Municipality, Organisation, OrganisationKind
from modules.models import Module, Occupancy, Post, PostCategory

SEED = 20200354
FIRST_YEAR, LAST_YEAR = 2017, 2026
DATA_END = date(2026, 10, 31)  # last day with register data; returns up to September are frozen
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scale:
    name: str
    carriers: int
    posts: int
    cases: int
    contacts: int
    referrals: int
    meetings: int
    papers: int


SCALES = {
    "tiny": Scale("tiny", carriers=8, posts=30, cases=300, contacts=900, referrals=300, meetings=4, papers=20),
    "small": Scale(
        "small", carriers=20, posts=60, cases=2_000, contacts=8_000, referrals=2_000, meetings=12, papers=60
    ),
    "county": Scale(
        "county",
        carriers=100,
        posts=500,
        cases=200_000,
        contacts=800_000,
        referrals=200_000,
        meetings=120,
        papers=3_000,
    ),
    # Ten counties' worth of cases, carriers and posts in one database: the state scale's growth on a
    # developer machine (PostgreSQL; docs/benchmarks-state-slice.md shows the ratio to county).
    "state-slice": Scale(
        "state-slice",
        carriers=100 * 10,
        posts=500 * 10,
        cases=200_000 * 10,
        contacts=800_000 * 10,
        referrals=200_000 * 10,
        meetings=120,
        papers=3_000,
    ),
    "state": Scale(
        "state",
        carriers=100 * 53,
        posts=500 * 53,
        cases=200_000 * 53,
        contacts=800_000 * 53,
        referrals=200_000 * 53,
        meetings=120,
        papers=3_000,
    ),
}
# Expected generation time per database on an otherwise idle 2-core machine. Measured on 2026-12-03 under a load of
# 8–10 (so wall times were 4–8 × the CPU): county 20 s Python CPU on PostgreSQL, 34 s on SQLite (SQLite's work
# included); state-slice 200 s Python CPU plus PostgreSQL's own work (loading, index build) – 25½ min wall under that
# load, estimated from the CPU times about 6 min idle. state extrapolated linearly from state-slice (5,3 ×; not run on this machine).
EXPECTED_MINUTES = {"tiny": 0.1, "small": 0.1, "county": 1, "state-slice": 6, "state": 35}


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


class Log:
    def __init__(self, out=None):
        self.out = out
        self.t0 = time.perf_counter()

    def __call__(self, msg: str) -> None:
        if self.out:
            self.out(f"  [{time.perf_counter() - self.t0:6.1f} s] {msg}")


def generate(scale: Scale, out=None) -> dict[str, int]:
    """Adds the bench data to a database that holds the demo (``load_demo``). Returns row counts."""
    log = Log(out)
    rng = random.Random(SEED)
    with transaction.atomic(), _without_row_triggers(log):
        ctx = _base(scale, rng, log)
        _funding(ctx, rng, log)
        with without_indexes([Case, CaseEpisode, CaseTopic, Contact, Referral, CaseloadReturn, ReturnFigure], log):
            _cases(scale, ctx, rng, log)
        _committee(scale, ctx, rng, log)
        reset_sequences(
            [
                Organisation,
                Post,
                Occupancy,
                Rate,
                CostPlan,
                GrantNotice,
                GrantAllocation,
                ForwardingContract,
                CarrierPayment,
                LandReceipt,
                ProofObligation,
                Case,
                CaseEpisode,
                CaseTopic,
                Contact,
                Referral,
                CaseloadReturn,
                ReturnFigure,
                Meeting,
                Paper,
                Section,
                DecisionItem,
                AgendaItem,
                Consultation,
            ]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log("fertig")
    return row_counts()


@contextmanager
def _without_row_triggers(log: Log):
    """PostgreSQL checks Django's foreign keys with deferred row triggers: for the state-slice's tens of
    millions of generated rows the queue of pending checks grew until commit and made COPY several
    times slower than SQLite's inserts. The generator writes consistent keys, so the bench database
    (superuser ``postgres``) loads with the session in replica mode, which skips those triggers; the
    constraints stay in place for everything afterwards. Elsewhere (no superuser, SQLite) nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            log("Fremdschlüssel-Trigger bleiben aktiv (kein Superuser)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def row_counts() -> dict[str, int]:
    models = [
        Organisation,
        Post,
        GrantNotice,
        GrantAllocation,
        ForwardingContract,
        CostPlan,
        Case,
        CaseEpisode,
        Contact,
        Referral,
        CaseloadReturn,
        ReturnFigure,
        Meeting,
        Paper,
        AgendaItem,
    ]
    return {m._meta.label: m.objects.count() for m in models}


# ------------------------------------------------------------------------------------------- base


def _base(scale: Scale, rng: random.Random, log: Log) -> dict:
    modules = {m.number: m for m in Module.objects.all()}
    municipalities = list(Municipality.objects.order_by("pk"))
    m2_places = [m for m in municipalities if getattr(m, "module2_area", True)] or municipalities
    county = Organisation.objects.filter(kind=OrganisationKind.COUNTY).order_by("pk").first()
    departments = list(Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("pk")) or [county]
    carriers = list(Organisation.objects.filter(kind=OrganisationKind.CARRIER).order_by("pk"))

    orgs = RawTable(Organisation)
    new_carriers = []
    for i in range(len(carriers) + 1, scale.carriers + 1):
        pk = orgs.add(
            kind=OrganisationKind.CARRIER,
            name=f"Bench-Träger {i:04d} gGmbH",
            short_name=f"Träger {i:04d}",
            slug=f"bench-traeger-{i:04d}",
            is_active=True,
            address="",
        )
        new_carriers.append(pk)
    orgs.flush()
    carriers = list(Organisation.objects.filter(kind=OrganisationKind.CARRIER).order_by("pk"))
    log(f"{len(carriers)} Träger")

    posts = RawTable(Post)
    occ = RawTable(Occupancy)
    existing = Post.objects.count()
    new_posts = []
    titles = {2: "Case Management", 1: "Koordination Modul 1", 3: "Koordination Modul 3"}
    for i in range(existing, scale.posts):
        r = rng.random()
        if r < 0.8:  # module 2 case management posts of carriers; every carrier gets at least one
            number, category = 2, PostCategory.CASE_MANAGEMENT
            employer = carriers[i % len(carriers)] if i - existing < len(carriers) else rng.choice(carriers)
            place = rng.choice(m2_places)
        elif r < 0.9:
            number, category, employer, place = (
                1,
                rng.choice([PostCategory.COORDINATION, PostCategory.FOREIGNERS_AUTHORITY]),
                rng.choice(departments),
                rng.choice(municipalities),
            )
        else:
            number, category, employer, place = (
                3,
                PostCategory.COORDINATION,
                rng.choice(departments),
                rng.choice(municipalities),
            )
        fte = rng.choice([Decimal("0.5"), Decimal("0.75"), Decimal("1.0"), Decimal("1.0")])
        start = (
            date(FIRST_YEAR, 1, 1)
            if rng.random() < 0.6
            else date(rng.randint(FIRST_YEAR, LAST_YEAR - 1), rng.choice([1, 4, 7, 10]), 1)
        )
        end = None if rng.random() < 0.85 else date(rng.randint(start.year + 1, LAST_YEAR + 1), 12, 31)
        pk = posts.add(
            module_id=modules[number].pk,
            title=f"{titles[number]} {i + 1:05d}",
            category=category,
            fte=fte,
            employer_id=employer.pk,
            place_id=place.pk,
            pay_grade=rng.choice(["EG 9c TVöD", "EG 10 TVöD", "EG 11 TVöD"]),
            start=start,
            end=end,
            illustrative=False,
            notes="",
        )
        occ.add(post_id=pk, start=start, end=end, fte=fte)
        new_posts.append(pk)
    posts.flush()
    occ.flush()
    log(f"{Post.objects.count()} Stellen")
    return {
        "modules": modules,
        "municipalities": municipalities,
        "county": county,
        "carriers": carriers,
        "new_posts": set(new_posts),
    }


# ---------------------------------------------------------------------------------------- funding


def _funding(ctx: dict, rng: random.Random, log: Log) -> None:
    programmes = list(Programme.objects.select_related("module").order_by("pk"))
    rates = {(r.programme_id, r.category, r.year): r.amount_per_fte for r in Rate.objects.all()}
    rate_table = RawTable(Rate)
    for programme in programmes:
        known = {(c, y): a for (p, c, y), a in rates.items() if p == programme.pk}
        categories = sorted({c for c, _y in known}) or [PostCategory.CASE_MANAGEMENT]
        for category in categories:
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                if (category, year) in known:
                    continue
                nearest = min((y for c, y in known if c == category), key=lambda y: abs(y - year), default=None)
                amount = known[(category, nearest)] if nearest else Decimal("55000.00")
                rate_table.add(
                    programme_id=programme.pk, category=category, year=year, amount_per_fte=amount, confirmed=True
                )
                rates[(programme.pk, category, year)] = amount
    rate_table.flush()

    demo_grant = GrantNotice.objects.order_by("pk").first()
    authority_id = demo_grant.authority_id if demo_grant else ctx["county"].pk
    recipient_id = demo_grant.recipient_id if demo_grant else ctx["county"].pk
    existing_grant_years = {(g.programme_id, g.period_start.year) for g in GrantNotice.objects.all()}
    posts = list(Post.objects.filter(pk__in=ctx["new_posts"]).order_by("pk"))
    posts_by_module = defaultdict(list)
    for post in posts:
        posts_by_module[post.module_id].append(post)

    grants, allocations, contracts = RawTable(GrantNotice), RawTable(GrantAllocation), RawTable(ForwardingContract)
    payments, receipts, proofs, plans = (
        RawTable(CarrierPayment),
        RawTable(LandReceipt),
        RawTable(ProofObligation),
        RawTable(CostPlan),
    )
    for post in posts:
        for year in range(
            max(post.start.year, FIRST_YEAR), min((post.end or date(LAST_YEAR, 12, 31)).year, LAST_YEAR) + 1
        ):
            personnel = (Decimal("62000") * post.fte * Decimal(1.02) ** (year - 2020)).quantize(CENT)
            plans.add(
                post_id=post.pk, year=year, personnel=personnel, material_overhead=Decimal("6000.00"), is_draft=False
            )
    plans.flush()
    carrier_ids = {c.pk for c in ctx["carriers"]}
    for programme in programmes:
        module_posts = posts_by_module.get(programme.module_id, [])
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if (programme.pk, year) in existing_grant_years or not module_posts:
                continue
            ys, ye = _year_bounds(year)
            active_posts = [p for p in module_posts if p.start <= ye and (p.end is None or p.end >= ys)]
            if not active_posts:
                continue
            # One notice holds at most 999,999 FTE (the field): larger scales get one notice per county's
            # worth of posts, the county scale keeps its single notice per programme and year.
            for part, active in enumerate(_fte_chunks(active_posts), start=1):
                grant_pk = grants.next_pk
                total, total_fte = Decimal(0), Decimal(0)
                for post in active:
                    start, end = max(ys, post.start), min(ye, post.end or ye)
                    share = Decimal((end - start).days + 1) / Decimal((ye - ys).days + 1)
                    rate = rates.get((programme.pk, post.category, year)) or Decimal("55000.00")
                    full = (rate * post.fte * share).quantize(CENT)
                    total += full
                    total_fte += post.fte
                    allocations.add(grant_id=grant_pk, post_id=post.pk, fte=post.fte, start=start, end=end)
                    if programme.module.number == 2 and post.employer_id in carrier_ids:
                        personnel = (Decimal("62000") * post.fte * Decimal(1.02) ** (year - 2020) * share).quantize(
                            CENT
                        )
                        amount = min(full, personnel)
                        contract_pk = contracts.add(
                            grant_id=grant_pk,
                            post_id=post.pk,
                            carrier_id=post.employer_id,
                            reference=f"WV-{year}-{post.pk:05d}",
                            signed_on=date(year, 1, 15) if year > FIRST_YEAR else start,
                            year=year,
                            start=start,
                            end=end,
                            amount=amount,
                            is_draft=False,
                        )
                        quarter = (amount / 4).quantize(CENT)
                        for q in range(4):
                            due = date(year, 3 * q + 1, 15)
                            if due < start or due > end:
                                continue
                            payments.add(
                                contract_id=contract_pk,
                                due_on=due,
                                amount=quarter,
                                paid_on=due if due <= DATA_END else None,
                            )
                        due_on = date(year + 1, 6, 30)
                        proofs.add(
                            kind="carrier",
                            contract_id=contract_pk,
                            grant_id=None,
                            due_on=due_on,
                            status="closed"
                            if due_on < date(2025, 1, 1)
                            else ("submitted" if due_on < DATA_END else "open"),
                        )
                grants.add(
                    id=grant_pk,
                    programme_id=programme.pk,
                    recipient_id=recipient_id,
                    authority_id=authority_id,
                    reference=f"BENCH-{programme.pk}-{year}" + (f"-{part}" if part > 1 else ""),
                    issued_on=date(year - 1, 12, 1),
                    period_start=ys,
                    period_end=ye,
                    approved_fte=total_fte,
                    amount=total,
                    is_draft=False,
                )
                grants.next_pk = max(grants.next_pk, grant_pk + 1)
                for half in (1, 7):
                    if date(year, half, 20) <= DATA_END:
                        receipts.add(
                            grant_id=grant_pk,
                            received_on=date(year, half, 20),
                            amount=(total / 2).quantize(CENT),
                            reference=f"ZE-{year}-{half}" + (f"-{part}" if part > 1 else ""),
                        )
                proofs.add(
                    kind="land", contract_id=None, grant_id=grant_pk, due_on=date(year + 1, 9, 30), status="open"
                )
    for table in (grants, allocations, contracts, payments, receipts, proofs):
        table.flush()
    log(
        f"{grants.count} Bescheide, {allocations.count} Zuordnungen, {contracts.count} Verträge, {plans.count} Kostenpläne"
    )


def _fte_chunks(posts: list[Post], limit: Decimal = Decimal("900")) -> list[list[Post]]:
    """The posts in order, cut into groups of at most ``limit`` FTE."""
    chunks: list[list[Post]] = [[]]
    fte = Decimal(0)
    for post in posts:
        if chunks[-1] and fte + post.fte > limit:
            chunks.append([])
            fte = Decimal(0)
        chunks[-1].append(post)
        fte += post.fte
    return chunks


# ------------------------------------------------------------------------------------------ cases


def _cases(scale: Scale, ctx: dict, rng: random.Random, log: Log) -> None:
    """Cases post by post: each post's cases, contacts, referrals and then its monthly returns, so memory stays
    bounded by one post (the state scale has 10,6 million cases).

    The hot loop of the generator (the state slice writes some 20 million rows): rows go in as plain tuples in
    database form (``RawTable.row``), and the random draws call the generator's own primitives directly –
    ``seq[below(len(seq))]`` is what ``rng.choice(seq)`` does and ``below(n + 1)`` what ``rng.randint(0, n)`` does,
    so the data are the same draw for draw as with the library calls."""
    carrier_ids = {c.pk for c in ctx["carriers"]}
    # Only generated posts: the demo's posts keep the demo's own cases and returns, so every generated return
    # adds up with the register exactly (tests/bench/test_bench.py checks that against the app's selector).
    posts = list(
        Post.objects.filter(module__number=2, employer_id__in=carrier_ids, pk__in=ctx["new_posts"])
        .order_by("pk")
        .values_list("pk", "employer_id", "start", "end")
    )
    municipalities = ctx["municipalities"]
    muni_pks = [m.pk for m in municipalities]
    muni_slug = {m.pk: m.slug for m in municipalities}
    ages, genders = AgeBand.values, Gender.values
    statuses, domains, topics = ResidenceStatus.values, LegalDomain.values, Topic.values
    reasons, modes, targets = ClosureReason.values, ContactMode.values, ReferralTarget.values
    ref_status = ReferralStatus.values
    open_phases = [p for p in Phase.values if p != Phase.CLOSED]
    closed_phase = str(Phase.CLOSED)
    counters: dict[tuple[int, int], int] = defaultdict(int)
    prefixes = {c.pk: code_prefix(c) for c in ctx["carriers"]}
    cases = RawTable(
        Case,
        columns=[
            "public_id",
            "carrier_id",
            "code",
            "responsible_post_id",
            "age_band",
            "gender",
            "municipality_id",
            "residence_status",
            "legal_domain",
            "phase",
            "opened_on",
            "closed_on",
            "closure_reason",
        ],
    )
    episodes = RawTable(
        CaseEpisode, columns=["case_id", "number", "start", "end", "closure_reason", "reopening_reason"]
    )
    case_topics = RawTable(CaseTopic, columns=["case_id", "topic"])
    contacts = RawTable(Contact, columns=["case_id", "date", "duration_minutes", "mode"])
    referrals = RawTable(Referral, columns=["case_id", "target", "referred_on", "status", "follow_up_on"])
    returns = RawTable(
        CaseloadReturn,
        columns=[
            "public_id",
            "carrier_id",
            "post_id",
            "year",
            "month",
            "status",
            "source",
            "submitted_at",
            "reviewed_at",
            "review_note",
        ],
    )
    figures = RawTable(ReturnFigure, columns=["caseload_return_id", "dimension", "key", "count"])
    contacts_per_case = scale.contacts / scale.cases
    referrals_per_case = scale.referrals / scale.cases
    n_contacts_base, contacts_extra = int(contacts_per_case), contacts_per_case % 1
    n_ref_base, ref_extra = int(referrals_per_case), referrals_per_case % 1
    # Cases per post: proportional to a random weight (busy and quiet posts), exactly scale.cases in total.
    weights = [rng.uniform(0.5, 1.5) for _ in posts]
    share = [int(scale.cases * w / sum(weights)) for w in weights]
    for k in range(scale.cases - sum(share)):
        share[k % len(share)] += 1
    months = [(y, m) for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13) if date(y, m, 1) <= DATA_END]
    below, random_, getrandbits, expovariate, sample = (
        rng._randbelow,  # type: ignore[attr-defined]  # what choice() and randint() draw with
        rng.random,
        rng.getrandbits,
        rng.expovariate,
        rng.sample,
    )
    n_reasons, n_domains, n_munis, n_ages, n_genders = (
        len(reasons),
        len(domains),
        len(muni_pks),
        len(ages),
        len(genders),
    )
    n_statuses, n_open, n_modes, n_targets, n_ref_status = (
        len(statuses),
        len(open_phases),
        len(modes),
        len(targets),
        len(ref_status),
    )
    topic_counts, durations, follow_days = [1, 1, 2, 3], [15, 30, 45, 60, 90], [14, 28, 42]
    # Days as ordinals: date arithmetic on ints, one fromordinal per stored date.
    fromordinal = date.fromordinal
    tot, dom, mun, top, clo, ref = (
        Dimension.TOTALS,
        Dimension.LEGAL_DOMAIN,
        Dimension.MUNICIPALITY,
        Dimension.TOPIC,
        Dimension.CLOSURE_REASON,
        Dimension.REFERRAL_TARGET,
    )
    key_new, key_closed = (tot, "new"), (tot, "closed")
    done = 0
    # The rows of a batch are stored by PostgreSQL while the next batch is generated (second core).
    with copy_in_background():
        for (post_pk, carrier_pk, post_start, post_end), n_cases in zip(posts, share, strict=False):
            first = max(post_start, date(FIRST_YEAR, 1, 1)).toordinal()
            last = min(post_end or DATA_END, DATA_END).toordinal()
            span = max(0, last - first) + 1
            prefix = prefixes[carrier_pk]
            # Monthly figures of this post, counted exactly as the register rules count them.
            flows: dict[tuple[int, int], dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
            net: dict[tuple[int, int], int] = defaultdict(int)
            for _ in range(n_cases):
                opened_n = first + below(span)
                opened = fromordinal(opened_n)
                closed = None
                closed_n = 0
                if random_() < 0.85:
                    candidate = opened_n + int(expovariate(1 / 240)) + 7
                    if candidate <= last:
                        closed_n = candidate
                        closed = fromordinal(candidate)
                reason = reasons[below(n_reasons)] if closed else ""
                year = opened.year
                counter_key = (carrier_pk, year)
                counters[counter_key] += 1
                # Demo codes have four digits; generated ones start at 05001 and cannot collide.
                code = f"{prefix}-{year}-{5000 + counters[counter_key]:05d}"
                domain = domains[below(n_domains)]
                muni = muni_pks[below(n_munis)]
                public_id = uuid_hex(getrandbits(128))
                age = ages[below(n_ages)]
                gender = genders[below(n_genders)]
                status = statuses[below(n_statuses)]
                phase = closed_phase if closed else open_phases[below(n_open)]
                case_pk = cases.row(
                    public_id,
                    carrier_pk,
                    code,
                    post_pk,
                    age,
                    gender,
                    muni,
                    status,
                    domain,
                    phase,
                    opened,
                    closed,
                    reason,
                )
                episodes.row(case_pk, 1, opened, closed, reason, "")
                case_topic_values = sample(topics, topic_counts[below(4)])
                for topic in case_topic_values:
                    case_topics.row(case_pk, topic)
                opened_month = (year, opened.month)
                f = flows[opened_month]
                f[key_new] += 1
                f[(dom, domain)] += 1
                f[(mun, muni_slug[muni])] += 1
                for topic in case_topic_values:
                    f[(top, topic)] += 1
                net[opened_month] += 1
                if closed:
                    closed_month = (closed.year, closed.month)
                    g = flows[closed_month]
                    g[key_closed] += 1
                    g[(clo, reason)] += 1
                    net[closed_month] -= 1
                span_end_n = closed_n if closed else last
                case_span = max(0, span_end_n - opened_n) + 1
                for _ in range(n_contacts_base + (random_() < contacts_extra)):
                    contacts.row(
                        case_pk,
                        fromordinal(opened_n + below(case_span)),
                        durations[below(5)],
                        modes[below(n_modes)],
                    )
                for _ in range(n_ref_base + (random_() < ref_extra)):
                    referred_n = opened_n + below(case_span)
                    referred = fromordinal(referred_n)
                    target = targets[below(n_targets)]
                    follow = fromordinal(referred_n + follow_days[below(3)]) if random_() < 0.5 else None
                    referrals.row(case_pk, target, referred, ref_status[below(n_ref_status)], follow)
                    flows[(referred.year, referred.month)][(ref, target)] += 1
                done += 1
                if done % 100_000 == 0:
                    log(f"{done} Fälle erzeugt")
            _returns(carrier_pk, post_pk, months, flows, net, returns, figures, rng)
        for table in (cases, episodes, case_topics, contacts, referrals, returns, figures):
            table.flush()
    log(
        f"{cases.count} Fälle, {contacts.count} Kontakte, {referrals.count} Verweisungen, "
        f"{returns.count} Meldungen, {figures.count} Meldungszahlen"
    )


def _returns(carrier_pk, post_pk, months, flows, net, returns: RawTable, figures: RawTable, rng: random.Random) -> None:
    """Monthly returns of one post from its first month with a case to the data end; frozen until September 2026.
    The figures are what the post's cases imply (``flows``, ``net``), not read back from the database."""
    if not net:
        return
    first_month = min(net)
    active = 0
    accepted, submitted, draft = str(ReturnStatus.ACCEPTED), str(ReturnStatus.SUBMITTED), str(ReturnStatus.DRAFT)
    tot = str(Dimension.TOTALS)
    for y, m in months:
        if (y, m) < first_month:
            continue
        start_stock = active
        active += net.get((y, m), 0)
        frozen = (y, m) < (2026, 10)
        status = (accepted if y < 2026 else submitted) if frozen else draft
        at = returns.prepare("submitted_at", _submitted_at(y, m)) if frozen else None
        return_pk = returns.row(
            uuid_hex(rng.getrandbits(128)),
            carrier_pk,
            post_pk,
            y,
            m,
            status,
            "register",
            at,
            at if status == accepted else None,
            "",
        )
        if not frozen:
            continue
        f = flows.get((y, m), {})
        add = figures.row
        add(return_pk, tot, "active_start", start_stock)
        add(return_pk, tot, "new", f.get((Dimension.TOTALS, "new"), 0))
        add(return_pk, tot, "reopened", 0)
        add(return_pk, tot, "closed", f.get((Dimension.TOTALS, "closed"), 0))
        add(return_pk, tot, "active_end", active)
        for (dimension, key), n in sorted(f.items()):
            if dimension != Dimension.TOTALS and n:
                add(return_pk, dimension, key, n)


@functools.cache
def _submitted_at(y: int, m: int) -> datetime:
    return datetime(y, m, 1, 9, 0, tzinfo=UTC) + timedelta(days=40)


# -------------------------------------------------------------------------------------- committee


def _committee(scale: Scale, ctx: dict, rng: random.Random, log: Log) -> None:
    committees = list(Committee.objects.order_by("pk"))
    department = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("pk").first() or ctx["county"]
    demo = Paper.objects.filter(number="2020/0354").first()
    snapshot = demo.snapshot if demo and demo.snapshot else {"figures": {}, "tables": {}}
    now = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
    meetings, papers = RawTable(Meeting), RawTable(Paper)
    sections, decisions, agenda, consultations = (
        RawTable(Section),
        RawTable(DecisionItem),
        RawTable(AgendaItem),
        RawTable(Consultation),
    )
    meeting_rows = []
    taken = set(Meeting.objects.values_list("committee_id", "date"))
    for i in range(scale.meetings):
        committee = committees[i % len(committees)]
        year = FIRST_YEAR + (i * (LAST_YEAR - FIRST_YEAR + 1)) // max(1, scale.meetings)
        day = date(year, 1, 10) + timedelta(days=(i * 37) % 330)
        while (committee.pk, day) in taken:
            day += timedelta(days=1)
        taken.add((committee.pk, day))
        stamp = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
        pk = meetings.add(
            committee_id=committee.pk,
            date=day,
            start_time=None,
            place="Verwaltungsgebäude, Raum A 101",
            public=True,
            cancelled=False,
            created=stamp,
            modified=stamp,
            deleted=False,
        )
        meeting_rows.append((pk, day))
    meetings.flush()
    taken_numbers = set(Paper.objects.values_list("number", flat=True))
    per_year: dict[int, int] = defaultdict(int)
    order_in_meeting: dict[int, int] = defaultdict(int)
    for i in range(scale.papers):
        meeting_pk, meeting_day = meeting_rows[i % len(meeting_rows)]
        year = meeting_day.year
        per_year[year] += 1
        number = f"{year}/{per_year[year]:04d}"
        while number in taken_numbers:
            per_year[year] += 1
            number = f"{year}/{per_year[year]:04d}"
        taken_numbers.add(number)
        paper_date = meeting_day - timedelta(days=14)
        stamp = datetime(paper_date.year, paper_date.month, paper_date.day, 8, tzinfo=UTC)
        decided = meeting_day <= DATA_END
        paper_pk = papers.add(
            number=number,
            title=f"Kommunales Integrationsmanagement – Bericht {number}",
            paper_type="decision",
            public=rng.random() < 0.9,
            lead_department_id=department.pk,
            date=paper_date,
            programme_year=min(year, 2021),
            decision_intro="Der Ausschuss fasst folgenden Beschluss:",
            status="decided" if decided else "released",
            signature_mode="im_auftrag",
            signatory="Dr. Muster",
            released_at=stamp,
            snapshot=snapshot,
            created=stamp,
            modified=now if rng.random() < 0.05 else stamp,
            deleted=False,
        )
        sections.add(
            paper_id=paper_pk,
            order=1,
            heading="Sachverhalt",
            body="Die Verwaltung berichtet über den Stand des Kommunalen Integrationsmanagements. " * 6,
            table_kind="",
        )
        sections.add(
            paper_id=paper_pk,
            order=2,
            heading="Finanzielle Auswirkungen",
            body="Die Mittel stehen im Haushalt bereit.",
            table_kind="",
        )
        decisions.add(
            paper_id=paper_pk,
            order=1,
            text="Der Ausschuss nimmt den Bericht zur Kenntnis und beschließt die Fortführung.",
        )
        order_in_meeting[meeting_pk] += 1
        n = order_in_meeting[meeting_pk]
        agenda.add(
            meeting_id=meeting_pk,
            order=n,
            number=str(n),
            title=f"Vorlage {number}",
            public=True,
            paper_id=paper_pk,
            created=stamp,
            modified=stamp,
            deleted=False,
        )
        consultations.add(
            paper_id=paper_pk,
            order=1,
            meeting_id=meeting_pk,
            role="entscheidung",
            result="ungeaendert" if decided else "",
            votes_yes=None,
            votes_no=None,
            votes_abstention=None,
            votes_biased=None,
            created=stamp,
            modified=stamp,
            deleted=False,
        )
    for table in (papers, sections, decisions, agenda, consultations):
        table.flush()
    log(f"{meetings.count} Sitzungen, {papers.count} Vorlagen")
