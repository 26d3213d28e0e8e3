"""Benchmark harness (``manage.py bench``, ``make bench``): a deterministic large data set,
server times and query counts of the main pages next to the Django admin, PDF times and gunicorn throughput.

Nothing here runs in production or touches the dev/test database: the command works on its own bench
databases (SQLite ``/tmp/kim_bench_<scale>.sqlite3``, PostgreSQL ``kim_bench``).
"""
