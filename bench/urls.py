"""URLconf of the bench process only: the application's URLs plus the reference admin of bench.admin_site."""

from django.urls import path

from bench.admin_site import site
from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [*app_urlpatterns, path("bench-admin/", site.urls)]
