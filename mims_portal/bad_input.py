"""Input no page can read gets a 400 page before any view, form or CSRF check reads it.

* A body in another character set than UTF-8: every page is served as UTF-8, so a
  browser posts UTF-8; ``charset=utf-16`` or ``latin-1`` comes from a script, and
  decoding it raised deep inside Django (a 500 whose own error page failed).
* A NUL character in the path or the query string (admin filters, autocomplete):
  PostgreSQL refuses NUL in text, so the query failed with a 500. No form field
  accepts NUL either (Django's forms say so with a message); a URL never needs one.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

READABLE_CHARSETS = {"utf-8", "ascii"}


def unreadable(request: HttpRequest) -> str | None:
    """Why the portal cannot read REQUEST, or None."""
    if charset := request.content_params.get("charset"):
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            name = ""
        if name not in READABLE_CHARSETS:
            return "Request body not in UTF-8"
    if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                     for key, values in request.GET.lists()):  # fmt: skip
        return "NUL character in the URL"
    return None


class RefuseUnreadableInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if reason := unreadable(request):
            # Django answers BadRequest with the 400 page (templates/400.html) and
            # logs one warning line with the path, not the input.
            raise BadRequest(reason)
        return self.get_response(request)
