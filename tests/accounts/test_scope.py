"""accounts/scope.py: one user's reach, and the for_user() methods built on it."""

from __future__ import annotations

import pytest

from accounts.models import School, SchoolClass, Student, User
from accounts.scope import CLASSES, EVERYTHING, NOTHING, SCHOOL, scope_of
from tests import factories


@pytest.fixture
def world(school, other_school, p5_class, student, form_teacher, other_teacher, ict_admin):
    old_class = factories.make_class(school, 4, "4 Bygone", year=2025)
    form_teacher.form_classes.add(old_class)
    SchoolClass.objects.filter(pk=old_class.pk).update(is_active=False)
    return {
        "old_class": old_class,
        "left": factories.make_student(p5_class, "Left Child Tan", is_active=False),
        "far": factories.make_student(factories.make_class(other_school, 5, "5 Far")),
    }


def _pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


class TestScopeOf:
    def test_it_names_each_role(self, world, form_teacher, ict_admin, moe_it, student, school):
        assert scope_of(moe_it).kind == EVERYTHING
        assert scope_of(ict_admin.user) == scope_of(ict_admin.user)
        assert (scope_of(ict_admin.user).kind, scope_of(ict_admin.user).school_id) == (SCHOOL, school.pk)
        assert scope_of(form_teacher.user).kind == CLASSES
        assert scope_of(student.user).kind == NOTHING

    def test_it_gives_nothing_to_staff_without_a_school_or_an_inactive_account(self, db, ict_admin):
        stray = User.objects.create_user("stray_staff", is_staff=True)
        assert scope_of(stray).kind == NOTHING
        ict_admin.user.is_active = False
        assert scope_of(ict_admin.user).kind == NOTHING
        assert not Student.objects.for_user(ict_admin.user).exists()

    def test_it_follows_a_role_change_on_the_same_user_object(self, world, form_teacher, school):
        user = form_teacher.user
        assert scope_of(user).kind == CLASSES
        user.is_staff = True
        assert scope_of(user).kind == SCHOOL and scope_of(user).school_id == school.pk


class TestForUser:
    def test_a_form_teacher_sees_the_active_classes_they_take_and_the_children_still_there(
        self, world, form_teacher, p5_class, p2_class, student
    ):
        user = form_teacher.user
        assert _pks(SchoolClass.objects.for_user(user)) == {p5_class.pk, p2_class.pk}
        assert _pks(Student.objects.for_user(user)) == {student.pk}  # not the child who left
        assert not School.objects.for_user(user).exists()  # no school-wide work

    def test_a_co_form_teacher_shares_the_class_and_a_teacher_moved_off_it_loses_it(
        self, world, school, p5_class, student, form_teacher
    ):
        co = factories.make_teacher(school, p5_class, username="co_teacher")
        assert student.pk in _pks(Student.objects.for_user(co.user))
        co.form_classes.remove(p5_class)
        assert not Student.objects.for_user(co.user).exists()

    def test_an_ict_admin_sees_the_whole_schools_records_and_works_on_the_current_ones(
        self, world, ict_admin, school, student
    ):
        user = ict_admin.user
        assert _pks(School.objects.for_user(user)) == {school.pk}
        assert world["old_class"].pk in _pks(SchoolClass.objects.for_user(user))
        assert world["old_class"].pk not in _pks(SchoolClass.objects.current().for_user(user))
        assert {student.pk, world["left"].pk} <= _pks(Student.objects.for_user(user))
        assert _pks(Student.objects.current().for_user(user)) & {world["left"].pk, world["far"].pk} == set()

    def test_moe_it_see_every_school(self, world, moe_it):
        assert world["far"].pk in _pks(Student.objects.for_user(moe_it))
        assert School.objects.for_user(moe_it).count() == 2
