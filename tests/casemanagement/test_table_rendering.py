"""The case register's rows rendered in one pass (kim.tables.rows_html) equal django_tables2's rendering:
linked case numbers, German dates, choice labels, the contact count, an empty closing date."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.casemanagement.test_query_budget import add_case
from tests.views.test_table_rendering import assert_same_table

pytestmark = pytest.mark.django_db


def test_the_register_renders_the_same_table_as_django_tables2(client, carrier_a_user, make_case):
    add_case(make_case, 1)
    make_case(date(2021, 2, 1), date(2021, 6, 30))
    client.force_login(carrier_a_user)
    response = client.get(reverse("casemanagement:case_list"))
    html = response.content.decode()
    assert "30.06.2021" in html and "01.02.2021" in html
    assert_same_table(response)
