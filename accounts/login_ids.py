"""Handing out MIMS login IDs: the lowest free of ``base``, ``base_1``, ``base_2``, …
and explicit renames by IT.

Race-free on PostgreSQL: every allocation takes a transaction-scoped advisory
lock per base before it looks, so two imports running at once wait for each
other per base instead of both picking ``tan_ah_kow_1`` (and one of them then
failing on the unique username). The lock lasts until the transaction that
saves the new users commits, which is why callers must be inside
``transaction.atomic()``. SQLite serialises writing transactions itself.

Advisory locks are held until commit, so a transaction that allocates twice
could deadlock with another doing the same in the opposite order: allocate a
whole import in ONE :func:`allocate_usernames` call (it locks in sorted order),
passing the file's login ID overrides as ``taken`` so they are locked too.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEvent, Student, User
from .scope import scope_of
from .usernames import MAX_LOCAL_PART, is_valid_base, is_valid_username, normalise_login_id, with_suffix

# ``with_suffix(base, n)`` for n below 10**12 ("_n" at most 13 characters) keeps
# at least 64 - 13 - 1 = 50 characters of ``base`` (the 1: a "_" or "-" stripped
# at the cut), so the first 50 characters of ``base + "_"`` begin base_1, base_2,
# … — and equal those of any other base whose numbered IDs could coincide with
# these. That one key serves as lock key and as the prefix to query.
_KEY_LENGTH = MAX_LOCAL_PART - 14
_NUMBERED = re.compile(r"(.+)_([1-9][0-9]*)", re.ASCII)


def allocate_username(base: str, taken: set[str] | None = None) -> str:
    """The lowest free of ``base``, ``base_1``, ``base_2``, … among saved users
    and ``taken`` (IDs handed out earlier in the same batch, not yet saved).

    Must be called inside ``transaction.atomic()``, and the user saved in that
    same transaction.
    """
    return allocate_usernames([base], taken=taken)[0]


def allocate_usernames(bases: list[str], taken: Iterable[str] | None = None) -> list[str]:
    """Login IDs for ``bases``, in order: the lowest free for each, with
    repeated bases numbered in turn (``tan``, ``tan_1``, ``tan_2``).

    ``taken`` holds IDs that must not be handed out (overrides in the same
    file, IDs allocated earlier in the batch); they are locked as well.
    Must be called inside ``transaction.atomic()``. Two queries whatever the
    batch size: one for the locks (PostgreSQL only), one to look.
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "allocate_usernames() must run inside transaction.atomic(), so that its lock lasts "
            "until the new users are saved."
        )
    for base in bases:
        if not is_valid_base(base):
            raise ValueError(f"Not a login ID base: {base!r}")
    unsaved = set(taken or ())
    distinct = sorted(set(bases))
    _lock_keys({_key(base) for base in distinct} | {_key(_strip_number(name)) for name in unsaved})

    used: dict[str, set[int]] = {base: set() for base in distinct}
    by_key: dict[str, list[str]] = {}
    for base in distinct:
        by_key.setdefault(_key(base), []).append(base)
    for name in unsaved | _saved_usernames_like(distinct):
        _mark_used(used, by_key, name)

    result = []
    lowest: dict[str, int] = dict.fromkeys(distinct, 0)  # every number below it is in use
    for base in bases:
        n = lowest[base]
        while n in used[base]:
            n += 1
        lowest[base] = n + 1
        result.append(with_suffix(base, n))
    return result


def rename_login_id(student: Student, new_username: str, *, request: HttpRequest | None, actor: User) -> None:
    """Give ``student`` a new login ID chosen by IT (a name correction never
    changes one by itself). Raises ``ValidationError`` for a malformed or taken
    ID and ``PermissionDenied`` if ``actor`` is not IT for the student's school.
    """
    if not scope_of(actor).administers(student.school_id):
        audit.record(
            request, "login_id.rename", actor=actor, target=student.login_id, school=student.school_id,
            outcome=AuditEvent.Outcome.REFUSED,
        )  # fmt: skip
        raise PermissionDenied(_("Only the school's ICT admin or MOE IT can change a login ID."))

    new = normalise_login_id(new_username)
    if not is_valid_username(new):
        raise ValidationError(
            _(
                "A login ID has only small letters a–z, words joined by “_” or “-”, and at most "
                "%(max)d characters, optionally ending in “_” and a number, like tan_ah_kow_2."
            ),
            code="invalid",
            params={"max": MAX_LOCAL_PART},
        )

    with transaction.atomic():
        # Lock the new ID's base like an allocation would, so an import running
        # now cannot hand the same ID to a new student.
        _lock_keys({_key(_strip_number(new))})
        user = User.objects.select_for_update().get(pk=student.user_id)
        old = user.username
        if new == old:
            raise ValidationError(_("That is already this student's login ID."), code="unchanged")
        if User.objects.filter(username=new).exists():
            raise ValidationError(
                _("The login ID %(login_id)s is already in use."),
                code="taken",
                params={"login_id": f"{new}@{settings.MIMS_USERNAME_DOMAIN}"},
            )
        user.username = new
        try:
            with transaction.atomic():
                user.save(update_fields=["username"])
        except IntegrityError:  # someone outside the lock (e.g. a staff account) took it
            raise ValidationError(
                _("The login ID %(login_id)s is already in use."),
                code="taken",
                params={"login_id": f"{new}@{settings.MIMS_USERNAME_DOMAIN}"},
            ) from None
        Student.objects.filter(pk=student.pk).update(login_base=_strip_number(new))
        audit.record(
            request,
            "login_id.rename",
            actor=actor,
            target=f"{new}@{settings.MIMS_USERNAME_DOMAIN}",
            school=student.school_id,
            old=f"{old}@{settings.MIMS_USERNAME_DOMAIN}",
            new=f"{new}@{settings.MIMS_USERNAME_DOMAIN}",
        )
    student.user = user
    student.login_base = _strip_number(new)


def _key(base: str) -> str:
    return (base + "_")[:_KEY_LENGTH]


def _strip_number(name: str) -> str:
    match = _NUMBERED.fullmatch(name)
    return match.group(1) if match else name


def _mark_used(used: dict[str, set[int]], by_key: dict[str, list[str]], name: str) -> None:
    """Record ``name`` against every base it is the plain or a numbered form of."""
    if name in used:
        used[name].add(0)
    if match := _NUMBERED.fullmatch(name):
        stem, n = match.group(1), int(match.group(2))
        # A stem shorter than the key is the base itself; a longer one may be a
        # base cut short to make room for the suffix.
        candidates = (stem,) if len(stem) < _KEY_LENGTH else by_key.get(name[:_KEY_LENGTH], ())
        for base in candidates:
            if base in used and with_suffix(base, n) == name:
                used[base].add(n)


def _saved_usernames_like(bases: list[str]) -> set[str]:
    """Saved usernames that may be ``base`` or a numbered form of it, for all
    ``bases`` in one query: a few extra (filtered by the caller), none missed.

    Each base gives one byte-wise range, from the base (or its key, if longer)
    up to just past its key: "tan" gives ["tan", "tan`"), which holds "tan" and
    every "tan_…" ("`" follows "_"). A join against the list of ranges lets the
    database walk the username index once per base, whatever the batch size.
    """
    if not bases:
        return set()
    lows = [min(base, _key(base)) for base in bases]
    highs = [_key(base)[:-1] + chr(ord(_key(base)[-1]) + 1) for base in bases]
    table = connection.ops.quote_name(User._meta.db_table)
    column = connection.ops.quote_name(User._meta.get_field("username").column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ~>=~ and ~<~ compare byte-wise, like the varchar_pattern_ops index
            # Django gives a unique CharField (the default collation's order
            # would put "tan_1" outside the range).
            cursor.execute(
                f"SELECT u.{column} FROM unnest(%s::text[], %s::text[]) AS r(lo, hi) "  # noqa: S608 - quoted model names only
                f"JOIN {table} AS u ON u.{column}::text ~>=~ r.lo AND u.{column}::text ~<~ r.hi",
                [lows, highs],
            )
        elif connection.vendor == "sqlite":
            # SQLite's default collation is byte-wise; its unique index serves ranges.
            cursor.execute(
                f"SELECT u.{column} FROM json_each(%s) AS r "  # noqa: S608 - quoted model names only
                f"JOIN {table} AS u ON u.{column} >= json_extract(r.value, '$[0]') "
                f"AND u.{column} < json_extract(r.value, '$[1]')",
                [json.dumps(list(zip(lows, highs, strict=True)))],
            )
        else:
            raise NotImplementedError(f"Login ID allocation does not support {connection.vendor}.")
        return {row[0] for row in cursor.fetchall()}


# Advisory locks are hashed into this many buckets (two bases in one bucket just
# wait for each other). One lock per base made a 17,600-name import hold 17,600
# locks and exhaust PostgreSQL's shared lock table (max_locks_per_transaction,
# 64 per connection by default), failing every database on that server.
LOCK_BUCKETS = 32
# The high 32 bits of every key: our locks never meet another program's.
LOCK_NAMESPACE = int.from_bytes(b"mims", "big") << 32


def _lock_keys(keys: set[str]) -> None:
    """Transaction-scoped PostgreSQL advisory locks, taken in sorted order so two
    transactions locking overlapping sets cannot deadlock; at most LOCK_BUCKETS."""
    if connection.vendor != "postgresql" or not keys:
        return
    numbers = sorted({_lock_number(key) for key in keys})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY k) AS keys",
            [numbers],
        )


def _lock_number(key: str) -> int:
    digest = hashlib.blake2b(key.encode(), digest_size=8, person=b"mims-login-id").digest()
    return LOCK_NAMESPACE | int.from_bytes(digest, "big") % LOCK_BUCKETS
