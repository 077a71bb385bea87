"""Sessions on shared laptops: idle timeout, absolute lifetime, a limit on how
many at once, and a list a person can see and end.

* Idle: a child's session ends after MIMS_IDLE_MINUTES_STUDENT without a
  request, staff's after MIMS_IDLE_MINUTES_STAFF.
* Absolute: every session ends MIMS_SESSION_MAX_HOURS after sign-in, however busy.
* At once: a new sign-in beyond MIMS_MAX_SESSIONS ends the least recently used.

See docs/security.md ("Sessions") for the reasoning (NIST SP 800-63B).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from . import audit
from .models import User, UserSession

RECORD = "mims_sid"
STARTED = "mims_started"
LAST_SEEN = "mims_last_seen"
# Write "last seen" at most this often: a request a second must not mean a write a second.
TOUCH_SECONDS = 60


def now() -> datetime:
    """The clock (tests fix it)."""
    return timezone.now()


def idle_limit(user: User) -> timedelta:
    minutes = settings.MIMS_IDLE_MINUTES_STUDENT if user.is_student else settings.MIMS_IDLE_MINUTES_STAFF
    return timedelta(minutes=minutes)


def max_age() -> timedelta:
    return timedelta(hours=settings.MIMS_SESSION_MAX_HOURS)


def _store_delete(keys: list[str]) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    for key in keys:
        engine.SessionStore(session_key=key).delete()


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End every session of ``user`` except the one with key ``keep``."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    _store_delete(keys)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def end_session(user: User, pk: int) -> int:
    row = UserSession.objects.filter(user=user, pk=pk).first()
    if row is None:
        return 0
    _store_delete([row.session_key])
    row.delete()
    return 1


def live_sessions(user: User) -> list[UserSession]:
    """The user's sessions that can still be used (idle or too old ones are dropped)."""
    t = now()
    rows = list(UserSession.objects.filter(user=user))  # one query; a person has a handful
    idle_since = t - idle_limit(user) - timedelta(seconds=TOUCH_SECONDS)
    stale = [r for r in rows if r.last_seen < idle_since or r.created < t - max_age()]
    if stale:
        keys = [r.session_key for r in stale]
        _store_delete(keys)
        UserSession.objects.filter(session_key__in=keys).delete()
    return [r for r in rows if r not in stale]


def device(user_agent: str) -> str:
    """A short, plain name for the device: "Chrome on a Chromebook"."""
    ua = user_agent or ""
    browser = next(
        (name for token, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                  ("Safari/", "Safari")) if token in ua),
        gettext("a browser"),
    )  # fmt: skip
    system = next(
        (name for token, name in (("CrOS", gettext("a Chromebook")), ("iPad", gettext("an iPad")),
                                  ("iPhone", gettext("an iPhone")), ("Android", gettext("an Android device")),
                                  ("Windows", gettext("Windows")), ("Mac OS", gettext("a Mac")),
                                  ("Linux", gettext("Linux"))) if token in ua),
        gettext("an unknown device"),
    )  # fmt: skip
    return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}


@receiver(user_logged_in)
def _started(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    t = now()
    if request.session.session_key is None:
        request.session.save()
    fields = {"user": user, "last_seen": t, "ip": audit.client_ip(request),
              "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]}  # fmt: skip
    if RECORD not in request.session:
        # A sign-in into a session of no one (or someone else: login() flushes it) has just drawn a new
        # key, so no row has it yet; only the same person signing in again keeps key and row.
        row = UserSession.objects.create(session_key=request.session.session_key, **fields)
    else:
        row, _ = UserSession.objects.update_or_create(session_key=request.session.session_key, defaults=fields)
    request.session[RECORD] = row.pk
    request.session[STARTED] = request.session[LAST_SEEN] = t.timestamp()
    _enforce_limit(request, user, keep=row.pk)


def _enforce_limit(request: HttpRequest, user: User, *, keep: int) -> None:
    """Beyond MIMS_MAX_SESSIONS, the least recently used sessions end."""
    live = [s for s in live_sessions(user) if s.pk != keep]
    extra = len(live) + 1 - settings.MIMS_MAX_SESSIONS
    if extra <= 0:
        return
    oldest = sorted(live, key=lambda s: s.last_seen)[:extra]
    _store_delete([s.session_key for s in oldest])
    UserSession.objects.filter(pk__in=[s.pk for s in oldest]).delete()
    audit.record(request, "session.limit", actor=user, target=user.login_id, ended=len(oldest))


@receiver(user_logged_out)
def _ended(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


class SessionActivityMiddleware:
    """Ends idle and too-old sessions, and keeps each session's row up to date."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        t = now()
        session = request.session
        started = session.get(STARTED) or t.timestamp()
        last_seen = session.get(LAST_SEEN) or t.timestamp()
        why = None
        if t.timestamp() - started > max_age().total_seconds():
            why = "max"
        elif t.timestamp() - last_seen > idle_limit(user).total_seconds():
            why = "idle"
        if why is not None:
            audit.record(request, "session.expired", actor=user, target=user.login_id, reason=why)
            logout(request)
            return redirect(f"{reverse('signed_out')}?why={why}")
        if RECORD not in session or session.get(STARTED) is None:
            _started(None, request, user)  # a session from before rows were kept
        if t.timestamp() - last_seen >= TOUCH_SECONDS:
            session[LAST_SEEN] = t.timestamp()
            UserSession.objects.filter(pk=session.get(RECORD)).update(last_seen=t)
        key_before = session.session_key
        response = self.get_response(request)
        # A password change rotates the key (update_session_auth_hash): follow it. Only then: this
        # was an UPDATE on every signed-in page.
        key = getattr(request, "session", None) and request.session.session_key
        if key and key != key_before and request.user.is_authenticated and (pk := request.session.get(RECORD)):
            UserSession.objects.filter(pk=pk).exclude(session_key=key).update(session_key=key)
        return response
