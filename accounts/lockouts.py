"""Sign-in lockouts kept by django-axes: one way to count them, read and lift them.

* **Keys.** A lock is kept per login ID as typed (normalised). A typed ID that
  matches no account is kept only as a keyed hash (:func:`lock_key`), so a
  password typed into the login ID box never lands readable in a table.
* **One count.** :func:`failures` counts exactly as the lock does (the sum of
  every row axes keeps for the key, one per address and browser, within the
  cool-off); teachers' pages, the class dashboard and the admin lockouts page
  read :func:`signin_locks`, built on it.
* **Familiar locations** (Entra-style smart lockout). From the network of the
  account's own school only failures made there count: a lock caused from
  anywhere else does not stop the child signing in at school. From anywhere
  else every failure counts.
* **The same wrong password typed again does not count twice**, and is answered
  without a second password check.
* **Parallel requests.** :func:`checking` holds the login ID's lock from the
  count of its failures to the record of this one, on every server (a
  PostgreSQL advisory lock; SQLite serialises writing transactions), so at most
  ``AXES_FAILURE_LIMIT`` passwords are checked per ID per lock window.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from . import networks
from .usernames import normalise_login_id

HASHED_PREFIX = "~"  # never in a username (Django's username validator refuses it)
_HASHED_KEY = re.compile(r"~[0-9a-f]{32}")
RECENT_WRONG_PASSWORDS = 3


def _keyed(label: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{label}:{value}".encode(), hashlib.sha256).hexdigest()


def lock_key(typed: str) -> str:
    """What locks, limits and the audit log keep for a typed login ID: the
    username when it names an account, otherwise a keyed hash (HMAC from the
    secret key) that is the same each time the same thing is typed."""
    if _HASHED_KEY.fullmatch(typed):
        return typed  # already a key
    from .models import User

    username = normalise_login_id(typed)
    if not username or User.objects.filter(username=username).exists():
        return username
    return _hashed(username)


def _hashed(username: str) -> str:
    return HASHED_PREFIX + _keyed("mims-typed-id", username)[:32]


def lock_key_from_request(request: HttpRequest | None, credentials: dict | None = None) -> str:
    """django-axes' AXES_USERNAME_CALLABLE (called several times a request).

    :func:`lock_key`, worked out once a request; the account it looks up is kept
    for the rest of the request (:func:`account_for_key`).
    """
    typed = (credentials or {}).get("username") or (request.POST.get("username", "") if request is not None else "")
    if request is None or _HASHED_KEY.fullmatch(typed):
        return lock_key(typed)
    memo = request.__dict__.setdefault("_mims_lock_keys", {})
    if typed not in memo:
        username = normalise_login_id(typed)
        memo[typed] = username if not username or account_for_key(request, username) else _hashed(username)
    return memo[typed]


def account_for_key(request: HttpRequest | None, key: str):
    """The account a lock key names, with its student or teacher profile (None for
    a made-up ID): one query a request, shared by the lock, the password check
    (:mod:`accounts.backends`), the audit row's school and the landing page."""
    from .models import User

    if not key or key.startswith(HASHED_PREFIX):
        return None
    accounts = request.__dict__.setdefault("_mims_accounts", {}) if request is not None else {}
    if key not in accounts:
        accounts[key] = User.objects.filter(username=key).select_related("student", "teacher").first()
    return accounts[key]


# --- one count ----------------------------------------------------------------


def _live_attempts(keys: Iterable[str] | QuerySet):
    """Attempt rows inside the cool-off for these keys; a queryset of
    usernames (a whole school's) stays a subquery."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    keys = keys if isinstance(keys, QuerySet) else list(keys)
    return AccessAttempt.objects.filter(username__in=keys, attempt_time__gte=since)


def _attempt_rows(key: str) -> list[tuple[str | None, int]]:
    return list(_live_attempts([key]).values_list("ip_address", "failures_since_start"))


def failures(key: str, *, at_schools: frozenset[int] = frozenset(), request: HttpRequest | None = None,
             rows: list[tuple[str | None, int]] | None = None) -> int:
    """Failed sign-ins that count toward the lock of ``key`` for a request from
    an address on the networks of ``at_schools`` (see :mod:`accounts.networks`)."""
    from .audit import school_of

    rows = _attempt_rows(key) if rows is None else rows
    school = school_of(account_for_key(request, key)) if rows and at_schools else None
    if school is not None and school in at_schools:
        # Familiar location: only what was tried from the school's own network counts.
        pairs = networks.all_networks()
        rows = [(ip, n) for ip, n in rows if school in networks.schools_at(ip, pairs)]
    return sum(n for _ip, n in rows)


def tries_left(request: HttpRequest, key: str) -> int:
    """Wrong passwords ``key`` may still have from here before the lock (0: locked).

    The one rule behind the lock (:func:`is_locked`, and django-axes through
    :class:`SignInLockHandler`) and the warning on the sign-in page ("You have
    2 more tries"). A made-up ID is counted under its keyed hash exactly as a
    real one, so the warning never tells whether an ID exists.
    """
    at_schools = networks.request_schools(request)
    return max(0, settings.AXES_FAILURE_LIMIT - failures(key, at_schools=at_schools, request=request))


def lock_minutes() -> int:
    """How long a sign-in lock lasts, in minutes."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def is_locked(request: HttpRequest, key: str) -> bool:
    return tries_left(request, key) == 0


@dataclass(frozen=True)
class SignInLock:
    until: datetime
    failures: int


def signin_locks(usernames: Iterable[str] | QuerySet) -> dict[str, SignInLock]:
    """Which of these keys are locked out of sign-in now (from outside their
    school), and until when: the one answer every page shows."""
    rows: dict[str, list[tuple[datetime, int]]] = {}
    for key, at, n in _live_attempts(usernames).values_list("username", "attempt_time", "failures_since_start"):
        rows.setdefault(key, []).append((at, n))
    locks = {}
    for key, attempts in rows.items():
        total = sum(n for _at, n in attempts)
        if total < settings.AXES_FAILURE_LIMIT:
            continue
        # The oldest rows leave the window first: the lock lifts when the sum
        # of the rows still inside it falls below the limit.
        running = 0
        for at, n in sorted(attempts, reverse=True):
            running += n
            if running >= settings.AXES_FAILURE_LIMIT:
                locks[key] = SignInLock(until=at + settings.AXES_COOLOFF_TIME, failures=total)
                break
    return locks


def locked_usernames(usernames: list[str]) -> set[str]:
    return set(signin_locks(usernames))


def is_signin_locked(username: str) -> bool:
    return bool(locked_usernames([username]))


def unlock_signin(username: str) -> int:
    return reset(username=username)


def prune_stale() -> int:
    """Delete sign-in attempt rows older than the cool-off: they no longer count."""
    return AccessAttempt.objects.filter(attempt_time__lt=timezone.now() - settings.AXES_COOLOFF_TIME).delete()[0]


class SignInLockHandler(AxesDatabaseHandler):
    """django-axes' database handler, counting as :func:`failures` does."""

    def get_failures(self, request, credentials=None) -> int:
        key = get_client_username(request, credentials)
        if not key:
            return 0
        rows = _attempt_rows(key)
        if request is not None:
            # Whether there is anything for a success to lift (user_logged_in below).
            request.__dict__.setdefault("_mims_attempt_rows", {})[key] = len(rows)
        return failures(key, at_schools=networks.request_schools(request), request=request, rows=rows)

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        """A success lifts the account's count (AXES_RESET_ON_SUCCESS).

        Most sign-ins follow no failure: when the lock's own count in this request found no
        row inside the cool-off for this account (get_failures above), there is nothing to
        delete and no query is made (a failure another request records after that count stays
        counted, as if it had come a moment after this sign-in). Otherwise one query deletes
        the account's rows.

        axes' own handler also deletes every expired attempt of every account on each
        sign-in (a table-wide DELETE in the morning rush) and writes its access log (off:
        the audit log has the sign-in). Expired rows never count (:func:`failures` reads
        only the cool-off window) and ``manage.py prune_locks`` removes them.
        """
        if not settings.AXES_RESET_ON_SUCCESS:
            return
        username = user.get_username()
        if getattr(request, "_mims_attempt_rows", {}).get(username) == 0:
            return
        AccessAttempt.objects.filter(username=username).delete()

    def user_logged_out(self, sender, request, user, **kwargs) -> None:
        """Nothing to do: no access log to close, expired rows are pruned by ``prune_locks``."""


# --- checking a password -----------------------------------------------------------


@contextmanager
def checking(key: str) -> Iterator[None]:
    """Hold ``key``'s lock from the count of its failures to the record of this attempt."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            number = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8, person=b"mims-signin").digest(),
                                    "big", signed=True)  # fmt: skip
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
        yield


def _recent_wrong_key(key: str) -> str:
    return "mims:wrong-passwords:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _fingerprint(key: str, password: str) -> str:
    """A short keyed hash of a wrong password, bound to the account's password
    now (so it means nothing once the password changes); kept in the cache for
    the lock window only."""
    from .models import User

    current = User.objects.filter(username=key).values_list("password", flat=True).first() or ""
    return _keyed("mims-wrong-password", f"{key}\0{current}\0{password}")[:20]


def _is_repeat(key: str, password: str) -> bool:
    recent = cache.get(_recent_wrong_key(key), [])
    return bool(recent) and _fingerprint(key, password) in recent


def _remember_wrong(key: str, password: str) -> None:
    recent = [_fingerprint(key, password), *cache.get(_recent_wrong_key(key), [])][:RECENT_WRONG_PASSWORDS]
    cache.set(_recent_wrong_key(key), recent, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def check_password(request: HttpRequest, username: str, password: str, *, action: str = "login"):
    """Authenticate against the lock of the typed ID: the user, or None.

    A locked ID is refused by django-axes (``request.axes_locked_out``; the lock
    page follows). A wrong password counts once toward the lock and is audited
    as ``action`` (``login`` or ``password.recheck``); the same wrong password
    again is refused without a check and without counting.
    """
    from . import audit

    key = lock_key_from_request(request, {"username": username})
    request.mims_check_action = action
    with checking(key):
        if _is_repeat(key, password) and not is_locked(request, key):
            audit.signin_failure(request, action, key, repeat=True)
            return None
        user = authenticate(request, username=username, password=password)
        if user is None and not getattr(request, "axes_locked_out", False):
            _remember_wrong(key, password)
    return user


def recheck_password(request: HttpRequest, user, password: str) -> bool:
    """The current password asked again while signed in (a borrowed session is
    the case it exists for): guarded and counted exactly like a sign-in."""
    checked = check_password(request, user.username, password, action="password.recheck")
    return checked is not None and checked.pk == user.pk
