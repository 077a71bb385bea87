"""Rotating SECRET_KEY with SECRET_KEY_FALLBACKS signs no one out (docs/operations.md)."""

from __future__ import annotations

from django.test import Client

NEW_KEY = "a-new-key-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2


def signed_in(client: Client) -> bool:
    r = client.get("/account/")
    return not (r.status_code == 302 and r["Location"].startswith("/login/"))


def test_it_keeps_sessions_across_a_key_rotation_with_the_old_key_as_fallback(settings, student):
    old_key = settings.SECRET_KEY
    with_fallback, without = Client(), Client()
    with_fallback.force_login(student.user)
    without.force_login(student.user)
    assert signed_in(with_fallback) and signed_in(without)

    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert signed_in(with_fallback)

    settings.SECRET_KEY_FALLBACKS = []
    assert not signed_in(without)  # without the fallback the rotation would sign everyone out
