from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    """Signing in and out, the account page, changing a password, and the step
    a user must take first (a temporary password, missing challenge answers)."""

    name = "signin"
    verbose_name = _("Sign-in and account pages")
