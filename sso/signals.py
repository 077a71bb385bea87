"""A password change or reset, a sign-in lock or a deactivation takes back
the apps' tokens."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from accounts.signals import sign_ins_revoked

from .revocation import revoke_tokens, revoke_tokens_of_username


@receiver(sign_ins_revoked)
def _sign_ins_revoked(sender, user, reason, request=None, actor=None, **kwargs):
    revoke_tokens(user, reason, request=request, actor=actor)


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address=None, **kwargs):
    revoke_tokens_of_username(username, "locked", request=request)
