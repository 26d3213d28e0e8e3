"""kim.reversing.fast_reverse returns what reverse() returns, also under a script prefix."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse, set_script_prefix

from kim.reversing import fast_reverse


@pytest.fixture
def prefix():
    yield
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("modules:post_detail", [7]),
        ("modules:post_detail", [123456]),
        ("casemanagement:case_detail", [uuid.UUID("12345678-1234-4234-8234-123456789abc")]),
        ("modules:post_list", []),
        ("kim:carrier_detail", ["caritas"]),  # a slug: reverse() itself
    ],
)
@pytest.mark.parametrize("script_prefix", ["/", "/kim-verwaltung/"])
def test_fast_reverse_equals_reverse(prefix, name, args, script_prefix):
    set_script_prefix(script_prefix)
    expected = reverse(name, args=args)
    assert fast_reverse(name, args=args) == expected
    assert fast_reverse(name, args=args) == expected  # from the cached pattern
    assert expected.startswith(script_prefix)


def test_different_numbers_give_different_urls():
    assert fast_reverse("modules:post_detail", args=[1]) == "/stellen/1/"
    assert fast_reverse("modules:post_detail", args=[22]) == "/stellen/22/"
