"""Who may be given a token for which app: one rule, used by the sign-in page
for apps (authorize) and by the token endpoint (codes and refresh tokens)."""

from __future__ import annotations

from accounts.lockouts import is_signin_locked

INACTIVE = "inactive"
LOCKED = "locked"
LEVEL = "level"


def refusal(user, client_id: str | None = None) -> str | None:
    """Why ``user`` gets no token (for the app ``client_id``), or None if they may."""
    if user is None or not user.is_active:
        return INACTIVE
    if is_signin_locked(user.username):
        return LOCKED
    if client_id and user.is_student:
        from .models import SchoolApp

        school_app = SchoolApp.objects.filter(application__client_id=client_id).only("levels").first()
        if school_app is not None and not school_app.allows_level(user.student.level):
            return LEVEL
    return None
