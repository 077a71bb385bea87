"""The portal's address: the one source for every printed or mailed link.

Cards, slips, QR codes, e-mails and teacher pages all build their links here,
from ``SITE_ROOT`` (settings). Its default, ``http://127.0.0.1:8000``, only
suits a laptop: ``is_default_in_production()`` feeds the deploy check
(``accounts.W101``) and the admin's warning.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_SITE_ROOT = "http://127.0.0.1:8000"


def site_url(path: str = "") -> str:
    """The absolute address of ``path`` ("/login/"), or of the portal itself."""
    return settings.SITE_ROOT + path


def is_default_in_production() -> bool:
    return not settings.DEBUG and settings.SITE_ROOT.rstrip("/") == DEFAULT_SITE_ROOT
