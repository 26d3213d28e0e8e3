"""factory_boy factories for the KIM administration.

Defaults follow paper 2020/0354 (StädteRegion Aachen, 2021): a module 2 case-management post of
1,0 VZÄ at a welfare carrier, the rate of 55.000 € per VZÄ, a grant of 330.000 € for 6 VZÄ, a
carrier cost plan of 64.000 € personnel + 6.000 € overhead.

Factories write rows directly (no service rules). Where a rule matters for a test, go through
the service (``forwarding_save``, ``allocation_save`` …); forwarding contracts have no factory on
purpose, because their amount is computed by ``funding.services.forwarding_save``.

Natural keys use ``django_get_or_create`` so that asking twice for "module 2", "KIM Modul 2" or
the slug "staedteregion-aachen" gives the same row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory, Password

from funding.models import (
    BudgetKind,
    BudgetLine,
    CostPlan,
    ForecastBasis,
    GrantAllocation,
    GrantNotice,
    OwnShareRequest,
    Programme,
    Rate,
    RequestStatus,
)
from kim.models import Municipality, Organisation, OrganisationKind, Role, User
from kim.periods import Proration
from modules.models import CostRate, Module, Occupancy, PersonnelCost, Post, PostCategory

D = Decimal
TEST_PASSWORD = "test-passwort-kim-2021"

KIM_START = date(2020, 7, 1)
KIM_END = date(2022, 12, 31)

MODULE_NAMES = {
    1: "Strategisches Kommunales Integrationsmanagement (strategischer Overhead)",
    2: "Rechtskreisübergreifendes Case Management",
    3: "Ausländer- und Einbürgerungsbehörden",
}


# --- kim: organisations, municipalities, users -------------------------------------------------


class OrganisationFactory(DjangoModelFactory):
    """A generic organisation; prefer the kind-specific factories below."""

    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    kind = OrganisationKind.CARRIER
    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = ""
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:60])
    parent = None


class LandFactory(OrganisationFactory):
    kind = OrganisationKind.LAND
    name = "Land Nordrhein-Westfalen"
    short_name = "Land NRW"
    slug = "land-nrw"


class AuthorityFactory(OrganisationFactory):
    kind = OrganisationKind.AUTHORITY
    name = "Bezirksregierung Arnsberg, Dezernat 36"
    short_name = "BR Arnsberg, Dez. 36"
    slug = "bezreg-arnsberg-dez36"
    parent = factory.SubFactory(LandFactory)


class CountyFactory(OrganisationFactory):
    kind = OrganisationKind.COUNTY
    name = "StädteRegion Aachen"
    short_name = "StädteRegion Aachen"
    slug = "staedteregion-aachen"


class DepartmentFactory(OrganisationFactory):
    kind = OrganisationKind.DEPARTMENT
    name = "A 46 – Kommunales Integrationszentrum"
    short_name = "A 46"
    slug = "a46"
    parent = factory.SubFactory(CountyFactory)


class UmbrellaFactory(OrganisationFactory):
    kind = OrganisationKind.UMBRELLA
    name = "Arbeitsgemeinschaft der Verbände der Freien Wohlfahrtspflege StädteRegion Aachen"
    short_name = "AG Wohlfahrt"
    slug = "ag-wohlfahrt"


class CarrierFactory(OrganisationFactory):
    kind = OrganisationKind.CARRIER
    name = factory.Sequence(lambda n: f"Träger {n} e. V.")
    short_name = factory.Sequence(lambda n: f"Träger {n}")
    slug = factory.Sequence(lambda n: f"traeger-{n}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")))
    official_key = ""
    module2_area = True


class UserFactory(DjangoModelFactory):
    """A read-only user (Rechnungsprüfung); the role factories below set the other roles."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"benutzer{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Benutzer {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = Password(TEST_PASSWORD)
    role = Role.READONLY
    organisation = None


class ReadonlyUserFactory(UserFactory):
    role = Role.READONLY


class A46UserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"a46-{n}")
    role = Role.ADMIN


class CommitteeUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"sitzungsdienst-{n}")
    role = Role.COMMITTEE


class CarrierUserFactory(UserFactory):
    """Carrier staff are bound to exactly one carrier (database constraint)."""

    username = factory.Sequence(lambda n: f"traeger-personal-{n}")
    role = Role.CARRIER
    organisation = factory.SubFactory(CarrierFactory)


# --- modules: modules, posts, occupancy, personnel cost -----------------------------------------


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = Module
        django_get_or_create = ("number",)

    number = 2
    name = factory.LazyAttribute(lambda m: MODULE_NAMES[m.number])


class PostFactory(DjangoModelFactory):
    """A carrier post: module 2 case management, 1,0 VZÄ, 01.07.2020–31.12.2022 (befristet)."""

    class Meta:
        model = Post

    module = factory.SubFactory(ModuleFactory, number=2)
    title = factory.Sequence(lambda n: f"Case Management {n}")
    category = PostCategory.CASE_MANAGEMENT
    fte = D("1.000")
    employer = factory.SubFactory(CarrierFactory)
    place = None
    pay_grade = ""
    start = KIM_START
    end = KIM_END


class CarrierPostFactory(PostFactory):
    pass


class CountyPostFactory(PostFactory):
    """A post of the county itself (not forwarded): by default a module 1 coordination post."""

    module = factory.SubFactory(ModuleFactory, number=1)
    title = factory.Sequence(lambda n: f"Sachbearbeitung {n}")
    category = PostCategory.COORDINATION
    employer = factory.SubFactory(CountyFactory)


class OccupancyFactory(DjangoModelFactory):
    """Occupies the whole post for its whole term unless told otherwise."""

    class Meta:
        model = Occupancy

    post = factory.SubFactory(PostFactory)
    start = factory.LazyAttribute(lambda o: o.post.start)
    end = factory.LazyAttribute(lambda o: o.post.end)
    fte = factory.LazyAttribute(lambda o: o.post.fte)


class CostRateFactory(DjangoModelFactory):
    """The county's planned personnel cost per VZÄ (demo calibration: 62.000 € for coordination)."""

    class Meta:
        model = CostRate
        django_get_or_create = ("category", "year")

    category = PostCategory.COORDINATION
    year = 2021
    amount_per_fte = D("62000.00")
    note = "Testdaten"


class PersonnelCostFactory(DjangoModelFactory):
    class Meta:
        model = PersonnelCost

    post = factory.SubFactory(CountyPostFactory)
    year = 2021
    amount = D("62000.00")


# --- funding -------------------------------------------------------------------------------------


class ProgrammeFactory(DjangoModelFactory):
    """A programme outside KIM (e.g. "KOMM-AN NRW"); KimProgrammeFactory for the KIM modules."""

    class Meta:
        model = Programme
        django_get_or_create = ("short_name",)

    short_name = factory.Sequence(lambda n: f"Programm {n}")
    name = factory.LazyAttribute(lambda p: p.short_name)
    module = None
    funder = factory.SubFactory(LandFactory)
    personnel_costs_only = True
    # The older tests' hand calculations count days; the month rules have their own tests.
    proration = Proration.DAYS


class KimProgrammeFactory(ProgrammeFactory):
    module = factory.SubFactory(ModuleFactory, number=2)
    short_name = factory.LazyAttribute(lambda p: f"KIM Modul {p.module.number}")
    name = factory.LazyAttribute(lambda p: f"Kommunales Integrationsmanagement – Modul {p.module.number}")


class RateFactory(DjangoModelFactory):
    """Fachbezogene Pauschale: 55.000 € per VZÄ and year (2020–2022)."""

    class Meta:
        model = Rate
        django_get_or_create = ("programme", "category", "year")

    programme = factory.SubFactory(KimProgrammeFactory)
    category = PostCategory.CASE_MANAGEMENT
    year = 2021
    amount_per_fte = D("55000.00")


class GrantNoticeFactory(DjangoModelFactory):
    """The 2021 module 2 notice: 6 VZÄ × 55.000 € = 330.000 €, 01.01.–31.12.2021."""

    class Meta:
        model = GrantNotice

    programme = factory.SubFactory(KimProgrammeFactory)
    recipient = factory.SubFactory(CountyFactory)
    authority = factory.SubFactory(AuthorityFactory)
    reference = factory.Sequence(lambda n: f"36.08.05-TEST-{n}")
    issued_on = factory.LazyAttribute(lambda g: date(g.period_start.year, 2, 15))
    period_start = date(2021, 1, 1)
    period_end = date(2021, 12, 31)
    approved_fte = D("6.000")
    amount = D("330000.00")


class GrantAllocationFactory(DjangoModelFactory):
    """Funds the whole post for the whole grant period unless told otherwise (no service checks)."""

    class Meta:
        model = GrantAllocation

    grant = factory.SubFactory(GrantNoticeFactory)
    post = factory.SubFactory(PostFactory)
    fte = factory.LazyAttribute(lambda a: a.post.fte)
    start = factory.LazyAttribute(lambda a: a.grant.period_start)
    end = factory.LazyAttribute(lambda a: a.grant.period_end)


class CostPlanFactory(DjangoModelFactory):
    """AG Wohlfahrt's plan per post: 64.000 € personnel + 6.000 € material/overhead."""

    class Meta:
        model = CostPlan

    post = factory.SubFactory(CarrierPostFactory)
    year = 2021
    personnel = D("64000.00")
    material_overhead = D("6000.00")


class OwnShareRequestFactory(DjangoModelFactory):
    """AG Wohlfahrt's application of 25.05.2020: 100.000 € own share, budget year 2021."""

    class Meta:
        model = OwnShareRequest

    applicant = factory.SubFactory(UmbrellaFactory)
    received_on = date(2020, 5, 25)
    subject = "Übernahme des verbleibenden Eigenanteils"
    requested_amount = D("100000.00")
    budget_year = 2021
    status = RequestStatus.RECEIVED
    decided_amount = None
    decided_on = None


class BudgetLineFactory(DjangoModelFactory):
    """Teilprodukt 946100, Sachkonto 414100 „Zuweisungen und Zuschüsse für lfd. Zwecke v. Land“."""

    class Meta:
        model = BudgetLine
        django_get_or_create = ("year", "teilprodukt", "sachkonto", "kind")

    year = 2021
    teilprodukt = "946100"
    sachkonto = "414100"
    kind = BudgetKind.INCOME
    label = "Zuweisungen und Zuschüsse für lfd. Zwecke v. Land"
    planned_amount = D("570000.00")
    forecast_basis = ForecastBasis.LAND_INCOME
