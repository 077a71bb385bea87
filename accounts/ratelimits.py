"""Per-address limits (django-ratelimit), named with their quotas.

Schools sit behind one shared address, so these are generous per address and
strict per login ID (django-axes and the SSPR lock). See docs/security.md.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from accounts.client_address import client_address

# What a child sees when their computer's address is over a limit.
TOO_MANY_TRIES = gettext_lazy("Too many tries from this computer. Please wait a few minutes and try again.")


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def login_attempts_exceeded(request: HttpRequest) -> bool:
    """Every sign-in POST from one address (MIMS_LOGIN_RATE_PER_IP, 200 per 10 min):
    a class of 40 signing in at once, a few of them twice, uses a quarter of it."""
    return is_ratelimited(
        request, group="login", key=_ip_key, rate=settings.MIMS_LOGIN_RATE_PER_IP, method="POST", increment=True
    )


def login_failures_exceeded(request: HttpRequest, *, increment: bool) -> bool:
    """Failed sign-ins from one address (MIMS_LOGIN_FAILURE_RATE_PER_IP, 60 per 10 min):
    a class mistyping now and then stays far below; one machine trying many
    passwords or many login IDs is stopped."""
    return is_ratelimited(
        request,
        group="login-failure",
        key=_ip_key,
        rate=settings.MIMS_LOGIN_FAILURE_RATE_PER_IP,
        method=ALL,
        increment=increment,
    )


def sspr_attempts_exceeded(request: HttpRequest) -> bool:
    """Self-service reset steps from one address (MIMS_SSPR_RATE_PER_IP, 60 per 10 min)."""
    return is_ratelimited(
        request, group="sspr", key=_ip_key, rate=settings.MIMS_SSPR_RATE_PER_IP, method="POST", increment=True
    )


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
