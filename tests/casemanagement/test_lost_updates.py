"""No lost updates in the register and the returns: a stale case form and a stale review button are refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from casemanagement import services
from casemanagement.models import ReturnStatus
from tests import factories as f
from tests.form_values import stale_edit, top_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_case):
    return make_case(date(2021, 3, 1))


@pytest.fixture
def submitted(carrier_a, post_a, case):
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    return services.return_submit(caseload_return=r)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_two_carrier_staff_editing_one_case_the_second_save_is_refused(carrier_a, case):
    first = _client(f.CarrierUserFactory(organisation=carrier_a))
    second = _client(f.CarrierUserFactory(organisation=carrier_a, first_name="Clara", last_name="Kurz"))
    url = reverse("casemanagement:case_edit", args=[case.public_id])
    response = stale_edit(
        url, first, second, first_changes={"legal_domain": "sgb3"}, second_changes={"legal_domain": "sgb12"}
    )
    assert response.status_code == 200
    errors = top_errors(response)
    assert errors[0].startswith("Dieser Datensatz wurde inzwischen von Clara Kurz am ")
    assert "Rechtskreis: SGB II → SGB XII" in errors
    case.refresh_from_db()
    assert case.legal_domain == "sgb12"


def test_accepting_from_a_page_shown_before_the_return_was_sent_back_is_refused(a46_user, submitted):
    """Anna has the submitted return open; Bernd sends it back; Anna's stale "Annehmen" must not accept it."""
    anna = _client(a46_user)
    bernd = _client(f.A46UserFactory(username="a46-berger", first_name="Bernd", last_name="Berger"))
    page = anna.get(submitted.get_absolute_url()).content.decode()
    loaded = submitted.version
    assert f'name="version" value="{loaded}"' in page
    bernd.post(
        reverse("casemanagement:return_send_back", args=[submitted.public_id]),
        {"reason": "Monat unvollständig", "version": loaded},
    )
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.RETURNED
    history = submitted.history.count()

    # Sent back, the return is the carrier's alone again: to A 46 it no longer exists (issue 14), so
    # the stale button meets a 404 instead of the version conflict; either way nothing is accepted.
    response = anna.post(reverse("casemanagement:return_accept", args=[submitted.public_id]), {"version": loaded})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_note) == (ReturnStatus.RETURNED, "Monat unvollständig")
    assert submitted.history.count() == history


def test_a_carriers_stale_submit_button_does_not_resubmit_a_return_under_review(carrier_a_user, a46_user, submitted):
    """The carrier's page still shows the draft (version before submitting); the return meanwhile was accepted."""
    services.return_accept(caseload_return=submitted)
    carrier = _client(carrier_a_user)
    response = carrier.post(
        reverse("casemanagement:return_submit", args=[submitted.public_id]),
        {"version": submitted.version - 1},
        follow=True,
    )
    assert any("wurde inzwischen" in str(m) for m in response.context["messages"])
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.ACCEPTED


def test_the_current_page_accepts(a46_user, submitted):
    anna = _client(a46_user)
    anna.post(reverse("casemanagement:return_accept", args=[submitted.public_id]), {"version": submitted.version})
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.ACCEPTED


# A button without a version is refused exactly like one from an outdated page (issue 14, item 8):
# the German message, nothing written, no 500. Each button family, and the same button with the page's
# version as the control that it can succeed.
NO_VERSION = "Die Seite ist veraltet oder unvollständig. Bitte die Seite neu laden und es erneut versuchen."


@pytest.fixture
def draft(carrier_a, post_a, case):
    return services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)


@pytest.fixture
def uploaded(draft):
    from casemanagement.csv_format import return_csv_bytes
    from casemanagement.selectors import return_figures

    return services.return_upload(
        caseload_return=draft, content=return_csv_bytes(return_figures(caseload_return=draft))
    )


@pytest.fixture
def accepted(submitted):
    return services.return_accept(caseload_return=submitted)


def _csv_file(r):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casemanagement.csv_format import return_csv_bytes
    from casemanagement.selectors import return_figures

    return SimpleUploadedFile("meldung.csv", return_csv_bytes(return_figures(caseload_return=r)))


BUTTONS = {
    # name: (the return's fixture, who presses, extra POST data, the status afterwards when it succeeds)
    "return_submit": ("draft", "carrier", lambda r: {}, ReturnStatus.SUBMITTED),
    "return_upload": ("draft", "carrier", lambda r: {"file": _csv_file(r)}, ReturnStatus.DRAFT),
    "return_use_register": ("uploaded", "carrier", lambda r: {}, ReturnStatus.DRAFT),
    "return_accept": ("submitted", "a46", lambda r: {}, ReturnStatus.ACCEPTED),
    "return_send_back": ("submitted", "a46", lambda r: {"reason": "Monat unvollständig"}, ReturnStatus.RETURNED),
    "return_reopen": ("accepted", "a46", lambda r: {"reason": "Korrektur"}, ReturnStatus.RETURNED),
}


def _press(request, name: str, *, with_version: bool):
    fixture, who, extra, _status = BUTTONS[name]
    r = request.getfixturevalue(fixture)
    r.refresh_from_db()
    user = request.getfixturevalue("carrier_a_user" if who == "carrier" else "a46_user")
    data = extra(r)
    if with_version:
        data["version"] = str(r.version)
    response = _client(user).post(reverse(f"casemanagement:{name}", args=[r.public_id]), data, follow=True)
    return r, response


@pytest.mark.parametrize("name", sorted(BUTTONS))
def test_a_return_button_without_a_version_is_refused_like_a_stale_one(request, name):
    r, response = (None, None)
    fixture = BUTTONS[name][0]
    before = request.getfixturevalue(fixture)
    before.refresh_from_db()
    history, version, status = before.history.count(), before.version, before.status
    r, response = _press(request, name, with_version=False)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [NO_VERSION]
    r.refresh_from_db()
    assert (r.status, r.version, r.history.count()) == (status, version, history)


@pytest.mark.parametrize("name", sorted(BUTTONS))
def test_the_same_return_button_with_the_pages_version_goes_through(request, name):
    r, response = _press(request, name, with_version=True)
    assert response.status_code == 200
    assert not any(m.level_tag == "error" for m in response.context["messages"])
    before = r.version
    r.refresh_from_db()
    assert r.status == BUTTONS[name][3]
    assert r.version == before + 1
