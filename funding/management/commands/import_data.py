"""``python manage.py import_data <kind> <file.xlsx|csv> --user <username> [--dry-run]``: the import pages' check
and save from the command line (same kinds, same services, all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funding.imports import KINDS as FUNDING_KINDS
from kim.imports import MAX_IMPORT_BYTES, run_import
from kim.models import Role, User
from kim.org_imports import KINDS as ORGANISATION_KINDS
from modules.imports import KINDS as MODULE_KINDS

KINDS = {**ORGANISATION_KINDS, **MODULE_KINDS, **FUNDING_KINDS}


class Command(BaseCommand):
    help = "Daten aus einer XLSX- oder CSV-Datei übernehmen (Arten: " + ", ".join(KINDS) + ")."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Benutzername eines A-46-Kontos (steht in der Historie).")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Kein aktives Konto „{options['user']}“.") from None
        if user.role_key != Role.ADMIN:
            raise CommandError("Nur ein Konto von A 46 darf Daten übernehmen.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Datei „{path}“ nicht gefunden.")
        content = path.open("rb").read(MAX_IMPORT_BYTES + 1)
        result = run_import(KINDS[options["kind"]](), content, user=user, commit=not options["dry_run"])
        for row in result.rows:
            self.stdout.write(f"Zeile {row.line}: {row.status} {row.label}")
        for label, value in result.totals:
            self.stdout.write(f"{label}: {value}")
        if result.errors:
            raise CommandError("Nichts gespeichert.\n" + "\n".join(result.shown_errors))
        counts = result.counts
        done = "gespeichert" if result.saved else "geprüft (nichts gespeichert)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{done}: {counts['new']} neu, {counts['changed']} geändert, {counts['unchanged']} unverändert"
            )
        )
