from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KimConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kim"
    verbose_name = _("Organisationen und Benutzer")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from kim.models import Body
        from kim.security import start_idle_clock
        from kim.selectors import body_cache_clear

        user_logged_in.connect(start_idle_clock, dispatch_uid="kim_start_idle_clock")
        # The body's name and departments are shown on every page from a per-process cache (a renamed
        # department follows within BODY_CACHE_SECONDS).
        post_save.connect(body_cache_clear, sender=Body, dispatch_uid="kim_body_cache_save")
        post_delete.connect(body_cache_clear, sender=Body, dispatch_uid="kim_body_cache_delete")
        m2m_changed.connect(body_cache_clear, sender=Body.lead_departments.through, dispatch_uid="kim_body_cache_m2m")
