"""
WSGI config for kim project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# the loaded code's objects out of the garbage collector's way (kim.heap)
from kim.heap import settle  # noqa: E402 – after Django is set up

settle()
