"""The portal's authentication backend (accounts/backends.py) answers exactly as Django's.

It reuses the account the lock key's look-up loaded and loads the profile with the user; what it must
keep: a password is checked (hashed) once whether or not the ID exists, an inactive account does not
sign in, and a session signed in through Django's own backend before the change is still signed in.
"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from accounts import backends
from tests import factories


class CountingHasher(MD5PasswordHasher):
    """Django's MD5 hasher, counting how often a password is hashed (encode) or checked (verify,
    which encodes inside)."""

    calls: list[str] = []
    verifying = False

    def encode(self, password, salt):
        if not CountingHasher.verifying:
            self.calls.append("encode")
        return super().encode(password, salt)

    def verify(self, password, encoded):
        self.calls.append("verify")
        CountingHasher.verifying = True
        try:
            return super().verify(password, encoded)
        finally:
            CountingHasher.verifying = False


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = []
    return CountingHasher.calls


def _sign_in(username: str, password: str):
    return Client().post("/login/", {"username": username, "password": password})


def test_a_right_password_signs_in_with_one_check(student, hashes):
    student.user.set_password(factories.PASSWORD)
    student.user.save()
    hashes.clear()
    response = _sign_in(student.user.username, factories.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert hashes == ["verify"]


def test_a_wrong_password_and_a_made_up_id_each_cost_one_hash(student, hashes):
    student.user.set_password(factories.PASSWORD)
    student.user.save()
    hashes.clear()
    assert _sign_in(student.user.username, "not-the-password").status_code == 200
    assert hashes == ["verify"]
    hashes.clear()
    assert _sign_in("no_such_child", "not-the-password").status_code == 200
    assert hashes == ["encode"]  # Django's answer for a missing account: hash anyway, as long


def test_an_inactive_account_does_not_sign_in(student):
    student.user.is_active = False
    student.user.save()
    response = _sign_in(student.user.username, factories.PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session


def test_a_session_signed_in_through_djangos_backend_stays_signed_in(student):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(student.user.pk)
    store[BACKEND_SESSION_KEY] = backends.DJANGO_PATH
    store[HASH_SESSION_KEY] = student.user.get_session_auth_hash()
    store.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    response = client.get("/account/")
    assert response.wsgi_request.user == student.user
    assert response["Location"] == "/sspr/setup/"  # signed in: asked to set up answers, not to sign in
    assert backends.DJANGO_PATH not in settings.AUTHENTICATION_BACKENDS  # the session store translated it
