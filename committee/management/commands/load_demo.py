from django.core.management.base import BaseCommand
from django.db import transaction

from funding import demo
from casemanagement import demo as casemanagement_demo
from committee import demo as committee_demo


class Command(BaseCommand):
    help = "Lädt die Demo der StädteRegion Aachen (Sitzungsvorlage 2020/0354, Jahre 2020 und 2021). Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = demo.load()
            users = demo.load_users()
            demo.load_controlling()
            casemanagement_demo.load()
            committee_demo.load()
        self.stdout.write(self.style.SUCCESS(f"Demo geladen: {counts['posts']} Stellen, {counts['carriers']} Träger."))
        self.stdout.write("Demo-Anmeldungen (Passwort jeweils „demo“):")
        for username, role in users:
            self.stdout.write(f"  {username:34} {role}")
        self.stdout.write(
            "Zweiter Faktor für a46: Geheimnis " + demo.DEMO_TOTP_SECRET + " in einer Authenticator-App, "
            "oder den aktuellen Code mit „.venv/bin/python manage.py totp_code a46“ anzeigen."
        )
