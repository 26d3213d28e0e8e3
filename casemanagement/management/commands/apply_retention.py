from django.core.management.base import BaseCommand
from django.utils import timezone

from casemanagement.retention import apply_retention, retention_months


class Command(BaseCommand):
    help = (
        "Löscht abgeschlossene Fälle nach Ablauf der Aufbewahrungsfrist (CASE_RETENTION_MONTHS, Standard 24). Für cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="nur zählen, nichts löschen")

    def handle(self, *args, dry_run=False, **options):
        count = apply_retention(today=timezone.localdate(), dry_run=dry_run)
        verb = "würden gelöscht" if dry_run else "gelöscht"
        self.stdout.write(f"{count} abgeschlossene Fälle {verb} (Frist {retention_months()} Monate nach Abschluss).")
