"""Pages of the register and the returns: roles, scoping (another carrier = 404), validation, query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casemanagement import services
from casemanagement.models import Case, CaseloadReturn, Contact, ReturnStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_registers(make_case, carrier_b, post_b, stolberg):
    a = make_case(date(2021, 3, 1))
    b = make_case(date(2021, 3, 2), carrier=carrier_b, post=post_b, municipality=stolberg)
    return a, b


def page_version(obj) -> dict[str, str]:
    """The hidden ``version`` the object's page carries (buttons without it are refused)."""
    return {"version": str(type(obj)._base_manager.get(pk=obj.pk).version)}


def login(client, user):
    client.force_login(user)
    return client


def case_urls(case) -> list[str]:
    pid = case.public_id
    return [
        reverse(f"casemanagement:{name}", args=[pid])
        for name in ("case_detail", "case_edit", "contact_create", "referral_create", "case_close")
    ]


def test_the_register_lists_only_the_own_carriers_cases(client, carrier_a_user, two_registers):
    a, b = two_registers
    html = login(client, carrier_a_user).get(reverse("casemanagement:case_list")).content.decode()
    assert a.code in html and b.code not in html
    assert "Diakonie" not in html and "Stolberg" not in html.split("<form")[0]


def test_another_carriers_case_pages_answer_404(client, carrier_a_user, two_registers):
    _a, b = two_registers
    login(client, carrier_a_user)
    assert [client.get(url).status_code for url in case_urls(b)] == [404] * 5


def test_a46_committee_and_readonly_never_see_single_cases(
    client, a46_user, committee_user, readonly_user, two_registers
):
    a, _b = two_registers
    for user in (a46_user, committee_user, readonly_user):
        login(client, user)
        assert client.get(reverse("casemanagement:case_list")).status_code == 403
        assert client.get(a.get_absolute_url()).status_code == 403


def test_anonymous_users_are_sent_to_the_login(client, two_registers):
    a, _b = two_registers
    for url in [
        reverse("casemanagement:case_list"),
        a.get_absolute_url(),
        reverse("casemanagement:return_list"),
        reverse("casemanagement:statistics"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_post_dropdown_offers_only_the_own_posts(client, carrier_a_user, two_registers, post_b):
    html = login(client, carrier_a_user).get(reverse("casemanagement:case_create")).content.decode()
    assert "Case Management Eschweiler" in html and post_b.title not in html
    html = client.get(reverse("casemanagement:case_list")).content.decode()
    assert post_b.title not in html
    html = client.get(reverse("casemanagement:return_create")).content.decode()
    assert post_b.title not in html


def test_a_carrier_creates_a_case_and_gets_the_next_code(client, carrier_a_user, post_a, eschweiler, two_registers):
    response = login(client, carrier_a_user).post(
        reverse("casemanagement:case_create"),
        {
            "responsible_post": post_a.pk,
            "opened_on": "05.03.2021",
            "age_band": "18-26",
            "gender": "m",
            "municipality": eschweiler.pk,
            "residence_status": "duldung",
            "legal_domain": "asylblg",
            "phase": "intake",
            "topics": ["residence", "language"],
        },
    )
    case = Case.objects.get(opened_on=date(2021, 3, 5))
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.code == "CAR-2021-0002"  # CAR-2021-0001 exists (two_registers)
    assert sorted(case.topics.values_list("topic", flat=True)) == ["language", "residence"]


def test_a_contact_in_the_future_is_rejected_in_german_and_nothing_is_saved(client, carrier_a_user, two_registers):
    a, _b = two_registers
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d.%m.%Y")
    response = login(client, carrier_a_user).post(
        reverse("casemanagement:contact_create", args=[a.public_id]),
        {"date": tomorrow, "duration_minutes": "30", "mode": "phone"},
    )
    assert response.status_code == 200
    assert "Der Kontakt darf nicht in der Zukunft liegen." in response.content.decode()
    assert Contact.objects.count() == 0


def test_closing_before_the_opening_is_rejected_at_the_field(client, carrier_a_user, two_registers):
    a, _b = two_registers
    response = login(client, carrier_a_user).post(
        reverse("casemanagement:case_close", args=[a.public_id]), {"closed_on": "28.02.2021", "reason": "goal_reached"}
    )
    assert "Der Abschluss darf nicht vor der Eröffnung (01.03.2021) liegen." in response.content.decode()
    a.refresh_from_db()
    assert a.closed_on is None


def test_a_follow_up_before_the_referral_is_rejected(client, carrier_a_user, two_registers):
    a, _b = two_registers
    response = login(client, carrier_a_user).post(
        reverse("casemanagement:referral_create", args=[a.public_id]),
        {"target": "jobcenter", "referred_on": "10.03.2021", "status": "pending", "follow_up_on": "01.03.2021"},
    )
    assert "Die Wiedervorlage darf nicht vor der Verweisung (10.03.2021) liegen." in response.content.decode()


def test_close_and_reopen_with_a_reason_show_in_the_history_and_the_deletion_date(
    client, carrier_a_user, two_registers, settings
):
    settings.CASE_RETENTION_MONTHS = 24
    a, _b = two_registers
    login(client, carrier_a_user)
    client.post(
        reverse("casemanagement:case_close", args=[a.public_id]), {"closed_on": "31.03.2021", "reason": "moved_away"}
    )
    html = client.get(a.get_absolute_url()).content.decode()
    # 31.03.2021 + 24 months = 31.03.2023, in the past: no deletion date in the past is announced
    assert "wird gelöscht am" not in html
    assert "die Aufbewahrungsfrist ist am 31.03.2023 abgelaufen; der Fall wird beim nächsten Lauf gelöscht" in html
    client.post(
        reverse("casemanagement:case_reopen", args=[a.public_id]), {"reopened_on": "15.04.2021", "reason": "new_need"}
    )
    a.refresh_from_db()
    assert (a.closed_on, a.phase, a.episodes.count()) == (None, "intake", 2)
    assert "wird gelöscht" not in client.get(a.get_absolute_url()).content.decode()


def test_a_deletion_date_still_ahead_is_announced_with_its_date(client, carrier_a_user, two_registers, settings):
    settings.CASE_RETENTION_MONTHS = 24
    a, _b = two_registers
    login(client, carrier_a_user)
    closed = timezone.localdate() - timedelta(days=1)
    client.post(
        reverse("casemanagement:case_close", args=[a.public_id]),
        {"closed_on": f"{closed:%d.%m.%Y}", "reason": "moved_away"},
    )
    html = client.get(a.get_absolute_url()).content.decode()
    expected = date(closed.year + 2, closed.month, min(closed.day, 28 if closed.month == 2 else closed.day))
    assert f"wird gelöscht am {expected:%d.%m.%Y}" in html  # closed yesterday + 24 months
    assert "beim nächsten Lauf" not in html


def test_an_overdue_follow_up_is_highlighted_on_the_case_and_the_home_page(client, carrier_a_user, two_registers):
    a, _b = two_registers
    services.referral_save(
        case=a, data={"target": "jmd", "referred_on": date(2021, 3, 2), "follow_up_on": date(2021, 4, 1)}
    )
    login(client, carrier_a_user)
    assert "überfällig" in client.get(a.get_absolute_url()).content.decode()
    home = client.get(reverse("dashboard")).content.decode()
    assert a.code in home and "Überfällige Wiedervorlagen" in home


def add_cases(make_case, n):
    for i in range(n):
        c = make_case(date(2021, 1, 1 + i), topics=("work", "health"))
        services.contact_add(case=c, data={"date": date(2021, 2, 1), "duration_minutes": 30, "mode": "phone"})


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_register_runs_a_fixed_number_of_queries(client, carrier_a_user, make_case):
    login(client, carrier_a_user)
    url = reverse("casemanagement:case_list")
    add_cases(make_case, 1)
    one = queries(client, url)
    add_cases(make_case, 3)
    assert queries(client, url) == one


def test_the_case_page_runs_a_fixed_number_of_queries(client, carrier_a_user, make_case):
    login(client, carrier_a_user)
    case = make_case(date(2021, 1, 4))
    services.referral_save(case=case, data={"target": "jmd", "referred_on": date(2021, 3, 2)})
    one = queries(client, case.get_absolute_url())
    for day in (5, 6, 7):
        services.contact_add(case=case, data={"date": date(2021, 2, day), "duration_minutes": 30, "mode": "phone"})
        services.referral_save(case=case, data={"target": "mbe", "referred_on": date(2021, 3, day)})
    assert queries(client, case.get_absolute_url()) == one


# ---------------------------------------------------------------------------------------------- returns


@pytest.fixture
def returns(two_registers, carrier_a, carrier_b, post_a, post_b):
    ra = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    rb = services.return_create(carrier=carrier_b, post=post_b, year=2021, month=3)
    return ra, rb


def test_another_carriers_return_answers_404_and_is_not_listed(client, carrier_a_user, returns):
    ra, rb = returns
    login(client, carrier_a_user)
    assert client.get(rb.get_absolute_url()).status_code == 404
    assert client.post(reverse("casemanagement:return_submit", args=[rb.public_id])).status_code == 404
    assert client.get(reverse("casemanagement:return_csv", args=[rb.public_id])).status_code == 404
    html = client.get(reverse("casemanagement:return_list")).content.decode()
    assert ra.get_absolute_url() in html and rb.get_absolute_url() not in html and "Diakonie" not in html


def test_a_carrier_submits_and_a46_accepts_from_the_review_queue(client, carrier_a_user, a46_user, returns):
    ra, _rb = returns
    login(client, carrier_a_user).post(reverse("casemanagement:return_submit", args=[ra.public_id]), page_version(ra))
    login(client, a46_user)
    queue = client.get(reverse("casemanagement:review_queue")).content.decode()
    assert ra.get_absolute_url() in queue
    detail = client.get(ra.get_absolute_url()).content.decode()
    assert "&lt;5" in detail  # one new case in March: shown as <5 to A 46
    client.post(reverse("casemanagement:return_accept", args=[ra.public_id]), page_version(ra))
    ra.refresh_from_db()
    assert ra.status == ReturnStatus.ACCEPTED


def test_a46_returns_a_return_only_with_a_reason(client, carrier_a_user, a46_user, returns):
    ra, _rb = returns
    login(client, carrier_a_user).post(reverse("casemanagement:return_submit", args=[ra.public_id]), page_version(ra))
    login(client, a46_user)
    client.post(reverse("casemanagement:return_send_back", args=[ra.public_id]), {"reason": "", **page_version(ra)})
    ra.refresh_from_db()
    assert ra.status == ReturnStatus.SUBMITTED
    client.post(
        reverse("casemanagement:return_send_back", args=[ra.public_id]),
        {"reason": "Monat unvollständig", **page_version(ra)},
    )
    ra.refresh_from_db()
    assert (ra.status, ra.review_note) == (ReturnStatus.RETURNED, "Monat unvollständig")


def test_readonly_users_get_403_on_review_actions_and_carriers_on_accepting(
    client, readonly_user, carrier_a_user, returns
):
    ra, _rb = returns
    login(client, readonly_user)
    assert client.post(reverse("casemanagement:return_accept", args=[ra.public_id])).status_code == 403
    assert client.get(reverse("casemanagement:review_queue")).status_code == 403
    login(client, carrier_a_user)
    assert client.post(reverse("casemanagement:return_accept", args=[ra.public_id])).status_code == 403


def test_a_bad_csv_upload_shows_line_and_column_and_imports_nothing(client, carrier_a_user, returns):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ra, _rb = returns
    content = b"Bereich;Merkmal;Anzahl\nBestand und Bewegung;Bestand am Anfang;x\n"
    login(client, carrier_a_user)
    response = client.post(
        reverse("casemanagement:return_upload", args=[ra.public_id]),
        {"file": SimpleUploadedFile("m.csv", content), **page_version(ra)},
        follow=True,
    )
    assert "Zeile 2, Spalte „Anzahl“" in response.content.decode()
    assert ra.figures.count() == 0


def test_a_csv_upload_with_a_field_beyond_the_csv_limit_is_a_german_message_not_a_500(client, carrier_a_user, returns):
    """The probe's upload with a field of more than 131.072 characters (csv.Error) answered 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    ra, _rb = returns
    content = ("Bereich;Merkmal;Anzahl\nRechtskreis;" + "x" * 140_000 + ";1\n").encode()
    login(client, carrier_a_user)
    client.raise_request_exception = True
    response = client.post(
        reverse("casemanagement:return_upload", args=[ra.public_id]),
        {"file": SimpleUploadedFile("m.csv", content), **page_version(ra)},
        follow=True,
    )
    assert response.status_code == 200
    assert "ein Feld ist zu lang oder enthält Steuerzeichen" in response.content.decode()
    assert ra.figures.count() == 0


def test_the_return_list_runs_a_fixed_number_of_queries(client, a46_user, carrier_a, post_a):
    # submitted returns: A 46 lists no drafts (they are the carrier's alone)
    login(client, a46_user)
    url = reverse("casemanagement:return_list")
    made = []
    for m in (1, 2, 3, 4):
        r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=m)
        made.append(services.return_submit(caseload_return=r))
        if m == 1:
            one = queries(client, url)
    html = client.get(url).content.decode()
    assert all(r.get_absolute_url() in html for r in made)
    assert queries(client, url) == one


def test_drafts_and_returned_returns_are_the_carriers_alone_staff_get_404_and_no_list_entry(
    client, carrier_a_user, a46_user, committee_user, readonly_user, carrier_a, post_a, make_case
):
    """A draft is counted live from the register: shown to A 46 it gave away one person's legal
    domain the moment the carrier opened the case. Staff see returns only once submitted (frozen)."""
    make_case(date(2021, 3, 1))
    draft = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    sent_back = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=4)
    services.return_submit(caseload_return=sent_back)
    services.return_send_back(caseload_return=sent_back, reason="Monat unvollständig")
    reopened = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=5)
    services.return_submit(caseload_return=reopened)
    services.return_accept(caseload_return=reopened)
    services.return_reopen(caseload_return=reopened, reason="Korrektur")
    submitted = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=6)
    services.return_submit(caseload_return=submitted)
    hidden = (draft, sent_back, reopened)
    for user in (a46_user, readonly_user):
        login(client, user)
        for r in hidden:
            assert client.get(r.get_absolute_url()).status_code == 404, (user.username, r.status)
        listing = client.get(reverse("casemanagement:return_list")).content.decode()
        assert submitted.get_absolute_url() in listing
        assert not any(r.get_absolute_url() in listing for r in hidden)
        assert client.get(submitted.get_absolute_url()).status_code == 200
        # asking the list for drafts gives nothing (the filter offers frozen states only)
        drafts = client.get(reverse("casemanagement:return_list"), {"status": "draft"}).content.decode()
        assert draft.get_absolute_url() not in drafts
        assert 'value="draft"' not in listing and 'value="returned"' not in listing
    login(client, a46_user)
    assert client.post(reverse("casemanagement:return_accept", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("casemanagement:review_queue")).content.decode().count(draft.get_absolute_url()) == 0
    login(client, committee_user)  # the committee reads no return at all: refused before any lookup
    for r in (*hidden, submitted):
        assert client.get(r.get_absolute_url()).status_code == 403
    # the carrier still has all of them
    login(client, carrier_a_user)
    for r in (*hidden, submitted):
        assert client.get(r.get_absolute_url()).status_code == 200
    listing = client.get(reverse("casemanagement:return_list")).content.decode()
    assert all(r.get_absolute_url() in listing for r in (*hidden, submitted))


def test_committee_staff_get_one_and_the_same_refusal_for_every_return_so_a_draft_is_not_told_apart(
    client, committee_user, carrier_a, post_a
):
    """Committee staff reach no return at all: a draft, a sent-back, a submitted and a made-up return
    answer alike (403 before any lookup), so the refusal says nothing about which returns exist."""
    import uuid

    draft = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    sent_back = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=4)
    services.return_submit(caseload_return=sent_back)
    services.return_send_back(caseload_return=sent_back, reason="Monat unvollständig")
    submitted = services.return_submit(
        caseload_return=services.return_create(carrier=carrier_a, post=post_a, year=2021, month=5)
    )
    login(client, committee_user)
    urls = [r.get_absolute_url() for r in (draft, sent_back, submitted)]
    urls.append(reverse("casemanagement:return_detail", args=[uuid.uuid4()]))
    answers = [client.get(url) for url in urls]
    assert [a.status_code for a in answers] == [403] * 4
    assert not any(carrier_a.name in a.content.decode() for a in answers)


def test_a46_shown_a_submitted_return_sees_the_frozen_figures_not_the_register_of_today(
    client, a46_user, carrier_a, post_a, make_case
):
    # five new cases in March, frozen at submission; a sixth opened afterwards must not show up
    for day in range(1, 6):
        make_case(date(2021, 3, day))
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    services.return_submit(caseload_return=r)
    make_case(date(2021, 3, 20))
    html = login(client, a46_user).get(r.get_absolute_url()).content.decode()
    assert '<td>Neuaufnahmen</td><td class="num">5</td>' in html
    assert '<td class="num">6</td>' not in html


def test_sending_a_return_back_takes_a46_to_the_review_queue(client, a46_user, carrier_a, post_a):
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    services.return_submit(caseload_return=r)
    r.refresh_from_db()
    login(client, a46_user)
    response = client.post(
        reverse("casemanagement:return_send_back", args=[r.public_id]),
        {"reason": "Monat unvollständig", "version": r.version},
    )
    r.refresh_from_db()
    assert r.status == ReturnStatus.RETURNED
    assert response.status_code == 302 and response["Location"] == reverse("casemanagement:review_queue")


def test_the_carrier_home_lists_drafts_and_missing_returns_of_the_own_posts_only(
    client, carrier_a_user, returns, post_b
):
    ra, _rb = returns  # March 2021 drafts for A and B
    html = login(client, carrier_a_user).get(reverse("dashboard")).content.decode()
    assert ra.get_absolute_url() in html and "03/2021" in html
    assert post_b.title not in html and "Diakonie" not in html


def test_the_carrier_home_runs_a_fixed_number_of_queries(client, carrier_a_user, make_case, carrier_a, post_a):
    login(client, carrier_a_user)
    url = reverse("dashboard")
    c = make_case(date(2021, 1, 4))
    services.referral_save(
        case=c, data={"target": "jmd", "referred_on": date(2021, 3, 2), "follow_up_on": date(2021, 4, 1)}
    )
    services.return_create(carrier=carrier_a, post=post_a, year=2021, month=1)
    one = queries(client, url)
    for m in (2, 3, 4):
        c = make_case(date(2021, m, 4))
        services.referral_save(
            case=c, data={"target": "jmd", "referred_on": date(2021, m, 5), "follow_up_on": date(2021, m, 20)}
        )
        services.return_create(carrier=carrier_a, post=post_a, year=2021, month=m)
    assert queries(client, url) == one


def test_a_return_for_a_month_outside_the_posts_term_is_rejected(client, carrier_a_user, post_a):
    # the post runs 01.07.2020–31.12.2022
    response = login(client, carrier_a_user).post(
        reverse("casemanagement:return_create"), {"post": post_a.pk, "year": "2020", "month": "6"}
    )
    assert "Die Stelle bestand in diesem Monat nicht (01.07.2020 – 31.12.2022)." in response.content.decode()
    assert not CaseloadReturn.objects.exists()


def test_a_case_cannot_be_given_another_carriers_post(client, carrier_a_user, post_b, eschweiler):
    response = login(client, carrier_a_user).post(
        reverse("casemanagement:case_create"),
        {
            "responsible_post": post_b.pk,
            "opened_on": "05.03.2021",
            "age_band": "18-26",
            "gender": "m",
            "municipality": eschweiler.pk,
            "residence_status": "duldung",
            "legal_domain": "asylblg",
            "phase": "intake",
            "topics": ["work"],
        },
    )
    assert response.status_code == 200 and not Case.objects.exists()
    assert "gültige Auswahl" in response.content.decode() or "valid choice" in response.content.decode()


def test_a_carrier_edits_a_case_and_its_topics(client, carrier_a_user, two_registers, post_a, stolberg):
    a, _b = two_registers
    response = login(client, carrier_a_user).post(
        reverse("casemanagement:case_edit", args=[a.public_id]),
        {
            "responsible_post": post_a.pk,
            "opened_on": "01.03.2021",
            "age_band": "45-64",
            "gender": "x",
            "municipality": stolberg.pk,
            "residence_status": "eu",
            "legal_domain": "sgb12",
            "phase": "planning",
            "topics": ["health", "housing"],
            "version": a.version,
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.age_band, a.municipality, a.legal_domain, a.phase) == ("45-64", stolberg, "sgb12", "planning")
    assert sorted(a.topics.values_list("topic", flat=True)) == ["health", "housing"]


def test_a46_reopens_an_accepted_return_only_with_a_reason(client, a46_user, returns):
    ra, _rb = returns
    services.return_submit(caseload_return=ra)
    services.return_accept(caseload_return=ra)
    login(client, a46_user)
    response = client.post(
        reverse("casemanagement:return_reopen", args=[ra.public_id]), {"reason": "", **page_version(ra)}, follow=True
    )
    assert "Bitte eine Begründung angeben" in response.content.decode()
    client.post(
        reverse("casemanagement:return_reopen", args=[ra.public_id]),
        {"reason": "Korrektur der Abschlüsse", **page_version(ra)},
    )
    ra.refresh_from_db()
    assert (ra.status, ra.review_note) == (ReturnStatus.RETURNED, "Korrektur der Abschlüsse")


@pytest.mark.parametrize("query", ["year=99999", "year=abc&quarter=9", "quarter=-1", "export=pdf"])
def test_odd_statistics_parameters_never_give_a_500(client, a46_user, query):
    login(client, a46_user)
    assert client.get(reverse("casemanagement:statistics") + "?" + query).status_code == 200


@pytest.mark.parametrize(
    "query", ["year=abc", "year=0", "page=-1", "per_page=100000", "state=x", "responsible_post=999999"]
)
def test_odd_register_filters_never_give_a_500(client, carrier_a_user, two_registers, query):
    login(client, carrier_a_user)
    assert client.get(reverse("casemanagement:case_list") + "?" + query).status_code == 200


def test_a_binary_upload_is_rejected_with_a_german_message(client, carrier_a_user, returns):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ra, _rb = returns
    login(client, carrier_a_user)
    response = client.post(
        reverse("casemanagement:return_upload", args=[ra.public_id]),
        {"file": SimpleUploadedFile("m.csv", b"\xff\xfe\x00\x81"), **page_version(ra)},
        follow=True,
    )
    assert "nicht in UTF-8" in response.content.decode()


def test_a_too_large_upload_is_rejected_without_importing(client, carrier_a_user, returns):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ra, _rb = returns
    login(client, carrier_a_user)
    big = b"Bereich;Merkmal;Anzahl\n" + b"Thema;Arbeit;1\n" * 20000  # about 300 KB > 200 KB
    response = client.post(
        reverse("casemanagement:return_upload", args=[ra.public_id]),
        {"file": SimpleUploadedFile("m.csv", big), **page_version(ra)},
        follow=True,
    )
    assert "zu groß" in response.content.decode()
    assert ra.figures.count() == 0
