from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KimConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kim"
    verbose_name = _("Organisationen und Benutzer")
