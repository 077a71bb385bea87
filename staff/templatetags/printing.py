"""The admin's banner for what would spoil printed cards, slips and e-mails:
the portal's address left at its default in production, or missing fonts.
The same words as the system checks (accounts.W101, batches.W001)."""

from __future__ import annotations

from django import template

from accounts.site import site_root_warnings
from batches.fonts import font_warnings

register = template.Library()


@register.inclusion_tag("admin/includes/printing_warnings.html")
def printing_warnings() -> dict[str, list[str]]:
    return {"warnings": [*site_root_warnings(), *font_warnings()]}
