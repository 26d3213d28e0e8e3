"""Rules found while walking the carrier journey: a case needs a post that existed then, in module 2's area."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casemanagement import services
from tests import factories as f

pytestmark = pytest.mark.django_db


def data(post, municipality, opened):
    return {
        "responsible_post": post,
        "age_band": "27-44",
        "gender": "f",
        "municipality": municipality,
        "residence_status": "erlaubnis",
        "legal_domain": "sgb2",
        "phase": "intake",
        "opened_on": opened,
    }


def test_a_case_cannot_be_opened_on_a_post_outside_its_term(carrier_a, eschweiler):
    post = f.CarrierPostFactory(employer=carrier_a, place=eschweiler, start=date(2020, 7, 1), end=date(2022, 12, 31))
    with pytest.raises(ValidationError) as exc:
        services.case_create(carrier=carrier_a, data=data(post, eschweiler, date(2023, 1, 2)), topics=["work"])
    assert exc.value.message_dict["responsible_post"] == [
        "Die Stelle bestand am 02.01.2023 nicht (Laufzeit 01.07.2020 – 31.12.2022)."
    ]
    case = services.case_create(carrier=carrier_a, data=data(post, eschweiler, date(2022, 12, 31)), topics=["work"])
    assert case.pk


def test_a_case_from_the_city_of_aachen_is_refused_in_module_2(carrier_a, post_a):
    aachen = f.MunicipalityFactory(name="Aachen", module2_area=False)
    with pytest.raises(ValidationError) as exc:
        services.case_create(carrier=carrier_a, data=data(post_a, aachen, post_a.start), topics=["work"])
    assert "Aachen gehört nicht zum Fördergebiet von Modul 2" in exc.value.message_dict["municipality"][0]
