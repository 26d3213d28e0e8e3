from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KimConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kim"
    verbose_name = _("Organisationen und Benutzer")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kim.security import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="kim_start_idle_clock")
