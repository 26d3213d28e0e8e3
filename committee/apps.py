from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "committee"
    verbose_name = _("Gremien und Sitzungsvorlagen")
