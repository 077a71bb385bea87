"""The language picker at the foot of every page, rendered once per language.

Its label, list of languages (the current one selected) and button are the same for every page and
every user in one language; rendering them through the template engine on every request cost about as
much as the rest of a small page's frame. The parts that change (the CSRF token, the page to come back
to) stay in ``base.html``.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=16)  # one entry per language in settings.LANGUAGES
def _choices(language: str) -> SafeString:
    return render_to_string("includes/language_choices.html", {"LANGUAGE_CODE": language})


@register.simple_tag
def language_choices() -> SafeString:
    language = get_language()
    if settings.DEBUG:  # as Django's cached template loader: an edited template shows at once
        return _choices.__wrapped__(language)
    return _choices(language)
