"""Accounts in the app (issue 15): invitations with one-time links, resets, locking, the rule that a
carrier's accounts belong to its carrier administrators, password change, forgotten password, and
the account event log."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kim.models import AccountEvent, Role, TOTPDevice, User
from tests import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "Neues-Passwort-2026!"


def link_of(response) -> str:
    return re.search(r'value="https?://[^/"]+(/konto/link/[^"]+/)"', response.content.decode()).group(1)


def invite(client, **data):
    payload = {"username": "", "first_name": "", "last_name": "", "email": "", "role": "", "organisation": ""}
    payload.update(data)
    return client.post(reverse("accounts:account_invite"), payload)


def use_link(client, link: str, password: str = PASSWORD):
    form_url = client.get(link).url
    return client.post(form_url, {"new_password1": password, "new_password2": password})


@pytest.fixture
def carrier_admin(carrier_a) -> User:
    return f.CarrierUserFactory(username="caritas-admin", organisation=carrier_a, is_carrier_admin=True)


def test_a46_invites_committee_staff_with_a_one_time_link_sent_by_mail(client, a46_user):
    client.force_login(a46_user)
    response = invite(client, username="sitzung2", email="sitzung2@kreis.example", role=Role.COMMITTEE)
    assert response.status_code == 200
    account = User.objects.get(username="sitzung2")
    assert (account.role, account.is_active, account.has_usable_password()) == (Role.COMMITTEE, True, False)
    link = link_of(response)
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body and mail.outbox[0].to == ["sitzung2@kreis.example"]
    event = AccountEvent.objects.get(account=account)
    assert (event.kind, event.actor) == ("invited", a46_user)
    # the invitee sets a password and is signed in; the link then no longer works
    client.logout()
    assert use_link(client, link).status_code == 302
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    client.logout()
    assert "Dieser Link ist ungültig" in client.get(link, follow=True).content.decode()


def test_an_expired_link_is_refused(client, a46_user, settings):
    client.force_login(a46_user)
    link = link_of(invite(client, username="spaet", email="spaet@kreis.example", role=Role.READONLY))
    client.logout()
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is older than that
    assert "Dieser Link ist ungültig" in client.get(link, follow=True).content.decode()
    assert not User.objects.get(username="spaet").has_usable_password()


def test_a_new_link_invalidates_the_old_password_and_link(client, a46_user):
    account = f.CommitteeUserFactory(username="vergesslich")
    old_token = default_token_generator.make_token(account)
    client.force_login(a46_user)
    response = client.post(reverse("accounts:account_reset", args=[account.pk]))
    account.refresh_from_db()
    assert not account.has_usable_password()
    assert not default_token_generator.check_token(account, old_token)
    assert default_token_generator.check_token(account, link_of(response).rstrip("/").split("/")[-1])
    assert AccountEvent.objects.get(account=account).kind == "link_issued"


def test_a46_invites_a_carriers_first_administrator_but_no_second_account(client, a46_user, carrier_a):
    client.force_login(a46_user)
    first = invite(
        client,
        username="caritas-leitung",
        email="leitung@caritas.example",
        role=Role.CARRIER,
        organisation=carrier_a.pk,
        is_carrier_admin="on",
    )
    assert first.status_code == 200
    assert User.objects.get(username="caritas-leitung").is_carrier_admin
    second = invite(
        client,
        username="caritas-zwei",
        email="zwei@caritas.example",
        role=Role.CARRIER,
        organisation=carrier_a.pk,
        is_carrier_admin="on",
    )
    assert "bereits eine Trägeradministration" in second.content.decode()
    assert not User.objects.filter(username="caritas-zwei").exists()


def test_a46_invites_carrier_staff_only_as_its_first_administrator(client, a46_user, carrier_a):
    client.force_login(a46_user)
    response = invite(
        client, username="nur-personal", email="p@caritas.example", role=Role.CARRIER, organisation=carrier_a.pk
    )
    assert "nur die erste Trägeradministration" in response.content.decode()
    assert not User.objects.filter(username="nur-personal").exists()


def test_a46_cannot_reset_or_reactivate_a_carrier_account_once_the_carrier_has_an_administrator(
    client, a46_user, carrier_admin, carrier_a
):
    staff = f.CarrierUserFactory(username="caritas-fall", organisation=carrier_a, is_active=False)
    client.force_login(a46_user)
    assert client.post(reverse("accounts:account_reset", args=[staff.pk])).status_code == 403
    assert client.post(reverse("accounts:account_reactivate", args=[staff.pk])).status_code == 403
    staff.refresh_from_db()
    assert not staff.is_active and staff.check_password(f.TEST_PASSWORD)
    assert not AccountEvent.objects.exists()
    # locking stays possible (a leaver, a compromised login) and is recorded with its reason
    client.post(reverse("accounts:account_deactivate", args=[carrier_admin.pk]), {"reason": "ausgeschieden"})
    carrier_admin.refresh_from_db()
    assert not carrier_admin.is_active
    assert AccountEvent.objects.get(account=carrier_admin).note == "ausgeschieden"


def test_a46_cannot_take_over_a_carrier_by_locking_its_administrators_and_inviting_or_resetting(
    client, a46_user, carrier_admin, carrier_a
):
    """Locking every administrator of a carrier used to make it a carrier "without administrator", for
    which A 46 could invite a new first administrator or reset any account and was shown the one-time
    link: a way into the carrier's case register. A 46 may give a locked account back to its owner only."""
    staff = f.CarrierUserFactory(username="caritas-fall", organisation=carrier_a)
    client.force_login(a46_user)
    client.post(reverse("accounts:account_deactivate", args=[carrier_admin.pk]), {"reason": "ausgeschieden"})
    carrier_admin.refresh_from_db()
    assert not carrier_admin.is_active
    response = invite(
        client,
        username="uebernahme",
        email="a46@kreis.example",
        role=Role.CARRIER,
        organisation=carrier_a.pk,
        is_carrier_admin="on",
    )
    assert response.status_code == 200
    assert "Dieser Träger hat bereits Konten." in response.content.decode()
    assert not User.objects.filter(username="uebernahme").exists()
    for account in (carrier_admin, staff):
        assert client.post(reverse("accounts:account_reset", args=[account.pk])).status_code == 403
        page = client.get(reverse("accounts:account_detail", args=[account.pk])).content.decode()
        assert reverse("accounts:account_reset", args=[account.pk]) not in page
    assert "/konto/link/" not in "".join(m.body for m in mail.outbox)
    staff.refresh_from_db()
    assert staff.check_password(f.TEST_PASSWORD)
    # giving the locked administrator back to its owner sets no password and shows no link
    response = client.post(reverse("accounts:account_reactivate", args=[carrier_admin.pk]))
    assert response.status_code == 302
    carrier_admin.refresh_from_db()
    assert carrier_admin.is_active and carrier_admin.check_password(f.TEST_PASSWORD)


def test_the_carrier_administrator_manages_own_staff_and_sees_every_event_of_the_own_carrier(
    client, a46_user, carrier_a, carrier_b
):
    # A 46 invites the first administrator; from then on the carrier does it
    client.force_login(a46_user)
    link = link_of(
        invite(
            client,
            username="caritas-leitung",
            email="leitung@caritas.example",
            role=Role.CARRIER,
            organisation=carrier_a.pk,
            is_carrier_admin="on",
        )
    )
    other = f.CarrierUserFactory(username="diakonie-fall", organisation=carrier_b)
    client.logout()
    use_link(client, link)
    response = invite(client, username="caritas-neu", email="neu@caritas.example", role=Role.ADMIN)
    new = User.objects.get(username="caritas-neu")
    assert (new.role, new.organisation, new.is_carrier_admin) == (Role.CARRIER, carrier_a, False)  # role is fixed
    client.post(reverse("accounts:account_deactivate", args=[new.pk]), {"reason": "Elternzeit"})
    client.post(reverse("accounts:account_reactivate", args=[new.pk]))
    assert client.post(reverse("accounts:account_reset", args=[new.pk])).status_code == 200
    # another carrier's account is not found, and never listed
    assert client.get(reverse("accounts:account_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("accounts:account_deactivate", args=[other.pk]), {"reason": "x"}).status_code == 404
    listing = client.get(reverse("accounts:account_list")).content.decode()
    assert "caritas-neu" in listing and "diakonie-fall" not in listing and a46_user.username not in listing
    log = client.get(reverse("accounts:account_log")).content.decode()
    kinds = list(
        AccountEvent.objects.filter(organisation=carrier_a).order_by("pk").values_list("account__username", "kind")
    )
    assert kinds == [
        ("caritas-leitung", "invited"),
        ("caritas-leitung", "password_set"),
        ("caritas-neu", "invited"),
        ("caritas-neu", "deactivated"),
        ("caritas-neu", "reactivated"),
        ("caritas-neu", "link_issued"),
    ]
    assert log.count("<tr>") - 1 == len(kinds)  # one header row
    assert a46_user.username in log  # A 46's invitation appears in the carrier's own log
    assert response.status_code == 200


def test_a_carrier_administrator_cannot_lock_itself_and_plain_staff_manage_nothing(
    client, carrier_admin, carrier_a_user
):
    client.force_login(carrier_admin)
    assert client.get(reverse("accounts:account_deactivate", args=[carrier_admin.pk])).status_code == 403
    client.force_login(carrier_a_user)
    for url in (reverse("accounts:account_list"), reverse("accounts:account_invite"), reverse("accounts:account_log")):
        assert client.get(url).status_code == 403


def test_a46_resets_a_second_factor_with_a_reason(client, a46_user):
    colleague = f.A46UserFactory(username="a46-kollegin")
    TOTPDevice.objects.create(user=colleague, secret="JBSWY3DPEHPK3PXP", confirmed=True)
    client.force_login(a46_user)
    response = client.post(reverse("accounts:second_factor_reset", args=[colleague.pk]), {"reason": ""})
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert TOTPDevice.objects.filter(user=colleague).exists()
    client.post(reverse("accounts:second_factor_reset", args=[colleague.pk]), {"reason": "Handy verloren"})
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    event = AccountEvent.objects.get(account=colleague)
    assert (event.kind, event.actor, event.note) == ("second_factor_reset", a46_user, "Handy verloren")


def test_everyone_changes_the_own_password_and_it_is_recorded(client, carrier_a_user):
    client.force_login(carrier_a_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": f.TEST_PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    carrier_a_user.refresh_from_db()
    assert carrier_a_user.check_password(PASSWORD)
    assert AccountEvent.objects.get(account=carrier_a_user).kind == "password_changed"


def test_forgotten_password_answers_the_same_for_known_and_unknown_addresses(client, committee_user):
    known = client.post(reverse("password_reset"), {"email": committee_user.email}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "niemand@example.org"}, follow=True)

    def main(response) -> str:  # the page content (the head carries per-request nonces)
        html = response.content.decode()
        return html[html.index("<main") : html.index("</main>")]

    assert known.redirect_chain == unknown.redirect_chain
    assert main(known) == main(unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [committee_user.email]
    link = re.search(r"https?://[^/\s]+(/konto/link/\S+/)", mail.outbox[0].body).group(1)
    assert use_link(client, link).status_code == 302
    committee_user.refresh_from_db()
    assert committee_user.check_password(PASSWORD)


def test_a_locked_account_cannot_use_its_link(client, a46_user):
    client.force_login(a46_user)
    link = link_of(invite(client, username="gesperrt", email="g@kreis.example", role=Role.READONLY))
    User.objects.filter(username="gesperrt").update(is_active=False)
    client.logout()
    assert "Dieser Link ist ungültig" in client.get(link, follow=True).content.decode()


def test_the_account_list_costs_the_same_queries_for_one_and_three_rows(client, a46_user, carrier_a):
    client.force_login(a46_user)
    url = reverse("accounts:account_list")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    f.CarrierUserFactory(organisation=carrier_a)
    f.CarrierUserFactory(organisation=f.CarrierFactory(slug="zwei", name="Zwei e. V."))
    assert count() == one
    for _i in range(3):
        AccountEvent.objects.create(account=a46_user, kind="changed", actor=a46_user)
    log_url = reverse("accounts:account_log")
    with CaptureQueriesContext(connection) as before:
        client.get(log_url)
    f.CarrierUserFactory(organisation=carrier_a)
    for _i in range(3):
        AccountEvent.objects.create(account=User.objects.last(), kind="changed", actor=a46_user)
    with CaptureQueriesContext(connection) as after:
        client.get(log_url)
    assert len(after.captured_queries) == len(before.captured_queries)
