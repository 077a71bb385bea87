"""The hasher for applications' client secrets.

django-oauth-toolkit hashes client secrets with a password hasher. Our first
password hasher is Argon2, built to make guessing a *human* password slow: about
105 ms and most of both cores per check (STACK.md), on every token request.
A client secret is 128 random characters (far beyond any guessing), so one
salted HMAC-SHA256 protects it as well as Argon2 would, in microseconds.

It is listed LAST in ``PASSWORD_HASHERS`` only because Django finds hashers
there by name; it is never the default, so no password is ever made with it,
and ``OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]`` names it for client secrets.
"""

from __future__ import annotations

import hashlib
import hmac

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop


class ClientSecretHasher(BasePasswordHasher):
    algorithm = "mims_client_secret"

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        digest = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            gettext_noop("algorithm"): decoded["algorithm"],
            gettext_noop("salt"): mask_hash(decoded["salt"], show=2),
            gettext_noop("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        return False

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
