"""The development profile's SQLite: concurrent writers wait, never 'locked'.

Two requests that each read then write inside ``transaction.atomic()`` (a
comment post: session, duplicate check, insert) used to end one of them with
``OperationalError: database is locked`` (HTTP 500): a deferred transaction
cannot upgrade its read lock while another connection holds the write lock,
and SQLite fails at once instead of waiting. ``BEGIN IMMEDIATE`` takes the
write lock first, so the second transaction waits for the first.
"""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (n integer)")

read = threading.Barrier(2)
errors = []

def worker(n):
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t")
                try:
                    read.wait(timeout=1)  # both have read (deferred mode)
                except threading.BrokenBarrierError:
                    pass  # the other one waits for our lock (immediate mode)
                cursor.execute("INSERT INTO t VALUES (%s)", [n])
                time.sleep(0.2)
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM t")
    print(cursor.fetchone()[0], errors)
"""


def test_dev_profile_sqlite_serialises_concurrent_read_then_write(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "manchette.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "2 []"
