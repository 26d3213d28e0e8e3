from django.core.management.base import BaseCommand

from funding.controlling.services import send_proof_reminders


class Command(BaseCommand):
    help = (
        "Versendet fällige Erinnerungen an Verwendungsnachweise (PROOF_REMINDER_DAYS, z. B. „30,7“); täglich per cron."
    )

    def handle(self, *args, **options):
        sent = send_proof_reminders()
        self.stdout.write(self.style.SUCCESS(f"{sent} Erinnerung(en) versandt."))
