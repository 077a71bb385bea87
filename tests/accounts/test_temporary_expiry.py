"""Temporary passwords expire; staff give the current password to change their own in the admin (issue 18)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.passwords import issue_temporary_password
from batches.slips import PreparedSlips, store
from tests import factories


def sign_in(client, user, password):
    return client.post("/login/", {"username": user.username, "password": password})


@pytest.mark.django_db
class TestTemporaryPasswordsExpire:
    def test_a_teachers_temporary_password_works_for_a_week(self, client, student, form_teacher, settings):
        password = issue_temporary_password(student.user, request=None, actor=form_teacher.user)
        student.user.refresh_from_db()
        expected = timezone.now() + timedelta(days=settings.MIMS_TEMPORARY_PASSWORD_DAYS)
        assert abs(student.user.temporary_password_expires - expected) < timedelta(minutes=1)
        assert sign_in(client, student.user, password)["Location"] == "/account/"

    def test_an_expired_one_is_refused_with_a_plain_message_and_audited(self, client, student, form_teacher):
        password = issue_temporary_password(student.user, request=None, actor=form_teacher.user)
        User.objects.filter(pk=student.user.pk).update(temporary_password_expires=timezone.now() - timedelta(seconds=1))
        r = sign_in(client, student.user, password)
        assert r.status_code == 200 and b"too old to use" in r.content
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(action="login.temporary_expired", outcome="refused").count() == 1

    def test_a_password_of_ones_own_never_expires(self, client, student, form_teacher):
        issue_temporary_password(student.user, request=None, actor=form_teacher.user)
        student.user.refresh_from_db()
        student.user.set_password("rainbow42go")
        student.user.must_change_password = False
        student.user.save()
        User.objects.filter(pk=student.user.pk).update(temporary_password_expires=timezone.now() - timedelta(days=1))
        assert sign_in(client, student.user, "rainbow42go")["Location"] == "/account/"

    def test_slips_keep_working_until_their_own_later_date(self, student, ict_admin, settings):
        from django.contrib.auth.hashers import make_password

        store(PreparedSlips(slips=[], users=[student.user], hashes=[make_password("bamo-tize-47")]),
              actor=ict_admin.user, batch_id=1, channel="slip")  # fmt: skip
        student.user.refresh_from_db()
        expected = timezone.now() + timedelta(days=settings.MIMS_SLIP_PASSWORD_DAYS)
        assert abs(student.user.temporary_password_expires - expected) < timedelta(minutes=1)
        assert settings.MIMS_SLIP_PASSWORD_DAYS > settings.MIMS_TEMPORARY_PASSWORD_DAYS


@pytest.mark.django_db
class TestStaffOwnPasswordInTheAdmin:
    def test_moe_it_changing_their_own_password_is_sent_to_the_page_that_asks_for_it(self, moe_it):
        client = Client()
        client.force_login(moe_it)
        r = client.get(f"/admin/accounts/user/{moe_it.pk}/password/")
        assert r["Location"] == "/admin/password_change/"
        r = client.post(f"/admin/accounts/user/{moe_it.pk}/password/",
                        {"password1": "kite river lamp", "password2": "kite river lamp"})  # fmt: skip
        moe_it.refresh_from_db()
        assert moe_it.check_password(factories.PASSWORD)
        page = client.get("/admin/password_change/").content.decode()
        assert 'name="old_password"' in page

    def test_moe_it_still_sets_someone_elses_password_without_theirs(self, moe_it, form_teacher):
        client = Client()
        client.force_login(moe_it)
        r = client.get(f"/admin/accounts/user/{form_teacher.user.pk}/password/")
        assert r.status_code == 200 and 'name="old_password"' not in r.content.decode()
