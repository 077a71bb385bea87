import os

import pytest
from django.core.cache import cache
from django.test import Client

from . import factories

# Playwright's sync API and the live server share one process and thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_clean(settings):
    # A cheap hasher keeps the suite fast; tests of hashing itself ask for Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "sso.hashers.ClientSecretHasher"]
    # Tasks (notices, batches) run at once, so a test sees their e-mails in
    # mail.outbox; tests of the real queue ask for the database backend.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # A real address, as in production (DEBUG is off in tests): the default
    # would put the admin's "set SITE_ROOT" warning on every admin page.
    settings.SITE_ROOT = "https://mims.example.edu.sg"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor():
    """``client.force_login(user)`` stands for a finished sign-in: for staff that
    includes the second factor (an authenticator app, passed just now). Tests of
    the second factor itself sign in through the pages instead."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        factories.pass_second_factor(self, user)

    # Its own MonkeyPatch: a test's monkeypatch.undo() must not take this away.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", force_login)
        yield


@pytest.fixture
def argon2(settings):
    settings.PASSWORD_HASHERS = ["accounts.hashers.MimsArgon2PasswordHasher", "sso.hashers.ClientSecretHasher"]


@pytest.fixture
def school(db):
    return factories.make_school("NPS", "North Primary School")


@pytest.fixture
def other_school(db):
    return factories.make_school("SPS", "South Primary School")


@pytest.fixture
def p5_class(school):
    return factories.make_class(school, 5, "5 Courage")


@pytest.fixture
def p2_class(school):
    return factories.make_class(school, 2, "2 Joy")


@pytest.fixture
def student(p5_class):
    """A Primary 5 child with a password of their own and no challenge answers yet."""
    return factories.make_student(
        p5_class, "Muhammad Ali Bin Muhammad Raihan", username="muhammad_ali_muhammad_raihan"
    )


@pytest.fixture
def p2_student(p2_class):
    return factories.make_student(p2_class, "Tan Xiao Ming", username="tan_xiao_ming")


@pytest.fixture
def form_teacher(school, p5_class, p2_class):
    return factories.make_teacher(school, p5_class, p2_class, username="ms_tan")


@pytest.fixture
def other_teacher(school):
    """A form teacher of the same school who does not take the student's class."""
    return factories.make_teacher(school, factories.make_class(school, 5, "5 Hope"), username="mr_lim")


@pytest.fixture
def ict_admin(school):
    return factories.make_teacher(school, username="ict_admin", ict_admin=True)


@pytest.fixture
def moe_it(db):
    from accounts.models import User

    return User.objects.create_superuser("moe_it", password=factories.PASSWORD)
