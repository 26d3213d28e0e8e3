"""The ``datum`` filter writes dates directly (kim.templatetags.kim): the text Django's
``date_format(value, "d.m.Y")`` gives, in every interface language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.utils import translation
from django.utils.formats import date_format

from kim.templatetags.kim import datum


def test_the_hand_values():
    assert datum(date(2020, 10, 1)) == "01.10.2020"
    assert datum(datetime(2021, 3, 9, 23, 30, tzinfo=timezone(timedelta(hours=-5)))) == "09.03.2021"
    assert datum(None) == "–"
    assert datum("") == "–"


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_same_text_as_date_format(language):
    values = [date(1999, 12, 31), date(2020, 2, 29), date(2026, 1, 5), datetime(2024, 7, 14, 0, 5, tzinfo=UTC)]
    with translation.override(language):
        for value in values:
            assert datum(value) == date_format(value, "d.m.Y")
