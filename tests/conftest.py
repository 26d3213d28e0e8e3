"""Shared fixtures: organisations, one user per role, and the situation of paper 2020/0354.

Everything here is built with the factories in ``tests/factories.py`` (never with the demo
loader), so a test states the inputs it relies on. Forwarding contracts and grant allocations go
through the services, as the application would create them.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from funding.models import CostPlan, ForwardingContract, GrantAllocation, GrantNotice, Programme, Rate
from funding.services import allocation_save, forwarding_save
from kim.models import Organisation, User
from kim.selectors import body_cache_clear, body_cache_prime, body_unconfigured
from modules.models import Post, PostCategory
from tests import factories as f

D = Decimal


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2 costs ~0,25 s per password; tests only need passwords to check, not to resist attacks."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def second_factor_off(settings):
    """Most tests log in with ``force_login``; the TOTP step has its own tests (tests/kim/test_login_security.py)
    and the browser journeys run with it switched on."""
    settings.KIM_REQUIRE_TOTP = False


@pytest.fixture(autouse=True)
def statistics_synchronous(settings):
    """The statistics are recomputed within the request, so a test sees its own writes at once; the
    background refresh has its own tests (tests/casemanagement/test_statistics_snapshot.py)."""
    settings.KIM_STATISTICS_BACKGROUND = False


@pytest.fixture(autouse=True)
def private_media(request, settings, tmp_path):
    """Uploads of a test go to a temporary directory, never into the project tree: the test's own, or, for a
    test on the shared demo, the demo's (its attachments live there)."""
    demo_media = request.getfixturevalue("demo") if "demo" in request.fixturenames else None
    # the shared demo yields its directory; a module's own ``demo`` fixture (browser tests) may yield nothing
    settings.MEDIA_ROOT = demo_media if isinstance(demo_media, str) else tmp_path / "media"


def _uses_shared_demo(item) -> bool:
    """Whether the test runs on the shared ``demo`` below (a module may define its own on top of it, the
    browser tests have their own, committed one)."""
    info = getattr(item, "_fixtureinfo", None)
    chain = info.name2fixturedefs.get("demo", ()) if info is not None else ()
    return any(d.func.__module__ == __name__ and d.func.__name__ == "demo" for d in chain)


def pytest_collection_modifyitems(config, items):
    """Tests that do not use the shared ``demo`` run first, those that do after them: the demo is loaded
    once, when the first test needs it, and stays until the session ends, so no test that did not ask
    for it may come later. Stable: within each group the files keep their order, and a file's tests
    their order in the file."""
    first_index: dict[object, int] = {}
    for index, item in enumerate(items):
        first_index.setdefault(item.module, index)
    items.sort(key=lambda item: (_uses_shared_demo(item), first_index[item.module]))


def _demo_scope(fixture_name: str, config) -> str:
    """Once per session; under pytest-xdist (``-n``) once per module: a worker may receive a file without
    the demo after one with it, so the demo must leave with its module there."""
    return "module" if hasattr(config, "workerinput") else "session"


@pytest.fixture(scope=_demo_scope)
def demo(django_db_setup, django_db_blocker):
    """`manage.py load_demo` once per test session, for tests that read (or change and roll back) the demo.

    The demo is loaded inside an outer transaction; each test's own transaction is a savepoint within it,
    so a test's writes vanish after it, and the whole demo is rolled back when the session ends. The tests
    that do not use it run before it is loaded (``pytest_collection_modifyitems``), so none of them sees it.
    Yields the directory holding the demo's files (MEDIA_ROOT of its tests). Loading costs about 2 s of
    CPU: once per run instead of once per module (37 modules); under xdist once per module (``_demo_scope``).
    The demo users' passwords are hashed with the tests' fast hasher (fast_password_hasher is set per test,
    after this), so a test can still sign in with the password "demo"."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
    ):
        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            yield media
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def body_cache_unconfigured():
    """Each test starts without a body (as an empty database), without spending a query on it;
    creating a Body clears the per-process cache (kim.apps), so the next page reads it."""
    body_cache_prime(body_unconfigured())
    yield
    body_cache_clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached figures (the A 46 dashboard) never carry over from one test's database to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- organisations ---------------------------------------------------------------------------------


@pytest.fixture
def land() -> Organisation:
    return f.LandFactory()


@pytest.fixture
def authority() -> Organisation:
    return f.AuthorityFactory()


@pytest.fixture
def county() -> Organisation:
    return f.CountyFactory()


@pytest.fixture
def ag_wohlfahrt() -> Organisation:
    """The carriers' umbrella (AG Wohlfahrt); carrier_a and carrier_b are its members."""
    return f.UmbrellaFactory()


@pytest.fixture
def carrier_a(ag_wohlfahrt) -> Organisation:
    return f.CarrierFactory(
        slug="caritas",
        name="Caritasverband für die Regionen Aachen-Stadt und Aachen-Land e. V.",
        short_name="Caritas",
        parent=ag_wohlfahrt,
    )


@pytest.fixture
def carrier_b(ag_wohlfahrt) -> Organisation:
    return f.CarrierFactory(
        slug="diakonie",
        name="Diakonisches Werk im Evangelischen Kirchenkreis Aachen e. V.",
        short_name="Diakonie",
        parent=ag_wohlfahrt,
    )


# --- users, one per role -------------------------------------------------------------------------------


@pytest.fixture
def a46_user() -> User:
    return f.A46UserFactory(username="a46-verwaltung")


@pytest.fixture
def committee_user() -> User:
    return f.CommitteeUserFactory(username="sitzungsdienst")


@pytest.fixture
def readonly_user() -> User:
    return f.ReadonlyUserFactory(username="rechnungspruefung")


@pytest.fixture
def carrier_a_user(carrier_a) -> User:
    return f.CarrierUserFactory(username="traeger-caritas", organisation=carrier_a)


@pytest.fixture
def carrier_b_user(carrier_b) -> User:
    return f.CarrierUserFactory(username="traeger-diakonie", organisation=carrier_b)


# --- the county's own posts (paper 2020/0354, 5,5 VZÄ) -------------------------------------------


@dataclass
class CountyOwnPosts:
    assistant: Post
    coordination: list[Post]  # module 1, 3 × 1,0 Sachbearbeitung
    cm_coordination: Post  # module 2, Koordinierung Case Management
    foreigners_authority: Post  # module 3, from 01.10.2020

    @property
    def all(self) -> list[Post]:
        return [self.assistant, *self.coordination, self.cm_coordination, self.foreigners_authority]


@pytest.fixture
def county_own_posts(county) -> CountyOwnPosts:
    """The county's own posts of the paper: 0,5 + 3 × 1,0 (module 1), 1,0 (module 2), 1,0 (module 3).

    Fixed-term for the funding commitment (01.07.2020–31.12.2022); module 3 starts 01.10.2020.
    All of them are active for the whole of 2021.
    """
    assistant = f.CountyPostFactory(
        employer=county, title="Verwaltungsassistenz", category=PostCategory.ASSISTANT, fte=D("0.5")
    )
    coordination = [
        f.CountyPostFactory(employer=county, title=title, category=PostCategory.COORDINATION, fte=D("1.0"))
        for title in (
            "Sachbearbeitung Fördermittelcontrolling und Projektberatung",
            "Sachbearbeitung Gesundheit, Migration und Flucht",
            "Sachbearbeitung Integration durch Sport",
        )
    ]
    cm_coordination = f.CountyPostFactory(
        employer=county,
        module=f.ModuleFactory(number=2),
        title="Koordinierung Case Management",
        category=PostCategory.CM_COORDINATION,
        fte=D("1.0"),
    )
    foreigners_authority = f.CountyPostFactory(
        employer=county,
        module=f.ModuleFactory(number=3),
        title="Ausländer- und Einbürgerungsbehörde (§§ 25a/25b AufenthG, Einbürgerung)",
        category=PostCategory.FOREIGNERS_AUTHORITY,
        fte=D("1.0"),
        start=date(2020, 10, 1),
    )
    return CountyOwnPosts(assistant, coordination, cm_coordination, foreigners_authority)


@pytest.fixture
def county_cost_rates_2021() -> dict[str, Decimal]:
    """Demo calibration (domain.md §2): 62.000 € per VZÄ, 45.000 € for the assistant post."""
    rates = {
        PostCategory.COORDINATION: D("62000"),
        PostCategory.CM_COORDINATION: D("62000"),
        PostCategory.FOREIGNERS_AUTHORITY: D("62000"),
        PostCategory.ASSISTANT: D("45000"),
    }
    for category, amount in rates.items():
        f.CostRateFactory(category=category, year=2021, amount_per_fte=amount)
    return rates


# --- paper 2020/0354, year 2021 ------------------------------------------------------------------------


@dataclass
class Paper20200354:
    """The paper's 2021 situation: module 2 with 1 county + 5 carrier posts, grant, plans, contracts."""

    county: Organisation
    authority: Organisation
    umbrella: Organisation
    carriers: list[Organisation]
    programme: Programme
    rates: dict[str, Rate]
    own: CountyOwnPosts
    coordination_post: Post
    carrier_posts: list[Post]
    grant: GrantNotice
    allocations: list[GrantAllocation] = field(default_factory=list)
    cost_plans: list[CostPlan] = field(default_factory=list)
    forwardings: list[ForwardingContract] = field(default_factory=list)

    @property
    def module2_posts(self) -> list[Post]:
        return [self.coordination_post, *self.carrier_posts]


# (slug, name, short name, municipality) — the paper names neither carrier nor place: illustrative.
PAPER_OTHER_CARRIERS = [
    ("awo", "AWO Kreisverband Aachen-Land e. V.", "AWO", "Alsdorf"),
    ("drk", "DRK-Kreisverband Städteregion Aachen e. V.", "DRK", "Simmerath"),
    ("arbeitsplattform-migration", "Arbeitsplattform Migration", "Arbeitsplattform Migration", "Herzogenrath"),
]


@pytest.fixture
def paper_2020_0354(county, authority, ag_wohlfahrt, carrier_a, carrier_b, county_own_posts) -> Paper20200354:
    """Paper 2020/0354 for 2021, built with factories and the services.

    - programme "KIM Modul 2", rate 55.000 € per VZÄ for case management and its coordination (2021);
    - 6 posts of module 2: the county's coordination + 5 case-management posts at the carriers
      (Caritas = carrier_a, Diakonie = carrier_b, AWO, DRK, Arbeitsplattform Migration), all
      members of AG Wohlfahrt; the county's module 1 and 3 posts exist too (county_own_posts);
    - the 2021 grant notice: 6 VZÄ, 330.000 €, 01.01.–31.12.2021, allocated 1,0 to each post;
    - cost plans 2021: 64.000 € personnel + 6.000 € overhead per carrier post;
    - forwarding contracts 01.01.–31.12.2021 through ``forwarding_save``.
    """
    module2 = f.ModuleFactory(number=2)
    programme = f.KimProgrammeFactory(module=module2)
    rates = {
        category: f.RateFactory(programme=programme, category=category, year=2021, amount_per_fte=D("55000"))
        for category in (PostCategory.CASE_MANAGEMENT, PostCategory.CM_COORDINATION)
    }
    carriers = [carrier_a, carrier_b] + [
        f.CarrierFactory(slug=slug, name=name, short_name=short, parent=ag_wohlfahrt)
        for slug, name, short, _place in PAPER_OTHER_CARRIERS
    ]
    places = ["Eschweiler", "Stolberg"] + [place for *_rest, place in PAPER_OTHER_CARRIERS]
    carrier_posts = [
        f.CarrierPostFactory(
            module=module2,
            employer=carrier,
            title=f"Case Management {place}",
            place=f.MunicipalityFactory(name=place),
            illustrative=True,
        )
        for carrier, place in zip(carriers, places, strict=True)
    ]
    grant = f.GrantNoticeFactory(
        programme=programme,
        recipient=county,
        authority=authority,
        reference="36.08.05-KIM-M2-2021",
        issued_on=date(2021, 2, 15),
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        approved_fte=D("6"),
        amount=D("330000"),
    )
    paper = Paper20200354(
        county=county,
        authority=authority,
        umbrella=ag_wohlfahrt,
        carriers=carriers,
        programme=programme,
        rates=rates,
        own=county_own_posts,
        coordination_post=county_own_posts.cm_coordination,
        carrier_posts=carrier_posts,
        grant=grant,
    )
    for post in paper.module2_posts:
        paper.allocations.append(
            allocation_save(
                grant=grant,
                data={"post": post, "fte": D("1.0"), "start": date(2021, 1, 1), "end": date(2021, 12, 31)},
            )
        )
    for post in carrier_posts:
        paper.cost_plans.append(
            f.CostPlanFactory(post=post, year=2021, personnel=D("64000"), material_overhead=D("6000"))
        )
        paper.forwardings.append(
            forwarding_save(
                data={
                    "grant": grant,
                    "post": post,
                    "reference": f"WV-KIM2-2021-{post.employer.slug}",
                    "signed_on": date(2021, 1, 20),
                    "start": date(2021, 1, 1),
                    "end": date(2021, 12, 31),
                }
            )
        )
    return paper
