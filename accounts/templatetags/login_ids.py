"""Login IDs on narrow screens: "muhammad_ali_muhammad_raihan@students.edu.sg"
may break after "_", "@" and "." (and nowhere else), instead of a letter at a
time (overflow-wrap: anywhere made a table column one letter wide)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BREAK_AFTER = re.compile(r"([_@.])")


@register.filter
def breakable(value: object) -> SafeString:
    """Escape, then allow a line break after each "_", "@" and "."."""
    return mark_safe(_BREAK_AFTER.sub(r"\1<wbr>", str(conditional_escape(value))))  # noqa: S308 (escaped first)
