"""The migration that makes the student reference unique across schools
checks the data first, and reserves every existing login ID."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0004_student_search_indexes")]
RESERVED = [("accounts", "0005_reserved_login_ids_and_leavers")]
AFTER = [("accounts", "0006_student_ref_unique_across_schools")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def make_child(apps, school, username, ref):
    user = apps.get_model("accounts", "User").objects.create(username=username, password="!")
    return apps.get_model("accounts", "Student").objects.create(
        user=user, school=school, full_name=username, student_ref=ref, login_base=username
    )


@pytest.mark.django_db(transaction=True)
class TestStudentRefMigration:
    @pytest.fixture(autouse=True)
    def _back_to_latest(self):
        yield
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_it_stops_and_names_references_held_at_two_schools(self):
        apps = migrate(BEFORE)
        School = apps.get_model("accounts", "School")
        north, south = School.objects.create(code="NPS", name="N"), School.objects.create(code="SPS", name="S")
        make_child(apps, north, "tan_wei", "R1")
        make_child(apps, south, "tan_wei_1", "R1")
        with pytest.raises(RuntimeError, match=r"R1: NPS \(tan_wei\), SPS \(tan_wei_1\)"):
            migrate(AFTER)
        # Nothing changed: both children are still there, under the old rule.
        apps = migrate(RESERVED)
        assert apps.get_model("accounts", "Student").objects.filter(student_ref="R1").count() == 2
        # Fixed by a person (here: the reference was mistyped), it goes through.
        apps.get_model("accounts", "Student").objects.filter(user__username="tan_wei_1").update(student_ref="R2")
        migrate(AFTER)

    def test_it_reserves_every_existing_login_id_and_dates_earlier_leavers(self):
        apps = migrate(BEFORE)
        school = apps.get_model("accounts", "School").objects.create(code="NPS", name="N")
        make_child(apps, school, "tan_wei", "R1")
        left = make_child(apps, school, "lim_bee_hoon", "R2")
        apps.get_model("accounts", "User").objects.filter(pk=left.user_id).update(is_active=False)
        apps = migrate(AFTER)
        reserved = apps.get_model("accounts", "ReservedLoginId").objects.values_list("username", flat=True)
        assert sorted(reserved) == ["lim_bee_hoon", "tan_wei"]
        Student = apps.get_model("accounts", "Student")
        assert Student.objects.get(student_ref="R2").left_on == timezone.localdate()
        assert Student.objects.get(student_ref="R1").left_on is None
