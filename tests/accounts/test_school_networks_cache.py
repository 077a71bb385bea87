"""School networks are read from the cache, and a school's change reaches every server once committed.

Every sign-in asks whether its address is a school network (accounts/networks.py); the ranges are kept in
the shared cache instead of read from the database each time, and saving or deleting a school drops them
after the commit.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import AuditEvent
from accounts.networks import schools_at
from tests import factories

SCHOOL_NET, SCHOOL_IP, HOME_IP = "203.0.113.0/24", "203.0.113.7", "198.51.100.20"


def _set_networks(school, text: str, capture) -> None:
    school.networks = text
    with capture(execute=True):  # as the admin's save does: the commit follows
        school.save()


@pytest.mark.django_db
class TestSchoolNetworksCacheTestCase:
    def test_it_reads_the_networks_once_for_many_questions(self, school, django_capture_on_commit_callbacks,
                                                          django_assert_num_queries):  # fmt: skip
        _set_networks(school, SCHOOL_NET, django_capture_on_commit_callbacks)
        assert schools_at(SCHOOL_IP) == {school.pk}
        with django_assert_num_queries(0):
            assert schools_at(SCHOOL_IP) == {school.pk}
            assert schools_at(HOME_IP) == frozenset()

    def test_it_sees_a_saved_change_at_once(self, school, django_capture_on_commit_callbacks):
        assert schools_at(SCHOOL_IP) == frozenset()  # now in the cache: no networks
        _set_networks(school, SCHOOL_NET, django_capture_on_commit_callbacks)
        assert schools_at(SCHOOL_IP) == {school.pk}
        _set_networks(school, "", django_capture_on_commit_callbacks)
        assert schools_at(SCHOOL_IP) == frozenset()

    def test_it_forgets_a_deleted_schools_networks(self, school, other_school, django_capture_on_commit_callbacks):
        _set_networks(other_school, SCHOOL_NET, django_capture_on_commit_callbacks)
        assert schools_at(SCHOOL_IP) == {other_school.pk}
        with django_capture_on_commit_callbacks(execute=True):
            other_school.delete()
        assert schools_at(SCHOOL_IP) == frozenset()

    def test_a_change_rolled_back_keeps_what_is_committed(self, school, django_capture_on_commit_callbacks):
        _set_networks(school, SCHOOL_NET, django_capture_on_commit_callbacks)
        assert schools_at(SCHOOL_IP) == {school.pk}
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            school.networks = ""
            school.save()
            raise RuntimeError("the admin's save failed")
        assert callbacks == []
        assert schools_at(SCHOOL_IP) == {school.pk}

    def test_a_changed_environment_setting_is_not_answered_from_the_cache(self, school, settings):
        assert schools_at(SCHOOL_IP) == frozenset()
        settings.MIMS_SCHOOL_NETWORKS = f"{school.code}={SCHOOL_NET}"
        assert schools_at(SCHOOL_IP) == {school.pk}

    def test_a_network_set_in_the_admin_counts_for_the_next_sign_in(self, client, moe_it, student,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
        # From a home address five wrong passwords lock the child out everywhere but at school.
        for i in range(5):
            Client().post("/login/", {"username": student.user.username, "password": f"guess{i}"},
                          REMOTE_ADDR=HOME_IP)  # fmt: skip
        school_login = {"username": student.user.username, "password": factories.PASSWORD}
        assert Client().post("/login/", school_login, REMOTE_ADDR=SCHOOL_IP).status_code == 429
        client.force_login(moe_it)
        school = student.school
        form = {"name": school.name, "code": school.code, "networks": SCHOOL_NET}
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/admin/accounts/school/{school.pk}/change/", form)
        assert r.status_code == 302, r.content.decode()[:2000]
        r = Client().post("/login/", school_login, REMOTE_ADDR=SCHOOL_IP)
        assert r.status_code == 302 and r["Location"] == "/account/"
        assert AuditEvent.objects.filter(action="login", actor=student.user, outcome="success").count() == 1
