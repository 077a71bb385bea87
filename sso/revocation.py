"""Take back what apps were given: the one way to revoke a person's tokens.

Called wherever a person's sign-in changes: a password change or reset, a new
temporary password, a sign-in lock, a deactivated account.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken, revoke_access_token

from accounts import audit


def revoke_tokens(
    user, reason: str, *, request: HttpRequest | None = None, actor=None, application=None,
) -> int:
    """Revoke every refresh and access token, ID token and unused code of
    ``user`` (given to ``application``, or to every app); audit it (when there
    was anything). Returns how many tokens."""
    mine = {"user": user} | ({"application": application} if application is not None else {})
    with transaction.atomic():
        refresh = list(RefreshToken.objects.filter(revoked__isnull=True, **mine))
        for token in refresh:
            token.revoke()  # and its access token
        access = list(AccessToken.objects.filter(**mine))
        for token in access:
            revoke_access_token(token)
        codes, _by_model = Grant.objects.filter(**mine).delete()
        IDToken.objects.filter(**mine).delete()
    if refresh or access or codes:
        audit.record(
            request, "sso.revoked", actor=actor, target=user.login_id, school=audit.school_of(user),
            reason=reason, refresh_tokens=len(refresh), access_tokens=len(access), codes=codes,
            app=application.name if application is not None else "",
        )
    return len(refresh) + len(access)


def revoke_tokens_of_username(username: str, reason: str, *, request: HttpRequest | None = None) -> int:
    from accounts.models import User

    user = User.objects.filter(username=username).first()
    return revoke_tokens(user, reason, request=request) if user is not None else 0
