"""Take back what a person was given elsewhere when their sign-in changes.

A password change or reset, a sign-in lock and a deactivation call
:func:`revoke_sign_ins`. The apps that hand out credentials of their own (the
single sign-on provider, ``sso``) sit above the core and listen to
:data:`sign_ins_revoked`, so the core never imports them.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest

# Sent with user, reason, request and actor.
sign_ins_revoked = Signal()


def revoke_sign_ins(user: Any, reason: str, *, request: HttpRequest | None = None, actor: Any = None) -> None:
    sign_ins_revoked.send(sender=None, user=user, reason=reason, request=request, actor=actor)
