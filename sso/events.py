"""What happened inside one token request, for its single audit event.

The token endpoint's view starts a record; the validator, deep inside
oauthlib, notes the user, the app and why it refused (if it did).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_current: ContextVar[dict[str, Any] | None] = ContextVar("sso_token_request", default=None)


@contextmanager
def recording():
    outcome: dict[str, Any] = {}
    token = _current.set(outcome)
    try:
        yield outcome
    finally:
        _current.reset(token)


def note(**facts: Any) -> None:
    if (outcome := _current.get()) is not None:
        outcome.update(facts)
