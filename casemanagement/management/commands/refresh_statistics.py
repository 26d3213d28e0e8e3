from django.core.management.base import BaseCommand

from casemanagement.models import CaseloadReturn, StatisticsSnapshot
from casemanagement.snapshots import refresh_year


class Command(BaseCommand):
    help = (
        "Berechnet die geschützte Fallzahlen-Statistik je Jahr neu, wenn sich Meldungen geändert haben "
        "(sonst im Hintergrund nach jeder Änderung). Für cron und Betrieb."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="nur dieses Jahr (mehrfach möglich)")
        parser.add_argument("--force", action="store_true", help="auch einen aktuellen Stand neu berechnen")

    def handle(self, *args, year=None, force=False, **options):
        years = year or sorted(
            set(CaseloadReturn.objects.values_list("year", flat=True).distinct())
            | set(StatisticsSnapshot.objects.values_list("year", flat=True))
        )
        for y in years:
            done = refresh_year(y, force=force)
            self.stdout.write(f"{y}: {'neu berechnet' if done else 'aktuell oder wird bereits berechnet'}")
