"""Django's database sessions, written once per sign-in instead of twice.

Signing in rotates the session key (``login()`` calls ``cycle_key()``: protection against session
fixation). Django's database store then asks whether the new random key is free, inserts a row at once
and updates it again at the end of the request with the signed-in data: three statements (and two
transactions) for one row. Here the new key is drawn without the "is it free?" query (32 characters from
36 is 165 random bits; the INSERT, which must create, still refuses a clash) and the row is written once,
when the request ends (``SessionMiddleware`` saves a changed session). The key still changes at every
sign-in and the old row is still deleted at once, so fixation protection is unchanged.

A session signed in through Django's own ``ModelBackend`` (before :mod:`accounts.backends`) is read
as signed in through ours, so changing the backend signs nobody out.

``SESSION_ENGINE = "accounts.session_store"``; rows, cookies and ``clearsessions`` are Django's own.
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string

from . import backends


class SessionStore(DatabaseSessionStore):
    _unwritten = False  # a key drawn by cycle_key() whose row the next save() inserts

    def _get_new_session_key(self) -> str:
        # create() inserts with must_create and draws again on a clash, so no query is needed first.
        return get_random_string(32, VALID_KEY_CHARS)

    def load(self) -> dict:
        data = super().load()
        if data.get(BACKEND_SESSION_KEY) == backends.DJANGO_PATH:
            data[BACKEND_SESSION_KEY] = backends.PATH
        return data

    def cycle_key(self) -> None:
        data = self._session
        old = self.session_key
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self.modified = True
        self._unwritten = True
        if old:
            self.delete(old)

    def save(self, must_create: bool = False) -> None:
        # A clash of the new key (never seen: 165 random bits) raises CreateError rather than
        # overwriting someone else's session.
        super().save(must_create=must_create or self._unwritten)
        self._unwritten = False

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            self._unwritten = False
        super().delete(session_key)
