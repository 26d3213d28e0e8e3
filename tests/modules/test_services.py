"""Writes about posts: FTE never below what occupancies and grants use, occupancies within the post."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from modules.models import Occupancy, Post, PostCategory
from modules.services import occupancy_save, post_save
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal


def messages(excinfo, field: str) -> list[str]:
    return excinfo.value.message_dict[field]


# --- post_save -------------------------------------------------------------------------------------------


def test_post_save_creates_a_carrier_post_with_the_given_fields(carrier_a):
    post = post_save(
        data={
            "module": f.ModuleFactory(number=2),
            "title": "Case Management Eschweiler",
            "category": PostCategory.CASE_MANAGEMENT,
            "fte": D("1.0"),
            "employer": carrier_a,
            "start": date(2020, 7, 1),
            "end": date(2022, 12, 31),
        }
    )
    post.refresh_from_db()
    assert post.employer == carrier_a
    assert post.fte == D("1.000")
    assert post.end == date(2022, 12, 31)


def test_post_save_refuses_an_umbrella_as_employer(ag_wohlfahrt):
    with pytest.raises(ValidationError) as excinfo:
        post_save(
            data={
                "module": f.ModuleFactory(number=2),
                "title": "Case Management",
                "category": PostCategory.CASE_MANAGEMENT,
                "fte": D("1.0"),
                "employer": ag_wohlfahrt,
                "start": date(2021, 1, 1),
            }
        )
    assert messages(excinfo, "employer") == [
        "Anstellungsträger kann nur die Körperschaft (Kreis/Stadt), ein Amt, ein Träger oder eine kreisangehörige Kommune sein."
    ]
    assert not Post.objects.exists()


def test_post_save_refuses_an_fte_above_one():
    post = f.CarrierPostFactory()
    with pytest.raises(ValidationError) as excinfo:
        post_save(post=post, data={"fte": D("1.5")})
    # the database constraint post_fte_between_0_and_1, checked by full_clean before saving
    assert "__all__" in excinfo.value.message_dict
    post.refresh_from_db()
    assert post.fte == D("1.000")


def test_post_save_refuses_to_reduce_the_fte_below_the_occupied_share():
    post = f.CarrierPostFactory(fte=D("1.0"))
    f.OccupancyFactory(post=post, start=date(2020, 7, 1), end=date(2022, 12, 31), fte=D("1.0"))

    with pytest.raises(ValidationError) as excinfo:
        post_save(post=post, data={"fte": D("0.5")})

    assert messages(excinfo, "fte") == [
        "Die Stelle ist zeitweise mit mehr VZÄ besetzt, als der neue Stellenanteil erlaubt."
    ]
    post.refresh_from_db()
    assert post.fte == D("1.000")


def test_post_save_refuses_to_reduce_the_fte_below_two_overlapping_occupancies():
    # 0,5 + 0,5 overlap from 01.01.2021 to 30.06.2021: 1,0 VZÄ occupied, 0,75 would be too little.
    post = f.CarrierPostFactory(fte=D("1.0"))
    f.OccupancyFactory(post=post, start=date(2020, 7, 1), end=date(2021, 6, 30), fte=D("0.5"))
    f.OccupancyFactory(post=post, start=date(2021, 1, 1), end=date(2022, 12, 31), fte=D("0.5"))

    with pytest.raises(ValidationError) as excinfo:
        post_save(post=post, data={"fte": D("0.75")})

    assert "fte" in excinfo.value.message_dict


def test_post_save_allows_reducing_the_fte_down_to_the_occupied_share():
    post = f.CarrierPostFactory(fte=D("1.0"))
    f.OccupancyFactory(post=post, fte=D("0.5"))

    post_save(post=post, data={"fte": D("0.5")})

    post.refresh_from_db()
    assert post.fte == D("0.500")


def test_post_save_refuses_to_reduce_the_fte_below_the_funded_share():
    post = f.CarrierPostFactory(fte=D("1.0"))
    f.GrantAllocationFactory(post=post, fte=D("1.0"))

    with pytest.raises(ValidationError) as excinfo:
        post_save(post=post, data={"fte": D("0.5")})

    assert messages(excinfo, "fte") == [
        "Für die Stelle sind zeitweise mehr VZÄ gefördert, als der neue Stellenanteil erlaubt."
    ]
    post.refresh_from_db()
    assert post.fte == D("1.000")


def test_post_save_refuses_to_end_the_post_before_its_occupancy_ends():
    # Found while writing these tests (only the FTE was checked); fixed in modules/services.py.
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=date(2022, 12, 31))
    f.OccupancyFactory(post=post, start=date(2020, 7, 1), end=date(2022, 12, 31), fte=D("1.0"))

    with pytest.raises(ValidationError) as excinfo:
        post_save(post=post, data={"end": date(2021, 12, 31)})

    assert messages(excinfo, "end") == [
        "Eine Besetzung (ab 01.07.2020) läge außerhalb der neuen Laufzeit; bitte zuerst die Besetzung anpassen."
    ]
    post.refresh_from_db()
    assert post.end == date(2022, 12, 31)


def test_post_save_refuses_to_start_the_post_after_its_occupancy_starts():
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=date(2022, 12, 31))
    f.OccupancyFactory(post=post, start=date(2020, 9, 1), end=date(2022, 12, 31), fte=D("1.0"))

    with pytest.raises(ValidationError) as excinfo:
        post_save(post=post, data={"start": date(2021, 1, 1)})

    assert messages(excinfo, "start") == [
        "Eine Besetzung (ab 01.09.2020) läge außerhalb der neuen Laufzeit; bitte zuerst die Besetzung anpassen."
    ]


def test_post_save_refuses_to_end_a_carrier_post_before_its_forwarding_contract(paper_2020_0354):
    post = paper_2020_0354.carrier_posts[0]  # forwarding contract 01.01.–31.12.2021

    with pytest.raises(ValidationError) as excinfo:
        post_save(post=post, data={"end": date(2021, 6, 30)})

    assert messages(excinfo, "end") == ["Der Weiterleitungsvertrag 2021 läge außerhalb der neuen Laufzeit."]
    post.refresh_from_db()
    assert post.end == date(2022, 12, 31)


def test_post_save_allows_extending_the_post_term():
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=date(2022, 12, 31))
    f.OccupancyFactory(post=post)

    post_save(post=post, data={"end": date(2023, 12, 31)})

    post.refresh_from_db()
    assert post.end == date(2023, 12, 31)


# --- occupancy_save ------------------------------------------------------------------------------------


def test_occupancy_save_records_an_occupancy_within_the_post():
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=date(2022, 12, 31))

    occ = occupancy_save(post=post, data={"start": date(2020, 9, 1), "end": date(2022, 12, 31), "fte": D("1.0")})

    occ.refresh_from_db()
    assert occ.post == post
    assert occ.start == date(2020, 9, 1)
    assert occ.fte == D("1.000")


def test_occupancy_save_refuses_overlapping_occupancies_above_the_post_fte():
    post = f.CarrierPostFactory(fte=D("1.0"), start=date(2020, 7, 1), end=date(2022, 12, 31))
    occupancy_save(post=post, data={"start": date(2021, 1, 1), "end": date(2021, 6, 30), "fte": D("0.75")})

    with pytest.raises(ValidationError) as excinfo:
        occupancy_save(post=post, data={"start": date(2021, 4, 1), "end": date(2021, 12, 31), "fte": D("0.5")})

    # 0,75 + 0,5 = 1,25 VZÄ from 01.04.2021 on a post of 1,0 VZÄ
    assert messages(excinfo, "fte") == ["Ab 01.04.2021 wären 1,25 VZÄ besetzt, die Stelle hat nur 1,0 VZÄ."]
    assert Occupancy.objects.filter(post=post).count() == 1


def test_occupancy_save_allows_one_occupancy_to_follow_another():
    post = f.CarrierPostFactory(fte=D("1.0"), start=date(2020, 7, 1), end=date(2022, 12, 31))
    occupancy_save(post=post, data={"start": date(2020, 7, 1), "end": date(2021, 3, 31), "fte": D("1.0")})

    occupancy_save(post=post, data={"start": date(2021, 4, 1), "end": date(2022, 12, 31), "fte": D("1.0")})

    assert Occupancy.objects.filter(post=post).count() == 2


def test_occupancy_save_allows_a_job_share_up_to_the_post_fte():
    post = f.CarrierPostFactory(fte=D("1.0"))
    occupancy_save(post=post, data={"start": date(2021, 1, 1), "end": date(2022, 12, 31), "fte": D("0.5")})

    occupancy_save(post=post, data={"start": date(2021, 1, 1), "end": date(2022, 12, 31), "fte": D("0.5")})

    assert Occupancy.objects.filter(post=post).count() == 2


def test_occupancy_save_may_change_an_occupancy_without_counting_it_twice():
    post = f.CarrierPostFactory(fte=D("1.0"))
    occ = occupancy_save(post=post, data={"start": date(2021, 1, 1), "end": date(2022, 12, 31), "fte": D("1.0")})

    occupancy_save(post=post, occupancy=occ, data={"start": date(2021, 2, 1)})

    occ.refresh_from_db()
    assert occ.start == date(2021, 2, 1)
    assert Occupancy.objects.filter(post=post).count() == 1


def test_occupancy_save_refuses_an_occupancy_starting_before_the_post():
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=date(2022, 12, 31))

    with pytest.raises(ValidationError) as excinfo:
        occupancy_save(post=post, data={"start": date(2020, 6, 1), "end": date(2022, 12, 31), "fte": D("1.0")})

    assert messages(excinfo, "start") == ["Die Besetzung muss innerhalb der Laufzeit der Stelle beginnen."]
    assert not Occupancy.objects.exists()


def test_occupancy_save_refuses_an_occupancy_starting_after_the_post_ends():
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=date(2022, 12, 31))

    with pytest.raises(ValidationError) as excinfo:
        occupancy_save(post=post, data={"start": date(2023, 1, 1), "end": date(2023, 6, 30), "fte": D("1.0")})

    assert messages(excinfo, "start") == ["Die Besetzung muss innerhalb der Laufzeit der Stelle beginnen."]


def test_occupancy_save_refuses_an_occupancy_ending_after_the_post():
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=date(2022, 12, 31))

    with pytest.raises(ValidationError) as excinfo:
        occupancy_save(post=post, data={"start": date(2021, 1, 1), "end": date(2023, 3, 31), "fte": D("1.0")})

    assert messages(excinfo, "end") == ["Die Besetzung endet spätestens mit der Stelle am 31.12.2022."]
    assert not Occupancy.objects.exists()


def test_occupancy_save_refuses_an_open_ended_occupancy_of_a_fixed_term_post():
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=date(2022, 12, 31))

    with pytest.raises(ValidationError) as excinfo:
        occupancy_save(post=post, data={"start": date(2021, 1, 1), "end": None, "fte": D("1.0")})

    assert messages(excinfo, "end") == ["Die Besetzung endet spätestens mit der Stelle am 31.12.2022."]


def test_occupancy_save_allows_an_open_ended_occupancy_of_an_open_ended_post():
    post = f.CarrierPostFactory(start=date(2020, 7, 1), end=None)

    occ = occupancy_save(post=post, data={"start": date(2021, 1, 1), "end": None, "fte": D("1.0")})

    assert occ.pk is not None
    assert occ.end is None
