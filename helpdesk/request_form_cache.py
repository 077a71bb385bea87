"""The request form's empty fields, rendered once per language and list of schools.

Every visit to ``/request-reset/`` (parents on their phones, on the first mornings of the year) rendered
the same eight empty fields and read every school for the school list: most of the page's time
(docs/benchmarks.md, "What a page costs besides Django"). The empty fields are now kept in the cache by
Django's ``{% cache %}`` tag, keyed by the language and by :func:`schools_version`; the CSRF token stays
outside the fragment. Saving or deleting a school starts a new version once its transaction commits, so
the next visitor sees the change at once. A form sent back with errors is always rendered afresh.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import School

KEY = "mims:schools-version"
SECONDS = 3600  # how long a fragment is kept; a new version makes the old ones unreachable at once


def schools_version() -> str:
    """The current version of the list of schools (any string that changes when it does)."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, secrets.token_hex(4), timeout=None)  # one version wins when servers race
        version = cache.get(KEY, "")
    return version


def fragment() -> dict:
    """What the template's ``{% cache %}`` tag needs: how long, and the version in its key."""
    return {"seconds": SECONDS, "version": schools_version()}


@receiver(post_save, sender=School)
@receiver(post_delete, sender=School)
def _schools_changed(sender, **kwargs) -> None:
    # After the commit: dropped earlier, another server could cache the old list again under the new version.
    transaction.on_commit(lambda: cache.delete(KEY))
