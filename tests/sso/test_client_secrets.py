"""Client secrets: a fast salted hash fit for long random values, never the
hasher of anyone's password."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from oauth2_provider.models import Application

from sso.hashers import ClientSecretHasher

from .conftest import SECRET, register_app


@pytest.mark.django_db
def test_a_secret_is_stored_hashed_with_the_client_secret_hasher(app):
    app.refresh_from_db()
    assert app.client_secret.startswith("mims_client_secret$")
    assert SECRET not in app.client_secret
    assert check_password(SECRET, app.client_secret)
    assert not check_password(SECRET + "x", app.client_secret)


@pytest.mark.django_db
def test_saving_an_app_again_does_not_hash_the_hash(app):
    stored = Application.objects.get(pk=app.pk).client_secret
    app = Application.objects.get(pk=app.pk)
    app.name = "Learning space 2"
    app.save()
    assert Application.objects.get(pk=app.pk).client_secret == stored


def test_each_secret_gets_its_own_salt():
    hasher = ClientSecretHasher()
    one, two = hasher.encode(SECRET, hasher.salt()), hasher.encode(SECRET, hasher.salt())
    assert one != two
    assert hasher.verify(SECRET, one) and hasher.verify(SECRET, two)
    assert "hash" in hasher.safe_summary(one) and SECRET not in str(hasher.safe_summary(one))


def test_passwords_are_never_made_with_it(settings):
    from mims_portal import settings as configured  # not the tests' cheap hasher

    hashers = configured.PASSWORD_HASHERS
    assert hashers[0] == "accounts.hashers.MimsArgon2PasswordHasher"
    assert hashers[-1] == "sso.hashers.ClientSecretHasher"
    assert configured.OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"] == ClientSecretHasher.algorithm
    settings.PASSWORD_HASHERS = hashers
    assert identify_hasher(make_password("sunny2day")).algorithm == "argon2"
    assert get_hasher("default").algorithm == "argon2"


@pytest.mark.django_db
def test_a_public_app_is_registered_the_same_way():
    app = register_app("Media library", confidential=False)
    assert Application.objects.get(pk=app.pk).client_type == "public"
