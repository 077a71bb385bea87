from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, lockouts, ratelimits
from .models import User
from .plain_errors import PlainErrorsMixin
from .usernames import normalise_login_id


class LoginForm(PlainErrorsMixin, forms.Form):
    required_messages = {
        "username": gettext_lazy("Type your login ID."),
        "password": gettext_lazy("Type your password."),
    }
    username = forms.CharField(
        label=gettext_lazy("Login ID"),
        max_length=200,
        help_text=gettext_lazy("For example: muhammad_ali_muhammad_raihan@students.edu.sg"),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        max_length=settings.MIMS_PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args, staff: bool = False, **kwargs) -> None:
        self.request = request
        self.user: User | None = None
        self.tries_left: int | None = None  # after a wrong password: how many before the lock
        self.lock_minutes = lockouts.lock_minutes()
        super().__init__(*args, **kwargs)
        if self.initial.get("username") and not self.is_bound:
            # The login ID is filled in (after a reset): the password box is next.
            self.fields["username"].widget.attrs.pop("autofocus", None)
            self.fields["password"].widget.attrs["autofocus"] = True
        if staff:  # teachers and IT: their username, no child's example
            self.fields["username"].label = gettext_lazy("Username")
            self.fields["username"].help_text = ""
            self.fields["username"].error_messages["required"] = gettext_lazy("Type your username.")

    def clean_username(self) -> str:
        return normalise_login_id(self.cleaned_data["username"])

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        if ratelimits.signin_refused(self.request):
            raise forms.ValidationError(ratelimits.TOO_MANY_TRIES, code="rate_limited")
        # On a school network under attack every sign-in waits a little; none is refused.
        if delay := ratelimits.spray_delay(self.request):
            time.sleep(delay)
        self.user = lockouts.check_password(self.request, username, password)
        if self.user is not None and self.user.temporary_password_expired:
            # Only someone who typed the right (old) temporary password sees this.
            audit.record(self.request, "login.temporary_expired", actor=self.user, target=self.user.login_id,
                         outcome="refused")  # fmt: skip
            self.user = None
            raise forms.ValidationError(
                _("This temporary password is too old to use. Ask your form teacher for a new one."),
                code="temporary_expired",
            )
        if self.user is None:
            key = lockouts.lock_key_from_request(self.request, {"username": username})
            ratelimits.count_failed_id(self.request, key)
            # Counted alike for a made-up ID (kept under its keyed hash): the same warning.
            self.tries_left = lockouts.tries_left(self.request, key)
            # One message for a wrong password, an unknown ID and a disabled
            # account, so the page never tells whether a login ID exists.
            raise forms.ValidationError(
                _("That login ID and password do not match. Check both and try again."), code="invalid_login"
            )
        return self.cleaned_data


def _child_labels(form: forms.Form) -> None:
    for name, label in (
        ("old_password", gettext_lazy("Your password now")),
        ("new_password1", gettext_lazy("New password")),
        ("new_password2", gettext_lazy("Type the new password again")),
    ):
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].help_text = ""
    if "new_password1" in form.fields:
        form.fields["new_password1"].widget.attrs.update({"autocomplete": "new-password", "data-checklist": "on"})
    if "old_password" in form.fields:
        # The password now is checked against the same one maximum as at sign-in;
        # new ones get the rule's own message (accounts.validators.LengthValidator).
        form.fields["old_password"].max_length = settings.MIMS_PASSWORD_MAX_LENGTH
        form.fields["old_password"].validators.append(MaxLengthValidator(settings.MIMS_PASSWORD_MAX_LENGTH))


_PASSWORD_REQUIRED = {
    "old_password": gettext_lazy("Type your password now."),
    "new_password1": gettext_lazy("Type your new password."),
    "new_password2": gettext_lazy("Type your new password again."),
}


class _RuleUnderNewPassword:
    """Django puts the password rule's messages under the second box ("again");
    they are about the new password, so they go under the first."""

    def validate_password_for_user(self, user, *args, **kwargs) -> None:
        super().validate_password_for_user(user, "new_password1", **kwargs)


class SetPasswordForm(PlainErrorsMixin, _RuleUnderNewPassword, auth_forms.SetPasswordForm):
    """New password, typed twice (after a temporary password or a reset)."""

    required_messages = _PASSWORD_REQUIRED
    error_messages = {"password_mismatch": gettext_lazy("The two passwords are not the same. Type them again.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _child_labels(self)


class PasswordChangeForm(PlainErrorsMixin, _RuleUnderNewPassword, auth_forms.PasswordChangeForm):
    """Change a password: the one now, then the new one twice."""

    required_messages = _PASSWORD_REQUIRED
    error_messages = {
        **SetPasswordForm.error_messages,
        "password_incorrect": gettext_lazy("That is not your password now. Try again."),
    }

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)
        _child_labels(self)
        self.order_fields(["old_password", "new_password1", "new_password2"])

    def clean_old_password(self) -> str:
        # Counted toward the sign-in lock and audited, like a sign-in.
        old_password = self.cleaned_data["old_password"]
        if not lockouts.recheck_password(self.request, self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class EndSessionsForm(PlainErrorsMixin, forms.Form):
    """Sign out somewhere else: one session, or all the others.

    The password is asked again first (OWASP ASVS 5.0, V7.5.2), counted toward
    the sign-in lock like every re-check: whoever finds a laptop left signed in
    cannot sign its owner out of everywhere else to keep the account.
    """

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=settings.MIMS_PASSWORD_MAX_LENGTH,
        strip=False,
        error_messages={"required": gettext_lazy("Type your password to sign out there.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    end = forms.CharField(max_length=20)

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_end(self) -> str | int:
        end = self.cleaned_data["end"]
        if end == "others":
            return end
        try:
            return int(end)
        except ValueError:
            raise forms.ValidationError(_("Choose where to sign out."), code="invalid") from None

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not lockouts.recheck_password(self.request, self.request.user, password):
            raise forms.ValidationError(_("That is not your password. Try again."), code="password_incorrect")
        return password
