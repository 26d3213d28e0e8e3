import pyotp
from django.core.management.base import BaseCommand, CommandError

from kim.models import TOTPDevice


class Command(BaseCommand):
    help = "Zeigt den aktuellen TOTP-Code eines Kontos (für die Demo und den Betrieb mit Shell-Zugang)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(user__username=username).first()
        if device is None:
            raise CommandError(f"Für „{username}“ ist kein zweiter Faktor eingerichtet.")
        self.stdout.write(pyotp.TOTP(device.secret).now())
