"""The RS256 keys that sign ID tokens: read from the environment or a file, or
made once under ``var/`` for local runs (like the secret key).

Imported by settings, so it imports nothing from Django's apps.

Rotation (docs/sso.md): put the new key in ``OIDC_RSA_PRIVATE_KEY`` and the old
one in ``OIDC_RSA_PRIVATE_KEYS_INACTIVE``; both are published in the JWKS, new
tokens are signed with the new one, and tokens signed with the old one still
verify until they expire. Then drop the old key.
"""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_PEM = re.compile(r"-----BEGIN (?:RSA )?PRIVATE KEY-----.+?-----END (?:RSA )?PRIVATE KEY-----", re.DOTALL)


def generate_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def split_pems(text: str | None) -> list[str]:
    """Every PEM private key in ``text`` (one after another, as in a file)."""
    return _PEM.findall(text or "")


def local_key(var_dir: Path) -> str:
    """The key kept in ``var/`` for local runs, made on first use."""
    key_file = var_dir / "oidc_rsa_key.pem"
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(generate_pem())
        key_file.chmod(0o600)
    return key_file.read_text()
