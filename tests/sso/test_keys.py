"""Signing keys: made once for local runs, read from the environment or a
file, and rotated with the old key still published."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

import pytest
from jwcrypto import jwk, jws

from sso import keys


def kid_of(id_token: str) -> str:
    token = jws.JWS()
    token.deserialize(id_token)
    return token.jose_header["kid"]


def thumbprint(pem: str) -> str:
    return jwk.JWK.from_pem(pem.encode()).thumbprint()


@pytest.mark.django_db
def test_a_key_rotation_publishes_both_keys_and_old_tokens_still_verify(rp, browser, child, settings):
    old_pem = settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]
    before = rp.sign_in(browser)["id_token"]
    assert kid_of(before) == thumbprint(old_pem)

    new_pem = keys.generate_pem()
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": new_pem, "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [old_pem],
    }
    published = {k["kid"] for k in json.loads(rp.server.get("/.well-known/jwks.json").content)["keys"]}
    assert published == {thumbprint(old_pem), thumbprint(new_pem)}

    after = rp.sign_in(browser)["id_token"]
    assert kid_of(after) == thumbprint(new_pem)
    # An app holding either token checks it against the one published set.
    assert rp.verified_claims(before)["sub"] == rp.verified_claims(after)["sub"]

    # Change-over done: the old key goes, and so do tokens signed with it.
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEYS_INACTIVE": []}
    with pytest.raises(Exception, match="[Kk]ey"):
        rp.verified_claims(before)


def test_a_local_key_is_made_once_and_kept(tmp_path):
    first = keys.local_key(tmp_path)
    assert keys.local_key(tmp_path) == first
    assert (tmp_path / "oidc_rsa_key.pem").stat().st_mode & 0o777 == 0o600
    assert jwk.JWK.from_pem(first.encode()).has_private


def test_several_keys_in_one_value_are_split():
    a, b = keys.generate_pem(), keys.generate_pem()
    assert keys.split_pems(f"{a}\n{b}") == [a.strip(), b.strip()]
    assert keys.split_pems("") == []


def _settings_with(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; from jwcrypto import jwk; "
        "conf = settings.OAUTH2_PROVIDER; "
        "print(*[jwk.JWK.from_pem(p.encode()).thumbprint() "
        "for p in [conf['OIDC_RSA_PRIVATE_KEY'], *conf['OIDC_RSA_PRIVATE_KEYS_INACTIVE']]])"
    )
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mims_portal.settings"}
    return subprocess.run([sys.executable, "-c", code], env=base | env, capture_output=True, text=True, timeout=60)


def test_production_reads_the_key_from_a_file_and_refuses_to_start_without_one(tmp_path):
    active, old = keys.generate_pem(), keys.generate_pem()
    (tmp_path / "active.pem").write_text(active)
    (tmp_path / "old.pem").write_text(old)
    prod = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "MIMS_VAR_DIR": str(tmp_path / "var")}
    ok = _settings_with(
        prod | {"OIDC_RSA_PRIVATE_KEY_FILE": str(tmp_path / "active.pem"),
                "OIDC_RSA_PRIVATE_KEYS_INACTIVE_FILE": str(tmp_path / "old.pem")}
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == [thumbprint(active), thumbprint(old)]

    missing = _settings_with(prod)
    assert missing.returncode != 0
    assert "OIDC_RSA_PRIVATE_KEY" in missing.stderr
    assert not (tmp_path / "var" / "oidc_rsa_key.pem").exists()
