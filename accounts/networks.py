"""School networks: the Internet addresses a school's children sign in from.

A school (often a whole cluster of schools through one gateway) reaches the
portal through a few public addresses. They are set per school in the admin
(``School.networks``, one CIDR range a line) and/or in the environment
(``MIMS_SCHOOL_NETWORKS="NPS=203.0.113.0/24 198.51.100.7;SPS=..."``, by school
code). :func:`schools_at` is the one place that answers "is this address a
school's network, and whose?".

What the answer changes (docs/security.md, "School networks"):
* per-address limits never turn away a child there (ratelimits.py);
* a sign-in lock caused from elsewhere does not stop the child signing in from
  their own school's network (lockouts.py, Entra-style familiar locations).

Every sign-in asks, so the ranges are kept in the cache (Redis, shared by every
server) rather than read from the database each time: saving or deleting a school
drops them once the change is committed, and they are read again at most an hour
later in any case.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MIN_PREFIX = {4: 16, 6: 32}  # the widest range a school network may be


def parse_networks(text: str) -> list[Network]:
    """One range a line (or separated by spaces or commas); a bare address is a /32."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValidationError(
                _("%(value)s is not an Internet address or range, such as 203.0.113.0/24.") % {"value": item},
                code="invalid_network",
            ) from None
        # A school's gateway is a handful of addresses; a huge range would lift
        # the per-address limits for half the Internet.
        if network.prefixlen < MIN_PREFIX[network.version]:
            raise ValidationError(
                _("%(value)s is too wide for a school network: use at most /%(prefix)d.")
                % {"value": item, "prefix": MIN_PREFIX[network.version]},
                code="network_too_wide",
            )
        networks.append(network)
    return networks


def validate_networks(text: str) -> None:
    parse_networks(text)


@lru_cache(maxsize=4)
def _from_environment(value: str) -> tuple[tuple[str, tuple[Network, ...]], ...]:
    entries = []
    for part in value.split(";"):
        if not part.strip():
            continue
        code, _sep, ranges = part.partition("=")
        try:
            entries.append((code.strip(), tuple(parse_networks(ranges))))
        except ValidationError as e:
            raise ImproperlyConfigured(f"MIMS_SCHOOL_NETWORKS ({code.strip()}): {e.messages[0]}") from None
    return tuple(entries)


def check_environment() -> None:
    _from_environment(settings.MIMS_SCHOOL_NETWORKS)


CACHE_SECONDS = 3600  # a change that bypassed the signals below (a raw UPDATE) shows within the hour


def _cache_key() -> str:
    # The environment's ranges are part of the answer: servers started with another
    # MIMS_SCHOOL_NETWORKS (during a rolling change) keep apart.
    env = hashlib.sha256(settings.MIMS_SCHOOL_NETWORKS.encode()).hexdigest()[:16]
    return f"mims:school-networks:{env}"


def all_networks() -> list[tuple[int, Network]]:
    """Every (school id, range) pair, from the admin and the environment (cached)."""
    key = _cache_key()
    pairs = cache.get(key)
    if pairs is None:
        pairs = _read_networks()
        cache.set(key, pairs, CACHE_SECONDS)
    return pairs


@receiver(post_save, sender="accounts.School")
@receiver(post_delete, sender="accounts.School")
def _school_changed(sender, **kwargs) -> None:
    # After the commit: dropped earlier, another server could cache the old ranges again
    # before the change is visible to it. A change rolled back drops nothing.
    transaction.on_commit(forget_networks)


def forget_networks() -> None:
    cache.delete(_cache_key())


def _read_networks() -> list[tuple[int, Network]]:
    from .models import School

    pairs: list[tuple[int, Network]] = []
    for school_id, text in School.objects.exclude(networks="").values_list("id", "networks"):
        try:
            pairs += [(school_id, n) for n in parse_networks(text)]
        except ValidationError:
            continue  # saved before validation existed: ignored, never a 500
    env = _from_environment(settings.MIMS_SCHOOL_NETWORKS)
    if env:
        ids = dict(School.objects.filter(code__in=[code for code, _n in env]).values_list("code", "id"))
        pairs += [(ids[code], n) for code, networks in env if code in ids for n in networks]
    return pairs


def schools_at(ip: str | None, pairs: list[tuple[int, Network]] | None = None) -> frozenset[int]:
    """The ids of the schools whose network ``ip`` is in (empty: not a school network).

    Pass ``pairs`` from :func:`all_networks` to classify many addresses with one query.
    """
    if not ip:
        return frozenset()
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return frozenset()
    if pairs is None:
        pairs = all_networks()
    return frozenset(school_id for school_id, net in pairs if address.version == net.version and address in net)


def request_schools(request) -> frozenset[int]:
    """:func:`schools_at` for the request's client address, worked out once per request."""
    from .client_address import client_address

    if not hasattr(request, "_mims_school_networks"):
        request._mims_school_networks = schools_at(client_address(request))
    return request._mims_school_networks


def is_school_network(request) -> bool:
    return bool(request_schools(request))
