"""Every registered model admin, walked as a school ICT admin."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from oauth2_provider.models import Application

from accounts.admin_scoping import SchoolScopedAdmin
from accounts.models import AuditEvent, School, SchoolClass, Student, Teacher, User
from sspr.models import ChallengeQuestion
from tests import factories

from .conftest import OTHER_MARK

# Rows shared by every school (school_path = None): visible, not editable.
SHARED = {ChallengeQuestion, Application}


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _other_object(model, other):
    """The other school's object of this model, for the known models."""
    return {
        School: other["school"],
        SchoolClass: other["class"],
        Student: other["student"],
        Teacher: other["teacher"],
        User: other["user"],
        AuditEvent: other["event"],
    }.get(model)


def _page(response, pk: int) -> str:
    """The page without what differs on every request anyway: the CSRF token
    (masked afresh each time) and the address asked for (the language form's
    "next"). What is left must not tell the two objects apart."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return text.replace(f"/{pk}/", "/PK/")


def _form_data(form) -> dict:
    """What the browser would post back for an admin form, unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


@pytest.mark.django_db
class TestEveryModelAdmin:
    @pytest.fixture(autouse=True)
    def _data(self, client, school_ict_admin, student, form_teacher, own_event, other):
        self.client, self.other = client, other
        client.force_login(school_ict_admin.user)

    def _is_scoped(self, model) -> bool:
        return isinstance(admin.site._registry[model], SchoolScopedAdmin)

    def test_it_scopes_every_admin_an_ict_admin_may_open(self, school_ict_admin):
        user = User.objects.get(pk=school_ict_admin.user_id)  # fresh permission cache
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            if not self._is_scoped(model):
                # Not about one school (groups, task results): ICT admins get no permission on it.
                assert not user.has_module_perms(opts.app_label) or not any(
                    user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
                    for action in ("view", "change", "add", "delete")
                ), f"{model.__name__} admin is not school-scoped but ICT admins may open it"
                continue
            if model in SHARED:
                assert model_admin.school_path is None
            else:
                assert model_admin.school_path is not None or type(model_admin).scope_queryset is not (
                    SchoolScopedAdmin.scope_queryset
                ), f"{model.__name__} admin scopes nothing"

    def test_it_shows_no_other_school_rows_on_any_changelist(self):
        checked = 0
        for model in admin.site._registry:
            response = self.client.get(_url(model, "changelist"))
            if response.status_code == 403:
                # No permission on it at all (not about one school, or its app
                # has not granted the ICT admin role any): nothing can leak.
                continue
            assert self._is_scoped(model)
            assert response.status_code == 200, model
            assert OTHER_MARK not in response.content.decode(), f"{model.__name__} changelist leaks"
            checked += 1
        assert checked >= 7

    def test_it_answers_another_schools_object_like_a_missing_one(self):
        for model in admin.site._registry:
            obj = _other_object(model, self.other)
            if obj is None:
                continue
            for view in ("change", "delete", "history"):
                theirs = self.client.get(_url(model, view, obj.pk))
                missing = self.client.get(_url(model, view, 987654321))
                assert theirs.status_code == missing.status_code, (model, view, theirs.status_code)
                assert _page(theirs, obj.pk) == _page(missing, 987654321), (model, view)
                # 404, or 403 where the role may not delete such objects at all.
                assert theirs.status_code == 404 or (view == "delete" and theirs.status_code == 403), (model, view)
            assert OTHER_MARK not in self.client.get(_url(model, "change", obj.pk)).content.decode()

    def test_it_refuses_posts_to_another_schools_object(self):
        student = self.other["student"]
        response = self.client.post(
            _url(Student, "change", student.pk), {"full_name": "Hacked", "student_ref": "X", "school_class": ""}
        )
        assert response.status_code == 404
        student.refresh_from_db()
        assert student.full_name.startswith(OTHER_MARK)

    def test_it_shows_other_school_rows_to_moe_it(self, moe_it):
        # The walk above could fail: a superuser sees the marked rows.
        self.client.force_login(moe_it)
        for model in (School, SchoolClass, Student, Teacher, User, AuditEvent):
            body = self.client.get(_url(model, "changelist")).content.decode()
            assert OTHER_MARK in body, model
        assert self.client.get(_url(Student, "change", self.other["student"].pk)).status_code == 200


@pytest.mark.django_db
class TestSearchAndAutocomplete:
    @pytest.fixture(autouse=True)
    def _data(self, client, school_ict_admin, student, other):
        self.client, self.other = client, other
        client.force_login(school_ict_admin.user)

    def test_it_finds_own_students_and_not_others(self, student):
        found = self.client.get(_url(Student, "changelist"), {"q": "muhammad"})
        assert student.full_name in found.content.decode()
        for term in (OTHER_MARK, OTHER_MARK.lower(), f"5 {OTHER_MARK}"):
            body = self.client.get(_url(Student, "changelist"), {"q": term}).content.decode()
            assert "0 students" in body and "Lee Kah Wee" not in body, term

    def test_it_scopes_autocomplete(self, student, form_teacher):
        url = reverse("admin:autocomplete")
        params = {"app_label": "accounts", "model_name": "teacher", "field_name": "user"}
        mine = self.client.get(url, {**params, "term": "ms_tan"}).json()
        assert [r["text"] for r in mine["results"]] == ["ms_tan"]
        theirs = self.client.get(url, {**params, "term": OTHER_MARK.lower()}).json()
        assert theirs["results"] == []

    def test_it_scopes_filter_choices(self, p5_class):
        body = self.client.get(_url(Student, "changelist")).content.decode()
        assert "5 Courage" in body
        assert f"5 {OTHER_MARK}" not in body
        teacher_page = self.client.get(_url(Teacher, "changelist")).content.decode()
        assert OTHER_MARK not in teacher_page

    def test_it_ignores_a_filter_for_another_schools_class(self):
        response = self.client.get(_url(Student, "changelist"), {"class": self.other["class"].pk})
        assert response.status_code == 200
        assert OTHER_MARK not in response.content.decode()

    def test_it_offers_only_own_school_choices_in_forms(self, school, form_teacher):
        model_admin = admin.site._registry[Teacher]
        request = RequestFactory().get("/")
        request.user = form_teacher.user.__class__.objects.get(username="ict_admin")
        form = model_admin.get_form(request, form_teacher)(instance=form_teacher)
        assert list(form.fields["school"].queryset) == [school]
        assert self.other["class"] not in form.fields["form_classes"].queryset

    def test_it_refuses_another_schools_class_on_save(self, form_teacher):
        response = self.client.post(
            _url(Teacher, "change", form_teacher.pk),
            {"user": form_teacher.user_id, "school": form_teacher.school_id, "form_classes": [self.other["class"].pk]},
        )
        assert response.status_code == 200  # the form again, with an error
        assert "Select a valid choice" in response.content.decode()
        assert not form_teacher.form_classes.filter(pk=self.other["class"].pk).exists()


@pytest.mark.django_db
class TestRoleLimits:
    def test_it_lets_no_ict_admin_add_a_school(self, client, school_ict_admin):
        client.force_login(school_ict_admin.user)
        assert client.get(_url(School, "add")).status_code == 403

    def test_it_lets_no_ict_admin_edit_the_question_bank(self, client, school_ict_admin):
        question = ChallengeQuestion.objects.create(text="What is your favourite fruit?")
        client.force_login(school_ict_admin.user)
        assert client.get(_url(ChallengeQuestion, "changelist")).status_code == 200
        response = client.post(_url(ChallengeQuestion, "change", question.pk), {"text": "Changed", "order": 0})
        assert response.status_code == 403
        question.refresh_from_db()
        assert question.text == "What is your favourite fruit?"

    def test_it_keeps_staff_accounts_out_of_an_ict_admins_reach(self, client, school_ict_admin, school):
        from tests import factories

        colleague = factories.make_teacher(school, username="other_ict", ict_admin=True)
        client.force_login(school_ict_admin.user)
        response = client.post(
            reverse("admin:accounts_user_change", args=[colleague.user_id]),
            {"username": "other_ict", "is_superuser": "on"},
        )
        assert response.status_code == 403
        colleague.user.refresh_from_db()
        assert not colleague.user.is_superuser

    def test_it_lets_an_ict_admin_rename_only_through_the_rename_action(self, client, school_ict_admin, student):
        # The rename action checks the new login ID, locks the row and audits; the plain form would not.
        client.force_login(school_ict_admin.user)
        url = reverse("admin:accounts_user_change", args=[student.user_id])
        form = client.get(url).context["adminform"].form
        assert "username" not in form.fields
        data = _form_data(form)
        data["username"] = "someone_else"
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        student.user.refresh_from_db()
        assert student.user.username == "muhammad_ali_muhammad_raihan"

    def test_it_still_lets_moe_it_edit_a_username(self, client, moe_it, student):
        client.force_login(moe_it)
        url = reverse("admin:accounts_user_change", args=[student.user_id])
        assert "username" in client.get(url).context["adminform"].form.fields

    def test_it_lets_an_ict_admin_view_but_not_change_a_fellow_ict_admins_profile(
        self, client, school_ict_admin, school, p5_class
    ):
        from tests import factories

        colleague = factories.make_teacher(school, username="other_ict", ict_admin=True)
        client.force_login(school_ict_admin.user)
        assert client.get(_url(Teacher, "change", colleague.pk)).status_code == 200  # read-only view
        response = client.post(
            _url(Teacher, "change", colleague.pk),
            {"user": colleague.user_id, "school": school.pk, "form_classes": [p5_class.pk]},
        )
        assert response.status_code == 403
        assert not colleague.form_classes.exists()
        assert client.get(_url(Teacher, "delete", colleague.pk)).status_code == 403
        assert client.post(_url(Teacher, "delete", colleague.pk), {"post": "yes"}).status_code == 403
        client.post(
            _url(Teacher, "changelist"),
            {"action": "delete_selected", "_selected_action": [colleague.pk], "post": "yes"},
        )
        assert Teacher.objects.filter(pk=colleague.pk).exists()

    def test_it_lets_moe_it_change_an_ict_admins_profile(self, client, moe_it, school_ict_admin, p5_class):
        client.force_login(moe_it)
        response = client.post(
            _url(Teacher, "change", school_ict_admin.pk),
            {"user": school_ict_admin.user_id, "school": school_ict_admin.school_id, "form_classes": [p5_class.pk]},
        )
        assert response.status_code == 302
        assert list(school_ict_admin.form_classes.all()) == [p5_class]

    def test_it_shows_nothing_to_staff_without_a_school(self, client, db):
        from tests import factories

        stray = User.objects.create_user("stray_staff", password=factories.PASSWORD, is_staff=True)
        stray.groups.add(Group.objects.get(name="School ICT admin"))
        school = factories.make_school()
        factories.make_student(factories.make_class(school), f"{OTHER_MARK} Child")
        client.force_login(stray)
        body = client.get(_url(Student, "changelist")).content.decode()
        assert OTHER_MARK not in body


@pytest.mark.django_db
class TestTeacherAdd:
    def test_it_creates_a_teacher_with_an_account_in_the_own_school(self, client, school_ict_admin, school, p5_class):
        from accounts.models import AuditEvent

        client.force_login(school_ict_admin.user)
        response = client.post(
            _url(Teacher, "add"),
            {"username": "Mr_Goh", "first_name": "Kim Huat", "last_name": "Goh", "email": "",
             "school": school.pk, "form_classes": [p5_class.pk]},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
        teacher = Teacher.objects.get(user__username="mr_goh")
        assert teacher.school == school and list(teacher.form_classes.all()) == [p5_class]
        assert not teacher.user.has_usable_password() and not teacher.user.is_staff
        assert AuditEvent.objects.filter(action="account.created", target="mr_goh", school=school).exists()

    def test_it_refuses_another_school_and_a_taken_username(self, client, school_ict_admin, other, student):
        client.force_login(school_ict_admin.user)
        response = client.post(
            _url(Teacher, "add"),
            {"username": student.user.username, "school": other["school"].pk, "form_classes": [other["class"].pk]},
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert set(errors) == {"username", "school", "form_classes"}
        assert not Teacher.objects.filter(school=other["school"]).exclude(pk=other["teacher"].pk).exists()


@pytest.mark.django_db
class TestStudentChangeForm:
    def test_it_offers_moe_it_only_the_students_own_school_classes(self, client, moe_it, student, other):
        client.force_login(moe_it)
        response = client.get(_url(Student, "change", student.pk))
        queryset = response.context["adminform"].form.fields["school_class"].queryset
        assert student.school_class in queryset and other["class"] not in queryset
        response = client.post(
            _url(Student, "change", student.pk),
            {"full_name": student.full_name, "student_ref": student.student_ref, "school_class": other["class"].pk},
        )
        assert response.status_code == 200
        student.refresh_from_db()
        assert student.school_class_id != other["class"].pk

    def test_it_saves_a_name_correction(self, client, school_ict_admin, student):
        client.force_login(school_ict_admin.user)
        response = client.post(
            _url(Student, "change", student.pk),
            {"full_name": "Muhammad Ali", "student_ref": student.student_ref, "school_class": student.school_class_id},
        )
        assert response.status_code == 302
        student.refresh_from_db()
        assert student.full_name == "Muhammad Ali"
        assert student.user.username == "muhammad_ali_muhammad_raihan"  # a name change never renames


@pytest.mark.django_db
class TestSetPasswordInAdmin:
    def test_it_audits_and_asks_for_a_new_password(self, client, school_ict_admin, student):
        from django.contrib.auth.hashers import check_password

        from accounts.models import AuditEvent

        client.force_login(school_ict_admin.user)
        url = reverse("admin:auth_user_password_change", args=[student.user_id])
        data = {"password1": "kite-river-58", "password2": "kite-river-58", "usable_password": "true"}
        response = client.post(url, data)
        assert response.status_code == 302
        student.user.refresh_from_db()
        assert check_password("kite-river-58", student.user.password) and student.user.must_change_password
        event = AuditEvent.objects.get(action="password.temporary", target=student.login_id)
        assert event.details == {"channel": "it"} and event.school_id == student.school_id
        assert "kite-river-58" not in str(event.details)

    def test_it_answers_404_for_another_schools_account(self, client, school_ict_admin, other):
        client.force_login(school_ict_admin.user)
        url = reverse("admin:auth_user_password_change", args=[other["user"].pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"password1": "kite-river-58", "password2": "kite-river-58"}).status_code == 404


@pytest.mark.django_db
class TestScopedInline:
    """The mixin on an inline: rows and choices of the admin's school only."""

    def _inline(self):
        class TeacherInline(SchoolScopedAdmin, admin.TabularInline):
            model = Teacher
            fields = ["user", "form_classes"]

        return TeacherInline(School, admin.site)

    def test_it_scopes_inline_rows_permissions_and_choices(self, school_ict_admin, school, form_teacher, other):
        request = RequestFactory().get("/")
        request.user = User.objects.get(pk=school_ict_admin.user_id)
        inline = self._inline()
        rows = set(inline.get_queryset(request))
        assert form_teacher in rows and other["teacher"] not in rows
        assert inline.has_view_permission(request, school)  # asked about the parent: its admin decides
        formset = inline.get_formset(request, school)
        choices = formset.form.base_fields["form_classes"].queryset
        assert other["class"] not in choices and form_teacher.form_classes.first() in choices


@pytest.mark.django_db
class TestRowCheckbox:
    """The change list's row checkbox, written by the mixin without a template, is Django's own."""

    @pytest.mark.parametrize("code", ["en", "zh-hans", "ms"])
    def test_it_is_the_same_html_as_djangos_in_every_language(self, settings, p5_class, code):
        settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"  # Django's own, as it was
        student = factories.make_student(p5_class, "O'Brien <Tan> & \"Lee\"")
        model_admin = admin.site._registry[Student]
        with translation.override(code):
            assert model_admin.action_checkbox(student) == admin.ModelAdmin.action_checkbox(model_admin, student)
