"""MIMS login IDs: made from a student's registered name, and read back from
what a child types on the sign-in page.

Pure functions; no database access.
"""

from __future__ import annotations

from django.conf import settings


def normalise_login_id(typed: str) -> str:
    """What a person typed on a sign-in or reset page, as a username.

    Accepts the login ID with or without ``@students.edu.sg``, in any case,
    with stray spaces around it.
    """
    value = (typed or "").strip().lower()
    suffix = "@" + settings.MIMS_USERNAME_DOMAIN
    if value.endswith(suffix):
        value = value[: -len(suffix)]
    return value[:150]


def login_key_from_request(request, credentials: dict | None = None) -> str:  # noqa: ANN001
    """django-axes AXES_USERNAME_CALLABLE: lock the login ID however it was typed."""
    if credentials and credentials.get("username"):
        return normalise_login_id(credentials["username"])
    return normalise_login_id(request.POST.get("username", "")) if request is not None else ""
