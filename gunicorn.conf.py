"""gunicorn in production (read from the working directory: ``gunicorn config.wsgi:application``).

Two worker processes with four threads each: a request waiting for PostgreSQL leaves the CPU to another
one instead of holding its worker (on two cores shared with the database the sync worker idled there);
the thread pool also keeps a browser's connection open between requests. The heartbeat file of each
worker lies in memory (/dev/shm), not on a disk that may stall. ``WEB_CONCURRENCY`` and
``GUNICORN_THREADS`` change the numbers; command-line options win over this file.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
