"""Challenge answers: normalising, hashing, checking."""

from __future__ import annotations


def needs_own_answers(user) -> bool:  # noqa: ANN001
    return False
