"""Accounts in the app: A 46 manages the county's users and a carrier's first administrator; carrier
administrators manage their own staff. Every change is an AccountEvent (who, when, what)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_filters import ChoiceFilter, FilterSet
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from kim.account_forms import AccountInviteForm, GermanPasswordResetForm, ReasonForm
from kim.forms import apply_service_errors, harmonise_empty_choices
from kim.models import AccountEvent, AccountEventKind, Role, User
from kim.selectors import accounts_for_user, can_manage_accounts
from kim.services import (
    account_event_record,
    account_invite,
    account_link_path,
    account_manageable,
    account_reissue_link,
    account_set_active,
    second_factor_reset,
)
from kim.views import bounded_per_page


def _manager_required(request: HttpRequest) -> None:
    if not can_manage_accounts(request.user):
        raise PermissionDenied(_("Konten verwalten A 46 und die Trägeradministrationen."))


class AccountTable(tables.Table):
    username = tables.Column(
        verbose_name=_("Benutzername"), linkify=("accounts:account_detail", {"pk": tables.A("pk")})
    )
    full_name = tables.Column(verbose_name=_("Name"), accessor="get_full_name", orderable=False)
    role = tables.Column(verbose_name=_("Rolle"))
    organisation = tables.Column(verbose_name=_("Träger"))
    is_carrier_admin = tables.BooleanColumn(verbose_name=_("Trägeradministration"), yesno=(_("ja"), "–"))
    is_active = tables.BooleanColumn(verbose_name=_("aktiv"), yesno=(_("ja"), _("gesperrt")))
    last_login = tables.DateTimeColumn(verbose_name=_("letzte Anmeldung"), format="d.m.Y H:i")

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "organisation", "is_carrier_admin", "is_active", "last_login"]
        empty_text = _("Keine Konten gefunden.")


class AccountFilter(FilterSet):
    role = ChoiceFilter(label=_("Rolle"), choices=Role.choices)
    is_active = ChoiceFilter(
        label=_("Status"), choices=[("1", _("aktiv")), ("0", _("gesperrt"))], method="filter_active"
    )

    class Meta:
        model = User
        fields = ["role"]

    def filter_active(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(is_active=value == "1")


class AccountListView(SingleTableMixin, FilterView):
    table_class = AccountTable
    filterset_class = AccountFilter
    template_name = "kim/accounts/list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
        _manager_required(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        return accounts_for_user(self.request.user).select_related("organisation").order_by("username")

    def get_table_pagination(self, table) -> dict[str, Any]:
        return {"per_page": bounded_per_page(self.request.GET.get("per_page"))}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Konten")
        return ctx


def _account(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(accounts_for_user(request.user), pk=pk)


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _send_link(request: HttpRequest, account: User, link: str, *, invitation: bool) -> None:
    subject = _("Ihr Zugang zur KIM-Verwaltung") if invitation else _("Neuer Link für Ihren Zugang zur KIM-Verwaltung")
    body = _(
        "Guten Tag,\n\nüber diesen Link legen Sie Ihr Passwort fest (Benutzername: %(u)s):\n%(link)s\n\n"
        "Der Link gilt einmal und läuft nach %(days)s Tagen ab.\n"
    ) % {"u": account.username, "link": link, "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
    send_mail(subject, body, None, [account.email], fail_silently=True)


@login_required
@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_required(request)
    account = _account(request, pk)
    events = AccountEvent.objects.filter(account=account).select_related("actor")[:50]
    may = {
        a: account_manageable(actor=request.user, account=account, action=a)
        for a in ("reset", "reactivate", "deactivate")
    }
    may["second_factor"] = request.user.is_a46 and account.is_a46 and may["reset"]
    return render(
        request,
        "kim/accounts/detail.html",
        {"account": account, "events": events, "may": may, "title": _("Konto %(u)s") % {"u": account.username}},
    )


@login_required
def account_invite_view(request: HttpRequest) -> HttpResponse:
    _manager_required(request)
    form = harmonise_empty_choices(AccountInviteForm(request.POST or None, actor=request.user))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            account = account_invite(actor=request.user, data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            link = _absolute(request, account_link_path(account))
            _send_link(request, account, link, invitation=True)
            return render(
                request, "kim/accounts/link.html", {"account": account, "link": link, "title": _("Eingeladen")}
            )
    return render(
        request,
        "generic/form.html",
        {"form": form, "title": _("Konto einladen"), "cancel_url": reverse("accounts:account_list")},
    )


def _reason_action(request: HttpRequest, pk: int, *, action: str, title: str, intro: str, run) -> HttpResponse:
    _manager_required(request)
    account = _account(request, pk)
    if not account_manageable(actor=request.user, account=account, action=action) or (
        action == "second_factor" and not (request.user.is_a46 and account.is_a46)
    ):
        raise PermissionDenied(_("Dieses Konto verwalten Sie nicht."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = run(account, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return result or HttpResponseRedirect(reverse("accounts:account_detail", args=[account.pk]))
    return render(
        request,
        "kim/accounts/confirm.html",
        {"form": form, "account": account, "title": title, "intro": intro},
    )


@login_required
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(account: User, reason: str) -> None:
        account_set_active(actor=request.user, account=account, active=False, reason=reason)
        messages.success(request, _("Konto gesperrt."))

    return _reason_action(
        request,
        pk,
        action="deactivate",
        title=_("Konto sperren"),
        intro=_("Das Konto kann sich danach nicht mehr anmelden."),
        run=run,
    )


@login_required
def second_factor_reset_view(request: HttpRequest, pk: int) -> HttpResponse:
    def run(account: User, reason: str) -> None:
        second_factor_reset(actor=request.user, account=account, reason=reason)
        messages.success(
            request, _("Zweiter Faktor zurückgesetzt; er wird bei der nächsten Anmeldung neu eingerichtet.")
        )

    return _reason_action(
        request,
        pk,
        action="second_factor",
        title=_("Zweiten Faktor zurücksetzen"),
        intro=_("Die Authenticator-App muss bei der nächsten Anmeldung neu eingerichtet werden."),
        run=run,
    )


@login_required
@require_POST
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_required(request)
    account = _account(request, pk)
    account_set_active(actor=request.user, account=account, active=True)
    messages.success(request, _("Konto wieder freigegeben."))
    return HttpResponseRedirect(reverse("accounts:account_detail", args=[account.pk]))


@login_required
def account_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirmation page; POST: the old password stops working, a new one-time link is shown."""
    _manager_required(request)
    account = _account(request, pk)
    if not account_manageable(actor=request.user, account=account, action="reset"):
        raise PermissionDenied(_("Dieses Konto verwalten Sie nicht."))
    if request.method == "POST":
        link = _absolute(request, account_reissue_link(actor=request.user, account=account))
        _send_link(request, account, link, invitation=False)
        return render(
            request, "kim/accounts/link.html", {"account": account, "link": link, "title": _("Neuer Einmal-Link")}
        )
    return render(
        request,
        "kim/accounts/confirm.html",
        {
            "account": account,
            "title": _("Zugang zurücksetzen"),
            "intro": _("Das bisherige Passwort gilt danach nicht mehr; das Konto erhält einen neuen Einmal-Link."),
        },
    )


@login_required
@require_GET
def account_log(request: HttpRequest) -> HttpResponse:
    _manager_required(request)
    events = AccountEvent.objects.for_user(request.user).select_related("account", "actor", "organisation")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "kim/accounts/log.html", {"page": page, "title": _("Kontoprotokoll")})


# --- the account's own pages: password change, forgotten password, one-time link ------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_form.html"
    success_url = reverse_lazy("dashboard")
    extra_context = {"title": gettext_lazy("Passwort ändern")}

    def form_valid(self, form):
        response = super().form_valid(form)
        account_event_record(account=self.request.user, kind=AccountEventKind.PASSWORD_CHANGED, actor=self.request.user)
        messages.success(self.request, _("Ihr Passwort wurde geändert."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = GermanPasswordResetForm
    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"title": gettext_lazy("Passwort vergessen")}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"
    extra_context = {"title": gettext_lazy("Passwort vergessen")}


class AccountLinkView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation, a reset by an administrator or a forgotten password."""

    template_name = "registration/password_form.html"
    post_reset_login = True
    success_url = reverse_lazy("dashboard")  # A 46: the second-factor middleware asks for the app first
    extra_context = {"title": gettext_lazy("Passwort festlegen")}

    def get_user(self, uidb64: str):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        account_event_record(account=form.user, kind=AccountEventKind.PASSWORD_SET, actor=None)
        messages.success(self.request, _("Ihr Passwort ist gesetzt; Sie sind angemeldet."))
        return response
