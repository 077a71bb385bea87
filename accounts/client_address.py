"""The client's address, seen through the reverse proxies in front of the portal.

One function, used by everything that locks, limits or records by address:
django-axes (``AXES_CLIENT_IP_CALLABLE``), the per-address limits
(``accounts/ratelimits.py``) and the audit log (``accounts/audit.py``).

Behind ``MIMS_NUM_PROXIES`` trusted proxies, each of which appends the address
it saw to ``MIMS_PROXY_CLIENT_HEADER`` (``X-Forwarded-For``), the client is the
N-th entry from the right: everything further left was written by the client
itself and could be forged to dodge a limit or to frame another school.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:  # settings.py imports this module: keep it light
    from django.http import HttpRequest


def meta_key(header: str) -> str:
    """``X-Forwarded-For`` → ``HTTP_X_FORWARDED_FOR`` (how WSGI names a header)."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when there is no valid one."""
    addr = request.META.get("REMOTE_ADDR", "")
    if proxies := settings.MIMS_NUM_PROXIES:
        chain = [a.strip() for a in request.META.get(meta_key(settings.MIMS_PROXY_CLIENT_HEADER), "").split(",")]
        chain = [a for a in chain if a]
        # Fewer entries than proxies: the request did not come through all of
        # them (a health check from inside), so the peer itself is the client.
        if len(chain) >= proxies:
            addr = chain[-proxies]
    try:
        return str(ipaddress.ip_address(addr))
    except ValueError:
        return None
