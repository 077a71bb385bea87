"""Password rules (AUTH_PASSWORD_VALIDATORS), with messages a child can read."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MimsCharacterValidator:
    """The MIMS rule: at least one lowercase letter and one digit."""

    def validate(self, password: str, user=None) -> None:
        errors = []
        if not re.search(r"[a-z]", password):
            errors.append(ValidationError(_("Add at least one small letter (a to z)."), code="no_lowercase"))
        if not re.search(r"[0-9]", password):
            errors.append(ValidationError(_("Add at least one number (0 to 9)."), code="no_digit"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _("Use at least one small letter and one number.")


class NameSimilarityValidator(UserAttributeSimilarityValidator):
    """Not too close to the login ID or the child's own name."""

    def __init__(self, max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=("username", "first_name", "last_name"), max_similarity=max_similarity)

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        words = [w for w in re.split(r"[_\-\s]+", user.username.lower()) if len(w) >= 3]
        student = getattr(user, "student", None) if user.pk else None
        if student is not None:
            words += [w for w in re.split(r"[^a-z]+", student.full_name.lower()) if len(w) >= 3]
        if any(word in lowered for word in words):
            raise ValidationError(_("Do not use your name in your password."), code="password_too_similar")
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                _("Your password is too much like your name or login ID."), code="password_too_similar"
            ) from None

    def get_help_text(self) -> str:
        return _("Do not use your name.")


class NotCurrentPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        if user is not None and user.pk and user.has_usable_password() and user.check_password(password):
            raise ValidationError(_("Pick a password you have not used now."), code="password_unchanged")

    def get_help_text(self) -> str:
        return _("Use a new password, not the one you have now.")
