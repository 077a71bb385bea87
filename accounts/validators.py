"""The password rule (AUTH_PASSWORD_VALIDATORS), with messages a child can read.

No composition rules (ASVS 6.2.5, NIST SP 800-63B): any character counts, so
passphrases and Chinese, Malay or Tamil passwords work. What keeps children
safe instead: a length of at least 8 and at most MIMS_PASSWORD_MAX_LENGTH (one
maximum, the sign-in form included), a large breached-password list shipped
with the portal, and no words an attacker would try first for this child.

``checklist`` turns the same validators into what the live checklist on the
password pages shows and ticks: the rule lives here only.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator, get_default_password_validators
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# SecLists' passwords (MIT licence), 8 characters or more, lower-cased; see accounts/data/README.md.
BREACHED_LIST_PATH = Path(__file__).with_name("data") / "breached-passwords.txt.gz"


class LengthValidator:
    """At least MIMS_PASSWORD_MIN_LENGTH characters of any kind, at most MIMS_PASSWORD_MAX_LENGTH."""

    code = "length"

    def validate(self, password: str, user=None) -> None:
        low, high = settings.MIMS_PASSWORD_MIN_LENGTH, settings.MIMS_PASSWORD_MAX_LENGTH
        if len(password) < low:
            raise ValidationError(
                _("Make it longer: use at least %(min)d letters, numbers or other signs.") % {"min": low},
                code="password_too_short",
            )
        if len(password) > high:
            raise ValidationError(
                _("Make it shorter: use at most %(max)d letters, numbers or other signs.") % {"max": high},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("has at least %(min)d letters, numbers or other signs") % {"min": settings.MIMS_PASSWORD_MIN_LENGTH}


@cache
def _breached() -> frozenset[str]:
    with gzip.open(BREACHED_LIST_PATH, "rt", encoding="utf-8") as f:
        ours = {line.strip() for line in f}
    # Django's own 20,000 (Royce Williams' list) are kept too: about 700 of them are not in SecLists'.
    return frozenset(ours | CommonPasswordValidator().passwords)


class BreachedPasswordValidator:
    """Not in the breached-password list shipped with the portal (no network)."""

    code = "common"

    def validate(self, password: str, user=None) -> None:
        if password.lower().strip() in _breached():
            raise ValidationError(
                _("Many people use this password, so it is easy to guess. Pick another one."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("is not an easy password that many people use")


# Words an attacker tries first for any child of this portal.
PORTAL_WORDS = ("mims", "moe", "student", "students", "school", "primary", "password")


def context_words(user=None) -> list[str]:
    """The child's names and login ID, the school's name and code, the portal's words and the year."""
    words = [*PORTAL_WORDS, str(timezone.localdate().year)]
    words += re.split(r"[^\w]+", settings.MIMS_USERNAME_DOMAIN.lower())
    if user is not None:
        words += re.split(r"[\W_]+", (user.username or "").lower())
        words += re.split(r"[\W_]+", f"{user.first_name} {user.last_name}".lower())
        profile = None
        if user.pk:
            profile = getattr(user, "student", None) or getattr(user, "teacher", None)
        if profile is not None:
            words += re.split(r"[\W_]+", getattr(profile, "full_name", "").lower())
            words += re.split(r"[\W_]+", f"{profile.school.name} {profile.school.code}".lower())
    # Longest first, so "students" goes before "student" when they are taken out.
    return sorted({w for w in words if len(w) >= 3}, key=len, reverse=True)


class ContextWordsValidator:
    """What is left after taking out the child's names, login ID, school and
    the portal's words must still be long enough on its own.

    So "muhammad2015" and "northprimary1" are refused, while a passphrase that
    happens to hold a short name part ("ali the alligator") is not.
    """

    code = "context"

    def validate(self, password: str, user=None) -> None:
        rest = password.lower()
        for word in context_words(user):
            rest = rest.replace(word, "")
        if rest != password.lower() and len(rest) < settings.MIMS_PASSWORD_MIN_LENGTH:
            raise ValidationError(
                _("Do not use your name, your login ID or your school's name in your password."),
                code="password_too_similar",
            )

    def get_help_text(self) -> str:
        return _("does not use your name, your login ID or your school")


class NotCurrentPasswordValidator:
    # No ``code``: not in the live checklist, which must not become a way to
    # test guesses of the password now (and would cost an Argon2 check a key).

    def validate(self, password: str, user=None) -> None:
        if user is not None and user.pk and user.has_usable_password() and user.check_password(password):
            raise ValidationError(_("Pick a password you have not used now."), code="password_unchanged")

    def get_help_text(self) -> str:
        return _("is not the password you have now")


def checklist(password: str | None = None, user=None) -> list[dict]:
    """The rule as the checklist shows it: one item per validator, with ``ok``
    when a password is given. Only validators with a ``code`` are listed."""
    items = []
    for validator in get_default_password_validators():
        code = getattr(validator, "code", None)
        if code is None:
            continue
        item = {"rule": code, "text": validator.get_help_text()}
        if password is not None:
            try:
                validator.validate(password, user)
                item["ok"] = True
            except ValidationError:
                item["ok"] = False
        items.append(item)
    return items


def strength(password: str, items: list[dict]) -> int:
    """0 (not allowed yet) to 3 (very strong), in a way a child can follow:
    every rule met gives 1; longer gives more."""
    if not all(item.get("ok") for item in items):
        return 0
    words = len([w for w in re.split(r"\s+|-", password.strip()) if w])
    if len(password) >= 16 or (len(password) >= 12 and words >= 3):
        return 3
    if len(password) >= 12:
        return 2
    return 1
