"""``make run``: the development server plus one background worker.

Starts ``manage.py db_worker`` as a child process, then runs ``runserver``
with the same arguments; the worker stops when the server does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand


class Command(RunserverCommand):
    help = "Run the development server and a background task worker (db_worker) beside it."

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        # With the autoreloader, this runs again in the reloaded child (RUN_MAIN
        # set); only the outer process starts the worker, once.
        if os.environ.get("RUN_MAIN") != "true":
            manage = os.path.join(settings.BASE_DIR, "manage.py")
            # --no-reload: the worker forks its hashing processes, which must not
            # happen beside the reloader's thread. Restart `make run` after
            # changing task code.
            worker = subprocess.Popen(  # noqa: S603
                [sys.executable, manage, "db_worker", "--interval", "1", "--no-reload"]
            )
            self.stdout.write(f"Background worker started (process {worker.pid}).")
            # A plain `kill` should stop the worker too: turn SIGTERM into an
            # exit, so that the `finally` below runs.
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            super().handle(*args, **options)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
