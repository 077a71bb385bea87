"""Background tasks of the single sign-on provider (worked by ``manage.py db_worker``)."""

from __future__ import annotations

from accounts.housekeeping import NIGHTLY, every


@every(NIGHTLY)
def clear_expired_tokens() -> None:
    """django-oauth-toolkit's ``cleartokens``: expired and revoked tokens and codes."""
    from oauth2_provider.models import clear_expired

    clear_expired()
