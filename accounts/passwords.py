"""Temporary passwords: made by the portal, read aloud by a teacher or printed
on a handbook slip, changed by the child at the next sign-in."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.signals import revoke_sign_ins

from . import audit, notices, sessions
from .models import User

# No 0/O, 1/l/I: easy to read aloud and to type on a school laptop.
_LETTERS = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
_SYLLABLE_CONSONANTS = "bdfghkmnprstvz"
_SYLLABLE_VOWELS = "aeiu"


def generate_temporary_password() -> str:
    """Like ``bamo-tize-47``: two made-up syllable words and two digits.

    Four syllables of 14 × 4 choices and two digits of 8: about 29 bits, plenty
    for a password that must be changed at first use and sits behind the
    per-login-ID lockout (5 tries per 15 minutes).
    """
    while True:
        words = [
            "".join(secrets.choice(_SYLLABLE_CONSONANTS) + secrets.choice(_SYLLABLE_VOWELS) for _ in range(2))
            for _ in range(2)
        ]
        password = f"{words[0]}-{words[1]}-{secrets.choice(_DIGITS)}{secrets.choice(_DIGITS)}"
        try:
            validate_password(password)
        except ValidationError:  # e.g. a common password: draw again
            continue
        return password


def issue_temporary_password(
    user: User, *, request: HttpRequest | None, actor: User | None = None, channel: str = "teacher"
) -> str:
    """Give ``user`` a new temporary password and return it (to show once).

    Setting a password changes the session auth hash, so every session the
    user has open ends at its next request.
    """
    password = generate_temporary_password()
    user.set_temporary_password(password)
    user.save(update_fields=["password", "must_change_password", "temporary_password_expires"])
    sessions.end_sessions(user)
    # The child's school, not the actor's: MOE IT belong to none, and the
    # school's reports and ICT admin must still see the event.
    school = audit.school_of(user) or audit.school_of(actor)
    audit.record(request, "password.temporary", actor=actor, target=user.login_id, school=school, channel=channel)
    notices.temporary_password(user)
    revoke_sign_ins(user, "password_reset", request=request, actor=actor)
    return password
