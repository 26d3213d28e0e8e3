from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasemanagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casemanagement"
    verbose_name = _("Case Management")

    def ready(self) -> None:
        from casemanagement.snapshots import connect_signals, set_html_renderer
        from casemanagement.views import snapshot_html

        connect_signals()
        set_html_renderer(snapshot_html)
