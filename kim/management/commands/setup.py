"""First start of a new installation: the body and its first A 46 administrator, no demo data."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kim.services import body_setup

KINDS = {"county": "county", "city": "city", "staedteregion": "staedteregion", "städteregion": "staedteregion"}


class Command(BaseCommand):
    help = (
        "Richtet eine leere Datenbank ein: Körperschaft und erste A-46-Administration; gibt einen "
        "Einmal-Link aus, über den Passwort und zweiter Faktor gesetzt werden. Ein zweiter Lauf ändert nichts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", required=True, help="Name der Körperschaft, z. B. „Kreis Beispielland“")
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="county, city oder staedteregion")
        parser.add_argument("--admin", required=True, help="Benutzername der ersten Administration")
        parser.add_argument("--email", required=True, help="E-Mail-Adresse der ersten Administration")
        parser.add_argument("--department", default="", help="federführendes Amt, z. B. „Amt 46 – KI“ (optional)")
        parser.add_argument(
            "--url",
            default=os.environ.get("SITE_URL", "http://localhost:8000"),
            help="Adresse der Anwendung für den Link (Vorgabe: Umgebungsvariable SITE_URL)",
        )

    def handle(self, *args, **options) -> None:
        try:
            result = body_setup(
                name=options["body"],
                kind=KINDS[options["kind"]],
                admin_username=options["admin"],
                email=options["email"],
                department=options["department"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not result.created:
            self.stdout.write(
                f"Bereits eingerichtet: {result.body.name}, Administration {result.admin.username}. Nichts geändert."
            )
            return
        self.stdout.write(f"Eingerichtet: {result.body.name} ({result.body.get_kind_display()}).")
        self.stdout.write(f"Erste Administration: {result.admin.username} <{result.admin.email}>")
        self.stdout.write("Einmal-Link für Passwort und zweiten Faktor (nur einmal verwendbar, läuft ab):")
        self.stdout.write(options["url"].rstrip("/") + result.link)
