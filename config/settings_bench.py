"""Settings of the benchmark and load-test commands only (``make bench``, ``make loadtest``).

Production settings plus the ``bench`` app (its management commands and the reference admin of the
benchmark); production never installs it.
"""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
