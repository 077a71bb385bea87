"""Hash many secrets on every core.

Argon2 is what makes a batch slow (about 0.1 s a hash), so a batch hashes in
a pool of processes, one per core by default (``MIMS_BATCH_HASH_WORKERS``).
The pool forks the worker, so the children hash with exactly the worker's
password settings (and tests' cheap hasher); they never touch the database.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType

from django.conf import settings
from django.contrib.auth.hashers import make_password


class HashPool:
    """``with HashPool() as pool: hashes = pool.hash_many(plain)``."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers if workers is not None else settings.MIMS_BATCH_HASH_WORKERS)
        self._executor: Executor | None = None

    def __enter__(self) -> HashPool:
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def hash_many(self, plain: list[str]) -> list[str]:
        if self._executor is None or len(plain) < 2:
            return [make_password(p) for p in plain]
        # Small chunks keep both cores busy to the end of a class.
        chunk = max(1, len(plain) // (self.workers * 4))
        return list(self._executor.map(make_password, plain, chunksize=chunk))
