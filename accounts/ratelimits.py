"""Per-address limits (django-ratelimit), named with their quotas.

Schools sit behind one shared address: from a school network (accounts/networks.py)
no limit here ever turns a child away, and across-ID attacks there are slowed
instead. Per login ID the locks stay strict (django-axes and the SSPR lock).
See docs/security.md, "A school's morning".
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from accounts.client_address import client_address

from . import audit, networks

# What a child sees when their computer's address is over a limit.
TOO_MANY_TRIES = gettext_lazy("Too many tries from this computer. Please wait a few minutes and try again.")


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def _at_school(request: HttpRequest) -> bool:
    return networks.is_school_network(request)


def login_attempts_exceeded(request: HttpRequest) -> bool:
    """Every sign-in POST from one address (MIMS_LOGIN_RATE_PER_IP, 200 per 10 min).
    Never from a school network: a whole school signs in from there."""
    if _at_school(request):
        return False
    return is_ratelimited(
        request, group="login", key=_ip_key, rate=settings.MIMS_LOGIN_RATE_PER_IP, method="POST", increment=True
    )


def sspr_attempts_exceeded(request: HttpRequest) -> bool:
    """Self-service reset steps from one address (MIMS_SSPR_RATE_PER_IP, 60 per 10 min).
    Never from a school network: after the holidays whole classes reset there."""
    if _at_school(request):
        return False
    return is_ratelimited(
        request, group="sspr", key=_ip_key, rate=settings.MIMS_SSPR_RATE_PER_IP, method="POST", increment=True
    )


# --- Login IDs failing from one address (spraying, ID guessing) ---------------
#
# Spraying tries one or a few common passwords against many login IDs; ID
# guessing tries many made-up IDs. Both show as many *different* IDs failing
# from one address, which children's typos do not (each child fails on one ID,
# and typing the same wrong password again is not even counted:
# accounts/lockouts.py). So the address is judged by the number of distinct
# login IDs that failed there in the last 10 to 20 minutes (two fixed windows).

WINDOW_SECONDS = 600


def _window_keys(request: HttpRequest) -> tuple[str, str]:
    ip = client_address(request) or "unknown"
    now = int(time.time() // WINDOW_SECONDS)
    return f"mims:failed-ids:{ip}:{now}", f"mims:failed-ids:{ip}:{now - 1}"


def count_failed_id(request: HttpRequest, key: str) -> None:
    """A sign-in with the lock key ``key`` failed from this request's address."""
    counter, _previous = _window_keys(request)
    member = counter + ":" + hashlib.sha256(key.encode()).hexdigest()[:24]
    if cache.add(member, 1, 2 * WINDOW_SECONDS):  # a new ID in this window
        cache.add(counter, 0, 2 * WINDOW_SECONDS)
        try:
            cache.incr(counter)
        except ValueError:  # expired between the two calls
            cache.set(counter, 1, 2 * WINDOW_SECONDS)


def failed_ids(request: HttpRequest) -> int:
    """Distinct login IDs that failed from this address in the last 10 to 20 minutes."""
    return sum(cache.get_many(_window_keys(request)).values())


def failed_ids_allowed(request: HttpRequest) -> int:
    """How many failing IDs an address may show: MIMS_FAILED_IDS_PER_IP, or on a
    school network a share (MIMS_SCHOOL_FAILED_IDS_SHARE) of the children of the
    schools there, so the allowance grows with the school."""
    from .models import Student

    schools = networks.request_schools(request)
    if not schools:
        return settings.MIMS_FAILED_IDS_PER_IP
    children = Student.objects.filter(school_id__in=schools, user__is_active=True).count()
    return max(settings.MIMS_FAILED_IDS_PER_IP, math.ceil(children * settings.MIMS_SCHOOL_FAILED_IDS_SHARE))


def signin_refused(request: HttpRequest) -> bool:
    """A home (any non-school) address over its limits: refuse before any check.
    Never true on a school network."""
    if _at_school(request):
        return False
    over = login_attempts_exceeded(request) or failed_ids(request) >= settings.MIMS_FAILED_IDS_PER_IP
    if over:
        _audit_once(request, "login.address_limited")
    return over


def spray_delay(request: HttpRequest) -> float:
    """Seconds a sign-in from a school network waits before its password check
    once more IDs failed there than the school explains: MIMS_SPRAY_DELAY,
    doubling for every 10 more, at most MIMS_SPRAY_MAX_DELAY. Slowed, never refused."""
    if not _at_school(request):
        return 0.0
    n = failed_ids(request)
    if n < settings.MIMS_FAILED_IDS_PER_IP:
        return 0.0  # no need to count the school's children
    over = n - failed_ids_allowed(request)
    if over < 0:
        return 0.0
    _audit_once(request, "login.spray_suspected", failed_ids=n)
    return min(settings.MIMS_SPRAY_MAX_DELAY, settings.MIMS_SPRAY_DELAY * 2 ** (over // 10))


def _audit_once(request: HttpRequest, action: str, **details: object) -> None:
    """One audit event per address and window, not one per request."""
    from .models import AuditEvent

    counter, _previous = _window_keys(request)
    if cache.add(f"{counter}:{action}", 1, 2 * WINDOW_SECONDS):
        audit.record(request, action, outcome=AuditEvent.Outcome.REFUSED, **details)


def reset_requests_exceeded(request: HttpRequest) -> bool:
    """Every POST of the public reset-request form from one address, valid or
    not (MIMS_REQUEST_RATE_PER_IP, 10 per hour): a family with several
    children and a few retries fits; one machine flooding the form teachers'
    inboxes does not."""
    return is_ratelimited(
        request, group="helpdesk-request", key=_ip_key, rate=settings.MIMS_REQUEST_RATE_PER_IP, method="POST",
        increment=True,
    )  # fmt: skip


def request_status_lookups_exceeded(request: HttpRequest) -> bool:
    """Reference-code look-ups from one address, GET included
    (MIMS_REQUEST_STATUS_RATE_PER_IP, 30 per 10 min): plenty for a family
    checking again, and it keeps 8-character codes (31^8) unguessable."""
    return is_ratelimited(
        request, group="helpdesk-status", key=_ip_key, rate=settings.MIMS_REQUEST_STATUS_RATE_PER_IP, method=ALL,
        increment=True,
    )  # fmt: skip
