"""Grant, revoke and list the technical operators of the Django admin (``is_superuser``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kim.admin import APP_ONLY_ROLES
from kim.models import Role, User


class Command(BaseCommand):
    help = "Betreiberkonten des Django-Admins verwalten: operator grant|revoke <benutzername>, operator list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("username", nargs="?")

    def handle(self, *args: Any, action: str, username: str | None, **options: Any) -> None:
        if action == "list":
            for operator in User.objects.filter(is_superuser=True).order_by("username"):
                self.stdout.write(f"{operator.username}\t{'aktiv' if operator.is_active else 'deaktiviert'}")
            return
        if not username:
            raise CommandError("Bitte den Benutzernamen angeben.")
        with transaction.atomic():
            found = User.objects.select_for_update().filter(username=username).first()
            if found is None:
                raise CommandError(f"Ein Konto „{username}“ gibt es nicht.")
            user: Any = found  # simple-history reads _change_reason from the instance
            grant = action == "grant"
            if grant and user.role in APP_ONLY_ROLES:
                raise CommandError(
                    f"„{username}“ hat die Rolle „{Role(user.role).label}“. Betreiberrechte nur für eigene "
                    "technische Konten (Rolle „nur lesen“), nicht für A 46 oder Trägerpersonal."
                )
            user.is_superuser = grant
            user.is_staff = grant
            user._change_reason = "Betreiberrechte erteilt" if grant else "Betreiberrechte entzogen"
            user.save(update_fields=["is_superuser", "is_staff"])
        self.stdout.write(f"{username}: Betreiberrechte {'erteilt' if grant else 'entzogen'}.")
