"""The portal's address: the one source for every printed or mailed link.

Cards, slips, QR codes, e-mails and teacher pages all build their links here,
from ``SITE_ROOT`` (settings). Its default, ``http://127.0.0.1:8000``, only
suits a laptop: ``is_default_in_production()`` feeds the deploy check
(``accounts.W101``) and the admin's warning.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext

DEFAULT_SITE_ROOT = "http://127.0.0.1:8000"


def site_url(path: str = "") -> str:
    """The absolute address of ``path`` ("/login/"), or of the portal itself."""
    return settings.SITE_ROOT + path


def is_default_in_production() -> bool:
    return not settings.DEBUG and settings.SITE_ROOT.rstrip("/") == DEFAULT_SITE_ROOT


def site_root_warnings() -> list[str]:
    """What to tell the admin about the address (the admin's banner and the check)."""
    if not is_default_in_production():
        return []
    return [
        gettext(
            "The portal's address is still %(address)s. Cards, slips, QR codes and e-mails would send "
            "children there. Set SITE_ROOT to the real address (docs/operations.md)."
        ) % {"address": DEFAULT_SITE_ROOT}
    ]


def check_site_root(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """``manage.py check --deploy``: accounts.W101 while SITE_ROOT is the laptop default."""
    return [checks.Warning(message, id="accounts.W101") for message in site_root_warnings()]
