from django.core.management.base import BaseCommand
from django.db import transaction

from casemanagement import demo as casemanagement_demo
from committee import demo as committee_demo
from funding import demo as funding_demo
from kim import demo as kim_demo
from modules import demo as modules_demo


class Command(BaseCommand):
    help = "Lädt die Demo (Körperschaft der Sitzungsvorlage 2020/0354, Jahre 2020 und 2021). Idempotent."

    def handle(self, *args, **options):
        # Each app loads its own part, lower layers first: organisations and logins, posts, money,
        # cases, committee papers (the papers' figures are computed from everything before them).
        with transaction.atomic():
            orgs = kim_demo.load()
            posts = modules_demo.load(orgs)
            counts = funding_demo.load(orgs, posts)
            users = kim_demo.load_users()
            funding_demo.load_controlling()
            casemanagement_demo.load()
            committee_demo.load()
        self.stdout.write(self.style.SUCCESS(f"Demo geladen: {counts['posts']} Stellen, {counts['carriers']} Träger."))
        self.stdout.write("Demo-Anmeldungen (Passwort jeweils „demo“):")
        for username, role in users:
            self.stdout.write(f"  {username:34} {role}")
        self.stdout.write(
            "Zweiter Faktor für a46: Geheimnis " + kim_demo.DEMO_TOTP_SECRET + " in einer Authenticator-App, "
            "oder den aktuellen Code mit „.venv/bin/python manage.py totp_code a46“ anzeigen."
        )
