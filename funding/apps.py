from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funding"
    verbose_name = _("Förderung und Finanzen")

    def ready(self) -> None:
        # the post and occupancy pages (modules, one layer down) warn about a programme's minimum share
        from funding.selectors import min_share_warnings
        from modules.selectors import register_post_check

        register_post_check(min_share_warnings)
