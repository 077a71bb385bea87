"""Warn before a lock: sign-in says how many tries are left, the same for a
real login ID and a made-up one (same words, same counts)."""

import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from accounts import lockouts
from tests import factories

REAL = "lim_wei_ming"
MADE_UP = "lim_wei_mingg"  # one letter off: no such account


@pytest.fixture
def student(p5_class):
    return factories.make_student(p5_class, "Lim Wei Ming", username=REAL)


def sign_in(client, username, password, url="/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def page_without_the_id(response, typed):
    """The page with what differs by nature taken out: the typed ID and the CSRF token."""
    html = response.content.decode().replace(typed, "TYPED")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def warning(response):
    found = re.search(r'<p class="tries-left" id="tries-left">(.*?)</p>', response.content.decode(), re.S)
    return " ".join(found.group(1).split()) if found else None


@pytest.mark.django_db
class TestSignInWarning:
    def test_it_counts_down_the_tries_left_then_locks(self, client, student):
        limit = settings.AXES_FAILURE_LIMIT
        for n in range(1, limit):
            r = sign_in(client, REAL, f"wrong-guess{n}")
            left = limit - n
            word = "try" if left == 1 else "tries"
            assert warning(r) == f"You have {left} more {word}. Then you must wait 15 minutes."
        assert sign_in(client, REAL, "wrong-guess-last").status_code == 429

    def test_a_made_up_id_gets_the_very_same_page(self, student):
        real, made_up = Client(), Client()
        for n in range(1, settings.AXES_FAILURE_LIMIT):
            r1 = sign_in(real, REAL, f"wrong-guess{n}")
            r2 = sign_in(made_up, MADE_UP, f"wrong-guess{n}")
            assert r1.status_code == r2.status_code == 200
            assert warning(r1) is not None
            assert page_without_the_id(r1, REAL) == page_without_the_id(r2, MADE_UP)

    def test_the_same_wrong_password_again_does_not_use_up_a_try(self, client, student):
        first = warning(sign_in(client, REAL, "wrong-guess1"))
        assert warning(sign_in(client, REAL, "wrong-guess1")) == first

    def test_staff_sign_in_warns_too(self, client, form_teacher):
        r = sign_in(client, "ms_tan", "wrong-guess1", url="/staff/sign-in/")
        assert warning(r) == f"You have {settings.AXES_FAILURE_LIMIT - 1} more tries. Then you must wait 15 minutes."

    def test_no_warning_before_a_wrong_password(self, client, db):
        assert warning(client.get("/login/")) is None
        assert warning(sign_in(client, REAL, "")) is None  # an empty box is not a try

    def test_the_lock_and_the_warning_are_one_rule(self, client, student):
        request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.9")
        key = lockouts.lock_key(REAL)
        assert lockouts.tries_left(request, key) == settings.AXES_FAILURE_LIMIT
        for n in range(settings.AXES_FAILURE_LIMIT):
            assert lockouts.is_locked(request, key) is (lockouts.tries_left(request, key) == 0)
            sign_in(client, REAL, f"wrong-guess{n}")
        assert lockouts.tries_left(request, key) == 0 and lockouts.is_locked(request, key)


def test_a_right_password_after_a_wrong_one_signs_in(client, student):
    sign_in(client, REAL, "wrong-guess1")
    assert sign_in(client, REAL, factories.PASSWORD).status_code == 302
