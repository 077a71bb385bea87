"""Write security events to the append-only audit log.

Call :func:`record` from flows and views; sign-in events arrive through
Django's auth signals below. Never pass a password, an answer or a token.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.client_address import client_address

from .models import AuditEvent, School

# The one client-address rule (accounts/client_address.py), under the name that
# existing callers import from here.
client_ip = client_address


def record(
    request: HttpRequest | None,
    action: str,
    *,
    actor: Any = None,
    target: Any = "",
    school: School | int | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    **details: Any,
) -> AuditEvent:
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    if school is None:
        school = school_of(actor)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "username", "") or "")[:150],
        action=action,
        target=str(target)[:200],
        school_id=school.pk if isinstance(school, School) else school,
        outcome=outcome,
        ip=client_address(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
        details=details,
    )


def school_of(user: Any) -> int | None:
    for profile in ("student", "teacher"):
        if obj := getattr(user, profile, None) if getattr(user, "pk", None) else None:
            return obj.school_id
    return None


def typed_id(login_key: str) -> str:
    """A typed login ID, fit for the audit log: the username when it names an
    account, otherwise only a keyed hash of it (accounts.lockouts.lock_key).

    Children sometimes type their password into the login ID box; what matches
    no account is never written down as typed.
    """
    from .lockouts import lock_key

    return lock_key(login_key)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(request, "login", actor=user, target=user.login_id)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, "logout", actor=user, target=user.login_id)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` has the password already cleansed by Django; keep only the ID.
    from .usernames import normalise_login_id

    typed = normalise_login_id(credentials.get("username") or "")
    # The password asked again while signed in is audited as a re-check.
    signin_failure(request, getattr(request, "mims_check_action", "login"), typed)


def signin_failure(request: HttpRequest | None, action: str, typed: str, **details: Any) -> AuditEvent:
    """A failed password check (``login`` or ``password.recheck``), by account:
    filed under the account's school, so its ICT admin sees the failures."""
    from .lockouts import account_for_key, lock_key_from_request

    key = lock_key_from_request(request, {"username": typed}) if request is not None and typed else typed_id(typed)
    account = account_for_key(request, key)
    return record(request, action, target=key, school=school_of(account), outcome=AuditEvent.Outcome.FAILURE,
                  **details)  # fmt: skip


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address=None, **kwargs):
    # axes sends this for the failure that locks the ID and again for every try
    # while it is locked (each of those is audited as a refused "login"). Only
    # the first is a lockout: the one on which axes counted a failure.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    from .lockouts import account_for_key

    user = account_for_key(request, username)  # username: the lock key, a hash for a made-up ID
    refused = AuditEvent.Outcome.REFUSED
    record(request, "login.locked", target=typed_id(username), school=school_of(user), outcome=refused)
