"""Signals other apps listen to when an account's sign-in changes, changes hands or closes.

The apps above the core hold the receivers, so the core never imports them:
single sign-on (``sso``) takes back its tokens when sign-ins are revoked;
the help desk (``helpdesk``) closes or moves requests when a child moves school
or leaves. Receivers hold no rule of their own about transfers or leavers.

:func:`revoke_sign_ins` is called by a password change or reset, a sign-in
lock, a deactivation and a transfer. The transfer and leaver signals are sent
by the one flow for each (accounts/transfers.py, accounts/leavers.py), after
the change is saved, inside its transaction; their receivers run inside that
transaction, and so also inside an import's preview, which is rolled back:
write only to the database (undone with it), and put anything outside it (a
call to another service) in ``transaction.on_commit``.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest

# kwargs: user, reason, request, actor
sign_ins_revoked = Signal()
# sender=Student; kwargs: student, from_school, to_school, request
student_transferred = Signal()
# sender=Student; kwargs: students (list), request
students_deactivated = Signal()
# sender=Student; kwargs: students (list), request
students_reactivated = Signal()


def revoke_sign_ins(user: Any, reason: str, *, request: HttpRequest | None = None, actor: Any = None) -> None:
    """End what ``user`` was given elsewhere (single sign-on tokens) because their sign-in changed."""
    sign_ins_revoked.send(sender=None, user=user, reason=reason, request=request, actor=actor)
