"""A sign-in lock (django-axes) also takes back the apps' tokens."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from .revocation import revoke_tokens_of_username


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address=None, **kwargs):  # noqa: ANN001, ANN003
    revoke_tokens_of_username(username, "locked", request=request)
